// One deadline per request to Azure, its retries and every wait between them included. The Azure
// SDK's own retry policy honours Retry-After without a bound (a 30 s Retry-After made a diagnosis
// with a 3 s timeout take 92 s: three waits of 30 s); this policy replaces it in every pipeline
// AzureClient builds (@azure/arm-msi's included: installDeadlineRetry), so the bound is enforced
// in one place rather than at each call site:
//
// - the deadline is `timeoutMs` from when the request enters the pipeline; the request's abort
//   signal becomes the caller's combined with the deadline's (AbortSignal.any / AbortSignal.timeout),
//   so whatever runs below this policy — the sign-in's token request included — ends with it;
// - each attempt gets at most what is left of the deadline as its own timeout;
// - a throttling answer (429, or 503 with Retry-After) is retried after the time the service asked
//   for when that wait ends before the deadline; when it would not, it is not waited for at all:
//   the request fails at once with RetryPastDeadlineError (toAzureFailure words it: what Azure
//   asked for and what the timeout is), a "not checked" fault for the diagnosis;
// - a 5xx, 408 or a connection error is retried with exponential backoff under the same rule;
// - at most `maxRetries` retries, as before.

import { isRestError, type PipelinePolicy, type PipelineRequest, type PipelineResponse, type RestError, type SendRequest } from '@azure/core-rest-pipeline';
import { RetryPastDeadlineError } from './failures';

export { RetryPastDeadlineError };

export const DEADLINE_RETRY_POLICY = 'wiDoctorDeadlineRetry';
/** The name of the SDK's retry policy this one replaces. */
const SDK_RETRY_POLICY = 'defaultRetryPolicy';

export interface DeadlineRetryOptions {
  /** The deadline of each request, retries and waits included. */
  timeoutMs: number;
  maxRetries: number;
  /** First backoff for 5xx and connection errors (doubled each retry). Default 1 s. */
  retryDelayInMs?: number;
  /** Upper bound of one backoff for 5xx and connection errors (not of a wait the service asked for). */
  maxRetryDelayInMs: number;
}

const SYSTEM_ERRORS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND']);

/**
 * The wait a throttled answer asks for: `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), or
 * `Retry-After` (seconds, or an HTTP date). Undefined when the answer is not 429/503 or names no time.
 */
export function retryAfterMs(response: PipelineResponse | undefined): number | undefined {
  if (!response || (response.status !== 429 && response.status !== 503)) return undefined;
  for (const [header, factor] of [['retry-after-ms', 1], ['x-ms-retry-after-ms', 1], ['retry-after', 1000]] as const) {
    const raw = response.headers.get(header);
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) return n * factor;
    if (header === 'retry-after') {
      const at = Date.parse(raw);
      if (Number.isFinite(at)) return Math.max(0, at - Date.now());
    }
  }
  return undefined;
}

function errorCode(response: PipelineResponse | undefined): string | undefined {
  try {
    const j = JSON.parse(response?.bodyAsText ?? '') as { error?: { code?: unknown } };
    return typeof j.error?.code === 'string' ? j.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms`; resolves false when `signal` fires first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function deadlineRetryPolicy(o: DeadlineRetryOptions): PipelinePolicy {
  const base = o.retryDelayInMs ?? 1000;
  return {
    name: DEADLINE_RETRY_POLICY,
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      const deadline = Date.now() + o.timeoutMs;
      const caller = request.abortSignal as AbortSignal | undefined;
      // A timer of our own rather than AbortSignal.timeout: that one is unref'd, and a request
      // waiting on nothing but it would let the process exit with the request unanswered.
      const expiry = new AbortController();
      const timer = setTimeout(() => expiry.abort(new DOMException(`The deadline of ${o.timeoutMs} ms passed.`, 'TimeoutError')), o.timeoutMs);
      const signal = caller ? AbortSignal.any([caller, expiry.signal]) : expiry.signal;
      request.abortSignal = signal;
      try {
        return await attempts(request, next, signal, deadline);
      } finally {
        clearTimeout(timer);
        request.abortSignal = caller;
      }
    },
  };

  /** The attempts of one request, until an answer that is not retried, the last retry, or the deadline. */
  async function attempts(request: PipelineRequest, next: SendRequest, signal: AbortSignal, deadline: number): Promise<PipelineResponse> {
    const ownTimeout = request.timeout > 0 ? request.timeout : Infinity;
    for (let retry = 0; ; retry++) {
      request.timeout = Math.max(1, Math.min(ownTimeout, deadline - Date.now()));
      let response: PipelineResponse | undefined;
      let error: RestError | undefined;
      try {
        response = await next(request);
      } catch (e) {
        // Aborted (the caller's cancel, the deadline, an attempt's timeout) or not an HTTP failure: not retried.
        if (!isRestError(e)) throw e;
        error = e;
        response = e.response;
      }
      const asked = retryAfterMs(response);
      const status = response?.status ?? 0;
      const backoff = (status >= 500 && status !== 501 && status !== 505) || status === 408 || (!response && SYSTEM_ERRORS.has(error?.code ?? ''));
      const wait = asked ?? (backoff ? Math.min(o.maxRetryDelayInMs, base * 2 ** retry) : undefined);
      if (wait === undefined || retry >= o.maxRetries || signal.aborted) {
        if (error) throw error;
        return response!;
      }
      if (Date.now() + wait >= deadline) {
        // Asked for a wait the deadline has no room for: said at once, not waited for.
        if (asked !== undefined) throw new RetryPastDeadlineError(status, asked, o.timeoutMs, errorCode(response));
        if (error) throw error;
        return response!;
      }
      if (!(await pause(wait, signal))) {
        if (error) throw error;
        return response!;
      }
    }
  }
}

/** Replaces the SDK's retry policy of `pipeline` with the deadline-bounded one (phase Retry, before anything added later). */
export function installDeadlineRetry(pipeline: { removePolicy(o: { name: string }): unknown; addPolicy(p: PipelinePolicy, o?: { phase?: 'Retry' }): void }, o: DeadlineRetryOptions): void {
  pipeline.removePolicy({ name: SDK_RETRY_POLICY });
  pipeline.addPolicy(deadlineRetryPolicy(o), { phase: 'Retry' });
}
