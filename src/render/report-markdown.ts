// The diagnosis as Markdown, for "Copy report as Markdown" and the CLI's `--format markdown`:
// meant to be pasted into an issue or a chat, so it reads well on GitHub (a table first, then a
// section per checkpoint that has something to say, commands in ```sh blocks).
//
// Escaping is only what GitHub needs to show the text as written: `<rg>` placeholders would be
// swallowed as HTML tags, `|` would end a table cell. Text inside `code spans` is left alone.

import type { CheckpointResult, CheckpointStatus, DiagnosisReport } from '../checkpoints/types';
import { clean, faultNote, formatDuration, plural, verdict, workloadName } from './report-common';

const STATUS_ICON: Record<CheckpointStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭️' };
const LEVEL_ICON = { ok: '✓ ', warn: '⚠ ', fail: '✗ ', info: '' } as const;

export function renderReportMarkdown(report: DiagnosisReport): string {
  const out: string[] = [];
  const v = verdict(report);
  out.push(`## Workload Identity diagnosis of ${code(workloadName(report))}`);
  out.push('');
  const lead = v.failure ? `**First broken link:** ${code(v.failure.id)} — ${text(v.failure.summary)}` : `**${text(v.text)}**`;
  out.push(report.cancelled && v.failure ? `${lead} (cancelled before every check ran)` : lead);
  const note = faultNote(v);
  if (note) out.push('', text(note));
  out.push('');
  out.push('| | Checkpoint | Status | Summary |');
  out.push('|---|---|---|---|');
  for (const r of report.checkpoints) {
    out.push(`| ${STATUS_ICON[r.status]} | ${code(r.id)} ${cell(r.title)} | ${r.status} | ${cell(r.summary)} |`);
  }
  out.push('');
  const tool = report.tool.version ? `${report.tool.name} ${report.tool.version}` : report.tool.name;
  out.push(
    `Context ${code(report.context)} · server ${code(report.server)} · ${text(report.startedAt)} · ${formatDuration(report.durationMs)} · ${plural(report.requests, 'API request')} · ${text(tool)}`,
  );
  for (const r of report.checkpoints) {
    if (!hasDetails(r)) continue;
    out.push('');
    out.push(...section(r));
  }
  return out.join('\n') + '\n';
}

/** A pass with evidence is worth its section too: it shows what was seen. Skips say all in the table. */
function hasDetails(r: CheckpointResult): boolean {
  return r.status !== 'skipped' && (r.evidence.length > 0 || r.remediation.length > 0);
}

function section(r: CheckpointResult): string[] {
  const out = [`### ${STATUS_ICON[r.status]} ${text(r.title)} (${code(r.id)})`, '', text(r.summary)];
  if (r.evidence.length) {
    out.push('');
    for (const e of r.evidence) out.push(`- ${LEVEL_ICON[e.level ?? 'info']}**${text(e.label)}**: ${text(e.value).replace(/\n/g, '  \n  ')}`);
  }
  if (r.remediation.length) {
    out.push('', '**What to do**', '');
    for (const m of r.remediation) {
      out.push(`- ${text(m.text).replace(/\n/g, '  \n  ')}`);
      if (m.command) out.push(...fence(m.command, 'sh').map((l) => `  ${l}`));
      if (m.fix) out.push(`  Fix available in VS Code: ${text(m.fix.title)}`);
      if (m.azureFix) out.push(`  Fix available in VS Code: ${text(m.azureFix.title)}`);
    }
  }
  return out;
}

/** Prose: placeholders such as `<client-id>` shown as written, code spans untouched. */
function text(s: string): string {
  return clean(s)
    .split(/(`+[^`\n]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/** A table cell: one line, no unescaped pipe (GitHub splits cells on `|` even inside code spans). */
function cell(s: string): string {
  return text(s).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** An inline code span that survives backticks in the value. */
function code(s: string): string {
  const v = clean(s).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(v.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = v.startsWith('`') || v.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${v}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(body: string, lang: string): string[] {
  const v = clean(body);
  const longest = Math.max(0, ...(v.match(/`+/g) ?? []).map((m) => m.length));
  const f = '`'.repeat(Math.max(3, longest + 1));
  return [`${f}${lang}`, ...v.split(/\r?\n/), f];
}
