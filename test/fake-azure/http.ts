// What the fake Azure servers share: HTTPS on 127.0.0.1 with the fake-kube CA's server
// certificate, a request log, latency, faults (status codes with Retry-After, hangs, resets) and
// errors thrown as HttpError. Each service (ARM with Resource Graph, Entra ID, Microsoft Graph,
// the AKS OIDC issuer) subclasses FakeAzureServer with its routes and its own error bodies. The
// HTTPS plumbing under it (../fake-common/https.ts) is fake-kube's too.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpsServer, type HttpCtx, type HttpFault, type HttpServerOptions } from '../fake-common/https';
import type { FakeKubeCerts } from '../fake-kube/certs';

type Json = Record<string, any>;

/** Which fake answers: `resourcegraph` is the Resource Graph endpoint of the ARM server. */
export type AzureService = 'arm' | 'resourcegraph' | 'entra' | 'graph' | 'oidc';

/**
 * Make matching requests fail, like fake-kube's faults. `path`: a string matches that path and
 * the paths below it (case-insensitively, as ARM paths are); a RegExp is tested against the path
 * and against the path with its query.
 */
export interface AzureFault extends HttpFault {
  /** Only this service (default: every service of the server it is given to). */
  service?: AzureService;
  /** Default 500. 429 and 503 carry Retry-After (retryAfterSeconds, default 1) and the service's throttling headers. */
  status?: number;
  /** Answer with this body instead of the service's own error body. */
  body?: unknown;
}

export interface AzureRequestRecord {
  service: AzureService;
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 until answered (forever for hung or reset requests). */
  status: number;
  time: number;
  userAgent: string;
  /** The caller's token's tenant and object ID, once authenticated (ARM, Resource Graph, Graph). */
  tenantId?: string;
  oid?: string;
  /** The JSON body (Resource Graph queries, PUT bodies) or the form fields of a token request, secrets redacted. */
  body?: unknown;
  /** The error code answered: ARM/Graph `error.code`, or Entra's `AADSTS<n>`. */
  code?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string | number> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export interface Ctx extends HttpCtx<AzureRequestRecord> {
  /** The path without trailing slashes. */
  path: string;
  method: string;
  service: AzureService;
  /** Extra headers for the answer (set by routes: rate-limit counters, request IDs). */
  headers: Record<string, string | number>;
}

export type ServerOptions = HttpServerOptions<AzureFault>;

export function faultMatches(f: AzureFault, service: AzureService, method: string, path: string, search: string): boolean {
  if (f.service && f.service !== service) return false;
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.path === undefined) return true;
  if (typeof f.path === 'string') {
    const p = f.path.replace(/\/+$/, '').toLowerCase();
    const q = path.toLowerCase();
    return q === p || q.startsWith(`${p}/`) || p === '';
  }
  f.path.lastIndex = 0;
  if (f.path.test(path)) return true;
  f.path.lastIndex = 0;
  return f.path.test(`${path}${search}`);
}

export abstract class FakeAzureServer extends FakeHttpsServer<AzureRequestRecord, AzureFault, Ctx> {
  constructor(certs: FakeKubeCerts, opts: ServerOptions) {
    super(certs, opts, 'fake-azure');
  }

  /** Which service a path belongs to (the ARM server also answers for Resource Graph). */
  protected abstract serviceOf(path: string): AzureService;
  protected abstract route(ctx: Ctx): Promise<void> | void;
  /** The service's own error body (and headers) for a fault's status. */
  protected abstract faultAnswer(ctx: Ctx, status: number, retryAfterSeconds: number): { body: unknown; headers?: Record<string, string | number> };
  /** Headers on every answer (request IDs and the like). */
  protected baseHeaders(_ctx: Ctx): Record<string, string | number> {
    return {};
  }

  async stop(): Promise<void> {
    const closed = this.close();
    // Waiters look at the records once more as the servers stop (a route may fill in its record without answering).
    this.notify();
    await closed;
  }

  protected begin(req: IncomingMessage, res: ServerResponse, url: URL): Ctx {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const service = this.serviceOf(path);
    const record: AzureRequestRecord = {
      service,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: Date.now(),
      userAgent: req.headers['user-agent'] ?? '',
    };
    return { req, res, url, path, method, service, record, body: Buffer.alloc(0), headers: {} };
  }

  protected async serve(ctx: Ctx): Promise<void> {
    await this.route(ctx);
    if (!ctx.res.headersSent && !ctx.res.destroyed) throw new HttpError(500, { error: { code: 'InternalServerError', message: 'fake-azure: the route did not answer' } });
  }

  protected answerError(ctx: Ctx, e: unknown): void {
    if (e instanceof HttpError) return this.send(ctx, e.status, e.body, e.headers);
    console.error('fake-azure: internal error', e);
    this.send(ctx, 500, { error: { code: 'InternalServerError', message: `Encountered internal server error. Diagnostic information: ${(e as Error).message}` } });
  }

  protected faultMatches(f: AzureFault, ctx: Ctx): boolean {
    return faultMatches(f, ctx.service, ctx.method, ctx.path, ctx.url.search);
  }

  protected answerFault(ctx: Ctx, f: AzureFault): void {
    const status = f.status ?? 500;
    const retryAfter = f.retryAfterSeconds ?? 1;
    const own = this.faultAnswer(ctx, status, retryAfter);
    const headers: Record<string, string | number> = { ...own.headers };
    if (status === 429 || status === 503) headers['Retry-After'] = retryAfter;
    this.send(ctx, status, f.body ?? own.body, headers);
  }

  protected send(ctx: Ctx, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
    if (ctx.res.headersSent || ctx.res.destroyed) return;
    ctx.record.status = status;
    if (status >= 400 && body && typeof body === 'object') {
      const b = body as Json;
      const code = typeof b.error === 'object' && b.error ? b.error.code : Array.isArray(b.error_codes) ? `AADSTS${b.error_codes[0]}` : undefined;
      if (code) ctx.record.code = String(code);
    }
    this.notify();
    const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    ctx.res.writeHead(status, {
      'Cache-Control': 'no-cache',
      ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...this.baseHeaders(ctx),
      ...ctx.headers,
      ...headers,
      'Content-Length': Buffer.byteLength(text),
    });
    ctx.res.end(text);
  }
}

/** Parse a JSON request body, or answer 400 with `onError`'s body. */
export function jsonBody(ctx: Ctx, onError: (message: string) => unknown): Json {
  if (!ctx.body.length) throw new HttpError(400, onError('The request content was invalid and could not be deserialized: the body is empty.'));
  try {
    const v = JSON.parse(ctx.body.toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Json;
  } catch (e) {
    throw new HttpError(400, onError(`The request content was invalid and could not be deserialized: '${(e as Error).message}'.`));
  }
}

