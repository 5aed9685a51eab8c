// The sidebar's consumer objects (issue 18; src/tree/consumers.ts, consumer-nodes.ts,
// consumer-keep.ts, live-cluster.ts's consumer cache and the informer's optional kinds), without a
// server: the demo cluster's objects plus controllers and consumer objects in a store, listed by
// an in-memory source that serves the consumer kinds it is told to — and answers 404 (the CRD not
// installed) or 403 for the others. States, the folder per namespace, the cluster-wide node, the
// lines under a workload, what is kept of each object, and what a cluster without the CRDs costs.
//
//   node scripts/run-unit-tests.mjs tree-consumers

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cancelledFailure, httpFailure } from '../../src/cluster/failures';
import { consumerTypes, qualifiedResource } from '../../src/cluster/resources';
import { err, ok, type KubeObject, type KubeResult, type ResourceType } from '../../src/cluster/types';
import type { ListSnapshot, WatchEvent } from '../../src/cluster/watch-source';
import { CONSUMER_GROUPS, keepConsumer } from '../../src/tree/consumer-keep';
import { keepForTree } from '../../src/tree/keep';
import { LiveCluster } from '../../src/tree/live-cluster';
import { NO_FILTERS } from '../../src/tree/model';
import { childNodes, type TreeNode } from '../../src/tree/nodes';
import type { Store } from '../fake-kube/store';
import { contextChildren, expandAll, FAST_CACHE, MemoryWatchSource, scenarioStore, TEST_IDENTITY, until, workloadNode } from './tree-helpers';

const USE = { 'azure.workload.identity/use': 'true' };
const CLIENT_ID = 'azure.workload.identity/client-id';
const GUID = '11111111-2222-3333-4444-555555555555';
const KV_GUID = '66666666-7777-8888-9999-000000000000';

type ConsumerNode = Extract<TreeNode, { type: 'consumer' }>;
type FolderNode = Extract<TreeNode, { type: 'consumerFolder' }>;

// ---- The cluster: the demo, plus controllers and the objects they serve ----------------------

function deployment(namespace: string, name: string, o: { sa: string; image?: string; labelled?: boolean; spc?: string }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...(o.labelled ? USE : {}) } },
        spec: {
          serviceAccountName: o.sa,
          containers: [{ name, image: o.image ?? `registry.example/${name}:1` }],
          ...(o.spc ? { volumes: [{ name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: o.spc } } }] } : {}),
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1 },
  } as unknown as KubeObject;
}

function serviceAccount(namespace: string, name: string, clientId?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, ...(clientId ? { annotations: { [CLIENT_ID]: clientId } } : {}) } } as KubeObject;
}

function cr(type: ResourceType, namespace: string | undefined, name: string, spec: unknown, status?: unknown): KubeObject {
  return { apiVersion: `${type.group}/${type.version}`, kind: type.kind, metadata: { name, ...(namespace ? { namespace } : {}), resourceVersion: '1' }, spec, ...(status ? { status } : {}) } as unknown as KubeObject;
}

const T = {
  spc: consumerTypes.SecretProviderClass[0]!,
  ta: consumerTypes.TriggerAuthentication[0]!,
  cta: consumerTypes.ClusterTriggerAuthentication[0]!,
  ss: consumerTypes.SecretStore[0]!,
  ssBeta: consumerTypes.SecretStore[1]!,
  css: consumerTypes.ClusterSecretStore[0]!,
  issuer: consumerTypes.Issuer[0]!,
  ci: consumerTypes.ClusterIssuer[0]!,
};

