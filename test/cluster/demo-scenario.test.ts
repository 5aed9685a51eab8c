// The demo of `npm start` (the fake-azure scenario `demo`, beside the fake-kube cluster `demo`):
// the whole diagnosis, cluster and Azure, of every demo workload through the CLI (in-process,
// JSON) with the token exchange allowed — the healthy one passes every checkpoint including a
// real exchange at the fake Entra, each broken one fails first where DEMO_AZURE_WORKLOADS says —
// and the demo's sign-in as the extension makes it: the environment file the demo writes, read
// back and turned into the demo principal's credential.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_AZURE_LABEL, demoAccountLabel, demoEndpoints, demoEnvironmentText, readDemoEnvironment } from '../../src/azure/demo-environment';
import { demoCredential } from '../../src/azure/entry';
import { azureProvider } from '../../src/azure/provider';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { DEMO_AZURE_WORKLOADS, DEMO_TYPO_SUBJECT } from '../fake-azure/scenarios';

interface Json {
  context: string;
  firstFailure: string | null;
  checkpoints: { id: string; status: string; summary: string; evidence: { label: string; value: string }[]; remediation: { text: string; command?: string; azureFix?: { id?: string } }[] }[];
}

const show = (j: Json): string => j.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n');

describe('the demo scenario (npm start): every workload, cluster and Azure', { concurrency: 1 }, () => {
  let cloud: FakeCloud;
  let dir: string;
  let kubeconfig: string;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'demo' });
    dir = mkdtempSync(join(tmpdir(), 'wi-demo-'));
    kubeconfig = cloud.kube.writeKubeconfig(join(dir, 'kubeconfig.yaml'), { context: 'wi-doctor-demo', user: 'wi-doctor-demo' });
  });
  after(async () => {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function diagnose(target: { namespace: string; kind: string; name: string }, azure: RunDeps['azure']): Promise<Json> {
    let out = '';
    const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} };
    await run(['diagnose', '-n', target.namespace, `${target.kind.toLowerCase()}/${target.name}`, '--kubeconfig', kubeconfig, '--format', 'json', '--token-exchange', 'always'], io, { azure });
    return JSON.parse(out) as Json;
  }

  const signedIn = (): RunDeps['azure'] => () => azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'Not signed in (test).', timeoutMs: 10_000 });

  for (const w of DEMO_AZURE_WORKLOADS) {
    const t = w.target;
    it(`${t.namespace}/${t.name}: ${w.firstFailure ? `first broken link is ${w.firstFailure} (${w.why})` : 'every checkpoint passes, the token exchange included'}`, async () => {
      const json = await diagnose(t, signedIn());
      assert.equal(json.context, 'wi-doctor-demo');
      assert.equal(json.firstFailure ?? null, w.firstFailure, show(json));
      const byId = Object.fromEntries(json.checkpoints.map((c) => [c.id, c]));
      if (!w.firstFailure) {
        for (const c of json.checkpoints) assert.equal(c.status, 'pass', `${c.id}\n${show(json)}`);
        assert.ok(byId['token-exchange'], 'the token exchange ran');
        assert.match(byId['token-exchange']!.summary, /accepted the pod's token/);
        assert.ok(byId['role-assignments']!.evidence.some((e) => e.value.includes('kv-contoso-prod')), `the Key Vault role is checked\n${JSON.stringify(byId['role-assignments']!.evidence)}`);
        return;
      }
      // The Azure checkpoints that ran around a cluster-side failure found the identity and its credential.
      if (w.firstFailure !== 'federated-credential') {
        for (const id of ['managed-identity', 'federated-credential']) assert.notEqual(byId[id]?.status, 'fail', `${id}\n${show(json)}`);
      }
    });
  }

  it('analytics/ingest: the nearest credential and its one-word difference, the create-credential fix, and Entra\'s own AADSTS700213', async () => {
    const json = await diagnose({ namespace: 'analytics', kind: 'Deployment', name: 'ingest' }, signedIn());
    const fic = json.checkpoints.find((c) => c.id === 'federated-credential')!;
    assert.match(fic.summary, /^No federated credential of managed identity id-payments-api matches the token\. The nearest, "aks-prod-analytics-ingest-sa", differs: subject names namespace "analytcs" instead of "analytics"\.$/);
    assert.ok(fic.evidence.some((e) => e.value.includes(DEMO_TYPO_SUBJECT)));
    assert.ok(fic.remediation.some((r) => r.azureFix?.id === 'create-federated-credential'), 'the fix creates the right credential');
    const exchange = json.checkpoints.find((c) => c.id === 'token-exchange')!;
    assert.equal(exchange.status, 'fail', show(json));
    assert.ok(exchange.summary.includes('AADSTS700213') || exchange.evidence.some((e) => e.value.includes('AADSTS700213')), exchange.summary);
    // Nothing was written to Azure by a diagnosis.
    assert.deepEqual(cloud.requests().filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'PATCH').map((r) => `${r.method} ${r.path}`), []);
  });

  it('the environment file the demo writes signs in the demo principal, named as the demo, and the whole chain passes with it', async () => {
    const p = cloud.principal;
    const file = join(dir, 'azure-environment.json');
    writeFileSync(
      file,
      demoEnvironmentText({ arm: cloud.endpoints.arm, authorityHost: cloud.endpoints.authorityHost, graph: cloud.endpoints.graph, ca: cloud.caPem, tenantId: p.tenantId, clientId: p.clientId, clientSecret: p.secret, account: p.displayName }),
      { mode: 0o600 },
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const read = readDemoEnvironment(file);
    assert.ok(read.ok, read.ok ? '' : read.problem);
    const env = read.env;
    assert.deepEqual(demoEndpoints(env), { ...cloud.endpoints, cloud: 'custom' });
    const json = await diagnose({ namespace: 'payments', kind: 'Deployment', name: 'api' }, () =>
      azureProvider({ endpoints: demoEndpoints(env), credential: async () => demoCredential(env), notSignedIn: 'Not signed in (test).', timeoutMs: 10_000, account: { user: demoAccountLabel(env), label: DEMO_AZURE_LABEL } }),
    );
    for (const c of json.checkpoints) assert.equal(c.status, 'pass', `${c.id}\n${show(json)}`);
    const tenant = json.checkpoints.find((c) => c.id === 'managed-identity')!.evidence.find((e) => e.label === 'signed in to tenant');
    assert.equal(tenant?.value, `${p.tenantId} (${DEMO_AZURE_LABEL})`);
    assert.ok(!JSON.stringify(json).includes(p.secret), 'the secret is nowhere in the report');
  });
});
