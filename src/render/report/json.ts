// The diagnosis as JSON for CI pipelines (`wi-doctor diagnose --format json`). The shape is a
// contract: {context, workload:{namespace,kind,name}, checkpoints:[{id,title,status,summary,
// evidence,remediation}]} plus a few extra top-level fields. Fixes appear as what they would
// change and the equivalent command; tokens never appear (checkpoints never put them in a
// result; every string is redacted here, as a value, and again where the CLI writes it).

import { redactJson } from '../../util/redact';
import { displayUrl } from '../../util/url';
import type { DiagnosisReport } from '../../checkpoints/types';
import { verdict } from './common';

export function renderReportJson(report: DiagnosisReport): string {
  const v = verdict(report);
  const out = {
    tool: report.tool,
    context: report.context,
    server: displayUrl(report.server),
    workload: report.workload,
    ...(report.consumer ? { consumer: report.consumer } : {}),
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    requests: report.requests,
    cancelled: report.cancelled,
    firstFailure: report.firstFailure ?? null,
    // The same verdict line the text report ends with; `kind` not-found and incomplete are not verdicts about the workload.
    verdict: { kind: v.kind, text: v.text },
    notFound: report.notFound ?? null,
    notChecked: v.faults.map((f) => ({ id: f.id, reason: f.fault })),
    checkpoints: report.checkpoints.map((c) => ({
      id: c.id,
      title: c.title,
      status: c.status,
      summary: c.summary,
      ...(c.fault !== undefined ? { fault: c.fault } : {}),
      evidence: c.evidence,
      remediation: c.remediation.map((r) => ({
        text: r.text,
        ...(r.command ? { command: r.command } : {}),
        ...(r.fix ? { fix: { id: r.fix.id, title: r.fix.title, changes: r.fix.changes, command: r.fix.command } } : {}),
        ...(r.azureFix ? { azureFix: { id: r.azureFix.id, title: r.azureFix.title, changes: r.azureFix.changes, command: r.azureFix.command } } : {}),
        ...(r.action ? { action: r.action } : {}),
      })),
      durationMs: c.durationMs,
    })),
  };
  return `${JSON.stringify(redactJson(out), null, 2)}\n`;
}
