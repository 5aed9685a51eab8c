// Flux sources with `provider: azure` (issue 18), against the local API server holding Flux v2.6's
// CRDs and source-controller (test/fake-kube/scenarios-flux.ts): diagnosed from the CLI at object
// level (the ServiceAccount the source names, whose token source-controller requests itself) and at
// controller level (source-controller's own pod), listed by the sidebar's live cluster and by
// `wi-doctor workloads`, and known to the CodeLens's presence.
//
//   node scripts/run-unit-tests.mjs --root test/cluster diagnose-flux

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerKinds } from '../../src/cluster/resources';
import { presenceOf } from '../../src/tree/presence';
import { FLUX_NO_TENANT, FLUX_SOURCES } from '../fake-kube/scenarios-flux';
import { scenarioCli } from '../support/scenario-cli';

const { cluster, cli, liveTree } = scenarioCli(FLUX_SOURCES);

interface Cp { id: string; status: string; summary: string; evidence: { label: string; value: string; level?: string }[] }
interface Report { consumer?: { kind: string; namespace?: string; name: string; summary: string }; workload: { namespace: string; kind: string; name: string }; firstFailure: string | null; checkpoints: Cp[] }
const show = (j: Report): string => j.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n');

async function diagnose(...args: string[]): Promise<{ code: number; json: Report }> {
  const { kubeconfig } = await cluster();
  const r = await cli(['diagnose', ...args, '--kubeconfig', kubeconfig, '--format', 'json', '--no-azure']);
  assert.ok(r.out, `no JSON (exit ${r.code}): ${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as Report };
}

describe('Flux sources with provider azure', () => {
  it('object level: OCIRepository team-b/manifests runs the chain on ServiceAccount flux-azure alone; its missing tenant-id annotation is the broken link, and Flux says so; exit 1', async () => {
    const { code, json } = await diagnose('-n', 'team-b', 'ocirepo/manifests');
    assert.deepEqual(json.workload, { namespace: 'team-b', kind: 'ServiceAccount', name: 'flux-azure' });
    assert.match(json.consumer?.summary ?? '', /OCIRepository manifests authenticates as the ServiceAccount flux-azure in team-b/);
    assert.deepEqual(json.checkpoints.map((c) => c.id), ['cluster-connection', 'consumer-identity', 'cluster-oidc-issuer', 'service-account', 'projected-token', 'consumer-status']);
    assert.equal(json.firstFailure, 'service-account', show(json));
    const sa = json.checkpoints.find((c) => c.id === 'service-account')!;
    assert.match(sa.summary, /has no "azure\.workload\.identity\/tenant-id" annotation, which Flux requires/);
    const status = json.checkpoints.find((c) => c.id === 'consumer-status')!;
    assert.equal(status.status, 'fail', show(json));
    assert.ok(status.summary.includes('azure tenant ID is not set in the service account annotation'), status.summary);
    assert.equal(code, 1);
  });

  it('controller level: GitRepository flux-system/platform runs on source-controller, found by its image; labelled and annotated, it passes; exit 0', async () => {
    const { code, json } = await diagnose('-n', 'flux-system', 'gitrepository/platform');
    assert.deepEqual(json.workload, { namespace: 'flux-system', kind: 'Deployment', name: 'source-controller' });
    assert.ok(json.checkpoints.some((c) => c.id === 'pod-label'), 'the controller\'s pod needs the label');
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(code, 0, show(json));
  });

  it('the sidebar lists them (ImageRepository only in v1beta2 on Flux 2.6: served, none there), with whose identity; presence knows them; `workloads` prints them', async () => {
    const { kubeconfig } = await cluster();
    const live = await liveTree();
    assert.ok(ConsumerKinds.every((k) => live.consumers!.kindState(k) !== 'pending'));
    assert.equal(live.consumers!.kindState('ImageRepository'), 'listed');
    assert.equal(live.consumerServedType('ImageRepository')?.version, 'v1beta2');
    const platform = live.consumers!.consumer('flux-system', 'GitRepository', 'platform');
    assert.equal(platform?.level, 'ok', JSON.stringify(platform?.lines));
    const manifests = live.consumers!.consumer('team-b', 'OCIRepository', 'manifests');
    assert.equal(manifests?.level, 'error', JSON.stringify(manifests?.lines));
    assert.ok(manifests!.lines.some((l) => l.text.includes(FLUX_NO_TENANT)), JSON.stringify(manifests!.lines));
    assert.equal(presenceOf(live, { namespace: 'team-b', kind: 'OCIRepository', name: 'manifests' })?.state, 'present');
    assert.equal(presenceOf(live, { namespace: 'team-b', kind: 'GitRepository', name: 'manifests' })?.state, 'absent');

    // Thirteen consumer kinds on one cache signal: no "possible EventTarget memory leak" warning for the user's terminal.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const text = await cli(['workloads', '--kubeconfig', kubeconfig, '--no-color']);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    assert.match(text.out, /^ {2}✗ OCIRepository manifests {2}/m);
    assert.equal(text.code, 1);
  });
});
