// The runner's schedule (issue 15): checkpoints whose needs are met run concurrently; `reads` and
// cluster-connection order them; the Azure half runs in order after everything before it; the
// results and the hooks keep the list's order whatever order the checkpoints end in; each
// concurrent run() knows which checkpoint it is (read failures reported by the right one).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableCluster } from '../../src/cluster/connect';
import { diagnose } from '../../src/checkpoints/runner';
import type { Checkpoint, CheckpointId, CheckpointOutcome } from '../../src/checkpoints/types';
import type { DiagnoseContext } from '../../src/checkpoints/context';
import { err, type ClusterApi } from '../../src/cluster/types';

const cluster: ClusterApi = new UnavailableCluster({ kind: 'config', message: 'unused' });
const target = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };
const pass: CheckpointOutcome = { status: 'pass', summary: 'fine', evidence: [], remediation: [] };

function cp(id: CheckpointId, needs: CheckpointId[], run: (ctx: DiagnoseContext) => Promise<CheckpointOutcome>, more: Partial<Checkpoint> = {}): Checkpoint {
  return { id, title: id, description: id, side: 'cluster', needs, fact: '', run, ...more };
}

/** A promise opened from outside, and a log of events. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('runner schedule', { timeout: 10_000 }, () => {
  it('independent checkpoints run together; results and hooks keep the list order when a later one ends first', async () => {
    const log: string[] = [];
    const a = gate();
    const b = gate();
    const list = [
      cp('cluster-connection', [], async () => (log.push('start conn'), pass)),
      cp('webhook', ['cluster-connection'], async () => {
        log.push('start webhook');
        await a.wait;
        log.push('end webhook');
        return pass;
      }),
      cp('pod-label', ['cluster-connection'], async () => {
        log.push('start pod-label');
        // Both are running: the later one ends first, and only then lets the earlier one end.
        b.open();
        return pass;
      }),
    ];
    void b.wait.then(() => a.open());
    const started: number[] = [];
    const results: string[] = [];
    const { report } = await diagnose({ cluster, target, checkpoints: list, hooks: { onStart: (_c, i) => started.push(i), onResult: (r) => results.push(r.id) } });
    assert.deepEqual(log, ['start conn', 'start webhook', 'start pod-label', 'end webhook']);
    assert.deepEqual(report.checkpoints.map((c) => c.id), ['cluster-connection', 'webhook', 'pod-label']);
    assert.deepEqual(results, ['cluster-connection', 'webhook', 'pod-label']);
    assert.deepEqual(started, [0, 1, 2]);
  });

  it('a checkpoint waits for those it reads (not only those it needs), and for cluster-connection', async () => {
    const log: string[] = [];
    const oidc = gate();
    const list = [
      cp('cluster-connection', [], async () => (log.push('conn'), pass)),
      cp('cluster-oidc-issuer', ['cluster-connection'], async (ctx) => {
        await oidc.wait;
        ctx.state.issuer = 'https://issuer/';
        log.push('oidc');
        return pass;
      }),
      cp('projected-token', [], async (ctx) => (log.push(`token sees ${ctx.state.issuer}`), pass), { reads: ['cluster-oidc-issuer'] }),
      cp('service-account', [], async () => (log.push('sa'), oidc.open(), pass)),
    ];
    await diagnose({ cluster, target, checkpoints: list });
    assert.deepEqual(log, ['conn', 'sa', 'oidc', 'token sees https://issuer/']);
  });

  it('the Azure half runs one after another, after every checkpoint before it', async () => {
    const log: string[] = [];
    const slow = gate();
    const list = [
      cp('cluster-connection', [], async () => pass),
      cp('sdk-environment', ['cluster-connection'], async (ctx) => {
        await slow.wait;
        ctx.state.podTenantId = 'tenant';
        log.push('sdk');
        return pass;
      }),
      cp('service-account', ['cluster-connection'], async () => (log.push('sa'), slow.open(), pass)),
      cp('managed-identity', ['service-account'], async (ctx) => (log.push(`mi sees ${ctx.state.podTenantId}`), pass), { side: 'azure' }),
      cp('role-assignments', ['service-account'], async () => (log.push('roles'), pass), { side: 'azure' }),
    ];
    await diagnose({ cluster, target, checkpoints: list });
    assert.deepEqual(log, ['sa', 'sdk', 'mi sees tenant', 'roles']);
  });

  it('concurrent checkpoints each report as themselves: a shared read that failed is "not checked" at the earlier one in the list', async () => {
    const failing = { kind: 'server' as const, message: 'The API server failed (HTTP 500).', status: 500 };
    const g = gate();
    const list = [
      cp('cluster-connection', [], async () => pass),
      cp('pod-label', ['cluster-connection'], async (ctx) => {
        const r = await ctx.read('pods', async () => (await g.wait, err(failing)));
        ctx.must(r, 'pods', 'pods');
        return pass;
      }),
      cp('service-account', ['cluster-connection'], async (ctx) => {
        g.open();
        const r = await ctx.read('pods', async () => err(failing));
        ctx.must(r, 'pods', 'pods');
        return pass;
      }),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list });
    assert.equal(report.checkpoints[1]!.status, 'warn');
    assert.equal(report.checkpoints[1]!.fault, `Could not get the pods: ${failing.message}`);
    assert.equal(report.checkpoints[2]!.status, 'skipped');
    assert.match(report.checkpoints[2]!.summary, /\(see "Pod label"\)/);
  });

  it('cancelled while checkpoints run together: those running end as cancelled, those waiting as not run', async () => {
    const ac = new AbortController();
    const list = [
      cp('cluster-connection', [], async () => pass),
      cp('webhook', ['cluster-connection'], async (ctx) => {
        ac.abort();
        ctx.must(err({ kind: 'cancelled', message: 'Cancelled.' }), 'webhook');
        return pass;
      }),
      cp('pod-label', ['cluster-connection'], async () => ({ status: 'fail', summary: 'x', evidence: [], remediation: [] })),
      cp('sdk-environment', ['webhook'], async () => pass),
    ];
    const { report } = await diagnose({ cluster, target, checkpoints: list, signal: ac.signal });
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.checkpoints.map((c) => `${c.id} ${c.status}`), ['cluster-connection pass', 'webhook skipped', 'pod-label skipped', 'sdk-environment skipped']);
    assert.equal(report.checkpoints[1]!.summary, 'Cancelled while this checkpoint ran.');
    assert.equal(report.checkpoints[3]!.summary, 'Cancelled before this checkpoint ran.');
  });
});
