// A live cache of cluster objects kept current by list + watch (an informer), for the sidebar
// tree of workloads. Per kind: one cluster-wide paginated list, then a watch from the list's
// resourceVersion; a dropped watch resumes from the last resourceVersion seen (events and
// bookmarks advance it) after an exponential, capped backoff; 410 Gone (an HTTP answer or an
// ERROR event with code 410) means the history is gone, so the kind is listed again and the
// difference reported. Changes are coalesced into one notification per batch window.
//
// No `vscode` here: the view layer subscribes with onDidChange / onDidChangeState. The wire (list
// pages parsed as they arrive, watch streams) is watch-source.ts's; this file only keeps the cache.
// A listener that throws is told to the `log` option's Logger, never to the console.
//
//   const source = new KubeWatchSource(kc, identity);   // watch-source.ts
//   const cache = new ResourceCache(source, [Resources.deployments, Resources.pods]);
//   cache.onDidChange((b) => refresh(b.keys));
//   cache.start();
//   ...
//   cache.stop();

import { setMaxListeners } from 'node:events';
import { bugMessage, silentLogger, type Logger } from '../util/log';
import { objectKey, slim, type CacheState, type CacheStats, type ChangeBatch, type ChangeType, type ResourceCacheOptions, type StaleReason } from './informer-types';
import type { KubeFailure, KubeObject, ResourceType } from './types';
import type { WatchEvent, WatchSource } from './watch-source';

export { objectKey, slim, type CacheState, type CacheStats, type ChangeBatch, type ChangeType, type ResourceCacheOptions, type StaleReason, type SyncState } from './informer-types';

// ---- The cache ----------------------------------------------------------------------------------

type Listener<T> = (value: T) => void;

function emitTo<T>(listeners: Set<Listener<T>>, value: T, log: Logger): void {
  for (const l of [...listeners]) {
    try {
      l(value);
    } catch (e) {
      log.error(bugMessage('a cache listener failed', e));
    }
  }
}

/** One kind's list + watch loop. */
class KindInformer {
  readonly objects = new Map<string, KubeObject>();
  resourceVersion = '';
  state: CacheState = { state: 'syncing' };
  /** A complete list has been received at least once. */
  listed = false;
  /** An optional kind the cluster does not serve in any version (404): listed as empty, not watched. */
  absent = false;
  /** The version being listed and watched: the first type, or an older one of an optional kind. */
  type: ResourceType;
  private backoffMs = 0;

  constructor(
    readonly requested: ResourceType,
    private readonly cache: ResourceCache,
    private readonly source: WatchSource,
    private readonly opts: ResourceCache['opts'],
    private readonly signal: AbortSignal,
  ) {
    this.type = requested;
  }

  private key(o: KubeObject): string {
    return objectKey(this.type, o.metadata.namespace, o.metadata.name);
  }

  private keep(o: KubeObject): KubeObject {
    const slimmed = slim(o);
    return this.opts.keep ? this.opts.keep(this.type, slimmed) : slimmed;
  }

  private get metadataOnly(): boolean {
    return this.opts.metadataOnly?.(this.type) ?? false;
  }

  /** The namespace scope of a namespaced kind; cluster-scoped kinds are always listed whole. */
  private get namespace(): string | undefined {
    return this.type.namespaced ? this.opts.namespace : undefined;
  }

  private setState(s: CacheState): void {
    if (s.state === this.state.state && s.reason?.message === this.state.reason?.message) return;
    this.state = s;
    this.cache.kindStateChanged();
  }

  private fail(f: KubeFailure): void {
    const since = this.state.state === 'stale' && this.state.reason ? this.state.reason.since : Date.now();
    const reason: StaleReason = { kind: f.kind, message: f.message, since };
    if (f.verb) reason.verb = f.verb;
    if (f.resource) reason.resource = f.resource;
    if (f.status !== undefined) reason.status = f.status;
    this.setState({ state: 'stale', reason });
  }

  private async wait(): Promise<boolean> {
    this.backoffMs = this.backoffMs ? Math.min(this.opts.maxBackoffMs, this.backoffMs * 2) : this.opts.initialBackoffMs;
    const ms = Math.min(this.opts.maxBackoffMs, this.backoffMs * (1 + this.opts.jitter * Math.random()));
    this.cache.stats.retries++;
    return this.cache.delay(ms);
  }

