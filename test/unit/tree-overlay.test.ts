// The sidebar and the report agree (src/tree/overlay.ts): after a diagnosis, the workload's item
// shows that diagnosis's verdict and time, by verdict kind (a fault or not-found never paints it
// broken), until the tree's watch sees the cluster change the workload, its ServiceAccount or its
// pods — then the tree's own state again; a watch that merely lags the diagnosis's own reads does
// not drop it. The diagnoses run the real checkpoints over the same in-memory cluster the tree
// watches (test/unit/store-cluster.ts), through the editor's recording client (seen-objects.ts).
//
//   node scripts/run-unit-tests.mjs tree-overlay

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterConnection } from '../../src/checkpoints/cluster-connection';
import { podLabel } from '../../src/checkpoints/pod-label';
import { allCheckpoints } from '../../src/checkpoints/index';
import { diagnose } from '../../src/checkpoints/runner';
import { sdkEnvironment } from '../../src/checkpoints/sdk-environment';
import { serviceAccount } from '../../src/checkpoints/service-account';
import type { CheckpointResult, DiagnosisReport, WorkloadRef } from '../../src/checkpoints/types';
import { webhook } from '../../src/checkpoints/webhook';
import { SeenObjects } from '../../src/editor/diagnose/seen-objects';
import type { LiveCluster } from '../../src/tree/live-cluster';
import { TREE_SCOPE } from '../../src/tree/nodes';
import { clockTime, DiagnosisOverlays, overlayOf, type WorkloadFingerprint } from '../../src/tree/overlay';
import type { Store } from '../fake-kube/store';
import { StoreCluster } from './store-cluster';
import { expandAll, memoryLive, scenarioStore, TEST_IDENTITY, until, workloadNode } from './tree-helpers';

const CHECKPOINTS = [clusterConnection, webhook, podLabel, serviceAccount, sdkEnvironment];
const API: WorkloadRef = { namespace: 'payments', kind: 'Deployment', name: 'api' };
const USE = 'azure.workload.identity/use';

const lives: LiveCluster[] = [];
after(async () => {
  await Promise.all(lives.map((l) => l.stop()));
});

/** A real diagnosis of `target` over `store`, through the recording client the editor uses. */
async function diagnosed(store: Store, target: WorkloadRef): Promise<{ report: DiagnosisReport; seen: WorkloadFingerprint }> {
  const reads = new SeenObjects(new StoreCluster(store));
  const { report } = await diagnose({ cluster: reads, target, checkpoints: CHECKPOINTS });
  return { report, seen: reads.fingerprint(target) };
}

function result(id: CheckpointResult['id'], status: CheckpointResult['status'], extra: Partial<CheckpointResult> = {}): CheckpointResult {
  return { id, title: allCheckpoints.find((c) => c.id === id)!.title, status, summary: `${id} ${status}`, evidence: [], remediation: [], durationMs: 1, ...extra };
}

function report(checkpoints: CheckpointResult[], extra: Partial<DiagnosisReport> = {}): DiagnosisReport {
  return {
    tool: { name: 't', version: '0' },
    startedAt: '2026-03-04T10:42:13.000Z',
    durationMs: 1,
    context: TEST_IDENTITY.context,
    server: TEST_IDENTITY.server,
    workload: API,
    checkpoints,
    firstFailure: checkpoints.find((c) => c.status === 'fail')?.id,
    requests: 1,
    cancelled: false,
    ...extra,
  };
}

async function watching(store: Store): Promise<LiveCluster> {
  const { live } = memoryLive(store);
  lives.push(live);
  live.start();
  await live.whenSettled();
  await until(live, () => live.model?.webhookUp() !== undefined, 'the webhook configuration is listed');
  return live;
}

