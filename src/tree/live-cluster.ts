// One kube context, live: the informer caches the sidebar tree reads, the TreeModel over them,
// and the state the tree shows instead of (or above) its data — loading, a failure as one
// sentence with an action, stale with the reason, or the RBAC fallback to the context's
// namespace. No `vscode` here; src/editor/tree adapts it.
//
// Three caches, so a kind the user may not read does not hold up the rest:
//   main       the workload kinds, Pods and ServiceAccounts — cluster-wide, one paginated list per
//              kind, then watches; in the fallback, the same kinds in one namespace
//   namespaces the Namespace objects (their labels exclude a namespace from the webhook); a 403 on
//              listing them switches to the fallback, as does a 403 on a cluster-wide list of `main`
//   webhook    the webhook's MutatingWebhookConfiguration; if it may not be read, the webhook's
//              state is unknown, never "down"
//   consumers  (option `consumers`: the editor's tree) the consumer kinds of the identity graph —
//              SecretProviderClass, TriggerAuthentication, SecretStore, Issuer and their
//              cluster-wide kinds — as full objects trimmed to what the states read
//              (consumer-keep.ts). A kind the cluster does not serve (its CRD is not installed:
//              the list answers 404, for each version tried) is absent: no note, no retry. A 403
//              is a quiet note and is not retried. They never hold up the tree.
//
// What only the metadata of is read — ServiceAccounts (annotations), Namespaces (labels), the
// webhook configurations (names) — is listed and watched as PartialObjectMetadata.

import type { ClusterIdentity, KubeFailureKind, KubeObject, KubeResult, ResourceType } from '../cluster/types';
import { qualifiedResource, Resources } from '../cluster/resources';
import { ResourceCache, type ResourceCacheOptions, type StaleReason } from '../cluster/informer';
import type { WatchSource } from '../cluster/watch-source';
import { ConsumerKinds, type ConsumerKind } from '../cluster/resources';
import { CONSUMER_GROUPS, keepConsumer } from './consumer-keep';
import { ConsumerModel, CONSUMER_TYPES, consumerType, olderVersions, type ConsumerKindState } from './consumers';
import { treeKeeper } from './keep';
import { TreeModel, TREE_TYPES } from './model';
import { bugMessage, silentLogger, type Logger } from '../util/log';

/** What a message node offers. */
export type TreeAction = 'retry' | 'sign-in' | 'open-kubeconfig-docs' | 'select-context' | 'pick-namespace';

export interface TreeIssue {
  kind: KubeFailureKind;
  /** One sentence (the failure's own). */
  message: string;
  action: TreeAction;
}

export interface Fallback {
  namespace: string;
  /** Why only one namespace is shown. */
  reason: string;
}

export type LiveState =
  /** The kubeconfig or the context could not be loaded: nothing to watch. */
  | { phase: 'unavailable'; issue: TreeIssue }
  | { phase: 'loading'; fallback?: Fallback }
  /** Nothing could be listed yet; the caches keep retrying with backoff. */
  | { phase: 'failed'; issue: TreeIssue; fallback?: Fallback }
  | {
      phase: 'ready';
      /** Data shown, but a watch or a re-list is failing: the tree may be out of date. */
      stale?: StaleReason & { action: TreeAction };
      fallback?: Fallback;
      /** Kinds the user may not list even in the fallback namespace: shown as a note. */
      forbidden?: { resource: string; message: string }[];
      /**
       * Consumer kinds that could not be read (403, or failing and retrying): a quiet note each; the
       * rest of the tree is unaffected. A kind the cluster does not serve is not among them.
       */
      consumersUnreadable?: { resource: string; message: string; status?: number }[];
      /**
       * The workloads and ServiceAccounts are listed, the pods not yet: the tree is shown, with
       * what needs the pods (injection, pods older than the label) marked as being checked.
       */
      podsPending?: true;
    };

