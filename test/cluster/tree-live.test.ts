// The sidebar tree (src/tree/live-cluster.ts, nodes.ts) against the local API server over real
// HTTPS, opened the way the extension opens it (connect.ts's watchSource): the demo cluster's
// statuses, a label added with the real kubectl showing up, a server restart (stale, then live
// again with what changed meanwhile), the RBAC fallback, an unreachable server, a rejected
// token, a missing kubeconfig or context, and lists that do not grow with the namespaces.
// Every wait is on the tree's change event or a poll with a deadline, never a sleep.
//
//   node scripts/run-unit-tests.mjs --root test/cluster tree-live

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { watchSource } from '../../src/cluster/connect';
import { objectKey, type ResourceCacheOptions } from '../../src/cluster/informer';
import { Resources } from '../../src/cluster/resources';
import { LiveCluster } from '../../src/tree/live-cluster';
import { rootNodes, type TreeNode } from '../../src/tree/nodes';
import { ClusterBuilder } from '../fake-kube/builder';
import { startFakeKube, type FakeKube, type FakeKubeOptions, type RequestRecord } from '../fake-kube/server';
import { assertPaymentsFallbackWithoutCronJobs, assertWorkloads, contextChildren, DEMO_EXPECTED, expandAll, messages, namespacesShown, until, workloadNode, type MessageNode } from '../unit/tree-helpers';

const KUBECTL = '/usr/bin/kubectl';
const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-tree-live-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Fast and deterministic: short waits, no jitter. */
const FAST: ResourceCacheOptions = { batchMs: 20, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };
const USE = 'azure.workload.identity/use';

const isList = (r: RequestRecord): boolean => r.method === 'GET' && r.query.watch === undefined;
const isMsg = (id: string) => (n: TreeNode) => n.type === 'message' && n.id === `msg:${id}`;

