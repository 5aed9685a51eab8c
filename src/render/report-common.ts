// What the three diagnosis renderers (text, Markdown, the editor's webview) share: the verdict
// sentence, status words, and redaction. Each renderer passes every string it prints through
// `clean` — checkpoints never put tokens or secret values in a result, so this is the last line
// of defence, not the first.

import { redactTokens } from '../cluster/jwt';
import type { CheckpointResult, CheckpointStatus, DiagnosisReport } from '../checkpoints/types';

/** The bracketed word of the text report and the CLI, four letters so the columns line up. */
export const STATUS_WORD: Record<CheckpointStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' };

/** Redacts anything token-shaped. Every string a renderer prints goes through here. */
export function clean(s: string | undefined): string {
  return s ? redactTokens(s) : '';
}

/** `Deployment payments/api`. */
export function workloadName(report: DiagnosisReport): string {
  const w = report.workload;
  return `${w.kind} ${w.namespace}/${w.name}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface Verdict {
  /** fail: a broken link; cancelled; warn: passed with warnings; partial: nothing failed but some were skipped; pass. */
  kind: 'fail' | 'cancelled' | 'warn' | 'partial' | 'pass';
  /** One line, e.g. `First broken link: pod-label — <summary>`. Not yet redacted. */
  text: string;
  failure?: CheckpointResult;
}

/**
 * The last line of a report: the first failing checkpoint is what to fix first (everything
 * after it in the chain was skipped or is suspect), so it is named on its own.
 */
export function verdict(report: DiagnosisReport): Verdict {
  const results = report.checkpoints;
  const failure = results.find((r) => r.id === report.firstFailure) ?? results.find((r) => r.status === 'fail');
  if (failure) return { kind: 'fail', text: `First broken link: ${failure.id} — ${failure.summary}`, failure };
  const ids = (status: CheckpointStatus) => results.filter((r) => r.status === status).map((r) => r.id);
  if (report.cancelled) {
    const ran = results.filter((r) => r.status !== 'skipped').length;
    return { kind: 'cancelled', text: `Cancelled: ${ran} of ${results.length} checks ran, none failed.` };
  }
  const warned = ids('warn');
  if (warned.length) return { kind: 'warn', text: `All checks passed, with ${plural(warned.length, 'warning')}: ${warned.join(', ')}.` };
  const skipped = ids('skipped');
  if (skipped.length) return { kind: 'partial', text: `No check failed; ${skipped.length} skipped: ${skipped.join(', ')}.` };
  return { kind: 'pass', text: 'All checks passed.' };
}

/** Continuation lines of a multi-line value, indented to sit under the first. */
export function indentLines(s: string, indent: string): string {
  return s.replace(/\r?\n/g, `\n${indent}`);
}
