// An Azure fix from a report (a federated credential created, or a near-miss one corrected): a
// modal confirmation listing the changes (before and after, for a correction) and the az command,
// then the write through the AzureApi the diagnosis used — with its preconditions: the credential
// is read again just before and must still be what the diagnosis saw, and the PUT carries
// If-None-Match: * (a create) or If-Match: * (a correction), so Azure refuses it rather than
// replace a credential someone else wrote meanwhile (src/checkpoints/apply-azure-fix.ts) — and a
// re-check. Nothing is written unless the user confirms; a refusal or a credential changed by
// someone else becomes a notice in the report view and an error message, showing what is there.

import * as vscode from 'vscode';
import { applyAzureFix } from '../../checkpoints/apply-azure-fix';
import type { Diagnosis } from '../../checkpoints/runner';
import type { AzureFixPlan } from '../../checkpoints/types';
import type { DiagnosisEntry, FixHost, FixOutcome } from './entry';
import { progressHooks } from './fix-flow';

export const CREATE_ACTION = 'Create';
export const UPDATE_ACTION = 'Update';

/** The modal's message, detail and action for a plan. */
export function azureFixConfirmation(plan: AzureFixPlan): { message: string; detail: string; action: string } {
  const action = plan.id === 'update-federated-credential' ? UPDATE_ACTION : CREATE_ACTION;
  const precondition = plan.before
    ? `Just before writing, credential "${plan.before.name}" is read again: if it is no longer what the diagnosis saw, nothing is written. The write is sent with If-Match: *, so a credential deleted meanwhile is not re-created.`
    : `Just before writing, Azure is asked again: if a credential named "${plan.credential.name}" appeared meanwhile, nothing is written. The write is sent with If-None-Match: *, so Azure refuses it rather than replace one created in the last instant, and what is there is shown.`;
  const detail = [...plan.changes, '', 'The same with the Azure CLI:', plan.command, '', `Nothing is written in Azure unless you choose ${action}. ${precondition}`].join('\n');
  return { message: `${plan.title}?`, detail, action };
}

export async function applyAzureFixFlow(host: FixHost, entry: DiagnosisEntry, plan: AzureFixPlan): FixOutcome {
  const prompts = host.prompts;
  const api = entry.azure.api;
  if (!api) {
    void prompts.error(`Workload Identity Doctor: the diagnosis of ${entry.target.namespace}/${entry.target.name} has no Azure sign-in to apply "${plan.title}" with; run it again.`);
    return undefined;
  }
  if (entry.busy) {
    void prompts.info('Workload Identity Doctor: a fix for this workload is already being applied.');
    return undefined;
  }
  const ask = azureFixConfirmation(plan);
  if ((await prompts.confirm(ask.message, ask.detail, ask.action)) !== ask.action) return undefined;
  entry.busy = true;
  try {
    host.setBusy(entry, `Applying: ${plan.title}…`);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: plan.title },
      async (progress, token): Promise<{ error: string } | { diagnosis: Diagnosis }> => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        progress.report({ message: 'Reading the credential again, then writing to Azure…' });
        const written = await applyAzureFix(api, plan, controller.signal);
        if (!written.ok) return { error: written.message };
        entry.lastChangeAt = new Date();
        progress.report({ message: 'Checking again…' });
        return { diagnosis: await host.recheck(entry, plan.rerun, progressHooks(progress), controller.signal) };
      },
    );
    if ('error' in outcome) {
      host.log(`${outcome.error}\n`);
      host.setBusy(entry, undefined, { level: 'error', text: outcome.error });
      void prompts.error(`Workload Identity Doctor: ${outcome.error}`);
      return undefined;
    }
    entry.diagnosis = outcome.diagnosis;
    host.log(`Applied: ${plan.title}\n`);
    host.publish(entry, { level: 'info', text: `Applied: ${plan.title}. Entra can take a few minutes to use a new or changed credential.` });
    return outcome.diagnosis.report;
  } finally {
    entry.busy = false;
  }
}