/** The demo cluster with KEDA (labelled), cert-manager (NOT labelled), External Secrets' ServiceAccount, and a web app mounting a class. */
function clusterStore(): Store {
  const store = scenarioStore('demo', { fresh: true });
  for (const ns of ['keda', 'cert-manager']) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never);
  const objects: KubeObject[] = [
    serviceAccount('keda', 'keda-operator', GUID),
    deployment('keda', 'keda-operator', { sa: 'keda-operator', image: 'ghcr.io/kedacore/keda:2.16.0', labelled: true }),
    serviceAccount('cert-manager', 'cert-manager', GUID),
    deployment('cert-manager', 'cert-manager', { sa: 'cert-manager', image: 'quay.io/jetstack/cert-manager-controller:v1.16.2' }),
    serviceAccount('payments', 'web', GUID),
    serviceAccount('payments', 'eso-reader'),
    deployment('payments', 'web', { sa: 'web', spc: 'kv' }),
    deployment('payments', 'lost', { sa: 'web', spc: 'nowhere' }),
    deployment('kube-system', 'external-dns', { sa: 'external-dns', image: 'registry.k8s.io/external-dns/external-dns:v0.15.0' }),
  ];
  for (const o of objects) store.create(o as never);
  return store;
}

/** The consumer objects the source serves, by `plural.group/version`. */
function consumerObjects(): Map<string, KubeObject[] | 403> {
  const key = (t: ResourceType): string => `${qualifiedResource(t)}/${t.version}`;
  return new Map<string, KubeObject[] | 403>([
    [key(T.spc), [
      cr(T.spc, 'payments', 'kv', { provider: 'azure', parameters: { clientID: KV_GUID, tenantID: GUID, keyvaultName: 'kv-payments', objects: 'array:\n  - |\n    objectName: db-password\n' } }),
      cr(T.spc, 'payments', 'unused', { provider: 'azure', parameters: { clientID: KV_GUID, keyvaultName: 'kv-payments' } }),
      cr(T.spc, 'payments', 'node-identity', { provider: 'azure', parameters: { useVMManagedIdentity: 'true', keyvaultName: 'kv-payments' } }),
      cr(T.spc, 'payments', 'vault', { provider: 'vault', parameters: { roleName: 'x' } }),
    ]],
    [key(T.ta), [cr(T.ta, 'payments', 'queue-auth', { podIdentity: { provider: 'azure-workload' } })]],
    [key(T.ss), [
      cr(T.ss, 'payments', 'kv-store', { provider: { azurekv: { authType: 'WorkloadIdentity', vaultUrl: 'https://kv.vault.azure.net', serviceAccountRef: { name: 'eso-reader' } } } }),
      cr(T.ss, 'payments', 'broken-store', { provider: { azurekv: { authType: 'WorkloadIdentity', vaultUrl: 'https://kv.vault.azure.net', serviceAccountRef: { name: 'web' } } } }, { conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidProviderConfig', message: 'unable to create client', lastTransitionTime: 'x' }] }),
    ]],
    [key(T.ci), [cr(T.ci, undefined, 'letsencrypt', { acme: { server: 'https://acme', privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: {} } }, { dns01: { azureDNS: { hostedZoneName: 'example.com', subscriptionID: 'sub', resourceGroupName: 'rg', environment: 'AzurePublicCloud' } } }] } }, { conditions: [{ type: 'Ready', status: 'True', reason: 'ACMEAccountRegistered' }] })],
    ],
  ]);
}

/** The demo's MemoryWatchSource, serving the consumer kinds from `served` (absent: 404; 403: refused). */
class ConsumerWatchSource extends MemoryWatchSource {
  /** Every consumer list, as `plural.group/version@namespace`. */
  readonly consumerLists: string[] = [];
  private readonly watchers = new Set<{ plural: string; onEvent: (e: WatchEvent) => void; end: (r: KubeResult<void>) => void }>();

  constructor(store: Store, readonly served: Map<string, KubeObject[] | 403>) {
    super(store);
  }

  override async list(type: ResourceType, opts: { limit?: number; namespace?: string; keep?: (o: KubeObject) => KubeObject }): Promise<KubeResult<ListSnapshot>> {
    if (!CONSUMER_GROUPS.has(type.group)) return super.list(type, opts);
    this.requestCount++;
    const key = `${qualifiedResource(type)}/${type.version}`;
    this.consumerLists.push(opts.namespace ? `${key}@${opts.namespace}` : key);
    const v = this.served.get(key);
    if (v === undefined || v === 403) return err(httpFailure(v ?? 404, undefined, { verb: 'list', resource: qualifiedResource(type), ...(opts.namespace ? { namespace: opts.namespace } : {}) }, TEST_IDENTITY));
    const items = v.filter((o) => !opts.namespace || !type.namespaced || o.metadata.namespace === opts.namespace);
    return ok({ items: opts.keep ? items.map(opts.keep) : items, resourceVersion: '1' });
  }

