// The whole chain, cluster and Azure, through the CLI (in-process, JSON) against the local
// Kubernetes API server and the local ARM / Resource Graph / Entra / Graph servers: one scenario
// per Azure failure mode, the exact difference and remediation, Entra's own AADSTS code from a
// real exchange — and the ways Azure can refuse (no sign-in, expired, 403, 429, hang).

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/core-auth';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { azureProvider } from '../../src/azure/provider';
import { AZURE_EXPECTATIONS } from '../fake-azure/expectations';
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from '../fake-azure/cloud';

const dir = mkdtempSync(join(tmpdir(), 'wi-azure-'));
const clouds: FakeCloud[] = [];
after(async () => {
  await Promise.all(clouds.map((c) => c.stop()));
});

async function cloud(opts: FakeCloudOptions): Promise<{ c: FakeCloud; kubeconfig: string }> {
  const c = await startFakeCloud(opts);
  clouds.push(c);
  return { c, kubeconfig: c.kube.writeKubeconfig(join(dir, `kc-${clouds.length}.yaml`)) };
}

function azureOf(c: FakeCloud, credential: (() => TokenCredential | undefined) = () => c.signIn(), timeoutMs = 5000): RunDeps['azure'] {
  return () => azureProvider({ endpoints: c.endpoints, credential: async () => credential(), notSignedIn: 'Not signed in to Azure (test).', timeoutMs, anonymousExchange: true });
}

interface Json {
  firstFailure: string | null;
  checkpoints: { id: string; status: string; summary: string; fault?: string; evidence: { label: string; value: string; level?: string }[]; remediation: { text: string; command?: string; fix?: unknown; azureFix?: unknown }[] }[];
}

async function diagnose(kubeconfig: string, deps: RunDeps, extra: string[] = []): Promise<{ code: number; out: string; json: Json }> {
  let out = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} };
  const code = await run(['diagnose', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', 'json', ...(extra.includes('--token-exchange') ? [] : ['--token-exchange', 'always']), ...extra], io, deps);
  return { code, out, json: JSON.parse(out) as Json };
}

const show = (j: Json) => j.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n');

describe('diagnose with Azure (CLI, JSON)', () => {
  for (const x of AZURE_EXPECTATIONS) {
    it(`${x.scenario}: ${x.firstFailure ? `first broken link is ${x.firstFailure}` : 'no failure'}`, async () => {
      const { c, kubeconfig } = await cloud({ scenario: x.scenario });
      const { code, json } = await diagnose(kubeconfig, { azure: azureOf(c) });
      assert.equal(json.firstFailure ?? undefined, x.firstFailure, show(json));
      assert.equal(code, x.exit ?? (x.firstFailure ? 1 : 0), show(json));
      const byId = Object.fromEntries(json.checkpoints.map((cp) => [cp.id, cp]));
      for (const [id, status] of Object.entries(x.statuses ?? {})) assert.equal(byId[id]?.status, status, `${id}\n${show(json)}`);
      for (const [id, re] of Object.entries(x.summaries ?? {})) assert.match(byId[id]!.summary, re, show(json));
      for (const id of x.notChecked ?? []) assert.ok(byId[id]?.fault && byId[id]!.status === 'warn', `${id} should be not checked\n${show(json)}`);
      assert.deepEqual(json.checkpoints.filter((cp) => cp.fault).map((cp) => cp.id), x.notChecked ?? [], show(json));
      for (const e of x.evidence ?? []) {
        const line = byId[e.checkpoint]!.evidence.find((v) => e.label.test(v.label));
        assert.ok(line, `no evidence ${e.label} in ${e.checkpoint}\n${JSON.stringify(byId[e.checkpoint]!.evidence, null, 1)}`);
        if (e.value) assert.match(line.value, e.value);
        assert.equal(line.level ?? null, e.level, `${line.label}: ${line.value}`);
      }
      if (x.firstFailure) {
        const f = byId[x.firstFailure]!;
        assert.match(f.summary, x.summary!);
        if (x.command) assert.ok(f.remediation.some((r) => r.command && x.command!.test(r.command)), `no command like ${x.command}\n${JSON.stringify(f.remediation, null, 1)}`);
        if (x.azureFix) assert.ok(f.remediation.some((r) => (r.azureFix as { id?: string } | undefined)?.id === x.azureFix), 'no azure fix');
      }
      if (x.aadsts) {
        const ex = byId['token-exchange']!;
        if (!x.statuses?.['token-exchange']) assert.equal(ex.status, 'fail', show(json));
        assert.ok(ex.evidence.some((e) => e.value.includes(x.aadsts!)) || ex.summary.includes(x.aadsts), `${x.aadsts} not in ${ex.summary}`);
        // Entra's code is said once, never "AADSTS90033: AADSTS90033".
        assert.doesNotMatch(JSON.stringify(ex), /(AADSTS\d+): \1/);
      }
      // The text and Markdown reports end with the same verdict, and the exit code does not depend on the format.
      const verdictLine = (json as Json & { verdict: { text: string } }).verdict.text;
      for (const format of ['text', 'markdown']) {
        let out = '';
        const io: CliIO = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, cwd: dir, env: {} };
        const again = await run(['diagnose', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', format, '--token-exchange', 'always'], io, { azure: azureOf(c) });
        assert.equal(again, code, `${format} exit code`);
        const head = verdictLine.split(' — ')[0]!;
        assert.ok(out.includes(format === 'text' ? head : head.replace(/^First broken link: /, '')), `${format} has no verdict "${head}"\n${out.slice(-600)}`);
        if (x.firstFailure) assert.ok(out.includes(x.firstFailure), format);
      }
      // Nothing was written to Azure.
      assert.deepEqual(c.requests().filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'PATCH').map((r) => `${r.method} ${r.path}`), []);
    });
  }

  it('never prints a token (the pod\'s, an Azure access token) in any format', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy' });
    for (const format of ['json', 'text', 'markdown']) {
      let out = '';
      const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} };
      await run(['diagnose', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', format, '--token-exchange', 'always'], io, { azure: azureOf(c) });
      assert.ok(!/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(out), `${format} printed a JWT`);
    }
  });
});

