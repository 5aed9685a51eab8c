// The fake cluster's object store: etcd plus the bits of the API server's registry that
// every write goes through (uid, creationTimestamp, a cluster-wide resourceVersion,
// metadata.generation), an ordered change feed for watches and controllers, and a bounded
// history so that a watch from a too-old resourceVersion gets 410 Gone like on AKS.
//
// Objects are copied in and out: callers never hold a reference into the store.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { applyPatch, type PatchType } from './patch';
import { crdTypes, qualifiedName, RESOURCES, resolveResource, resourceForObject, type ResourceType } from './resources';
import { alreadyExists, badRequest, conflict, notFound } from './status';


export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: any;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED (watches use it to turn a selector exit into DELETED). */
  oldObject?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreOptions {
  /** How many change events to keep for watches that resume from a resourceVersion. */
  historyLimit?: number;
  /** The first resourceVersion handed out (real clusters are far from 1). */
  initialResourceVersion?: number;
}

/** Which objects of a kind a page holds (see Store.page). */
export interface PageOptions {
  namespace?: string;
  /** Sees the stored object: it must only read it. */
  match?: (o: KubeObject) => boolean;
  /** The `namespace/name` key the page starts after (a continue token's). */
  after?: string;
  /** 0 or absent: all. */
  limit?: number;
}

/** A kind (`Deployment`), plural (`deployments`) or short name (`deploy`). */
export type KindRef = string | ResourceType;

export interface LogEntry {
  /** RFC 3339 time the kubelet stamped on the line. */
  time: string;
  text: string;
}

const clone = <T>(v: T): T => structuredClone(v);

