// Reads a JWT's claims without verifying it, to show `iss`/`sub`/`aud`/`exp` as Entra will see
// them. The token itself is never returned from here, printed or logged (JWT-shaped text is
// redacted wherever the tool writes: src/util/redact.ts).

export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  nbf?: number;
  [key: string]: unknown;
}

/** The payload's claims, or undefined when the string is not a JWT. */
export function jwtClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json = Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}
