// KubeClient: the ClusterApi over HTTPS. Authentication, TLS material, exec credential plugins
// (kubelogin, az) and proxy-url come from @kubernetes/client-node's KubeConfig
// (applyToHTTPSOptions); the request itself is made here so that every call has a timeout,
// honours cancellation, retries 429 with backoff, is counted, and ends as a typed failure
// instead of an exception. The timeout is one deadline per request, its retries and the waits
// between them included: a retry whose wait would end after it is not waited for (the failure
// says what the server asked for and what the timeout is), and each attempt gets only what is left.

import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { cancelledFailure, httpFailure, networkFailure, throttledPastDeadline, timeoutFailure, type RequestDescription, type StatusBody } from './failures';
import { qualifiedResource, resourcePath } from './resources';
import { displayUrl } from '../util/url';
import {
  err, ok,
  type AccessAnswer, type AccessQuestion, type ClusterApi, type ClusterIdentity, type KubeFailure, type KubeObject, type KubeResult, type ListOptions,
  type LogOptions, type PatchType, type ResourceType, type TokenRequestResult, type VersionInfo, type WriteOptions,
} from './types';

export interface KubeClientOptions {
  /** Per-request timeout: one deadline for the request, its 429 retries and their waits included. Default 10 s. */
  timeoutMs?: number;
  /** Attempts on 429 before giving up (including the first). Default 4. */
  maxAttempts?: number;
  /** Upper bound of one wait between 429 retries, whatever Retry-After says. Default 5 s. */
  maxRetryWaitMs?: number;
  userAgent?: string;
}

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class KubeClient implements ClusterApi {
  private count = 0;
  /**
   * One keep-alive agent per client, so a diagnosis reuses its TLS connections (client-node makes a
   * new agent per call). At most 4 sockets: a diagnosis sends at most that many reads at once
   * (src/checkpoints/pool.ts), and a read sent just as another's answer ends waits the moment it
   * takes for that socket to be free rather than opening one more connection (a TCP and TLS
   * handshake, round trips of its own on a slow link).
   */
  private agent: https.Agent | undefined;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;

  constructor(
    private readonly kc: KubeConfig,
    readonly identity: ClusterIdentity,
    private readonly options: KubeClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 5_000;
  }

  get requestCount(): number {
    return this.count;
  }

  /** Closes idle keep-alive connections (they never keep the process alive). */
  dispose(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  async version(signal?: AbortSignal): Promise<KubeResult<VersionInfo>> {
    return this.json<VersionInfo>('GET', '/version', undefined, { verb: 'get', resource: 'version' }, signal);
  }

  get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<KubeResult<T>> {
    return this.json<T>('GET', resourcePath(type, namespace, name), undefined, { verb: 'get', resource: qualifiedResource(type), namespace, name }, signal);
  }

  async list<T = KubeObject>(type: ResourceType, namespace: string | undefined, opts: ListOptions = {}, signal?: AbortSignal): Promise<KubeResult<T[]>> {
    const items: T[] = [];
    let cont: string | undefined;
    const d: RequestDescription = { verb: 'list', resource: qualifiedResource(type), namespace };
    do {
      const q = new URLSearchParams();
      if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
      if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
      q.set('limit', String(opts.limit ?? 500));
      if (cont) q.set('continue', cont);
      const r = await this.json<{ items?: T[]; metadata?: { continue?: string } }>('GET', `${resourcePath(type, namespace)}?${q}`, undefined, d, signal);
      if (!r.ok) return r;
      for (const item of r.value.items ?? []) items.push(item); // a loop: a page can be any size (a server may ignore `limit`)
      cont = r.value.metadata?.continue || undefined;
    } while (cont);
    return ok(items);
  }

  getPath<T = unknown>(path: string, signal?: AbortSignal): Promise<KubeResult<T>> {
    return this.json<T>('GET', path, undefined, { verb: 'get', resource: path }, signal);
  }

  patch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, body: unknown, opts: WriteOptions = {}, signal?: AbortSignal): Promise<KubeResult<T>> {
    const q = new URLSearchParams();
    if (opts.dryRun) q.set('dryRun', 'All');
    q.set('fieldManager', opts.fieldManager ?? 'wi-doctor');
    const path = `${resourcePath(type, namespace, name)}?${q}`;
    return this.json<T>('PATCH', path, { contentType: patchContentTypes[patchType], body: JSON.stringify(body) }, { verb: 'patch', resource: qualifiedResource(type), namespace, name }, signal);
  }

  async createToken(namespace: string, serviceAccount: string, audiences: string[], expirationSeconds: number, signal?: AbortSignal): Promise<KubeResult<TokenRequestResult>> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`;
    const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences, expirationSeconds } };
    const r = await this.json<{ status?: { token?: string; expirationTimestamp?: string } }>(
      'POST', path, { contentType: 'application/json', body: JSON.stringify(body) },
      { verb: 'create', resource: 'serviceaccounts/token', namespace, name: serviceAccount }, signal,
    );
    if (!r.ok) return r;
    const token = r.value.status?.token;
    if (!token) return err({ kind: 'server', message: `The API server answered the TokenRequest for ServiceAccount "${serviceAccount}" without a token.` });
    return ok({ token, expirationTimestamp: r.value.status?.expirationTimestamp });
  }

  async accessReview(user: string, groups: readonly string[], question: AccessQuestion, signal?: AbortSignal): Promise<KubeResult<AccessAnswer>> {
    const path = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
    const resourceAttributes = { verb: question.verb, group: question.group, resource: question.resource, ...(question.namespace ? { namespace: question.namespace } : {}), ...(question.name ? { name: question.name } : {}) };
    const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups, resourceAttributes } };
    const r = await this.json<{ status?: AccessAnswer }>('POST', path, { contentType: 'application/json', body: JSON.stringify(body) }, { verb: 'create', resource: 'subjectaccessreviews.authorization.k8s.io' }, signal);
    if (!r.ok) return r;
    const st = r.value.status;
    if (!st || typeof st.allowed !== 'boolean') return err({ kind: 'server', message: 'The API server answered the SubjectAccessReview without a status.' });
    return ok({ allowed: st.allowed, ...(st.denied ? { denied: true } : {}), ...(st.reason ? { reason: st.reason } : {}), ...(st.evaluationError ? { evaluationError: st.evaluationError } : {}) });
  }

  async podLog(namespace: string, pod: string, opts: LogOptions, signal?: AbortSignal): Promise<KubeResult<string>> {
    const q = new URLSearchParams({ container: opts.container });
    if (opts.previous) q.set('previous', 'true');
    if (opts.tailLines !== undefined) q.set('tailLines', String(opts.tailLines));
    if (opts.timestamps) q.set('timestamps', 'true');
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`;
    const r = await this.request('GET', path, undefined, { verb: 'get', resource: 'pods/log', namespace, name: pod }, signal, 'text/plain');
    if (!r.ok) return r;
    return ok(r.value.body);
  }

  private async json<T>(method: string, path: string, body: { contentType: string; body: string } | undefined, d: RequestDescription, signal?: AbortSignal): Promise<KubeResult<T>> {
    const r = await this.request(method, path, body, d, signal, 'application/json');
    if (!r.ok) return r;
    try {
      return ok(JSON.parse(r.value.body) as T);
    } catch {
      return err({ kind: 'server', message: `The API server ${displayUrl(this.identity.server)} answered ${method} ${path.split('?')[0]} with something that is not JSON: is the kubeconfig pointing at a Kubernetes API server?`, status: r.value.status });
    }
  }

  /**
   * One logical request: auth, timeout, cancellation, 429 retries, all within one deadline
   * (`timeoutMs` from now). Resolves, never rejects.
   */
  private async request(
    method: string, path: string, body: { contentType: string; body: string } | undefined,
    d: RequestDescription, signal: AbortSignal | undefined, accept: string,
  ): Promise<KubeResult<RawResponse>> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return err(cancelledFailure(d));
      const r = await this.once(method, path, body, d, signal, accept, deadline);
      if (!r.ok) return r;
      const { status, headers } = r.value;
      if (status === 429 && attempt < this.maxAttempts) {
        const retryAfter = Number(headers['retry-after']);
        const asked = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
        const wait = Math.min(this.maxRetryWaitMs, asked ?? 200 * 2 ** (attempt - 1));
        // The deadline bounds the waits too: a retry that could not even start in time is not waited for.
        if (Date.now() + wait >= deadline) return err(throttledPastDeadline(asked, this.timeoutMs, d));
        if (!(await delay(wait, signal))) return err(cancelledFailure(d));
        continue;
      }
      if (status >= 200 && status < 300) return r;
      let parsed: StatusBody | undefined;
      try {
        parsed = JSON.parse(r.value.body) as StatusBody;
      } catch {
        parsed = undefined;
      }
      return err(httpFailure(status, parsed, d, this.identity));
    }
  }

  private once(
    method: string, path: string, body: { contentType: string; body: string } | undefined,
    d: RequestDescription, signal: AbortSignal | undefined, accept: string, deadline: number,
  ): Promise<KubeResult<RawResponse>> {
    return sendRequest(this.kc, this.identity, {
      method, path, accept, body, description: d, signal, timeoutMs: this.timeoutMs, deadline, userAgent: this.options.userAgent,
      agent: (fresh) => (this.agent ??= new https.Agent({ ...fresh.options, keepAlive: true, maxSockets: 4 })),
      onSend: () => this.count++,
    });
  }
}

