// projected-token: asks the API server for a token of the workload's ServiceAccount with the
// audience the webhook uses (a TokenRequest — the same signer, issuer and subject as the token
// the kubelet projects into the pod), and shows its iss/sub/aud/exp as Entra will see them.
// The token itself is kept in memory for a later token exchange and never shown.

import { jwtClaims } from '../cluster/jwt';
import { IDENTITY_BINDING_AUDIENCE, IDENTITY_BINDING_CREDENTIAL, USE_IDENTITY_BINDING } from '../manifests/identity-binding';
import { usesIdentityBinding } from './identity-binding-mode';
import { SkipCheckpoint } from './context';
import { ev, kubectl, shq } from './shared';
import type { Checkpoint, Evidence } from './types';
import { CHECKPOINT_TITLES } from './results';

export const TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

export const projectedToken: Checkpoint = {
  id: 'projected-token',
  title: CHECKPOINT_TITLES['projected-token'],
  description: "A TokenRequest for the ServiceAccount with audience `api://AzureADTokenExchange` returns the `iss`, `sub` and `aud` Entra will see, consistent with the cluster's issuer — the values a federated credential must match.",
  side: 'cluster',
  // Only the ServiceAccount's existence matters here, not its annotation: the claims are worth seeing either way.
  needs: ['cluster-connection'],
  // It compares the token's issuer with the discovery document's (ctx.state.issuer), so it runs after that checkpoint.
  reads: ['cluster-oidc-issuer'],
  fact: 'a TokenRequest (`POST .../serviceaccounts/<sa>/token` with audience\n  `api://AzureADTokenExchange`) returns a token whose `iss`, `sub`, `aud` are exactly what Entra\n  will see',
  async run(ctx) {
    const w = await ctx.workload();
    const sa = w.serviceAccountName;
    // An identity binding's pods get a token for AKS's proxy, not for Entra (identity-binding-mode.ts).
    const binding = await usesIdentityBinding(ctx);
    const audience = binding ? IDENTITY_BINDING_AUDIENCE : TOKEN_AUDIENCE;
    const r = await ctx.cluster.createToken(w.ref.namespace, sa, [audience], 3600, ctx.signal);
    if (!r.ok && r.failure.kind === 'not-found') throw new SkipCheckpoint(`Skipped: the ServiceAccount "${sa}" does not exist in "${w.ref.namespace}" (see "ServiceAccount annotation").`);
    const token = ctx.must(r, `token for ServiceAccount ${w.ref.namespace}/${sa} (TokenRequest)`, 'token');
    const claims = jwtClaims(token.token);
    if (!claims) return { status: 'fail', summary: 'The API server returned a token that is not a JWT.', evidence: [], remediation: [] };
    const iss = String(claims.iss ?? '');
    const sub = String(claims.sub ?? '');
    const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : claims.aud !== undefined ? [String(claims.aud)] : [];
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    ctx.state.token = token.token;
    ctx.state.tokenClaims = { iss, sub, aud, exp };
    const expected = `system:serviceaccount:${w.ref.namespace}:${sa}`;
    const evidence: Evidence[] = [
      ev('iss', iss),
      ev('sub', sub, sub === expected ? 'ok' : 'fail'),
      ev('aud', aud.join(', '), aud.includes(audience) ? 'ok' : 'fail'),
      ev('exp', exp ? new Date(exp * 1000).toISOString() : 'none'),
      binding
        ? ev('exchanged by', `AKS's identity binding proxy (the pod template asks for ${USE_IDENTITY_BINDING}), with the identity's credential ${IDENTITY_BINDING_CREDENTIAL}: no credential for this issuer and subject is needed`, 'info')
        : ev('federated credential must have', `issuer ${iss} · subject ${expected} · audience ${TOKEN_AUDIENCE}`, 'info'),
    ];
    const problems: string[] = [];
    const issuer = ctx.state.issuer;
    if (issuer === undefined) ctx.state.issuer = iss;
    else if (issuer !== iss) {
      evidence.splice(1, 0, ev('discovery issuer', issuer, 'fail'));
      problems.push(`the token's issuer ${JSON.stringify(iss)} differs from the discovery document's ${JSON.stringify(issuer)} (${difference(iss, issuer)}): Entra fetches keys from the token's issuer and compares it with the federated credential character for character`);
    }
    if (sub !== expected) problems.push(`the token's subject is ${JSON.stringify(sub)}, expected ${JSON.stringify(expected)}`);
    if (!aud.includes(audience)) problems.push(`the token's audience is ${aud.join(', ')}, not ${audience}`);
    const remediation = [{ text: 'Decode the same claims yourself (only the middle, claims part of the token is printed).', command: `${kubectl(ctx, `create token ${shq(sa)} --audience ${shq(audience)}`)} | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null` }];
    if (problems.length) return { status: 'fail', summary: `${problems[0]!.charAt(0).toUpperCase()}${problems[0]!.slice(1)}.`, evidence, remediation };
    if (binding) return { status: 'pass', summary: `A token for ${expected} is issued by ${iss} for ${audience}: AKS's identity binding proxy exchanges it, so no federated credential names this issuer and subject.`, evidence, remediation: [] };
    return { status: 'pass', summary: `A token for ${expected} is issued by ${iss} for ${TOKEN_AUDIENCE}: the federated credential must match these three values exactly.`, evidence, remediation: [] };
  },
};

/** What differs between two issuer URLs, in words. */
export function difference(a: string, b: string): string {
  if (a.replace(/\/$/, '') === b.replace(/\/$/, '')) return a.endsWith('/') ? 'the token has a trailing "/" the other lacks' : 'the token lacks the trailing "/"';
  if (a.toLowerCase() === b.toLowerCase()) return 'they differ only in letter case';
  if (a.trim() === b.trim()) return 'they differ in surrounding whitespace';
  return 'they are different URLs';
}
