// Every failure mode of the seed checklists, end to end through the CLI (in-process, JSON, text
// and Markdown) against the local Kubernetes API server: the first broken link, its sentence, its
// remediation and fix, what is skipped, the exit code — and that no token or secret value
// appears in any output. Then the ways a diagnosis cannot run or runs degraded.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';
import { EXPECTATIONS } from '../fake-kube/expectations';
import { LEAKED_CLIENT_SECRET, LEAKED_STORAGE_KEY } from '../fake-kube/scenarios';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';

const dir = mkdtempSync(join(tmpdir(), 'wi-diag-'));
const servers: FakeKube[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve(opts: FakeKubeOptions): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const kube = await startFakeKube(opts);
  servers.push(kube);
  const kubeconfig = kube.writeKubeconfig(join(dir, `kc-${servers.length}.yaml`));
  return { kube, kubeconfig };
}

async function cli(args: string[], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {}, signal };
  const code = await run(args, io);
  return { code, out, err };
}

interface JsonReport {
  context: string;
  workload: { namespace: string; kind: string; name: string };
  firstFailure: string | null;
  requests: number;
  checkpoints: { id: string; title: string; status: string; summary: string; evidence: unknown[]; remediation: { text: string; command?: string; fix?: { id: string } }[] }[];
}

function targetArgs(t: { namespace: string; kind: string; name: string }): string[] {
  return ['-n', t.namespace, `${t.kind.toLowerCase()}/${t.name}`];
}

