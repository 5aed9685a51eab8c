// A minimal HTTPS client for talking to a fake server without kubectl: one-shot requests
// and watch streams you can wait on (no sleeps: `waitFor` resolves on the event itself).

import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { waitUntil } from '../support/wait.mjs';

export interface Endpoint {
  url: string;
  caPem: string;
  token: string;
}

export interface RequestOpts {
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** Bearer token; null sends none. Default: the server's token. */
  token?: string | null;
  /** Client certificate auth (with token: null). */
  cert?: string;
  key?: string;
  timeoutMs?: number;
}

export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

function options(ep: Endpoint, method: string, path: string, o: RequestOpts): RequestOptions {
  const u = new URL(path, ep.url);
  const token = o.token === undefined ? ep.token : o.token;
  return {
    method,
    hostname: u.hostname,
    port: u.port,
    path: u.pathname + u.search,
    ca: ep.caPem,
    ...(o.cert ? { cert: o.cert, key: o.key } : {}),
    headers: {
      Accept: o.accept ?? 'application/json',
      'User-Agent': 'fake-kube-test-client',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(o.body !== undefined ? { 'Content-Type': o.contentType ?? 'application/json' } : {}),
    },
    agent: false,
  };
}

export function kubeRequest(ep: Endpoint, method: string, path: string, o: RequestOpts = {}): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(options(ep, method, path, o), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (o.body !== undefined) req.write(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    req.end();
  });
}

export interface Stream {
  status: number;
  /** Everything received so far. */
  readonly text: string;
  /** Resolves once the text received so far satisfies pred. */
  waitFor(pred: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Open a streaming GET (`watch=true`, `log?follow=true`); resolves once the response headers arrive. */
export function kubeStream(ep: Endpoint, path: string, o: RequestOpts = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(options(ep, 'GET', path, o), (res: IncomingMessage) => {
      let text = '';
      const waiters = new Set<() => void>();
      let endResolve: () => void = () => undefined;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of [...waiters]) w();
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        get text() {
          return text;
        },
        ended,
        close: () => req.destroy(),
        waitFor: (pred, timeoutMs = 5000) =>
          waitUntil(`stream ${path}: text matching ${String(pred)}`, () => pred(text) && text, {
            timeoutMs,
            pollMs: 0,
            on: (wake) => {
              const w = (): void => wake(undefined);
              waiters.add(w);
              return () => waiters.delete(w);
            },
            show: () => ({ got: text.slice(-500) }),
          }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: any;
}

export interface Watch {
  status: number;
  /** The events received so far, parsed. */
  readonly events: WatchEvent[];
  /** Resolves with the first event (already received or future) matching pred. */
  waitFor(pred: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function parseEvents(text: string): WatchEvent[] {
  return text
    .split('\n')
    .slice(0, -1) // the last piece is an incomplete line (or empty)
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as WatchEvent);
}

/** Open a watch (`path` should carry `watch=true`); resolves once the response headers arrive. */
export async function kubeWatch(ep: Endpoint, path: string, o: RequestOpts = {}): Promise<Watch> {
  const s = await kubeStream(ep, path, o);
  return {
    status: s.status,
    get events() {
      return parseEvents(s.text);
    },
    ended: s.ended,
    close: () => s.close(),
    waitFor: async (pred, timeoutMs) => {
      await s.waitFor((text) => parseEvents(text).some(pred), timeoutMs);
      return parseEvents(s.text).find(pred)!;
    },
  };
}
