// ExternalDNS's azure.json as a starting point of the diagnosis (issue 18): `wi-doctor diagnose
// secret/<name>` (or configmap/<name>) reads azure.json, runs the chain on the ExternalDNS
// Deployment that mounts it, and never shows a Secret's values (test/fake-kube/scenarios-external-dns.ts).
//
//   node scripts/run-unit-tests.mjs --root test/cluster diagnose-external-dns

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXTERNAL_DNS_UNLABELLED, LEGACY_SP_SECRET } from '../fake-kube/scenarios-external-dns';
import { scenarioCli } from '../support/scenario-cli';

const { cluster, cli } = scenarioCli(EXTERNAL_DNS_UNLABELLED);

describe("ExternalDNS's azure.json", () => {
  it('secret/azure-config-file: whose identity (ExternalDNS, the Deployment that mounts it), and its unlabelled pod template is the broken link; exit 1', async () => {
    const { kubeconfig } = await cluster();
    const r = await cli(['diagnose', '-n', 'external-dns', 'secret/azure-config-file', '--kubeconfig', kubeconfig, '--format', 'json', '--no-azure']);
    assert.ok(r.out, r.err);
    const json = JSON.parse(r.out) as { consumer?: { summary: string }; workload: unknown; firstFailure: string | null };
    assert.deepEqual(json.workload, { namespace: 'external-dns', kind: 'Deployment', name: 'external-dns' });
    assert.match(json.consumer?.summary ?? '', /^Secret azure-config-file authenticates as ExternalDNS: ServiceAccount external-dns in external-dns, whose pod must carry the azure\.workload\.identity\/use label\.$/);
    assert.equal(json.firstFailure, 'pod-label');
    assert.equal(r.code, 1);
  });

  it('a service principal in azure.json is said, and its secret never printed; a ConfigMap without azure.json is not a consumer', async () => {
    const { kubeconfig } = await cluster();
    const sp = await cli(['diagnose', '-n', 'external-dns', 'secret/legacy-dns-config', '--kubeconfig', kubeconfig, '--no-azure', '--no-color']);
    assert.match(sp.out + sp.err, /does not use Workload Identity: it authenticates with a service principal's client secret/);
    assert.ok(!(sp.out + sp.err).includes(LEGACY_SP_SECRET), 'the secret is never shown');
    const cm = await cli(['diagnose', '-n', 'external-dns', 'cm/dns-settings', '--kubeconfig', kubeconfig, '--no-azure', '--no-color']);
    assert.match(cm.err, /ConfigMap external-dns\/dns-settings holds no ExternalDNS azure\.json/);
    assert.equal(cm.code, 2);
  });
});
