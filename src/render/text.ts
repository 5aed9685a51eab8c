// Human-readable output: one line per finding, `file:line:col  severity  message
// [rule-id]` (the `file:line:col` prefix is what terminals and VS Code make
// clickable), grouped by file, then a summary. Colour is the caller's decision
// (a TTY, no --no-color, no NO_COLOR); this module only applies it.

import type { Finding, Severity } from '../rules/types';
import { allFindings, isFixable, onePosition, type LintReport } from './json';

export interface TextOptions {
  color: boolean;
  /** --quiet: print nothing when there is nothing to report. */
  quiet?: boolean;
  /** --fix ran: report what it did. */
  fixed?: boolean;
}

const ANSI = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, dim: 2 } as const;
type Style = keyof typeof ANSI;

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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(report: LintReport, options: TextOptions): string {
  const paint = (style: Style, s: string): string => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    const where = file.findings.map((f) => `${f.file}:${pos(f.range.start)}`);
    const width = Math.max(...where.map((w) => w.length));
    if (lines.length) lines.push('');
    file.findings.forEach((f, i) => {
      lines.push(`${where[i].padEnd(width)}  ${paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7))}  ${f.message}  ${paint('dim', `[${f.ruleId}]`)}`);
      for (const r of f.related) lines.push(`${' '.repeat(width)}  ${paint('dim', `related: ${r.file}:${pos(r.range.start)}  ${r.message}`)}`);
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
    const names = skipped.slice(0, 5).map((f) => f.path).join(', ') + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : '');
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
  const idWidth = Math.max(2, ...rules.map((r) => r.meta.id.length));
  const lines = [`${'id'.padEnd(idWidth)}  ${'default'.padEnd(7)}  title`];
  for (const r of rules) lines.push(`${r.meta.id.padEnd(idWidth)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.title}${r.meta.fixable === 'safe' ? ' (fixable)' : ''}`);
  return lines.join('\n') + '\n';
}
