// Shared by the sidebar tree's tests (test/unit/tree-model.test.ts, pure; and
// test/cluster/tree-live.test.ts, against fake-kube): the fake AKS cluster's objects without a
// server, an in-memory WatchSource over them (list + watch from the store's change feed), a
// LiveCluster on it, a full expansion of the tree as VS Code would walk it, and a wait on the
// tree with a deadline (never a sleep).

import assert from 'node:assert/strict';
import type { ResourceCacheOptions } from '../../src/cluster/informer';
import type { ListSnapshot, WatchEvent, WatchSource } from '../../src/cluster/watch-source';
import { cancelledFailure, httpFailure } from '../../src/cluster/failures';
import { qualifiedResource } from '../../src/cluster/resources';
import { err, ok, type ClusterIdentity, type KubeFailure, type KubeObject, type KubeResult, type ResourceType } from '../../src/cluster/types';
import { LiveCluster, type LiveClusterOptions } from '../../src/tree/live-cluster';
import { NO_FILTERS, type ObjectSource, type TreeFilters } from '../../src/tree/model';
import { childNodes, rootNodes, type TreeNode } from '../../src/tree/nodes';
import type { DiagnosisOverlays } from '../../src/tree/overlay';
import type { StatusLevel, TreeWorkloadKind } from '../../src/tree/workload-status';
import { getScenario, loadScenario } from '../fake-kube/scenarios';
import { Store, type StoreEvent } from '../fake-kube/store';
import { waitUntil, type Probed } from '../support/wait.mjs';

// ---- The fake cluster's objects, no server ----------------------------------------------------

// loadScenario only writes the CA into kube-root-ca.crt ConfigMaps: any PEM-shaped string does.
export const TEST_CA = '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n';

const shared = new Map<string, Store>();

/** A store holding a scenario. Shared (do not change it) unless `fresh`. */
export function scenarioStore(scenario: string, opts: { fresh?: boolean } = {}): Store {
  if (opts.fresh) {
    const s = new Store();
    loadScenario(s, getScenario(scenario), TEST_CA);
    return s;
  }
  let s = shared.get(scenario);
  if (!s) shared.set(scenario, (s = scenarioStore(scenario, { fresh: true })));
  return s;
}

/** The store as the TreeModel reads a cache: every object of a kind. */
export function storeSource(store: Store): ObjectSource {
  return { values: <T extends KubeObject>(type: ResourceType) => store.list(type.kind) as unknown as T[] };
}

// ---- An in-memory WatchSource ------------------------------------------------------------------

/**
 * Deny a verb on a resource (plural, or `*`): `namespace` undefined denies every request, `null`
 * only cluster-wide ones, a name only requests in that namespace.
 */
export interface MemoryForbid {
  verb: 'list' | 'watch' | '*';
  resource: string;
  namespace?: string | null;
}

export const TEST_IDENTITY: ClusterIdentity = { context: 'fake-aks', cluster: 'fake-aks', server: 'https://127.0.0.1:6443', namespace: 'payments', auth: 'token', files: ['/tmp/kubeconfig'] };

/** Lists and watches a Store: lists are snapshots, watches replay its change feed until aborted. */
export class MemoryWatchSource implements WatchSource {
  requestCount = 0;
  /** Every list, as `<plural>` or `<plural>@<namespace>`. */
  readonly lists: string[] = [];
  forbid: MemoryForbid[];
  private readonly open = new Set<(r: KubeResult<void>) => void>();
  private readonly held = new Map<string, Promise<void>>();

  constructor(
    readonly store: Store,
    forbid: MemoryForbid[] = [],
    private readonly identity: ClusterIdentity = TEST_IDENTITY,
  ) {
    this.forbid = forbid;
  }

  /** Lists of `plural` wait until the returned function is called. */
  hold(plural: string): () => void {
    let release!: () => void;
    this.held.set(plural, new Promise<void>((r) => (release = r)));
    return () => {
      this.held.delete(plural);
      release();
    };
  }

  /** End every open watch now: cleanly, or with `failure`. */
  endWatches(failure?: KubeFailure): void {
    for (const end of [...this.open]) end(failure ? err(failure) : ok(undefined));
  }

  get openWatches(): number {
    return this.open.size;
  }

  private denied(verb: 'list' | 'watch', type: ResourceType, namespace: string | undefined): KubeFailure | undefined {
    const hit = this.forbid.some(
      (f) => (f.verb === '*' || f.verb === verb) && (f.resource === '*' || f.resource === type.plural) && (f.namespace === undefined || (f.namespace === null ? !namespace : f.namespace === namespace)),
    );
    return hit ? httpFailure(403, undefined, { verb, resource: qualifiedResource(type), ...(namespace ? { namespace } : {}) }, this.identity) : undefined;
  }

