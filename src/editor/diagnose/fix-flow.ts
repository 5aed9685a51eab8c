// The one way a fix offered in a report is applied, whatever it writes to (a cluster patch,
// cluster-fix.ts; an Azure credential, azure-fix.ts): one fix at a time per workload (the busy
// guard), the fix's own questions and confirmation, then — only if the user confirmed — the write
// and the re-check under one cancellable progress notification, the report view showing what is
// in progress, and the outcome published: the re-checked report everywhere, or the error in the
// output channel, the report view and a message. The fix decides what it asks and writes, with its
// own preconditions (dry run, resourceVersion, If-Match); this flow decides nothing about them.

import * as vscode from 'vscode';
import type { Diagnosis, RunHooks } from '../../checkpoints/runner';
import type { CheckpointId } from '../../checkpoints/types';
import type { DiagnosisEntry, FixHost, FixOutcome } from './entry';
import type { DiagnosePrompts } from '../prompts';

/** A write's result: refused or failed (nothing to re-check), or done, perhaps with a warning (a rollout that did not finish). */
export type WriteResult = { error: string } | { warning?: string };

/** The write a confirmed fix makes, reporting its steps on the progress notification. */
export type FixWrite = (progress: vscode.Progress<{ message?: string }>, signal: AbortSignal) => Promise<WriteResult>;

/** A fix from a report, as the flow runs it. */
export interface ReportFix {
  title: string;
  /** The checkpoints to re-run (with what depends on them) once it is written. */
  rerun: readonly CheckpointId[];
  /** Asks what the fix needs and for the confirmation; the write to make, or undefined when the user did not confirm. */
  confirm(prompts: DiagnosePrompts): Promise<FixWrite | undefined>;
  /** Said with "Applied: <title>." in the report view when no warning is (e.g. how long Azure takes to use the change). */
  note?: string;
}

export async function applyReportFix(host: FixHost, entry: DiagnosisEntry, fix: ReportFix): FixOutcome {
  const prompts = host.prompts;
  if (entry.busy) {
    void prompts.info('Workload Identity Doctor: a fix for this workload is already being applied.');
    return undefined;
  }
  const write = await fix.confirm(prompts);
  if (!write) return undefined;
  entry.busy = true;
  try {
    host.setBusy(entry, `Applying: ${fix.title}…`);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: fix.title },
      async (progress, token): Promise<{ error: string } | { diagnosis: Diagnosis; warning?: string }> => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const written = await write(progress, controller.signal);
        if ('error' in written) return written;
        progress.report({ message: 'Checking again…' });
        const diagnosis = await host.recheck(entry, fix.rerun, progressHooks(progress), controller.signal);
        return written.warning ? { diagnosis, warning: written.warning } : { diagnosis };
      },
    );
    if ('error' in outcome) {
      host.log(`${outcome.error}\n`);
      host.setBusy(entry, undefined, { level: 'error', text: outcome.error });
      void prompts.error(`Workload Identity Doctor: ${outcome.error}`);
      return undefined;
    }
    entry.diagnosis = outcome.diagnosis;
    const { warning } = outcome;
    host.log(`Applied: ${fix.title}${warning ? ` (${warning})` : ''}\n`);
    const after = warning ?? fix.note;
    host.publish(entry, { level: warning ? 'error' : 'info', text: `Applied: ${fix.title}.${after ? ` ${after}` : ''}` });
    return outcome.diagnosis.report;
  } finally {
    entry.busy = false;
  }
}

/** "Checking <title>…" per checkpoint, the bar advancing by each checkpoint's share. */
export function progressHooks(progress: vscode.Progress<{ message?: string; increment?: number }>): RunHooks {
  let done = 0;
  return {
    onStart(checkpoint, index, total) {
      const now = (index / Math.max(1, total)) * 100;
      progress.report({ message: `Checking ${checkpoint.title}…`, increment: now - done });
      done = now;
    },
  };
}
