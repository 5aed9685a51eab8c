// A live cache of cluster objects kept current by list + watch (an informer), for the sidebar
// tree of workloads. Per kind: one cluster-wide paginated list, then a watch from the list's
// resourceVersion; a dropped watch resumes from the last resourceVersion seen (events and
// bookmarks advance it) after an exponential, capped backoff; 410 Gone (an HTTP answer or an
// ERROR event with code 410) means the history is gone, so the kind is listed again and the
// difference reported. Changes are coalesced into one notification per batch window.
//
// No `vscode` here: the view layer subscribes with onDidChange / onDidChangeState.
//
//   const source = new KubeWatchSource(kc, identity);
//   const cache = new ResourceCache(source, [Resources.deployments, Resources.pods]);
//   cache.onDidChange((b) => refresh(b.keys));
//   cache.start();
//   ...
//   cache.stop();

import * as http from 'node:http';
import * as https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { requestOptions, sendRequest } from './client';
import { ListBody } from './list-body';
import { cancelledFailure, httpFailure, networkFailure, timeoutFailure, type RequestDescription, type StatusBody } from './failures';
import { qualifiedResource, resourcePath } from './resources';
import { displayUrl } from '../util/url';
import { logBug } from '../util/terminal';
import { err, ok, type ClusterIdentity, type KubeFailure, type KubeFailureKind, type KubeObject, type KubeResult, type ResourceType } from './types';

// ---- The wire: list and watch ----------------------------------------------------------------

/** A watch event as the API server streams it. ERROR events never reach callers (see watchStream). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
}

export interface ListSnapshot {
  items: KubeObject[];
  /** The list's resourceVersion: where a watch starts. */
  resourceVersion: string;
}

/** What an informer needs from the cluster. KubeWatchSource is the real one; tests may fake it. */
export interface WatchSource {
  /** HTTP requests sent so far. */
  readonly requestCount: number;
  /** A complete list (following `continue`), cluster-wide or of one namespace, with its resourceVersion. */
  list(type: ResourceType, opts: { limit?: number; namespace?: string; keep?: (o: KubeObject) => KubeObject }, signal?: AbortSignal): Promise<KubeResult<ListSnapshot>>;
  /**
   * Watch from `resourceVersion` until the stream ends. Resolves ok when the server (or the
   * client-side deadline) ends it cleanly, or a failure; `failure.status === 410` means the
   * resourceVersion is too old and the caller must list again. `onOpen` runs once the server
   * has accepted the watch (200).
   */
  watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string): Promise<KubeResult<void>>;
}

export interface WatchStreamOptions {
  /** For messages: what was attempted. Default { verb: 'watch', resource: <path> }. */
  description?: RequestDescription;
  /** How long to wait for the response headers. Default 10 s. */
  connectTimeoutMs?: number;
  /** End the stream (cleanly) after this long, in case the connection went silently dead. Default: none. */
  maxDurationMs?: number;
  /** Called once the server answered 200. */
  onOpen?: () => void;
  /** Called when the request is sent (for counting). */
  onRequest?: () => void;
  /** Supplies the keep-alive agent to use in place of client-node's per-call one (see requestOptions). */
  agent?: (fresh: https.Agent) => https.Agent;
  userAgent?: string;
}

/**
 * A streaming GET of `path` (which carries `watch=1` and the rest of the query), with the
 * kubeconfig's authentication exactly as KubeClient applies it. Each newline-delimited JSON
 * event goes to `onEvent`, except ERROR: an ERROR event ends the stream and the promise
 * resolves with its Status as a failure (`status` = the Status code, 410 for Expired).
 * Resolves ok when the stream ends cleanly; never rejects.
 */
