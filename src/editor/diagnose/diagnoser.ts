// Runs diagnoses and fixes for the editor: a cancellable progress notification around the core
// runner, the text report in the output channel, the report view, the sidebar's overlay, and the
// event the tests wait on. It keeps each workload's DiagnosisEntry (src/editor/diagnose/entry.ts):
// a fix re-runs only the checkpoints it affects, with the state the first run established. A
// diagnosis that finds no such namespace or workload says so and offers the workload picker.
// A fix from a report goes through the one fix flow beside it (fix-flow.ts), with the steps of a
// cluster patch (cluster-fix.ts) or of an Azure write (azure-fix.ts).

import * as vscode from 'vscode';
import { diagnose, rerun, type Diagnosis, type RunHooks } from '../../checkpoints/runner';
import type { DiagnoseOptions } from '../../checkpoints/context';
import type { Checkpoint, CheckpointId, DiagnosisReport, WorkloadRef } from '../../checkpoints/types';
import { connect } from '../../cluster/connect';
import type { ClusterApi } from '../../cluster/types';
import type { ReportMessage } from '../../render/report/html';
import { renderReportMarkdown } from '../../render/report/markdown';
import { renderReportText } from '../../render/report/text';
import type { DiagnosisOverlays } from '../../tree/overlay';
import { reportSignInFailure, type AzureAccess } from '../azure/azure-access';
import { azureFix } from './azure-fix';
import { clusterFix } from './cluster-fix';
import { subjectOf, workloadKey, type DiagnosisEntry, type FixHost, type Notice } from './entry';
import { consumerCheckpoints } from '../../checkpoints';
import { resolveConsumer, type ConsumerTarget } from '../../checkpoints/consumer-target';
import { applyReportFix, progressHooks } from './fix-flow';
import { pickTarget } from './pick-target';
import { workloadWords } from '../../util/words';
import type { DiagnosePrompts, PromptSeam } from '../prompts';
import { ReportPanels } from './report-panel';
import { SeenObjects } from './seen-objects';
import { copyToClipboard, safeChannel, type SafeChannel } from '../safe-output';
import { inBackground, type Logger } from '../../util/log';
import type { DiagnoseSettings } from './settings';

export { workloadKey, type DiagnosisEntry } from './entry';
export { CREATE_ACTION, UPDATE_ACTION } from './azure-fix';

export const EXCHANGE_ACTION = 'Exchange';
export const PICK_WORKLOAD_ACTION = 'Pick a workload from the cluster…';
/** The button offered after "Sign in to Azure": `Re-run diagnosis of deployment/invoicer in billing`. */
export const RERUN_ACTION_PREFIX = 'Re-run diagnosis of ';
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
  /** The sidebar's overlays: each published report is laid over its workload's tree item. */
  overlays?: DiagnosisOverlays;
  /** The report view's tab icon. */
  iconPath?: vscode.Uri;
  /** Called after an interactive Azure sign-in succeeded (the walkthrough's step). */
  onSignedIn?: () => void;
  /** Where a bug in work nobody awaits (a report view's button, the picker offered after "not found") is said. */
  log?: Logger;
}

export class Diagnoser implements vscode.Disposable, FixHost {
  private readonly emitter = new vscode.EventEmitter<DiagnosisReport>();
  /** Fires after every diagnosis and every re-check after a fix. */
  readonly onDidDiagnose = this.emitter.event;
  /** The diagnosis channel; it takes only safe text (src/editor/safe-output.ts). */
  readonly output: SafeChannel = safeChannel(vscode.window.createOutputChannel('Workload Identity Doctor: Diagnosis', 'wi-doctor-report'));
  private readonly panels: ReportPanels;
  private readonly entries = new Map<string, DiagnosisEntry>();
  /**
   * Fixes applied (from the sidebar) to workloads not diagnosed yet: their first diagnosis takes
   * the time. Keyed by workloadKey and API server.
   */
  private readonly changesBeforeEntry = new Map<string, { server: string; at: Date }>();
  private last: DiagnosisEntry | undefined;

  constructor(private readonly deps: DiagnoserDeps) {
    this.panels = new ReportPanels((key, m) => inBackground(this.deps.log, `the report view's ${m.type} action failed`, this.onPanelMessage(key, m)), deps.iconPath);
  }

