// The wire under the sidebar's informers (informer.ts): a WatchSource lists a kind page by page,
// each page parsed as it arrives (list-body.ts) and its items trimmed at once by the caller's
// `keep`, and watches it as a stream of newline-delimited JSON events. KubeWatchSource is the real
// one, over HTTPS with the kubeconfig's credentials; tests may fake the interface.

import * as http from 'node:http';
import * as https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { requestOptions, sendRequest } from './client';
import { ListBody } from './list-body';
import { cancelledFailure, httpFailure, networkFailure, timeoutFailure, type RequestDescription, type StatusBody } from './failures';
import { qualifiedResource, resourcePath } from './resources';
import { displayUrl } from '../util/url';
import { err, ok, type ClusterIdentity, type KubeObject, type KubeResult, type ResourceType } from './types';

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
  /**
   * A complete list (following `continue`), cluster-wide or of one namespace, with its
   * resourceVersion; every item is what `keep` made of it (the caller does not run it again).
   */
  list(type: ResourceType, opts: ListOptions, signal?: AbortSignal): Promise<KubeResult<ListSnapshot>>;
  /**
   * Watch from `resourceVersion` until the stream ends. Resolves ok when the server (or the
   * client-side deadline) ends it cleanly, or a failure; `failure.status === 410` means the
   * resourceVersion is too old and the caller must list again. `onOpen` runs once the server
   * has accepted the watch (200).
   */
  watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string, metadataOnly?: boolean): Promise<KubeResult<void>>;
}

export interface ListOptions {
  limit?: number;
  namespace?: string;
  /** What to keep of each item, run as its page arrives. */
  keep?: (o: KubeObject) => KubeObject;
  /**
   * Only the objects' metadata: the server sends PartialObjectMetadata (and the watch too), which
   * the source gives back as the type's kind with its metadata alone (see metadataOf).
   */
  metadataOnly?: boolean;
}

/**
 * The Accept headers of a metadata-only list and watch, as client-go's metadata client sends
 * them: PartialObjectMetadata(List) in JSON, else (a server without it) the objects in JSON.
 */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * An object of a metadata-only list or watch as the caches keep it: the type's apiVersion and
 * kind (not PartialObjectMetadata) and the metadata, whatever else a server that ignored the
 * Accept header sent.
 */
export function metadataOf(type: ResourceType, o: KubeObject): KubeObject {
  return { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata: o.metadata } as KubeObject;
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
  /** The Accept header. Default application/json. */
  accept?: string;
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
  const prepared = await requestOptions(kc, identity, { method: 'GET', accept: opts.accept ?? 'application/json', userAgent: opts.userAgent, agent: opts.agent });
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
  async list(type: ResourceType, opts: ListOptions, signal?: AbortSignal): Promise<KubeResult<ListSnapshot>> {
    const keep = opts.keep ?? ((o: KubeObject) => o);
    const kept = opts.metadataOnly ? (o: KubeObject) => keep(metadataOf(type, o)) : keep;
    const accept = opts.metadataOnly ? METADATA_LIST_ACCEPT : 'application/json';
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
        const r = await this.getList(`${resourcePath(type, opts.namespace)}?${q}`, d, kept, accept, signal);
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

  async watch(type: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void, namespace?: string, metadataOnly?: boolean): Promise<KubeResult<void>> {
    const q = new URLSearchParams({ watch: '1', resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.watchTimeoutSeconds) });
    const deliver = metadataOnly ? (e: WatchEvent) => onEvent({ type: e.type, object: metadataOf(type, e.object) }) : onEvent;
    return watchStream(this.kc, this.identity, `${resourcePath(type, namespace)}?${q}`, signal, deliver, {
      ...(metadataOnly ? { accept: METADATA_WATCH_ACCEPT } : {}),
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
  private async getList(path: string, d: RequestDescription, keep: (o: KubeObject) => KubeObject, accept: string, signal?: AbortSignal): Promise<KubeResult<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>> {
    const body = new ListBody((o) => keep(o as KubeObject));
    let broken: string | undefined;
    const r = await sendRequest(this.kc, this.identity, {
      method: 'GET', path, accept, description: d, timeoutMs: this.timeoutMs, agent: this.keepAlive,
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

