// The deadline of a request to Azure (src/azure/deadline.ts): one deadline per request, its
// retries and their waits included. A Retry-After that would end past it is not waited for (the
// request fails at once, and toAzureFailure says what Azure asked for and what the timeout is); a
// shorter one is honoured; 5xx backoff stops where the deadline would be passed; each attempt gets
// what is left; whatever runs below the policy sees an abort signal that fires at the deadline.
// A scripted HttpClient stands in for Azure: no network, no sleeps.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEmptyPipeline, createHttpHeaders, createPipelineRequest, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { deadlineRetryPolicy, retryAfterMs, RetryPastDeadlineError } from '../../src/azure/deadline';
import { toAzureFailure } from '../../src/azure/failures';
import { waitUntil } from '../support/wait.mjs';

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'reset';

/** An HttpClient answering from a script (the last answer repeats), recording each attempt's timeout and signal. */
function scripted(answers: Answer[]): HttpClient & { attempts: { at: number; timeout: number; signal?: AbortSignal }[] } {
  const attempts: { at: number; timeout: number; signal?: AbortSignal }[] = [];
  return {
    attempts,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      attempts.push({ at: Date.now(), timeout: request.timeout, signal: request.abortSignal as AbortSignal | undefined });
      const a = answers[Math.min(attempts.length - 1, answers.length - 1)]!;
      if (a === 'hang') {
        return new Promise((_resolve, reject) => {
          const s = request.abortSignal as AbortSignal;
          s.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })), { once: true });
        });
      }
      if (a === 'reset') throw new RestError('socket hang up', { code: 'ECONNRESET', request });
      return { status: a.status, headers: createHttpHeaders(a.headers ?? {}), request, bodyAsText: a.body ?? '' };
    },
  };
}

function send(client: HttpClient, opts: { timeoutMs: number; maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number; signal?: AbortSignal; timeout?: number }): Promise<PipelineResponse> {
  const p = createEmptyPipeline();
  p.addPolicy(deadlineRetryPolicy({ timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries ?? 3, retryDelayInMs: opts.retryDelayInMs, maxRetryDelayInMs: opts.maxRetryDelayInMs ?? 5000 }), { phase: 'Retry' });
  return p.sendRequest(client, createPipelineRequest({ url: 'https://arm.invalid/x', method: 'GET', abortSignal: opts.signal, timeout: opts.timeout ?? opts.timeoutMs }));
}

const THROTTLED = { status: 429, headers: { 'Retry-After': '30' }, body: JSON.stringify({ error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } }) };
const call = { what: 'read managed identity id-api from Azure Resource Manager', role: 'Reader' };