/** Everything but metadata and status: what bumps generation. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export class Store {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  /** A stored object's JSON as a list item; stored objects are replaced, never changed, so it never goes stale. */
  private readonly itemJson = new WeakMap<KubeObject, Buffer>();
  /** Per bucket, its keys in byte order; dropped when a key comes or goes (an update keeps it). */
  private readonly sortedKeys = new Map<Map<string, KubeObject>, string[]>();
  private readonly listeners = new Set<StoreListener>();
  private readonly history: StoreEvent[] = [];
  private readonly historyLimit: number;
  private rv: number;
  /** The newest resourceVersion dropped from the history: watches from before it are 410. */
  private compactedAt: number;
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;
  private readonly logs = new Map<string, LogEntry[]>();
  private readonly logFollowers = new Map<string, Set<(e: LogEntry) => void>>();

  constructor(opts: StoreOptions = {}) {
    this.historyLimit = opts.historyLimit ?? 1000;
    this.rv = opts.initialResourceVersion ?? 1000;
    this.compactedAt = this.rv;
  }

  /** The current cluster-wide resourceVersion (what a list returns). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Per stored CRD (by name), its resourceVersion and the types it defines: kept while it is unchanged, so a type stays the same object. */
  private readonly crdCache = new Map<string, { rv: string | undefined; types: ResourceType[] }>();
  private typesCache: readonly ResourceType[] | undefined;

  /**
   * The types this cluster serves: the built-in ones and those of its CustomResourceDefinitions,
   * as on a real API server (a cluster without a project's CRDs answers 404 for its paths).
   */
  types(): readonly ResourceType[] {
    if (this.typesCache) return this.typesCache;
    const crds = [...this.bucket(RESOURCES.find((r) => r.kind === 'CustomResourceDefinition')!).values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const custom: ResourceType[] = [];
    const seen = new Set<string>();
    for (const crd of crds) {
      seen.add(crd.metadata.name);
      let c = this.crdCache.get(crd.metadata.name);
      if (!c || c.rv !== crd.metadata.resourceVersion) this.crdCache.set(crd.metadata.name, (c = { rv: crd.metadata.resourceVersion, types: crdTypes(crd) }));
      custom.push(...c.types);
    }
    for (const k of [...this.crdCache.keys()]) if (!seen.has(k)) this.crdCache.delete(k);
    return (this.typesCache = [...RESOURCES, ...custom]);
  }

  resource(kind: KindRef): ResourceType {
    if (typeof kind !== 'string') return kind;
    const r = resolveResource(kind, this.types());
    if (!r) throw new Error(`fake-kube: unknown resource ${kind}`);
    return r;
  }

  private bucket(r: ResourceType): Map<string, KubeObject> {
    const key = qualifiedName(r);
    let b = this.objects.get(key);
    if (!b) this.objects.set(key, (b = new Map()));
    return b;
  }

  private static key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  get(kind: KindRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const r = this.resource(kind);
    const o = this.bucket(r).get(Store.key(r.namespaced ? namespace : undefined, name));
    return o && clone(o);
  }

  /** Objects of a kind, in one namespace or all, sorted by namespace then name (etcd key order). */
  list(kind: KindRef, namespace?: string): KubeObject[] {
    return this.page(kind, namespace === undefined ? {} : { namespace }).items;
  }

  /**
   * One page of a list, in key order (`namespace/name`, byte order, as continue tokens compare
   * them): the objects of a kind in one namespace or all, after the key `after`, that `match`
   * accepts, at most `limit` of them (0: all). Only the page is copied, so paging through a
   * large kind costs a page, not the whole kind, per request. `remaining`: how many more match;
   * `last`: the key of the page's last object.
   */
  page(kind: KindRef, opts: PageOptions): { items: KubeObject[]; remaining: number; last?: string } {
    return this.scan(kind, opts, clone);
  }

  /**
   * The same page as the UTF-8 JSON of each object as a list response's item (no kind and
   * apiVersion), made once per stored version of an object: a list of 15,000 pods is then mostly
   * copying bytes, not 15,000 copies, serializations and encodings per request.
   */
  pageJson(kind: KindRef, opts: PageOptions): { items: Buffer[]; remaining: number; last?: string } {
    return this.scan(kind, opts, (o) => {
      let bytes = this.itemJson.get(o);
      if (bytes === undefined) {
        const { kind: _k, apiVersion: _a, ...item } = o;
        this.itemJson.set(o, (bytes = Buffer.from(JSON.stringify(item))));
      }
      return bytes;
    });
  }

  private scan<T>(kind: KindRef, opts: PageOptions, out: (stored: KubeObject) => T): { items: T[]; remaining: number; last?: string } {
    const r = this.resource(kind);
    const b = this.bucket(r);
    // Cluster-scoped objects are in no namespace.
    if (!r.namespaced && opts.namespace !== undefined) return { items: [], remaining: 0 };
    const keys = this.keysOf(b);
    // A namespace's keys are contiguous: from `ns/` up to the first key past that prefix.
    const prefix = r.namespaced && opts.namespace !== undefined ? `${opts.namespace}/` : '';
    let i = lowerBound(keys, prefix);
    if (opts.after !== undefined && opts.after >= prefix) i = upperBound(keys, opts.after);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    // Where the namespace's keys end: `ns0` sorts right after every `ns/…` key.
    const end = prefix ? lowerBound(keys, `${prefix.slice(0, -1)}0`) : keys.length;
    const items: T[] = [];
    let remaining = 0;
    let last: string | undefined;
    for (; i < end; i++) {
      const k = keys[i]!;
      const o = b.get(k)!;
      // The matcher sees the stored object: it must only read it.
      if (opts.match && !opts.match(o)) continue;
      if (items.length >= limit) {
        // Without a matcher the rest all count: no need to visit them.
        if (!opts.match) {
          remaining = end - i;
          break;
        }
        remaining++;
        continue;
      }
      items.push(out(o));
      last = k;
    }
    return { items, remaining, ...(last !== undefined ? { last } : {}) };
  }

  private keysOf(b: Map<string, KubeObject>): string[] {
    let keys = this.sortedKeys.get(b);
    if (!keys) this.sortedKeys.set(b, (keys = [...b.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))));
    return keys;
  }

  /** Every object of every kind (for dumps and tests). */
  all(): KubeObject[] {
    return [...this.objects.values()].flatMap((b) => [...b.values()].map(clone));
  }

  /**
   * Fill in what the API server sets on create. Pure: nothing is stored (dry runs use it).
   * Given uid/creationTimestamp/generation are kept, so fixtures stay as written.
   */
  prepareCreate(obj: KubeObject): KubeObject {
    const r = this.typeOf(obj);
    const o = clone(obj);
    o.metadata ??= { name: '' };
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomSuffix();
    if (!o.metadata.name) throw badRequest('resource name may not be empty');
    if (!r.namespaced) delete o.metadata.namespace;
    else o.metadata.namespace ||= 'default';
    o.metadata.uid ||= randomUUID();
    o.metadata.creationTimestamp ||= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (r.hasGeneration) o.metadata.generation ||= 1;
    delete o.metadata.resourceVersion;
    return o;
  }

  create(obj: KubeObject): KubeObject {
    const r = this.typeOf(obj);
    const o = this.prepareCreate(obj);
    const b = this.bucket(r);
    const key = Store.key(o.metadata.namespace, o.metadata.name);
    if (b.has(key)) throw alreadyExists(r, o.metadata.name);
    o.metadata.resourceVersion = String(++this.rv);
    b.set(key, o);
    this.sortedKeys.delete(b);
    this.emit({ type: 'ADDED', resource: r, object: clone(o), resourceVersion: this.rv });
    return clone(o);
  }

  /**
   * What an update would store, without storing it: checks the resourceVersion precondition
   * (when the new object carries one), keeps uid and creationTimestamp, bumps generation.
   */
  prepareUpdate(obj: KubeObject, opts: { checkResourceVersion?: boolean } = {}): { next: KubeObject; old: KubeObject; changed: boolean } {
    const r = this.typeOf(obj);
    const ns = r.namespaced ? obj.metadata.namespace || 'default' : undefined;
    const old = this.bucket(r).get(Store.key(ns, obj.metadata.name));
    if (!old) throw notFound(r, obj.metadata.name);
    const check = opts.checkResourceVersion ?? true;
    if (check && obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(r, obj.metadata.name);
    const next = clone(obj);
    next.metadata.namespace = ns;
    if (!r.namespaced) delete next.metadata.namespace;
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (r.hasGeneration) {
      next.metadata.generation = old.metadata.generation ?? 1;
      if (!isDeepStrictEqual(specOf(old), specOf(next))) next.metadata.generation += 1;
    }
    return { next, old: clone(old), changed: !isDeepStrictEqual(old, next) };
  }

  /** Replace an existing object. A stale metadata.resourceVersion is a 409 Conflict. */
  update(obj: KubeObject, opts: { checkResourceVersion?: boolean } = {}): KubeObject {
    const { next, old, changed } = this.prepareUpdate(obj, opts);
    // A no-op update keeps the resourceVersion and emits nothing, as on a real server.
    if (!changed) return clone(next);
    const r = this.typeOf(next);
    next.metadata.resourceVersion = String(++this.rv);
    this.bucket(r).set(Store.key(next.metadata.namespace, next.metadata.name), next);
    this.emit({ type: 'MODIFIED', resource: r, object: clone(next), oldObject: old, resourceVersion: this.rv });
    return clone(next);
  }

  /** Create or replace, ignoring resourceVersion: for fixtures, scenarios and tests. */
  put(obj: KubeObject): KubeObject {
    const r = this.typeOf(obj);
    const ns = r.namespaced ? obj.metadata.namespace || 'default' : undefined;
    return this.bucket(r).has(Store.key(ns, obj.metadata.name)) ? this.update(obj, { checkResourceVersion: false }) : this.create(obj);
  }

  /** Patch an object in place (merge patch by default). */
  patch(kind: KindRef, namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge'): KubeObject {
    const r = this.resource(kind);
    const cur = this.get(r, namespace, name);
    if (!cur) throw notFound(r, name);
    const next = applyPatch(cur, patch, type) as KubeObject;
    next.metadata.name = name;
    if (r.namespaced) next.metadata.namespace = cur.metadata.namespace;
    return this.update(next);
  }

  delete(kind: KindRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const r = this.resource(kind);
    const b = this.bucket(r);
    const key = Store.key(r.namespaced ? namespace : undefined, name);
    const old = b.get(key);
    if (!old) return undefined;
    b.delete(key);
    this.sortedKeys.delete(b);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', resource: r, object: clone(gone), oldObject: clone(old), resourceVersion: this.rv });
    return gone;
  }

  /** Receive every change, in order. Writes made by a listener are delivered after the current event. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events after `resourceVersion`, or `undefined` when the history no longer reaches back
   * that far (the caller answers 410 Gone).
   */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.compactedAt) return undefined;
    // Copies of the objects, but the same resource type: watchers compare types by identity.
    return this.history.filter((e) => e.resourceVersion > resourceVersion).map((e) => ({ ...clone(e), resource: e.resource }));
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResourceVersion(): number {
    return this.compactedAt;
  }

  /** Forget the whole history, as an etcd compaction does: older watches get 410. */
  compact(): void {
    this.history.length = 0;
    this.compactedAt = this.rv;
  }

  private typeOf(obj: KubeObject): ResourceType {
    if (!obj || typeof obj !== 'object' || !obj.metadata) throw badRequest('Object has no metadata');
    const r = resourceForObject(obj.apiVersion, obj.kind, this.types());
    if (!r) throw badRequest(`no kind "${obj.kind}" is registered for version "${obj.apiVersion}"`);
    return r;
  }

  private emit(ev: StoreEvent): void {
    if (ev.resource.kind === 'CustomResourceDefinition' && ev.resource.group === 'apiextensions.k8s.io') this.typesCache = undefined;
    this.history.push(ev);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedAt = dropped[dropped.length - 1]!.resourceVersion;
    }
    this.queue.push(ev);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.queue.length) {
        const e = this.queue.shift()!;
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (err) {
            // A broken listener (a watch whose socket died) must not stop the others.
            console.error('fake-kube: store listener failed', err);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  // ---- Container logs (kept beside the objects, as the kubelet keeps them beside the pods) --

  private static logKey(namespace: string, pod: string, container: string, previous: boolean): string {
    return `${namespace}/${pod}/${container}${previous ? '/previous' : ''}`;
  }

  /**
   * Set a container's log. A string is split into lines stamped one second apart, ending
   * `endTime` (default: now).
   */
  setLog(namespace: string, pod: string, container: string, log: string | LogEntry[], opts: { previous?: boolean; endTime?: Date } = {}): void {
    let entries: LogEntry[];
    if (typeof log === 'string') {
      const lines = log.replace(/\n$/, '').split('\n');
      const end = (opts.endTime ?? new Date()).getTime();
      entries = lines.map((text, i) => ({ time: new Date(end - (lines.length - 1 - i) * 1000).toISOString(), text }));
    } else entries = clone(log);
    this.logs.set(Store.logKey(namespace, pod, container, !!opts.previous), entries);
  }

  getLog(namespace: string, pod: string, container: string, previous = false): LogEntry[] | undefined {
    const l = this.logs.get(Store.logKey(namespace, pod, container, previous));
    return l && clone(l);
  }

  /** Append a line to a running container's log; `kubectl logs -f` followers receive it. */
  appendLog(namespace: string, pod: string, container: string, text: string): void {
    const key = Store.logKey(namespace, pod, container, false);
    const entry = { time: new Date().toISOString(), text };
    const l = this.logs.get(key) ?? [];
    l.push(entry);
    this.logs.set(key, l);
    for (const f of this.logFollowers.get(key) ?? []) f(entry);
  }

  followLog(namespace: string, pod: string, container: string, onLine: (e: LogEntry) => void): () => void {
    const key = Store.logKey(namespace, pod, container, false);
    let set = this.logFollowers.get(key);
    if (!set) this.logFollowers.set(key, (set = new Set()));
    set.add(onLine);
    return () => set.delete(onLine);
  }
}

/** The first index whose key is >= `key` (keys sorted in byte order). */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose key is > `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5 characters generateName appends (the API server's alphabet: no vowels, no 0/1/3). */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}
