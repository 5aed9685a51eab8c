// federated-credential: among the identity's federated credentials (at most 20), one has issuer,
// subject and audience equal — character for character — to the token's iss, sub and aud. When
// none does, the near miss (this workload's credential, misspelt: a trailing slash, a namespace or
// ServiceAccount typo, letter case, whitespace, the audience) is shown with the exact characters
// that differ and the fix corrects it in place; other ServiceAccounts' and other clusters'
// credentials are listed neutrally, and without a near miss the fix creates the right one.

import { Resources } from '../cluster/resources';
import type { AzureApi, FederatedCredential, ManagedIdentity } from '../azure/types';
import { azureFailed } from './azure-shared';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { byNearness, compare, PROPAGATION_MS, differences, exactDifferences, exactMatch, isNearMiss, type Comparison, type TokenValues } from './credential-match';
import { annotateServiceAccountFix, ev, listWords, shq } from './shared';
import type { AzureFixPlan, Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { capitalize } from '../util/words';
import { bindingCredential } from './identity-binding-credential';
import { auditIdentity, azDeleteCredential, azIdentityArgs, MAX_CREDENTIALS } from '../azure/identity-audit';
import { usesIdentityBinding } from './identity-binding-mode';


export const federatedCredential: Checkpoint = {
  id: 'federated-credential',
  title: CHECKPOINT_TITLES['federated-credential'],
  description: "One of the identity's federated credentials has exactly the issuer, subject and audience of the pod's token; otherwise the nearest one and the exact difference.",
  side: 'azure',
  needs: ['managed-identity', 'projected-token'],
  fact: 'Issuer must equal the token\'s `iss` character for character, case-sensitive, INCLUDING the\n  trailing `/` [...] Subject: `system:serviceaccount:<namespace>:<serviceaccount>`, exact and case-sensitive.\n- Audience: exactly one, `api://AzureADTokenExchange`.',
  async run(ctx) {
    const claims = ctx.state.tokenClaims;
    if (!claims) throw new SkipCheckpoint('Skipped: no token claims to compare with (see "Projected service account token").');
    const azure = await ctx.azure();
    const identity = ctx.state.identity;
    const app = ctx.state.app;
    const owner = identity ? `managed identity ${identity.name}` : app ? `app registration "${app.displayName}"` : undefined;
    if (!owner) throw new SkipCheckpoint('Skipped: no identity to read credentials from (see "Managed identity").');
    const r = identity ? await azure.listFederatedCredentials(identity, ctx.signal) : await azure.listAppFederatedCredentials(app!, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, `list the federated credentials of ${owner}`, azure, ctx.signal);
    const creds = r.value;
    if (await usesIdentityBinding(ctx)) return bindingCredential(identity, app?.displayName, creds);
    const aud = claims.aud.includes('api://AzureADTokenExchange') ? 'api://AzureADTokenExchange' : claims.aud[0] ?? '';
    const want: TokenValues = { issuer: claims.iss, subject: claims.sub, audience: aud };
    const evidence: Evidence[] = [
      ev('token', `issuer ${want.issuer} · subject ${want.subject} · audience ${want.audience}`),
      ev('credentials', `${creds.length} on ${owner}${creds.length >= MAX_CREDENTIALS ? ' — the maximum: no more can be added' : ''}`, creds.length >= MAX_CREDENTIALS ? 'warn' : undefined),
    ];
    const exact = creds.find((c) => exactMatch(c, want));
    ctx.state.matchAgeMs = undefined;
    const warnings: string[] = [];
    if (creds.length >= MAX_CREDENTIALS) warnings.push(`${owner} has ${creds.length} federated credentials, the maximum`);
    if (exact) {
      // Entra propagates a changed credential as it does a new one: the newer of the two times counts.
      const changed = exact.modifiedAt && exact.createdAt && exact.modifiedAt > exact.createdAt ? exact.modifiedAt : undefined;
      const since = changed ?? exact.createdAt;
      evidence.push(ev(`credential "${exact.name}"`, `matches exactly${exact.createdAt ? ` (created ${exact.createdAt}${changed ? `, changed ${changed}` : ''})` : ''}`, 'ok'));
      const age = since ? ctx.now().getTime() - Date.parse(since) : Infinity;
      ctx.state.matchAgeMs = age;
      if (age < PROPAGATION_MS) warnings.push(`it was ${changed ? 'changed' : 'created'} ${Math.max(0, Math.round(age / 1000))} s ago and Entra can take a few minutes to apply it (AADSTS70021 until then)`);
      if (warnings.length) return { status: 'warn', summary: `Credential "${exact.name}" matches the token, but ${warnings.join('; ')}.`, evidence, remediation: [] };
      return { status: 'pass', summary: `Federated credential "${exact.name}" of ${owner} matches the token's issuer, subject and audience exactly.`, evidence, remediation: [] };
    }

    // The near miss (this workload's credential, misspelt) is told apart from other workloads' and
    // other clusters' credentials, which are shown neutrally: they are not problems.
    const compared = creds.map((c) => compare(c, want)).sort(byNearness);
    const near = await nearMiss(ctx, compared);
    if (near) {
      const extra = near.unsure ? ` (whether ServiceAccount ${near.x.names?.namespace}/${near.x.names?.serviceAccount} exists could not be read: ${near.unsure})` : '';
      evidence.push(ev(`nearest: credential "${near.x.credential.name}"`, `${describeCredential(near.x.credential)} — ${listWords(exactDifferences(near.x.credential, want))}${extra}`, 'fail'));
    }
    const others = compared.filter((x) => x !== near?.x);
    for (const x of others.slice(0, MAX_OTHERS)) evidence.push(ev(`other credential "${x.credential.name}"`, `${describeCredential(x.credential)} — ${whoseLabel(x, want)}`));
    if (others.length > MAX_OTHERS) evidence.push(ev('…', `${others.length - MAX_OTHERS} more credentials of other ServiceAccounts or clusters`));

    const remediation: Remediation[] = [];
    if (identity) remediation.push(...fixFor(ctx, identity, creds, want, near?.unsure ? undefined : near?.x, (await ctx.workload()).serviceAccountName));
    else {
      remediation.push({ text: `Add a federated credential to app registration "${app!.displayName}" with the token's exact values.`, command: `az ad app federated-credential create --id ${shq(app!.appId)} --parameters ${shq(JSON.stringify({ name: `fic-${ctx.target.namespace}`, issuer: want.issuer, subject: want.subject, audiences: ['api://AzureADTokenExchange'] }))}` });
    }
    // At the limit without a near miss to correct: which credentials are stale, to make room (the identity view's judgement).
    if (identity && creds.length >= MAX_CREDENTIALS && !near) {
      const audit = await auditIdentity(azure, identity, { api: ctx.cluster, issuer: claims.iss }, ctx.signal);
      const stale = audit.ok ? audit.value.credentials.filter((c) => c.state === 'stale' || c.state === 'likely-stale') : [];
      for (const c of stale.slice(0, MAX_OTHERS)) evidence.push(ev(`${c.state === 'stale' ? 'stale' : 'likely stale'}: credential "${c.credential.name}"`, c.reason, 'warn'));
      const first = stale[0];
      if (first) {
        const command = azDeleteCredential(identity, first.credential.name);
        const azureFix: AzureFixPlan = {
          id: 'delete-federated-credential',
          title: `Delete ${first.state === 'stale' ? 'stale' : 'likely stale'} federated credential "${first.credential.name}" of ${identity.name}`,
          changes: [`Managed identity ${identity.name} (resource group ${identity.resourceGroup}): federated credential "${first.credential.name}" deleted — issuer ${first.credential.issuer}, subject ${first.credential.subject}`, `Why: ${first.reason}.`, 'Then create the credential for this workload (run the diagnosis again).'],
          command,
          identity,
          credential: first.credential,
          before: first.credential,
          rerun: ['federated-credential'],
        };
        remediation.unshift({ text: `Make room: delete the ${first.state === 'stale' ? 'stale' : 'likely stale'} credential "${first.credential.name}" (${first.reason}), then create this one.`, command, azureFix });
      }
    }
    const other = identity ? await identityWithMatch(ctx, azure, identity, want) : undefined;
    if (other) {
      const w = await ctx.workload();
      // The ServiceAccount as service-account read it: the patch is guarded by its resourceVersion.
      const sa = await ctx.serviceAccount();
      evidence.push(ev('another identity', `${other.name} (client ID ${other.clientId}) has a federated credential that matches the token exactly`, 'info'));
      if (sa) {
        const fix = annotateServiceAccountFix(ctx, { namespace: w.ref.namespace, name: w.serviceAccountName, resourceVersion: sa.metadata.resourceVersion }, other.clientId);
        remediation.push({ text: `Or point the ServiceAccount at ${other.name}, which already trusts this token: annotate it with client ID ${other.clientId}.`, command: fix.command, fix });
      }
    }
    const subject = `${ctx.target.namespace}/${(await ctx.workload()).serviceAccountName}`;
    const summary = near
      ? `No federated credential of ${owner} matches the token. The nearest, "${near.x.credential.name}", differs: ${listWords(near.x.diffs)}.`
      : creds.length
        ? `No federated credential of ${owner} matches the token: none names this cluster's issuer and ServiceAccount ${subject}; its ${creds.length === 1 ? 'one credential is' : `${creds.length} credentials are`} for other ServiceAccounts or clusters.`
        : `${capitalize(owner)} has no federated credential at all, so Entra trusts no Kubernetes token for it.`;
    return { status: 'fail', summary, evidence, remediation };
  },
};

/** Credentials of other ServiceAccounts or clusters listed by name; the rest are counted. */
const MAX_OTHERS = 3;

function describeCredential(c: FederatedCredential): string {
  return `issuer ${c.issuer} · subject ${c.subject} · audiences ${c.audiences.join(', ')}`;
}

/** Whose credential this is, in a few neutral words. */
function whoseLabel(x: Comparison, want: TokenValues): string {
  if (x.issuer === 'other') return x.subject === 'exact' ? 'this ServiceAccount on another cluster (another issuer)' : 'another cluster (another issuer)';
  if (x.names) return `ServiceAccount ${x.names.namespace}/${x.names.serviceAccount} of this cluster`;
  return listWords(differences(x.credential, want));
}

/**
 * The near miss among the compared credentials, nearest first. One that names another
 * ServiceAccount (or namespace) is this workload's misspelt only when that ServiceAccount does not
 * exist in the cluster; when it exists, the credential is that one's. When it cannot be read, the
 * credential is still shown as the nearest, but `unsure` says why it is not corrected in place.
 */
async function nearMiss(ctx: DiagnoseContext, compared: Comparison[]): Promise<{ x: Comparison; unsure?: string } | undefined> {
  for (const x of compared.filter(isNearMiss).slice(0, 3)) {
    if (!(x.subject === 'one-part' || x.subject === 'near') || !x.names) return { x };
    const { namespace, serviceAccount } = x.names;
    const r = await ctx.read(`sa:${namespace}/${serviceAccount}`, () => ctx.cluster.get(Resources.serviceAccounts, namespace, serviceAccount, ctx.signal));
    if (r.ok) continue; // another workload's credential, right as it is
    if (r.failure.kind === 'cancelled') ctx.must(r, 'ServiceAccount');
    if (r.failure.kind === 'not-found') return { x };
    return { x, unsure: r.failure.message };
  }
  return undefined;
}

/**
 * The fix: correct the near miss in place (same name; `before` is the precondition), or create a
 * credential with the token's exact values; at the limit of 20, delete one first.
 */
function fixFor(ctx: DiagnoseContext, identity: ManagedIdentity, creds: FederatedCredential[], want: TokenValues, near: Comparison | undefined, serviceAccount: string): Remediation[] {
  const target = azIdentityArgs(identity);
  const values = `--issuer ${shq(want.issuer)} --subject ${shq(want.subject)} --audiences ${shq(want.audience)}`;
  const credential = (name: string): FederatedCredential => ({ name, issuer: want.issuer, subject: want.subject, audiences: [want.audience] });
  if (near) {
    const c = near.credential;
    const changes = [
      ...(c.issuer !== want.issuer ? [`issuer: ${JSON.stringify(c.issuer)} → ${JSON.stringify(want.issuer)}`] : []),
      ...(c.subject !== want.subject ? [`subject: ${JSON.stringify(c.subject)} → ${JSON.stringify(want.subject)}`] : []),
      ...(!near.audienceOk ? [`audiences: ${JSON.stringify(c.audiences)} → ${JSON.stringify([want.audience])}`] : []),
    ];
    const command = `az identity federated-credential update --name ${shq(c.name)} ${target} ${values}`;
    const azureFix: AzureFixPlan = {
      id: 'update-federated-credential',
      title: `Correct federated credential "${c.name}" of ${identity.name}`,
      changes: [`Managed identity ${identity.name} (resource group ${identity.resourceGroup}), federated credential "${c.name}":`, ...changes.map((x) => `  ${x}`), 'Entra can take a few minutes to apply the change.'],
      command,
      identity,
      credential: credential(c.name),
      before: c,
      rerun: ['federated-credential', 'token-exchange'],
    };
    return [{ text: `${azureFix.title}: it is this workload's, misspelt (${listWords(near.diffs)}).`, command, azureFix }];
  }
  const base = `fic-${ctx.target.namespace}-${serviceAccount}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 110);
  let name = base;
  for (let i = 2; creds.some((c) => c.name === name); i++) name = `${base}-${i}`; // never overwrite another credential
  const command = `az identity federated-credential create --name ${shq(name)} ${target} ${values}`;
  if (creds.length >= MAX_CREDENTIALS) {
    return [
      { text: `Delete a credential you no longer need (the limit is ${MAX_CREDENTIALS}): this lists which still serve a cluster and which are stale, and deletes one after a yes.`, command: `wi-doctor identity ${shq(identity.clientId)}` },
      { text: 'Or delete one with az.', command: `az identity federated-credential delete --name <credential-name> ${target}` },
      { text: 'Or, for many clusters sharing this identity, use AKS identity bindings: one credential for every cluster.' },
      { text: "Then create one with the token's exact values.", command },
    ];
  }
  const azureFix: AzureFixPlan = {
    id: 'create-federated-credential',
    title: `Create federated credential "${name}" on ${identity.name}`,
    changes: [`Managed identity ${identity.name} (resource group ${identity.resourceGroup}): new federated credential "${name}" with issuer ${want.issuer}, subject ${want.subject}, audience ${want.audience}`, 'Entra can take a few minutes to apply it.'],
    command,
    identity,
    credential: credential(name),
    before: null,
    rerun: ['federated-credential', 'token-exchange'],
  };
  return [{ text: `${azureFix.title} with the exact values of the token.`, command, azureFix }];
}

/** Identities searched for one that already trusts the token (the ServiceAccount may name the wrong one). */
const MAX_SIBLINGS = 10;

/**
 * Another identity of the same resource group with a credential that matches the token exactly:
 * then the annotation, not the credential, is what is wrong. One Resource Graph query and at most
 * MAX_SIBLINGS credential lists, sent together; any failure just means no suggestion.
 */
async function identityWithMatch(ctx: DiagnoseContext, azure: AzureApi, identity: ManagedIdentity, want: TokenValues): Promise<ManagedIdentity | undefined> {
  const group = await azure.listIdentities(ctx.signal, { subscriptionId: identity.subscriptionId, resourceGroup: identity.resourceGroup });
  if (!group.ok) return undefined;
  const siblings = group.value.filter((i) => i.clientId.toLowerCase() !== identity.clientId.toLowerCase()).slice(0, MAX_SIBLINGS);
  const lists = await Promise.all(siblings.map((s) => azure.listFederatedCredentials(s, ctx.signal)));
  return siblings.find((_, i) => {
    const l = lists[i]!;
    return l.ok && l.value.some((c) => exactMatch(c, want));
  });
}

