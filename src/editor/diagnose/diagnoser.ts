// Runs diagnoses and fixes for the editor: a cancellable progress notification around the core
// runner, the text report in the output channel, the report view, and the event the tests wait
// on. It keeps the last Diagnosis of each workload, because a fix re-runs only the checkpoints
// it affects, with the state the first run established — and the AzureApi that run used, since
// an Azure fix (a federated credential) must be written through the same sign-in it was found with.

import * as vscode from 'vscode';
import { applyFix, describeRollout, resolveFix, waitForRollout } from '../../checkpoints/apply-fix';
import { diagnose, rerun, type Diagnosis, type RunHooks } from '../../checkpoints/runner';
import type { AzureApi } from '../../azure/types';
import type { DiagnoseOptions } from '../../checkpoints/context';
import type { AzureFixPlan, Checkpoint, CheckpointId, DiagnosisReport, FixPlan, WorkloadRef } from '../../checkpoints/types';
import { connect } from '../../cluster/connect';
import type { ClusterApi } from '../../cluster/types';
import type { ReportMessage } from '../../render/report-html';
import { renderReportMarkdown } from '../../render/report-markdown';
import { renderReportText } from '../../render/report-text';
import { reportSignInFailure, type AzureAccess } from '../azure/azure-access';
import type { DiagnosePrompts, PromptSeam } from './prompts';
import { ReportPanels } from './report-panel';
import type { DiagnoseSettings } from './settings';

/** How long a fix waits for the rollout it started before re-checking anyway. */
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;

export const EXCHANGE_ACTION = 'Exchange';
export const CREATE_ACTION = 'Create';
const EXCHANGE_DETAIL =
  'This proves the chain from the pod to Azure end to end: Entra ID is asked for a token of a harmless scope, which is discarded at once. ' +
  'Set wiDoctor.diagnose.tokenExchange to "always" or "never" to stop being asked.';

export interface DiagnoserDeps {
  checkpoints: () => readonly Checkpoint[];
  settings: () => DiagnoseSettings;
  prompts: PromptSeam;
  tool: { name: string; version: string };
  /** Azure access for the Azure checkpoints, the sign-in and the Azure fixes. */
  azure: AzureAccess;
  /** The report view's tab icon. */
  iconPath?: vscode.Uri;
  /** Called after an interactive Azure sign-in succeeded (the walkthrough's step). */
  onSignedIn?: () => void;
}

/** The AzureApi a diagnosis got from its provider, kept for the Azure fixes of its report. */
export interface AzureHandle {
  api?: AzureApi;
}

export interface DiagnosisEntry {
  key: string;
  target: WorkloadRef;
  /** The context the user asked for (an argument), kept so Re-run asks for the same one. */
  contextOverride?: string;
  diagnosis: Diagnosis;
  azure: AzureHandle;
  busy: boolean;
}

export function workloadKey(context: string, w: WorkloadRef): string {
  return `${context}\u0000${w.namespace}\u0000${w.kind}\u0000${w.name}`;
}