export async function watchStream(
  kc: KubeConfig,
  identity: ClusterIdentity,
  path: string,
  signal: AbortSignal,
  onEvent: (e: WatchEvent) => void,
  opts: WatchStreamOptions = {},
): Promise<KubeResult<void>> {
  const d = opts.description ?? { verb: 'watch', resource: path.split('?')[0]! };
  if (signal.aborted) return err(cancelledFailure(d));
  const prepared = await requestOptions(kc, identity, { method: 'GET', accept: 'application/json', userAgent: opts.userAgent, agent: opts.agent });
  if (!prepared.ok) return prepared;
  const reqOpts = prepared.value;
  const url = new URL(identity.server.replace(/\/+$/, '') + path);
  const mod = url.protocol === 'http:' ? http : https;
  if (mod === http) delete reqOpts.agent;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  opts.onRequest?.();
  return new Promise((resolve) => {
    let done = false;
    let req: http.ClientRequest | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: KubeResult<void>): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      req?.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish(err(cancelledFailure(d)));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort(); // aborted while the credentials were being applied
    timers.push(setTimeout(() => finish(err(timeoutFailure(connectTimeoutMs, d, identity.server))), connectTimeoutMs));
    req = mod.request(url, reqOpts, (res) => {
      const status = res.statusCode ?? 0;
      const decoder = new StringDecoder('utf8');
      if (status < 200 || status >= 300) {
        let body = '';
        res.on('data', (c: Buffer) => (body += decoder.write(c)));
        res.on('end', () => finish(err(httpFailure(status, parseStatus(body + decoder.end()), d, identity))));
        res.on('error', (e) => finish(err(networkFailure(e as NodeJS.ErrnoException, d, identity))));
        return;
      }
      clearTimeout(timers.shift());
      if (opts.maxDurationMs) timers.push(setTimeout(() => finish(ok(undefined)), opts.maxDurationMs));
      opts.onOpen?.();
      let buffered = '';
      const line = (text: string): void => {
        if (done || !text.trim()) return;
        let ev: { type?: string; object?: unknown };
        try {
          ev = JSON.parse(text) as typeof ev;
        } catch {
          return finish(err({ kind: 'server', message: `The API server ${displayUrl(identity.server)} sent a watch event that is not JSON while trying to ${d.verb} ${d.resource}.`, verb: d.verb, resource: d.resource }));
        }
        if (ev.type === 'ERROR') {
          const st = (ev.object ?? {}) as StatusBody;
          return finish(err(httpFailure(typeof st.code === 'number' ? st.code : 500, { ...st, kind: 'Status' }, d, identity)));
        }
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED' || ev.type === 'BOOKMARK') {
          const object = ev.object as KubeObject | undefined;
          if (object && typeof object === 'object' && object.metadata) onEvent({ type: ev.type, object });
        }
      };
      res.on('data', (c: Buffer) => {
        buffered += decoder.write(c);
        let nl: number;
        while (!done && (nl = buffered.indexOf('\n')) >= 0) {
          const text = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          line(text);
        }
      });
      res.on('end', () => {
        line(buffered + decoder.end());
        finish(ok(undefined));
      });
      res.on('error', (e) => finish(err(networkFailure(e as NodeJS.ErrnoException, d, identity))));
      res.on('close', () => finish(err(networkFailure(Object.assign(new Error('the watch connection closed'), { code: 'ECONNRESET' }), d, identity))));
    });
    req.on('error', (e) => finish(err(networkFailure(e as NodeJS.ErrnoException, d, identity))));
    req.end();
  });
}

function parseStatus(body: string): StatusBody | undefined {
  try {
    return JSON.parse(body) as StatusBody;
  } catch {
    return undefined;
  }
}

export interface KubeWatchSourceOptions {
  /** Per list request, and to get a watch's response headers. Default 10 s. */
  timeoutMs?: number;
  /** The watch's `timeoutSeconds` (the server ends it then; the informer re-watches). Default 300. */
  watchTimeoutSeconds?: number;
  userAgent?: string;
}

/** The WatchSource over HTTPS with the kubeconfig's credentials. */
export class KubeWatchSource implements WatchSource {
  private count = 0;
  private agent: https.Agent | undefined;
  private readonly timeoutMs: number;
  private readonly watchTimeoutSeconds: number;

  constructor(
    private readonly kc: KubeConfig,
    readonly identity: ClusterIdentity,
    private readonly options: KubeWatchSourceOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
  }

  get requestCount(): number {
    return this.count;
  }

