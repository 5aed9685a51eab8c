// The informer (src/cluster/informer.ts) against the local API server: one cluster-wide list per
// kind, then watches; batched change notifications; resume after a dropped watch; re-list on
// 410 Gone (HTTP or an ERROR event); stale with a reason; stop() leaves nothing running.
// Every wait is on an event with a deadline, never a sleep.
//
//   node scripts/run-unit-tests.mjs --root test/cluster informer

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { objectKey, ResourceCache, type CacheState, type ChangeBatch, type ResourceCacheOptions } from '../../src/cluster/informer';
import { KubeWatchSource, watchStream, type WatchEvent } from '../../src/cluster/watch-source';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { Resources } from '../../src/cluster/resources';
import type { ClusterIdentity, ResourceType } from '../../src/cluster/types';
import { startFakeKube, type FakeKube, type RequestRecord } from '../fake-kube/server';
import { waitForEvent, waitUntil } from '../support/wait.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-informer-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const TYPES: ResourceType[] = [Resources.namespaces, Resources.serviceAccounts, Resources.deployments, Resources.pods];
/** Fast and deterministic: short waits, no jitter. */
const FAST: ResourceCacheOptions = { batchMs: 30, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };
const DEPLOY_API = objectKey(Resources.deployments, 'payments', 'api');
const SA_API = objectKey(Resources.serviceAccounts, 'payments', 'api-sa');

function source(kube: FakeKube, name: string): KubeWatchSource {
  const r = loadKubeconfig({ kubeconfig: kube.writeKubeconfig(join(tmp, `${name}.yaml`)) });
  assert.ok(r.ok, r.ok ? '' : r.failure.message);
  return new KubeWatchSource(r.value.kc, r.value.identity, { timeoutMs: 5000, watchTimeoutSeconds: 60 });
}

/** Resolves with the first notification matching `pred`; rejects after `ms`. Call it before the change. */
function nextBatch(cache: ResourceCache, pred: (b: ChangeBatch) => boolean, ms = 5000): Promise<ChangeBatch> {
  return waitForEvent('a matching change notification', (l) => cache.onDidChange(l), pred, { timeoutMs: ms });
}

/** Resolves once the cache's state matches `pred` (at once if it already does). */
function stateWhere(cache: ResourceCache, pred: (s: CacheState) => boolean, ms = 5000): Promise<CacheState> {
  return waitUntil('a matching cache state', () => pred(cache.state) && cache.state, { timeoutMs: ms, pollMs: 0, on: (l) => cache.onDidChangeState(l), show: () => ({ state: cache.state }) });
}

const isList = (path: string) => (r: RequestRecord) => r.method === 'GET' && r.path === path && r.query.watch === undefined;
const isWatch = (path: string) => (r: RequestRecord) => r.method === 'GET' && r.path === path && r.query.watch === '1';

