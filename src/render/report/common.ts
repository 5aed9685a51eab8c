// What the three diagnosis renderers (text, Markdown, the editor's webview) share: the verdict
// sentence, status words, and redaction. Each renderer passes every string it prints through
// `clean` — before escaping it for Markdown or HTML, where an escaped `client\_secret` or
// `&quot;password&quot;` would no longer read as a key. Checkpoints never put tokens or secret
// values in a result; log excerpts and servers' messages can hold anything. The write points
// (src/util/terminal.ts, src/editor/safe-output.ts) redact once more.

import { redact } from '../../util/redact';
import { neutralise } from '../../util/terminal';
import { plural, workloadWords } from '../../util/words';
import { readableTimes, type Clock } from '../../util/time-words';
import type { CheckpointResult, CheckpointStatus, DiagnosisReport } from '../../checkpoints/types';

/** The bracketed word of the text report and the CLI, four letters so the columns line up. */
export const STATUS_WORD: Record<CheckpointStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' };

/** Redacted (src/util/redact.ts), control characters shown as `\x1b`. Every string a renderer prints goes through here. */
export function clean(s: string | undefined): string {
  return s ? neutralise(redact(s), { keepNewlines: true }) : '';
}

/** `clean`, on one line (its line breaks read as spaces): for labels, titles and the lines at the margin (the verdict). */
export function cleanLine(s: string | undefined): string {
  return s ? neutralise(redact(s).replace(/[^\S\n]*\r?\n\s*/g, ' ')) : '';
}

/**
 * `deployment/api in payments` (src/util/words.ts); for a diagnosis that started from a consumer
 * object, `secretproviderclass/kv in web (through deployment/web in web)`.
 */
export function workloadName(report: DiagnosisReport): string {
  if (!report.consumer) return workloadWords(report.workload);
  return `${workloadWords(report.consumer)} (through ${workloadWords(report.workload)})`;
}

/**
 * The report as a person reads it: the times in summaries and evidence in local time (with "ago"
 * unless `relative` is false), for the text, Markdown and HTML renderers; the JSON keeps ISO.
 */
export function forReading(report: DiagnosisReport, clock: Clock = {}, relative = true): DiagnosisReport {
  const t = (s: string) => readableTimes(s, clock, relative);
  return { ...report, checkpoints: report.checkpoints.map((c) => ({ ...c, summary: t(c.summary), evidence: c.evidence.map((e) => ({ ...e, value: t(e.value) })) })) };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}


export interface Verdict {
  /**
   * not-found: the namespace or workload is not there, nothing was judged; fail: a broken link;
   * cancelled; incomplete: nothing failed, but a part could not be checked (a fault); warn: passed
   * with warnings; partial: nothing failed but some were skipped; pass.
   */
  kind: 'not-found' | 'fail' | 'cancelled' | 'incomplete' | 'warn' | 'partial' | 'pass';
  /** One line, e.g. `First broken link: Pod label — <summary>` (checkpoints by their titles). Not yet redacted. */
  text: string;
  failure?: CheckpointResult;
  /** The parts that could not be checked because of a fault (their `fault` says why). */
  faults: CheckpointResult[];
}

/**
 * The last line of a report: the first failing checkpoint is what to fix first (everything
 * after it in the chain was skipped or is suspect), so it is named on its own. A part that could
 * not be checked (a fault: the API server went away, Azure could not answer) is never a broken
 * link; it is named as not checked, beside the broken link if there is one.
 */
export function verdict(report: DiagnosisReport): Verdict {
  const results = report.checkpoints;
  const faults = results.filter((r) => r.fault !== undefined);
  if (report.notFound) return { kind: 'not-found', text: `Not found: ${report.notFound.message}`, faults };
  const failure = results.find((r) => r.id === report.firstFailure) ?? results.find((r) => r.status === 'fail');
  if (failure) return { kind: 'fail', text: `First broken link: ${failure.title} — ${failure.summary}`, failure, faults };
  const titles = (status: CheckpointStatus) => results.filter((r) => r.status === status && r.fault === undefined).map((r) => r.title);
  if (report.cancelled) {
    const ran = results.filter((r) => r.status !== 'skipped').length;
    return { kind: 'cancelled', text: `Cancelled: ${ran} of ${results.length} checks ran, none failed.`, faults };
  }
  if (faults.length) {
    const f = faults[0]!;
    const more = faults.length > 1 ? ` (and ${plural(faults.length - 1, 'more part')}: ${faults.slice(1).map((x) => x.title).join(', ')})` : '';
    return { kind: 'incomplete', text: `Not finished: ${f.title} could not be checked — ${f.fault}${more}`, faults };
  }
  const warned = titles('warn');
  if (warned.length) return { kind: 'warn', text: `No check failed; ${plural(warned.length, 'warning')}: ${warned.join(', ')}.`, faults };
  const skipped = titles('skipped');
  if (skipped.length) return { kind: 'partial', text: `No check failed; ${skipped.length} skipped: ${skipped.join(', ')}.`, faults };
  return { kind: 'pass', text: 'All checks passed.', faults };
}

/** A second line under a broken link, naming what could not be checked as well (empty when nothing). */
export function faultNote(v: Verdict): string | undefined {
  if (v.kind !== 'fail' || !v.faults.length) return undefined;
  return `Also not checked: ${v.faults.map((f) => `${f.title} — ${f.fault!.replace(/\.$/, '')}`).join('; ')}.`;
}

/**
 * Whether the diagnosis could not start at all (the kubeconfig, the API server, the credentials)
 * or had nothing to look at (not found): the CLI then says it in one sentence.
 */
export function couldNotStart(report: DiagnosisReport): string | undefined {
  if (report.notFound) return report.notFound.message;
  const connection = report.checkpoints.find((c) => c.id === 'cluster-connection');
  return connection?.fault;
}

/** Continuation lines of a multi-line value, indented to sit under the first. */
export function indentLines(s: string, indent: string): string {
  return s.replace(/\r?\n/g, `\n${indent}`);
}