  async list(type: ResourceType, opts: { limit?: number; namespace?: string; keep?: (o: KubeObject) => KubeObject }): Promise<KubeResult<ListSnapshot>> {
    this.requestCount++;
    this.lists.push(opts.namespace ? `${type.plural}@${opts.namespace}` : type.plural);
    await this.held.get(type.plural);
    const denied = this.denied('list', type, opts.namespace);
    if (denied) return err(denied);
    const items = this.store.list(type.kind, type.namespaced ? opts.namespace : undefined) as KubeObject[];
    return ok({ items: opts.keep ? items.map(opts.keep) : items, resourceVersion: this.store.resourceVersion });
  }

  watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string): Promise<KubeResult<void>> {
    this.requestCount++;
    const denied = this.denied('watch', type, namespace);
    if (denied) return Promise.resolve(err(denied));
    const history = this.store.eventsSince(Number(resourceVersion));
    if (!history) return Promise.resolve(err(httpFailure(410, undefined, { verb: 'watch', resource: qualifiedResource(type) }, this.identity)));
    const mine = (e: StoreEvent): boolean => e.resource.plural === type.plural && e.resource.group === type.group && (!namespace || e.object.metadata.namespace === namespace);
    const send = (e: StoreEvent): void => {
      if (mine(e)) onEvent({ type: e.type, object: e.object as KubeObject });
    };
    return new Promise((resolve) => {
      const end = (r: KubeResult<void>): void => {
        off();
        signal.removeEventListener('abort', onAbort);
        this.open.delete(end);
        resolve(r);
      };
      const onAbort = (): void => end(err(cancelledFailure({ verb: 'watch', resource: qualifiedResource(type) })));
      const off = this.store.subscribe(send);
      this.open.add(end);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();
      onOpen?.();
      for (const e of history) send(e);
    });
  }
}

/** Fast and deterministic: short waits, no jitter. */
export const FAST_CACHE: ResourceCacheOptions = { batchMs: 5, initialBackoffMs: 5, maxBackoffMs: 50, jitter: 0, minWatchMs: 0 };

/** A real LiveCluster over a MemoryWatchSource of `store`; stop it when done. */
export function memoryLive(store: Store, o: { forbid?: MemoryForbid[]; identity?: ClusterIdentity } & Partial<LiveClusterOptions> = {}): { live: LiveCluster; source: MemoryWatchSource } {
  const identity = o.identity ?? TEST_IDENTITY;
  const source = new MemoryWatchSource(store, o.forbid, identity);
  const live = new LiveCluster({ open: () => ok({ source, identity }), cache: FAST_CACHE, ...o });
  return { live, source };
}

// ---- Walking the tree --------------------------------------------------------------------------

/** Every node VS Code would show with everything expanded (collapsible nodes only are expanded); `overlays`: the diagnoses shown over their workloads. */
export function expandAll(live: LiveCluster, filters: TreeFilters = NO_FILTERS, now?: number, overlays?: DiagnosisOverlays): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (nodes: TreeNode[], depth: number): void => {
    assert.ok(depth < 10, 'the tree is not endless');
    for (const n of nodes) {
      out.push(n);
      if (n.collapsible !== 'none') walk(childNodes(live, n, filters, now, overlays), depth + 1);
    }
  };
  walk(rootNodes(live), 0);
  return out;
}

/** The children of the context node (notes, then namespaces). */
export function contextChildren(live: LiveCluster, filters: TreeFilters = NO_FILTERS): TreeNode[] {
  const [root] = rootNodes(live);
  assert.equal(root?.type, 'context', `the root is the context node, not ${JSON.stringify(root)}`);
  return childNodes(live, root!, filters);
}

export type WorkloadNode = Extract<TreeNode, { type: 'workload' }>;
export type MessageNode = Extract<TreeNode, { type: 'message' }>;

/** The workload node under its kind's folder (not the copies under ServiceAccounts). */
export function workloadNode(nodes: readonly TreeNode[], namespace: string, name: string, kind?: TreeWorkloadKind): WorkloadNode | undefined {
  return nodes.find((n): n is WorkloadNode => n.type === 'workload' && n.id.startsWith('wl:') && n.entry.namespace === namespace && n.entry.name === name && (!kind || n.entry.kind === kind));
}

export function messages(nodes: readonly TreeNode[]): MessageNode[] {
  return nodes.filter((n): n is MessageNode => n.type === 'message');
}

export function namespacesShown(nodes: readonly TreeNode[]): string[] {
  return nodes.flatMap((n) => (n.type === 'namespace' ? [n.namespace] : []));
}

/**
 * Resolves with `probe()`'s first value (not undefined, null or false), checked now, on every
 * change of the tree and every 20 ms; fails after `ms` naming `what`, the last value and the
 * cluster's state. The shared waitUntil (test/support/wait.mjs), woken by the tree.
 */