describe('ResourceCache against fake-kube', { concurrency: 1 }, () => {
  let kube: FakeKube;
  let src: KubeWatchSource;
  let cache: ResourceCache | undefined;
  beforeEach(async () => {
    kube = await startFakeKube({ scenario: 'healthy', bookmarkIntervalMs: 50 });
    src = source(kube, 'kc');
  });
  afterEach(async () => {
    await cache?.stop();
    cache = undefined;
    src.dispose();
    await kube.stop();
  });

  async function synced(types = TYPES, opts: ResourceCacheOptions = FAST): Promise<ResourceCache> {
    cache = new ResourceCache(src, types, opts);
    const s = stateWhere(cache, (x) => x.state === 'synced');
    cache.start();
    await s;
    // The initial list's ADDED keys are still in the batch window: let them out first.
    if (cache.pendingChanges) await nextBatch(cache, () => true);
    return cache;
  }

  it('lists each kind once, cluster-wide with limit 500, then watches from the list with bookmarks', async () => {
    const c = await synced();
    const paths = ['/api/v1/namespaces', '/api/v1/serviceaccounts', '/apis/apps/v1/deployments', '/api/v1/pods'];
    for (const p of paths) {
      const lists = kube.requests.filter(isList(p));
      assert.equal(lists.length, 1, `one list of ${p}`);
      assert.equal(lists[0]!.query.limit, '500');
      assert.equal(lists[0]!.query.labelSelector, undefined);
      const w = await kube.waitForRequest((r) => isWatch(p)(r) && r.status === 200);
      assert.equal(w.query.allowWatchBookmarks, 'true');
      assert.equal(w.query.timeoutSeconds, '60');
      assert.match(w.query.resourceVersion ?? '', /^\d+$/);
    }
    assert.equal(kube.requests.filter((r) => !paths.includes(r.path)).length, 0, 'namespaced paths and nothing else');
    assert.equal(c.requestCount, kube.requests.length, 'every request is counted');
    assert.deepEqual(c.stats, { lists: 4, watches: 4, relists: 0, retries: 0 });
    assert.equal(c.list(Resources.pods).length, kube.store.list('Pod').length);
    assert.equal(c.list(Resources.deployments, 'payments').length, kube.store.list('Deployment', 'payments').length);
    assert.equal(c.get(Resources.deployments, 'payments', 'api')?.metadata.uid, kube.store.get('Deployment', 'payments', 'api')!.metadata.uid);
    assert.equal(c.getByKey(SA_API)?.metadata.name, 'api-sa');
    assert.ok(c.get(Resources.namespaces, undefined, 'payments'));
  });

  it('follows continue tokens with a small page size', async () => {
    const c = await synced([Resources.pods], { ...FAST, pageSize: 2 });
    const total = kube.store.list('Pod').length;
    assert.ok(total > 2);
    const lists = kube.requests.filter(isList('/api/v1/pods'));
    assert.equal(lists.length, Math.ceil(total / 2));
    assert.ok(lists.slice(1).every((r) => r.query.continue && r.query.limit === '2'));
    assert.equal(c.list(Resources.pods).length, total);
    assert.equal(c.stats.lists, 1);
  });

  it('coalesces label changes into one notification', async () => {
    const c = await synced();
    const batch = nextBatch(c, (b) => b.changes.get(DEPLOY_API) === 'modified' || b.changes.get(SA_API) === 'modified');
    kube.store.patch('Deployment', 'payments', 'api', { metadata: { labels: { tier: 'gold' } } });
    kube.store.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { labels: { tier: 'gold' } } });
    const b = await batch;
    assert.ok(b.keys.has(DEPLOY_API) && b.keys.has(SA_API), `both in one batch: ${[...b.keys].join(', ')}`);
    assert.equal(b.changes.get(DEPLOY_API), 'modified');
    assert.equal(c.get(Resources.deployments, 'payments', 'api')?.metadata.labels?.tier, 'gold');
    assert.equal(c.get(Resources.serviceAccounts, 'payments', 'api-sa')?.metadata.labels?.tier, 'gold');

    const gone = nextBatch(c, (x) => x.changes.get(SA_API) === 'deleted');
    kube.store.delete('ServiceAccount', 'payments', 'api-sa');
    assert.equal((await gone).changes.get(SA_API), 'deleted');
    assert.equal(c.get(Resources.serviceAccounts, 'payments', 'api-sa'), undefined);
  });

  it('after restart(), goes stale (unreachable), reconnects and resumes from the last resourceVersion, catching a change made meanwhile', async () => {
    const c = await synced();
    await kube.waitForRequest((r) => isWatch('/apis/apps/v1/deployments')(r) && r.status === 200);
    // The first deployments watch after the restart is reset, so there is a window without a watch.
    kube.setFaults([{ path: /^\/apis\/apps\/v1\/deployments\?.*watch=1/, reset: true, times: 1 }]);
    let patchedRv = '';
    const stale = stateWhere(c, (s) => s.state === 'stale');
    const off = c.onDidChangeState((s) => {
      if (s.state === 'stale' && !patchedRv) patchedRv = kube.store.patch('Deployment', 'payments', 'api', { metadata: { labels: { during: 'outage' } } }).metadata.resourceVersion!;
    });
    const caught = nextBatch(c, (b) => b.changes.get(DEPLOY_API) === 'modified');
    const before = kube.requests.length;
    await kube.restart();
    const s = await stale;
    off();
    assert.equal(s.reason?.kind, 'unreachable');
    assert.match(s.reason!.message, /Cannot reach the API server https:\/\/127\.0\.0\.1/);
    assert.equal((await caught).changes.get(DEPLOY_API), 'modified');
    assert.equal(c.get(Resources.deployments, 'payments', 'api')?.metadata.labels?.during, 'outage');
    await stateWhere(c, (x) => x.state === 'synced');
    const resumed = kube.requests.slice(before).filter((r) => isWatch('/apis/apps/v1/deployments')(r) && r.status === 200);
    assert.ok(resumed.length >= 1);
    assert.ok(Number(resumed[0]!.query.resourceVersion) < Number(patchedRv), 'resumed from before the change, so the change came from the watch history');
    assert.equal(kube.requests.filter(isList('/apis/apps/v1/deployments')).length, 1, 'no re-list');
    assert.equal(c.stats.relists, 0);
    assert.ok(c.stats.retries >= 1);
  });

  it('410 Gone on resume re-lists and reports the difference', async () => {
    const c = await synced([Resources.deployments]);
    await kube.waitForRequest((r) => isWatch('/apis/apps/v1/deployments')(r) && r.status === 200);
    kube.setFaults([{ path: /^\/apis\/apps\/v1\/deployments\?.*watch=1/, reset: true, times: 1 }]);
    let changed = false;
    const off = c.onDidChangeState((s) => {
      if (s.state !== 'stale' || changed) return;
      changed = true;
      kube.store.patch('Deployment', 'payments', 'api', { metadata: { labels: { after: 'compaction' } } });
      kube.store.compact(); // the history no longer reaches back to the informer's resourceVersion
    });
    const caught = nextBatch(c, (b) => b.changes.get(DEPLOY_API) === 'modified');
    await kube.restart();
    const b = await caught;
    off();
    assert.equal(b.changes.get(DEPLOY_API), 'modified');
    assert.equal(c.get(Resources.deployments, 'payments', 'api')?.metadata.labels?.after, 'compaction');
    assert.ok(kube.requests.some((r) => isWatch('/apis/apps/v1/deployments')(r) && r.status === 410), 'the resume got 410');
    assert.equal(kube.requests.filter(isList('/apis/apps/v1/deployments')).length, 2, 'listed again');
    assert.equal(c.stats.relists, 1);
    await stateWhere(c, (x) => x.state === 'synced');
    const last = kube.requests.filter(isWatch('/apis/apps/v1/deployments')).at(-1)!;
    await kube.waitForRequest((r) => r === last && r.status === 200);
    assert.ok(Number(last.query.resourceVersion) >= kube.store.oldestResourceVersion, 'watching from the new list');
  });

  it('stale with the verb and resource on 403, synced again once allowed', async () => {
    kube.setForbid([{ verb: 'watch', resource: 'deployments' }]);
    cache = new ResourceCache(src, [Resources.deployments, Resources.serviceAccounts], FAST);
    const stale = stateWhere(cache, (s) => s.state === 'stale');
    cache.start();
    const s = await stale;
    assert.equal(s.reason?.kind, 'forbidden');
    assert.equal(s.reason?.verb, 'watch');
    assert.equal(s.reason?.resource, 'deployments.apps');
    assert.equal(s.reason?.status, 403);
    assert.match(s.reason!.message, /you may not watch deployments\.apps/);
    assert.equal(cache.kindState(Resources.serviceAccounts)?.state, 'synced');
    assert.ok(cache.get(Resources.deployments, 'payments', 'api'), 'the list worked: the data is there, only stale');
    kube.setForbid([]);
    await stateWhere(cache, (x) => x.state === 'synced');
    assert.ok(cache.stats.retries >= 1);
  });

  it('stale with verb list when listing is forbidden', async () => {
    kube.setForbid([{ verb: 'list', resource: 'pods' }]);
    cache = new ResourceCache(src, [Resources.pods], FAST);
    const stale = stateWhere(cache, (s) => s.state === 'stale');
    cache.start();
    const s = await stale;
    assert.equal(s.reason?.verb, 'list');
    assert.equal(s.reason?.resource, 'pods');
    assert.match(s.reason!.message, /you may not list pods/);
  });

  it('stop() ends the watches: no request after it, no notification', async () => {
    const c = await synced([Resources.deployments]);
    await kube.waitForRequest((r) => isWatch('/apis/apps/v1/deployments')(r) && r.status === 200);
    let notified = false;
    c.onDidChange(() => (notified = true));
    const n = kube.requests.length;
    await c.stop();
    assert.equal(c.stopped, true);
    kube.store.patch('Deployment', 'payments', 'api', { metadata: { labels: { after: 'stop' } } });
    await kube.stop(); // ends any stream the client still had; a live informer would now reconnect
    assert.equal(kube.requests.length, n);
    assert.equal(notified, false);
    assert.equal(c.get(Resources.deployments, 'payments', 'api')?.metadata.labels?.after, undefined);
    kube = await startFakeKube({ scenario: 'healthy' }); // for afterEach
  });
});

