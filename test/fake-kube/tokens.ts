// The cluster's service-account token signer: an RSA key, RS256 JWTs shaped like the ones
// kube-apiserver issues for a TokenRequest, and the JWKS / OIDC discovery documents it
// serves. One key per process (RSA generation is the slow part of starting a server).

import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let cachedKey: SigningKey | undefined;

/** The process-wide signing key; kid is the base64url SHA-256 of the public key's DER, as Kubernetes computes it. */
export function signingKey(): SigningKey {
  if (!cachedKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    cachedKey = { kid: createHash('sha256').update(der).digest('base64url'), privateKey, publicKey };
  }
  return cachedKey;
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface ServiceAccountTokenClaims {
  issuer: string;
  audiences: string[];
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  expirationSeconds: number;
  /** A pod the token is bound to (TokenRequest boundObjectRef), as projected tokens are. */
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
  now?: number;
}

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey = signingKey()): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** A service-account token: `{ token, expirationTimestamp }` as TokenRequest status carries them. */
export function issueServiceAccountToken(c: ServiceAccountTokenClaims): { token: string; expirationTimestamp: string; claims: Record<string, unknown> } {
  const key = signingKey();
  const iat = Math.floor((c.now ?? Date.now()) / 1000);
  const exp = iat + c.expirationSeconds;
  const claims: Record<string, unknown> = {
    aud: c.audiences,
    exp,
    iat,
    iss: c.issuer,
    jti: randomUUID(),
    'kubernetes.io': {
      namespace: c.namespace,
      ...(c.node ? { node: c.node } : {}),
      ...(c.pod ? { pod: c.pod } : {}),
      serviceaccount: { name: c.serviceAccountName, uid: c.serviceAccountUid },
    },
    nbf: iat,
    sub: `system:serviceaccount:${c.namespace}:${c.serviceAccountName}`,
  };
  return { token: signJwt({ alg: 'RS256', kid: key.kid }, claims, key), expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), claims };
}

export function jwks(): { keys: Record<string, unknown>[] } {
  const key = signingKey();
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { keys: [{ use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', n: jwk.n, e: jwk.e }] };
}

/** `/.well-known/openid-configuration`: the jwks_uri hangs off the issuer, as on AKS. */
export function openidConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer.replace(/\/$/, '')}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

/** Decode a JWT without checking it (for the server's own TokenReview). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return { header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()), payload: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) };
  } catch {
    return undefined;
  }
}
