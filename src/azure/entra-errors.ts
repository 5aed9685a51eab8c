// What an answer of Entra's token endpoint means: a verdict about configuration, or Entra not
// able to answer now. Only the first may fail a checkpoint; the second is retried with backoff
// and, if it persists, said as "Entra could not answer now" — never as the first broken link.
// Codes and their classes: Microsoft Entra authentication and authorization error codes
// (learn.microsoft.com/entra/identity-platform/reference-error-codes), as recorded in
// docs/workload-identity-facts.md, "Entra error codes seen in WI failures".

/**
 * OAuth `error` values that put the fault on the server: `temporarily_unavailable` (Entra's error
 * table: "The server is temporarily too busy to handle the request. Retry the request.") and
 * `server_error` (RFC 6749 section 4.1.2.1; MSAL reports Entra's 5xx answers with it).
 */
const TRANSIENT_ERRORS = new Set(['temporarily_unavailable', 'server_error']);

/**
 * AADSTS codes Microsoft documents as transient, throttling or service-side ("try again", "the
 * service is temporarily unavailable"). A code here is retried and never judged as a configuration
 * mistake, whatever the HTTP status. Not here, on purpose: AADSTS50196 (LoopDetected: a client in a
 * loop, which retrying makes worse) and AADSTS90036 (documented as non-retryable).
 */
export const TRANSIENT_AADSTS = new Set([
  'AADSTS50000', // TokenIssuanceError: an issue with the sign-in service
  'AADSTS50033', // RetryableError: a transient error not related to the database operations
  'AADSTS50087', // SasRetryableError: a transient error during strong authentication
  'AADSTS90006', // ExternalServerRetryableError: the service is temporarily unavailable
  'AADSTS90012', // RequestTimeout: the request has timed out
  'AADSTS90024', // RequestBudgetExceededError: a transient error; try again
  'AADSTS90033', // MsodsServiceUnavailable: the directory service is not available
  'AADSTS90055', // TenantThrottlingError: too many incoming requests
  'AADSTS90090', // GraphRetryableError: the service is temporarily unavailable
  'AADSTS501621', // a retry of the request may succeed
]);

export interface EntraAnswer {
  status?: number;
  error?: string;
  aadsts?: string;
}

/** Entra could not answer now: HTTP 5xx or 429, a transient OAuth error, or a transient AADSTS code. */
export function isTransient(a: EntraAnswer): boolean {
  if (a.status !== undefined && (a.status >= 500 || a.status === 429)) return true;
  if (a.error && TRANSIENT_ERRORS.has(a.error)) return true;
  return !!a.aadsts && TRANSIENT_AADSTS.has(a.aadsts);
}

/** Entra's description without the `AADSTS12345: ` it starts with, the Trace/Correlation IDs and the timestamp. */
export function entraDescription(raw: string, code?: string): string {
  let d = raw.split(/\r?\n/)[0]!.trim();
  if (code) d = d.replace(new RegExp(`^${code}:\\s*`), '');
  d = d.replace(/^AADSTS\d+:\s*/, '');
  return d.replace(/\s*Trace ID:.*$/, '').trim();
}
