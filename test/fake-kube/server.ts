// A local stand-in for an AKS API server: the Kubernetes REST protocol over HTTPS on
// 127.0.0.1, good enough for the real kubectl and @kubernetes/client-node. It serves
// discovery (legacy and aggregated), CRUD with list pagination, selectors, watches with
// bookmarks and 410 Gone, the three patch types, dry runs, server-side tables, pod logs,
// TokenRequest and the OIDC documents, with real `Status` errors. Tests steer it with
// faults (status codes, hangs, resets), latency, RBAC denials and direct store access.
//
//   const kube = await startFakeKube({ scenario: 'healthy' });
//   kube.writeKubeconfig('/tmp/kubeconfig');      // then: kubectl --kubeconfig /tmp/kubeconfig ...
//   await kube.stop();

import { authorize } from './rbac';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ServerOptions as TlsServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { FakeHttpsServer, type HttpCtx, type HttpFault } from '../fake-common/https';
import { signatureValid } from '../fake-common/jwt';
import { admitPod } from './admission';
import { CLIENT_CERT_USER, getCerts, type FakeKubeCerts } from './certs';
import { Controllers } from './controllers';
import { applyDefaults } from './defaults';
import { kubeconfigYaml, type KubeconfigOptions } from './kubeconfig';
import { openapiV3Doc, openapiV3Index } from './openapi';
import { applyPatch, PatchError, patchTypeOf } from './patch';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  crdTypes,
  findResource,
  groupVersion,
  qualifiedName,
  REVIEW_KINDS,
  type ResourceType,
} from './resources';
import { getScenario, loadScenario, DEFAULT_ISSUER, type Scenario } from './scenarios';
import { parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from './selectors';
import {
  ApiError,
  badRequest,
  conflict,
  faultStatus,
  forbidden,
  gone,
  invalid,
  methodNotAllowed,
  notFound,
  pathNotFound,
  statusObject,
  unauthorized,
  unsupportedMediaType,
} from './status';
import { Store, type KubeObject, type PageOptions, type StoreEvent } from './store';
import { toTable, wantsTable, type IncludeObject } from './tables';
import { PARTIAL_LIST, PARTIAL_OBJECT, toPartial, toPartialList, wantsPartial } from './metadata';
import { decodeJwt, issueServiceAccountToken, jwks, openidConfiguration, signingKey } from './tokens';
import { iso, KUBERNETES_VERSION } from './workloads';

type Json = Record<string, any>;

/**
 * Make matching requests fail. `path`: a string matches that path and the paths below it; a
 * RegExp matches if it matches the path alone or the path with its query (`/pods\?.*watch=true/`).
 */
export interface Fault extends HttpFault {
  /** Answer with this status (a real Status body; 429 gets Retry-After). Default 500. */
  status?: number;
}

/** Deny a verb on a resource (`pods`, `pods/log`, `deployments`, `*`), in one namespace or everywhere. */
export interface Forbid {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 until answered (forever for hung or reset requests). */
  status: number;
  userAgent: string;
  accept: string;
  /** The authenticated user, once known. */
  user?: string;
  time: number;
}

export interface FakeKubeOptions {
  /** A scenario name (see scenarios.ts) or object. Default `healthy` unless `objects` is given. */
  scenario?: string | Scenario;
  /** Objects to load (after the scenario's, if both are given). */
  objects?: KubeObject[];
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Added to every request. */
  latencyMs?: number;
  issuer?: string;
  /** The `iss` of minted tokens; defaults to issuer. */
  tokenIssuer?: string;
  auth?: {
    /** Accepted bearer tokens (default: one, `FakeKube.token`). Client certificates from the CA are always accepted. */
    tokens?: string[];
    /** The user name for bearer tokens (default `wi-doctor-test`). */
    user?: string;
  };
  faults?: Fault[];
  forbid?: Forbid[];
  /** Simulated controllers and the WI webhook on pod creation (default true). */
  controllers?: boolean;
  /** How long new pods take to become Running (default 0: at once). */
  podStartDelayMs?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1000). */
  bookmarkIntervalMs?: number;
  /** Change events kept for watches (default 1000); older resourceVersions get 410 Gone. */
  historyLimit?: number;
  /** Serve aggregated discovery when asked for it (default true); false forces clients onto legacy discovery. */
  aggregatedDiscovery?: boolean;
  /** The server's version (default v1.30.6). */
  gitVersion?: string;
}

export interface FakeKube {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  /** The issuer the discovery document advertises. */
  readonly issuer: string;
  /** The `iss` of minted tokens. */
  readonly tokenIssuer: string;
  /** A bearer token the server accepts. */
  readonly token: string;
  /** Every request, in arrival order (cleared in place by resetRequests). */
  readonly requests: RequestRecord[];
  readonly store: Store;
  readonly scenario: Scenario | undefined;
  resetRequests(): void;
  /** Resolve with the first request (past or future) matching `pred`; reject after `timeoutMs`. */
  waitForRequest(pred: (r: RequestRecord) => boolean, timeoutMs?: number): Promise<RequestRecord>;
  setFaults(faults: Fault[]): void;
  setLatency(ms: number): void;
  setForbid(forbid: Forbid[]): void;
  /** Write a kubeconfig for this server; returns the path. */
  writeKubeconfig(path: string, opts?: KubeconfigOptions): string;
  kubeconfig(opts?: KubeconfigOptions): string;
  stop(): Promise<void>;
  /** Drop every connection and listen again on the same port with the same data. */
  restart(): Promise<void>;
  /** TLS connections that have carried a request since the server started (a client reusing its connections opens few). */
  readonly connectionCount: number;
}

export const DEFAULT_TOKEN = 'wi-doctor-test-token';
export const DEFAULT_USER = 'wi-doctor-test';
/** What a TokenRequest without audiences gets: the API server's own audience. */
const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const COMMA = Buffer.from(",");
const LIST_END = Buffer.from("]}");

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

interface Ctx extends HttpCtx<RequestRecord> {
  user: string;
  accept: string;
}