describe('deadlineRetryPolicy', () => {
  it('a Retry-After past the deadline is not waited for: the request fails at once, naming what Azure asked for', async () => {
    const client = scripted([THROTTLED, { status: 200 }]);
    const t0 = Date.now();
    const e = await send(client, { timeoutMs: 3000 }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof RetryPastDeadlineError, String(e));
    assert.deepEqual([e.statusCode, e.retryAfterMs, e.timeoutMs, e.code], [429, 30_000, 3000, 'SubscriptionRequestsThrottled']);
    assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
    assert.equal(client.attempts.length, 1, 'no retry');
    const f = toAzureFailure(e, call, 'AzureCloud');
    assert.equal(f.kind, 'throttled');
    assert.equal(f.transient, true);
    assert.equal(
      f.message,
      'Azure is throttling requests (429 SubscriptionRequestsThrottled) and asked to retry after 30 s, but the timeout is 3 s, so it did not wait and could not read managed identity id-api from Azure Resource Manager. Try again in a minute, or raise the timeout (CLI --timeout, setting wiDoctor.diagnose.timeoutSeconds).',
    );
  });

  it('a 503 with Retry-After past the deadline is "unavailable", not waited for', async () => {
    const e = await send(scripted([{ status: 503, headers: { 'Retry-After': '30' } }]), { timeoutMs: 1000 }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof RetryPastDeadlineError);
    const f = toAzureFailure(e, call, 'AzureCloud');
    assert.deepEqual([f.kind, f.status], ['server', 503]);
    assert.match(f.message, /^Azure is unavailable \(503\) and asked to retry after 30 s, but the timeout is 1 s/);
  });

  it('a Retry-After within the deadline is honoured: waited for, then retried', async () => {
    const client = scripted([{ status: 429, headers: { 'retry-after-ms': '40' } }, { status: 200 }]);
    const r = await send(client, { timeoutMs: 2000 });
    assert.equal(r.status, 200);
    assert.equal(client.attempts.length, 2);
    assert.ok(client.attempts[1]!.at - client.attempts[0]!.at >= 35, 'waited what Azure asked for');
  });

  it('5xx backoff stops where the next wait would pass the deadline, returning the last answer', async () => {
    const client = scripted([{ status: 500 }]);
    const t0 = Date.now();
    const r = await send(client, { timeoutMs: 120, retryDelayInMs: 50, maxRetries: 10 });
    assert.equal(r.status, 500);
    // Waits 50 (ends at ~50), not 100 (would end at ~150, past the deadline at 120): two attempts, back at ~50.
    assert.equal(client.attempts.length, 2);
    assert.ok(Date.now() - t0 < 110, `took ${Date.now() - t0} ms`);
  });

  it('connection resets are retried with backoff within the deadline, then thrown', async (t) => {
    // On a mock clock, 1 ms at a time: a loaded machine's late timers cannot change the count.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const client = scripted(['reset']);
    let e: unknown;
    let settled = false;
    void send(client, { timeoutMs: 100, retryDelayInMs: 30, maxRetries: 10 }).then(
      () => (settled = true),
      (x: unknown) => ((e = x), (settled = true)),
    );
    for (let ms = 0; !settled && ms <= 200; ms++) {
      await new Promise((r) => setImmediate(r)); // the policy's awaits run
      t.mock.timers.tick(1);
    }
    assert.ok(settled, 'the request ended within 200 ms of mock time');
    assert.equal((e as RestError).code, 'ECONNRESET');
    // Waits 30 (ends at ~30) and 60 (~90), not 120: three attempts.
    assert.equal(client.attempts.length, 3);
  });

  it('each attempt gets only what is left of the deadline as its timeout', async () => {
    const client = scripted([{ status: 429, headers: { 'retry-after-ms': '60' } }, { status: 200 }]);
    await send(client, { timeoutMs: 1000, timeout: 1000 });
    assert.ok(client.attempts[0]!.timeout <= 1000 && client.attempts[0]!.timeout > 900, String(client.attempts[0]!.timeout));
    assert.ok(client.attempts[1]!.timeout <= 1000 - 55, `the second attempt had ${client.attempts[1]!.timeout} ms`);
  });

  it('what runs below the policy sees a signal that fires at the deadline: a hanging answer ends there', async () => {
    const client = scripted(['hang']);
    const t0 = Date.now();
    const e = await send(client, { timeoutMs: 200, timeout: 0 }).then(() => undefined, (x: unknown) => x);
    assert.equal((e as Error).name, 'AbortError');
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    assert.equal(toAzureFailure(e, call, 'AzureCloud').kind, 'timeout');
  });

  it('the caller\'s cancel still stops a wait at once, and is told apart from the deadline', async () => {
    const ac = new AbortController();
    const client = scripted([{ status: 429, headers: { 'Retry-After': '5' } }, { status: 200 }]);
    const p = send(client, { timeoutMs: 60_000, signal: ac.signal });
    // The first answer is in: the policy is now waiting the 5 s Azure asked for.
    await waitUntil('the first answer', () => client.attempts.length > 0, { timeoutMs: 1000, pollMs: 1 });
    assert.equal(client.attempts.length, 1);
    ac.abort();
    const t0 = Date.now();
    const r = await p;
    assert.equal(r.status, 429, 'the last answer, not a retry');
    assert.ok(Date.now() - t0 < 500);
    assert.equal(toAzureFailure({ statusCode: 429 }, call, 'AzureCloud', ac.signal).kind, 'cancelled');
  });
});

describe('retryAfterMs', () => {
  const response = (status: number, headers: Record<string, string>): PipelineResponse => ({ status, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: 'https://x.invalid' }) });
  it('reads the milliseconds headers first, then Retry-After in seconds or as a date; only for 429 and 503', () => {
    assert.equal(retryAfterMs(response(429, { 'x-ms-retry-after-ms': '250', 'Retry-After': '9' })), 250);
    assert.equal(retryAfterMs(response(429, { 'Retry-After': '30' })), 30_000);
    const at = retryAfterMs(response(503, { 'Retry-After': new Date(Date.now() + 20_000).toUTCString() }))!;
    assert.ok(at > 18_000 && at <= 20_000, String(at));
    assert.equal(retryAfterMs(response(429, {})), undefined);
    assert.equal(retryAfterMs(response(500, { 'Retry-After': '3' })), undefined);
  });
});