  /**
   * Replace everything with a fresh list; report the difference. The first list is announced by
   * the kind's state becoming synced, not as thousands of additions that would make every
   * listener redo what it just did.
   */
  private replace(items: KubeObject[]): void {
    // The items are kept already: the source ran keep() on each as its page arrived (running it
    // again would make a second copy of every object, the first one garbage only after the whole
    // list, when it has long been promoted to the old generation).
    if (!this.listed) {
      this.objects.clear();
      for (const o of items) this.objects.set(this.key(o), o);
      return;
    }
    const next = new Map<string, KubeObject>();
    for (const o of items) next.set(this.key(o), o);
    for (const [k, o] of this.objects) {
      if (!next.has(k)) this.cache.changed(k, 'deleted');
      else if (next.get(k)!.metadata.resourceVersion !== o.metadata.resourceVersion) this.cache.changed(k, 'modified');
    }
    for (const k of next.keys()) if (!this.objects.has(k)) this.cache.changed(k, 'added');
    this.objects.clear();
    for (const [k, o] of next) this.objects.set(k, o);
  }

  private apply(e: WatchEvent): void {
    const rv = e.object.metadata.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return;
    const k = this.key(e.object);
    if (e.type === 'DELETED') {
      if (this.objects.delete(k)) this.cache.changed(k, 'deleted');
      return;
    }
    const had = this.objects.get(k);
    if (had && had.metadata.resourceVersion === rv) return;
    this.objects.set(k, this.keep(e.object));
    this.cache.changed(k, had ? 'modified' : 'added');
  }

  /**
   * One complete list into the cache. Its own frame, so the list's items are garbage once kept:
   * awaited inline in run(), the result would stay alive through every watch that follows.
   */
  private async listOnce(): Promise<boolean> {
    const r = await this.source.list(this.type, { limit: this.opts.pageSize, ...(this.namespace ? { namespace: this.namespace } : {}), keep: (o) => this.keep(o), ...(this.metadataOnly ? { metadataOnly: true } : {}) }, this.signal);
    if (this.signal.aborted) return false;
    if (!r.ok) {
      // An optional kind not served in this version: the next one, or absent — never stale.
      if (!this.notServed(r.failure.status)) this.fail(r.failure);
      return false;
    }
    this.replace(r.value.items);
    this.listed = true;
    this.resourceVersion = r.value.resourceVersion;
    return true;
  }

  /**
   * For an optional kind whose list answered 404: switch to the next older version (the loop lists
   * it at once), or, with none left, make the kind absent — listed, empty, synced — and end the
   * loop. False for anything else.
   */
  private notServed(status: number | undefined): boolean {
    const older = this.opts.optional?.(this.requested);
    if (!older || status !== 404) return false;
    const next = older[older.indexOf(this.type) + 1];
    if (next) {
      this.type = next;
      return true;
    }
    this.absent = true;
    // Gone with its CRD: what was shown is deleted (a first list had shown nothing).
    if (this.listed) for (const k of this.objects.keys()) this.cache.changed(k, 'deleted');
    this.listed = true;
    this.objects.clear();
    this.setState({ state: 'synced' });
    return true;
  }

  /** An optional kind refused (403): the answer will not change by asking again; Refresh asks again. */
  private get refused(): boolean {
    return !!this.opts.optional?.(this.requested) && this.state.reason?.status === 403;
  }