export function until<T>(live: LiveCluster, probe: () => Probed<T>, what: string, ms = 5000): Promise<T> {
  let last: unknown;
  return waitUntil(what, () => (last = probe()), { timeoutMs: ms, on: (listener) => live.onDidChange(() => listener(undefined)), show: () => ({ last, state: live.state }) });
}

// ---- What the demo cluster should show ---------------------------------------------------------

export interface ExpectedWorkload {
  namespace: string;
  kind: TreeWorkloadKind;
  name: string;
  level: StatusLevel;
  short: string;
  /** The certain fixes offered (fixFlags). */
  fixes: string[];
}

/** Every failure mode of the demo scenario, plus workloads that do not use Workload Identity. */
export const DEMO_EXPECTED: readonly ExpectedWorkload[] = [
  { namespace: 'payments', kind: 'Deployment', name: 'api', level: 'ok', short: 'injected', fixes: [] },
  { namespace: 'payments', kind: 'CronJob', name: 'settlement', level: 'ok', short: 'injected', fixes: [] },
  { namespace: 'checkout', kind: 'Deployment', name: 'cart', level: 'error', short: 'label on the Deployment, not the template', fixes: ['fix-label'] },
  { namespace: 'inventory', kind: 'Deployment', name: 'sync', level: 'error', short: 'misspelled annotation: client_id', fixes: ['fix-annotate'] },
  { namespace: 'billing', kind: 'Deployment', name: 'invoicer', level: 'error', short: 'no client ID on the ServiceAccount', fixes: ['fix-annotate'] },
  { namespace: 'orders', kind: 'Deployment', name: 'worker', level: 'error', short: 'pods predate the label', fixes: ['fix-resume'] },
  { namespace: 'notifications', kind: 'Deployment', name: 'mailer', level: 'error', short: 'AZURE_CLIENT_SECRET set', fixes: [] },
  { namespace: 'search', kind: 'Deployment', name: 'indexer', level: 'error', short: 'AZURE_CLIENT_ID hard-coded', fixes: [] },
  // The AADSTS error is in the logs, which the tree does not read: wired and injected.
  { namespace: 'analytics', kind: 'Deployment', name: 'ingest', level: 'ok', short: 'injected', fixes: [] },
  // Restarting does not help while AKS keeps the webhook away from the namespace.
  { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter', level: 'error', short: 'namespace excluded', fixes: [] },
  { namespace: 'kube-system', kind: 'Deployment', name: 'coredns', level: 'muted', short: 'not using Workload Identity', fixes: [] },
  { namespace: 'kube-system', kind: 'DaemonSet', name: 'kube-proxy', level: 'muted', short: 'not using Workload Identity', fixes: [] },
  { namespace: 'ops', kind: 'CronJob', name: 'registry-cleanup', level: 'muted', short: 'not using Workload Identity', fixes: [] },
];

/** Asserts each expected workload's node: level, description, and the fix flags in its contextValue. */
export function assertWorkloads(nodes: readonly TreeNode[], expected: readonly ExpectedWorkload[]): void {
  for (const e of expected) {
    const n = workloadNode(nodes, e.namespace, e.name, e.kind);
    assert.ok(n, `${e.kind} ${e.namespace}/${e.name} is in the tree`);
    const where = `${e.namespace}/${e.name}`;
    assert.equal(n.description, e.short, `${where}: description`);
    assert.equal(n.level, e.level, `${where}: level`);
    const flags = n.contextValue.split(' ').filter((f) => f.startsWith('fix-'));
    assert.deepEqual(flags.sort(), [...e.fixes].sort(), `${where}: fixes offered`);
  }
}

/**
 * The fallback to namespace "payments" of the demo cluster with CronJobs forbidden there too:
 * the fallback note (its reason matching `why`), a note for CronJobs, payments alone, its
 * Deployment shown and its CronJob not.
 */
export function assertPaymentsFallbackWithoutCronJobs(live: LiveCluster, why: RegExp): void {
  const top = contextChildren(live);
  const ids = top.map((n) => n.id).join(', ');
  const fallback = top.find((n) => n.id === 'msg:fallback:fake-aks');
  assert.ok(fallback, ids);
  assert.match(fallback.label, why);
  assert.match(fallback.label, /so only namespace "payments" is shown/);
  const forbidden = top.find((n) => n.id === 'msg:forbidden:fake-aks/cronjobs.batch');
  assert.ok(forbidden, ids);
  assert.match(forbidden.label, /you may not list cronjobs\.batch in namespace "payments"/);
  assert.deepEqual(namespacesShown(top), ['payments']);
  const nodes = expandAll(live);
  assert.equal(workloadNode(nodes, 'payments', 'api')?.description, 'injected');
  assert.equal(workloadNode(nodes, 'payments', 'settlement'), undefined, 'CronJobs could not be listed');
}