interface Target {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  sub: string | undefined;
}

function parseJson(body: Buffer): any {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** Items of a list response carry no kind/apiVersion on a real server. */
function listItem(o: KubeObject): Json {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

/**
 * An object as a version of its type serves it: a CRD served in several versions without a
 * conversion webhook (strategy None) only rewrites apiVersion, as the real API server does.
 */
function asVersion(o: KubeObject, type: ResourceType): KubeObject {
  const gv = groupVersion(type);
  return o.apiVersion === gv || o.kind !== type.kind ? o : { ...o, apiVersion: gv };
}

function selectorString(sel: Json | undefined): string {
  return Object.entries(sel?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

class FakeKubeServer extends FakeHttpsServer<RequestRecord, Fault, Ctx> implements FakeKube {
  readonly store: Store;
  readonly scenario: Scenario | undefined;
  readonly issuer: string;
  readonly tokenIssuer: string;
  readonly token: string;

  private forbid: Forbid[];
  private readonly tokens: string[];
  private readonly controllers: Controllers | undefined;
  private readonly seenSockets = new WeakSet<object>();
  private connections = 0;

  constructor(
    certs: FakeKubeCerts,
    private readonly opts: FakeKubeOptions,
  ) {
    super(certs, opts, 'fake-kube');
    this.store = new Store({ ...(opts.historyLimit ? { historyLimit: opts.historyLimit } : {}) });
    const scenarioOpt = opts.scenario ?? (opts.objects ? undefined : 'healthy');
    this.scenario = typeof scenarioOpt === 'string' ? getScenario(scenarioOpt) : scenarioOpt;
    if (this.scenario) loadScenario(this.store, this.scenario, certs.caPem);
    for (const o of opts.objects ?? []) this.store.put(o);
    this.issuer = opts.issuer ?? this.scenario?.options?.issuer ?? DEFAULT_ISSUER;
    this.tokenIssuer = opts.tokenIssuer ?? this.scenario?.options?.tokenIssuer ?? this.issuer;
    this.tokens = opts.auth?.tokens ?? [DEFAULT_TOKEN];
    this.token = this.tokens[0] ?? DEFAULT_TOKEN;
    this.forbid = opts.forbid ?? [];
    signingKey(); // generate now, not on the first TokenRequest
    if (opts.controllers !== false) {
      this.controllers = new Controllers(this.store, { ...(opts.podStartDelayMs !== undefined ? { podStartDelayMs: opts.podStartDelayMs } : {}) });
      this.controllers.start();
    }
  }

  // ---- Lifecycle -----------------------------------------------------------------------------

  /** Client certificates from the CA are asked for (and checked in authenticate), not required. */
  protected override tlsOptions(): TlsServerOptions {
    return { ...super.tlsOptions(), ca: this.certs.caPem, requestCert: true, rejectUnauthorized: false };
  }

  async stop(): Promise<void> {
    this.controllers?.stop();
    await this.close();
  }

  async restart(): Promise<void> {
    const port = this.port;
    await this.close();
    await this.listen(port);
  }

  // ---- Test controls ---------------------------------------------------------------------------

  setForbid(forbid: Forbid[]): void {
    this.forbid = forbid;
  }

  get connectionCount(): number {
    return this.connections;
  }

  kubeconfig(o: KubeconfigOptions = {}): string {
    return kubeconfigYaml({ url: this.url, caPem: this.caPem, token: this.token, clientCertPem: this.certs.clientCertPem, clientKeyPem: this.certs.clientKeyPem }, o);
  }

  writeKubeconfig(path: string, o: KubeconfigOptions = {}): string {
    writeFileSync(path, this.kubeconfig(o), { mode: 0o600 });
    return path;
  }

  // ---- Request pipeline --------------------------------------------------------------------------

  protected begin(req: IncomingMessage, res: ServerResponse, url: URL): Ctx {
    if (!this.seenSockets.has(req.socket)) {
      this.seenSockets.add(req.socket);
      this.connections++;
    }
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      userAgent: req.headers['user-agent'] ?? '',
      accept: req.headers.accept ?? '',
      time: Date.now(),
    };
    return { req, res, url, record, user: '', body: Buffer.alloc(0), accept: record.accept };
  }

  protected async serve(ctx: Ctx): Promise<void> {
    if (!PUBLIC_PATHS.has(ctx.url.pathname)) {
      ctx.user = this.authenticate(ctx.req);
      ctx.record.user = ctx.user;
    }
    await this.route(ctx);
  }

  protected answerError(ctx: Ctx, e: unknown): void {
    if (e instanceof ApiError) this.sendStatus(ctx, e);
    else if (e instanceof PatchError) this.sendStatus(ctx, new ApiError(statusObject(422, 'Invalid', e.message)));
    else {
      console.error('fake-kube: internal error', e);
      this.sendStatus(ctx, new ApiError(statusObject(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`)));
    }
  }

  protected faultMatches(f: Fault, ctx: Ctx): boolean {
    const full = ctx.url.pathname + ctx.url.search;
    if (f.method && f.method.toUpperCase() !== ctx.record.method) return false;
    if (f.path instanceof RegExp) return f.path.test(ctx.url.pathname) || f.path.test(full);
    if (typeof f.path === 'string') return ctx.url.pathname === f.path || ctx.url.pathname.startsWith(f.path.replace(/\/$/, '') + '/');
    return true;
  }

  protected answerFault(ctx: Ctx, fault: Fault): void {
    this.sendStatus(ctx, faultStatus(fault.status ?? 500, fault.retryAfterSeconds));
  }

  private authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization ?? '';
    if (header) {
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (m && this.tokens.includes(m[1]!.trim())) return this.opts.auth?.user ?? DEFAULT_USER;
      throw unauthorized();
    }
    const sock = req.socket as TLSSocket;
    if (sock.authorized) {
      const cn = sock.getPeerCertificate()?.subject?.CN;
      return (Array.isArray(cn) ? cn[0] : cn) ?? CLIENT_CERT_USER;
    }
    throw unauthorized();
  }

  private headers(extra: Record<string, string | number> = {}): Record<string, string | number> {
    return { 'Audit-Id': randomUUID(), 'Cache-Control': 'no-cache, private', 'Content-Type': 'application/json', ...extra };
  }

  /** Record the answer's status; waiters see streams (watch, log -f) as soon as they start. */
  private answered(ctx: Ctx, code: number): void {
    ctx.record.status = code;
    this.notify();
  }

  private send(ctx: Ctx, code: number, body: unknown, extra: Record<string, string | number> = {}): void {
    if (ctx.res.headersSent || ctx.res.destroyed) return;
    this.answered(ctx, code);
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    ctx.res.writeHead(code, this.headers({ ...extra, 'Content-Length': Buffer.byteLength(text) }));
    ctx.res.end(text);
  }

  private sendStatus(ctx: Ctx, e: ApiError): void {
    this.send(ctx, e.code, e.status, e.headers);
  }

  // ---- Routing ------------------------------------------------------------------------------------

  private async route(ctx: Ctx): Promise<void> {
    const p = ctx.url.pathname.replace(/\/+$/, '') || '/';
    const method = ctx.record.method;
    const aggregated = this.opts.aggregatedDiscovery !== false && /as=APIGroupDiscoveryList/.test(ctx.accept);
    const discoveryVersion = /v=v2(;|,|$)/.test(ctx.accept) ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1';
    const aggregatedType = `application/json;g=apidiscovery.k8s.io;v=${discoveryVersion.split('/')[1]};as=APIGroupDiscoveryList`;

    if (method === 'GET') {
      switch (p) {
        case '/version': {
          const v = this.opts.gitVersion ?? KUBERNETES_VERSION;
          const [major, minor] = v.replace(/^v/, '').split('.');
          return this.send(ctx, 200, {
            major,
            minor,
            gitVersion: v,
            gitCommit: 'aabb6a6a51a4dc8c4a8d9b2c6e58d9f2c1a3e7f0',
            gitTreeState: 'clean',
            buildDate: '2024-11-18T21:23:06Z',
            goVersion: 'go1.22.8',
            compiler: 'gc',
            platform: 'linux/amd64',
          });
        }
        case '/healthz':
        case '/livez':
        case '/readyz':
          return this.send(ctx, 200, 'ok', { 'Content-Type': 'text/plain; charset=utf-8' });
        case '/.well-known/openid-configuration':
          return this.send(ctx, 200, openidConfiguration(this.issuer));
        case '/openid/v1/jwks':
          return this.send(ctx, 200, jwks(), { 'Content-Type': 'application/jwk-set+json' });
        case '/api':
          return aggregated ? this.send(ctx, 200, aggregatedDiscovery(true, discoveryVersion, this.store.types()), { 'Content-Type': aggregatedType }) : this.send(ctx, 200, apiVersions());
        case '/apis':
          return aggregated ? this.send(ctx, 200, aggregatedDiscovery(false, discoveryVersion, this.store.types()), { 'Content-Type': aggregatedType }) : this.send(ctx, 200, apiGroupList(this.store.types()));
        case '/api/v1':
          return this.send(ctx, 200, apiResourceList('', 'v1'));
        case '/openapi/v3':
          return this.send(ctx, 200, openapiV3Index(this.opts.gitVersion ?? KUBERNETES_VERSION));
      }
      if (p.startsWith('/openapi/v3/')) {
        const doc = openapiV3Doc(p, this.opts.gitVersion ?? KUBERNETES_VERSION);
        if (!doc) throw pathNotFound();
        return this.send(ctx, 200, doc);
      }
      const g = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
      if (g) {
        const doc = g[2] ? apiResourceList(g[1]!, g[2], this.store.types()) : apiGroup(g[1]!, this.store.types());
        if (!doc) throw pathNotFound();
        return this.send(ctx, 200, doc);
      }
    }

    const target = this.resolve(p);
    if (!target) throw pathNotFound();
    return this.dispatch(ctx, target);
  }

  /** `/api/v1/namespaces/ns/pods/name/log` and friends -> resource, namespace, name, subresource. */
  private resolve(p: string): Target | undefined {
    const seg = p.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg[1] === 'v1') [group, version, rest] = ['', 'v1', seg.slice(2)];
    else if (seg[0] === 'apis' && seg.length >= 4) [group, version, rest] = [seg[1]!, seg[2]!, seg.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const inner = findResource(group, version, rest[2]!, this.store.types());
      if (inner?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const type = findResource(group, version, rest[0] ?? '', this.store.types());
    if (!type || rest.length > 3) return undefined;
    const [, name, sub] = rest;
    if (type.namespaced && name !== undefined && namespace === undefined) return undefined;
    if (!type.namespaced && namespace !== undefined) return undefined;
    if (sub !== undefined && !(type.subresources ?? []).some((s) => s.name === sub)) return undefined;
    return { type, namespace, name, sub };
  }

  private verbOf(ctx: Ctx, t: Target): string {
    const q = ctx.url.searchParams;
    switch (ctx.record.method) {
      case 'GET':
        if (t.name !== undefined) return 'get';
        return q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return t.name !== undefined ? 'delete' : 'deletecollection';
      default:
        throw methodNotAllowed();
    }
  }

  private isForbidden(verb: string, type: ResourceType, sub: string | undefined, namespace: string | undefined, name: string | undefined): boolean {
    const resource = sub ? `${type.plural}/${sub}` : type.plural;
    return this.forbid.some(
      (f) =>
        (f.verb === '*' || f.verb === verb) &&
        (f.resource === '*' || f.resource === resource || f.resource === qualifiedName(type) || (sub === undefined && f.resource === type.kind)) &&
        (f.namespace === undefined || f.namespace === namespace) &&
        (f.name === undefined || f.name === name),
    );
  }

  private async dispatch(ctx: Ctx, t: Target): Promise<void> {
    const verb = this.verbOf(ctx, t);
    if (!t.type.verbs.includes(verb) && !t.sub) throw methodNotAllowed();
    if (this.isForbidden(verb, t.type, t.sub, t.namespace, t.name)) throw forbidden(ctx.user, verb, t.type, t.sub, t.namespace, t.name);
    const dryRun = ctx.url.searchParams.getAll('dryRun').includes('All');

    if (REVIEW_KINDS.has(t.type.kind)) return this.review(ctx, t);
    switch (verb) {
      case 'get':
        return this.get(ctx, t);
      case 'list':
        return this.list(ctx, t);
      case 'watch':
        return this.watch(ctx, t);
      case 'create':
        if (t.sub === 'token') return this.tokenRequest(ctx, t);
        if (t.sub === 'eviction') return this.evict(ctx, t, dryRun);
        return this.create(ctx, t, dryRun);
      case 'update':
        return this.update(ctx, t, dryRun);
      case 'patch':
        return this.patch(ctx, t, dryRun);
      case 'delete':
        return this.remove(ctx, t, dryRun);
      case 'deletecollection':
        return this.removeCollection(ctx, t, dryRun);
    }
  }

  private mustGet(t: Target): KubeObject {
    const o = this.store.get(t.type, t.namespace, t.name!);
    if (!o) throw notFound(t.type, t.name!);
    return o;
  }

  private includeObject(ctx: Ctx): IncludeObject {
    const v = ctx.url.searchParams.get('includeObject');
    return v === 'None' || v === 'Object' ? v : 'Metadata';
  }

  private sendObject(ctx: Ctx, code: number, o: KubeObject, kind = o.kind): void {
    if (wantsTable(ctx.accept)) {
      return this.send(ctx, code, toTable(kind, [o], { includeObject: this.includeObject(ctx), listMeta: { resourceVersion: o.metadata.resourceVersion } }), {
        'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io',
      });
    }
    if (wantsPartial(ctx.accept, 'PartialObjectMetadata')) return this.send(ctx, code, toPartial(o), { 'Content-Type': PARTIAL_OBJECT });
    this.send(ctx, code, o);
  }

  // ---- Reads ----------------------------------------------------------------------------------------

  private get(ctx: Ctx, t: Target): void {
    const o = asVersion(this.mustGet(t), t.type);
    if (t.sub === 'log') return this.logs(ctx, o);
    if (t.sub === 'scale') return this.send(ctx, 200, this.scaleOf(o));
    this.sendObject(ctx, 200, o);
  }

  private selectors(ctx: Ctx, t: Target): { labels: LabelSelector | undefined; fields: FieldSelector | undefined } {
    const q = ctx.url.searchParams;
    return { labels: parseLabelSelector(q.get('labelSelector')), fields: parseFieldSelector(q.get('fieldSelector'), t.type.kind) };
  }

  private matcher(ctx: Ctx, t: Target): (o: KubeObject) => boolean {
    const { labels, fields } = this.selectors(ctx, t);
    return (o) => (t.namespace === undefined || o.metadata.namespace === t.namespace) && (!labels || labels(o.metadata.labels)) && (!fields || fields(o));
  }

  private list(ctx: Ctx, t: Target): void {
    const q = ctx.url.searchParams;
    const { labels, fields } = this.selectors(ctx, t);
    let listRv = this.store.resourceVersion;
    let after: string | undefined;
    const cont = q.get('continue');
    if (cont) {
      let token: { rv: number; start: string };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64').toString('utf8'));
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      if (token.rv < this.store.oldestResourceVersion) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      listRv = String(token.rv);
      after = token.start;
    }
    const limit = Number(q.get('limit') ?? 0);
    // Only the page is read out of the store, and as JSON made once per object version: a list
    // of 15,000 pods in pages of 500 costs the pages, not a copy of every pod per page.
    const pageOpts: PageOptions = {
      ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
      ...(labels || fields ? { match: (o: KubeObject) => (!labels || labels(o.metadata.labels)) && (!fields || fields(o)) } : {}),
      ...(after !== undefined ? { after } : {}),
      limit: limit > 0 ? limit : 0,
    };
    const table = wantsTable(ctx.accept);
    const partial = !table && wantsPartial(ctx.accept, 'PartialObjectMetadataList');
    const page = table || partial ? this.store.page(t.type, pageOpts) : this.store.pageJson(t.type, pageOpts);
    const meta: Json = { resourceVersion: listRv };
    if (limit > 0 && page.remaining > 0) {
      meta.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(listRv), start: page.last })).toString('base64');
      // A real server only estimates this without selectors.
      if (!q.get('labelSelector') && !q.get('fieldSelector')) meta.remainingItemCount = page.remaining;
    }
    if (table) {
      return this.send(ctx, 200, toTable(t.type.kind, page.items as KubeObject[], { includeObject: this.includeObject(ctx), listMeta: meta }), { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    }
    if (partial) return this.send(ctx, 200, toPartialList(page.items as KubeObject[], meta), { 'Content-Type': PARTIAL_LIST });
    const head = JSON.stringify({ kind: `${t.type.kind}List`, apiVersion: groupVersion(t.type), metadata: meta });
    const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
    (page.items as Buffer[]).forEach((item, i) => parts.push(...(i ? [COMMA, item] : [item])));
    parts.push(LIST_END);
    this.send(ctx, 200, Buffer.concat(parts));
  }

  private watch(ctx: Ctx, t: Target): void {
    const q = ctx.url.searchParams;
    const match = this.matcher(ctx, t);
    const rvParam = q.get('resourceVersion');
    const allowBookmarks = q.get('allowWatchBookmarks') === 'true';
    const table = wantsTable(ctx.accept);
    const partial = !table && wantsPartial(ctx.accept, 'PartialObjectMetadata');
    const include = this.includeObject(ctx);
    type Out = { type: string; object: KubeObject | Json };

    const translate = (raw: StoreEvent): Out[] => {
      if (qualifiedName(raw.resource) !== qualifiedName(t.type)) return [];
      const ev = { ...raw, object: asVersion(raw.object, t.type), ...(raw.oldObject ? { oldObject: asVersion(raw.oldObject, t.type) } : {}) };
      const now = match(ev.object);
      const before = ev.oldObject ? match(ev.oldObject) : false;
      if (ev.type === 'ADDED') return now ? [{ type: 'ADDED', object: ev.object }] : [];
      if (ev.type === 'DELETED') return now ? [{ type: 'DELETED', object: ev.object }] : [];
      if (now && before) return [{ type: 'MODIFIED', object: ev.object }];
      if (now) return [{ type: 'ADDED', object: ev.object }];
      if (before) return [{ type: 'DELETED', object: { ...ev.oldObject!, metadata: { ...ev.oldObject!.metadata, resourceVersion: ev.object.metadata.resourceVersion } } }];
      return [];
    };

    let backlog: Out[];
    if (rvParam && rvParam !== '0') {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv)) throw badRequest(`invalid resource version: ${rvParam}`);
      const events = this.store.eventsSince(rv);
      if (!events) throw gone(`too old resource version: ${rv} (${this.store.oldestResourceVersion + 1})`);
      backlog = events.flatMap(translate);
    } else {
      backlog = this.store
        .list(t.type, t.namespace)
        .filter(match)
        .map((o) => ({ type: 'ADDED', object: asVersion(o, t.type) }));
    }

    const res = ctx.res;
    this.answered(ctx, 200);
    res.writeHead(200, this.headers({ 'Transfer-Encoding': 'chunked', ...(partial ? { 'Content-Type': PARTIAL_OBJECT } : {}) }));
    res.flushHeaders();
    let first = true;
    const write = (e: Out): void => {
      if (res.destroyed || res.writableEnded) return;
      let object = e.object;
      if (table && e.type !== 'BOOKMARK') {
        // Like the real server, only the first event's Table carries the column definitions.
        object = toTable(t.type.kind, [e.object as KubeObject], { includeObject: include, noHeaders: !first, listMeta: { resourceVersion: (e.object as KubeObject).metadata.resourceVersion } });
        first = false;
      } else if (partial) object = toPartial(e.object as KubeObject);
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
    };
    const bookmark = (annotations?: Record<string, string>): Out => ({
      type: 'BOOKMARK',
      object: { kind: t.type.kind, apiVersion: groupVersion(t.type), metadata: { resourceVersion: this.store.resourceVersion, ...(annotations ? { annotations } : {}) } },
    });
    for (const e of backlog) write(e);
    if (q.get('sendInitialEvents') === 'true' && allowBookmarks) write(bookmark({ 'k8s.io/initial-events-end': 'true' }));

    const unsubscribe = this.store.subscribe((ev) => {
      for (const e of translate(ev)) write(e);
    });
    const timers: NodeJS.Timeout[] = [];
    if (allowBookmarks) timers.push(setInterval(() => write(bookmark()), this.opts.bookmarkIntervalMs ?? 1000));
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const end = (): void => {
      unsubscribe();
      for (const x of timers) clearInterval(x);
      this.streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    if (timeout > 0) timers.push(setTimeout(end, timeout * 1000));
    this.streams.add(end);
    res.on('close', end);
  }

  private logs(ctx: Ctx, pod: KubeObject): void {
    const q = ctx.url.searchParams;
    const name = pod.metadata.name;
    const containers: string[] = ((pod.spec?.containers as Json[] | undefined) ?? []).map((c) => c.name);
    const inits: string[] = ((pod.spec?.initContainers as Json[] | undefined) ?? []).map((c) => c.name);
    let container = q.get('container') ?? undefined;
    if (!container) {
      const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
      if (containers.length === 1) container = containers[0];
      else if (preferred && containers.includes(preferred)) container = preferred;
      else
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
        );
    }
    if (!containers.includes(container!) && !inits.includes(container!)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const statuses = [...((pod.status?.containerStatuses as Json[] | undefined) ?? []), ...((pod.status?.initContainerStatuses as Json[] | undefined) ?? [])];
    const st = statuses.find((s) => s.name === container);
    const previous = q.get('previous') === 'true';
    if (previous) {
      if (!st?.lastState?.terminated) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    } else if (!st || (st.state?.waiting && !st.restartCount)) {
      const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
    }
    let entries = this.store.getLog(pod.metadata.namespace!, name, container!, previous) ?? [];
    const sinceSeconds = Number(q.get('sinceSeconds') ?? 0);
    const sinceTime = q.get('sinceTime');
    if (sinceSeconds > 0) entries = entries.filter((e) => Date.parse(e.time) >= Date.now() - sinceSeconds * 1000);
    if (sinceTime) entries = entries.filter((e) => Date.parse(e.time) >= Date.parse(sinceTime));
    const tail = q.get('tailLines');
    if (tail !== null && Number(tail) >= 0) entries = Number(tail) === 0 ? [] : entries.slice(-Number(tail));
    const timestamps = q.get('timestamps') === 'true';
    // The kubelet stamps lines in RFC 3339 with nanoseconds.
    const line = (e: { time: string; text: string }): string => `${timestamps ? `${e.time.replace(/(\.\d{3})Z$/, '$1000000Z')} ` : ''}${e.text}\n`;
    let text = entries.map(line).join('');
    const limitBytes = Number(q.get('limitBytes') ?? 0);
    if (limitBytes > 0) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
    if (q.get('follow') !== 'true' || previous) return this.send(ctx, 200, text, { 'Content-Type': 'text/plain' });

    const res = ctx.res;
    this.answered(ctx, 200);
    res.writeHead(200, this.headers({ 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }));
    res.write(text);
    const stop = this.store.followLog(pod.metadata.namespace!, name, container!, (e) => res.write(line(e)));
    const end = (): void => {
      stop();
      this.streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    this.streams.add(end);
    res.on('close', end);
  }

  private scaleOf(o: KubeObject): Json {
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: o.spec?.replicas ?? 1 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
    };
  }

  // ---- Writes ---------------------------------------------------------------------------------------

  /** What the API server's validation would refuse in metadata (and a template's metadata). */
  private validate(o: KubeObject, t: ResourceType): void {
    const check = (meta: Json | undefined, path: string): void => {
      for (const field of ['labels', 'annotations'] as const) {
        for (const [k, v] of Object.entries((meta?.[field] as Json | undefined) ?? {})) {
          if (typeof v !== 'string') throw badRequest(`json: cannot unmarshal ${typeof v === 'boolean' ? 'bool' : typeof v} into Go struct field ObjectMeta.${path}.${field} of type string`);
          if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
            throw invalid(
              t,
              o.metadata.name,
              `${path}.labels`,
              `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
            );
          }
          if (field === 'labels' && k.length === 0) throw invalid(t, o.metadata.name, `${path}.labels`, 'Invalid value: "": name part must be non-empty');
        }
      }
    };
    check(o.metadata, 'metadata');
    check(o.spec?.template?.metadata, 'spec.template.metadata');
    check(o.spec?.jobTemplate?.spec?.template?.metadata, 'spec.jobTemplate.spec.template.metadata');
  }

  private checkImmutable(t: ResourceType, old: KubeObject, next: KubeObject): void {
    if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(t.kind) && JSON.stringify(old.spec?.selector) !== JSON.stringify(next.spec?.selector)) {
      throw invalid(t, next.metadata.name, 'spec.selector', `Invalid value: ${JSON.stringify(next.spec?.selector ?? {})}: field is immutable`);
    }
    if (t.kind === 'Pod') {
      // Only images (and a few scheduling fields) of a running pod can change.
      const strip = (s: Json | undefined): string =>
        JSON.stringify({
          ...(s ?? {}),
          containers: ((s?.containers as Json[] | undefined) ?? []).map((c) => ({ ...c, image: '' })),
          initContainers: ((s?.initContainers as Json[] | undefined) ?? []).map((c) => ({ ...c, image: '' })),
          activeDeadlineSeconds: 0,
          tolerations: [],
        });
      if (strip(old.spec) !== strip(next.spec)) {
        throw invalid(
          t,
          next.metadata.name,
          'spec',
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        );
      }
    }
  }

  private create(ctx: Ctx, t: Target, dryRun: boolean): void {
    if (t.name !== undefined) throw methodNotAllowed();
    const o = parseJson(ctx.body) as KubeObject;
    if (!o || typeof o !== 'object' || !o.metadata) throw badRequest('Object has no metadata');
    if (o.kind !== t.type.kind || o.apiVersion !== groupVersion(t.type)) {
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${groupVersion(t.type)})`);
    }
    if (t.type.namespaced) {
      if (o.metadata.namespace && o.metadata.namespace !== t.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = t.namespace;
      if (!this.store.get('Namespace', undefined, t.namespace!)) throw notFound(findResource('', 'v1', 'namespaces')!, t.namespace!);
    }
    if (!o.metadata.name && !o.metadata.generateName) throw invalid(t.type, '', 'metadata.name', 'Required value: name or generateName is required');
    this.validate(o, t.type);
    applyDefaults(o);
    // The status subresource owns status: whatever the client sent is dropped.
    if ((t.type.subresources ?? []).some((s) => s.name === 'status') && t.type.kind !== 'Namespace') delete o.status;
    let obj = o;
    if (t.type.kind === 'Pod') {
      if (!obj.metadata.name) obj = this.store.prepareCreate(obj);
      const admitted = admitPod(this.store, obj, { webhook: !!this.controllers });
      if (!admitted.allowed) throw new ApiError(statusObject(admitted.code, admitted.reason, admitted.message, { name: obj.metadata.name, kind: 'pods' }));
      obj = { ...admitted.pod, status: { phase: 'Pending', qosClass: 'BestEffort' } };
    }
    if (dryRun) {
      const prepared = this.store.prepareCreate(obj);
      if (this.store.get(t.type, prepared.metadata.namespace, prepared.metadata.name)) throw new ApiError(statusObject(409, 'AlreadyExists', `${qualifiedName(t.type)} "${prepared.metadata.name}" already exists`, { name: prepared.metadata.name, kind: t.type.plural }));
      return this.send(ctx, 201, prepared);
    }
    this.send(ctx, 201, this.store.create(obj));
  }

  /** Apply a body to the stored object, keeping what the addressed (sub)resource does not own. */
  private merge(t: Target, cur: KubeObject, next: Json): KubeObject {
    if (t.sub === 'scale') {
      const replicas = next.spec?.replicas;
      if (typeof replicas !== 'number' || replicas < 0) throw invalid(t.type, cur.metadata.name, 'spec.replicas', `Invalid value: ${replicas}: must be greater than or equal to 0`);
      return { ...cur, spec: { ...cur.spec, replicas } };
    }
    if (t.sub === 'status') return { ...cur, status: next.status };
    const out = { ...next } as KubeObject;
    if ((t.type.subresources ?? []).some((s) => s.name === 'status')) {
      if (cur.status === undefined) delete out.status;
      else out.status = cur.status;
    }
    return out;
  }

  private write(ctx: Ctx, t: Target, cur: KubeObject, next: KubeObject, dryRun: boolean, code = 200): void {
    if (next.metadata?.name !== cur.metadata.name) throw badRequest(`the name of the object (${next.metadata?.name}) does not match the name on the URL (${cur.metadata.name})`);
    if (t.type.namespaced && next.metadata.namespace && next.metadata.namespace !== cur.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    next.metadata.namespace = cur.metadata.namespace;
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(t.type, cur.metadata.name);
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    next.kind = cur.kind;
    next.apiVersion = cur.apiVersion;
    this.validate(next, t.type);
    this.checkImmutable(t.type, cur, next);
    applyDefaults(next);
    const stored = dryRun ? this.store.prepareUpdate(next).next : this.store.update(next);
    if (t.sub === 'scale') return this.send(ctx, code, this.scaleOf(stored));
    this.send(ctx, code, stored);
  }

  private update(ctx: Ctx, t: Target, dryRun: boolean): void {
    if (t.name === undefined) throw methodNotAllowed();
    const body = parseJson(ctx.body) as KubeObject;
    const cur = this.mustGet(t);
    if (t.sub === 'finalize') return this.write(ctx, t, cur, { ...cur, spec: body.spec }, dryRun);
    if (!body?.metadata) throw badRequest('Object has no metadata');
    if (t.sub !== 'scale' && body.metadata.name !== t.name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${t.name})`);
    // A PUT carrying a stale resourceVersion loses: optimistic concurrency.
    if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(t.type, t.name);
    this.write(ctx, t, cur, this.merge(t, cur, body), dryRun);
  }

  private patch(ctx: Ctx, t: Target, dryRun: boolean): void {
    if (t.name === undefined) throw methodNotAllowed();
    const contentType = ctx.req.headers['content-type'] ?? '';
    const type = patchTypeOf(contentType);
    if (!type) throw unsupportedMediaType(contentType);
    const body = type === 'apply' ? this.parseApply(ctx, t) : parseJson(ctx.body);
    const cur = this.store.get(t.type, t.namespace, t.name);
    if (!cur && type === 'apply' && !t.sub) {
      // Server-side apply creates what does not exist yet.
      ctx.body = Buffer.from(JSON.stringify({ ...body, metadata: { ...body.metadata, namespace: t.namespace } }));
      return this.create(ctx, { ...t, name: undefined }, dryRun);
    }
    if (!cur) throw notFound(t.type, t.name);
    const base = t.sub === 'scale' ? this.scaleOf(cur) : cur;
    const patched = applyPatch(base, body, type) as Json;
    if (!patched || typeof patched !== 'object' || !patched.metadata) throw badRequest('the patch removed the object metadata');
    if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict(t.type, t.name);
    const next = this.merge(t, cur, patched);
    next.metadata = { ...next.metadata, resourceVersion: cur.metadata.resourceVersion };
    this.write(ctx, t, cur, next, dryRun);
  }

  /** An apply body: YAML or JSON, with the field manager a real server insists on. */
  private parseApply(ctx: Ctx, t: Target): Json {
    if (!ctx.url.searchParams.get('fieldManager')) throw badRequest(`PATCH ${ctx.url.pathname}: fieldManager is required for apply requests`);
    let body: unknown;
    try {
      body = parseYaml(ctx.body.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    const o = body as Json;
    if (!o || typeof o !== 'object' || !o.metadata) throw badRequest('Object has no metadata');
    if (!t.sub && (o.kind !== t.type.kind || o.apiVersion !== groupVersion(t.type))) {
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${groupVersion(t.type)})`);
    }
    return o;
  }

  private deleteOptions(ctx: Ctx): Json {
    const q = ctx.url.searchParams;
    const body = ctx.body.length ? (parseJson(ctx.body) as Json) : {};
    return { propagationPolicy: body.propagationPolicy ?? q.get('propagationPolicy') ?? 'Background', preconditions: body.preconditions ?? {} };
  }

  private remove(ctx: Ctx, t: Target, dryRun: boolean): void {
    const cur = this.mustGet(t);
    const opts = this.deleteOptions(ctx);
    if ((opts.preconditions.uid && opts.preconditions.uid !== cur.metadata.uid) || (opts.preconditions.resourceVersion && opts.preconditions.resourceVersion !== cur.metadata.resourceVersion)) {
      throw conflict(t.type, cur.metadata.name);
    }
    this.send(ctx, 200, this.deleteOne(t.type, cur, opts.propagationPolicy, dryRun));
  }

  /** Delete one object; returns what the API returns for it (the object, or a Success Status). */
  private deleteOne(type: ResourceType, cur: KubeObject, propagation: string, dryRun: boolean): Json {
    const graceful = type.kind === 'Pod' || type.kind === 'Namespace';
    const marked: KubeObject = graceful
      ? {
          ...cur,
          metadata: { ...cur.metadata, deletionTimestamp: iso(Date.now() + (type.kind === 'Pod' ? 30_000 : 0)), ...(type.kind === 'Pod' ? { deletionGracePeriodSeconds: 30 } : {}) },
          ...(type.kind === 'Namespace' ? { status: { phase: 'Terminating' } } : {}),
        }
      : cur;
    const success = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: cur.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: cur.metadata.uid } };
    if (dryRun) return graceful ? marked : success;
    if (propagation === 'Orphan') {
      for (const o of this.store.all().filter((x) => x.metadata.ownerReferences?.some((r) => r.uid === cur.metadata.uid))) {
        o.metadata.ownerReferences = o.metadata.ownerReferences!.filter((r) => r.uid !== cur.metadata.uid);
        this.store.update(o, { checkResourceVersion: false });
      }
    }
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
      // The API server deletes a CRD's custom resources with it (finalizer customresourcecleanup).
      const defined = crdTypes(cur)[0];
      if (defined) for (const o of this.store.list(defined)) this.store.delete(defined, o.metadata.namespace, o.metadata.name);
    }
    if (type.kind === 'Pod' && this.controllers) {
      this.controllers.terminatePod(cur);
    } else {
      if (graceful) this.store.update(marked, { checkResourceVersion: false });
      this.store.delete(type, cur.metadata.namespace, cur.metadata.name);
    }
    return graceful ? marked : success;
  }

  private removeCollection(ctx: Ctx, t: Target, dryRun: boolean): void {
    const match = this.matcher(ctx, t);
    const opts = this.deleteOptions(ctx);
    const items = this.store.list(t.type, t.namespace).filter(match);
    for (const o of items) this.deleteOne(t.type, o, opts.propagationPolicy, dryRun);
    this.send(ctx, 200, { kind: `${t.type.kind}List`, apiVersion: groupVersion(t.type), metadata: { resourceVersion: this.store.resourceVersion }, items: items.map(listItem) });
  }

  private evict(ctx: Ctx, t: Target, dryRun: boolean): void {
    const pod = this.mustGet(t);
    if (!dryRun) this.deleteOne(t.type, pod, 'Background', false);
    this.send(ctx, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  // ---- TokenRequest and reviews --------------------------------------------------------------------

  private tokenRequest(ctx: Ctx, t: Target): void {
    const sa = this.mustGet(t);
    const body = (ctx.body.length ? parseJson(ctx.body) : {}) as Json;
    const spec = (body.spec ?? {}) as Json;
    const expirationSeconds: number = spec.expirationSeconds ?? 3600;
    const trType = { ...t.type, kind: 'TokenRequest', group: 'authentication.k8s.io' };
    if (expirationSeconds < 600) throw invalid(trType, sa.metadata.name, 'spec.expirationSeconds', `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`);
    if (expirationSeconds > 2 ** 32) throw invalid(trType, sa.metadata.name, 'spec.expirationSeconds', `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds`);
    const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences : [API_AUDIENCE];
    let pod: { name: string; uid: string } | undefined;
    let node: { name: string; uid: string } | undefined;
    const ref = spec.boundObjectRef as Json | undefined;
    if (ref?.kind === 'Pod') {
      const p = this.store.get('Pod', t.namespace, ref.name);
      if (!p || (ref.uid && ref.uid !== p.metadata.uid)) throw notFound(findResource('', 'v1', 'pods')!, ref.name);
      pod = { name: p.metadata.name, uid: p.metadata.uid! };
      const n = p.spec?.nodeName ? this.store.get('Node', undefined, p.spec.nodeName) : undefined;
      if (n) node = { name: n.metadata.name, uid: n.metadata.uid! };
    }
    const issued = issueServiceAccountToken({
      issuer: this.tokenIssuer,
      audiences,
      namespace: t.namespace!,
      serviceAccountName: sa.metadata.name,
      serviceAccountUid: sa.metadata.uid!,
      expirationSeconds,
      ...(pod ? { pod } : {}),
      ...(node ? { node } : {}),
    });
    this.send(ctx, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: sa.metadata.name, namespace: t.namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
      status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
    });
  }

  private review(ctx: Ctx, t: Target): void {
    const body = (ctx.body.length ? parseJson(ctx.body) : {}) as Json;
    const gv = groupVersion(t.type);
    const base = { kind: t.type.kind, apiVersion: gv, metadata: { creationTimestamp: null } };
    const userInfo = { username: ctx.user, groups: ['system:masters', 'system:authenticated'] };
    switch (t.type.kind) {
      case 'SelfSubjectReview':
        return this.send(ctx, 201, { ...base, status: { userInfo } });
      case 'SelfSubjectAccessReview': {
        const a = (body.spec?.resourceAttributes ?? {}) as Json;
        const types = this.store.types();
        const type = findResource(a.group ?? '', a.version || (a.group ? (types.find((r) => r.group === a.group && r.plural === a.resource)?.version ?? '') : 'v1'), a.resource ?? '', types) ?? { ...findResource('', 'v1', 'pods')!, plural: a.resource ?? '', group: a.group ?? '' };
        const denied = this.isForbidden(a.verb ?? '', type, a.subresource || undefined, a.namespace || undefined, a.name || undefined);
        return this.send(ctx, 201, { ...base, spec: body.spec ?? {}, status: denied ? { allowed: false, denied: true, reason: 'denied by fake-kube forbid rule' } : { allowed: true, reason: 'fake-kube allows it' } });
      }
      case 'SubjectAccessReview': {
        // Another subject's access: asking needs `create subjectaccessreviews` (a forbid rule can take it away), then RBAC decides (rbac.ts).
        const s = (body.spec ?? {}) as Json;
        const a = (s.resourceAttributes ?? {}) as Json;
        if (typeof s.user !== 'string' || !s.user) return this.send(ctx, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified', reason: 'Invalid', code: 400 });
        const answer = authorize(this.store, { user: s.user, groups: (s.groups as string[] | undefined) ?? [], verb: a.verb ?? '', group: a.group ?? '', resource: a.resource ?? '', subresource: a.subresource || undefined, name: a.name || undefined, namespace: a.namespace || undefined });
        return this.send(ctx, 201, { ...base, spec: s, status: answer.allowed ? { allowed: true, reason: answer.reason } : { allowed: false } });
      }
      case 'TokenReview': {
        const token: string = body.spec?.token ?? '';
        const status = this.reviewToken(token, (body.spec?.audiences as string[] | undefined) ?? []);
        return this.send(ctx, 201, { ...base, spec: body.spec ?? {}, status });
      }
    }
    throw pathNotFound();
  }

  private reviewToken(token: string, audiences: string[]): Json {
    if (this.tokens.includes(token)) return { authenticated: true, user: { username: this.opts.auth?.user ?? DEFAULT_USER, groups: ['system:masters', 'system:authenticated'] }, audiences: [API_AUDIENCE] };
    const jwt = decodeJwt(token);
    if (!jwt) return { authenticated: false, error: 'invalid bearer token' };
    const ok = signatureValid(jwt, signingKey().publicKey);
    const p = jwt.payload as Json;
    if (!ok || p.iss !== this.tokenIssuer) return { authenticated: false, error: 'invalid bearer token, square/go-jose: error in cryptographic primitive' };
    if (typeof p.exp === 'number' && p.exp * 1000 < Date.now()) return { authenticated: false, error: 'invalid bearer token, token has expired' };
    const aud = (p.aud as string[]).filter((x) => !audiences.length || audiences.includes(x));
    if (!aud.length) return { authenticated: false, error: 'invalid bearer token, token audiences ["' + (p.aud as string[]).join('","') + '"] is invalid for the target audiences' };
    const k = p['kubernetes.io'] as Json;
    return {
      authenticated: true,
      user: { username: p.sub, uid: k.serviceaccount.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'] },
      audiences: aud,
    };
  }
}

/** Start a fake AKS API server on 127.0.0.1. */
export async function startFakeKube(opts: FakeKubeOptions = {}): Promise<FakeKube> {
  const certs = await getCerts();
  const server = new FakeKubeServer(certs, opts);
  await server.listen(opts.port ?? 0);
  return server;
}
