// Known error strings in application logs, each mapped to what it means and to the checkpoint
// that explains it. AADSTS meanings follow the facts sheet's table (not the seed guides, some of
// which attribute codes wrongly).

import { redact } from '../util/redact';
import type { CheckpointId } from './types';

export interface LogSignature {
  id: string;
  pattern: RegExp;
  meaning: string;
  /** The checkpoint whose result explains this error. */
  explainedBy: CheckpointId;
}

export const LOG_SIGNATURES: readonly LogSignature[] = [
  { id: 'AADSTS7002138', pattern: /AADSTS7002138\b/, meaning: 'the subject matches a federated credential only case-insensitively', explainedBy: 'federated-credential' },
  { id: 'AADSTS700211', pattern: /AADSTS700211\b/, meaning: "no federated credential matches the token's issuer", explainedBy: 'federated-credential' },
  { id: 'AADSTS700213', pattern: /AADSTS700213\b/, meaning: "no federated credential matches the token's subject", explainedBy: 'federated-credential' },
  { id: 'AADSTS70021', pattern: /AADSTS70021\b/, meaning: "no federated credential matches the token's issuer/subject/audience (often the issuer's trailing \"/\", a namespace or ServiceAccount mismatch, or a credential created minutes ago)", explainedBy: 'federated-credential' },
  { id: 'AADSTS700024', pattern: /AADSTS700024\b/, meaning: 'the presented token has expired: the app cached the token file instead of re-reading it', explainedBy: 'sdk-environment' },
  { id: 'AADSTS700016', pattern: /AADSTS700016\b/, meaning: 'the client ID is not found in that tenant (wrong client ID or tenant)', explainedBy: 'managed-identity' },
  { id: 'AADSTS90061', pattern: /AADSTS90061\b/, meaning: "Entra could not reach the issuer's discovery document or JWKS", explainedBy: 'cluster-oidc-issuer' },
  { id: 'AADSTS7000215', pattern: /AADSTS7000215\b/, meaning: 'invalid client secret: a leftover AZURE_CLIENT_SECRET made the SDK use EnvironmentCredential', explainedBy: 'sdk-environment' },
  { id: 'AADSTS90002', pattern: /AADSTS90002\b/, meaning: 'tenant not found: AZURE_TENANT_ID is wrong', explainedBy: 'managed-identity' },
  { id: 'ManagedIdentityCredential unavailable', pattern: /ManagedIdentityCredential[^\n]{0,40}(authentication )?unavailable/i, meaning: "the webhook did not inject the environment and the SDK fell through to the node's IMDS (the pod may even get the node's identity)", explainedBy: 'sdk-environment' },
  { id: 'WorkloadIdentityCredential unavailable', pattern: /WorkloadIdentityCredential[^\n]{0,60}(unavailable|not (be )?configured|missing)/i, meaning: 'AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID or AZURE_TENANT_ID is missing in the container', explainedBy: 'sdk-environment' },
  { id: 'EnvironmentCredential', pattern: /EnvironmentCredential[^\n]{0,80}(failed|authentication failed)|ClientSecretCredential[^\n]{0,60}failed/i, meaning: 'a credential variable (AZURE_CLIENT_SECRET, ...) made the SDK use a secret instead of Workload Identity', explainedBy: 'sdk-environment' },
  { id: 'DefaultAzureCredential failed', pattern: /DefaultAzureCredential failed to retrieve a token/i, meaning: 'every credential in the chain failed; the lines around it say which and why', explainedBy: 'sdk-environment' },
  { id: 'ClientAssertionCredential failed', pattern: /ClientAssertionCredential authentication failed/i, meaning: 'the token exchange at Entra was refused; look for the AADSTS code', explainedBy: 'federated-credential' },
  { id: 'AuthorizationFailed', pattern: /AuthorizationFailed|AuthorizationPermissionMismatch|\b403 Forbidden\b|Status: 403/, meaning: 'the token was issued, but the identity lacks a role on the resource', explainedBy: 'role-assignments' },
];

/**
 * The excerpt of a log line that is shown: redacted by the one redaction (src/util/redact.ts:
 * JSON, quoted and unquoted key/value pairs, URL credentials, connection strings, bearer tokens,
 * JWTs), then bounded — redacted first, so a cut cannot leave half a secret unrecognised.
 */
export function redactLogLine(line: string): string {
  const out = redact(line);
  return out.length > 240 ? `${out.slice(0, 237)}...` : out;
}

export interface LogMatch {
  signature: LogSignature;
  /** The newest matching line, redacted. */
  excerpt: string;
  count: number;
  /** When the newest and the oldest matching lines were written (kubelet timestamps), in ms since the epoch. */
  newest?: number;
  oldest?: number;
  /** How many matching lines were written before `since` (see scanLog). */
  before: number;
}

/** `2026-12-07T10:41:02.123456789Z rest` → the time and the rest; a line without a timestamp keeps its text. */
function splitTimestamp(line: string): { time?: number; text: string } {
  // `[\s\S]`, not `.`: a line may hold a CR or a U+2028, which `.` does not match.
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ([\s\S]*)$/.exec(line);
  if (!m) return { text: line };
  // Date.parse takes milliseconds at most: drop the nanoseconds.
  const t = Date.parse(m[1]!.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(t) ? { time: t, text: m[2]! } : { text: line };
}

/**
 * The signatures found in a log, most specific first, each once: how many lines, the newest
 * line's redacted excerpt and, when the log has the kubelet's timestamps (`timestamps`), when the
 * newest and oldest were written and how many were written before `since` (the last fix).
 */
export function scanLog(text: string, opts: { timestamps?: boolean; since?: number } = {}): LogMatch[] {
  const found = new Map<string, LogMatch>();
  for (const raw of text.split('\n')) {
    const { time, text: line } = opts.timestamps ? splitTimestamp(raw) : { time: undefined, text: raw };
    for (const s of LOG_SIGNATURES) {
      if (!s.pattern.test(line)) continue;
      const m = found.get(s.id) ?? { signature: s, excerpt: '', count: 0, before: 0 };
      m.count++;
      if (time !== undefined) {
        if (opts.since !== undefined && time < opts.since) m.before++;
        m.oldest = Math.min(m.oldest ?? time, time);
        if (m.newest === undefined || time >= m.newest) {
          m.newest = time;
          m.excerpt = redactLogLine(line.trim());
        }
      } else if (!m.excerpt || m.newest === undefined) m.excerpt = redactLogLine(line.trim());
      found.set(s.id, m);
      if (s.id.startsWith('AADSTS')) break; // one code per line: AADSTS70021 inside AADSTS700211 is not a second match
    }
  }
  return [...found.values()];
}
