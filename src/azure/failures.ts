// Turns what went wrong talking to Azure into one sentence: which call, which role is missing,
// how to sign in again. Used by client.ts; no SDK types leak out of here.

import { isTransient } from './entra-errors';
import type { AzureFailure } from './types';

export interface AzureCall {
  /** "read managed identities (Resource Graph)", "list the federated credentials of id-x" */
  what: string;
  /** The built-in role that grants it, for 403s. */
  role: string;
}

interface ErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
}

/** ARM's and Graph's error bodies: { error: { code, message } }. */
export function armError(body: string): { code?: string; message?: string } {
  try {
    const j = JSON.parse(body) as { error?: { code?: string; message?: string } | string; error_description?: string };
    if (typeof j.error === 'object' && j.error) return { code: j.error.code, message: j.error.message };
    if (typeof j.error === 'string') return { code: j.error, message: j.error_description };
  } catch {
    // not JSON: the status alone speaks
  }
  return {};
}

/**
 * A retry Azure asked for (429, or 503 with Retry-After) whose wait would end after the request's
 * deadline, so it was not waited for (thrown by deadline.ts's retry policy; defined here, free of
 * the SDK, so that toAzureFailure knows it wherever it is loaded).
 */
export class RetryPastDeadlineError extends Error {
  override readonly name = 'RetryPastDeadlineError';
  constructor(
    readonly statusCode: number,
    /** What Azure asked for. */
    readonly retryAfterMs: number,
    /** The timeout the deadline comes from. */
    readonly timeoutMs: number,
    /** Azure's error code (ARM's `error.code`), when its body said. */
    readonly code: string | undefined,
  ) {
    super(`HTTP ${statusCode}: asked to retry after ${retryAfterMs} ms, past the deadline of ${timeoutMs} ms`);
  }
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** The sentence for a retry not waited for: what Azure asked, what the timeout is, how to get further. */
function pastDeadline(e: RetryPastDeadlineError, call: AzureCall): AzureFailure {
  const code = e.code ? ` ${e.code}` : '';
  const why = e.statusCode === 429 ? `Azure is throttling requests (429${code})` : `Azure is unavailable (${e.statusCode}${code})`;
  return {
    kind: e.statusCode === 429 ? 'throttled' : 'server',
    status: e.statusCode,
    code: e.code,
    transient: true,
    message: `${why} and asked to retry after ${seconds(e.retryAfterMs)} s, but the timeout is ${seconds(e.timeoutMs)} s, so it did not wait and could not ${call.what}. Try again in a minute, or raise the timeout (CLI --timeout, setting wiDoctor.diagnose.timeoutSeconds).`,
  };
}

export function signInHint(cloud: string): string {
  return cloud === 'custom' ? 'Sign in to Azure again.' : 'Sign in to Azure again (in VS Code: "Sign in to Azure" in the report; on the command line: `az login`).';
}

export function toAzureFailure(e: unknown, call: AzureCall, cloud: string, signal?: AbortSignal): AzureFailure {
  const err = (e ?? {}) as ErrorLike;
  const name = err.name ?? '';
  const message = (err.message ?? String(e)).split('\n')[0]!.slice(0, 400);
  if (signal?.aborted) return { kind: 'cancelled', message: 'Cancelled.' };
  if (e instanceof RetryPastDeadlineError) return pastDeadline(e, call);
  // Not ours, so the pipeline's own per-request timeout aborted it.
  if (name === 'AbortError' || err.code === 'REQUEST_ABORTED') return { kind: 'timeout', message: `No answer from Azure in time while trying to ${call.what}.` };
  if (name === 'AggregateAuthenticationError') {
    // A chain (Azure CLI, then the environment) where every credential failed: unavailable ones mean nobody is signed in.
    const errors = (e as { errors?: { name?: string }[] }).errors ?? [];
    const kind = errors.every((x) => x.name === 'CredentialUnavailableError') ? 'not-signed-in' : 'expired';
    return { kind, message: kind === 'not-signed-in' ? `Not signed in to Azure, so could not ${call.what}. ${signInHint(cloud)}` : `The Azure sign-in was refused, so could not ${call.what}. ${signInHint(cloud)}` };
  }
  if (name === 'CredentialUnavailableError') return { kind: 'not-signed-in', message: `Not signed in to Azure, so could not ${call.what}. ${signInHint(cloud)}` };
  const entra = entraServiceFailure(e);
  if (entra) return { kind: 'server', status: entra.status, code: entra.code, transient: true, message: `Microsoft Entra ID could not answer while trying to ${call.what} (${[entra.status ? `HTTP ${entra.status}` : '', entra.error, entra.code].filter(Boolean).join(' ')}): a service-side error, not your sign-in; try again in a few minutes.` };
  if (name === 'AuthenticationRequiredError' || name === 'AuthenticationError') {
    return { kind: 'expired', message: `The Azure sign-in has expired or was refused, so could not ${call.what}. ${signInHint(cloud)}` };
  }
  const status = err.statusCode;
  const code = err.code;
  switch (status) {
    case 401:
      return { kind: 'expired', status, code, message: `Azure refused the sign-in (401${code ? ` ${code}` : ''}) while trying to ${call.what}: the session has expired. ${signInHint(cloud)}` };
    case 403: {
      // ARM names the refused action and scope: say exactly that, not a role guessed from the call.
      const refused = parseAuthorizationFailed(err.message ?? '');
      if (refused) {
        return {
          kind: 'forbidden', status, code, action: refused.action, scope: refused.scope,
          message: `Forbidden (403${code ? ` ${code}` : ''}): you may not ${call.what}: you lack ${refused.action} over ${refused.scope}${refused.linked ? ' (a scope the request links to)' : ''}.`,
        };
      }
      return {
        kind: 'forbidden', status, code,
        message: call.role.includes('Microsoft Graph')
          ? `Forbidden (403${code ? ` ${code}` : ''}): you may not ${call.what}. It needs ${call.role}.`
          : `Forbidden (403${code ? ` ${code}` : ''}): you may not ${call.what}. Ask for the "${call.role}" role on the subscription or resource group, or have someone who holds it run the diagnosis.`,
      };
    }
    case 404:
      return { kind: 'not-found', status, code, message: `Not found while trying to ${call.what} (404${code ? ` ${code}` : ''}): ${message}` };
    case 409:
      return { kind: 'conflict', status, code, message: `Conflict while trying to ${call.what} (409${code ? ` ${code}` : ''}): ${message}` };
    case 412:
      return { kind: 'precondition-failed', status, code, message: `Azure refused to ${call.what} (412 Precondition Failed${code ? ` ${code}` : ''}): it was created, changed or deleted meanwhile, so nothing was written.` };
    case 429:
      return { kind: 'throttled', status, code, message: `Azure kept throttling (429) while trying to ${call.what}; gave up after retrying. Try again in a minute.` };
    case 400:
      return { kind: 'invalid', status, code, message: `Azure refused to ${call.what} (400${code ? ` ${code}` : ''}): ${message}` };
    default:
      break;
  }
  if (status && status >= 500) return { kind: 'server', status, code, message: `Azure failed to ${call.what} (HTTP ${status}${code ? ` ${code}` : ''}).` };
  if (/timed? ?out|ETIMEDOUT|timeout/i.test(message) || code === 'ETIMEDOUT') return { kind: 'timeout', message: `No answer from Azure in time while trying to ${call.what}.` };
  if (/ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|certificate|self.signed|REQUEST_SEND_ERROR/i.test(`${code ?? ''} ${message}`)) {
    return { kind: 'unreachable', code, message: `Cannot reach Azure while trying to ${call.what} (${code ?? message}). Check the network or proxy.` };
  }
  return { kind: 'server', status, code, message: `Could not ${call.what}: ${message}` };
}

/**
 * An authentication error that is Entra failing, not the sign-in being refused: HTTP 5xx or 429,
 * `temporarily_unavailable` / `server_error`, or a transient AADSTS code in the message (the
 * Azure CLI and MSAL pass Entra's words through). Undefined when it is anything else.
 */
function entraServiceFailure(e: unknown): { status?: number; error?: string; code?: string } | undefined {
  const err = (e ?? {}) as ErrorLike & { errorResponse?: { error?: string; errorDescription?: string }; errors?: unknown[] };
  if (err.name === 'AggregateAuthenticationError' && Array.isArray(err.errors)) {
    for (const x of err.errors) {
      const inner = entraServiceFailure(x);
      if (inner) return inner;
    }
    return undefined;
  }
  if (!['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'ServerError'].includes(err.name ?? '')) return undefined;
  const text = `${err.errorResponse?.errorDescription ?? ''} ${err.message ?? ''}`;
  const code = /AADSTS\d+/.exec(text)?.[0];
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  // MSAL's errors start with the OAuth error: "server_error: Error(s): 90033 - ...".
  const error = err.errorResponse?.error ?? /^([a-z_]+): /.exec(err.message ?? '')?.[1];
  return isTransient({ status, error, aadsts: code }) ? { status, error, code } : undefined;
}

/**
 * The action and scope in ARM's 403 messages:
 *   AuthorizationFailed: "The client '<id>' with object id '<oid>' does not have authorization to
 *   perform action '<action>' over scope '<scope>' or the scope is invalid. …"
 *   LinkedAuthorizationFailed: "… has permission to perform action '<a>' on scope '<s>'; however, it
 *   does not have permission to perform action(s) '<action>' on the linked scope(s) '<scope>' …"
 *   (the missing ones are the linked ones). Quotes are optional: some services print them bare.
 */
export function parseAuthorizationFailed(message: string): { action: string; scope: string; linked: boolean } | undefined {
  const direct = /does not have authorization to perform action '?([^'\s]+)'? over scope '?([^'\s]+)'?/i.exec(message);
  if (direct) return { action: direct[1]!, scope: direct[2]!, linked: false };
  const linked = /does not have permission to perform action\(s\) '?([^'\s]+)'? on the linked scope\(s\) '?([^'\s]+)'?/i.exec(message);
  if (linked) return { action: linked[1]!, scope: linked[2]!, linked: true };
  return undefined;
}