  /** Closes idle keep-alive connections. */
  dispose(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** One keep-alive agent (no socket limit: every watch holds a connection), made from client-node's first one. */
  private readonly keepAlive = (fresh: https.Agent): https.Agent => (this.agent ??= new https.Agent({ ...fresh.options, keepAlive: true }));

  /**
   * `keep` runs on each item as its page arrives (src/cluster/list-body.ts parses a page a network
   * chunk at a time), so a long list never holds a page, let alone every page, of full objects.
   */
  async list(type: ResourceType, opts: { limit?: number; namespace?: string; keep?: (o: KubeObject) => KubeObject }, signal?: AbortSignal): Promise<KubeResult<ListSnapshot>> {
    const d: RequestDescription = { verb: 'list', resource: qualifiedResource(type), ...(opts.namespace ? { namespace: opts.namespace } : {}) };
    // An expired continue token (410) restarts the list from the beginning, once.
    for (let attempt = 1; ; attempt++) {
      const items: KubeObject[] = [];
      let cont: string | undefined;
      let rv = '';
      let expired = false;
      do {
        const q = new URLSearchParams({ limit: String(opts.limit ?? 500) });
        if (cont) q.set('continue', cont);
        const r = await this.getList(`${resourcePath(type, opts.namespace)}?${q}`, d, opts.keep ?? ((o) => o), signal);
        if (!r.ok) {
          if (cont && r.failure.status === 410 && attempt < 2) {
            expired = true;
            break;
          }
          return r;
        }
        for (const o of r.value.items ?? []) items.push(o);
        cont = r.value.metadata?.continue || undefined;
        rv = r.value.metadata?.resourceVersion ?? rv;
      } while (cont);
      if (expired) continue;
      return ok({ items, resourceVersion: rv });
    }
  }

  async watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string): Promise<KubeResult<void>> {
    const q = new URLSearchParams({ watch: '1', resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.watchTimeoutSeconds) });
    return watchStream(this.kc, this.identity, `${resourcePath(type, namespace)}?${q}`, signal, onEvent, {
      description: { verb: 'watch', resource: qualifiedResource(type), ...(namespace ? { namespace } : {}) },
      connectTimeoutMs: this.timeoutMs,
      // A connection that died without a FIN would hang forever: give up a little after the server should have ended it.
      maxDurationMs: this.watchTimeoutSeconds * 1000 + this.timeoutMs,
      agent: this.keepAlive,
      onRequest: () => this.count++,
      ...(onOpen ? { onOpen } : {}),
      ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
    });
  }

  /** One list page, parsed as it arrives, its items through `keep`. */
  private async getList(path: string, d: RequestDescription, keep: (o: KubeObject) => KubeObject, signal?: AbortSignal): Promise<KubeResult<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>> {
    const body = new ListBody((o) => keep(o as KubeObject));
    let broken: string | undefined;
    const r = await sendRequest(this.kc, this.identity, {
      method: 'GET', path, accept: 'application/json', description: d, timeoutMs: this.timeoutMs, agent: this.keepAlive,
      onSend: () => this.count++,
      consume: (chunk) => {
        if (broken !== undefined) return;
        try {
          body.push(chunk);
        } catch (e) {
          broken = (e as Error).message;
        }
      },
      ...(signal ? { signal } : {}),
      ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
    });
    if (!r.ok) return r;
    const { status } = r.value;
    if (status < 200 || status >= 300) return err(httpFailure(status, parseStatus(r.value.body), d, this.identity));
    try {
      if (broken === undefined) return ok(body.end() as { items?: KubeObject[] });
    } catch (e) {
      broken = (e as Error).message;
    }
    return err({ kind: 'server', status, message: `The API server ${displayUrl(this.identity.server)} answered ${d.verb} ${d.resource} with something that is not a JSON list (${broken}): is the kubeconfig pointing at a Kubernetes API server?` });
  }
}

// ---- The cache ---------------------------------------------------------------------------------

export type SyncState = 'syncing' | 'synced' | 'stale';

/** Why the cache is stale: the last failure, in words a user can act on. */
export interface StaleReason {
  kind: KubeFailureKind;
  /** e.g. "Forbidden: you may not watch deployments.apps (403). Ask for a Role that grants ..." */
  message: string;
  /** The verb and resource that failed (`watch`, `deployments.apps`). */
  verb?: string;
  resource?: string;
  status?: number;
  /** When the cache went stale (ms since the epoch). */
  since: number;
}

export interface CacheState {
  state: SyncState;
  /** Only when stale. */
  reason?: StaleReason;
}

export type ChangeType = 'added' | 'modified' | 'deleted';

/** One coalesced notification: every key that changed within the batch window. */
export interface ChangeBatch {
  /** objectKey()s, e.g. `deployments.apps/payments/api`, `namespaces/payments`. */
  keys: Set<string>;
  /** The net change per key over the batch (added then deleted → deleted). */
  changes: Map<string, ChangeType>;
}

export interface CacheStats {
  /** List requests' logical lists (one per kind per (re)list, however many pages). */
  lists: number;
  /** Watches started. */
  watches: number;
  /** Re-lists because of 410 Gone. */
  relists: number;
  /** Reconnects after a failure (each after a backoff). */
  retries: number;
}

export interface ResourceCacheOptions {
  /** Page size of the lists. Default 500. */
  pageSize?: number;
  /** Coalescing window of change notifications. Default 100 ms. */
  batchMs?: number;
  /** First wait after a failure; doubles each time. Default 500 ms. */
  initialBackoffMs?: number;
  /** Cap of the wait. Default 30 s. */
  maxBackoffMs?: number;
  /** Random share added to each wait (0..1). Default 0.2. */
  jitter?: number;
  /** A watch that ends cleanly sooner than this is followed by a backoff wait (no hot loop). Default 1 s. */
  minWatchMs?: number;
  /** List and watch namespaced kinds in this namespace only (when the user may not list them cluster-wide). Default: cluster-wide. */
  namespace?: string;
  /** What to keep of each object (after `slim`): a cache of thousands of pods need not keep their status conditions. */
  keep?: (type: ResourceType, o: KubeObject) => KubeObject;
}

