// `wi-doctor identity <client-id>` (issue 19, the 20-credential limit) against the fake cloud and
// the fake cluster beside it: every credential judged, the stale ones named with the az command,
// and one deleted only after a yes, only while it is what was listed, never AKS's own.
//
//   node scripts/run-unit-tests.mjs --root test/cluster cli-identity

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { azureProvider } from '../../src/azure/provider';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { addIdentityBinding } from '../fake-azure/identity-bindings';
import { DELETED_CLUSTER_ISSUER, IDENTITY_AUDIT_AZURE } from '../fake-azure/scenarios-identity-audit';
import { CLIENT_ID, CLUSTER_ID, IDENTITY_NAME } from '../fake-azure/world';

const dir = mkdtempSync(join(tmpdir(), 'wi-identity-'));
const clouds: FakeCloud[] = [];
after(async () => {
  await Promise.all(clouds.map((c) => c.stop()));
});

async function world(): Promise<{ c: FakeCloud; kubeconfig: string; deps: RunDeps }> {
  const c = await startFakeCloud({ scenario: IDENTITY_AUDIT_AZURE });
  clouds.push(c);
  const deps: RunDeps = { azure: () => azureProvider({ endpoints: c.endpoints, credential: async () => c.signIn(), notSignedIn: 'Not signed in to Azure (test).', timeoutMs: 5000 }) };
  return { c, kubeconfig: c.kube.writeKubeconfig(join(dir, `kc-${clouds.length}.yaml`)), deps };
}

async function cli(argv: string[], deps: RunDeps): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} };
  const code = await run(argv, io, deps);
  return { code, out, err };
}

describe('wi-doctor identity', () => {
  it('judges each credential: live here (its ServiceAccount exists), stale here (it does not), live on another cluster, likely stale (no cluster has the issuer), not judged (GitHub); exit 1', async () => {
    const { kubeconfig, deps } = await world();
    const r = await cli(['identity', CLIENT_ID, '--kubeconfig', kubeconfig, '--format', 'json'], deps);
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out) as { limit: number; credentials: { name: string; state: string; reason: string }[] };
    const state = Object.fromEntries(j.credentials.map((c) => [c.name, c.state]));
    assert.deepEqual(state, { 'aks-prod-payments-api-sa': 'live', 'retired-reports': 'stale', 'staging-api': 'live', 'aks-old-eastus': 'likely-stale', 'github-deploy': 'not-judged' });
    assert.equal(j.limit, 20);
    assert.match(j.credentials.find((c) => c.name === 'retired-reports')!.reason, /^ServiceAccount retired\/reports-sa does not exist in AKS cluster aks-prod/);
    assert.match(j.credentials.find((c) => c.name === 'staging-api')!.reason, /AKS cluster aks-staging .*not looked up: the kubeconfig's context is another cluster/);
    const text = await cli(['identity', CLIENT_ID, '--kubeconfig', kubeconfig], deps);
    assert.match(text.out, /^Managed identity id-payments-api \(client ID /);
    assert.match(text.out, /5 of 20 federated credentials; ServiceAccounts looked up in context/);
    assert.match(text.out, /2 to remove, one at a time .*\n {2}az identity federated-credential delete --name retired-reports --identity-name id-payments-api/);
    assert.ok(text.out.includes(DELETED_CLUSTER_ISSUER));
  });

  it('--delete asks, refuses without a yes, deletes with --yes after checking it is unchanged; AKS\'s aks-identity-binding is never deleted', async () => {
    const { c, kubeconfig, deps } = await world();
    const id = c.state.identities().find((i) => i.name === IDENTITY_NAME)!;
    const noAnswer = await cli(['identity', CLIENT_ID, '--kubeconfig', kubeconfig, '--delete', 'retired-reports'], { ...deps, ask: async () => false });
    assert.equal(noAnswer.code, 2);
    assert.match(noAnswer.err, /Delete federated credential "retired-reports" of id-payments-api \(STALE: ServiceAccount retired\/reports-sa does not exist/);
    assert.match(noAnswer.err, /the same as: az identity federated-credential delete --name retired-reports/);
    assert.ok(c.state.ficsOf(id).some((f) => f.name === 'retired-reports'), 'kept without a yes');
    const yes = await cli(['identity', CLIENT_ID, '--kubeconfig', kubeconfig, '--delete', 'retired-reports', '--yes'], deps);
    assert.equal(yes.code, 0, yes.err);
    assert.match(yes.out, /^Deleted federated credential "retired-reports" of id-payments-api; 4 of 20 remain\.$/m);
    assert.ok(!c.state.ficsOf(id).some((f) => f.name === 'retired-reports'));

    addIdentityBinding(c.state, c.state.resource(CLUSTER_ID)!, id, 'idpaymentsapi');
    const aks = await cli(['identity', CLIENT_ID, '--no-cluster', '--delete', 'aks-identity-binding', '--yes'], deps);
    assert.equal(aks.code, 2);
    assert.match(aks.err, /is AKS's credential for identity bindings: AKS manages it/);
    assert.ok(c.state.ficsOf(id).some((f) => f.name === 'aks-identity-binding'));
  });

  it('a client ID nobody has, and not a GUID: one sentence, exit 2', async () => {
    const { deps } = await world();
    const none = await cli(['identity', '0d1e2f3a-4b5c-4d6e-8f70-000000000000', '--no-cluster'], deps);
    assert.equal(none.code, 2);
    assert.match(none.err, /^wi-doctor: No managed identity with client ID 0d1e2f3a-4b5c-4d6e-8f70-000000000000 is in a subscription you can read\.\n$/);
    const bad = await cli(['identity', 'id-payments-api'], deps);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /is not a client ID \(a GUID\)/);
  });
});
