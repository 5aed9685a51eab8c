// What fake-kube's API server and the fake Azure servers share: HTTPS on 127.0.0.1 with the
// fake-kube CA's server certificate, a request log tests can wait on, latency, and faults
// (status codes, hangs, resets) that fire a given number of times. A subclass builds each
// request's record and context, decides which faults match, routes, and answers faults and
// errors in its own service's shape.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type ServerOptions as TlsServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { FakeKubeCerts } from '../fake-kube/certs';
import { waitUntil } from '../support/wait.mjs';

/** The fields every fake's faults have; each server adds how it matches and answers them. */
export interface HttpFault {
  method?: string;
  path?: RegExp | string;
  status?: number;
  retryAfterSeconds?: number;
  /** Fire this many times, then stop (default: always). */
  times?: number;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Destroy the connection without an answer. */
  reset?: boolean;
}

export interface HttpCtx<R> {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: R;
  body: Buffer;
}

export interface HttpServerOptions<F> {
  latencyMs?: number;
  faults?: F[];
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export abstract class FakeHttpsServer<R, F extends HttpFault, C extends HttpCtx<R>> {
  /** Every request, in arrival order (cleared in place by resetRequests). */
  readonly requests: R[] = [];
  port = 0;

  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  private readonly faultHits = new WeakMap<F, number>();
  /** Ends of streaming answers (watches, followed logs), all ended when the server closes. */
  protected readonly streams = new Set<() => void>();
  protected faults: F[];
  protected latencyMs: number;

  constructor(
    protected readonly certs: FakeKubeCerts,
    opts: HttpServerOptions<F>,
    /** Names the fake in its messages (`fake-kube`, `fake-azure`). */
    private readonly fakeName: string,
  ) {
    this.faults = opts.faults ?? [];
    this.latencyMs = opts.latencyMs ?? 0;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get caPem(): string {
    return this.certs.caPem;
  }

  /** The request's record (logged before anything else happens) and its context. */
  protected abstract begin(req: IncomingMessage, res: ServerResponse, url: URL): C;
  /** Whether a fault (with hits left) applies to this request. */
  protected abstract faultMatches(fault: F, ctx: C): boolean;
  /** Answer a fault that neither hangs nor resets. */
  protected abstract answerFault(ctx: C, fault: F): void;
  /** Answer the request, once its body is read, the latency waited and no fault fired. */
  protected abstract serve(ctx: C): Promise<void>;
  /** Answer what `serve` threw. */
  protected abstract answerError(ctx: C, e: unknown): void;

  protected tlsOptions(): TlsServerOptions {
    return { cert: this.certs.serverCertPem, key: this.certs.serverKeyPem };
  }

  async listen(port = 0): Promise<void> {
    const server = createServer(this.tlsOptions(), (req, res) => void this.handle(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // Clients that give up mid-handshake are not the server's problem.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** End the streams, cancel delays, drop every connection and stop listening. */
  protected async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const end of [...this.streams]) end();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setFaults(faults: F[]): void {
    this.faults = faults;
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  /** Resolve with the first request (past or future) matching `pred`; reject after `timeoutMs`. */
  waitForRequest(pred: (r: R) => boolean, timeoutMs = 5000): Promise<R> {
    return waitUntil(`${this.fakeName}: a request matching ${String(pred)}`, () => this.requests.find(pred), {
      timeoutMs,
      pollMs: 0,
      on: (wake) => {
        const w = (): void => wake(undefined);
        this.waiters.add(w);
        return () => this.waiters.delete(w);
      },
      show: () => ({ requests: this.requests.slice(-10) }),
    });
  }

  /** Let waiters look at the requests again (a record was added or changed). */
  protected notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** A delay that the server's close cancels. */
  protected delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = this.begin(req, res, new URL(req.url ?? '/', 'https://127.0.0.1'));
    this.requests.push(ctx.record);
    this.notify();
    try {
      ctx.body = await readBody(req);
      if (this.latencyMs > 0) await this.delay(this.latencyMs);
      if (this.applyFault(ctx)) return;
      await this.serve(ctx);
    } catch (e) {
      this.answerError(ctx, e);
    }
  }

  private applyFault(ctx: C): boolean {
    const fault = this.faults.find((f) => (this.faultHits.get(f) ?? 0) < (f.times ?? Infinity) && this.faultMatches(f, ctx));
    if (!fault) return false;
    this.faultHits.set(fault, (this.faultHits.get(fault) ?? 0) + 1);
    if (fault.reset) {
      ctx.req.socket.destroy();
      return true;
    }
    if (fault.hang) return true; // the socket stays open until the client gives up or the server stops
    this.answerFault(ctx, fault);
    return true;
  }
}
