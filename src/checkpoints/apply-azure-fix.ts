// Applies an AzureFixPlan (a federated credential created, or a near-miss one corrected) through
// the AzureApi the diagnosis used. ARM's federated-credential PUT overwrites whatever has that name
// and takes no If-Match, so the precondition is ours: the credential is read again just before the
// write and must still be what the diagnosis saw (`plan.before`; none for a create). A concurrent
// change is never clobbered: the write is then not made, and the sentence says what changed.

import type { AzureApi, AzureFailure, FederatedCredential } from '../azure/types';
import type { AzureFixPlan } from './types';

export type ApplyAzureFixResult =
  | { ok: true; credential: FederatedCredential }
  | { ok: false; step: 'precondition' | 'write'; message: string; failure?: AzureFailure };

export async function applyAzureFix(api: AzureApi, plan: AzureFixPlan, signal?: AbortSignal): Promise<ApplyAzureFixResult> {
  const { identity, credential, before } = plan;
  const now = await api.getFederatedCredential(identity, credential.name, signal);
  if (!now.ok) return { ok: false, step: 'precondition', message: `${plan.title} was not made: could not read the credential first. ${now.failure.message}`, failure: now.failure };
  const changed = describeChange(before, now.value);
  if (changed) return { ok: false, step: 'precondition', message: `${plan.title} was not made: ${changed} since the diagnosis read it. Run the diagnosis again to see it as it is now.` };
  const r = await api.createFederatedCredential(identity, credential, signal);
  if (!r.ok) return { ok: false, step: 'write', message: `${plan.title} failed: ${r.failure.message}`, failure: r.failure };
  return { ok: true, credential: r.value };
}

/** What differs between what the diagnosis saw and what is there now, or undefined when nothing does. */
function describeChange(before: FederatedCredential | null, now: FederatedCredential | undefined): string | undefined {
  if (!before) return now ? `a credential named "${now.name}" was created (issuer ${now.issuer}, subject ${now.subject})` : undefined;
  if (!now) return `credential "${before.name}" was deleted`;
  const same = now.issuer === before.issuer && now.subject === before.subject && now.audiences.length === before.audiences.length && now.audiences.every((a, i) => a === before.audiences[i]);
  return same ? undefined : `credential "${before.name}" was changed (now issuer ${now.issuer}, subject ${now.subject}, audiences ${now.audiences.join(', ')})`;
}