/** `deployments.apps/payments/api`; cluster-scoped: `namespaces/payments`. */
export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${qualifiedResource(type)}/${namespace ?? ''}/${name}` : `${qualifiedResource(type)}/${name}`;
}

type Listener<T> = (value: T) => void;

function emitTo<T>(listeners: Set<Listener<T>>, value: T): void {
  for (const l of [...listeners]) {
    try {
      l(value);
    } catch (e) {
      logBug('a cache listener failed', e);
    }
  }
}

/**
 * What a cache keeps of an object: all of it but `metadata.managedFields` and kubectl's
 * last-applied-configuration annotation (a JSON copy of the whole manifest) — on a real cluster
 * often half of every object's size, and read by nothing here.
 */
export function slim(o: KubeObject): KubeObject {
  const m = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  const lastApplied = m.annotations?.[LAST_APPLIED];
  if (m.managedFields === undefined && lastApplied === undefined) return o;
  const { managedFields: _mf, ...metadata } = m;
  if (lastApplied !== undefined) {
    const { [LAST_APPLIED]: _la, ...annotations } = m.annotations!;
    metadata.annotations = annotations;
  }
  return { ...o, metadata };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** One kind's list + watch loop. */
class KindInformer {
  readonly objects = new Map<string, KubeObject>();
  resourceVersion = '';
  state: CacheState = { state: 'syncing' };
  /** A complete list has been received at least once. */
  listed = false;
  private backoffMs = 0;

  constructor(
    readonly type: ResourceType,
    private readonly cache: ResourceCache,
    private readonly source: WatchSource,
    private readonly opts: ResourceCache['opts'],
    private readonly signal: AbortSignal,
  ) {}

  private key(o: KubeObject): string {
    return objectKey(this.type, o.metadata.namespace, o.metadata.name);
  }

  private keep(o: KubeObject): KubeObject {
    const slimmed = slim(o);
    return this.opts.keep ? this.opts.keep(this.type, slimmed) : slimmed;
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
    const next = new Map<string, KubeObject>();
    for (const o of items) next.set(this.key(o), this.keep(o));
    if (!this.listed) {
      this.objects.clear();
      for (const [k, o] of next) this.objects.set(k, o);
      return;
    }
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
    const r = await this.source.list(this.type, { limit: this.opts.pageSize, ...(this.namespace ? { namespace: this.namespace } : {}), keep: (o) => this.keep(o) }, this.signal);
    if (this.signal.aborted) return false;
    if (!r.ok) {
      this.fail(r.failure);
      return false;
    }
    this.replace(r.value.items);
    this.listed = true;
    this.resourceVersion = r.value.resourceVersion;
    return true;
  }

  async run(): Promise<void> {
    let needList = true;
    while (!this.signal.aborted) {
      if (needList) {
        if (this.state.state !== 'stale') this.setState({ state: 'syncing' });
        this.cache.stats.lists++;
        const listed = await this.listOnce();
        if (this.signal.aborted) return;
        if (!listed) {
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
      }, this.namespace);
      if (this.signal.aborted) return;
      if (!r.ok) {
        if (r.failure.status === 410) {
          // The history no longer reaches back to our resourceVersion: list again.
          this.cache.stats.relists++;
          needList = true;
          continue;
        }
        this.fail(r.failure);
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
  private readonly opts: Required<Omit<ResourceCacheOptions, 'namespace' | 'keep'>> & Pick<ResourceCacheOptions, 'namespace' | 'keep'>;

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
    };
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
    this.running = Promise.all(this.informers.map((i) => i.run().catch((e) => logBug('informer failed', e)))).then(() => undefined);
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
    return this.informers.find((i) => i.type.group === type.group && i.type.plural === type.plural);
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
    emitTo(this.changeListeners, { keys: new Set(changes.keys()), changes });
  }

  /** @internal */
  kindStateChanged(): void {
    const states = this.informers.map((i) => i.state);
    const stale = states.find((s) => s.state === 'stale');
    const next: CacheState = stale ?? (states.some((s) => s.state === 'syncing') ? { state: 'syncing' } : { state: 'synced' });
    // Notified even when the aggregate stays the same (one kind stale while another finishes its list):
    // listeners that read kindState()/hasSynced() per kind must hear of it.
    this.lastState = next;
    emitTo(this.stateListeners, next);
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
