// The diagnosis as the HTML of the editor's report view (a webview). Plain data in, a string out,
// so it is tested without VS Code. The page loads nothing: one inline style and one inline script,
// both allowed by a nonce in a Content-Security-Policy that forbids everything else; colours come
// from the theme's CSS variables (see STYLE for which and why they stay readable); every control is a <button> or <details>, so the page works
// from the keyboard. Buttons post `{ type, checkpoint?, index? }` messages (ReportMessage); the
// extension looks the command or fix up by index in its own copy of the report, so the page
// never sends back text to copy or a patch to apply. An Azure fix (`azureFix`) uses the same
// `applyFix` message as a cluster fix; a skipped Azure checkpoint's "Sign in to Azure" entry
// (`action: 'sign-in-azure'`) posts `signInAzure`.

import type { CheckpointResult, CheckpointStatus, DiagnosisReport, Evidence } from '../../checkpoints/types';
import { localTime, type Clock } from '../../util/time-words';
import { displayUrl } from '../../util/url';
import { clean, faultNote, forReading, formatDuration, verdict, workloadName, type Verdict } from './common';
import { plural } from '../../util/words';

/** What the page can ask of the extension. */
export type ReportMessage =
  | { type: 'copyMarkdown' | 'rerun' | 'showOutput' | 'signInAzure' | 'pickWorkload' }
  | { type: 'copyCommand' | 'applyFix'; checkpoint: string; index: number };

export interface HtmlOptions {
  /** A fresh random value per render: the CSP admits only the style and script carrying it. */
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
  /** A fix or re-run in progress: said at the top, and the action buttons are disabled. */
  busy?: string;
  /** The last fix's outcome or failure, shown under the verdict. */
  notice?: { level: 'info' | 'error'; text: string };
  /** What "now" and the local time zone are, for the report's time (tests fix them; default: the process's). */
  clock?: Clock;
}