describe('diagnose when Azure refuses (CLI)', () => {
  it('no sign-in: the Azure checkpoints are skipped with "az login"; the cluster ones pass; exit 0', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy' });
    const { code, json } = await diagnose(kubeconfig, { azure: azureOf(c, () => undefined) });
    assert.equal(code, 0);
    const mi = json.checkpoints.find((x) => x.id === 'managed-identity')!;
    assert.equal(mi.status, 'skipped');
    assert.equal(mi.summary, 'Skipped: Not signed in to Azure (test).');
    assert.equal(mi.remediation[0]!.command, 'az login');
    assert.equal(json.checkpoints.find((x) => x.id === 'pod-label')!.status, 'pass');
    // The exchange needs no Azure sign-in: the pod's token is the credential.
    assert.equal(json.checkpoints.find((x) => x.id === 'token-exchange')!.status, 'pass', show(json));
  });

  it('an expired sign-in says so', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy' });
    const { json } = await diagnose(kubeconfig, { azure: azureOf(c, () => c.expiredCredential()) });
    const mi = json.checkpoints.find((x) => x.id === 'managed-identity')!;
    assert.equal(mi.status, 'skipped', show(json));
    assert.match(mi.summary, /sign-in has expired|Not signed in|refused/i);
  });

  it('403 on Resource Graph: not checked (your permission, not a verdict), exit 2', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', forbid: [{ service: 'resourcegraph' }] as FakeCloudOptions['forbid'] });
    const { code, json } = await diagnose(kubeconfig, { azure: azureOf(c) });
    assert.equal(code, 2);
    const mi = json.checkpoints.find((x) => x.id === 'managed-identity')!;
    assert.equal(mi.status, 'warn', show(json));
    assert.match(mi.fault ?? '', /^Could not search for the managed identity: Forbidden \(403 AuthorizationFailed\)/);
    assert.equal(json.firstFailure, null);
  });

  it('429 is retried, then the diagnosis completes', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'resourcegraph', status: 429, retryAfterSeconds: 0, times: 2 }] as FakeCloudOptions['faults'] });
    const { json } = await diagnose(kubeconfig, { azure: azureOf(c) });
    assert.equal(json.checkpoints.find((x) => x.id === 'managed-identity')!.status, 'pass', show(json));
  });

  // The timeout is one deadline per request, retries and waits included: a Retry-After past it is not waited for.
  const withCliTimeout = (c: FakeCloud): RunDeps['azure'] => ({ timeoutMs }) => azureProvider({ endpoints: c.endpoints, credential: async () => c.signIn(), notSignedIn: 'Not signed in to Azure (test).', timeoutMs, anonymousExchange: true });
  const PAST = (status: string, timeout: number) => new RegExp(`${status} and asked to retry after 30 s, but the timeout is ${timeout} s, so it did not wait and could not `);

  it('429 with Retry-After: 30 on Resource Graph and --timeout 2: not waited for; done in seconds, exit 2, the throttled sentence', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'resourcegraph', status: 429, retryAfterSeconds: 30 }] as FakeCloudOptions['faults'] });
    const t0 = Date.now();
    const { code, json } = await diagnose(kubeconfig, { azure: withCliTimeout(c) }, ['--timeout', '2']);
    const took = Date.now() - t0;
    assert.ok(took < 2000 + 4000, `took ${took} ms`);
    assert.equal(code, 2, show(json));
    const mi = json.checkpoints.find((x) => x.id === 'managed-identity')!;
    assert.equal(mi.status, 'warn', show(json));
    assert.match(mi.fault ?? '', PAST('Azure is throttling requests \\(429 RateLimiting\\)', 2));
    assert.match(mi.fault ?? '', /search the managed identities with Resource Graph\. Try again in a minute, or raise the timeout/);
    // A retry would come 30 s after its request; every request to Resource Graph was made at once.
    const graph = c.requests().filter((r) => r.service === 'resourcegraph');
    assert.ok(graph.length >= 1 && graph.every((r) => r.status === 429 && r.time - t0 < 2000), graph.map((r) => `${r.time - t0} ms: ${r.status}`).join(', '));
  });

  it('429 with Retry-After: 30 on ARM (@azure/arm-msi) and --timeout 1: the same, through the SDK client', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'arm', path: /\/federatedIdentityCredentials/i, status: 429, retryAfterSeconds: 30 }] as FakeCloudOptions['faults'] });
    const t0 = Date.now();
    const { code, json } = await diagnose(kubeconfig, { azure: withCliTimeout(c) }, ['--timeout', '1']);
    const took = Date.now() - t0;
    assert.ok(took < 1000 + 4000, `took ${took} ms`);
    assert.equal(code, 2, show(json));
    const fc = json.checkpoints.find((x) => x.id === 'federated-credential')!;
    assert.equal(fc.status, 'warn', show(json));
    assert.match(fc.fault ?? '', PAST('Azure is throttling requests \\(429 SubscriptionRequestsThrottled\\)', 1));
  });

  it('503 with Retry-After: 30 and --timeout 2: "unavailable", not waited for', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'resourcegraph', status: 503, retryAfterSeconds: 30 }] as FakeCloudOptions['faults'] });
    const t0 = Date.now();
    const { code, json } = await diagnose(kubeconfig, { azure: withCliTimeout(c) }, ['--timeout', '2']);
    assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
    assert.equal(code, 2, show(json));
    assert.match(json.checkpoints.find((x) => x.id === 'managed-identity')!.fault ?? '', PAST('Azure is unavailable \\(503 InternalServerError\\)', 2));
  });

  it('a short Retry-After within the timeout is still honoured: the retry succeeds', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'resourcegraph', status: 429, retryAfterSeconds: 1, times: 1 }] as FakeCloudOptions['faults'] });
    const { json } = await diagnose(kubeconfig, { azure: withCliTimeout(c) }, ['--timeout', '5']);
    assert.equal(json.checkpoints.find((x) => x.id === 'managed-identity')!.status, 'pass', show(json));
    const graph = c.requests().filter((r) => r.service === 'resourcegraph');
    assert.ok(graph.length >= 2 && graph[1]!.time - graph[0]!.time >= 900, 'waited the second Azure asked for');
  });

  it('a hanging Azure ends at the timeout with a sentence; nothing hangs', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy', faults: [{ service: 'resourcegraph', hang: true }] as FakeCloudOptions['faults'] });
    const t0 = Date.now();
    const { json } = await diagnose(kubeconfig, { azure: azureOf(c, () => c.signIn(), 1000) }, ['--timeout', '1']);
    assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
    const mi = json.checkpoints.find((x) => x.id === 'managed-identity')!;
    assert.equal(mi.status, 'warn', show(json));
    assert.match(mi.fault ?? '', /No answer from Azure in time while trying to search the managed identities with Resource Graph/);
  });

  it('--token-exchange never, and ask without a terminal, skip the exchange', async () => {
    const { c, kubeconfig } = await cloud({ scenario: 'azure-healthy' });
    const never = await diagnose(kubeconfig, { azure: azureOf(c) }, ['--token-exchange', 'never']);
    assert.match(never.json.checkpoints.find((x) => x.id === 'token-exchange')!.summary, /turned off/);
    let out = '';
    const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} };
    await run(['diagnose', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', 'json'], io, { azure: azureOf(c) });
    assert.match((JSON.parse(out) as Json).checkpoints.find((x) => x.id === 'token-exchange')!.summary, /was not allowed/);
    const assertionGrants = c.requests().filter((r) => r.service === 'entra' && r.path.endsWith('/oauth2/v2.0/token') && JSON.stringify(r.body ?? {}).includes('client_assertion'));
    assert.deepEqual(assertionGrants, [], 'no exchange was attempted');
  });
});
