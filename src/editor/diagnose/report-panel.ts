// The report view: one webview panel per workload (per context), reused when the same workload
// is diagnosed again. The HTML comes from the core renderer (src/render/report/html.ts); this
// adapter only owns the panels, the nonce, and turning the page's messages into calls.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../checkpoints/types';
import { renderReportHtml, type HtmlOptions, type ReportMessage } from '../../render/report/html';
import { setWebviewHtml } from '../safe-output';
import { workloadWords } from '../../util/words';

export const REPORT_VIEW_TYPE = 'wiDoctor.report';

interface PanelState {
  panel: vscode.WebviewPanel;
  report: DiagnosisReport;
  busy?: string;
  notice?: HtmlOptions['notice'];
  /** The page last rendered (the tests read its header). */
  html?: string;
}

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelState>();

  constructor(
    private readonly onMessage: (key: string, message: ReportMessage) => void,
    private readonly iconPath?: vscode.Uri,
  ) {}

  has(key: string): boolean {
    return this.panels.has(key);
  }

  /** Shows the report in the workload's panel, creating it beside the editor the first time. */
  show(key: string, report: DiagnosisReport, notice?: HtmlOptions['notice']): void {
    let state = this.panels.get(key);
    if (!state) {
      const w = report.consumer ?? report.workload;
      const panel = vscode.window.createWebviewPanel(
        REPORT_VIEW_TYPE,
        `Workload Identity: ${workloadWords(w)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [] },
      );
      if (this.iconPath) panel.iconPath = this.iconPath;
      state = { panel, report };
      this.panels.set(key, state);
      panel.onDidDispose(() => this.panels.delete(key));
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const msg = asMessage(m);
        if (msg) this.onMessage(key, msg);
      });
    } else if (!state.panel.visible) {
      state.panel.reveal(undefined, true);
    }
    state.report = report;
    state.busy = undefined;
    state.notice = notice;
    this.render(state);
  }

  /** The report a workload's panel shows now, and its page; undefined when it has no panel. */
  shown(key: string): { report: DiagnosisReport; html: string } | undefined {
    const state = this.panels.get(key);
    return state?.html ? { report: state.report, html: state.html } : undefined;
  }

  /** Says what is in progress (disabling the fix and re-run buttons), or clears it; keeps the report. */
  setBusy(key: string, busy: string | undefined, notice?: HtmlOptions['notice']): void {
    const state = this.panels.get(key);
    if (!state) return;
    state.busy = busy;
    if (notice || busy) state.notice = notice;
    this.render(state);
  }

  private render(state: PanelState): void {
    const nonce = randomBytes(16).toString('base64');
    state.html = setWebviewHtml(state.panel.webview, renderReportHtml(state.report, { nonce, cspSource: state.panel.webview.cspSource, busy: state.busy, notice: state.notice }));
  }

  dispose(): void {
    for (const s of [...this.panels.values()]) s.panel.dispose();
    this.panels.clear();
  }
}

/** The page is ours, but its messages are still checked before they become calls. */
function asMessage(m: unknown): ReportMessage | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const { type, checkpoint, index } = m as Record<string, unknown>;
  if (type === 'copyMarkdown' || type === 'rerun' || type === 'showOutput' || type === 'signInAzure' || type === 'pickWorkload') return { type };
  if ((type === 'copyCommand' || type === 'applyFix') && typeof checkpoint === 'string' && typeof index === 'number' && Number.isInteger(index) && index >= 0) {
    return { type, checkpoint, index };
  }
  return undefined;
}