describe('diagnose scenarios (CLI, JSON)', () => {
  for (const x of EXPECTATIONS) {
    it(`${x.scenario}: ${x.firstFailure ? `first broken link is ${x.firstFailure}` : 'everything passes'}`, async () => {
      const { kube, kubeconfig } = await serve({ scenario: x.scenario });
      const { code, out } = await cli(['diagnose', '--no-azure', ...targetArgs(x.target), '--kubeconfig', kubeconfig, '--format', 'json']);
      const r = JSON.parse(out) as JsonReport;
      assert.equal(r.context, 'fake-aks');
      assert.deepEqual(r.workload, x.target);
      assert.deepEqual(r.checkpoints.map((c) => c.id), ['cluster-connection', 'cluster-oidc-issuer', 'webhook', 'pod-label', 'service-account', 'sdk-environment', 'projected-token', 'pod-logs']);
      for (const c of r.checkpoints) assert.ok(c.title && c.summary && Array.isArray(c.evidence) && Array.isArray(c.remediation), c.id);
      assert.equal(r.firstFailure ?? undefined, x.firstFailure);
      assert.equal(code, x.firstFailure ? 1 : 0);
      if (!x.firstFailure) {
        assert.deepEqual(r.checkpoints.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}`), []);
        assert.ok(r.requests <= 15, `${r.requests} requests for a 3-pod workload`);
        return;
      }
      const failed = r.checkpoints.find((c) => c.id === x.firstFailure)!;
      assert.match(failed.summary, x.summary!);
      if (x.command) assert.ok(failed.remediation.some((m) => m.command === x.command), `no remediation command ${x.command}\n${JSON.stringify(failed.remediation, null, 2)}`);
      if (x.fix) assert.ok(failed.remediation.some((m) => m.fix?.id === x.fix), `no fix ${x.fix}`);
      for (const id of x.skipped ?? []) assert.equal(r.checkpoints.find((c) => c.id === id)!.status, 'skipped', id);
      // The cluster was only read.
      assert.deepEqual(kube.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/token')).map((q) => `${q.method} ${q.path}`), []);
    });
  }

  it('never prints a token or a secret value, in any format', async () => {
    for (const scenario of ['client-secret-set', 'logs-aadsts', 'healthy']) {
      const { kube, kubeconfig } = await serve({ scenario });
      for (const format of ['json', 'text', 'markdown']) {
        const { out, err } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', format]);
        for (const secret of [LEAKED_CLIENT_SECRET, LEAKED_STORAGE_KEY, kube.token]) {
          assert.ok(!out.includes(secret) && !err.includes(secret), `${scenario}/${format} printed a secret`);
        }
        assert.ok(!/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(out), `${scenario}/${format} printed a JWT`);
      }
    }
  });
});

describe('diagnose when the cluster misbehaves (CLI)', () => {
  it('unreachable: one sentence on stderr, nothing judged, exit 2', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'healthy' });
    await kube.stop();
    for (const format of ['json', 'text']) {
      const { code, out, err } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', format]);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.match(err, /^wi-doctor: Cannot reach the API server https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)[^\n]*\n$/);
    }
  });

  it('--kubeconfig pointing at nothing: one sentence, exit 2', async () => {
    const { code, out, err } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', join(dir, 'nonexistent.yaml')]);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.equal(err.split('\n').filter(Boolean).length, 1, err);
    assert.match(err, /^wi-doctor: The kubeconfig \S+nonexistent\.yaml does not exist\.$/m);
    assert.doesNotMatch(err, /get-credentials|~\/\.kube\/config/);
  });

  it('401: says the login expired and how to renew it, exit 2', async () => {
    const { kube } = await serve({ scenario: 'healthy' });
    const kubeconfig = kube.writeKubeconfig(join(dir, 'expired.yaml'), { token: 'expired-token' });
    const { code, out, err } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json']);
    assert.equal(code, 2);
    assert.match(err, /rejected the credentials \(401 Unauthorized\): the login has expired or is missing/);
    assert.ok(!out.includes('expired-token') && !err.includes('expired-token'));
  });

  it('403 on listing pods: "not checked" naming the verb, resource and namespace (your permission, not a verdict): exit 2; what needs no pods still runs', async () => {
    const { kubeconfig } = await serve({ scenario: 'healthy', forbid: [{ verb: 'list', resource: 'pods', namespace: 'payments' }] });
    const { code, out } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json']);
    assert.equal(code, 2);
    const r = JSON.parse(out) as JsonReport & { verdict: { kind: string; text: string } };
    const byId = Object.fromEntries(r.checkpoints.map((c) => [c.id, c]));
    assert.equal(r.firstFailure, null);
    assert.equal(byId['pod-label']!.status, 'warn');
    assert.equal(byId['pod-label']!.summary, 'Not checked: Could not get the pods of Deployment payments/api: Forbidden: you may not list pods in namespace "payments" (403). Ask for a Role that grants "list" on "pods" in "payments".');
    assert.equal(byId['pod-label']!.remediation[0]!.command, 'kubectl auth can-i list pods -n payments --context fake-aks');
    assert.equal(byId['service-account']!.status, 'pass');
    assert.equal(byId['projected-token']!.status, 'pass');
    assert.equal(byId['pod-logs']!.status, 'skipped');
    assert.equal(r.verdict.kind, 'incomplete');
    assert.match(r.verdict.text, /^Not finished: Pod label could not be checked — Could not get the pods/);
  });

  it('the API server going away mid-diagnosis: exit 2 and no verdict about the workload', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'healthy' });
    // Awaited below: the server must really have gone away mid-diagnosis (and a wait that times out is a failure of this test, not a stray rejection).
    const stopped = kube.waitForRequest((q) => q.path === '/api/v1/namespaces/payments/pods', 30_000).then(() => kube.stop());
    const { code, out } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json']);
    await stopped;
    assert.equal(code, 2, out);
    const r = JSON.parse(out) as JsonReport & { notChecked: { id: string; reason: string }[] };
    assert.equal(r.firstFailure, null, out);
    assert.ok(r.notChecked.length >= 1 && /ECONNREFUSED|Cannot reach/.test(r.notChecked[0]!.reason), JSON.stringify(r.notChecked));
    assert.ok(r.checkpoints.every((c) => c.status !== 'fail'), JSON.stringify(r.checkpoints.map((c) => `${c.id}=${c.status}`)));
  });

  it('a namespace or workload that does not exist: "not found" with the context, exit 2, in one sentence', async () => {
    const { kubeconfig } = await serve({ scenario: 'healthy' });
    const workload = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/nope', '--kubeconfig', kubeconfig, '--format', 'json']);
    assert.equal(workload.code, 2);
    assert.equal(workload.out, '');
    assert.match(workload.err, /^wi-doctor: Deployment payments\/nope does not exist in context "fake-aks" \(server https:\/\/127\.0\.0\.1:\d+\)\.\n$/);
    const ns = await cli(['diagnose', '--no-azure', '-n', 'paymnets', 'deploy/api', '--kubeconfig', kubeconfig]);
    assert.equal(ns.code, 2);
    assert.match(ns.err, /^wi-doctor: Namespace "paymnets" does not exist in context "fake-aks"/);
  });

  it('429: retried with backoff, then the diagnosis completes', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'healthy', faults: [{ path: /\/serviceaccounts\/api-sa$/, status: 429, retryAfterSeconds: 0, times: 2 }] });
    const { code } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json']);
    assert.equal(code, 0);
    assert.equal(kube.requests.filter((q) => q.path.endsWith('/serviceaccounts/api-sa')).length, 3);
  });

  it('429 with a Retry-After past the timeout: not waited for; the request ends at once with the sentence, exit 2', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'healthy', faults: [{ path: /\/serviceaccounts\/api-sa$/, status: 429, retryAfterSeconds: 30 }] });
    const t0 = Date.now();
    const { code, out } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json', '--timeout', '2']);
    const took = Date.now() - t0;
    assert.ok(took < 5000, `took ${took} ms`);
    assert.equal(code, 2, out);
    const sa = (JSON.parse(out) as JsonReport).checkpoints.find((c) => c.id === 'service-account')!;
    assert.equal(sa.status, 'warn');
    assert.match(sa.summary, /The API server is throttling \(429 Too Many Requests\) and asked to retry after 30 s, but the timeout is 2 s, so it did not wait and could not get serviceaccounts "api-sa" in namespace "payments"\. Try again later, or raise the timeout/);
    assert.equal(kube.requests.filter((q) => q.path.endsWith('/serviceaccounts/api-sa')).length, 1, 'no retry was made');
  });

  it('a hanging request ends at the timeout with a sentence; the rest still run', async () => {
    const { kubeconfig } = await serve({ scenario: 'healthy', faults: [{ path: '/openid/v1/jwks', hang: true }] });
    const t0 = Date.now();
    const { out } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json', '--timeout', '0.3']);
    assert.ok(Date.now() - t0 < 5000);
    const r = JSON.parse(out) as JsonReport;
    const oidc = r.checkpoints.find((c) => c.id === 'cluster-oidc-issuer')!;
    assert.equal(oidc.status, 'warn');
    assert.match(oidc.summary, /^Not checked: .*No answer from https:\/\/127\.0\.0\.1:\d+ within 0\.3 s while trying to get \/openid\/v1\/jwks/);
    assert.equal(r.checkpoints.find((c) => c.id === 'pod-label')!.status, 'pass');
  });

  it('cancellation stops promptly and reports what it has, exit 2', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'healthy', latencyMs: 200 });
    const ac = new AbortController();
    const aborted = kube.waitForRequest((q) => q.path === '/.well-known/openid-configuration', 30_000).then(() => ac.abort());
    const t0 = Date.now();
    const { code, out } = await cli(['diagnose', '--no-azure', '-n', 'payments', 'deploy/api', '--kubeconfig', kubeconfig, '--format', 'json'], ac.signal);
    await aborted; // the cancel came from the request it names, not from anything else
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
    assert.equal(code, 2);
    const r = JSON.parse(out) as JsonReport & { cancelled: boolean };
    assert.equal(r.cancelled, true);
    assert.equal(r.checkpoints[0]!.status, 'pass');
    assert.ok(r.checkpoints.slice(1).every((c) => c.status === 'skipped'));
  });

  it('usage errors exit 2 with one line', async () => {
    assert.equal((await cli(['diagnose'])).code, 2);
    const bad = await cli(['diagnose', 'replicaset/x']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /"replicaset\/x" is not <kind>\/<name>/);
    assert.match((await cli(['diagnose', 'deploy/x', '--format', 'yaml'])).err, /unknown format "yaml"/);
    assert.match((await cli(['diagnose', '--help'])).out, /Usage: wi-doctor diagnose/);
  });
});
