// Applies an AzureFixPlan (a federated credential created, a near-miss one corrected, or a stale one
// deleted to make room) through
// the AzureApi the diagnosis used. ARM's federated-credential PUT creates or overwrites whatever
// has that name, and the API defines no ETag for it (Microsoft.ManagedIdentity 2024-11-30:
// FederatedIdentityCredential is a plain ProxyResource, and its PUT takes no If-Match), so there
// is no version to make the write conditional on. Two guards instead:
//
// 1. Read and compare: the credential is read again just before the write and must still be what
//    the diagnosis saw (`plan.before`; none for a create). A change is never clobbered: the write
//    is not made, and the sentence says what changed.
// 2. An HTTP precondition on the PUT itself (RFC 7232), which the server evaluates atomically with
//    the write: a create sends `If-None-Match: *` (the server must not create if one of that name
//    exists: 412 Precondition Failed), a correction sends `If-Match: *` (it must still exist, so a
//    credential deleted meanwhile is not re-created). ARM hands conditional headers to the resource
//    provider, which is responsible for them; a provider that ignores them loses nothing the first
//    guard gives. A 412 — or a 409 on a create — means someone wrote meanwhile: the credential is
//    read again and what is there now is shown; nothing is replaced.
//
// The residual window, honestly: a *correction* of an existing credential has no version to
// compare, so a change made by someone else between the re-read and the PUT (typically well under
// a second) would be overwritten; and if the provider ignores If-None-Match, the same holds for a
// credential of the same name created in that instant. docs/workload-identity-facts.md says so.

import type { AzureApi, AzureFailure, FederatedCredential } from '../azure/types';
import type { AzureFixPlan } from './types';

export type ApplyAzureFixResult =
  | { ok: true; credential: FederatedCredential }
  | {
      ok: false;
      step: 'precondition' | 'write';
      message: string;
      failure?: AzureFailure;
      /** What is there now, when someone else wrote it meanwhile (read after the refusal); null: none. */
      found?: FederatedCredential | null;
    };

export async function applyAzureFix(api: AzureApi, plan: AzureFixPlan, signal?: AbortSignal): Promise<ApplyAzureFixResult> {
  const { identity, credential, before } = plan;
  const now = await api.getFederatedCredential(identity, credential.name, signal);
  if (!now.ok) return { ok: false, step: 'precondition', message: `${plan.title} was not made: could not read the credential first. ${now.failure.message}`, failure: now.failure };
  const changed = describeChange(before, now.value);
  if (changed) return { ok: false, step: 'precondition', message: `${plan.title} was not made: ${changed} since the diagnosis read it. Run the diagnosis again to see it as it is now.` };
  if (plan.id === 'delete-federated-credential') {
    // The stale credential, still exactly what the diagnosis judged (read just above): deleted.
    const d = await api.deleteFederatedCredential(identity, credential.name, signal);
    return d.ok ? { ok: true, credential } : { ok: false, step: 'write', message: `${plan.title} failed: ${d.failure.message}`, failure: d.failure };
  }
  const r = await api.createFederatedCredential(identity, credential, signal, before ? 'present' : 'absent');
  if (!r.ok) {
    // Someone wrote between our read and our write: show what is there now, replace nothing.
    if (r.failure.kind === 'precondition-failed' || (r.failure.kind === 'conflict' && !before)) {
      const there = await api.getFederatedCredential(identity, credential.name, signal);
      if (there.ok) {
        const what = describeChange(before, there.value);
        if (what) {
          return {
            ok: false, step: 'precondition', failure: r.failure, found: there.value ?? null,
            message: `${plan.title} was not made: ${what} while it was being written (Azure answered ${r.failure.status ?? r.failure.kind}${r.failure.code ? ` ${r.failure.code}` : ''}); nothing was replaced. Run the diagnosis again to see it as it is now.`,
          };
        }
      }
    }
    return { ok: false, step: 'write', message: `${plan.title} failed: ${r.failure.message}`, failure: r.failure };
  }
  return { ok: true, credential: r.value };
}

/** What differs between what the diagnosis saw and what is there now, or undefined when nothing does. */
function describeChange(before: FederatedCredential | null, now: FederatedCredential | undefined): string | undefined {
  if (!before) return now ? `a credential named "${now.name}" was created by someone else (issuer ${now.issuer}, subject ${now.subject}, audiences ${now.audiences.join(', ')}${now.createdAt ? `, created ${now.createdAt}` : ''})` : undefined;
  if (!now) return `credential "${before.name}" was deleted`;
  const same = now.issuer === before.issuer && now.subject === before.subject && now.audiences.length === before.audiences.length && now.audiences.every((a, i) => a === before.audiences[i]);
  return same ? undefined : `credential "${before.name}" was changed (now issuer ${now.issuer}, subject ${now.subject}, audiences ${now.audiences.join(', ')})`;
}
