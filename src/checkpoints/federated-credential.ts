// federated-credential: among the identity's federated credentials (at most 20), one has issuer,
// subject and audience equal — character for character — to the token's iss, sub and aud. When
// none does, the nearest one is shown with the exact difference (trailing slash, namespace,
// ServiceAccount name, letter case, audience, whitespace or quotes), with the fix that creates
// the right one.

import type { FederatedCredential } from '../azure/types';
import { azureFailed } from './azure-shared';
import { SkipCheckpoint } from './context';
import type { AzureApi, ManagedIdentity } from '../azure/types';
import type { DiagnoseContext } from './context';
import { annotateServiceAccountFix, ev, listWords, shq } from './shared';
import type { AzureFixPlan, Checkpoint, Evidence, Remediation } from './types';

const MAX_CREDENTIALS = 20;
/** Newer than this, a credential may not have reached every Entra region yet (AADSTS70021 meanwhile). */
const PROPAGATION_MS = 5 * 60_000;

export const federatedCredential: Checkpoint = {
  id: 'federated-credential',
  title: 'Federated credential',
  description: "One of the identity's federated credentials has exactly the issuer, subject and audience of the pod's token; otherwise the nearest one and the exact difference.",
  side: 'azure',
  needs: ['managed-identity', 'projected-token'],
  fact: 'Issuer must equal the token\'s `iss` character for character, case-sensitive, INCLUDING the\n  trailing `/` [...] Subject: `system:serviceaccount:<namespace>:<serviceaccount>`, exact and case-sensitive.\n- Audience: exactly one, `api://AzureADTokenExchange`.',
  async run(ctx) {
    const claims = ctx.state.tokenClaims;
    if (!claims) throw new SkipCheckpoint('Skipped: no token claims to compare with (see "projected-token").');
    const azure = await ctx.azure();
    const identity = ctx.state.identity;
    const app = ctx.state.app;
    const owner = identity ? `managed identity ${identity.name}` : app ? `app registration "${app.displayName}"` : undefined;
    if (!owner) throw new SkipCheckpoint('Skipped: no identity to read credentials from (see "managed-identity").');
    const r = identity ? await azure.listFederatedCredentials(identity, ctx.signal) : await azure.listAppFederatedCredentials(app!, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, `list the federated credentials of ${owner}`);
    const creds = r.value;
    const aud = claims.aud.includes('api://AzureADTokenExchange') ? 'api://AzureADTokenExchange' : claims.aud[0] ?? '';
    const want = { issuer: claims.iss, subject: claims.sub, audience: aud };
    const evidence: Evidence[] = [
      ev('token', `issuer ${want.issuer} · subject ${want.subject} · audience ${want.audience}`),
      ev('credentials', `${creds.length} on ${owner}${creds.length >= MAX_CREDENTIALS ? ' — the maximum: no more can be added' : ''}`, creds.length >= MAX_CREDENTIALS ? 'warn' : undefined),
    ];
    const exact = creds.find((c) => c.issuer === want.issuer && c.subject === want.subject && c.audiences.length === 1 && c.audiences[0] === want.audience);
    const warnings: string[] = [];
    if (creds.length >= MAX_CREDENTIALS) warnings.push(`${owner} has ${creds.length} federated credentials, the maximum`);
    if (exact) {
      evidence.push(ev(`credential "${exact.name}"`, `matches exactly${exact.createdAt ? ` (created ${exact.createdAt})` : ''}`, 'ok'));
      const age = exact.createdAt ? ctx.now().getTime() - Date.parse(exact.createdAt) : Infinity;
      if (age < PROPAGATION_MS) warnings.push(`it was created ${Math.max(0, Math.round(age / 1000))} s ago and Entra can take a few minutes to apply it (AADSTS70021 until then)`);
      if (warnings.length) return { status: 'warn', summary: `Credential "${exact.name}" matches the token, but ${warnings.join('; ')}.`, evidence, remediation: [] };
      return { status: 'pass', summary: `Federated credential "${exact.name}" of ${owner} matches the token's issuer, subject and audience exactly.`, evidence, remediation: [] };
    }

    // Nearest first: this cluster's issuer before others (spelled alike counts), then the fewest differences.
    const sameIssuer = (c: FederatedCredential) => (c.issuer === want.issuer ? 0 : c.issuer.replace(/\/+$/, '').toLowerCase() === want.issuer.replace(/\/+$/, '').toLowerCase() ? 1 : 2);
    const ranked = creds.map((c) => ({ c, diffs: differences(c, want) })).sort((a, b) => sameIssuer(a.c) - sameIssuer(b.c) || a.diffs.length - b.diffs.length || a.diffs.join().length - b.diffs.join().length);
    const nearest = ranked[0];
    for (const { c, diffs } of ranked.slice(0, 3)) evidence.push(ev(`credential "${c.name}"`, `issuer ${c.issuer} · subject ${c.subject} · audiences ${c.audiences.join(', ')} — ${listWords(diffs)}`, 'fail'));
    if (ranked.length > 3) evidence.push(ev('…', `${ranked.length - 3} more, further off`, 'info'));
    const remediation: Remediation[] = [];
    if (identity) {
      // Issuer+subject are unique per identity: a credential that has both but the wrong audience is corrected, not duplicated.
      const sameKey = creds.find((c) => c.issuer === want.issuer && c.subject === want.subject);
      const base = `fic-${ctx.target.namespace}-${(await ctx.workload()).serviceAccountName}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 110);
      let name = sameKey?.name ?? base;
      for (let i = 2; !sameKey && creds.some((c) => c.name === name); i++) name = `${base}-${i}`; // never overwrite another credential
      const credential: FederatedCredential = { name, issuer: want.issuer, subject: want.subject, audiences: ['api://AzureADTokenExchange'] };
      const verb = sameKey ? 'update' : 'create';
      const command = `az identity federated-credential ${verb} --name ${shq(name)} --identity-name ${shq(identity.name)} --resource-group ${shq(identity.resourceGroup)} --subscription ${identity.subscriptionId} --issuer ${shq(want.issuer)} --subject ${shq(want.subject)} --audiences api://AzureADTokenExchange`;
      if (sameKey || creds.length < MAX_CREDENTIALS) {
        const azureFix: AzureFixPlan = {
          id: 'create-federated-credential',
          title: sameKey ? `Set the audience of federated credential "${name}" on ${identity.name}` : `Create federated credential "${name}" on ${identity.name}`,
          changes: [
            sameKey
              ? `Managed identity ${identity.name} (resource group ${identity.resourceGroup}): federated credential "${name}" gets audiences [api://AzureADTokenExchange] (was ${JSON.stringify(sameKey.audiences)})`
              : `Managed identity ${identity.name} (resource group ${identity.resourceGroup}): new federated credential "${name}" with issuer ${want.issuer}, subject ${want.subject}, audience api://AzureADTokenExchange`,
            'Entra can take a few minutes to apply it.',
          ],
          command,
          identity,
          credential,
          rerun: ['federated-credential', 'token-exchange'],
        };
        remediation.push({ text: `${azureFix.title} with the exact values of the token.`, command, azureFix });
      } else {
        const base = `--identity-name ${shq(identity.name)} --resource-group ${shq(identity.resourceGroup)} --subscription ${identity.subscriptionId}`;
        remediation.push(
          { text: `Delete a credential you no longer need (the limit is ${MAX_CREDENTIALS}).`, command: `az identity federated-credential delete --name <credential-name> ${base}` },
          { text: "Then create one with the token's exact values.", command },
        );
      }
    } else {
      remediation.push({ text: `Add a federated credential to app registration "${app!.displayName}" with the token's exact values.`, command: `az ad app federated-credential create --id ${app!.appId} --parameters '${JSON.stringify({ name: `fic-${ctx.target.namespace}`, issuer: want.issuer, subject: want.subject, audiences: ['api://AzureADTokenExchange'] })}'` });
    }
    const other = identity ? await identityWithMatch(ctx, azure, identity, want) : undefined;
    if (other) {
      const w = await ctx.workload();
      const fix = annotateServiceAccountFix(ctx, w, other.clientId);
      evidence.push(ev('another identity', `${other.name} (client ID ${other.clientId}) has a federated credential that matches the token exactly`, 'info'));
      remediation.push({ text: `Or point the ServiceAccount at ${other.name}, which already trusts this token: annotate it with client ID ${other.clientId}.`, command: fix.command, fix });
    }
    const summary = nearest
      ? `No federated credential of ${owner} matches the token. The nearest, "${nearest.c.name}", differs: ${listWords(nearest.diffs)}.`
      : `${owner} has no federated credential at all, so Entra trusts no Kubernetes token for it.`;
    return { status: 'fail', summary, evidence, remediation };
  },
};