  async run(): Promise<void> {
    if (this.opts.listLast?.(this.type) && !(await this.cache.othersListed(this))) return;
    let needList = true;
    while (!this.signal.aborted) {
      if (needList) {
        if (this.state.state !== 'stale') this.setState({ state: 'syncing' });
        this.cache.stats.lists++;
        const listed = await this.listOnce();
        if (this.signal.aborted) return;
        if (!listed) {
          if (this.absent || this.refused) return;
          // Another version to try (notServed switched to it): at once.
          if (this.state.state !== 'stale') continue;
          if (!(await this.wait())) return;
          continue;
        }
        needList = false;
        this.backoffMs = 0;
        this.setState({ state: 'synced' });
      }
      const started = Date.now();
      let opened = false;
      this.cache.stats.watches++;
      const r = await this.source.watch(this.type, this.resourceVersion, (e) => this.apply(e), this.signal, () => {
        opened = true;
        this.backoffMs = 0;
        this.setState({ state: 'synced' });
      }, this.namespace, this.metadataOnly);
      if (this.signal.aborted) return;
      if (!r.ok) {
        if (r.failure.status === 410) {
          // The history no longer reaches back to our resourceVersion: list again.
          this.cache.stats.relists++;
          needList = true;
          continue;
        }
        // An optional kind's watch answering 404: its CRD went away; the list says so (absent).
        if (r.failure.status === 404 && this.opts.optional?.(this.requested)) needList = true;
        else this.fail(r.failure);
        if (!(await this.wait())) return;
        continue;
      }
      // A clean end (timeoutSeconds, a server going away politely): resume at once, unless it came suspiciously fast.
      if (!opened || Date.now() - started < this.opts.minWatchMs) {
        if (!(await this.wait())) return;
      }
    }
  }
}

/**
 * Objects of several kinds, cluster-wide, kept current by list + watch. `state` is the worst
 * of the kinds' states (stale > syncing > synced), with the first stale kind's reason.
 */
export class ResourceCache {
  readonly stats: CacheStats = { lists: 0, watches: 0, relists: 0, retries: 0 };
  private readonly informers: KindInformer[];
  private readonly controller = new AbortController();
  private readonly changeListeners = new Set<Listener<ChangeBatch>>();
  private readonly stateListeners = new Set<Listener<CacheState>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending = new Map<string, ChangeType>();
  private batchTimer: NodeJS.Timeout | undefined;
  private lastState: CacheState = { state: 'syncing' };
  private started = false;
  private running: Promise<void> | undefined;
  private readonly opts: Required<Omit<ResourceCacheOptions, 'namespace' | 'keep' | 'metadataOnly' | 'listLast' | 'optional'>> & Pick<ResourceCacheOptions, 'namespace' | 'keep' | 'metadataOnly' | 'listLast' | 'optional'>;
  /** Waiting for the first kinds to be listed (or to fail): the listLast kinds. */
  private firstListed: (() => void)[] = [];

  constructor(
    private readonly source: WatchSource,
    types: readonly ResourceType[],
    options: ResourceCacheOptions = {},
  ) {
    this.opts = {
      pageSize: options.pageSize ?? 500,
      batchMs: options.batchMs ?? 100,
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      jitter: options.jitter ?? 0.2,
      minWatchMs: options.minWatchMs ?? 1000,
      namespace: options.namespace,
      keep: options.keep,
      metadataOnly: options.metadataOnly,
      listLast: options.listLast,
      optional: options.optional,
      log: options.log ?? silentLogger,
    };
    // Every kind's list, watch and backoff wait listens on this one signal: a dozen kinds (the
    // consumer kinds, each with older versions to try) pass Node's default of 10 listeners, and its
    // "possible memory leak" warning would reach the user's terminal. A bound, not unlimited.
    setMaxListeners(Math.max(10, types.length * 4), this.controller.signal);
    this.informers = types.map((t) => new KindInformer(t, this, source, this.opts, this.controller.signal));
  }

  /** HTTP requests the source has sent. */
  get requestCount(): number {
    return this.source.requestCount;
  }

  /** Changes recorded but not yet notified (the batch window is open). */
  get pendingChanges(): number {
    return this.pending.size;
  }

