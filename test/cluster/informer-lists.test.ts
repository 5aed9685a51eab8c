// How the informer lists, against the local API server. Metadata only, end to end: the server
// answers PartialObjectMetadata(List) as a real one does (test/fake-kube/metadata.ts), and the
// informer lists and watches the kinds the tree reads only the metadata of (ServiceAccounts,
// Namespaces, the webhook configuration) that way, keeping them as their own kind with their
// metadata alone. `keep` runs once per listed object (the source runs it as each page arrives;
// the cache does not run it again). A listLast kind (the sidebar's pods) is listed once the
// other kinds are listed, or failing. Every wait is on an event with a deadline, never a sleep.
//
//   node scripts/run-unit-tests.mjs --root test/cluster informer-lists

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import * as https from 'node:https';
import { sendRequest } from '../../src/cluster/client';
import { objectKey, ResourceCache, type ChangeBatch, type ResourceCacheOptions } from '../../src/cluster/informer';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { Resources } from '../../src/cluster/resources';
import { KubeWatchSource, METADATA_LIST_ACCEPT, METADATA_WATCH_ACCEPT, type WatchSource } from '../../src/cluster/watch-source';
import type { KubeObject } from '../../src/cluster/types';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { waitForEvent, waitUntil } from '../support/wait.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-metadata-only-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const FAST: ResourceCacheOptions = { batchMs: 30, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };

/** Resolves once the cache is synced (call before start()); fails at the deadline with its state. */
function syncedOf(cache: ResourceCache): Promise<unknown> {
  return waitUntil('the cache to sync', () => cache.state.state === 'synced', { pollMs: 0, on: (l) => cache.onDidChangeState(l), show: () => ({ state: cache.state }) });
}

