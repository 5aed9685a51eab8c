// The fake Entra ID's token signer: one RSA key per process, RS256 access tokens shaped like
// Entra's v1 access tokens (what ARM and Graph get), and their verification by the fake ARM and
// Graph servers, which accept only tokens signed here.

import { randomUUID } from 'node:crypto';
import { decodeJwt, keyOnFirstUse, signatureValid, signJwt, type RsaSigningKey } from '../fake-common/jwt';

export type EntraKey = RsaSigningKey;

// Entra's kid is the certificate thumbprint, base64url (27 characters).
export const entraKey: () => EntraKey = keyOnFirstUse('sha1');

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid?: string;
  idtyp?: 'app' | 'user';
  [claim: string]: unknown;
}

export interface IssueOptions {
  /** The resource: `https://management.azure.com`, the fake ARM's URL, ... */
  aud: string;
  tid: string;
  oid: string;
  appid?: string;
  /** Default: now + 3599 s. */
  expiresAt?: number;
  /** Default: now. */
  issuedAt?: number;
  /** More claims (upn, xms_mirid, scp, ...). */
  extra?: Record<string, unknown>;
  /** 1 = client secret, 2 = certificate or client assertion (appidacr). */
  appidacr?: '0' | '1' | '2';
}

export const TOKEN_LIFETIME_SECONDS = 3599;

export function issueAccessToken(o: IssueOptions): { token: string; claims: AccessTokenClaims; expiresIn: number } {
  const key = entraKey();
  const now = Math.floor((o.issuedAt ?? Date.now()) / 1000);
  const exp = o.expiresAt !== undefined ? Math.floor(o.expiresAt / 1000) : now + TOKEN_LIFETIME_SECONDS;
  const claims: AccessTokenClaims = {
    aud: o.aud,
    iss: `https://sts.windows.net/${o.tid}/`,
    iat: now,
    nbf: now,
    exp,
    aio: Buffer.from(randomUUID()).toString('base64url').slice(0, 40),
    ...(o.appid ? { appid: o.appid, appidacr: o.appidacr ?? '1' } : {}),
    idp: `https://sts.windows.net/${o.tid}/`,
    idtyp: 'app',
    oid: o.oid,
    rh: `0.${Buffer.from(o.tid).toString('base64url').slice(0, 20)}.`,
    sub: o.oid,
    tid: o.tid,
    uti: Buffer.from(randomUUID()).toString('base64url').slice(0, 22),
    ver: '1.0',
    ...o.extra,
  };
  const token = signJwt({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid }, claims, key);
  return { token, claims, expiresIn: exp - now };
}

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'not-yet-valid'; claims?: AccessTokenClaims };

/** Check a bearer token: signed by this fake Entra, within its lifetime (no clock skew allowed past exp). */
export function verifyAccessToken(token: string, now = Date.now()): VerifyResult {
  const jwt = decodeJwt(token);
  if (!jwt) return { ok: false, reason: 'malformed' };
  const claims = jwt.payload as AccessTokenClaims;
  if (!claims || typeof claims !== 'object' || jwt.header.alg !== 'RS256') return { ok: false, reason: 'malformed' };
  const ok = signatureValid(jwt, entraKey().publicKey);
  if (!ok) return { ok: false, reason: 'signature', claims };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return { ok: false, reason: 'expired', claims };
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 > now + 5 * 60_000) return { ok: false, reason: 'not-yet-valid', claims };
  return { ok: true, claims };
}

export function entraJwks(): { keys: Record<string, unknown>[] } {
  const key = entraKey();
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }] };
}

/** .NET's invariant "M/d/yyyy h:mm:ss tt", which ARM uses in ExpiredAuthenticationToken. */
export function dotnetTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Entra's timestamp in error bodies: "2024-03-01 07:41:07Z". */
export function entraTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// Tests decode tokens with this (fake-common's, unchecked).
export { decodeJwt };
