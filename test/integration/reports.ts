// Reading a diagnosis report, and what the fake Azure holds, in assertions (the diagnose suites).

import * as assert from 'node:assert/strict';
import type { CheckpointResult, DiagnosisReport } from '../../src/checkpoints/types';
import type { FakeCloud } from '../fake-azure/cloud';

export function result(report: DiagnosisReport | undefined, id: string): CheckpointResult | undefined {
  return report?.checkpoints.find((c) => c.id === id);
}

export function statusOf(report: DiagnosisReport | undefined, id: string): string | undefined {
  return result(report, id)?.status;
}

/** One line per checkpoint, `id=status: summary`: the message of an assertion on a report. */
export function describeReport(report: DiagnosisReport | undefined): string {
  return report ? report.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n') : 'no report';
}

/** The names of the federated credentials the fake ARM holds for an identity. */
export function credentialNames(cloud: FakeCloud, identityId: string): string[] {
  const identity = cloud.state.resource(identityId);
  assert.ok(identity, `the fake Azure has ${identityId}`);
  return cloud.state.ficsOf(identity).map((f) => f.name);
}

/** The federated credentials of an identity, one line each with every value that matters. */
export function credentialLines(cloud: FakeCloud, identityId: string): string[] {
  return cloud.state.ficsOf(cloud.state.resource(identityId)!).map((f) => `${f.name} ${f.issuer} ${f.subject} ${f.audiences.join(',')}`);
}

/** The writes the fake Azure received. */
export function writes(cloud: FakeCloud): string[] {
  return cloud.requests().filter((r) => r.method === 'PUT' || r.method === 'PATCH' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`);
}