export class Diagnoser implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DiagnosisReport>();
  /** Fires after every diagnosis and every re-check after a fix. */
  readonly onDidDiagnose = this.emitter.event;
  readonly output = vscode.window.createOutputChannel('Workload Identity Doctor: Diagnosis', 'wi-doctor-report');
  private readonly panels: ReportPanels;
  private readonly entries = new Map<string, DiagnosisEntry>();
  private last: DiagnosisEntry | undefined;

  constructor(private readonly deps: DiagnoserDeps) {
    this.panels = new ReportPanels((key, m) => void this.onPanelMessage(key, m), deps.iconPath);
  }

  /** A client for the configured kubeconfig and context (or `context`). Never throws: a bad kubeconfig fails its calls. */
  connect(context?: string): ClusterApi {
    const s = this.deps.settings();
    return connect({ kubeconfig: s.kubeconfig, context: context || s.context, timeoutMs: s.timeoutMs, userAgent: `wi-doctor-vscode/${this.deps.tool.version}` });
  }

  get lastReport(): DiagnosisReport | undefined {
    return this.last?.diagnosis.report;
  }

  /** Diagnoses with a cancellable progress notification; publishes the report (output, view, event). */
  async run(cluster: ClusterApi, target: WorkloadRef, opts: { signal?: AbortSignal; contextOverride?: string } = {}): Promise<DiagnosisReport> {
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    try {
      const azure: AzureHandle = {};
      const diagnosis = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, cancellable: true, title: `Diagnosing ${target.namespace}/${target.kind}/${target.name}` },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return diagnose({ cluster, target, checkpoints: this.deps.checkpoints(), signal: controller.signal, hooks: progressHooks(progress), tool: this.deps.tool, options: this.options(azure) });
        },
      );
      const key = workloadKey(cluster.identity.context, target);
      const entry: DiagnosisEntry = { key, target, contextOverride: opts.contextOverride, diagnosis, azure, busy: false };
      this.entries.set(key, entry);
      this.publish(entry);
      return diagnosis.report;
    } finally {
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /**
   * The Azure side of one diagnosis: a silent provider (asked only when an Azure checkpoint runs)
   * that keeps the AzureApi it hands out in `azure`, the token-exchange setting, and the consent
   * asked through the prompts seam (read when asked, so a re-check uses the prompts then in force).
   */
  private options(azure: AzureHandle): DiagnoseOptions {
    const s = this.deps.settings();
    const provider = this.deps.azure.provider(s.timeoutMs);
    return {
      azure: async () => {
        const r = await provider();
        if ('api' in r) azure.api = r.api;
        return r;
      },
      tokenExchange: s.tokenExchange,
      confirmTokenExchange: async (what) => (await this.deps.prompts.current.confirm(what, EXCHANGE_DETAIL, EXCHANGE_ACTION)) === EXCHANGE_ACTION,
    };
  }

  /** Re-runs a diagnosis from scratch (new reads, a new Azure provider), as the Re-run button does. */
  rerunEntry(entry: DiagnosisEntry): Promise<DiagnosisReport> {
    return this.run(this.connect(entry.contextOverride), entry.target, { contextOverride: entry.contextOverride });
  }

  /**
   * VS Code's Microsoft sign-in (the only place it is interactive), then the diagnosis again —
   * of `entry`, else of the last workload diagnosed. Resolves to the new report, or undefined.
   */
  async signInToAzure(entry: DiagnosisEntry | undefined = this.last): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const r = await this.deps.azure.signIn();
    if (!r.ok) {
      await reportSignInFailure(prompts, r);
      return undefined;
    }
    this.deps.onSignedIn?.();
    if (!entry) {
      void prompts.info(`Workload Identity Doctor: signed in to Azure${r.account ? ` as ${r.account}` : ''}. Run "Diagnose Workload Identity" on a workload to check its Azure side.`);
      return undefined;
    }
    return this.rerunEntry(entry);
  }

  private publish(entry: DiagnosisEntry, notice?: { level: 'info' | 'error'; text: string }): void {
    this.last = entry;
    const report = entry.diagnosis.report;
    this.output.appendLine(renderReportText(report));
    this.panels.show(entry.key, report, notice);
    this.emitter.fire(report);
  }

  /** The entry of a workload; without a context, the most recent diagnosis of it in any context. */
  find(target: { namespace: string; kind: string; name: string; context?: string }): DiagnosisEntry | undefined {
    const matches = [...this.entries.values()].filter(
      (e) => e.target.namespace === target.namespace && e.target.kind === target.kind && e.target.name === target.name && (!target.context || e.diagnosis.report.context === target.context),
    );
    return matches.includes(this.last!) ? this.last : matches[matches.length - 1];
  }

  copyMarkdown(report = this.lastReport): string | undefined {
    if (!report) {
      void this.deps.prompts.current.info('Workload Identity Doctor: no diagnosis yet. Run "Diagnose Workload Identity" first.');
      return undefined;
    }
    const md = renderReportMarkdown(report);
    void vscode.env.clipboard.writeText(md);
    void vscode.window.setStatusBarMessage('$(check) Workload Identity report copied as Markdown', 3000);
    return md;
  }

  private async onPanelMessage(key: string, m: ReportMessage): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    switch (m.type) {
      case 'copyMarkdown':
        this.copyMarkdown(entry.diagnosis.report);
        return;
      case 'showOutput':
        this.output.show(true);
        return;
      case 'rerun':
        await this.rerunEntry(entry);
        return;
      case 'signInAzure':
        await this.signInToAzure(entry);
        return;
      case 'copyCommand': {
        const r = entry.diagnosis.report.checkpoints.find((c) => c.id === m.checkpoint)?.remediation[m.index];
        const command = r?.command ?? r?.azureFix?.command;
        if (command) await vscode.env.clipboard.writeText(command);
        return;
      }
      case 'applyFix':
        await this.applyFix(entry, m.checkpoint, m.index);
        return;
    }
  }

  /**
   * The fix of a checkpoint's remediation entry (by index, or the first with a fix of `fixId`):
   * the value it needs, a modal confirmation showing the changes and the kubectl equivalent, a
   * dry run, the patch, the rollout, and a re-check. Nothing is written unless the user chose
   * Apply. An Azure fix goes to applyAzureFix. Resolves to the new report, or undefined when
   * nothing was applied.
   */
  async applyFix(entry: DiagnosisEntry, checkpoint: string, which: number | string): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const result = entry.diagnosis.report.checkpoints.find((c) => c.id === checkpoint);
    const remediation = typeof which === 'number' ? result?.remediation[which] : result?.remediation.find((r) => r.fix?.id === which || r.azureFix?.id === which);
    if (remediation?.azureFix) return this.applyAzureFix(entry, remediation.azureFix);
    const plan = remediation?.fix;
    if (!plan) {
      void prompts.error(`Workload Identity Doctor: the report of ${entry.target.namespace}/${entry.target.name} has no such fix for "${checkpoint}"; run the diagnosis again.`);
      return undefined;
    }
    if (entry.busy) {
      void prompts.info('Workload Identity Doctor: a fix for this workload is already being applied.');
      return undefined;
    }
    const confirmed = await confirmFix(prompts, plan);
    if (!confirmed) return undefined;
    const value = confirmed.value;
    entry.busy = true;
    try {
      return await this.applyConfirmed(entry, plan, value);
    } finally {
      entry.busy = false;
    }
  }

  private async applyConfirmed(entry: DiagnosisEntry, plan: FixPlan, value: string | undefined): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const cluster = entry.diagnosis.context.cluster;
    this.panels.setBusy(entry.key, `Applying: ${plan.title}…`);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: plan.title },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const ran = await runFix(cluster, plan, value, progress, controller.signal);
        if ('error' in ran) return ran;
        const warning = ran.warning ? `${ran.warning} Checked again anyway.` : undefined;
        progress.report({ message: 'Checking again…' });
        const diagnosis = await this.recheck(entry, plan.rerun, progressHooks(progress), controller.signal);
        return { diagnosis, warning };
      },
    );
    if ('error' in outcome) {
      this.panels.setBusy(entry.key, undefined, { level: 'error', text: outcome.error });
      void prompts.error(`Workload Identity Doctor: ${outcome.error}`);
      return undefined;
    }
    entry.diagnosis = outcome.diagnosis;
    this.output.appendLine(`Applied: ${plan.title}${outcome.warning ? ` (${outcome.warning})` : ''}\n`);
    this.publish(entry, { level: outcome.warning ? 'error' : 'info', text: `Applied: ${plan.title}.${outcome.warning ? ` ${outcome.warning}` : ''}` });
    return outcome.diagnosis.report;
  }

  /**
   * An Azure fix (a new federated credential): a modal confirmation listing the changes and the az
   * command, the write through the AzureApi the diagnosis used, and a re-check of `plan.rerun`.
   * Nothing is written unless the user chose Create; a refusal (403 naming the role, 409) becomes
   * a notice in the report view and an error message.
   */
  private async applyAzureFix(entry: DiagnosisEntry, plan: AzureFixPlan): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const api = entry.azure.api;
    if (!api) {
      void prompts.error(`Workload Identity Doctor: the diagnosis of ${entry.target.namespace}/${entry.target.name} has no Azure sign-in to apply "${plan.title}" with; run it again.`);
      return undefined;
    }
    if (entry.busy) {
      void prompts.info('Workload Identity Doctor: a fix for this workload is already being applied.');
      return undefined;
    }
    const detail = [...plan.changes, '', 'The same with the Azure CLI:', plan.command, '', `Nothing is written in Azure unless you choose ${CREATE_ACTION}.`].join('\n');
    const answer = await prompts.confirm(`${plan.title}?`, detail, CREATE_ACTION);
    if (answer !== CREATE_ACTION) return undefined;
    entry.busy = true;
    try {
      this.panels.setBusy(entry.key, `Applying: ${plan.title}…`);
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, cancellable: true, title: plan.title },
        async (progress, token): Promise<{ error: string } | { diagnosis: Diagnosis }> => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          progress.report({ message: 'Writing to Azure…' });
          const created = await api.createFederatedCredential(plan.identity, plan.credential, controller.signal);
          if (!created.ok) return { error: `${plan.title} failed: ${created.failure.message}` };
          progress.report({ message: 'Checking again…' });
          return { diagnosis: await this.recheck(entry, plan.rerun, progressHooks(progress), controller.signal) };
        },
      );
      if ('error' in outcome) {
        this.output.appendLine(`${outcome.error}\n`);
        this.panels.setBusy(entry.key, undefined, { level: 'error', text: outcome.error });
        void prompts.error(`Workload Identity Doctor: ${outcome.error}`);
        return undefined;
      }
      entry.diagnosis = outcome.diagnosis;
      this.output.appendLine(`Applied: ${plan.title}\n`);
      this.publish(entry, { level: 'info', text: `Applied: ${plan.title}. Entra can take a few minutes to use a new credential.` });
      return outcome.diagnosis.report;
    } finally {
      entry.busy = false;
    }
  }

  /** Re-runs the fix's checkpoints with the first run's state; a cancelled first run has no usable state, so it runs whole. */
  private recheck(entry: DiagnosisEntry, ids: readonly CheckpointId[], hooks: RunHooks, signal: AbortSignal): Promise<Diagnosis> {
    const previous = entry.diagnosis;
    if (previous.report.cancelled) {
      entry.azure = {};
      return diagnose({ cluster: previous.context.cluster, target: entry.target, checkpoints: this.deps.checkpoints(), hooks, signal, tool: this.deps.tool, options: this.options(entry.azure) });
    }
    return rerun(previous, this.deps.checkpoints(), ids, hooks, signal);
  }

  dispose(): void {
    this.panels.dispose();
    this.output.dispose();
    this.emitter.dispose();
  }
}

