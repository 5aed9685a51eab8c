// One diagnosis over a slow link (issue 15): a bounded number of requests whatever the pod and
// container counts, a log sample that still finds the one log with an error (a pod of another
// template, a restarted container's previous log), and checkpoints running concurrently without
// changing the report: its order, its verdicts and its evidence are those of a run where the
// reads answer one at a time, or in reverse order.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clusterCheckpoints } from '../../src/checkpoints';
import { diagnose } from '../../src/checkpoints/runner';
import type { CheckpointResult, DiagnosisReport, WorkloadRef } from '../../src/checkpoints/types';
import { connect } from '../../src/cluster/connect';
import type { ClusterApi } from '../../src/cluster/types';
import { manyPodsScenario } from '../fake-kube/scenarios-many-pods';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';

const dir = mkdtempSync(join(tmpdir(), 'wi-conc-'));
const servers: FakeKube[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const API: WorkloadRef = { namespace: 'payments', kind: 'Deployment', name: 'api' };

async function serve(opts: FakeKubeOptions): Promise<{ kube: FakeKube; kubeconfig: string }> {
  const kube = await startFakeKube(opts);
  servers.push(kube);
  return { kube, kubeconfig: kube.writeKubeconfig(join(dir, `kc-${servers.length}.yaml`)) };
}

/** Every call, one at a time: the order of a diagnosis whose reads never overlap. */
function serial(inner: ClusterApi): ClusterApi {
  let tail: Promise<unknown> = Promise.resolve();
  return wrap(inner, (call) => {
    const p = tail.then(call);
    tail = p.catch(() => undefined);
    return p;
  });
}

/**
 * The answers held until every call sent so far has its answer, then given back in reverse order
 * of the calls: the reads of each wave answer last-sent first (event-driven, no timers).
 */
function reversed(inner: ClusterApi): { cluster: ClusterApi; reversedWaves: () => number } {
  let pending = 0;
  let waves = 0;
  let held: { seq: number; deliver: () => void }[] = [];
  let seq = 0;
  const cluster = wrap(inner, (call) => {
    const mine = seq++;
    pending++;
    return new Promise((resolve, reject) => {
      call().then(
        (v) => hold(() => resolve(v)),
        (e: unknown) => hold(() => reject(e)),
      );
    });
    function hold(deliver: () => void): void {
      held.push({ seq: mine, deliver });
      if (--pending > 0) return;
      const now = held.sort((a, b) => b.seq - a.seq);
      held = [];
      if (now.length > 1) waves++;
      for (const h of now) h.deliver();
    }
  });
  return { cluster, reversedWaves: () => waves };
}

function wrap(inner: ClusterApi, through: <T>(call: () => Promise<T>) => Promise<T>): ClusterApi {
  return {
    get identity() {
      return inner.identity;
    },
    get requestCount() {
      return inner.requestCount;
    },
    version: (s) => through(() => inner.version(s)),
    get: (t, ns, n, s) => through(() => inner.get(t, ns, n, s)),
    list: (t, ns, o, s) => through(() => inner.list(t, ns, o, s)),
    getPath: (p, s) => through(() => inner.getPath(p, s)),
    patch: (t, ns, n, pt, b, o, s) => through(() => inner.patch(t, ns, n, pt, b, o, s)),
    createToken: (ns, sa, a, e, s) => through(() => inner.createToken(ns, sa, a, e, s)),
    podLog: (ns, p, o, s) => through(() => inner.podLog(ns, p, o, s)),
  } as ClusterApi;
}

/** A report without what legitimately differs between runs (durations; the expiry of the token minted for each run). */
function verdicts(r: DiagnosisReport): unknown {
  return r.checkpoints.map((c: CheckpointResult) => ({ id: c.id, status: c.status, summary: c.summary, fault: c.fault, evidence: c.evidence.filter((e) => !(c.id === 'projected-token' && e.label === 'exp')), remediation: c.remediation }));
}

const ORDER = ['cluster-connection', 'cluster-oidc-issuer', 'webhook', 'pod-label', 'service-account', 'sdk-environment', 'projected-token', 'pod-logs'];

describe('one diagnosis over a slow link: bounded requests, a representative log sample, concurrency', { timeout: 120_000 }, () => {
  it('makes at most 15 requests whatever the pod and container counts (12+2 pods of 3 containers, a rollout, a restart), counted at the server', async () => {
    for (const o of [{ pods: 6, containers: 2 }, { pods: 12, containers: 3, oldPods: 2, restartedPod: 3, restartedContainer: 'sync' }, { pods: 20, containers: 4, oldPods: 4, restartedPod: 7, restartedContainer: 'worker' }]) {
      const { kube, kubeconfig } = await serve({ scenario: manyPodsScenario(o) });
      const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints });
      const name = kube.scenario!.name;
      assert.deepEqual(report.checkpoints.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}`), [], name);
      assert.ok(kube.requests.length <= 15, `${name}: ${kube.requests.length} requests:\n${kube.requests.map((r) => `${r.method} ${r.path}`).join('\n')}`);
      assert.equal(report.requests, kube.requests.length, name);
      const logs = kube.requests.filter((r) => r.path.endsWith('/log'));
      assert.ok(logs.length >= 1 && logs.length <= 3, `${name}: ${logs.length} log reads`);
      // What was not read is said, with its count.
      const all = (o.pods + (o.oldPods ?? 0)) * o.containers + (o.restartedContainer ? 1 : 0);
      const notRead = report.checkpoints.find((c) => c.id === 'pod-logs')!.evidence.find((e) => e.label === 'logs not read');
      assert.match(notRead?.value ?? '', new RegExp(`^${all - logs.length} more container logs`), name);
    }
  });

  it('the sample finds an error that is in one container of the one pod of an older template, and nowhere else', async () => {
    const { kube, kubeconfig } = await serve({ scenario: manyPodsScenario({ pods: 6, containers: 2, oldPods: 1, error: { in: 'old-pod', container: 'api' } }) });
    const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints });
    const logs = report.checkpoints.find((c) => c.id === 'pod-logs')!;
    assert.equal(logs.status, 'fail', logs.summary);
    assert.match(logs.summary, /^The logs show Workload Identity errors: AADSTS70021 /);
    const oldPod = kube.store.list('pods', 'payments').filter((p) => p.metadata.labels?.app === 'api').sort((a, b) => a.metadata.creationTimestamp!.localeCompare(b.metadata.creationTimestamp!))[0]!.metadata.name;
    assert.match(logs.evidence.find((e) => e.label === 'AADSTS70021')!.value, new RegExp(`^in pod ${oldPod}, newest at `));
    assert.ok(logs.evidence.some((e) => e.label === 'log read' && e.value.startsWith(`${oldPod}/api: newest pod of the 1 pod with template `)));
    assert.equal(report.firstFailure, 'pod-logs');
    assert.ok(kube.requests.length <= 15);
  });

  it("the sample finds an error that is only in a restarted container's previous log (not the newest pod's, not the first container)", async () => {
    const { kube, kubeconfig } = await serve({ scenario: manyPodsScenario({ pods: 6, containers: 2, restartedPod: 2, restartedContainer: 'worker', error: { in: 'restarted' } }) });
    const { report } = await diagnose({ cluster: connect({ kubeconfig }), target: API, checkpoints: clusterCheckpoints });
    const logs = report.checkpoints.find((c) => c.id === 'pod-logs')!;
    assert.equal(logs.status, 'fail', logs.summary);
    const pod = kube.store.list('pods', 'payments').filter((p) => p.metadata.labels?.app === 'api').sort((a, b) => a.metadata.creationTimestamp!.localeCompare(b.metadata.creationTimestamp!))[2]!.metadata.name;
    assert.match(logs.evidence.find((e) => e.label === 'AADSTS70021')!.value, new RegExp(`^in pod ${pod} \\(a previous container included: written before its restart\\)`));
    assert.ok(kube.requests.some((r) => r.path === `/api/v1/namespaces/payments/pods/${pod}/log` && r.query.container === 'worker' && r.query.previous === 'true'));
    assert.ok(kube.requests.length <= 15);
  });

  it('concurrency does not change the report: the same order, verdicts and evidence when the reads answer one at a time or in reverse order; hooks in list order', async () => {
    for (const scenario of ['healthy', 'token-claims-mismatch', 'webhook-down', 'client-secret-set', 'logs-aadsts', manyPodsScenario({ pods: 6, containers: 2, oldPods: 1, restartedPod: 1, restartedContainer: 'worker', error: { in: 'old-pod', container: 'worker' } })]) {
      const { kubeconfig, kube } = await serve({ scenario });
      // The pods' ages are in the evidence: one clock for the three runs.
      const now = new Date();
      const run = async (cluster: ClusterApi) => {
        const started: number[] = [];
        const results: string[] = [];
        const { report } = await diagnose({ cluster, target: kube.scenario!.target as WorkloadRef, checkpoints: clusterCheckpoints, options: { now: () => now }, hooks: { onStart: (_c, i) => started.push(i), onResult: (r) => results.push(r.id) } });
        return { report, started, results };
      };
      const one = await run(serial(connect({ kubeconfig })));
      const rev = reversed(connect({ kubeconfig }));
      const back = await run(rev.cluster);
      const plain = await run(connect({ kubeconfig }));
      const name = kube.scenario!.name;
      assert.ok(rev.reversedWaves() >= 2, `${name}: the reads were answered out of order in ${rev.reversedWaves()} waves`);
      for (const r of [one, back, plain]) {
        assert.deepEqual(r.report.checkpoints.map((c) => c.id), ORDER, name);
        assert.deepEqual(r.results, ORDER, `${name}: onResult in list order`);
        assert.deepEqual(r.started, [...r.started].sort((a, b) => a - b), `${name}: onStart in list order`);
      }
      assert.deepEqual(verdicts(back.report), verdicts(one.report), `${name}: reverse-order answers changed the report`);
      assert.deepEqual(verdicts(plain.report), verdicts(one.report), `${name}: concurrent reads changed the report`);
      assert.equal(back.report.firstFailure, one.report.firstFailure);
    }
  });
});