/** Listens on a free local port; a kubeconfig (token t0k) and identity for it. */
async function plainServer(server: ReturnType<typeof createServer>): Promise<{ kc: KubeConfig; identity: ClusterIdentity }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return { kc, identity: { context: 'x', cluster: 'c', server: url, namespace: 'default', auth: 'token', files: [] } };
}

describe('watchStream', () => {
  it('an ERROR event with code 410 ends the stream as a 410 failure; events before it are delivered', async () => {
    const server = createServer((req, res) => {
      assert.match(req.url ?? '', /watch=1/);
      assert.equal(req.headers.authorization, 'Bearer t0k');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', namespace: 'x', resourceVersion: '5' } } })}\n{"type":"BOOK`);
      res.write(`MARK","object":{"metadata":{"resourceVersion":"6"}}}\n`);
      res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 1 (6)', reason: 'Expired', code: 410 } })}\n`);
      // The server would keep the stream open; the client must end it.
    });
    const { kc, identity } = await plainServer(server);
    try {
      const events: WatchEvent[] = [];
      const r = await watchStream(kc, identity, '/api/v1/pods?watch=1&resourceVersion=1', new AbortController().signal, (e) => events.push(e), {
        description: { verb: 'watch', resource: 'pods' },
      });
      assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', '5'], ['BOOKMARK', '6']]);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.failure.status, 410);
      assert.match(!r.ok ? r.failure.message : '', /too old resource version/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('KubeWatchSource.list over plain HTTP', () => {
  it('pages arriving in small pieces are parsed as they come, trimmed by keep; a body that is not JSON is one sentence', async () => {
    const pods = (from: number) => Array.from({ length: 50 }, (_, i) => ({ metadata: { name: `p${from + i}`, namespace: 'x' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } }));
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url?.includes('configmaps')) return res.end('<html>a proxy login page</html>');
      const second = req.url?.includes('continue=');
      const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9', ...(second ? {} : { continue: 'next' }) }, items: pods(second ? 50 : 0) });
      // In pieces of 100 bytes, each written on its own.
      for (let i = 0; i < body.length; i += 100) res.write(body.slice(i, i + 100));
      res.end();
    });
    const { kc, identity } = await plainServer(server);
    try {
      const source = new KubeWatchSource(kc, identity);
      const r = await source.list(Resources.pods, { limit: 50, keep: (o) => ({ metadata: o.metadata }) as typeof o });
      assert.ok(r.ok, !r.ok ? r.failure.message : '');
      assert.equal(r.value.resourceVersion, '9');
      assert.deepEqual(r.value.items.map((o) => o.metadata.name), Array.from({ length: 100 }, (_, i) => `p${i}`));
      assert.ok(r.value.items.every((o) => o.spec === undefined), 'keep ran on every item');
      const bad = await source.list(Resources.configMaps, {});
      assert.equal(bad.ok, false);
      assert.match(!bad.ok ? bad.failure.message : '', /^The API server http:\/\/127\.0\.0\.1:\d+ answered list configmaps with something that is not a JSON list \(not JSON: .*\): is the kubeconfig pointing at a Kubernetes API server\?$/);
      source.dispose();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('no leftovers', () => {
  it('a process that starts a cache, syncs, stops it and the server exits by itself', async () => {
    const script = join(tmp, 'leftovers.ts');
    const here = resolve(__dirname);
    writeFileSync(
      script,
      `
import { startFakeKube } from ${JSON.stringify(join(here, '..', 'fake-kube', 'server'))};
import { loadKubeconfig } from ${JSON.stringify(join(here, '..', '..', 'src', 'cluster', 'kubeconfig'))};
import { ResourceCache } from ${JSON.stringify(join(here, '..', '..', 'src', 'cluster', 'informer'))};
import { KubeWatchSource } from ${JSON.stringify(join(here, '..', '..', 'src', 'cluster', 'watch-source'))};
import { Resources } from ${JSON.stringify(join(here, '..', '..', 'src', 'cluster', 'resources'))};
(async () => {
  const kube = await startFakeKube({ scenario: 'healthy', bookmarkIntervalMs: 20 });
  const r = loadKubeconfig({ kubeconfig: kube.writeKubeconfig(${JSON.stringify(join(tmp, 'leftovers.yaml'))}) });
  if (!r.ok) throw new Error(r.failure.message);
  const cache = new ResourceCache(new KubeWatchSource(r.value.kc, r.value.identity), [Resources.deployments, Resources.pods], { batchMs: 10_000 });
  await new Promise<void>((done) => { cache.onDidChangeState((s) => s.state === 'synced' && done()); cache.start(); });
  kube.store.patch('Deployment', 'payments', 'api', { metadata: { labels: { x: 'y' } } }); // a batch timer pending at stop()
  await kube.waitForRequest((q) => q.query.watch === '1' && q.status === 200);
  await cache.stop();
  await kube.stop();
  console.log('stopped');
})();
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: resolve(here, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number | null>((resolveExit) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolveExit(c);
      });
    });
    assert.equal(code, 0, `the process exited by itself (output: ${out})`);
    assert.match(out, /stopped/);
  });
});
