// `wi-doctor workloads` end to end (in-process) against the local Kubernetes API server: every
// workload's state in text and JSON, the filters, -n (one namespace, no cluster-wide list), the
// RBAC fallback, the exit codes, and the ways it cannot run — each one sentence on stderr.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';
import { ESO_STORE_NOT_READY } from '../fake-kube/scenarios-consumers';

const dir = mkdtempSync(join(tmpdir(), 'wi-workloads-'));
const servers: FakeKube[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(opts: FakeKubeOptions): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const kube = await startFakeKube(opts);
  servers.push(kube);
  return { kube, kubeconfig: kube.writeKubeconfig(join(dir, `kc-${servers.length}.yaml`)) };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} };
  const code = await run(args, io);
  return { code, out, err };
}

interface JsonOut {
  context: string;
  notes: string[];
  totals: { workloads: number; workloadIdentity: number; errors: number; warnings: number };
  workloads: { namespace: string; kind: string; name: string; level: string; status: string; pods: { state: string }[] }[];
}

describe('wi-doctor workloads', () => {
  it('lists every Workload Identity workload of the demo cluster with its state, and exits 1 for the broken ones', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'demo' });
    const { code, out, err } = await cli(['workloads', '--kubeconfig', kubeconfig, '--format', 'json']);
    assert.equal(err, '');
    assert.equal(code, 1);
    const r = JSON.parse(out) as JsonOut;
    assert.equal(r.context, 'fake-aks');
    const state = (ns: string, name: string) => r.workloads.find((w) => w.namespace === ns && w.name === name);
    assert.deepEqual([state('analytics', 'ingest')?.level, state('analytics', 'ingest')?.status], ['ok', 'injected']);
    assert.deepEqual([state('billing', 'invoicer')?.level, state('billing', 'invoicer')?.status], ['error', 'no client ID on the ServiceAccount']);
    assert.deepEqual([state('checkout', 'cart')?.level, state('checkout', 'cart')?.status], ['error', 'label on the Deployment, not the template']);
    assert.equal(state('orders', 'worker')?.status, 'pods predate the label');
    assert.ok(state('analytics', 'ingest')!.pods.every((p) => p.state === 'injected'));
    // Not using Workload Identity: left out unless --all.
    assert.equal(state('ingress-basic', 'ingress-nginx-controller'), undefined);
    assert.equal(r.totals.errors, r.workloads.filter((w) => w.level === 'error').length);
    // One list per kind, whatever the number of namespaces: no per-namespace request.
    const lists = kube.requests.filter((q) => q.method === 'GET' && q.query.watch === undefined && /^\/api/.test(q.path));
    assert.ok(lists.every((q) => !/\/namespaces\/[^/]+\//.test(q.path)), lists.map((q) => q.path).join('\n'));
  });

  it('filters: --all, --only-problems, --filter, -n', async () => {
    const { kube, kubeconfig } = await serve({ scenario: 'demo' });
    const names = async (...args: string[]) => ((JSON.parse((await cli(['workloads', '--kubeconfig', kubeconfig, '-f', 'json', ...args])).out) as JsonOut).workloads.map((w) => `${w.namespace}/${w.name}`));
    assert.ok((await names('--all')).includes('ingress-basic/ingress-nginx-controller'));
    const problems = await names('--only-problems');
    assert.ok(problems.includes('billing/invoicer') && !problems.includes('analytics/ingest'), problems.join(', '));
    assert.deepEqual(await names('--filter', 'invoic'), ['billing/invoicer']);
    kube.resetRequests();
    assert.deepEqual(await names('-n', 'checkout'), ['checkout/cart']);
    // -n lists in that namespace only: no cluster-wide list, no namespaces.
    const paths = kube.requests.filter((q) => q.method === 'GET' && /^\/api/.test(q.path)).map((q) => q.path);
    assert.ok(paths.length > 0 && paths.every((p) => p.includes('/namespaces/checkout/') || p.includes('mutatingwebhookconfigurations')), paths.join('\n'));
  });

  it('text output names the broken link of each workload, and a healthy cluster exits 0', async () => {
    const { kubeconfig } = await serve({ scenario: 'healthy' });
    const { code, out } = await cli(['workloads', '--kubeconfig', kubeconfig, '--no-color']);
    assert.equal(code, 0, out);
    assert.match(out, /^Workload Identity in context fake-aks \(https:\/\/127\.0\.0\.1:\d+\)$/m);
    assert.match(out, /^payments {2}\(\d+ workloads?\)$/m);
    assert.match(out, /^ {2}✓ Deployment {2}api {2}injected$/m);
    const broken = await serve({ scenario: 'sa-not-annotated' });
    const b = await cli(['workloads', '--kubeconfig', broken.kubeconfig]);
    assert.equal(b.code, 1);
    assert.match(b.out, /✗ Deployment {2}api {2}no client ID on the ServiceAccount\n {6}ServiceAccount payments\/api-sa has no azure\.workload\.identity\/client-id annotation/);
  });

  it('the controllers\' objects, as the sidebar\'s Secrets & controllers: whose identity each uses, the broken ones exit 1; --no-consumers asks nothing of them; -n only the namespaced kinds', async () => {
    const { kube, kubeconfig } = await serve({ scenario: ESO_STORE_NOT_READY });
    const { code, out, err } = await cli(['workloads', '--kubeconfig', kubeconfig, '-f', 'json']);
    assert.equal(err, '');
    assert.equal(code, 1, 'the ClusterSecretStore is not Ready');
    const r = JSON.parse(out) as JsonOut & { consumers: { kind: string; namespace?: string; name: string; level: string; status: string; lines: { level: string; text: string }[]; carriers: string[] }[] };
    assert.deepEqual(r.consumers.map((c) => [c.kind, c.namespace ?? '-', c.name, c.level, c.status]), [
      ['SecretStore', 'team-a', 'vault', 'ok', 'Workload Identity as eso-sa'],
      ['ClusterSecretStore', '-', 'shared', 'error', 'not ready: unable to create client'],
    ]);
    assert.deepEqual(r.consumers[1]!.carriers, ['external-secrets/Deployment/external-secrets']);
    // Text: the namespace's objects below its workloads, the cluster-wide ones last.
    const text = await cli(['workloads', '--kubeconfig', kubeconfig, '--no-color']);
    assert.match(text.out, /^team-a {2}\(1 object\)\n {2}✓ SecretStore vault {2}Workload Identity as eso-sa$/m);
    assert.match(text.out, /^Cluster-wide\n {2}✗ ClusterSecretStore shared {2}not ready: unable to create client\n {6}\S/m);
    assert.match(text.out, /^2 objects a controller authenticates for \(Secrets & controllers\): 1 broken\.$/m);

    kube.resetRequests();
    const plain = await cli(['workloads', '--kubeconfig', kubeconfig, '-f', 'json', '--no-consumers']);
    assert.equal((JSON.parse(plain.out) as { consumers?: unknown }).consumers, undefined);
    // Lists only: a watch of the run before may be recorded as it closes.
    assert.deepEqual(kube.requests.filter((q) => q.query.watch === undefined && q.path.startsWith('/apis/external-secrets.io')).map((q) => q.path), []);

    kube.resetRequests();
    const one = JSON.parse((await cli(['workloads', '--kubeconfig', kubeconfig, '-f', 'json', '-n', 'team-a'])).out) as { consumers: { name: string }[] };
    assert.deepEqual(one.consumers.map((c) => c.name), ['vault']);
    assert.deepEqual(kube.requests.filter((q) => q.query.watch === undefined && /clustersecretstores|clusterissuers|clustertriggerauthentications/.test(q.path)).map((q) => q.path), []);
  });

  it('falls back to the context\'s namespace when namespaces may not be listed, and says so', async () => {
    const { kubeconfig } = await serve({ scenario: 'demo', forbid: [{ verb: 'list', resource: 'namespaces' }] });
    const { out } = await cli(['workloads', '--kubeconfig', kubeconfig, '-f', 'json', '--all']);
    const r = JSON.parse(out) as JsonOut;
    assert.match(r.notes.join('\n'), /You may not list namespaces \(403\), so only namespace "default" is shown/);
    assert.ok(r.workloads.every((w) => w.namespace === 'default'));
  });

  it('cannot run: no kubeconfig, an unreachable server, a forbidden namespace — one sentence, exit 2', async () => {
    const missing = await cli(['workloads', '--kubeconfig', join(dir, 'missing.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^wi-doctor: The kubeconfig \S+missing\.yaml does not exist\./);
    const { kube, kubeconfig } = await serve({ scenario: 'healthy' });
    await kube.stop();
    const down = await cli(['workloads', '--kubeconfig', kubeconfig]);
    assert.equal(down.code, 2);
    assert.match(down.err, /^wi-doctor: Cannot reach the API server https:\/\/127\.0\.0\.1:\d+/);
    const denied = await serve({ scenario: 'healthy', forbid: [{ verb: 'list', resource: '*', namespace: 'payments' }] });
    const d = await cli(['workloads', '--kubeconfig', denied.kubeconfig, '-n', 'payments']);
    assert.equal(d.code, 2);
    assert.match(d.err, /^wi-doctor: Forbidden: you may not list .* in namespace "payments"/);
    const usage = await cli(['workloads', 'deployment/api']);
    assert.equal(usage.code, 2);
  });
});
