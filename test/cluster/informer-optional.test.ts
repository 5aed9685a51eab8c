// The informer's optional kinds (ResourceCacheOptions.optional: the sidebar's consumer kinds,
// custom resources whose CRD may not be installed) against the local API server, which answers
// 404 for the path of a kind it does not serve, as a real one does: the kind is absent — listed,
// empty, synced — after one list per version tried, and never watched nor retried; the other
// kinds are unaffected.
//
//   node scripts/run-unit-tests.mjs --root test/cluster informer-optional

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { ResourceCache, type ResourceCacheOptions } from '../../src/cluster/informer';
import { KubeWatchSource } from '../../src/cluster/watch-source';
import { loadKubeconfig } from '../../src/cluster/kubeconfig';
import { consumerTypes, resourcePath, Resources } from '../../src/cluster/resources';
import { CONSUMER_TYPES, olderVersions } from '../../src/tree/consumers';
import { startFakeKube, type FakeKube, type RequestRecord } from '../fake-kube/server';
import { waitUntil } from '../support/wait.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-informer-optional-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const FAST: ResourceCacheOptions = { batchMs: 30, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };

describe('optional kinds against fake-kube without their CRDs', { concurrency: 1 }, () => {
  let kube: FakeKube;
  let src: KubeWatchSource;
  let cache: ResourceCache | undefined;
  beforeEach(async () => {
    kube = await startFakeKube({ scenario: 'healthy' });
    const r = loadKubeconfig({ kubeconfig: kube.writeKubeconfig(join(tmp, 'kc.yaml')) });
    assert.ok(r.ok, r.ok ? '' : r.failure.message);
    src = new KubeWatchSource(r.value.kc, r.value.identity, { timeoutMs: 5000, watchTimeoutSeconds: 60 });
  });
  afterEach(async () => {
    await cache?.stop();
    cache = undefined;
    src.dispose();
    await kube.stop();
  });

  it('404: absent after one list per version, never watched nor retried; the built-in kinds list and watch as ever', async () => {
    cache = new ResourceCache(src, [Resources.deployments, ...CONSUMER_TYPES], { ...FAST, optional: olderVersions });
    const c = cache;
    c.start();
    await waitUntil('every kind synced', () => c.hasSynced(Resources.deployments) && CONSUMER_TYPES.every((t) => c.hasSynced(t)), { timeoutMs: 5000, on: (l) => c.onDidChangeState(() => l(undefined)) });
    assert.equal(c.state.state, 'synced');
    for (const t of CONSUMER_TYPES) {
      assert.equal(c.absent(t), true, `${t.plural} absent`);
      assert.equal(c.servedType(t), undefined);
      assert.equal(c.kindState(t)?.state, 'synced', `${t.plural}: synced, not stale`);
      assert.equal([...c.values(t)].length, 0);
    }
    // Several backoffs' worth: nothing is asked again.
    await new Promise((r) => setTimeout(r, 400));
    const paths = [...CONSUMER_TYPES, ...Object.values(consumerTypes).flatMap((types) => types.slice(1))].map((t) => resourcePath(t));
    const asked = (p: string) => kube.requests.filter((r: RequestRecord) => r.path === p);
    for (const p of paths) {
      assert.equal(asked(p).length, 1, `one request for ${p}: ${asked(p).map((r) => JSON.stringify(r.query)).join(' ')}`);
      assert.equal(asked(p)[0]!.status, 404);
      assert.equal(asked(p)[0]!.query.watch, undefined, 'a list, never a watch');
    }
    assert.equal(paths.length, 20, 'thirteen kinds; External Secrets\' two tried in v1 and v1beta1, Flux\'s five in v1 and v1beta2; Dapr\'s Component in v1alpha1');
    assert.equal(c.stats.retries, 0, 'no backoff wait');
    assert.ok(c.hasSynced(Resources.deployments) && [...c.values(Resources.deployments)].length > 0);
    await kube.waitForRequest((r) => r.path === '/apis/apps/v1/deployments' && r.query.watch === '1' && r.status === 200);
  });
});
