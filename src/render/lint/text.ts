// Human-readable output: one line per finding, `file:line:col  severity  message
// [rule-id]` (the `file:line:col` prefix is what terminals and VS Code make
// clickable), grouped by file, then a summary. Colour is the caller's decision
// (a TTY, no --no-color, no NO_COLOR); this module only applies it, with the
// terminal's markers (src/util/terminal.ts), which become colours only when written.
//
// Exactly one line per finding, whatever the manifests hold: every path and message
// (they quote names and values from the YAML) goes through `one`, which shows a
// newline, a CR or an ESC as `\n`, `\x0d`, `\x1b`. A name with a newline cannot start a
// fake finding, a fake summary or a `::error::` workflow command on a line of its own;
// a path that does not start with a letter, a digit, `.`, `/` or `_` (a file named
// `::error::x.yaml`) is shown as `./::error::x.yaml`, so each finding's line starts
// with a path the tool wrote.

import type { Finding, Severity } from '../../rules/types';
import { neutralise, paint as colour, type Style } from '../../util/terminal';
import { allFindings, isFixable, onePosition, type LintReport } from './json';
import { plural } from '../../util/words';

export interface TextOptions {
  color: boolean;
  /** --quiet: print nothing when there is nothing to report. */
  quiet?: boolean;
  /** --fix ran: report what it did. */
  fixed?: boolean;
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'blue', hint: 'gray' };

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countSeverities(findings: readonly Finding[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}


/** Untrusted text on one line: control characters and newlines shown as escapes. */
function one(s: string): string {
  return neutralise(s);
}

/** A path as the start of a line: never starting with something a CI log would read as a command. */
function linePath(p: string): string {
  const s = one(p);
  return /^[A-Za-z0-9_./]/.test(s) ? s : `./${s}`;
}

export function renderText(report: LintReport, options: TextOptions): string {
  const paint = (style: Style, s: string): string => (options.color ? colour(style, s) : s);
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    const where = file.findings.map((f) => `${linePath(f.file)}:${pos(f.range.start)}`);
    const width = where.reduce((w, x) => Math.max(w, x.length), 0);
    if (lines.length) lines.push('');
    file.findings.forEach((f, i) => {
      lines.push(`${where[i].padEnd(width)}  ${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7))}  ${one(f.message)}  ${paint('dim', `[${one(f.ruleId)}]`)}`);
      for (const r of f.related) lines.push(`${' '.repeat(width)}  ${paint('dim', `related: ${one(r.file)}:${pos(r.range.start)}  ${one(r.message)}`)}`);
    });
  }

  const findings = allFindings(report);
  if (options.quiet && findings.length === 0) return '';
  if (lines.length) lines.push('');

  if (options.fixed) {
    const applied = report.files.reduce((n, f) => n + f.fixesApplied, 0);
    const files = report.files.filter((f) => f.fixesApplied > 0).length;
    lines.push(applied ? `Fixed ${plural(applied, 'problem')} in ${plural(files, 'file')}.` : 'Nothing to fix.');
  }

  const skipped = report.files.filter((f) => f.skippedDocuments > 0);
  if (skipped.length) {
    const n = skipped.reduce((s, f) => s + f.skippedDocuments, 0);
    const names = skipped.slice(0, 5).map((f) => one(f.path)).join(', ') + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : '');
    lines.push(paint('yellow', `Skipped ${plural(n, 'document')} that ${n === 1 ? 'is not' : 'are not'} valid YAML: ${names}`));
  }

  const c = countSeverities(findings);
  const documents = report.files.reduce((n, f) => n + f.documents, 0);
  let summary = `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}`;
  if (c.hint) summary += `, ${plural(c.hint, 'hint')}`;
  summary += ` in ${plural(report.files.length, 'file')} (${plural(documents, 'document')})`;
  lines.push(paint('bold', summary));

  const fixable = findings.filter(isFixable).length;
  if (fixable && !options.fixed) lines.push(`${plural(fixable, 'problem')} can be fixed automatically with --fix.`);
  return lines.join('\n') + '\n';
}

function pos(p: { line: number; character: number }): string {
  const one = onePosition(p);
  return `${one.line}:${one.character}`;
}

/** The `wi-doctor rules` listing: id, default severity, title. */
export function renderRulesText(rules: readonly { meta: { id: string; defaultSeverity: Severity; title: string; fixable?: string } }[]): string {
  const idWidth = rules.reduce((w, r) => Math.max(w, r.meta.id.length), 2);
  const lines = [`${'id'.padEnd(idWidth)}  ${'default'.padEnd(7)}  title`];
  for (const r of rules) lines.push(`${r.meta.id.padEnd(idWidth)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.title}${r.meta.fixable === 'safe' ? ' (fixable)' : ''}`);
  return lines.join('\n') + '\n';
}