describe('metadata only (PartialObjectMetadata)', { concurrency: 1 }, () => {
  let kube: FakeKube;
  let src: KubeWatchSource;
  let cache: ResourceCache | undefined;
  let get: (path: string, accept: string) => Promise<{ status: number; type: string; body: Record<string, unknown> }>;
  beforeEach(async () => {
    kube = await startFakeKube({ scenario: 'healthy', bookmarkIntervalMs: 50 });
    const r = loadKubeconfig({ kubeconfig: kube.writeKubeconfig(join(tmp, 'kc.yaml')) });
    assert.ok(r.ok, r.ok ? '' : r.failure.message);
    const { kc, identity } = r.value;
    src = new KubeWatchSource(kc, identity, { timeoutMs: 5000, watchTimeoutSeconds: 60 });
    const agent = (fresh: https.Agent) => fresh;
    get = async (path, accept) => {
      const res = await sendRequest(kc, identity, { method: 'GET', path, accept, description: { verb: 'get', resource: path }, timeoutMs: 5000, agent });
      assert.ok(res.ok, res.ok ? '' : res.failure.message);
      return { status: res.value.status, type: String(res.value.headers['content-type']), body: JSON.parse(res.value.body) as Record<string, unknown> };
    };
    // A ServiceAccount with more than metadata, so that leaving the rest out shows.
    kube.store.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'extra-sa', namespace: 'payments', annotations: { note: 'x' } }, automountServiceAccountToken: false, secrets: [{ name: 'old-token' }] } as Parameters<FakeKube['store']['put']>[0]);
  });
  afterEach(async () => {
    await cache?.stop();
    cache = undefined;
    src.dispose();
    await kube.stop();
  });

  it('the server answers a list, a page at a time, and a get as PartialObjectMetadata; application/json first means whole objects', async () => {
    const all = kube.store.list('ServiceAccount');
    assert.ok(all.length > 2);
    let path = '/api/v1/serviceaccounts?limit=2';
    const seen: string[] = [];
    for (;;) {
      const r = await get(path, METADATA_LIST_ACCEPT);
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
      assert.equal(r.body.kind, 'PartialObjectMetadataList');
      assert.equal(r.body.apiVersion, 'meta.k8s.io/v1');
      for (const item of r.body.items as KubeObject[]) {
        assert.deepEqual(Object.keys(item).sort(), ['apiVersion', 'kind', 'metadata']);
        assert.equal(item.kind, 'PartialObjectMetadata');
        assert.equal(item.apiVersion, 'meta.k8s.io/v1');
        assert.deepEqual(item.metadata, kube.store.get('ServiceAccount', item.metadata.namespace, item.metadata.name)!.metadata);
        seen.push(`${item.metadata.namespace}/${item.metadata.name}`);
      }
      const cont = (r.body.metadata as { continue?: string }).continue;
      if (!cont) break;
      path = `/api/v1/serviceaccounts?limit=2&continue=${encodeURIComponent(cont)}`;
    }
    assert.deepEqual(seen.sort(), all.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort());

    const one = await get('/api/v1/namespaces/payments/serviceaccounts/extra-sa', METADATA_WATCH_ACCEPT);
    assert.deepEqual(one.body, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: kube.store.get('ServiceAccount', 'payments', 'extra-sa')!.metadata });

    const whole = await get('/api/v1/namespaces/payments/serviceaccounts', `application/json, ${METADATA_LIST_ACCEPT}`);
    assert.equal(whole.body.kind, 'ServiceAccountList');
    assert.ok((whole.body.items as KubeObject[]).some((o) => (o as { secrets?: unknown }).secrets), 'whole objects');
  });

  it('the informer lists and watches ServiceAccounts as metadata only, kept as ServiceAccounts; the others whole', async () => {
    cache = new ResourceCache(src, [Resources.serviceAccounts, Resources.deployments], { ...FAST, metadataOnly: (t) => t.plural === Resources.serviceAccounts.plural });
    const synced = syncedOf(cache);
    cache.start();
    await synced;
    const saList = kube.requests.find((r) => r.path === '/api/v1/serviceaccounts' && r.query.watch === undefined)!;
    assert.equal(saList.accept, METADATA_LIST_ACCEPT);
    const saWatch = await kube.waitForRequest((r) => r.path === '/api/v1/serviceaccounts' && r.query.watch === '1' && r.status === 200);
    assert.equal(saWatch.accept, METADATA_WATCH_ACCEPT);
    assert.equal(kube.requests.find((r) => r.path === '/apis/apps/v1/deployments' && r.query.watch === undefined)!.accept, 'application/json');

    const sa = cache.get(Resources.serviceAccounts, 'payments', 'extra-sa')!;
    assert.deepEqual(Object.keys(sa).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(sa.kind, 'ServiceAccount');
    assert.equal(sa.apiVersion, 'v1');
    assert.equal(sa.metadata.annotations?.note, 'x');
    assert.ok(cache.get(Resources.deployments, 'payments', 'api')?.spec, 'a Deployment is whole');
    assert.equal(cache.list(Resources.serviceAccounts).length, kube.store.list('ServiceAccount').length);

    // A change comes through the metadata-only watch, trimmed the same way.
    const key = objectKey(Resources.serviceAccounts, 'payments', 'extra-sa');
    const changed = waitForEvent<ChangeBatch>('the ServiceAccount modified', (l) => cache!.onDidChange(l), (b) => b.changes.get(key) === 'modified');
    kube.store.patch('ServiceAccount', 'payments', 'extra-sa', { metadata: { annotations: { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000001' } } });
    await changed;
    const after = cache.get(Resources.serviceAccounts, 'payments', 'extra-sa')!;
    assert.equal(after.metadata.annotations?.['azure.workload.identity/client-id'], '00000000-0000-0000-0000-000000000001');
    assert.deepEqual(Object.keys(after).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(after.kind, 'ServiceAccount');
  });

  it('keep runs once per listed object, as its page arrives', async () => {
    let calls = 0;
    cache = new ResourceCache(src, [Resources.pods], { ...FAST, pageSize: 2, keep: (_t, o) => (calls++, { ...o, kept: true }) as KubeObject });
    const synced = syncedOf(cache);
    cache.start();
    await synced;
    const pods = kube.store.list('Pod').length;
    assert.equal(cache.list(Resources.pods).length, pods);
    assert.ok(cache.list(Resources.pods).every((o) => (o as { kept?: boolean }).kept));
    assert.equal(calls, pods);
  });

  it('a listLast kind is listed once the others are listed, or failing', async () => {
    const order: string[] = [];
    const logged: WatchSource = {
      get requestCount() {
        return src.requestCount;
      },
      list: async (type, opts, signal) => {
        order.push(`start ${type.plural}`);
        const r = await src.list(type, opts, signal);
        order.push(`end ${type.plural}`);
        return r;
      },
      watch: (...args) => src.watch(...args),
    };
    const podsLast: ResourceCacheOptions = { ...FAST, listLast: (t) => t.plural === Resources.pods.plural };
    cache = new ResourceCache(logged, [Resources.pods, Resources.deployments, Resources.serviceAccounts], podsLast);
    const synced = syncedOf(cache);
    cache.start();
    await synced;
    const at = (e: string) => order.indexOf(e);
    assert.ok(at('start pods') > at('end deployments') && at('start pods') > at('end serviceaccounts'), order.join(', '));
    assert.equal(cache.list(Resources.pods).length, kube.store.list('Pod').length);
    await cache.stop();

    // A kind that cannot be listed does not hold the pods up.
    kube.setForbid([{ verb: 'list', resource: 'deployments' }]);
    order.length = 0;
    cache = new ResourceCache(logged, [Resources.pods, Resources.deployments], podsLast);
    const c = cache;
    const podsListed = waitUntil('the pods listed', () => c.hasSynced(Resources.pods), { pollMs: 0, on: (l) => c.onDidChangeState(l), show: () => ({ state: c.state }) });
    cache.start();
    await podsListed;
    assert.equal(cache.kindState(Resources.deployments)?.state, 'stale');
    assert.equal(cache.list(Resources.pods).length, kube.store.list('Pod').length);
  });
});
