// RS256 JWTs as the fakes sign and check them: fake-kube's service-account tokens and the fake
// Entra's access tokens. Each signer keeps its own key (see the two tokens.ts), so a token of one
// never verifies against the other.

import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface RsaSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A new 2048-bit RSA key whose kid is the base64url `kidDigest` of the public key's SPKI DER. */
export function generateSigningKey(kidDigest: 'sha1' | 'sha256'): RsaSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { kid: createHash(kidDigest).update(der).digest('base64url'), privateKey, publicKey };
}

/** The process-wide key of one signer, made on first use (RSA generation is the slow part). */
export function keyOnFirstUse(kidDigest: 'sha1' | 'sha256'): () => RsaSigningKey {
  let key: RsaSigningKey | undefined;
  return () => (key ??= generateSigningKey(kidDigest));
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: { privateKey: KeyObject }): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export interface DecodedJwt {
  header: Record<string, any>;
  payload: Record<string, any>;
  signingInput: string;
  signature: Buffer;
}

/** Decode without checking (for assertions and tests). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2] ?? '', 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Whether the RS256 signature of a decoded token checks out against `publicKey`. */
export function signatureValid(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  return verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
}