export interface LiveClusterOptions {
  /** Loads the kubeconfig and makes the watch source (connect.ts's watchSource in the extension). */
  open(): KubeResult<{ source: WatchSource & { dispose?(): void }; identity: ClusterIdentity }>;
  cache?: ResourceCacheOptions;
  /** The namespace to show when namespaces or cluster-wide lists are forbidden; default the context's. */
  fallbackNamespace?: string;
  /** Only this namespace, from the start (the CLI's `-n`): no cluster-wide list, no namespaces. */
  namespace?: string;
  /** Where a listener that threw is told of, the caches' too (the editor's output channel; the CLI's stderr under --verbose). Default: nowhere. */
  log?: Logger;
  /**
   * List and watch the consumer kinds too (the "Secrets & controllers" folders; the editor's
   * tree). Default false: the CLI's `workloads` shows none of them and makes no request for them.
   */
  consumers?: boolean;
}

export interface LiveChange {
  /** Changed objectKey()s; undefined: everything (state change, fallback, restart). */
  keys?: Set<string>;
}

type Listener = (e: LiveChange) => void;

export class LiveCluster {
  private source: (WatchSource & { dispose?(): void }) | undefined;
  private main: ResourceCache | undefined;
  private namespaces: ResourceCache | undefined;
  private webhook: ResourceCache | undefined;
  private consumerCache: ResourceCache | undefined;
  private consumerModel: ConsumerModel | undefined;
  private fallback: Fallback | undefined;
  private listeners = new Set<Listener>();
  private current: LiveState = { phase: 'loading' };
  private treeModel: TreeModel | undefined;
  private readyWaiters: (() => void)[] = [];
  private paintWaiters: (() => void)[] = [];
  identity: ClusterIdentity | undefined;

  constructor(private readonly opts: LiveClusterOptions) {}

  private get log(): Logger {
    return this.opts.log ?? silentLogger;
  }

  get state(): LiveState {
    return this.current;
  }

  /** The model over the caches; undefined before start() or when the kubeconfig failed. */
  get model(): TreeModel | undefined {
    return this.treeModel;
  }

  /** The consumer objects with their states; undefined unless the `consumers` option is on (and started). */
  get consumers(): ConsumerModel | undefined {
    return this.consumerModel;
  }

  /** The version a consumer kind is listed in (an older installation serves only an older one); undefined when not served or not listed. */
  consumerServedType(kind: ConsumerKind): ResourceType | undefined {
    return this.consumerCache?.servedType(consumerType(kind));
  }

  /** The one namespace the caches hold (the RBAC fallback, or the CLI's `-n`); undefined: every namespace. */
  get onlyNamespace(): string | undefined {
    return this.fallback?.namespace ?? this.opts.namespace;
  }

  /** HTTP requests sent to the API server so far. */
  get requestCount(): number {
    return this.source?.requestCount ?? 0;
  }

  onDidChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when everything is listed, the pods included (ready), or it failed or is unavailable. */
  whenSettled(): Promise<void> {
    if (settled(this.current)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Resolves when the consumer kinds are settled too (each listed, absent, refused, or failing — a
   * note), or at once when they are not asked for or the main lists failed: for a one-pass reader
   * (the CLI's `workloads`). The editor's tree never waits for them.
   */
  whenConsumersSettled(): Promise<void> {
    return new Promise((resolve) => {
      let off: () => void = () => undefined;
      const check = (): boolean => {
        if (!this.consumersSettled()) return false;
        off();
        resolve();
        return true;
      };
      if (!check()) off = this.onDidChange(() => void check());
    });
  }

  private consumersSettled(): boolean {
    if (!this.opts.consumers || this.current.phase === 'failed' || this.current.phase === 'unavailable') return true;
    const cache = this.consumerCache;
    const model = this.consumerModel;
    if (!cache || !model) return false;
    return ConsumerKinds.every((k) => model.kindState(k) !== 'pending' || cache.kindState(consumerType(k))?.state === 'stale');
  }

  /** Resolves as soon as there is something to show: ready, even with the pods still being listed (or failed, unavailable). */
  whenPainted(): Promise<void> {
    if (this.current.phase !== 'loading') return Promise.resolve();
    return new Promise((resolve) => this.paintWaiters.push(resolve));
  }

  /** The cached object of a node, for its live YAML; undefined when it is not (or no longer) there. */
  object(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    if (type.plural === Resources.namespaces.plural) return this.namespaces?.get(type, undefined, name);
    if (CONSUMER_GROUPS.has(type.group)) return this.consumerCache?.get(type, type.namespaced ? namespace : undefined, name);
    return this.main?.get(type, namespace, name);
  }

  start(): void {
    if (this.source) return;
    const opened = this.opts.open();
    if (!opened.ok) {
      const f = opened.failure;
      this.setState({ phase: 'unavailable', issue: { kind: f.kind, message: f.message, action: f.kind === 'exec-plugin' ? 'sign-in' : f.kind === 'config' && /context/i.test(f.message) ? 'select-context' : 'open-kubeconfig-docs' } });
      return;
    }
    this.source = opened.value.source;
    this.identity = opened.value.identity;
    // Of the webhook configurations the tree reads only the names (is the webhook's there): metadata only.
    this.webhook = this.cache([Resources.mutatingWebhookConfigurations], { metadataOnly: () => true }, () => this.invalidate());
    // Listed after the statuses were computed, and empty (not installed): no change batch comes, yet they change.
    this.webhook.onDidChangeState((s) => s.state === 'synced' && this.invalidate());
    // Of a Namespace the tree reads only its labels: metadata only.
    if (!this.opts.namespace) this.namespaces = this.cache([Resources.namespaces], { metadataOnly: () => true }, (keys) => this.invalidate(keys));
    this.startMain();
    this.webhook.start();
    this.namespaces?.start();
  }

  /** Stops everything and starts again (Retry, Refresh): new lists, new watches. */
  async restart(): Promise<void> {
    await this.stop();
    this.fallback = undefined;
    this.current = { phase: 'loading' };
    this.emit({});
    this.start();
  }

  async stop(): Promise<void> {
    const caches = [this.main, this.namespaces, this.webhook, this.consumerCache];
    this.main = this.namespaces = this.webhook = this.consumerCache = undefined;
    this.treeModel = undefined;
    this.consumerModel = undefined;
    await Promise.all(caches.map((c) => c?.stop() ?? Promise.resolve()));
    this.source?.dispose?.();
    this.source = undefined;
  }

  private cache(types: readonly ResourceType[], extra: ResourceCacheOptions, onChange: (keys: Set<string>) => void): ResourceCache {
    const c = new ResourceCache(this.source!, types, { log: this.log, ...this.opts.cache, ...extra });
    c.onDidChange((b) => onChange(b.keys));
    c.onDidChangeState(() => this.evaluate());
    return c;
  }

  private startMain(): void {
    const scope = this.fallback?.namespace ?? this.opts.namespace;
    // Of a ServiceAccount the tree reads only its annotations (the client ID): metadata only. The
    // pods, the longest list by far and parsed on the same thread, are listed once the workloads
    // and ServiceAccounts are: the first paint waits for those, not for the pods.
    const main = this.cache(
      TREE_TYPES,
      { ...(scope ? { namespace: scope } : {}), keep: treeKeeper(), metadataOnly: (t) => t.plural === Resources.serviceAccounts.plural, listLast: (t) => t.plural === Resources.pods.plural },
      (keys) => this.invalidate(keys),
    );
    this.main = main;
    const webhook = this.webhook;
    const namespaces = this.namespaces;
    this.treeModel = new TreeModel(
      { values: <T extends KubeObject>(type: ResourceType) => (type.plural === Resources.mutatingWebhookConfigurations.plural ? webhook?.values<T>(type) ?? [] : main.values<T>(type)) },
      {
        ...(scope ? { scope } : { namespaces: { values: <T extends KubeObject>(type: ResourceType) => namespaces?.values<T>(type) ?? [] } }),
        webhookKnown: () => !!webhook?.hasSynced(Resources.mutatingWebhookConfigurations),
        serviceAccountsKnown: () => main.hasSynced(Resources.serviceAccounts),
        podsKnown: () => main.hasSynced(Resources.pods),
      },
    );
    main.start();
    // The consumer kinds once the main kinds are listed: they never hold up the tree, and their lists
    // (a 404 each on a cluster without the CRDs) reuse the connections the main lists opened.
    if (this.opts.consumers) {
      void this.whenSettled().then(() => {
        if (this.main === main) this.startConsumers(scope);
      });
    }
  }

  /** The consumer kinds, in the same scope as the main kinds: their own cache, never holding up the tree. */
  private startConsumers(scope: string | undefined): void {
    void this.consumerCache?.stop();
    // Their changes touch no workload's state: the consumers' states only (not the namespaces' indexes).
    // The CLI's -n needs list rights in that namespace only: the cluster-wide kinds are not asked for.
    const types = this.opts.namespace ? CONSUMER_TYPES.filter((t) => t.namespaced) : CONSUMER_TYPES;
    const cache = this.cache(types, { ...(scope ? { namespace: scope } : {}), keep: keepConsumer, optional: olderVersions }, (keys) => {
      this.consumerModel?.invalidate();
      if (this.current.phase === 'ready') this.emit({ keys });
    });
    // A first list makes no change events: the folders appear when a kind is listed (or found absent).
    cache.onDidChangeState(() => {
      this.consumerModel?.invalidate();
      if (this.current.phase === 'ready') this.emit({});
    });
    this.consumerCache = cache;
    const kindState = (kind: ConsumerKind): ConsumerKindState => {
      const type = consumerType(kind);
      if (!types.includes(type) || cache.absent(type)) return 'absent';
      if (cache.hasSynced(type)) return 'listed';
      return cache.kindState(type)?.reason?.status === 403 ? 'refused' : 'pending';
    };
    this.consumerModel = new ConsumerModel({ values: <T extends KubeObject>(type: ResourceType) => cache.values<T>(type), kindState }, () => this.treeModel);
    cache.start();
  }

  private invalidate(keys?: Set<string>): void {
    this.treeModel?.invalidate(keys);
    // The consumers' states read workloads and ServiceAccounts of other namespaces: any change may change them.
    this.consumerModel?.invalidate();
    if (this.current.phase === 'ready') this.emit(keys ? { keys } : {});
  }

  /** A 403 on listing namespaces, or on a cluster-wide list of the main kinds, switches to the context's namespace. */
  private forbiddenClusterWide(): string | undefined {
    if (this.fallback || !this.main || !this.namespaces) return undefined;
    const nsState = this.namespaces.kindState(Resources.namespaces);
    if (nsState?.reason?.status === 403 && !this.namespaces.hasSynced(Resources.namespaces)) return `You may not list namespaces (403)`;
    for (const t of TREE_TYPES) {
      const s = this.main.kindState(t);
      if (s?.reason?.status === 403 && !this.main.hasSynced(t)) return `You may not list ${qualifiedResource(t)} in all namespaces (403)`;
    }
    return undefined;
  }

  /**
   * A 403 on the webhook configuration (common for namespace-scoped users), or on namespaces once
   * the view has fallen back to one namespace, will not go away by retrying: stop asking. Refresh
   * asks again.
   */
  private stopRefusedOptionalCaches(): void {
    const optional: [ResourceCache | undefined, ResourceType][] = [
      [this.webhook, Resources.mutatingWebhookConfigurations],
      [this.fallback ? this.namespaces : undefined, Resources.namespaces],
    ];
    for (const [cache, type] of optional) {
      if (cache && !cache.stopped && !cache.hasSynced(type) && cache.kindState(type)?.reason?.status === 403) void cache.stop();
    }
  }

  private evaluate(): void {
    const main = this.main;
    if (!main || !this.identity) return;
    this.stopRefusedOptionalCaches();
    const why = this.forbiddenClusterWide();
    if (why) {
      const namespace = this.opts.fallbackNamespace || this.identity.namespace || 'default';
      this.fallback = { namespace, reason: `${why}, so only namespace "${namespace}" is shown${this.opts.fallbackNamespace ? '' : ", the context's namespace"}.` };
      void main.stop();
      // The namespaces cache stays: it may still be listable; the model is scoped to the namespace.
      this.startMain();
      this.setState({ phase: 'loading', fallback: this.fallback });
      return;
    }
    const fallback = this.fallback ? { fallback: this.fallback } : {};
    const kinds = TREE_TYPES.map((t) => ({ t, s: main.kindState(t), synced: main.hasSynced(t) }));
    // In the fallback, a kind still forbidden in the namespace is a note, not a blocker.
    const forbidden = this.fallback || this.opts.namespace ? kinds.filter((k) => !k.synced && k.s?.reason?.status === 403) : [];
    // The pods are the longest list by far: the tree is shown without them while they are listed
    // (a failing pod list holds it up like any other, to show the failure).
    const podsListing = (k: (typeof kinds)[number]): boolean => k.t === Resources.pods && !k.synced && k.s?.state !== 'stale' && !forbidden.includes(k);
    const pending = kinds.filter((k) => !k.synced && !forbidden.includes(k) && !podsListing(k));
    const podsPending = kinds.some(podsListing);
    if (forbidden.length === kinds.length) {
      const f = forbidden[0]!.s!.reason!;
      this.setState({ phase: 'failed', issue: { kind: f.kind, message: f.message, action: 'pick-namespace' }, ...fallback });
      return;
    }
    // Until the namespaces are listed (or refused), the tree cannot know whether to fall back.
    const nsPending = !this.fallback && !!this.namespaces && !this.namespaces.hasSynced(Resources.namespaces) && this.namespaces.kindState(Resources.namespaces)?.state !== 'stale';
    if (pending.length || nsPending) {
      const failing = pending.find((k) => k.s?.state === 'stale');
      if (failing) {
        const f = failing.s!.reason!;
        this.setState({ phase: 'failed', issue: { kind: f.kind, message: f.message, action: actionFor(f.kind) }, ...fallback });
      } else if (this.current.phase !== 'loading' || this.current.fallback !== this.fallback) this.setState({ phase: 'loading', ...fallback });
      return;
    }
    const stale = kinds.find((k) => k.s?.state === 'stale' && !forbidden.includes(k))?.s?.reason;
    const consumers = this.consumerCache;
    const unreadable = consumers ? CONSUMER_TYPES.flatMap((t) => {
      const r = consumers.kindState(t)?.state === 'stale' ? consumers.kindState(t)?.reason : undefined;
      return r ? [{ resource: qualifiedResource(t), message: r.message, ...(r.status !== undefined ? { status: r.status } : {}) }] : [];
    }) : [];
    this.setState({
      phase: 'ready',
      ...fallback,
      ...(podsPending ? { podsPending: true as const } : {}),
      ...(stale ? { stale: { ...stale, action: actionFor(stale.kind) } } : {}),
      ...(forbidden.length ? { forbidden: forbidden.map((k) => ({ resource: qualifiedResource(k.t), message: k.s!.reason!.message })) } : {}),
      ...(unreadable.length ? { consumersUnreadable: unreadable } : {}),
    });
  }

  private setState(s: LiveState): void {
    const before = JSON.stringify(this.current);
    this.current = s;
    if (s.phase !== 'loading') for (const w of this.paintWaiters.splice(0)) w();
    if (settled(s)) for (const w of this.readyWaiters.splice(0)) w();
    if (JSON.stringify(s) !== before) this.emit({});
  }

  private emit(e: LiveChange): void {
    // Whatever the tree redraws for, the consumers' states are worked out again (they read every cache).
    this.consumerModel?.invalidate();
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log.error(bugMessage('a tree listener failed', err));
      }
    }
  }
}

/** Nothing more to wait for: everything listed, or a failure (a failure retries on its own). */
function settled(s: LiveState): boolean {
  return s.phase !== 'loading' && !(s.phase === 'ready' && s.podsPending);
}

function actionFor(kind: KubeFailureKind): TreeAction {
  return kind === 'unauthorized' || kind === 'exec-plugin' ? 'sign-in' : 'retry';
}
