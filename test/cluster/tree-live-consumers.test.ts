// The sidebar's Secrets & controllers against the local API server with the controllers' CRDs
// and objects of test/fake-kube/scenarios-consumers.ts (read-only here): External Secrets
// v0.14.0 serves its stores in v1beta1 only, so the view lists them there after v1's 404; the
// not-Ready ClusterSecretStore is an error under Cluster-wide; the operator's workload shows the
// objects using its identity; the unlabelled KEDA operator makes its TriggerAuthentication warn;
// a 403 on a consumer kind is one quiet note, asked once.
//
//   node scripts/run-unit-tests.mjs --root test/cluster tree-live-consumers

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { watchSource } from '../../src/cluster/connect';
import type { ResourceCacheOptions } from '../../src/cluster/informer';
import { LiveCluster } from '../../src/tree/live-cluster';
import { childNodes, type TreeNode } from '../../src/tree/nodes';
import { NO_FILTERS } from '../../src/tree/model';
import { ESO_STORE_NOT_READY, KEDA_OPERATOR_UNLABELLED } from '../fake-kube/scenarios-consumers';
import { startFakeKube, type FakeKube, type FakeKubeOptions, type RequestRecord } from '../fake-kube/server';
import { contextChildren, expandAll, until, workloadNode } from '../unit/tree-helpers';

const tmp = mkdtempSync(join(tmpdir(), 'wi-doctor-tree-live-consumers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const FAST: ResourceCacheOptions = { batchMs: 20, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 };
const KINDS = ['SecretProviderClass', 'TriggerAuthentication', 'ClusterTriggerAuthentication', 'SecretStore', 'ClusterSecretStore', 'Issuer', 'ClusterIssuer'] as const;

type ConsumerNode = Extract<TreeNode, { type: 'consumer' }>;
const consumerIn = (nodes: readonly TreeNode[], kind: string, name: string): ConsumerNode | undefined => nodes.find((n): n is ConsumerNode => n.type === 'consumer' && n.id.startsWith('consumer:') && n.entry.kind === kind && n.entry.name === name);

describe('Secrets & controllers against fake-kube', { concurrency: 1 }, () => {
  const kubes: FakeKube[] = [];
  const lives: LiveCluster[] = [];
  afterEach(async () => {
    await Promise.all(lives.splice(0).map((l) => l.stop()));
    await Promise.all(kubes.splice(0).map((k) => k.stop().catch(() => undefined)));
  });

  async function ready(name: string, opts: FakeKubeOptions): Promise<{ kube: FakeKube; live: LiveCluster }> {
    const kube = await startFakeKube(opts);
    kubes.push(kube);
    const kubeconfig = kube.writeKubeconfig(join(tmp, `${name}.yaml`));
    const live = new LiveCluster({ open: () => watchSource({ kubeconfig, timeoutMs: 3000, watchTimeoutSeconds: 60 }), cache: FAST, consumers: true });
    lives.push(live);
    live.start();
    await until(live, () => live.state.phase === 'ready' && !live.state.podsPending, 'ready, the pods listed');
    await until(live, () => KINDS.every((k) => live.consumers!.kindState(k) !== 'pending'), 'every consumer kind listed, absent or refused');
    return { kube, live };
  }

  const requestsFor = (kube: FakeKube, path: string): RequestRecord[] => kube.requests.filter((r) => r.method === 'GET' && r.path === path);

  it('External Secrets v0.14.0: stores listed in v1beta1 after v1\'s 404; the not-Ready ClusterSecretStore under Cluster-wide; the operator\'s workload shows the objects using its identity', async () => {
    const { kube, live } = await ready('eso', { scenario: ESO_STORE_NOT_READY });
    assert.deepEqual(requestsFor(kube, '/apis/external-secrets.io/v1/secretstores').map((r) => r.status), [404]);
    assert.deepEqual(requestsFor(kube, '/apis/external-secrets.io/v1beta1/secretstores').filter((r) => r.query.watch === undefined).map((r) => r.status), [200]);
    await kube.waitForRequest((r) => r.path === '/apis/external-secrets.io/v1beta1/clustersecretstores' && r.query.watch === '1' && r.status === 200);
    assert.equal(live.consumerServedType('SecretStore')?.version, 'v1beta1');
    // Not installed: absent, one 404 each, no note.
    for (const k of ['SecretProviderClass', 'TriggerAuthentication', 'Issuer'] as const) assert.equal(live.consumers!.kindState(k), 'absent');
    assert.ok(live.state.phase === 'ready' && !live.state.consumersUnreadable && !live.state.stale, JSON.stringify(live.state));

    const nodes = expandAll(live);
    const shared = consumerIn(nodes, 'ClusterSecretStore', 'shared');
    assert.ok(shared, 'the ClusterSecretStore is in the tree');
    assert.equal(shared.level, 'error');
    assert.equal(shared.description, 'not ready: unable to create client');
    const top = contextChildren(live);
    const clusterWide = top[top.length - 1]!;
    assert.equal(clusterWide.label, 'Cluster-wide');
    assert.deepEqual(childNodes(live, clusterWide, NO_FILTERS).map((n) => n.id), [shared.id]);
    const vault = consumerIn(nodes, 'SecretStore', 'vault');
    assert.equal(vault?.level, 'ok');
    assert.equal(vault?.description, 'Workload Identity as eso-sa');
    assert.ok(vault?.id.startsWith('consumer:fake-aks/team-a/'), vault?.id);
    // The operator's Deployment: the ClusterSecretStore uses its identity (the SecretStore uses eso-sa's).
    const operator = workloadNode(nodes, 'external-secrets', 'external-secrets');
    assert.ok(operator, 'the operator is in the tree');
    const identityFor = childNodes(live, operator, NO_FILTERS).find((n) => n.type === 'consumerFolder');
    assert.equal(identityFor?.label, 'Identity for 1 object');
    assert.equal(identityFor?.description, '1 ClusterSecretStore · 1 ✗');
  });

  it('KEDA with an unlabelled operator: the TriggerAuthentication warns; a 403 on ClusterTriggerAuthentications is one quiet note, asked once', async () => {
    const { kube, live } = await ready('keda', { scenario: KEDA_OPERATOR_UNLABELLED, forbid: [{ verb: 'list', resource: 'clustertriggerauthentications' }] });
    const ta = consumerIn(expandAll(live), 'TriggerAuthentication', 'queue-auth');
    assert.ok(ta, 'the TriggerAuthentication is in the tree');
    assert.equal(ta.level, 'warning');
    assert.equal(ta.description, 'controller pod lacks the use label');
    assert.equal(live.consumers!.kindState('ClusterTriggerAuthentication'), 'refused');
    const notes = contextChildren(live).filter((n): n is Extract<TreeNode, { type: 'message' }> => n.type === 'message');
    assert.deepEqual(notes.map((n) => [n.label, n.level]), [['clustertriggerauthentications.keda.sh: not readable (403), left out of Secrets & controllers', 'info']]);
    assert.ok(live.state.phase === 'ready' && !live.state.stale, JSON.stringify(live.state));
    // Several backoffs' worth: not asked again.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(requestsFor(kube, '/apis/keda.sh/v1alpha1/clustertriggerauthentications').length, 1);
  });
});