  override watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string): Promise<KubeResult<void>> {
    if (!CONSUMER_GROUPS.has(type.group)) return super.watch(type, resourceVersion, onEvent, signal, onOpen, namespace);
    this.requestCount++;
    return new Promise((resolve) => {
      const w = {
        plural: type.plural,
        onEvent,
        end: (r: KubeResult<void>): void => {
          this.watchers.delete(w);
          resolve(r);
        },
      };
      this.watchers.add(w);
      onOpen?.();
      signal.addEventListener('abort', () => w.end(err(cancelledFailure({ verb: 'watch', resource: qualifiedResource(type) }))), { once: true });
    });
  }

  /** Ends the open watches of a consumer kind with an HTTP failure (404: its CRD was deleted). */
  failWatches(type: ResourceType, status: number): void {
    for (const w of [...this.watchers]) if (w.plural === type.plural) w.end(err(httpFailure(status, undefined, { verb: 'watch', resource: qualifiedResource(type) }, TEST_IDENTITY)));
  }

  /** A watch event for a consumer kind. */
  emit(type: ResourceType, e: WatchEvent): void {
    for (const w of this.watchers) if (w.plural === type.plural) w.onEvent(e);
  }
}

const lives: LiveCluster[] = [];
after(async () => {
  await Promise.all(lives.map((l) => l.stop()));
});

async function liveWith(served: Map<string, KubeObject[] | 403>, o: { consumers?: boolean; store?: Store } = {}): Promise<{ live: LiveCluster; source: ConsumerWatchSource }> {
  const source = new ConsumerWatchSource(o.store ?? clusterStore(), served);
  const live = new LiveCluster({ open: () => ok({ source, identity: TEST_IDENTITY }), cache: FAST_CACHE, consumers: o.consumers ?? true });
  lives.push(live);
  live.start();
  await until(live, () => live.state.phase === 'ready' && !live.state.podsPending, 'settled');
  if (o.consumers ?? true) await until(live, () => ['SecretProviderClass', 'TriggerAuthentication', 'ClusterTriggerAuthentication', 'SecretStore', 'ClusterSecretStore', 'Issuer', 'ClusterIssuer'].every((k) => live.consumers!.kindState(k as never) !== 'pending'), 'every consumer kind listed, absent or refused');
  return { live, source };
}

const consumerIn = (nodes: readonly TreeNode[], kind: string, name: string): ConsumerNode | undefined => nodes.find((n): n is ConsumerNode => n.type === 'consumer' && n.id.startsWith('consumer:') && n.entry.kind === kind && n.entry.name === name);

