// The diagnosis as plain text: for the editor's output channel (coloured there by the
// `wi-doctor-report` grammar, syntaxes/wi-doctor-report.tmLanguage.json) and for the CLI.
// The layout is what that grammar matches, so a change here is a change there:
//
//   [FAIL] pod-label  Pod label             status word, id (the docs page's name), title
//     <summary>                             two spaces
//     ✗ label: value                        evidence: two spaces, a level marker, the label
//     → <remediation text>
//       $ kubectl ...                       a command to copy
//       fix available: <title>              a fix the editor can apply
//
// and a last line naming the first broken link (or that all checks passed).
//
// Only the tool starts a line at the margin: a value's continuation lines are indented under it,
// and the verdict is one line, so a summary or a log line cannot add a `[PASS]` of its own.

import type { DiagnosisReport, Evidence } from '../../checkpoints/types';
import { localTime, type Clock } from '../../util/time-words';
import { displayUrl } from '../../util/url';
import { clean, cleanLine, faultNote, forReading, formatDuration, indentLines, STATUS_WORD, verdict, workloadName } from './common';

/** A one-character level marker in front of each evidence line; no level is a blank. */
const LEVEL_MARK: Record<NonNullable<Evidence['level']> | 'none', string> = { ok: '✓', warn: '!', fail: '✗', info: '·', none: ' ' };

/** `clock`: what "now" and the local time zone are (tests fix them; default: the process's). */
export function renderReportText(original: DiagnosisReport, clock: Clock = {}): string {
  const report = forReading(original, clock, true);
  const lines: string[] = [];
  const tool = report.tool.version ? `${report.tool.name} ${report.tool.version}` : report.tool.name;
  lines.push(`Workload Identity diagnosis of ${cleanLine(workloadName(report))} (${cleanLine(tool)})`);
  if (report.consumer) lines.push(`  ${cleanLine(report.consumer.summary)}`);
  lines.push(`  context: ${cleanLine(report.context)}`);
  lines.push(`  server:  ${cleanLine(displayUrl(report.server))}`);
  lines.push(`  time:    ${cleanLine(localTime(report.startedAt, clock))} (took ${formatDuration(report.durationMs)}, ${report.requests} API request${report.requests === 1 ? '' : 's'})`);
  for (const r of report.checkpoints) {
    lines.push('');
    lines.push(`[${STATUS_WORD[r.status]}] ${r.id}  ${cleanLine(r.title)}`);
    if (r.summary) lines.push(`  ${indentLines(clean(r.summary), '  ')}`);
    for (const e of r.evidence) {
      lines.push(`  ${LEVEL_MARK[e.level ?? 'none']} ${cleanLine(e.label)}: ${indentLines(clean(e.value), '      ')}`);
    }
    for (const m of r.remediation) {
      lines.push(`  → ${indentLines(clean(m.text), '    ')}`);
      if (m.command) lines.push(`    $ ${indentLines(clean(m.command), '      ')}`);
      if (m.fix) lines.push(`    fix available: ${cleanLine(m.fix.title)}`);
      if (m.azureFix) lines.push(`    fix available: ${cleanLine(m.azureFix.title)}`);
    }
  }
  lines.push('');
  if (report.cancelled && report.firstFailure) lines.push('Cancelled before every check ran.');
  const v = verdict(report);
  lines.push(cleanLine(v.text));
  const note = faultNote(v);
  if (note) lines.push(cleanLine(note));
  return lines.join('\n') + '\n';
}