  get state(): CacheState {
    return this.lastState;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** The state of one kind. */
  kindState(type: ResourceType): CacheState | undefined {
    return this.informer(type)?.state;
  }

  /** The last resourceVersion seen for a kind (list, event or bookmark). */
  resourceVersion(type: ResourceType): string | undefined {
    return this.informer(type)?.resourceVersion;
  }

  /** Begin listing and watching every kind. Idempotent. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.running = Promise.all(this.informers.map((i) => i.run().catch((e) => this.opts.log.error(bugMessage('informer failed', e))))).then(() => undefined);
  }

  /** End every watch, cancel every wait and pending notification. Resolves when the loops have returned. */
  async stop(): Promise<void> {
    this.controller.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.pending.clear();
    await this.running;
  }

  onDidChange(listener: Listener<ChangeBatch>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called whenever a kind's state changes, with the cache's (aggregate) state, which may be the same as before. */
  onDidChangeState(listener: Listener<CacheState>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  get<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): T | undefined {
    return this.informer(type)?.objects.get(objectKey(type, namespace, name)) as T | undefined;
  }

  getByKey<T extends KubeObject = KubeObject>(key: string): T | undefined {
    for (const i of this.informers) {
      const o = i.objects.get(key);
      if (o) return o as T;
    }
    return undefined;
  }

  /** The cached objects of a kind, unsorted (cheap: no copy is sorted). */
  values<T extends KubeObject = KubeObject>(type: ResourceType): IterableIterator<T> {
    return (this.informer(type)?.objects.values() ?? new Map<string, KubeObject>().values()) as IterableIterator<T>;
  }

  /** An optional kind the cluster serves in no version (a CRD not installed): see ResourceCacheOptions.optional. */
  absent(type: ResourceType): boolean {
    return this.informer(type)?.absent ?? false;
  }

  /** The version of a kind being listed and watched (an optional kind may fall back to an older one). */
  servedType(type: ResourceType): ResourceType | undefined {
    const i = this.informer(type);
    return i && !i.absent ? i.type : undefined;
  }

  /** Whether a kind has been listed completely at least once (its objects are known, even if stale now). */
  hasSynced(type: ResourceType): boolean {
    return this.informer(type)?.listed ?? false;
  }

  /** The cached objects of a kind, in one namespace or all, sorted by namespace then name. */
  list<T extends KubeObject = KubeObject>(type: ResourceType, namespace?: string): T[] {
    const all = [...(this.informer(type)?.objects.values() ?? [])].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    const k = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    return all.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0)) as T[];
  }

  private informer(type: ResourceType): KindInformer | undefined {
    return this.informers.find((i) => i.requested.group === type.group && i.requested.plural === type.plural);
  }

  // ---- For the informers ----

  /** @internal Record a change; listeners get it in the next batch. */
  changed(key: string, change: ChangeType): void {
    if (this.stopped) return;
    const before = this.pending.get(key);
    // added + modified = added; added + deleted = gone again, reported as deleted (the tree may have drawn nothing).
    this.pending.set(key, before === 'added' && change === 'modified' ? 'added' : change);
    this.batchTimer ??= setTimeout(() => this.flush(), this.opts.batchMs);
  }

  private flush(): void {
    this.batchTimer = undefined;
    if (!this.pending.size || this.stopped) return;
    const changes = this.pending;
    this.pending = new Map();
    emitTo(this.changeListeners, { keys: new Set(changes.keys()), changes }, this.opts.log);
  }

  /** @internal */
  kindStateChanged(): void {
    if (this.firstListed.length && this.informers.every((i) => this.opts.listLast?.(i.type) || i.listed || i.state.state === 'stale')) for (const w of this.firstListed.splice(0)) w();
    const states = this.informers.map((i) => i.state);
    const stale = states.find((s) => s.state === 'stale');
    const next: CacheState = stale ?? (states.some((s) => s.state === 'syncing') ? { state: 'syncing' } : { state: 'synced' });
    // Notified even when the aggregate stays the same (one kind stale while another finishes its list):
    // listeners that read kindState()/hasSynced() per kind must hear of it.
    this.lastState = next;
    emitTo(this.stateListeners, next, this.opts.log);
  }

  /** @internal Resolves true once every kind but the listLast ones is listed or failing; false if the cache stopped first. */
  othersListed(me: KindInformer): Promise<boolean> {
    const first = this.informers.filter((i) => i !== me && !this.opts.listLast?.(i.type));
    if (first.every((i) => i.listed || i.state.state === 'stale')) return Promise.resolve(!this.stopped);
    const signal = this.controller.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = (): void => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.firstListed.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(!signal.aborted);
      });
    });
  }

  /** @internal Waits ms; false if the cache stopped first. The timer is cleared by stop(). */
  delay(ms: number): Promise<boolean> {
    const signal = this.controller.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => {
        this.timers.delete(t);
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      this.timers.add(t);
      const onAbort = (): void => {
        clearTimeout(t);
        this.timers.delete(t);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