describe('Secrets & controllers: states from the identity graph in the cluster world', () => {
  it('each consumer object gets its state and a few words, in the workloads\' vocabulary', async () => {
    const { live } = await liveWith(consumerObjects());
    const nodes = expandAll(live);
    const expect = (kind: string, name: string, level: string, short: RegExp | string): ConsumerNode => {
      const n = consumerIn(nodes, kind, name);
      assert.ok(n, `${kind} ${name} is in the tree`);
      assert.equal(n.level, level, `${kind} ${name}: level (${n.description})`);
      if (typeof short === 'string') assert.equal(n.description, short, `${kind} ${name}: description`);
      else assert.match(n.description ?? '', short, `${kind} ${name}: description`);
      assert.match(n.contextValue, new RegExp(`^consumer kind-${kind}$`));
      return n;
    };
    // The pods that mount it: web's, whose ServiceAccount is "web".
    const kv = expect('SecretProviderClass', 'kv', 'ok', 'Workload Identity as web (the pods that mount it)');
    assert.ok(kv.tooltip!.some((l) => /Client ID 66666666-7777-8888-9999-000000000000 \(spec\.parameters\.clientID\)/.test(l)), kv.tooltip!.join('\n'));
    expect('SecretProviderClass', 'unused', 'warning', 'wired, no pod mounts it');
    // Says with what it authenticates instead.
    expect('SecretProviderClass', 'node-identity', 'muted', "not Workload Identity: the node's managed identity");
    // Not an Azure class: not listed at all.
    assert.equal(consumerIn(nodes, 'SecretProviderClass', 'vault'), undefined);
    // KEDA's operator is found by image, labelled, with a client ID.
    expect('TriggerAuthentication', 'queue-auth', 'ok', 'Workload Identity as keda-operator (the KEDA operator)');
    // The referenced ServiceAccount has no client ID and the store names none.
    expect('SecretStore', 'kv-store', 'warning', 'no client ID (object or SA)');
    // Its own status says Ready False: an error, with the message.
    const broken = expect('SecretStore', 'broken-store', 'error', 'not ready: unable to create client');
    const lines = childNodes(live, broken, NO_FILTERS);
    assert.equal(lines[0]!.type, 'detail');
    assert.equal(lines[0]!.label, 'Ready is False (InvalidProviderConfig): unable to create client');
    assert.equal((lines[0] as { level: string }).level, 'error');
    // cert-manager's controller is there, but its pod template has no use label.
    expect('ClusterIssuer', 'letsencrypt', 'warning', 'controller pod lacks the use label');
  });

  it('the controller not found; the ServiceAccount a store names not found', async () => {
    const served = consumerObjects();
    const key = (t: ResourceType): string => `${qualifiedResource(t)}/${t.version}`;
    served.set(key(T.cta), [cr(T.cta, undefined, 'global', { podIdentity: { provider: 'azure-workload', identityId: GUID } })]);
    served.set(key(T.ss), [cr(T.ss, 'payments', 'ghost', { provider: { azurekv: { authType: 'WorkloadIdentity', serviceAccountRef: { name: 'nobody' } } } })]);
    const store = clusterStore();
    store.delete('Deployment', 'keda', 'keda-operator');
    const { live } = await liveWith(served, { store });
    const nodes = expandAll(live);
    assert.equal(consumerIn(nodes, 'ClusterTriggerAuthentication', 'global')?.description, 'The KEDA operator not found');
    assert.equal(consumerIn(nodes, 'ClusterTriggerAuthentication', 'global')?.level, 'warning');
    assert.equal(consumerIn(nodes, 'TriggerAuthentication', 'queue-auth')?.description, 'The KEDA operator not found');
    assert.equal(consumerIn(nodes, 'SecretStore', 'ghost')?.description, 'SA payments/nobody not found');
  });

  it('a folder per namespace with consumers, before the ServiceAccounts; the cluster-wide kinds under one node after the namespaces', async () => {
    const served = consumerObjects();
    served.set(`${qualifiedResource(T.css)}/${T.css.version}`, [cr(T.css, undefined, 'global-kv', { provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: 'https://kv.vault.azure.net' } } })]);
    const { live } = await liveWith(served);
    const top = contextChildren(live);
    const last = top[top.length - 1]!;
    assert.equal(last.type, 'consumerFolder');
    assert.equal(last.label, 'Cluster-wide');
    assert.equal(last.id, 'consumers:fake-aks');
    assert.equal(last.description, '2 · 1 !');
    assert.deepEqual(childNodes(live, last, NO_FILTERS).map((n) => n.label), ['ClusterSecretStore global-kv', 'ClusterIssuer letsencrypt']);
    const payments = top.find((n) => n.type === 'namespace' && n.namespace === 'payments')!;
    const folders = childNodes(live, payments, NO_FILTERS);
    assert.deepEqual(folders.map((f) => f.label), ['Deployments', 'CronJobs', 'Secrets & controllers', 'ServiceAccounts']);
    const folder = folders[2] as FolderNode;
    assert.equal(folder.id, 'folder:fake-aks/payments/consumers');
    // 6 Azure consumers: kv, unused, node-identity, queue-auth, kv-store, broken-store; 1 broken, 2 warnings.
    assert.equal(folder.description, '6 · 1 ✗ 2 !');
    assert.equal(folder.level, 'error');
    assert.deepEqual(childNodes(live, folder, NO_FILTERS).map((n) => n.label), ['SecretProviderClass kv', 'SecretProviderClass node-identity', 'SecretProviderClass unused', 'TriggerAuthentication queue-auth', 'SecretStore broken-store', 'SecretStore kv-store']);
    // Only namespaces with consumers have the folder.
    const billing = top.find((n) => n.type === 'namespace' && n.namespace === 'billing')!;
    assert.ok(!childNodes(live, billing, NO_FILTERS).some((n) => n.type === 'consumerFolder'));
    // Filters apply: only problems keeps the error and the warnings.
    const problems = childNodes(live, folder, { ...NO_FILTERS, onlyProblems: true }).map((n) => n.label);
    assert.deepEqual(problems, ['SecretProviderClass unused', 'SecretStore broken-store', 'SecretStore kv-store']);
  });

  it('consumers do not change the workload counts: the namespace rows read as without them', async () => {
    const withConsumers = await liveWith(consumerObjects(), { store: clusterStore() });
    const without = await liveWith(new Map(), { store: clusterStore(), consumers: false });
    const rows = (live: LiveCluster): string[] => contextChildren(live).flatMap((n) => (n.type === 'namespace' ? [`${n.namespace} ${n.description} ${n.level}`] : []));
    assert.deepEqual(rows(withConsumers.live), rows(without.live));
    const payments = contextChildren(withConsumers.live).find((n) => n.type === 'namespace' && n.namespace === 'payments')!;
    assert.ok(payments.tooltip!.includes('Secrets & controllers: 6, 1 broken'), payments.tooltip!.join('\n'));
  });

  it('a workload shows the classes it mounts; a controller\'s workload the objects using its identity', async () => {
    const { live } = await liveWith(consumerObjects());
    const nodes = expandAll(live);
    const web = workloadNode(nodes, 'payments', 'web')!;
    const webChildren = childNodes(live, web, NO_FILTERS);
    const mounted = webChildren.find((n): n is ConsumerNode => n.type === 'consumer');
    assert.ok(mounted, webChildren.map((n) => n.id).join('\n'));
    assert.equal(mounted.label, 'SecretProviderClass kv');
    assert.equal(mounted.description, 'Workload Identity as web (the pods that mount it)');
    assert.equal(mounted.id, `${web.id}/consumer:SecretProviderClass/kv`);
    // A class that does not exist: the volume cannot mount.
    const lost = childNodes(live, workloadNode(nodes, 'payments', 'lost')!, NO_FILTERS).find((n) => n.type === 'detail')!;
    assert.equal(lost.label, 'SecretProviderClass nowhere');
    assert.equal(lost.description, 'not found in payments');
    assert.equal((lost as { level: string }).level, 'error');
    // The KEDA operator: one object uses its identity.
    const keda = workloadNode(nodes, 'keda', 'keda-operator')!;
    const identityFor = childNodes(live, keda, NO_FILTERS).find((n): n is FolderNode => n.type === 'consumerFolder')!;
    assert.equal(identityFor.label, 'Identity for 1 object');
    assert.equal(identityFor.description, '1 TriggerAuthentication');
    assert.deepEqual(childNodes(live, identityFor, NO_FILTERS).map((n) => n.label), ['TriggerAuthentication queue-auth']);
    // cert-manager: the ClusterIssuer, with its warning.
    const cm = childNodes(live, workloadNode(nodes, 'cert-manager', 'cert-manager')!, NO_FILTERS).find((n): n is FolderNode => n.type === 'consumerFolder')!;
    assert.equal(cm.description, '1 ClusterIssuer · 1 !');
    assert.equal(cm.level, 'warning');
    // ExternalDNS: what it authenticates for (azure.json, in a Secret or ConfigMap) is not listed.
    const dns = childNodes(live, workloadNode(nodes, 'kube-system', 'external-dns')!, NO_FILTERS).find((n) => n.type === 'detail')!;
    assert.equal(dns.label, 'Runs ExternalDNS');
    assert.equal(dns.description, 'what it authenticates for is not listed here');
    // The workload's own state is its own (its ServiceAccount has a client ID, its template no label), not what it mounts.
    assert.equal(web.description, 'pod template not labelled');
  });

  it('a watch event for a consumer redraws its state', async () => {
    const { live, source } = await liveWith(consumerObjects());
    const changed = cr(T.ta, 'payments', 'queue-auth', { podIdentity: { provider: 'azure' } });
    changed.metadata.resourceVersion = '2';
    source.emit(T.ta, { type: 'MODIFIED', object: changed });
    const n = await until(live, () => {
      const q = consumerIn(expandAll(live), 'TriggerAuthentication', 'queue-auth');
      return q?.level === 'muted' && q;
    }, 'queue-auth muted');
    assert.equal(n.description, 'not Workload Identity: aad-pod-identity (removed from KEDA)');
  });
});

