// The checkpoint runner on its own, with stub checkpoints: order, skipping dependents of a
// failure (naming the root cause once), read failures reported once, a throwing checkpoint
// as a result, cancellation, and re-running a subset after a fix.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableCluster } from '../../src/cluster/connect';
import { diagnose, rerun, dependentsOf } from '../../src/checkpoints/runner';
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

  it('a read failure fails the first checkpoint that needed it and skips later readers with the same sentence', async () => {
    const failing = { kind: 'forbidden' as const, message: 'Forbidden: you may not get deployments.apps "api" in namespace "payments" (403).', verb: 'get', resource: 'deployments.apps', namespace: 'payments', status: 403 };
    const read = (ctx: DiagnoseContext) => ctx.must(err(failing), 'Deployment payments/api', 'workload');
    const list = [
      cp('pod-label', [], async (ctx) => (read(ctx), pass)),
      cp('service-account', [], async (ctx) => (read(ctx), pass)),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.checkpoints[0]!.status, 'fail');
    assert.equal(report.checkpoints[0]!.summary, `Could not get the Deployment payments/api: ${failing.message}`);
    assert.equal(report.checkpoints[0]!.remediation[0]!.command, 'kubectl auth can-i get deployments.apps -n payments --context (none)');
    assert.equal(report.checkpoints[1]!.status, 'skipped');
    assert.match(report.checkpoints[1]!.summary, /^Needs the Deployment payments\/api, which could not be read \(see "pod-label"\): Forbidden/);
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
});
