// What the sidebar's live cluster tells the CodeLens of a manifest's object (src/tree/presence.ts),
// against the local API server: present with the sidebar's state, absent, a kind the cluster does
// not serve, and "cannot tell" (undefined) wherever the caches are not complete — still loading,
// a namespace outside the RBAC fallback, a kind the tree does not list.
//
//   node scripts/run-unit-tests.mjs --root test/cluster tree-presence

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { watchSource } from '../../src/cluster/connect';
import type { ResourceCacheOptions } from '../../src/cluster/informer';
import { LiveCluster } from '../../src/tree/live-cluster';
import { presenceOf } from '../../src/tree/presence';
import { ESO_STORE_NOT_READY } from '../fake-kube/scenarios-consumers';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';
import { until } from '../unit/tree-helpers';

const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-tree-presence-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const FAST: ResourceCacheOptions = { batchMs: 20, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };
const KINDS = ['SecretProviderClass', 'TriggerAuthentication', 'ClusterTriggerAuthentication', 'SecretStore', 'ClusterSecretStore', 'Issuer', 'ClusterIssuer'] as const;

describe('presence of a manifest\'s object in the live cluster', { concurrency: 1 }, () => {
  const kubes: FakeKube[] = [];
  const lives: LiveCluster[] = [];
  afterEach(async () => {
    await Promise.all(lives.splice(0).map((l) => l.stop()));
    await Promise.all(kubes.splice(0).map((k) => k.stop().catch(() => undefined)));
  });

  async function start(name: string, opts: FakeKubeOptions): Promise<LiveCluster> {
    const kube = await startFakeKube(opts);
    kubes.push(kube);
    const kubeconfig = kube.writeKubeconfig(join(tmp, `${name}.yaml`), { namespace: 'payments' });
    const live = new LiveCluster({ open: () => watchSource({ kubeconfig, timeoutMs: 3000, watchTimeoutSeconds: 60 }), cache: FAST, consumers: true });
    lives.push(live);
    live.start();
    return live;
  }

  async function ready(live: LiveCluster): Promise<void> {
    await until(live, () => live.state.phase === 'ready' && !live.state.podsPending, 'ready, the pods listed');
    await until(live, () => KINDS.every((k) => live.consumers!.kindState(k) !== 'pending'), 'every consumer kind listed, absent or refused');
  }

  it('the demo cluster: its workloads present with the sidebar\'s state, others absent; the context\'s namespace when the manifest names none', async () => {
    const live = await start('demo', { scenario: 'demo' });
    // Loading: the caches cannot tell yet.
    assert.equal(presenceOf(live, { namespace: 'payments', kind: 'Deployment', name: 'api' }), undefined);
    await ready(live);
    const api = presenceOf(live, { namespace: 'payments', kind: 'Deployment', name: 'api' });
    assert.deepEqual(api, { state: 'present', context: 'fake-aks', namespace: 'payments', level: 'ok', short: 'injected' });
    const invoicer = presenceOf(live, { namespace: 'billing', kind: 'Deployment', name: 'invoicer' });
    assert.equal(invoicer?.state, 'present');
    assert.equal(invoicer?.state === 'present' && invoicer.short, 'no client ID on the ServiceAccount');
    // No namespace in the manifest: the context's (payments).
    assert.deepEqual(presenceOf(live, { kind: 'Deployment', name: 'api' }), api);
    assert.deepEqual(presenceOf(live, { namespace: 'payments', kind: 'Deployment', name: 'not-deployed' }), { state: 'absent', context: 'fake-aks', namespace: 'payments' });
    // Another kind of the same name is another object.
    assert.equal(presenceOf(live, { namespace: 'payments', kind: 'StatefulSet', name: 'api' })?.state, 'absent');
    // A namespace the cluster does not have: absent as well (the diagnosis would say not found).
    assert.equal(presenceOf(live, { namespace: 'no-such-namespace', kind: 'Deployment', name: 'api' })?.state, 'absent');
    // Pods are not listed as the tree's workloads: cannot tell.
    assert.equal(presenceOf(live, { namespace: 'payments', kind: 'Pod', name: 'api-0' }), undefined);
  });

  it('the RBAC fallback: the fallback namespace is known, any other is "cannot tell", never absent', async () => {
    const live = await start('fallback', { scenario: 'demo', forbid: [{ verb: 'list', resource: 'namespaces' }] });
    await ready(live);
    assert.equal(live.onlyNamespace, 'payments');
    assert.equal(presenceOf(live, { namespace: 'payments', kind: 'Deployment', name: 'api' })?.state, 'present');
    assert.equal(presenceOf(live, { namespace: 'billing', kind: 'Deployment', name: 'invoicer' }), undefined);
  });

  it('consumer objects: present with their state, absent by name, a kind whose CRD is not installed is "not served"', async () => {
    const live = await start('eso', { scenario: ESO_STORE_NOT_READY });
    await ready(live);
    assert.deepEqual(presenceOf(live, { namespace: 'team-a', kind: 'SecretStore', name: 'vault' }), { state: 'present', context: 'fake-aks', namespace: 'team-a', level: 'ok', short: 'Workload Identity as eso-sa' });
    assert.deepEqual(presenceOf(live, { namespace: 'team-a', kind: 'SecretStore', name: 'other' }), { state: 'absent', context: 'fake-aks', namespace: 'team-a' });
    // Cluster-scoped: no namespace, whatever the manifest says.
    assert.equal(presenceOf(live, { namespace: 'team-a', kind: 'ClusterSecretStore', name: 'shared' })?.state, 'present');
    assert.deepEqual(presenceOf(live, { namespace: 'team-a', kind: 'SecretProviderClass', name: 'kv' }), { state: 'absent', context: 'fake-aks', notServed: true });
  });
});