export interface SendOptions {
  method: string;
  /** Path and query, below the server URL. */
  path: string;
  accept: string;
  body?: { contentType: string; body: string };
  description: RequestDescription;
  signal?: AbortSignal;
  timeoutMs: number;
  /** When the whole request (retries included) must be over (epoch ms): this attempt gets what is left of it. Default: timeoutMs from now. */
  deadline?: number;
  userAgent?: string;
  /** The caller's keep-alive agent (see requestOptions). */
  agent: (fresh: https.Agent) => https.Agent;
  /** Called when the request goes out (for counting). */
  onSend?: () => void;
  /** Takes a successful (2xx) response body chunk by chunk as it arrives, instead of `body` (which is then ''): the informer's lists. */
  consume?: (chunk: Buffer) => void;
}

/**
 * One HTTP exchange with the API server, with the kubeconfig's credentials: the whole body, or a
 * failure (network, timeout, cancelled) as a sentence. Never rejects. The HTTP status is the
 * caller's to judge (KubeClient retries 429s; the informer's lists follow `continue`).
 */
export async function sendRequest(kc: KubeConfig, identity: ClusterIdentity, o: SendOptions): Promise<KubeResult<RawResponse>> {
  const d = o.description;
  if (o.signal?.aborted) return err(cancelledFailure(d));
  const prepared = await requestOptions(kc, identity, { method: o.method, accept: o.accept, userAgent: o.userAgent, agent: o.agent });
  if (!prepared.ok) return prepared;
  const opts = prepared.value;
  const headers = opts.headers as Record<string, string>;
  const body = o.body;
  if (body) {
    headers['Content-Type'] = body.contentType;
    headers['Content-Length'] = String(Buffer.byteLength(body.body));
  }
  const url = new URL(identity.server.replace(/\/+$/, '') + o.path);
  const mod = url.protocol === 'http:' ? http : https;
  if (mod === http) delete opts.agent;
  const signal = o.signal;
  o.onSend?.();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: KubeResult<RawResponse>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const req = mod.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      const status = res.statusCode ?? 0;
      res.on('data', (status >= 200 && status < 300 && o.consume) || ((c: Buffer) => chunks.push(c)));
      res.on('end', () => finish(ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })));
      res.on('error', (e) => finish(err(networkFailure(e as NodeJS.ErrnoException, d, identity))));
    });
    // The error listener first: destroying a request emits 'error', and unheard it would crash the host.
    req.on('error', (e) => finish(err(networkFailure(e as NodeJS.ErrnoException, d, identity))));
    const timer = setTimeout(() => {
      finish(err(timeoutFailure(o.timeoutMs, d, identity.server)));
      req.destroy();
    }, o.deadline !== undefined ? Math.max(0, Math.min(o.timeoutMs, o.deadline - Date.now())) : o.timeoutMs);
    const onAbort = () => {
      finish(err(cancelledFailure(d)));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) return onAbort(); // aborted while the credentials were being applied
    if (body) req.write(body.body);
    req.end();
  });
}