describe('consumer kinds the cluster does not serve, or refuses', () => {
  it('no CRD installed: one 404 per kind and version (External Secrets and Flux: v1, then v1beta1/v1beta2), no note, no retry, no folder', async () => {
    const { live, source } = await liveWith(new Map());
    // Long enough for several backoffs of FAST_CACHE (5 ms doubling to 50 ms).
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual([...source.consumerLists].sort(), [
      'buckets.source.toolkit.fluxcd.io/v1',
      'buckets.source.toolkit.fluxcd.io/v1beta2',
      'clusterissuers.cert-manager.io/v1',
      'clustersecretstores.external-secrets.io/v1',
      'clustersecretstores.external-secrets.io/v1beta1',
      'clustertriggerauthentications.keda.sh/v1alpha1',
      'components.dapr.io/v1alpha1',
      'gitrepositories.source.toolkit.fluxcd.io/v1',
      'gitrepositories.source.toolkit.fluxcd.io/v1beta2',
      'helmrepositories.source.toolkit.fluxcd.io/v1',
      'helmrepositories.source.toolkit.fluxcd.io/v1beta2',
      'imagerepositories.image.toolkit.fluxcd.io/v1',
      'imagerepositories.image.toolkit.fluxcd.io/v1beta2',
      'issuers.cert-manager.io/v1',
      'ocirepositories.source.toolkit.fluxcd.io/v1',
      'ocirepositories.source.toolkit.fluxcd.io/v1beta2',
      'secretproviderclasses.secrets-store.csi.x-k8s.io/v1',
      'secretstores.external-secrets.io/v1',
      'secretstores.external-secrets.io/v1beta1',
      'triggerauthentications.keda.sh/v1alpha1',
    ]);
    assert.equal(live.consumers!.kindState('SecretProviderClass'), 'absent');
    const top = contextChildren(live);
    assert.deepEqual(top.filter((n) => n.type === 'message').map((n) => n.id), [], 'no note');
    assert.ok(!top.some((n) => n.type === 'consumerFolder'));
    assert.ok(live.state.phase === 'ready' && !live.state.stale && !live.state.consumersUnreadable, JSON.stringify(live.state));
    // A workload mounting a class says why it cannot be checked.
    const lost = childNodes(live, workloadNode(expandAll(live), 'payments', 'lost')!, NO_FILTERS).find((n) => n.type === 'detail')!;
    assert.match(lost.description ?? '', /the cluster serves no SecretProviderClass/);
  });

  it('a CRD deleted while watched: the watch answers 404, the list too, and the kind\'s objects go with it', async () => {
    const served = consumerObjects();
    const { live, source } = await liveWith(served);
    assert.ok(consumerIn(expandAll(live), 'TriggerAuthentication', 'queue-auth'));
    served.delete(`${qualifiedResource(T.ta)}/${T.ta.version}`);
    source.failWatches(T.ta, 404);
    await until(live, () => live.consumers!.kindState('TriggerAuthentication') === 'absent' && !consumerIn(expandAll(live), 'TriggerAuthentication', 'queue-auth'), 'queue-auth gone, its kind absent');
    assert.ok(live.state.phase === 'ready' && !live.state.consumersUnreadable, JSON.stringify(live.state));
    // Asked once more (the list that found it gone), then never again.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(source.consumerLists.filter((l) => l.startsWith('triggerauthentications.')).length, 2);
  });

  it('an older version served: SecretStores listed as v1beta1', async () => {
    const served = new Map<string, KubeObject[] | 403>([[`${qualifiedResource(T.ssBeta)}/v1beta1`, [cr(T.ssBeta, 'payments', 'old-store', { provider: { azurekv: { authType: 'ServicePrincipal', vaultUrl: 'https://kv.vault.azure.net' } } })]]]);
    const { live } = await liveWith(served);
    assert.equal(consumerIn(expandAll(live), 'SecretStore', 'old-store')?.description, "not Workload Identity: a service principal's client secret");
    assert.equal(live.consumers!.kindState('SecretStore'), 'listed');
  });

  it('a 403 on a consumer kind: a quiet note, asked once, the rest shown', async () => {
    const served = consumerObjects();
    served.set(`${qualifiedResource(T.ss)}/v1`, 403);
    const { live, source } = await liveWith(served);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(source.consumerLists.filter((l) => l.startsWith('secretstores.')).length, 1, source.consumerLists.join(', '));
    const notes = contextChildren(live).filter((n) => n.type === 'message');
    assert.deepEqual(notes.map((n) => [n.id, (n as { level: string }).level, n.label]), [['msg:consumers:fake-aks/secretstores.external-secrets.io', 'info', 'secretstores.external-secrets.io: not readable (403), left out of Secrets & controllers']]);
    assert.match(notes[0]!.tooltip![0]!, /Forbidden: you may not list secretstores\.external-secrets\.io/);
    assert.ok(live.state.phase === 'ready' && !live.state.stale);
    const nodes = expandAll(live);
    assert.ok(consumerIn(nodes, 'SecretProviderClass', 'kv'));
    assert.equal(consumerIn(nodes, 'SecretStore', 'kv-store'), undefined);
    assert.equal(live.consumers!.kindState('SecretStore'), 'refused');
  });

  it('without the consumers option, no consumer kind is asked for (the CLI)', async () => {
    const { live, source } = await liveWith(consumerObjects(), { consumers: false });
    assert.deepEqual(source.consumerLists, []);
    assert.equal(live.consumers, undefined);
    assert.ok(!expandAll(live).some((n) => n.type === 'consumerFolder' || n.type === 'consumer'));
  });
});

