// Turns what went wrong on the wire into one sentence a user can act on. The sentences name
// the verb, resource and namespace (from the request, not from guessing), and the way out.

import type { KubeFailure, KubeFailureKind } from './types';
import { displayUrl } from '../util/url';
import { capitalize } from '../util/words';

export interface RequestDescription {
  verb: string; // get, list, create, patch, ...
  resource: string; // pods, deployments.apps, serviceaccounts/token, ...
  namespace?: string;
  name?: string;
}

function what(d: RequestDescription): string {
  const target = d.name ? `${d.resource} "${d.name}"` : d.resource;
  return d.namespace ? `${d.verb} ${target} in namespace "${d.namespace}"` : `${d.verb} ${target}`;
}

export interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A failure from an HTTP status the API server answered with. */
export function httpFailure(status: number, body: StatusBody | undefined, d: RequestDescription, ctx: { context: string; auth: string }): KubeFailure {
  const serverMessage = body?.kind === 'Status' && typeof body.message === 'string' ? body.message : undefined;
  const base = { status, verb: d.verb, resource: d.resource, namespace: d.namespace, name: d.name, serverMessage };
  const f = (kind: KubeFailureKind, message: string): KubeFailure => ({ kind, message, ...base });
  switch (status) {
    case 401:
      return f('unauthorized', `The API server of context "${ctx.context}" rejected the credentials (401 Unauthorized): the login has expired or is missing. ${reloginHint(ctx.auth)}`);
    case 403:
      return f('forbidden', `Forbidden: you may not ${what(d)} (403). Ask for a Role that grants "${d.verb}" on "${d.resource}"${d.namespace ? ` in "${d.namespace}"` : ''}.`);
    case 404:
      return f('not-found', d.name ? `${capital(d.resource)} "${d.name}" was not found${d.namespace ? ` in namespace "${d.namespace}"` : ''}.` : `The API server has no ${d.resource} endpoint (404).`);
    case 409:
      return f('conflict', `Conflict while trying to ${what(d)} (409): ${serverMessage ?? 'the object changed meanwhile'}. Try again.`);
    case 429:
      return f('throttled', `The API server kept throttling (429 Too Many Requests) while trying to ${what(d)}; gave up after retrying.`);
    case 400:
    case 422:
      return f('invalid', `The API server refused to ${what(d)} (${status}): ${serverMessage ?? 'invalid request'}.`);
    default:
      return f('server', `The API server failed to ${what(d)} (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}).`);
  }
}

function capital(s: string): string {
  return capitalize(s.split('/')[0] ?? s);
}

/** What to run to get fresh credentials, given how the context authenticates. */
export function reloginHint(auth: string): string {
  if (/kubelogin/.test(auth)) return 'Sign in again: run `az login` (kubelogin reuses it), or `kubelogin remove-tokens` and retry.';
  if (/exec plugin/.test(auth)) return `Sign in again with the exec plugin (${auth.replace('exec plugin ', '')}).`;
  if (/client certificate/.test(auth)) return 'The client certificate may have expired: run `az aks get-credentials` again.';
  return 'Get fresh credentials, e.g. `az aks get-credentials --resource-group <rg> --name <cluster> --overwrite-existing`.';
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

/** A failure from a network or TLS error (no HTTP answer). */
export function networkFailure(e: NodeJS.ErrnoException, d: RequestDescription, where: { context: string; server: string; proxyUrl?: string }): KubeFailure {
  const code = e.code ?? '';
  // Sentences name the server and the proxy without their credentials.
  const ctx = { context: where.context, server: displayUrl(where.server), proxyUrl: displayUrl(where.proxyUrl) };
  const base = { verb: d.verb, resource: d.resource, namespace: d.namespace, name: d.name };
  if (tlsCodes.has(code) || /certificate|SSL|TLS/i.test(e.message)) {
    return { kind: 'tls', message: `TLS failure talking to ${ctx.server} (${code || e.message}): the server's certificate is not trusted by the kubeconfig's certificate-authority for context "${ctx.context}", has expired, or is for another host. Run \`az aks get-credentials\` again to refresh it.`, ...base };
  }
  if (unreachableCodes.has(code)) {
    const via = ctx.proxyUrl ? ` through the proxy ${ctx.proxyUrl}` : '';
    return { kind: 'unreachable', message: `Cannot reach the API server ${ctx.server}${via} (${code}). Check the network/VPN, that the cluster is running (\`az aks show --query powerState\`), and for a private cluster that you are on its network.`, ...base };
  }
  return { kind: 'unreachable', message: `Cannot reach the API server ${ctx.server} (${code || e.message}).`, ...base };
}

export function timeoutFailure(ms: number, d: RequestDescription, server: string): KubeFailure {
  return { kind: 'timeout', message: `No answer from ${displayUrl(server)} within ${Math.round(ms / 100) / 10} s while trying to ${what(d)}. A slow cluster may need a longer timeout (CLI --timeout, setting wiDoctor.diagnose.timeoutSeconds).`, verb: d.verb, resource: d.resource, namespace: d.namespace, name: d.name };
}

/**
 * A 429 whose retry would end after the request's deadline: not waited for. `retryAfterMs`: what
 * the server asked for (undefined when it named no time); `timeoutMs`: the timeout the deadline
 * comes from.
 */
export function throttledPastDeadline(retryAfterMs: number | undefined, timeoutMs: number, d: RequestDescription): KubeFailure {
  const why = retryAfterMs !== undefined
    ? `The API server is throttling (429 Too Many Requests) and asked to retry after ${seconds(retryAfterMs)} s, but the timeout is ${seconds(timeoutMs)} s, so it did not wait`
    : `The API server kept throttling (429 Too Many Requests) until the next retry would have come after the timeout of ${seconds(timeoutMs)} s, so it did not retry`;
  return {
    kind: 'throttled', status: 429, verb: d.verb, resource: d.resource, namespace: d.namespace, name: d.name,
    message: `${why} and could not ${what(d)}. Try again later, or raise the timeout (CLI --timeout, setting wiDoctor.diagnose.timeoutSeconds).`,
  };
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

export function cancelledFailure(d: RequestDescription): KubeFailure {
  return { kind: 'cancelled', message: 'Cancelled.', verb: d.verb, resource: d.resource, namespace: d.namespace, name: d.name };
}