describe('the overlay a report calls for', () => {
  const at = clockTime(new Date('2026-03-04T10:42:13.000Z'));

  it('a broken link: ✗ and the checkpoint, at error level, with the diagnosis time', () => {
    const o = overlayOf(report([result('cluster-connection', 'pass'), result('federated-credential', 'fail')]))!;
    assert.deepEqual([o.kind, o.level, o.description], ['fail', 'error', `✗ Federated credential · diagnosed ${at}`]);
    assert.match(o.verdict, /^First broken link: Federated credential — /);
  });

  it('a part not checked because of a fault is a warning naming it, never ✗; beside a broken link, the broken link', () => {
    const fault = result('managed-identity', 'warn', { fault: 'ARM did not answer', summary: 'Not checked: ARM did not answer' });
    const o = overlayOf(report([result('pod-label', 'pass'), fault]))!;
    assert.deepEqual([o.kind, o.level, o.description], ['incomplete', 'warning', `! not checked: Managed identity · diagnosed ${at}`]);
    const both = overlayOf(report([result('pod-label', 'fail'), fault]))!;
    assert.deepEqual([both.kind, both.level], ['fail', 'error']);
  });

  it('not found and cancelled conclude nothing about the workload: no overlay', () => {
    assert.equal(overlayOf(report([result('cluster-connection', 'pass')], { notFound: { what: 'workload', message: 'Deployment payments/api does not exist.' } })), undefined);
    assert.equal(overlayOf(report([result('cluster-connection', 'pass')], { cancelled: true })), undefined);
  });

  it('passed, with warnings, or with skipped checks: ✓, ! and –', () => {
    assert.deepEqual(
      [report([result('pod-label', 'pass')]), report([result('pod-label', 'warn'), result('sdk-environment', 'warn')]), report([result('pod-label', 'pass'), result('token-exchange', 'skipped')])].map((r) => {
        const o = overlayOf(r)!;
        return `${o.level} ${o.description}`;
      }),
      [`ok ✓ all checks passed · diagnosed ${at}`, `warning ! 2 warnings: Pod label, SDK environment in the pods · diagnosed ${at}`, `ok – no check failed, 1 skipped · diagnosed ${at}`],
    );
  });
});

describe('DiagnosisOverlays: shown until the cluster changes what the diagnosis saw', () => {
  const fp = (workload: string, serviceAccount: string | null, pods?: string): WorkloadFingerprint => ({ workload, serviceAccount, ...(pods !== undefined ? { pods } : {}) });
  const r = report([result('pod-label', 'fail')]);
  const where = { context: r.context, server: r.server };

  it('a change of the workload, its ServiceAccount or its pods drops it for good', () => {
    for (const changed of [fp('2', 's1', 'p@1'), fp('1', 's2', 'p@1'), fp('1', null, 'p@1'), fp('1', 's1', 'p@2'), fp('1', 's1', '')]) {
      const overlays = new DiagnosisOverlays();
      overlays.record(r, fp('1', 's1', 'p@1'));
      assert.ok(overlays.lookup(where, API, fp('1', 's1', 'p@1')));
      assert.equal(overlays.lookup(where, API, changed), undefined, JSON.stringify(changed));
      assert.equal(overlays.lookup(where, API, fp('1', 's1', 'p@1')), undefined, 'gone once dropped');
    }
  });

  it('a watch lagging the diagnosis (the tree still at the versions before a fix) keeps it, and so does catching up; a change after that drops it', () => {
    const overlays = new DiagnosisOverlays();
    overlays.source = () => fp('1', 's1', 'p@1'); // what the tree held when the re-check was recorded
    overlays.record(r, fp('1', 's2', 'p@1')); // the re-check read the patched ServiceAccount
    assert.ok(overlays.lookup(where, API, fp('1', 's1', 'p@1')), 'the tree has not seen the patch yet');
    assert.ok(overlays.lookup(where, API, fp('1', 's2', 'p@1')), 'the tree caught up with what the diagnosis read');
    assert.equal(overlays.lookup(where, API, fp('1', 's3', 'p@1')), undefined, 'a later change');
  });

  it('pods still being listed are no change; a part nobody knew takes its first version as the baseline', () => {
    const overlays = new DiagnosisOverlays();
    overlays.record(r, { workload: '1' });
    assert.ok(overlays.lookup(where, API, { workload: '1', serviceAccount: 's1' }));
    assert.ok(overlays.lookup(where, API, { workload: '1', serviceAccount: 's1', pods: 'p@1' }));
    assert.equal(overlays.lookup(where, API, { workload: '1', serviceAccount: 's1', pods: 'p@2' }), undefined);
  });

  it('keyed by context, API server and workload; a later report replaces it, one that concludes nothing removes it', () => {
    const overlays = new DiagnosisOverlays();
    let changes = 0;
    overlays.onDidChange(() => changes++);
    overlays.record(r, fp('1', 's1'));
    assert.equal(overlays.lookup({ ...where, server: 'https://other:6443' }, API, fp('1', 's1')), undefined);
    assert.equal(overlays.lookup(where, { ...API, name: 'other' }, fp('1', 's1')), undefined);
    overlays.record(report([result('pod-label', 'pass')]), fp('1', 's1'));
    assert.equal(overlays.lookup(where, API, fp('1', 's1'))?.kind, 'pass');
    overlays.record(report([result('cluster-connection', 'pass')], { notFound: { what: 'workload', message: 'gone' } }), {});
    assert.equal(overlays.lookup(where, API, fp('1', 's1')), undefined);
    assert.equal(changes, 3);
  });
});