describe('the sidebar tree against fake-kube', { concurrency: 1 }, () => {
  const kubes: FakeKube[] = [];
  const lives: LiveCluster[] = [];
  afterEach(async () => {
    await Promise.all(lives.splice(0).map((l) => l.stop()));
    await Promise.all(kubes.splice(0).map((k) => k.stop().catch(() => undefined)));
  });

  async function server(name: string, opts: FakeKubeOptions = {}, kubeconfig: Parameters<FakeKube['writeKubeconfig']>[1] = { namespace: 'payments' }): Promise<{ kube: FakeKube; kc: string }> {
    const kube = await startFakeKube({ scenario: 'demo', ...opts });
    kubes.push(kube);
    return { kube, kc: kube.writeKubeconfig(join(tmp, `${name}.yaml`), kubeconfig) };
  }

  function live(kubeconfig: string, context?: string): LiveCluster {
    const l = new LiveCluster({ open: () => watchSource({ kubeconfig, ...(context ? { context } : {}), timeoutMs: 3000, watchTimeoutSeconds: 60 }), cache: FAST });
    lives.push(l);
    l.start();
    return l;
  }

  /** Ready, the pods listed too (they are listed after the workloads), with the webhook configuration listed. */
  async function ready(l: LiveCluster): Promise<void> {
    await until(l, () => l.state.phase !== 'loading' && !(l.state.phase === 'ready' && l.state.podsPending), 'settled');
    assert.equal(l.state.phase, 'ready', JSON.stringify(l.state));
    await until(l, () => l.model?.webhookUp() !== undefined, 'the webhook configuration listed');
  }

  it('fills from the demo cluster with every status, one cluster-wide list per kind', async () => {
    const { kube, kc } = await server('demo');
    const l = live(kc);
    await ready(l);
    assertWorkloads(expandAll(l), DEMO_EXPECTED);
    assert.deepEqual(messages(contextChildren(l)), [], 'no notes: live, cluster-wide, webhook up');
    assert.equal(rootNodes(l)[0]!.label, 'fake-aks');
    const lists = kube.requests.filter(isList).map((r) => r.path).sort();
    assert.deepEqual(lists, [
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/api/v1/serviceaccounts',
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      '/apis/apps/v1/daemonsets',
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/statefulsets',
      '/apis/batch/v1/cronjobs',
      '/apis/batch/v1/jobs',
    ]);
  });

  it('a label added with the real kubectl shows up in the tree', { skip: !existsSync(KUBECTL) && 'no /usr/bin/kubectl' }, async () => {
    const { kc } = await server('kubectl');
    const l = live(kc);
    await ready(l);
    assert.equal(workloadNode(expandAll(l), 'checkout', 'cart')?.description, 'label on the Deployment, not the template');
    const keys = new Set<string>();
    l.onDidChange((e) => e.keys?.forEach((k) => keys.add(k)));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        KUBECTL,
        ['--kubeconfig', kc, '--cache-dir', join(tmp, 'kubectl-cache'), '--request-timeout', '10s', '-n', 'checkout', 'patch', 'deployment', 'cart', '--type', 'merge', '-p', JSON.stringify({ spec: { template: { metadata: { labels: { [USE]: 'true' } } } } })],
        { timeout: 20_000, env: { ...process.env, HOME: tmp, KUBECONFIG: '' } },
        (e, stdout, stderr) => (e ? reject(new Error(`kubectl failed: ${stderr}`)) : resolve(stdout)),
      ),
    );
    assert.match(out, /deployment\.apps\/cart patched/);
    // The rollout makes labelled pods, which the webhook injects: the warning becomes ok.
    const cart = await until(l, () => {
      const n = workloadNode(expandAll(l), 'checkout', 'cart');
      return n?.description === 'injected' && n;
    }, 'cart injected', 10_000);
    assert.equal(cart.level, 'ok');
    assert.deepEqual(cart.contextValue.split(' ').filter((f) => f.startsWith('fix-')), []);
    // The model reads the caches, which may be ahead of the (batched) notification.
    await until(l, () => keys.has(objectKey(Resources.deployments, 'checkout', 'cart')), 'the view told which object changed');
  });

  it('a server restart: stale with a note, then live again with the change made while the watch was down', async () => {
    const { kube, kc } = await server('restart', { bookmarkIntervalMs: 50 });
    const l = live(kc);
    await ready(l);
    await kube.waitForRequest((r) => r.path === '/apis/apps/v1/deployments' && r.query.watch === '1' && r.status === 200);
    // The first deployments watch after the restart is reset, so there is a window without it.
    kube.setFaults([{ path: /^\/apis\/apps\/v1\/deployments\?.*watch=1/, reset: true, times: 1 }]);
    let staleNote: MessageNode | undefined;
    l.onDidChange(() => {
      const s = l.state;
      if (staleNote || s.phase !== 'ready' || !s.stale) return;
      staleNote = contextChildren(l).find(isMsg('stale:fake-aks')) as MessageNode | undefined;
      kube.store.patch('Deployment', 'checkout', 'cart', { metadata: { labels: { [USE]: null } } });
    });
    await kube.restart();
    await until(l, () => staleNote, 'a stale note');
    assert.equal(staleNote!.level, 'warning');
    assert.equal(staleNote!.action, 'retry');
    assert.equal(staleNote!.label, 'Not live since just now — retrying');
    assert.match(String(staleNote!.description), /^Cannot reach the API server https:\/\/127\.0\.0\.1:\d+ /);
    await until(l, () => workloadNode(expandAll(l), 'checkout', 'cart')?.description === 'pod template not labelled', 'the change made while down');
    await until(l, () => l.state.phase === 'ready' && !l.state.stale && !contextChildren(l).some(isMsg('stale:fake-aks')), 'live again');
    assert.equal(kube.requests.filter((r) => isList(r) && r.path === '/apis/apps/v1/deployments').length, 1, 'resumed from the resourceVersion, not listed again');
  });

  it('namespaces may not be listed: only the context namespace, listed there, with a note', async () => {
    const { kube, kc } = await server('no-namespaces', { forbid: [{ verb: 'list', resource: 'namespaces' }] });
    const l = live(kc);
    await until(l, () => l.state.phase === 'ready' && !l.state.podsPending, 'ready, the pods listed');
    const top = contextChildren(l);
    const note = top.find(isMsg('fallback:fake-aks')) as MessageNode;
    assert.ok(note, top.map((n) => n.id).join(', '));
    assert.equal(note.action, 'pick-namespace');
    assert.match(note.label, /^You may not list namespaces \(403\), so only namespace "payments" is shown/);
    assert.deepEqual(namespacesShown(top), ['payments']);
    assertWorkloads(expandAll(l), DEMO_EXPECTED.filter((e) => e.namespace === 'payments'));
    await kube.waitForRequest((r) => isList(r) && r.path === '/apis/apps/v1/namespaces/payments/deployments' && r.status === 200);
  });

  it('workload kinds forbidden cluster-wide: the fallback; a kind forbidden in the namespace too: a note', async () => {
    const { kc } = await server('no-cluster-wide', {
      faults: [{ path: /^\/apis\/apps\/v1\/(deployments|daemonsets|statefulsets)$/, status: 403 }],
      forbid: [{ verb: 'list', resource: 'cronjobs' }],
    });
    const l = live(kc);
    await until(l, () => l.state.phase === 'ready' && !l.state.podsPending, 'ready, the pods listed');
    assertPaymentsFallbackWithoutCronJobs(l, /^You may not list \w+\.apps in all namespaces \(403\)/);
  });

  it('nothing may be listed, not even in the namespace: one failed node offering another namespace', async () => {
    const { kc } = await server('nothing', { forbid: [{ verb: 'list', resource: '*' }] });
    const l = live(kc);
    await until(l, () => l.state.phase === 'failed', 'failed');
    const top = contextChildren(l);
    const errors = top.filter((n): n is MessageNode => n.type === 'message' && n.level === 'error');
    assert.equal(errors.length, 1, top.map((n) => n.label).join('\n'));
    assert.equal(errors[0]!.action, 'pick-namespace');
    assert.match(errors[0]!.label, /^Forbidden: you may not list .* in namespace "payments" \(403\)/);
    assert.deepEqual(namespacesShown(top), []);
  });

  it('an unreachable server: a failed node with Retry; the tree fills once the server is back, without a retry', async () => {
    const { kube, kc } = await server('unreachable', { scenario: 'healthy' });
    const port = kube.port;
    await kube.stop();
    const l = live(kc);
    await until(l, () => l.state.phase === 'failed', 'failed');
    const failed = contextChildren(l);
    assert.deepEqual(failed.map((n) => n.id), ['msg:failed:fake-aks']);
    const m = failed[0] as MessageNode;
    assert.equal(m.action, 'retry');
    assert.equal(m.contextValue, 'message action-retry');
    assert.match(m.label, /^Cannot reach the API server https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    kubes.push(await startFakeKube({ scenario: 'healthy', port }));
    await until(l, () => l.state.phase === 'ready' && l.model?.webhookUp() !== undefined, 'ready once the server is back');
    assert.equal(workloadNode(expandAll(l), 'payments', 'api')?.description, 'injected');
  });

  it('a rejected token (401): a failed node with Sign in', async () => {
    const { kc } = await server('bad-token', { scenario: 'healthy' }, { token: 'not-the-token' });
    const l = live(kc);
    await until(l, () => l.state.phase === 'failed', 'failed');
    const [m] = contextChildren(l) as MessageNode[];
    assert.equal(m!.id, 'msg:failed:fake-aks');
    assert.equal(m!.action, 'sign-in');
    assert.match(m!.label, /rejected the credentials \(401 Unauthorized\)/);
  });

  it('no kubeconfig, or a context it does not have: one root message, unavailable', async () => {
    const missing = live(join(tmp, 'no-such-kubeconfig.yaml'));
    assert.equal(missing.state.phase, 'unavailable');
    const [a] = rootNodes(missing, 'fake-aks') as MessageNode[];
    assert.equal(a!.id, 'msg:unavailable:fake-aks');
    assert.equal(a!.action, 'open-kubeconfig-docs');
    assert.match(a!.label, /^The kubeconfig \S+no-such-kubeconfig\.yaml does not exist\./);

    const { kc } = await server('unknown-context', { scenario: 'healthy' });
    const unknown = live(kc, 'prod-aks');
    assert.equal(unknown.state.phase, 'unavailable');
    const roots = rootNodes(unknown, 'prod-aks') as MessageNode[];
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.action, 'select-context');
    assert.match(roots[0]!.label, /The context "prod-aks" is not in the kubeconfig .* Known contexts: fake-aks\./);
  });

  it('the lists that fill the tree do not grow with the namespaces', async () => {
    const listsToFill = async (name: string, extra: number): Promise<string[]> => {
      const { kube, kc } = await server(name);
      const b = new ClusterBuilder(kube.store, kube.caPem);
      for (let i = 0; i < extra; i++) {
        const ns = `team-${String(i).padStart(2, '0')}`;
        b.namespace(ns, b.ago(60_000));
        b.serviceAccount(ns, 'app-sa', b.ago(60_000), { 'azure.workload.identity/client-id': '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' });
        b.deployment({ namespace: ns, name: 'app', replicas: 1, serviceAccountName: 'app-sa', podLabels: { [USE]: 'true' }, containers: [{ name: 'app', image: 'app:1' }], created: b.ago(60_000) });
      }
      const l = live(kc);
      await ready(l);
      const nodes = expandAll(l);
      assert.equal(namespacesShown(nodes).length, 15 + extra, namespacesShown(nodes).join(', '));
      if (extra) assert.equal(workloadNode(nodes, `team-${String(extra - 1).padStart(2, '0')}`, 'app')?.description, 'injected');
      return kube.requests.filter(isList).map((r) => r.path).sort();
    };
    const demo = await listsToFill('demo-lists', 0);
    const bigger = await listsToFill('bigger-lists', 30);
    assert.equal(demo.length, 9);
    assert.deepEqual(bigger, demo);
  });
});
