// An Azure fix from a report (a federated credential created, or a near-miss one corrected): a
// modal confirmation listing the changes (before and after, for a correction) and the az command,
// then the write through the AzureApi the diagnosis used — with its preconditions: the credential
// is read again just before and must still be what the diagnosis saw, and the PUT carries
// If-None-Match: * (a create) or If-Match: * (a correction), so Azure refuses it rather than
// replace a credential someone else wrote meanwhile (src/checkpoints/apply-azure-fix.ts). The one
// fix flow (fix-flow.ts) runs it and re-checks. Nothing is written unless the user confirms; a
// refusal or a credential changed by someone else becomes a notice in the report view and an
// error message, showing what is there.

import { applyAzureFix } from '../../checkpoints/apply-azure-fix';
import type { AzureFixPlan } from '../../checkpoints/types';
import type { DiagnosisEntry } from './entry';
import type { FixWrite, ReportFix, WriteResult } from './fix-flow';
import type { DiagnosePrompts } from '../prompts';

export const CREATE_ACTION = 'Create';
export const UPDATE_ACTION = 'Update';
export const DELETE_ACTION = 'Delete';

/** The modal's message, detail and action for a plan. */
export function azureFixConfirmation(plan: AzureFixPlan): { message: string; detail: string; action: string } {
  const action = plan.id === 'update-federated-credential' ? UPDATE_ACTION : plan.id === 'delete-federated-credential' ? DELETE_ACTION : CREATE_ACTION;
  const precondition = plan.id === 'delete-federated-credential'
    ? `Just before deleting, credential "${plan.credential.name}" is read again: if it is no longer what the diagnosis saw, nothing is deleted.`
    : plan.before
    ? `Just before writing, credential "${plan.before.name}" is read again: if it is no longer what the diagnosis saw, nothing is written. The write is sent with If-Match: *, so a credential deleted meanwhile is not re-created.`
    : `Just before writing, Azure is asked again: if a credential named "${plan.credential.name}" appeared meanwhile, nothing is written. The write is sent with If-None-Match: *, so Azure refuses it rather than replace one created in the last instant, and what is there is shown.`;
  const detail = [...plan.changes, '', 'The same with the Azure CLI:', plan.command, '', `Nothing is written in Azure unless you choose ${action}. ${precondition}`].join('\n');
  return { message: `${plan.title}?`, detail, action };
}

/**
 * A report's Azure fix for the one fix flow (fix-flow.ts), written through the Azure API the
 * diagnosis holds; undefined (said in an error message) when the diagnosis has no Azure sign-in.
 */
export async function azureFix(prompts: DiagnosePrompts, entry: DiagnosisEntry, plan: AzureFixPlan): Promise<ReportFix | undefined> {
  const api = await entry.diagnosis.context.azureIfAvailable();
  if (!api) {
    void prompts.error(`Workload Identity Doctor: the diagnosis of ${entry.target.namespace}/${entry.target.name} has no Azure sign-in to apply "${plan.title}" with; run it again.`);
    return undefined;
  }
  return {
    title: plan.title,
    rerun: plan.rerun,
    note: plan.id === 'delete-federated-credential' ? 'The stale credential is deleted: there is room for this workload\'s now.' : 'Entra can take a few minutes to use a new or changed credential.',
    confirm: async (ask): Promise<FixWrite | undefined> => {
      const c = azureFixConfirmation(plan);
      if ((await ask.confirm(c.message, c.detail, c.action)) !== c.action) return undefined;
      return async (progress, signal): Promise<WriteResult> => {
        progress.report({ message: 'Reading the credential again, then writing to Azure…' });
        const written = await applyAzureFix(api, plan, signal);
        if (!written.ok) return { error: written.message };
        entry.lastChangeAt = new Date();
        return {};
      };
    },
  };
}