describe('the tree shows the diagnosis over the item, then its own state once the cluster changes', () => {
  it('what the diagnosis read is what the tree holds (the same versions, the same current pods)', async () => {
    for (const [scenario, target] of [['healthy', API], ['healthy', { namespace: 'payments', kind: 'CronJob', name: 'settlement' }], ['pods-older-than-label', API]] as const) {
      const store = scenarioStore(scenario, { fresh: true });
      const live = await watching(store);
      const { seen } = await diagnosed(store, target);
      const entry = live.model!.workload(target.namespace, target.kind as 'Deployment' | 'CronJob', target.name)!;
      assert.deepEqual(seen, live.model!.fingerprint(entry), `${scenario} ${target.kind}`);
      assert.ok(seen.workload && seen.serviceAccount && seen.pods, JSON.stringify(seen));
    }
  });

  for (const change of [
    { what: 'the workload', apply: (s: Store) => void s.patch('Deployment', 'payments', 'api', { metadata: { annotations: { touched: 'yes' } } }) },
    { what: 'its ServiceAccount', apply: (s: Store) => void s.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { 'azure.workload.identity/client-id': '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' } } }) },
    { what: 'one of its pods', apply: (s: Store) => void s.delete('Pod', 'payments', s.list('Pod', 'payments').find((p) => p.metadata.name.startsWith('api-'))!.metadata.name) },
  ]) {
    it(`verdict, time and tooltip after a diagnosis; a change of ${change.what} brings back the tree's own state; another workload's change does not`, async () => {
      const store = scenarioStore('sa-not-annotated', { fresh: true });
      const live = await watching(store);
      const overlays = new DiagnosisOverlays();
      overlays.source = (_at, w) => {
        const e = live.model!.workload(w.namespace, w.kind as 'Deployment', w.name);
        return e && live.model!.fingerprint(e);
      };
      const { report: r, seen } = await diagnosed(store, API);
      assert.equal(r.firstFailure, 'service-account');
      overlays.record(r, seen);
      const node = () => workloadNode(expandAll(live, undefined, undefined, overlays), 'payments', 'api')!;
      const shown = node();
      assert.equal(shown.description, `✗ ServiceAccount annotation · diagnosed ${clockTime(new Date(r.startedAt))}`);
      assert.equal(shown.level, 'error');
      assert.equal(shown.overlay?.kind, 'fail');
      assert.ok(shown.tooltip!.some((l) => l.startsWith('Diagnosed ') && l.includes('First broken link: ServiceAccount annotation — ')), shown.tooltip!.join('\n'));
      assert.ok(shown.tooltip!.includes("The sidebar's own state: no client ID on the ServiceAccount"), shown.tooltip!.join('\n'));
      assert.equal(shown.tooltip![shown.tooltip!.length - 1], TREE_SCOPE);
      // Another workload changing is no change of this one.
      store.patch('Deployment', 'ingress-basic', 'ingress-nginx-controller', { metadata: { annotations: { touched: 'yes' } } });
      await until(live, () => live.model!.workload('ingress-basic', 'Deployment', 'ingress-nginx-controller')?.object.metadata.annotations?.touched === 'yes', 'the other change seen');
      assert.equal(node().overlay?.kind, 'fail');
      change.apply(store);
      const own = await until(live, () => {
        const n = node();
        return !n.overlay && n;
      }, `the tree's own state after a change of ${change.what}`);
      assert.equal(own.description, own.entry.status.short);
      assert.ok(!own.tooltip!.some((l) => l.startsWith('Diagnosed ')));
      assert.equal(own.tooltip![own.tooltip!.length - 1], TREE_SCOPE, 'the tooltip still says what the tree covers');
    });
  }

  it('a fix applied by the extension, its re-check recorded before the watch sees the patch: the re-check is shown, and stays once the watch catches up', async () => {
    const store = scenarioStore('label-on-deployment', { fresh: true });
    const live = await watching(store);
    const overlays = new DiagnosisOverlays();
    const tree = (w: WorkloadRef) => live.model!.fingerprint(live.model!.workload(w.namespace, 'Deployment', w.name)!);
    const before = tree(API);
    // The fix, then its re-check, through the recording client; the tree has not seen the patch yet
    // when the re-check is recorded (the source answers what it held before).
    const reads = new SeenObjects(new StoreCluster(store));
    store.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: 'true' } } } } });
    const { report: r } = await diagnose({ cluster: reads, target: API, checkpoints: CHECKPOINTS });
    overlays.source = () => before;
    overlays.record(r, reads.fingerprint(API));
    assert.notEqual(reads.fingerprint(API).workload, before.workload, 'the re-check read the patched Deployment');
    assert.ok(overlays.lookup({ context: r.context, server: r.server }, API, before), 'shown while the watch lags');
    await until(live, () => tree(API).workload !== before.workload, 'the watch delivers the patch');
    assert.equal(workloadNode(expandAll(live, undefined, undefined, overlays), 'payments', 'api')!.overlay?.description, overlayOf(r)!.description);
  });
});