/** What differs between a credential and the token, in words a user can act on. */
export function differences(c: FederatedCredential, want: { issuer: string; subject: string; audience: string }): string[] {
  const out: string[] = [];
  if (c.issuer !== want.issuer) out.push(`issuer ${describeDiff(c.issuer, want.issuer, 'issuer')}`);
  if (c.subject !== want.subject) out.push(`subject ${describeSubject(c.subject, want.subject)}`);
  if (!(c.audiences.length === 1 && c.audiences[0] === want.audience)) {
    out.push(c.audiences.length === 1 ? `audience ${JSON.stringify(c.audiences[0])} instead of "${want.audience}"` : `audiences ${JSON.stringify(c.audiences)} instead of exactly ["${want.audience}"]`);
  }
  return out;
}

function describeDiff(have: string, want: string, what: string): string {
  if (have.replace(/\/+$/, '') === want.replace(/\/+$/, '')) return want.endsWith('/') ? 'lacks the trailing "/" the token has' : 'has a trailing "/" the token lacks';
  if (have.trim().replace(/^["']|["']$/g, '').trim() === want) return `has extra whitespace or quotes: ${JSON.stringify(have)}`;
  if (have.toLowerCase() === want.toLowerCase()) return `differs in letter case: ${JSON.stringify(have)} vs ${JSON.stringify(want)}`;
  return `is ${JSON.stringify(have)}, not the token's ${what} ${JSON.stringify(want)}`;
}

function describeSubject(have: string, want: string): string {
  const p = (s: string) => s.split(':');
  const [h, w] = [p(have.trim()), p(want)];
  if (have !== have.trim() || /^["']|["']$/.test(have)) return `has extra whitespace or quotes: ${JSON.stringify(have)}`;
  if (have.toLowerCase() === want.toLowerCase()) return `differs only in letter case: ${JSON.stringify(have)} vs ${JSON.stringify(want)} (AADSTS7002138)`;
  if (h.length === 4 && w.length === 4 && h[0] === 'system' && h[1] === 'serviceaccount') {
    const parts: string[] = [];
    if (h[2] !== w[2]) parts.push(`namespace "${h[2]}" instead of "${w[2]}"`);
    if (h[3] !== w[3]) parts.push(`ServiceAccount "${h[3]}" instead of "${w[3]}"`);
    if (parts.length) return `names ${parts.join(' and ')}`;
  }
  return `is ${JSON.stringify(have)}, not ${JSON.stringify(want)}`;
}

/** Identities searched for one that already trusts the token (the ServiceAccount may name the wrong one). */
const MAX_SIBLINGS = 10;

/**
 * Another identity of the same resource group with a credential that matches the token exactly:
 * then the annotation, not the credential, is what is wrong. One Resource Graph query and at most
 * MAX_SIBLINGS credential lists, sent together; any failure just means no suggestion.
 */
async function identityWithMatch(ctx: DiagnoseContext, azure: AzureApi, identity: ManagedIdentity, want: { issuer: string; subject: string; audience: string }): Promise<ManagedIdentity | undefined> {
  const group = await azure.listIdentities(ctx.signal, { subscriptionId: identity.subscriptionId, resourceGroup: identity.resourceGroup });
  if (!group.ok) return undefined;
  const siblings = group.value.filter((i) => i.clientId.toLowerCase() !== identity.clientId.toLowerCase()).slice(0, MAX_SIBLINGS);
  const lists = await Promise.all(siblings.map((s) => azure.listFederatedCredentials(s, ctx.signal)));
  return siblings.find((_, i) => {
    const l = lists[i]!;
    return l.ok && l.value.some((c) => c.issuer === want.issuer && c.subject === want.subject && c.audiences.length === 1 && c.audiences[0] === want.audience);
  });
}
