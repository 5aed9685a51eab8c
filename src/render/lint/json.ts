// The report every renderer takes, and its JSON form. The core's positions are
// 0-based; machine-readable output (this and SARIF) is 1-based, converted here at
// the edge. Paths in a report are already relative to the working directory with
// forward slashes, so renderers never touch the file system.

import type { Finding, Rule, SeveritySetting } from '../../rules/types';
import type { Position, Range } from '../../manifests/text';

export interface ReportFile {
  /** Relative to the working directory, forward slashes. */
  path: string;
  /** The text that was linted (after --fix, when fixes were applied). */
  text: string;
  /** Non-empty YAML documents in the file. */
  documents: number;
  /** Documents skipped because they do not parse (YAML syntax errors are not ours to report). */
  skippedDocuments: number;
  /** Safe fixes applied by --fix. */
  fixesApplied: number;
  /** Findings whose `file` and related locations' files are display paths like `path`. */
  findings: Finding[];
}

export interface LintReport {
  files: ReportFile[];
  /** Every rule the run knew, in registry order (SARIF's rules[] and ruleIndex). */
  rules: readonly Rule[];
  /** The effective per-rule settings (from --rule). */
  settings: Readonly<Record<string, SeveritySetting>>;
  toolVersion: string;
}

/** A fix that --fix would apply: safe, and editing only the finding's own file. */
export function isFixable(f: Finding): boolean {
  return f.fixes.some((x) => x.safe && x.edits.length > 0 && x.edits.every((e) => e.file === f.file));
}

export function allFindings(report: LintReport): Finding[] {
  return report.files.flatMap((f) => f.findings);
}

export function onePosition(p: Position): { line: number; character: number } {
  return { line: p.line + 1, character: p.character + 1 };
}

export function oneRange(r: Range): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return { start: onePosition(r.start), end: onePosition(r.end) };
}

export function renderJson(report: LintReport): string {
  const findings = allFindings(report).map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    range: oneRange(f.range),
    related: f.related.map((r) => ({ file: r.file, range: oneRange(r.range), message: r.message })),
    fixable: isFixable(f),
  }));
  return JSON.stringify({ findings }, null, 2) + '\n';
}