/**
 * The first half of applying a certain fix, wherever it is offered (the report view, the sidebar
 * tree): the value it needs (the client ID, `initial` pre-filled), then a modal confirmation
 * listing every change and the kubectl equivalent. Resolves only when the user chose Apply.
 */
export async function confirmFix(prompts: DiagnosePrompts, plan: FixPlan, initial?: string): Promise<{ value: string | undefined } | undefined> {
  let value: string | undefined;
  if (plan.input) {
    const input = plan.input;
    value = await prompts.input({
      title: plan.title,
      prompt: input.prompt,
      placeHolder: input.placeholder,
      ...(initial ? { value: initial } : {}),
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = resolveFix(plan, v);
        return r.ok ? undefined : r.message;
      },
    });
    if (value === undefined) return undefined;
  }
  const resolved = resolveFix(plan, value);
  if (!resolved.ok) {
    void prompts.error(`Workload Identity Doctor: ${resolved.message}`);
    return undefined;
  }
  const detail = [
    ...resolved.value.changes,
    '',
    'The same with kubectl:',
    resolved.value.command,
    '',
    'A server-side dry run is made first: if the API server refuses it, nothing is written.',
  ].join('\n');
  const answer = await prompts.confirm(`${plan.title}?`, detail, 'Apply');
  return answer === 'Apply' ? { value } : undefined;
}