/**
 * Request options with the kubeconfig's credentials applied through client-node (tokens, client
 * certificates, exec plugins such as kubelogin, proxy-url), the Accept and User-Agent headers, and
 * — without a proxy — the caller's keep-alive agent in place of the one client-node makes per call
 * (same TLS material every time; refreshed exec tokens travel in headers, not in the agent).
 */
export async function requestOptions(
  kc: KubeConfig, identity: ClusterIdentity,
  o: { method: string; accept: string; userAgent?: string; agent?: (fresh: https.Agent) => https.Agent },
): Promise<KubeResult<https.RequestOptions>> {
  const opts: https.RequestOptions = { method: o.method, headers: {} };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    return err(execFailure(e as NodeJS.ErrnoException, identity));
  }
  if (o.agent && !identity.proxyUrl && opts.agent instanceof https.Agent) opts.agent = o.agent(opts.agent);
  const headers = (opts.headers ?? {}) as Record<string, string>;
  headers.Accept = o.accept;
  headers['User-Agent'] = o.userAgent ?? 'wi-doctor';
  opts.headers = headers;
  return ok(opts);
}

function execFailure(e: NodeJS.ErrnoException, id: ClusterIdentity): KubeFailure {
  const plugin = id.auth.startsWith('exec plugin ') ? id.auth.slice('exec plugin '.length) : 'the credential plugin';
  if (e.code === 'ENOENT') {
    const install = /kubelogin/.test(plugin) ? ' Install it with `az aks install-cli` (or from github.com/Azure/kubelogin)' : ' Install it';
    return { kind: 'exec-plugin', message: `The kubeconfig of context "${id.context}" runs "${plugin}" to get credentials, but it is not on PATH.${install}, or, in VS Code, make sure the editor was started from a shell whose PATH has it.` };
  }
  // The plugin's stderr can be long (device-code prompts); its first line is the useful part.
  const first = (e.message || String(e)).split('\n').find((l) => l.trim()) ?? 'unknown error';
  return { kind: 'exec-plugin', message: `The credential plugin "${plugin}" of context "${id.context}" failed: ${first.slice(0, 300)}. Sign in again (e.g. \`az login\`) and retry.` };
}

/** Waits ms; false if cancelled first. */
function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

