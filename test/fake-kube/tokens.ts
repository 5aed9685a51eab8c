// The cluster's service-account token signer: an RSA key, RS256 JWTs shaped like the ones
// kube-apiserver issues for a TokenRequest, and the JWKS / OIDC discovery documents it
// serves. One key per process (RSA generation is the slow part of starting a server).

import { randomUUID } from 'node:crypto';
import { keyOnFirstUse, signJwt as signWith, type RsaSigningKey } from '../fake-common/jwt';

export type SigningKey = RsaSigningKey;

/** The process-wide signing key; kid is the base64url SHA-256 of the public key's DER, as Kubernetes computes it. */
export const signingKey: () => SigningKey = keyOnFirstUse('sha256');

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
  return signWith(header, payload, key);
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

// Decoding a JWT without checking it (for the server's own TokenReview) is fake-common's.
export { decodeJwt } from '../fake-common/jwt';
