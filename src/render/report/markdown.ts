// The diagnosis as Markdown, for "Copy report as Markdown" and the CLI's `--format markdown`:
// meant to be pasted into an issue or a chat, so it reads well on GitHub (a table first, then a
// section per checkpoint that has something to say, commands in ```sh blocks).
//
// Text is shown as written, never as markup: a log line or a name cannot open raw HTML, a link,
// an image or a table, and cannot close a code span early (see `text`, `code` and `fence`).

import type { CheckpointResult, CheckpointStatus, DiagnosisReport } from '../../checkpoints/types';
import { localTime, type Clock } from '../../util/time-words';
import { displayUrl } from '../../util/url';
import { clean, faultNote, forReading, formatDuration, verdict } from './common';
import { plural } from '../../util/words';

const STATUS_ICON: Record<CheckpointStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭️' };
const LEVEL_ICON = { ok: '✓ ', warn: '⚠ ', fail: '✗ ', info: '' } as const;

/** `clock`: the local time zone (tests fix it). The time has no "min ago": a pasted report is read later. */
export function renderReportMarkdown(original: DiagnosisReport, clock: Clock = {}): string {
  const report = forReading(original, clock, false);
  const out: string[] = [];
  const v = verdict(report);
  const w = report.workload;
  const c = report.consumer;
  if (c) {
    out.push(`## Workload Identity diagnosis of ${code(`${c.kind.toLowerCase()}/${c.name}`)}${c.namespace ? ` in ${code(c.namespace)}` : ''}`);
    out.push('', text(c.summary), '', `The checkpoints ran on ${code(`${w.kind.toLowerCase()}/${w.name}`)} in ${code(w.namespace)}.`);
  } else out.push(`## Workload Identity diagnosis of ${code(`${w.kind.toLowerCase()}/${w.name}`)} in ${code(w.namespace)}`);
  out.push('');
  const lead = v.failure ? `**First broken link:** ${text(v.failure.title)} — ${text(v.failure.summary)}` : `**${text(v.text)}**`;
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
    `Context ${code(report.context)} · server ${code(displayUrl(report.server))} · ${text(localTime(report.startedAt, clock, false))} · ${formatDuration(report.durationMs)} · ${plural(report.requests, 'API request')} · ${text(tool)}`,
  );
  for (const r of report.checkpoints) {
    if (!hasDetails(r)) continue;
    out.push('');
    for (const line of section(r)) out.push(line);
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
      if (m.command) for (const l of fence(m.command, 'sh')) out.push(`  ${l}`);
      if (m.fix) out.push(`  Fix available in VS Code: ${text(m.fix.title)}`);
      if (m.azureFix) out.push(`  Fix available in VS Code: ${text(m.azureFix.title)}`);
    }
  }
  return out;
}

/**
 * Prose: shown as written, whatever it holds. The tool's own `code spans` (CommonMark's: a run of
 * backticks closed by a run of the same length) stay code, re-fenced by `code`; a backtick run
 * nothing closes is text. Outside code, everything that could start markup is escaped: `<`, `>`,
 * `&` as entities (no raw HTML, no autolink in angle brackets, no entity), `\`, `` ` ``, `*`, `_`
 * (but inside a word, where it cannot emphasise), `[`, `]`, `!`, `|`, `~` with a backslash, and
 * `#`, `-`, `+`, `=`, `1.` at the start of a line. No link, image, HTML or table can come from the
 * text. `table`: also `|` inside code spans is escaped (GFM splits cells on it even there).
 */
function text(s: string, table = false): string {
  const v = clean(s);
  let out = '';
  let i = 0;
  while (i < v.length) {
    const tick = v.indexOf('`', i);
    if (tick < 0) {
      out += escapeText(v.slice(i));
      break;
    }
    out += escapeText(v.slice(i, tick));
    const run = /^`+/.exec(v.slice(tick))![0];
    const close = closingRun(v, tick + run.length, run.length);
    if (close < 0) {
      out += '\\`'.repeat(run.length);
      i = tick + run.length;
    } else {
      const span = code(v.slice(tick + run.length, close));
      out += table ? span.replace(/\|/g, '\\|') : span;
      i = close + run.length;
    }
  }
  return out.replace(/^([^\S\n]*)([#+=-])/gm, '$1\\$2').replace(/^([^\S\n]*\d+)([.)])/gm, '$1\\$2');
}

/** Where a backtick run of exactly `length` starts at or after `from`, or -1. */
function closingRun(v: string, from: number, length: number): number {
  let j = from;
  for (;;) {
    const k = v.indexOf('`', j);
    if (k < 0) return -1;
    const n = /^`+/.exec(v.slice(k))![0].length;
    if (n === length) return k;
    j = k + n;
  }
}

function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*[\]!|~]/g, '\\$&')
    .replace(/_/g, (m, at: number) => (/[A-Za-z0-9]/.test(s[at - 1] ?? '') && /[A-Za-z0-9]/.test(s[at + 1] ?? '') ? m : '\\_'));
}

/** A table cell: one line, no unescaped pipe (GitHub splits cells on `|` even inside code spans). */
function cell(s: string): string {
  return text(s.replace(/\r?\n/g, ' '), true);
}

/** An inline code span that survives backticks in the value: its fence is longer than any run inside. */
function code(s: string): string {
  const v = clean(s).replace(/\r?\n/g, ' ');
  const longest = (v.match(/`+/g) ?? []).reduce((n, m) => Math.max(n, m.length), 0);
  const ticks = '`'.repeat(longest + 1);
  // CommonMark strips one space from each side of a span that has one on both: pad to keep the value's own.
  const pad = v === '' || /^[` ]|[` ]$/.test(v) ? ' ' : '';
  return `${ticks}${pad}${v}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(body: string, lang: string): string[] {
  const v = clean(body);
  const longest = (v.match(/`+/g) ?? []).reduce((n, m) => Math.max(n, m.length), 0);
  const f = '`'.repeat(Math.max(3, longest + 1));
  return [`${f}${lang}`, ...v.split(/\r?\n/), f];
}
