// Who is calling ARM, Resource Graph or Graph: the bearer token (signed by the fake Entra, not
// expired, for the right audience), and the `forbid` rules tests use to take a permission away.

import type { Ctx } from './http';
import { verifyAccessToken, type AccessTokenClaims } from './tokens';

/**
 * Take a permission away. `arm`: requests whose action matches get ARM's 403 AuthorizationFailed;
 * `graph`: Graph's 403 Authorization_RequestDenied; `resourcegraph` without an action: every
 * query gets 403; `resourcegraph` with an action (`Microsoft.Authorization/roleAssignments/read`):
 * rows of that type are silently left out, as Resource Graph does for what the caller cannot read.
 */
export interface AzureForbid {
  service: 'arm' | 'resourcegraph' | 'graph';
  /** An action, case-insensitive; `*` matches any run of characters (`Microsoft.ManagedIdentity/*`). Default: every action. */
  action?: string;
  /** Only at or below this ARM scope (a subscription, a resource group, a resource). */
  scope?: string;
  /** Only for this caller (object ID). */
  principalId?: string;
}

export function actionMatches(pattern: string | undefined, action: string): boolean {
  if (!pattern) return true;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

export function scopeCovers(scope: string | undefined, target: string): boolean {
  if (!scope || scope === '/') return true;
  const s = scope.replace(/\/+$/, '').toLowerCase();
  const t = target.replace(/\/+$/, '').toLowerCase();
  return t === s || t.startsWith(`${s}/`);
}

export function isForbidden(rules: readonly AzureForbid[], service: AzureForbid['service'], action: string, scope: string, principalId: string): AzureForbid | undefined {
  return rules.find((f) => f.service === service && actionMatches(f.action, action) && scopeCovers(f.scope, scope) && (!f.principalId || f.principalId.toLowerCase() === principalId.toLowerCase()));
}

export type BearerResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; problem: 'missing' | 'format' | 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'audience'; claims?: AccessTokenClaims };

/** Check the Authorization header against the fake Entra's key and the accepted audiences. */
export function checkBearer(ctx: Ctx, audiences: readonly string[]): BearerResult {
  const header = ctx.req.headers.authorization;
  if (!header) return { ok: false, problem: 'missing' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return { ok: false, problem: 'format' };
  const v = verifyAccessToken(m[1]!);
  if (!v.ok) return { ok: false, problem: v.reason, ...(v.claims ? { claims: v.claims } : {}) };
  const aud = String(v.claims.aud ?? '');
  if (!audiences.some((a) => a.toLowerCase() === aud.toLowerCase())) return { ok: false, problem: 'audience', claims: v.claims };
  ctx.record.tenantId = v.claims.tid;
  ctx.record.oid = v.claims.oid;
  return { ok: true, claims: v.claims };
}