const STATUS_TEXT: Record<CheckpointStatus, string> = { pass: 'Passed', warn: 'Warning', fail: 'Failed', skipped: 'Skipped' };
const STATUS_ICON: Record<CheckpointStatus, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '–' };
const LEVEL_TEXT: Record<NonNullable<Evidence['level']>, string> = { ok: 'ok', info: 'info', warn: 'warning', fail: 'problem' };
const VERDICT_CLASS: Record<Verdict['kind'], CheckpointStatus> = { 'not-found': 'skipped', fail: 'fail', cancelled: 'skipped', incomplete: 'warn', warn: 'warn', partial: 'skipped', pass: 'pass' };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Redacted and escaped: the only way text reaches the page. */
const h = (s: string | undefined) => escapeHtml(clean(s));
/** Prose: as `h`, with `code spans` (commands and names in summaries) shown as code. */
const prose = (s: string | undefined) => h(s).replace(/`([^`\n]+)`/g, '<code>$1</code>');

export function renderReportHtml(original: DiagnosisReport, opts: HtmlOptions): string {
  const report = forReading(original, opts.clock);
  const v = verdict(report);
  const disabled = opts.busy ? ' disabled' : '';
  const tool = report.tool.version ? `${report.tool.name} ${report.tool.version}` : report.tool.name;
  const verdictHtml = v.failure
    ? `First broken link: <a href="#cp-${h(v.failure.id)}">${h(v.failure.title)}</a> — ${prose(v.failure.summary)}`
    : h(v.text);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; script-src 'nonce-${opts.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workload Identity: ${h(workloadName(report))}</title>
<style nonce="${opts.nonce}">${STYLE}</style>
</head>
<body>
<header>
<h1>Workload Identity: ${h(workloadName(report))}</h1>
${report.consumer ? `<p class="consumer">${prose(report.consumer.summary)}</p>` : ''}
<p class="meta">Context <code>${h(report.context)}</code> · server <code>${h(displayUrl(report.server))}</code> · <time datetime="${h(report.startedAt)}">${h(localTime(report.startedAt, opts.clock))}</time> · ${formatDuration(report.durationMs)} · ${plural(report.requests, 'API request')} · ${h(tool)}</p>
<p class="verdict status-${VERDICT_CLASS[v.kind]}" role="status"><span class="icon" aria-hidden="true">${STATUS_ICON[VERDICT_CLASS[v.kind]]}</span> ${verdictHtml}</p>
${faultNote(v) ? `<p class="fault-note">${prose(faultNote(v))}</p>` : ''}
${v.kind === 'not-found' ? `<p><button type="button" data-action="pickWorkload"${disabled}>Pick a workload from the cluster…</button></p>` : ''}
${opts.busy ? `<p class="busy" role="status" aria-live="polite">${h(opts.busy)}</p>` : ''}
${opts.notice ? `<p class="notice notice-${opts.notice.level}" role="${opts.notice.level === 'error' ? 'alert' : 'status'}">${h(opts.notice.text)}</p>` : ''}
<div class="toolbar">
<button type="button" data-action="copyMarkdown">Copy report as Markdown</button>
<button type="button" data-action="rerun"${disabled}>Re-run</button>
<button type="button" data-action="showOutput">Show output</button>
</div>
</header>
<main>
${report.checkpoints.map((r) => checkpointHtml(r, disabled)).join('\n')}
</main>
<script nonce="${opts.nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function checkpointHtml(r: CheckpointResult, disabled: string): string {
  const open = r.status === 'fail' || r.status === 'warn' ? ' open' : '';
  const id = h(r.id);
  const evidence = r.evidence.length
    ? `<ul class="evidence">${r.evidence
        .map((e) => `<li class="level-${e.level ?? 'none'}">${e.level ? `<span class="visually-hidden">${LEVEL_TEXT[e.level]}: </span>` : ''}<span class="label">${h(e.label)}:</span> <span class="value">${h(e.value)}</span></li>`)
        .join('')}</ul>`
    : '';
  const remediation = r.remediation.length
    ? `<h3>What to do</h3><ol class="remediation">${r.remediation
        .map((m, i) => {
          const command = m.command ?? m.azureFix?.command;
          const cmd = command
            ? `<div class="command"><pre><code>${h(command)}</code></pre><button type="button" class="secondary" data-action="copyCommand" data-checkpoint="${id}" data-index="${i}" aria-label="Copy the command">Copy</button></div>`
            : '';
          const plan = m.fix ?? m.azureFix;
          const fix = plan ? `<button type="button" class="fix" data-action="applyFix" data-checkpoint="${id}" data-index="${i}"${disabled}>Fix: ${h(plan.title)}</button>` : '';
          const action = m.action === 'sign-in-azure' ? `<button type="button" class="fix" data-action="signInAzure"${disabled}>Sign in to Azure</button>` : '';
          return `<li><p>${prose(m.text)}</p>${cmd}${fix}${action}</li>`;
        })
        .join('')}</ol>`
    : '';
  return `<section class="checkpoint status-${r.status}" id="cp-${id}">
