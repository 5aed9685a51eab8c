// The checkpoint runner on its own, with stub checkpoints: order, skipping dependents of a
// failure (naming the root cause once), read failures reported once, a throwing checkpoint
// as a result, cancellation, and re-running a subset after a fix.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableCluster } from '../../src/cluster/connect';
import { diagnose, rerun, dependentsOf, notChecked } from '../../src/checkpoints/runner';
import { exitCode } from '../../src/cli/diagnose';
import { faultNote, verdict } from '../../src/render/report/common';
import type { Checkpoint, CheckpointId, CheckpointOutcome } from '../../src/checkpoints/types';
import type { DiagnoseContext } from '../../src/checkpoints/context';
import { err, type ClusterApi } from '../../src/cluster/types';

const cluster: ClusterApi = new UnavailableCluster({ kind: 'config', message: 'unused' });
const target = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };
const pass: CheckpointOutcome = { status: 'pass', summary: 'fine', evidence: [], remediation: [] };

function cp(id: CheckpointId, needs: CheckpointId[], run: (ctx: DiagnoseContext) => Promise<CheckpointOutcome>): Checkpoint {
  return { id, title: id, description: id, side: 'cluster', needs, fact: '', run };
}

describe('runner', () => {
  it('runs in order, skips dependents of a failure with the root cause, keeps independent ones', async () => {
    const ran: string[] = [];
    const list = [
      cp('cluster-connection', [], async () => (ran.push('a'), pass)),
      cp('pod-label', ['cluster-connection'], async () => (ran.push('b'), { status: 'fail', summary: 'no label', evidence: [], remediation: [] })),
      cp('sdk-environment', ['pod-label'], async () => (ran.push('c'), pass)),
      cp('projected-token', ['sdk-environment'], async () => (ran.push('d'), pass)),
      cp('pod-logs', ['cluster-connection'], async () => (ran.push('e'), pass)),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.deepEqual(ran, ['a', 'b', 'e']);
    assert.deepEqual(report.checkpoints.map((c) => c.status), ['pass', 'fail', 'skipped', 'skipped', 'pass']);
    assert.equal(report.checkpoints[2]!.summary, 'Skipped: needs "pod-label", which failed.');
    assert.equal(report.checkpoints[3]!.summary, 'Skipped: needs "pod-label", which failed.');
    assert.equal(report.firstFailure, 'pod-label');
  });

  it('a read failure is "not checked" (a fault, never a verdict) at the first checkpoint that needed it, and skips later readers with the same sentence', async () => {
    const failing = { kind: 'forbidden' as const, message: 'Forbidden: you may not get deployments.apps "api" in namespace "payments" (403).', verb: 'get', resource: 'deployments.apps', namespace: 'payments', status: 403 };
    const read = (ctx: DiagnoseContext) => ctx.must(err(failing), 'Deployment payments/api', 'workload');
    const list = [
      cp('pod-label', [], async (ctx) => (read(ctx), pass)),
      cp('service-account', [], async (ctx) => (read(ctx), pass)),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.checkpoints[0]!.status, 'warn');
    assert.equal(report.checkpoints[0]!.fault, `Could not get the Deployment payments/api: ${failing.message}`);
    assert.equal(report.checkpoints[0]!.summary, `Not checked: Could not get the Deployment payments/api: ${failing.message}`);
    assert.equal(report.firstFailure, undefined);
    assert.equal(report.checkpoints[0]!.remediation[0]!.command, "kubectl auth can-i get deployments.apps -n payments --context '(none)'");
    assert.equal(report.checkpoints[1]!.status, 'skipped');
    assert.match(report.checkpoints[1]!.summary, /^Needs the Deployment payments\/api, which could not be read \(see "Pod label"\): Forbidden/);
  });

  it('a checkpoint that throws becomes a failed result; the diagnosis goes on', async () => {
    const list = [cp('webhook', [], async () => { throw new TypeError('x is undefined'); }), cp('pod-logs', [], async () => pass)];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.checkpoints[0]!.status, 'fail');
    assert.match(report.checkpoints[0]!.summary, /Internal error in this checkpoint: x is undefined/);
    assert.equal(report.checkpoints[1]!.status, 'pass');
  });

  it('stops promptly on cancellation: the rest are skipped as cancelled', async () => {
    const ac = new AbortController();
    const list = [
      cp('cluster-connection', [], async () => (ac.abort(), pass)),
      cp('webhook', [], async () => pass),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list, signal: ac.signal });
    assert.equal(report.cancelled, true);
    assert.equal(report.checkpoints[1]!.status, 'skipped');
    assert.match(report.checkpoints[1]!.summary, /Cancelled/);
  });

  it('re-runs the fixed checkpoint and its dependents only, with fresh reads', async () => {
    let labelled = false;
    const counts: Record<string, number> = {};
    const count = (id: string) => (counts[id] = (counts[id] ?? 0) + 1);
    const list = [
      cp('cluster-connection', [], async () => (count('conn'), pass)),
      cp('pod-label', ['cluster-connection'], async () => (count('label'), labelled ? pass : { status: 'fail', summary: 'no label', evidence: [], remediation: [] })),
      cp('sdk-environment', ['pod-label'], async () => (count('sdk'), pass)),
      cp('pod-logs', ['cluster-connection'], async () => (count('logs'), pass)),
    ];
    const first = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(first.report.firstFailure, 'pod-label');
    labelled = true;
    const again = await rerun(first, list, ['pod-label']);
    assert.deepEqual(counts, { conn: 1, label: 2, sdk: 1, logs: 1 });
    assert.deepEqual(again.report.checkpoints.map((c) => c.status), ['pass', 'pass', 'pass', 'pass']);
    assert.equal(again.report.firstFailure, undefined);
    assert.deepEqual([...dependentsOf(list, ['cluster-connection'])].sort(), ['cluster-connection', 'pod-label', 'pod-logs', 'sdk-environment']);
  });

  it('a fault ("not checked") is never a verdict: it skips what needs it, names no broken link, and the verdict says what was not checked', async () => {
    const list = [
      cp('cluster-connection', [], async () => pass),
      cp('managed-identity', ['cluster-connection'], async () => notChecked('Could not search: Azure answered 503.')),
      cp('federated-credential', ['managed-identity'], async () => pass),
      cp('pod-logs', ['cluster-connection'], async () => pass),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.deepEqual(report.checkpoints.map((c) => c.status), ['pass', 'warn', 'skipped', 'pass']);
    assert.equal(report.checkpoints[2]!.summary, 'Skipped: needs "managed-identity", which could not be checked.');
    assert.equal(report.firstFailure, undefined);
    const v = verdict(report);
    assert.equal(v.kind, 'incomplete');
    assert.equal(v.text, 'Not finished: managed-identity could not be checked — Could not search: Azure answered 503.');
    assert.equal(exitCode(report), 2);
  });

  it('a broken link beside a part not checked: the broken link is named, the fault noted, and the exit code is 2', async () => {
    const list = [
      cp('pod-label', [], async () => ({ status: 'fail', summary: 'no label', evidence: [], remediation: [] })),
      cp('token-exchange', [], async () => notChecked('Entra ID could not answer now (HTTP 503).')),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    const v = verdict(report);
    assert.equal(v.kind, 'fail');
    assert.equal(faultNote(v), 'Also not checked: token-exchange — Entra ID could not answer now (HTTP 503).');
    assert.equal(exitCode(report), 2);
  });

  it('exit codes: 0 when nothing failed and every part ran (skips for no sign-in included), 1 for a verdict only', async () => {
    const skippedAzure = await diagnose({ cluster, target, checkpoints: [cp('pod-label', [], async () => pass), cp('managed-identity', [], async () => ({ status: 'skipped', summary: 'Skipped: Not signed in.', evidence: [], remediation: [] }))] });
    assert.equal(exitCode(skippedAzure.report), 0);
    const failed = await diagnose({ cluster, target, checkpoints: [cp('pod-label', [], async () => ({ status: 'fail', summary: 'x', evidence: [], remediation: [] }))] });
    assert.equal(exitCode(failed.report), 1);
  });

  it('reconcile: a later result revises an earlier one, and the skipped dependents are worded anew', async () => {
    const mi: Checkpoint = {
      ...cp('managed-identity', [], async () => notChecked('not visible to you')),
      reconcile: (own, ctx) => (ctx.results.get('token-exchange')?.status === 'fail' ? { status: 'fail', summary: 'Entra confirms it does not exist.', evidence: own.evidence, remediation: [] } : undefined),
    };
    const list = [mi, cp('federated-credential', ['managed-identity'], async () => pass), cp('token-exchange', [], async () => ({ status: 'fail', summary: 'AADSTS700016', evidence: [], remediation: [] }))];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.checkpoints[0]!.status, 'fail');
    assert.equal(report.checkpoints[0]!.fault, undefined);
    assert.equal(report.checkpoints[1]!.summary, 'Skipped: needs "managed-identity", which failed.');
    assert.equal(report.firstFailure, 'managed-identity');
  });

  it('a re-check after a fix: the report time is the re-check\'s, `reads` are re-run too, and the fix time reaches the checkpoints', async () => {
    let now = new Date('2026-12-07T10:00:00Z');
    let seenChange: Date | undefined;
    const list: Checkpoint[] = [
      cp('federated-credential', [], async () => pass),
      { ...cp('pod-logs', [], async (ctx) => ((seenChange = ctx.lastChangeAt), pass)), reads: ['federated-credential'] },
    ];
    const first = await diagnose({ cluster, target, checkpoints: list, options: { now: () => now } });
    assert.equal(first.report.startedAt, '2026-12-07T10:00:00.000Z');
    now = new Date('2026-12-07T10:05:00Z');
    const fixedAt = new Date('2026-12-07T10:04:30Z');
    const again = await rerun(first, list, ['federated-credential'], undefined, undefined, { changedAt: fixedAt });
    assert.equal(again.report.startedAt, '2026-12-07T10:05:00.000Z');
    assert.equal(seenChange?.toISOString(), fixedAt.toISOString(), 'pod-logs reads federated-credential, so it ran again, knowing the fix time');
  });

  it('not found: the runner stops judging and the report says "not found"', async () => {
    const list = [
      cp('cluster-connection', [], async (ctx) => ((ctx.notFound = { what: 'workload', message: 'Deployment payments/api does not exist in context "x".' }), pass)),
      cp('pod-label', ['cluster-connection'], async () => ({ status: 'fail', summary: 'never run', evidence: [], remediation: [] })),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.notFound?.what, 'workload');
    assert.equal(report.checkpoints[1]!.summary, 'Skipped: the workload was not found (see "Cluster connection").');
    assert.equal(verdict(report).kind, 'not-found');
    assert.equal(exitCode(report), 2);
  });
});