describe('what is kept of consumer objects and of workloads', () => {
  it('a consumer: the parts describeConsumer reads and the Ready condition, its kind from the type', () => {
    const spc = (consumerObjects().get(`${qualifiedResource(T.spc)}/v1`) as KubeObject[])[0]!;
    const { kind: _k, apiVersion: _a, ...bare } = spc;
    const kept = keepConsumer(T.spc, bare as KubeObject);
    assert.deepEqual(kept, { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'kv', namespace: 'payments', resourceVersion: '1' }, spec: { provider: 'azure', parameters: { clientID: KV_GUID, tenantID: GUID, keyvaultName: 'kv-payments' } } });
    const issuer = keepConsumer(T.ci, (consumerObjects().get(`${qualifiedResource(T.ci)}/v1`) as KubeObject[])[0]!);
    assert.deepEqual(issuer.spec, { acme: { solvers: [{}, { dns01: { azureDNS: { hostedZoneName: 'example.com', subscriptionID: 'sub', resourceGroupName: 'rg', environment: 'AzurePublicCloud' } } }] } });
    assert.deepEqual(issuer.status, { conditions: [{ type: 'Ready', status: 'True', reason: 'ACMEAccountRegistered' }] });
    // keepForTree dispatches by group.
    assert.deepEqual(keepForTree(T.spc, spc), keepConsumer(T.spc, spc));
  });

  it('a workload: its CSI volumes, and an image only when it is a controller\'s', () => {
    const keep = (o: KubeObject): { containers: { image?: string }[]; volumes?: unknown[] } => ((keepForTree({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true }, o).spec as { template: { spec: never } }).template.spec);
    const web = keep(deployment('payments', 'web', { sa: 'web', spc: 'kv' }));
    assert.equal(web.containers[0]!.image, undefined);
    assert.deepEqual(web.volumes, [{ name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: 'kv' } } }]);
    const keda = keep(deployment('keda', 'keda-operator', { sa: 'keda-operator', image: 'ghcr.io/kedacore/keda:2.16.0' }));
    assert.equal(keda.containers[0]!.image, 'ghcr.io/kedacore/keda:2.16.0');
    assert.equal(keda.volumes, undefined);
  });
});