<details${open}>
<summary><span class="icon" aria-hidden="true">${STATUS_ICON[r.status]}</span> <span class="title">${h(r.title)}</span> <code class="id">${id}</code> <span class="status">${STATUS_TEXT[r.status]}</span></summary>
<p class="summary">${prose(r.summary)}</p>
${evidence}${remediation}
</details>
</section>`;
}

// Colours: only the theme's own variables, so light, dark and high-contrast themes each get theirs.
// Text is always --vscode-foreground (or --vscode-errorForeground mixed as below) on
// --vscode-editor-background: the pair every theme makes readable (Light+ 6.2:1, Light Modern 11:1,
// Dark Modern 10:1, high contrast 14-21:1). A state's colour marks only the icon and the verdict's
// bar, never the words (the icon's shape and the status word say it too). The state colours
// (--vscode-testing-iconPassed, --vscode-testing-iconFailed, --vscode-editorWarning-foreground) are
// drawn for icons on dark backgrounds (#73c991 is 2.0:1 on white), so each is mixed 60/40 with
// --vscode-editor-foreground: that moves it towards the theme's text colour, darker in light themes
// and lighter in dark ones, and keeps it at least 3.7:1 (the 3:1 of WCAG 1.4.11 for graphics) in
// every built-in theme: passed 3.7-14:1, failed 5.8-9.8:1, warning 5.1-17:1.
const STYLE = `
:root {
  --wi-text: var(--vscode-foreground);
  --wi-bg: var(--vscode-editor-background);
  --wi-mix: var(--vscode-editor-foreground, var(--vscode-foreground));
  --wi-pass: color-mix(in srgb, var(--vscode-testing-iconPassed, #388a34) 60%, var(--wi-mix));
  --wi-fail: color-mix(in srgb, var(--vscode-testing-iconFailed, var(--vscode-errorForeground)) 60%, var(--wi-mix));
  --wi-error-text: color-mix(in srgb, var(--vscode-errorForeground) 60%, var(--wi-mix));
  --wi-warn: color-mix(in srgb, var(--vscode-editorWarning-foreground, #bf8803) 60%, var(--wi-mix));
  --wi-muted: var(--vscode-descriptionForeground);
}
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--wi-text); background: var(--wi-bg); padding: 0 20px 20px; line-height: 1.45; }
h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 4px; }
h3 { font-size: 1em; margin: 12px 0 4px; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.meta { color: var(--wi-muted); margin: 0 0 12px; }
.verdict { font-size: 1.1em; padding: 8px 12px; color: var(--wi-text); background: var(--wi-bg); border: 1px solid var(--vscode-contrastBorder, var(--vscode-widget-border, transparent)); border-left: 4px solid var(--wi-state, currentColor); margin: 0 0 12px; }
.verdict a { color: inherit; font-weight: 600; }
.verdict .icon { font-weight: 700; }
.status-pass { --wi-state: var(--wi-pass); }
.status-fail { --wi-state: var(--wi-fail); }
.status-warn { --wi-state: var(--wi-warn); }
.status-skipped { --wi-state: var(--wi-muted); }
.status-pass .icon, .status-fail .icon, .status-warn .icon, .status-skipped .icon { color: var(--wi-state); }
.verdict code, .verdict { overflow-wrap: anywhere; }
.fault-note { margin: -4px 0 12px; padding-left: 12px; border-left: 4px solid var(--wi-warn); }
.busy, .notice { padding: 6px 12px; margin: 0 0 12px; border-radius: 2px; }
.busy { background: var(--vscode-inputValidation-infoBackground); border: 1px solid var(--vscode-inputValidation-infoBorder); }
.notice-info { background: var(--vscode-inputValidation-infoBackground); border: 1px solid var(--vscode-inputValidation-infoBorder); }
.notice-error { background: var(--vscode-inputValidation-errorBackground); border: 1px solid var(--vscode-inputValidation-errorBorder); }
.toolbar { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 16px; }
button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 4px 12px; border-radius: 2px; cursor: pointer; }
button:hover:not([disabled]) { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover:not([disabled]) { background: var(--vscode-button-secondaryHoverBackground); }
button[disabled] { opacity: 0.5; cursor: default; }
button:focus-visible, summary:focus-visible, a:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.checkpoint { border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding: 6px 0; }
summary { cursor: pointer; padding: 4px 0; }
summary .title { font-weight: 600; }
summary .id, .meta code { color: var(--vscode-textPreformat-foreground); }
summary .status { color: var(--vscode-descriptionForeground); margin-left: 4px; }
.summary { margin: 4px 0 8px 20px; }
.evidence { margin: 0 0 8px 20px; padding-left: 16px; }
.evidence .label { color: var(--wi-muted); }
.evidence .value { overflow-wrap: anywhere; white-space: pre-wrap; }
.evidence .level-ok::marker { color: var(--wi-pass); }
.evidence .level-warn::marker { color: var(--wi-warn); }
.evidence .level-fail::marker { color: var(--wi-fail); }
.evidence .level-fail .value { color: var(--wi-error-text); }
.remediation { margin: 0 0 8px 20px; padding-left: 16px; }
.remediation p { margin: 4px 0; }
.command { display: flex; align-items: flex-start; gap: 8px; margin: 4px 0 8px; }
.command pre { flex: 1; margin: 0; padding: 6px 8px; background: var(--vscode-textCodeBlock-background); overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.fix { margin: 4px 0 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// Runs in the webview. Copy feedback is local; everything else is the extension's to do.
const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
  if (!button || button.disabled) return;
  const message = { type: button.dataset.action };
  if (button.dataset.checkpoint) {
    message.checkpoint = button.dataset.checkpoint;
    message.index = Number(button.dataset.index);
  }
  vscode.postMessage(message);
  if (message.type === 'copyCommand' || message.type === 'copyMarkdown') {
    if (button.dataset.label === undefined) button.dataset.label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = button.dataset.label; }, 1500);
  }
});
`;
