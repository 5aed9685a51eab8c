// The demo of `npm start` (the fake-azure scenario `demo`, beside the fake-kube cluster `demo`):
// the whole diagnosis, cluster and Azure, of every demo workload through the CLI (in-process,
// JSON) with the token exchange allowed — the healthy one passes every checkpoint including a
// real exchange at the fake Entra, each broken one fails first where DEMO_AZURE_WORKLOADS says —
// and the demo's sign-in as the extension makes it: the environment file the demo writes, read
// back and turned into the demo principal's credential.

import { CHECKPOINT_TITLES, type CheckpointId } from '../../src/checkpoints/results';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_AZURE_LABEL, demoAccountLabel, demoEndpoints, demoEnvironmentText, readDemoEnvironment } from '../../src/azure/demo-environment';
import { demoCredential } from '../../src/azure/entry';
import { azureProvider } from '../../src/azure/provider';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { applyAzureFix } from '../../src/checkpoints/apply-azure-fix';
import { allCheckpoints } from '../../src/checkpoints';
import { diagnose as runDiagnosis } from '../../src/checkpoints/runner';
import { connect } from '../../src/cluster/connect';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { DEMO_AZURE_WORKLOADS, DEMO_TYPO_SUBJECT } from '../fake-azure/scenarios';

interface Json {
  context: string;
  firstFailure: string | null;
  checkpoints: { id: string; status: string; summary: string; evidence: { label: string; value: string; level?: string }[]; remediation: { text: string; command?: string; azureFix?: { id?: string } }[] }[];
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
        assert.match(byId['token-exchange']!.summary, /the chain from the pod to Azure works end to end\.$/);
        assert.ok(byId['role-assignments']!.evidence.some((e) => e.value.includes('kv-contoso-prod')), `the Key Vault role is checked\n${JSON.stringify(byId['role-assignments']!.evidence)}`);
        return;
      }
      // The Azure checkpoints that ran around a cluster-side failure found the identity and its credential.
      if (w.firstFailure !== 'federated-credential') {
        for (const id of ['managed-identity', 'federated-credential']) assert.notEqual(byId[id]?.status, 'fail', `${id}\n${show(json)}`);
      }
      // One story: an exchange Entra accepts never claims the chain works when the pods do not use the token.
      const exchange = byId['token-exchange'];
      if (exchange?.status === 'pass') {
        assert.doesNotMatch(exchange.summary, /works end to end/, show(json));
        if (['pod-label', 'sdk-environment', 'webhook'].includes(w.firstFailure)) assert.match(exchange.summary, new RegExp(`Azure would accept the token; the pods do not use it: see "${CHECKPOINT_TITLES[w.firstFailure as CheckpointId]}"\\.$`), show(json));
      }
    });
  }

  it('analytics/ingest: the near miss and its exact difference (the other workloads\' credentials neutral), the fix that corrects it, Entra\'s AADSTS700213 — and after the fix, a Re-run names no broken link: the old log lines are earlier errors', async () => {
    const json = await diagnose({ namespace: 'analytics', kind: 'Deployment', name: 'ingest' }, signedIn());
    const fic = json.checkpoints.find((c) => c.id === 'federated-credential')!;
    assert.match(fic.summary, /^No federated credential of managed identity id-payments-api matches the token\. The nearest, "aks-prod-analytics-ingest-sa", differs: subject names namespace "analytcs" instead of "analytics"\.$/);
    const near = fic.evidence.find((e) => e.label === 'nearest: credential "aks-prod-analytics-ingest-sa"')!;
    assert.ok(near.value.includes(DEMO_TYPO_SUBJECT) && near.value.includes('subject lacks "i" at character 29'), near.value);
    assert.equal((near as { level?: string }).level, 'fail');
    const others = fic.evidence.filter((e) => e.label.startsWith('other credential'));
    assert.ok(others.length > 0 && others.every((e) => (e as { level?: string }).level === undefined), JSON.stringify(others));
    const fix = fic.remediation.find((r) => r.azureFix)?.azureFix as { id: string } | undefined;
    assert.equal(fix?.id, 'update-federated-credential', 'the fix corrects the misspelt credential');
    const exchange = json.checkpoints.find((c) => c.id === 'token-exchange')!;
    assert.equal(exchange.status, 'fail', show(json));
    assert.ok(exchange.summary.includes('AADSTS700213') || exchange.evidence.some((e) => e.value.includes('AADSTS700213')), exchange.summary);
    // Nothing was written to Azure by a diagnosis.
    assert.deepEqual(cloud.requests().filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'PATCH').map((r) => `${r.method} ${r.path}`), []);

    // Apply the fix as the editor does after confirmation, then Re-run (a fresh diagnosis).
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    // The JSON report shows a fix's changes and command; the plan itself is the in-process report's.
    const inProcess = await runDiagnosis({ cluster: connect({ kubeconfig }), target: { namespace: 'analytics', kind: 'Deployment', name: 'ingest' }, checkpoints: allCheckpoints, options: { azure: async () => p, tokenExchange: 'never' } });
    const plan = inProcess.report.checkpoints.find((c) => c.id === 'federated-credential')!.remediation.find((r) => r.azureFix)!.azureFix!;
    const applied = await applyAzureFix(p.api, plan);
    assert.ok(applied.ok, JSON.stringify(applied));
    try {
      const again = await diagnose({ namespace: 'analytics', kind: 'Deployment', name: 'ingest' }, signedIn());
      assert.equal(again.firstFailure, null, show(again));
      const logs = again.checkpoints.find((c) => c.id === 'pod-logs')!;
      assert.equal(logs.status, 'warn', show(again));
      assert.match(logs.summary, /^Only earlier Workload Identity errors in the logs \(AADSTS70021.*\): "Federated credential" only warns now/);
    } finally {
      // The other tests see the demo as it ships.
      const identity = cloud.state.identities().find((i) => i.name === 'id-payments-api')!;
      cloud.state.ficsOf(identity).find((f) => f.name === 'aks-prod-analytics-ingest-sa')!.subject = DEMO_TYPO_SUBJECT;
    }
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