/** The second half, after the confirmation: dry run, apply, and the rollout it causes. */
export async function runFix(
  cluster: ClusterApi,
  plan: FixPlan,
  value: string | undefined,
  progress: vscode.Progress<{ message?: string }>,
  signal: AbortSignal,
): Promise<{ error: string } | { warning?: string }> {
  progress.report({ message: 'Dry run, then apply…' });
  const applied = await applyFix(cluster, plan, { value, signal });
  if (!applied.ok) return { error: applied.message };
  if (!plan.waitForRollout) return {};
  progress.report({ message: 'Waiting for the rollout…' });
  const rollout = await waitForRollout(cluster, plan.target, {
    timeoutMs: ROLLOUT_TIMEOUT_MS,
    signal,
    onStatus: (s) => progress.report({ message: `Rollout: ${describeRollout(s)}` }),
  });
  return rollout.ok ? {} : { warning: rollout.message };
}

/** "Checking <title>…" per checkpoint, the bar advancing by each checkpoint's share. */
function progressHooks(progress: vscode.Progress<{ message?: string; increment?: number }>): RunHooks {
  let done = 0;
  return {
    onStart(checkpoint, index, total) {
      const now = (index / Math.max(1, total)) * 100;
      progress.report({ message: `Checking ${checkpoint.title}…`, increment: now - done });
      done = now;
    },
  };
}