  get prompts(): DiagnosePrompts {
    return this.deps.prompts.current;
  }

  /** A client for the configured kubeconfig and context (or `context`). Never throws: a bad kubeconfig fails its calls. */
  connect(context?: string): ClusterApi {
    const s = this.deps.settings();
    return connect({ kubeconfig: s.kubeconfig, context: context || s.context, timeoutMs: s.timeoutMs, userAgent: `wi-doctor-vscode/${this.deps.tool.version}` });
  }

  get lastReport(): DiagnosisReport | undefined {
    return this.last?.diagnosis.report;
  }

  /** Diagnoses with a cancellable progress notification; publishes the report (output, view, sidebar, event). */
  async run(cluster: ClusterApi, target: WorkloadRef, opts: { signal?: AbortSignal; contextOverride?: string; consumer?: ConsumerTarget } = {}): Promise<DiagnosisReport> {
    const consumer = opts.consumer;
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    try {
      const reads = new SeenObjects(cluster);
      const subject = consumer ? consumer.ref : target;
      const key = workloadKey(cluster.identity.context, subject);
      // A fix applied earlier (by this window) to the same workload — of this cluster, not another
      // behind a context of the same name: its log lines are told apart.
      const server = cluster.identity.server;
      const previous = this.entries.get(key);
      const pending = this.changesBeforeEntry.get(key);
      const lastChangeAt = previous?.diagnosis.report.server === server ? previous.lastChangeAt : pending?.server === server ? pending.at : undefined;
      const diagnosis = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, cancellable: true, title: `Diagnosing ${workloadWords(subject)}` },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return diagnose({ cluster: reads, target, checkpoints: this.checkpointsFor(consumer), signal: controller.signal, hooks: progressHooks(progress), tool: this.deps.tool, options: this.options(lastChangeAt, consumer) });
        },
      );
      const entry: DiagnosisEntry = { key, target, ...(consumer ? { consumer } : {}), contextOverride: opts.contextOverride, diagnosis, reads, busy: false, ...(lastChangeAt ? { lastChangeAt } : {}) };
      this.entries.set(key, entry);
      this.changesBeforeEntry.delete(key);
      this.publish(entry);
      if (diagnosis.report.notFound) inBackground(this.deps.log, 'offering the workload picker failed', this.offerPick(entry));
      return diagnosis.report;
    } finally {
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /**
   * The Azure side of one diagnosis: a silent provider (asked only when a checkpoint needs Azure;
   * the diagnosis's context keeps what it answered, for the fixes of its report), the
   * token-exchange setting, and the consent asked through the prompts seam (read when asked, so a
   * re-check uses the prompts then in force).
   */
  /** A workload's chain, or a consumer's (whose identity first; no webhook part where no pod needs the label). */
  private checkpointsFor(consumer: ConsumerTarget | undefined): readonly Checkpoint[] {
    return consumer ? consumerCheckpoints(consumer.use, { azure: true }) : this.deps.checkpoints();
  }

  /**
   * Diagnoses a consumer object: whose identity it uses and the workload that carries it, then the
   * chain on that workload. Throws the sentence when there is nothing to diagnose (not found, not
   * Workload Identity, no pod carries it yet).
   */
  async runConsumer(cluster: ClusterApi, ref: ConsumerTarget['ref'], opts: { signal?: AbortSignal; contextOverride?: string } = {}): Promise<DiagnosisReport> {
    const resolved = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Finding whose identity ${workloadWords(ref)} uses` }, () => resolveConsumer(cluster, ref, opts.signal ?? new AbortController().signal));
    if (!resolved.ok) throw new Error(resolved.message);
    return this.run(cluster, resolved.target.carrier!, { ...opts, consumer: resolved.target });
  }

  private options(lastChangeAt: Date | undefined, consumer?: ConsumerTarget): DiagnoseOptions {
    const s = this.deps.settings();
    return {
      ...(consumer ? { consumer } : {}),
      azure: this.deps.azure.provider(s.timeoutMs),
      tokenExchange: s.tokenExchange,
      confirmTokenExchange: async (what) => (await this.deps.prompts.current.confirm(what, EXCHANGE_DETAIL, EXCHANGE_ACTION)) === EXCHANGE_ACTION,
      ...(lastChangeAt ? { lastChangeAt } : {}),
    };
  }

  /** Re-runs a diagnosis from scratch (new reads, a new Azure provider), as the Re-run button does. */
  rerunEntry(entry: DiagnosisEntry): Promise<DiagnosisReport> {
    if (entry.consumer) return this.runConsumer(this.connect(entry.contextOverride), entry.consumer.ref, { contextOverride: entry.contextOverride });
    return this.run(this.connect(entry.contextOverride), entry.target, { contextOverride: entry.contextOverride });
  }

  /**
   * Says that the namespace or workload is not there (the report's sentence, naming the context),
   * offering the picker; not awaited by the command, which returns the report at once.
   */
  private async offerPick(entry: DiagnosisEntry): Promise<void> {
    const notFound = entry.diagnosis.report.notFound;
    if (!notFound) return;
    const choice = await this.prompts.warn(`Workload Identity Doctor: ${notFound.message}`, PICK_WORKLOAD_ACTION);
    if (choice === PICK_WORKLOAD_ACTION) await this.pickAndDiagnose(entry);
  }

  /**
   * The workload picker in the same context as `entry` (its namespace first, when only the
   * workload was missing), then a diagnosis of the pick. Resolves to its report, or undefined.
   */
  async pickAndDiagnose(entry: DiagnosisEntry): Promise<DiagnosisReport | undefined> {
    const cluster = this.connect(entry.contextOverride);
    const namespaceExists = entry.diagnosis.report.notFound?.what !== 'namespace';
    const target = await pickTarget(cluster, this.prompts, namespaceExists ? { namespace: entry.target.namespace } : {});
    return target ? this.run(cluster, target, { contextOverride: entry.contextOverride }) : undefined;
  }

  /**
   * VS Code's Microsoft sign-in (the only place it is interactive); then says who is signed in.
   * Nothing runs by itself: with `rerun` (the "Sign in to Azure" button of a report, which asks
   * for that report again) the report's diagnosis runs again; otherwise (the command) the last
   * diagnosis is offered as a button, and runs only if the user chooses it. Resolves to the new
   * report, or undefined when nothing ran.
   */
  async signInToAzure(entry: DiagnosisEntry | undefined = this.last, opts: { rerun?: boolean } = {}): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const r = await this.deps.azure.signIn();
    if (!r.ok) {
      await reportSignInFailure(prompts, r);
      return undefined;
    }
    this.deps.onSignedIn?.();
    const who = `Workload Identity Doctor: signed in to Azure${r.account ? ` as ${r.account}` : ''}.`;
    if (!entry) {
      void prompts.info(`${who} Run "Diagnose Workload Identity" on a workload to check its Azure side too.`);
      return undefined;
    }
    const what = workloadWords(subjectOf(entry));
    if (opts.rerun) {
      void prompts.info(`${who} Diagnosing ${what} again, with its Azure side.`);
      return this.rerunEntry(entry);
    }
    const action = `${RERUN_ACTION_PREFIX}${what}`;
    // Only what the report says: its Azure checkpoints asked for a sign-in (skipped or failed for the want of one).
    const wantedAzure = entry.diagnosis.report.checkpoints.some((c) => c.remediation.some((r) => r.action === 'sign-in-azure'));
    const why = wantedAzure ? `The last diagnosis, of ${what}, could not check its Azure side: run it again to check it.` : `The last diagnosis was of ${what}.`;
    const choice = await prompts.info(`${who} ${why}`, action);
    return choice === action ? this.rerunEntry(entry) : undefined;
  }

  publish(entry: DiagnosisEntry, notice?: Notice): void {
    this.last = entry;
    const report = entry.diagnosis.report;
    this.output.appendLine(renderReportText(report));
    this.panels.show(entry.key, report, notice);
    // The sidebar shows workloads' own diagnoses; a consumer's report is about its object, not its carrier.
    if (!entry.consumer) this.deps.overlays?.record(report, entry.reads.fingerprint(entry.target));
    this.emitter.fire(report);
  }

  setBusy(entry: DiagnosisEntry, busy: string | undefined, notice?: Notice): void {
    this.panels.setBusy(entry.key, busy, notice);
  }

  log(line: string): void {
    this.output.appendLine(line);
  }

  /** FOR TESTS: the report a workload's report view shows now, and its HTML. */
  shown(entry: DiagnosisEntry): { report: DiagnosisReport; html: string } | undefined {
    return this.panels.shown(entry.key);
  }

  /**
   * A fix applied to a workload outside its report (the sidebar): later diagnoses and re-checks of
   * it tell log lines written before `at` apart.
   */
  noteChange(where: { context: string; server: string }, target: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'>, at: Date): void {
    const key = workloadKey(where.context, target);
    const entry = this.entries.get(key);
    if (entry?.diagnosis.report.server === where.server) entry.lastChangeAt = at;
    else this.changesBeforeEntry.set(key, { server: where.server, at });
  }

  /** The entry of a workload; without a context, the most recent diagnosis of it in any context. */
  find(target: { namespace: string; kind: string; name: string; context?: string }): DiagnosisEntry | undefined {
    const matches = [...this.entries.values()].filter(
      (e) => {
        const s = subjectOf(e);
        return (s.namespace ?? '') === target.namespace && s.kind === target.kind && s.name === target.name && (!target.context || e.diagnosis.report.context === target.context);
      },
    );
    return matches.includes(this.last!) ? this.last : matches[matches.length - 1];
  }

  copyMarkdown(report = this.lastReport): string | undefined {
    if (!report) {
      void this.deps.prompts.current.info('Workload Identity Doctor: no diagnosis yet. Run "Diagnose Workload Identity" first.');
      return undefined;
    }
    const md = renderReportMarkdown(report);
    void copyToClipboard(md);
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
        await this.signInToAzure(entry, { rerun: true });
        return;
      case 'pickWorkload':
        await this.pickAndDiagnose(entry);
        return;
      case 'copyCommand': {
        const r = entry.diagnosis.report.checkpoints.find((c) => c.id === m.checkpoint)?.remediation[m.index];
        const command = r?.command ?? r?.azureFix?.command;
        if (command) await copyToClipboard(command);
        return;
      }
      case 'applyFix':
        await this.applyFix(entry, m.checkpoint, m.index);
        return;
    }
  }

  /**
   * The fix of a checkpoint's remediation entry (by index, or the first with a fix of `fixId`),
   * through the one fix flow (fix-flow.ts): a cluster patch (cluster-fix.ts: the value it needs,
   * the client ID picked from the diagnosis's Azure sign-in when it has one, a modal confirmation
   * showing the changes and the kubectl equivalent, a dry run, the patch, the rollout) or an Azure
   * write (azure-fix.ts), then a re-check. Nothing is written unless the user confirmed. Resolves
   * to the new report, or undefined when nothing was applied.
   */
  async applyFix(entry: DiagnosisEntry, checkpoint: string, which: number | string): Promise<DiagnosisReport | undefined> {
    const prompts = this.deps.prompts.current;
    const result = entry.diagnosis.report.checkpoints.find((c) => c.id === checkpoint);
    const remediation = typeof which === 'number' ? result?.remediation[which] : result?.remediation.find((r) => r.fix?.id === which || r.azureFix?.id === which);
    if (remediation?.azureFix) {
      const fix = await azureFix(prompts, entry, remediation.azureFix);
      return fix && applyReportFix(this, entry, fix);
    }
    const plan = remediation?.fix;
    if (!plan) {
      void prompts.error(`Workload Identity Doctor: the report of ${workloadWords(subjectOf(entry))} has no such fix for "${checkpoint}"; run the diagnosis again.`);
      return undefined;
    }
    return applyReportFix(this, entry, clusterFix(entry, plan));
  }

  /**
   * Re-runs the fix's checkpoints with the first run's state, telling apart what happened before
   * the fix; a cancelled first run has no usable state, so it runs whole.
   */
  recheck(entry: DiagnosisEntry, ids: readonly CheckpointId[], hooks: RunHooks, signal: AbortSignal): Promise<Diagnosis> {
    const previous = entry.diagnosis;
    if (previous.report.cancelled) {
      return diagnose({ cluster: entry.reads, target: entry.target, checkpoints: this.checkpointsFor(entry.consumer), hooks, signal, tool: this.deps.tool, options: this.options(entry.lastChangeAt, entry.consumer) });
    }
    return rerun(previous, this.checkpointsFor(entry.consumer), ids, hooks, signal, entry.lastChangeAt ? { changedAt: entry.lastChangeAt } : {});
  }

  dispose(): void {
    this.panels.dispose();
    this.output.dispose();
    this.emitter.dispose();
  }
}
