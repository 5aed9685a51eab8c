// Applying a FixPlan: the user's value goes where the plan says, a server-side dry run comes
// first and a refusal there writes nothing, every patch carries the resourceVersion the plan was
// computed from (a change made meanwhile stops the fix with nothing written and a sentence naming
// both versions), and waitForRollout follows a rollout to its end (or its deadline, or a cancel).
// First against a scripted ClusterApi (exact calls), then against the local fake API server
// (what is really stored).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { applyFix, recheckAfter, resolveFix, rolloutDone, rolloutStatus, waitForRollout, withResourceVersion } from '../../src/checkpoints/apply-fix';
import type { CheckpointResult, FixPlan } from '../../src/checkpoints/types';
import { connect, UnavailableCluster } from '../../src/cluster/connect';
import { Resources } from '../../src/cluster/resources';
import { err, ok, type ClusterApi, type KubeFailure, type KubeObject, type KubeResult, type WriteOptions } from '../../src/cluster/types';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { toWorkload } from '../../src/cluster/workloads';
import { annotateServiceAccountFix, restartRolloutFix } from '../../src/checkpoints/shared';

const CLIENT_ID = 'azure.workload.identity/client-id';
const GUID = '0b6f6c3e-5a8e-4a59-9b4f-3f1f6f2d8a11';

function labelPlan(resourceVersion = '41'): FixPlan {
  return {
    id: 'add-pod-template-label',
    title: 'Add the label',
    changes: ['Deployment payments/api: spec.template.metadata.labels["azure.workload.identity/use"] = "true"'],
    target: { type: Resources.deployments, namespace: 'payments', name: 'api', resourceVersion },
    patchType: 'merge',
    patch: { spec: { template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } } } } },
    command: 'kubectl patch deployment/api -n payments --type merge -p ...',
    waitForRollout: true,
    rerun: ['pod-label'],
  };
}

function annotatePlan(resourceVersion = '7'): FixPlan {
  return {
    id: 'annotate-service-account',
    title: 'Annotate ServiceAccount api',
    changes: [`ServiceAccount payments/api: metadata.annotations["${CLIENT_ID}"] = <the managed identity's client ID>`],
    target: { type: Resources.serviceAccounts, namespace: 'payments', name: 'api', resourceVersion },
    patchType: 'merge',
    patch: { metadata: { annotations: { [CLIENT_ID]: '' } } },
    command: `kubectl annotate serviceaccount api ${CLIENT_ID}=<client-id> --overwrite -n payments --context prod`,
    waitForRollout: false,
    rerun: ['service-account'],
    input: { prompt: 'Client ID', placeholder: '00000000-0000-0000-0000-000000000000', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', patchPath: ['metadata', 'annotations', CLIENT_ID] },
  };
}

interface PatchCall {
  name: string;
  body: unknown;
  dryRun: boolean;
}

/** A ClusterApi whose patch and get follow a script; everything else is unavailable. */
function scripted(opts: { patch?: (call: PatchCall) => KubeResult<KubeObject>; get?: () => KubeResult<KubeObject> }): ClusterApi & { patches: PatchCall[]; gets: number } {
  const base = new UnavailableCluster({ kind: 'config', message: 'not scripted' });
  const patches: PatchCall[] = [];
  const c = Object.assign(base, {
    patches,
    gets: 0,
    patch: async (_t: unknown, _ns: unknown, name: string, _pt: unknown, body: unknown, w?: WriteOptions) => {
      const call = { name, body, dryRun: !!w?.dryRun };
      patches.push(call);
      return opts.patch ? opts.patch(call) : ok({ metadata: { name } });
    },
    get: async () => {
      c.gets++;
      return opts.get ? opts.get() : err({ kind: 'not-found', message: 'gone' });
    },
  });
  return c as unknown as ClusterApi & { patches: PatchCall[]; gets: number };
}

const forbidden: KubeFailure = { kind: 'forbidden', status: 403, message: 'You may not patch deployments.apps "api" in namespace "payments".' };

describe('resolveFix', () => {
  it('returns a plan without input as it is', () => {
    const plan = labelPlan();
    const r = resolveFix(plan);
    assert.ok(r.ok);
    assert.equal(r.value.patch, plan.patch);
    assert.equal(r.value.command, plan.command);
  });

  it('puts the value at patchPath, in the command and in the change lines, without touching the plan', () => {
    const plan = annotatePlan();
    const r = resolveFix(plan, ` ${GUID} `);
    assert.ok(r.ok);
    assert.deepEqual(r.value.patch, { metadata: { annotations: { [CLIENT_ID]: GUID } } });
    assert.equal(r.value.command, `kubectl annotate serviceaccount api ${CLIENT_ID}=${GUID} --overwrite -n payments --context prod`);
    assert.deepEqual(r.value.changes, [`ServiceAccount payments/api: metadata.annotations["${CLIENT_ID}"] = "${GUID}"`]);
    assert.deepEqual(plan.patch, { metadata: { annotations: { [CLIENT_ID]: '' } } }, 'the plan itself is unchanged');
  });

  it('quotes the value in the copyable command, whatever the input pattern lets through', () => {
    const plan = annotatePlan();
    const loose = { ...plan, input: { ...plan.input!, pattern: '.*' } };
    const r = resolveFix(loose, "x'; rm -rf ~ #");
    assert.ok(r.ok);
    assert.equal(r.value.command, `kubectl annotate serviceaccount api ${CLIENT_ID}='x'\\''; rm -rf ~ #' --overwrite -n payments --context prod`);
  });

  it('refuses a missing or malformed value', () => {
    assert.deepEqual(resolveFix(annotatePlan(), ''), { ok: false, message: 'Client ID: a value is needed.' });
    const bad = resolveFix(annotatePlan(), '/subscriptions/x/resourceGroups/y');
    assert.equal(bad.ok, false);
    assert.match((bad as { message: string }).message, /does not have the expected form/);
  });
});

describe('applyFix (scripted cluster)', () => {
  it('dry-runs first, then applies the same patch, both carrying the resourceVersion the plan was computed from', async () => {
    const c = scripted({});
    const r = await applyFix(c, annotatePlan(), { value: GUID });
    assert.ok(r.ok);
    assert.deepEqual(c.patches.map((p) => p.dryRun), [true, false]);
    assert.deepEqual(c.patches[0]!.body, c.patches[1]!.body);
    assert.deepEqual(c.patches[1]!.body, { metadata: { annotations: { [CLIENT_ID]: GUID }, resourceVersion: '7' } });
    assert.deepEqual(r.patch, c.patches[1]!.body, 'the result names the patch as sent');
  });

  it('refuses a plan without a resourceVersion before sending anything', async () => {
    const c = scripted({});
    const r = await applyFix(c, labelPlan(''));
    assert.deepEqual([r.ok, (r as { step: string }).step, c.patches.length], [false, 'precondition', 0]);
    assert.match((r as { message: string }).message, /^Deployment payments\/api was read without a resourceVersion, so the change could not be guarded against a concurrent one; nothing was written; run the diagnosis again\.$/);
  });

  it('a 409 on the dry run: reads the object and names both versions; no real patch', async () => {
    const c = scripted({ patch: () => err({ kind: 'conflict', status: 409, message: 'Conflict.' }), get: () => ok({ metadata: { name: 'api', resourceVersion: '44' } }) });
    const r = await applyFix(c, labelPlan('41'));
    assert.equal(r.ok, false);
    assert.equal((r as { step: string }).step, 'dry-run');
    assert.equal((r as { message: string }).message, 'Deployment payments/api changed since the diagnosis read it (resourceVersion 41 → 44); nothing was written; run the diagnosis again.');
    assert.deepEqual((r as { changed?: unknown }).changed, { from: '41', to: '44' });
    assert.equal(c.patches.length, 1);
  });

  it('a 404 on the real patch: the object was deleted since it was read; the view words it for the sidebar', async () => {
    const c = scripted({ patch: (call) => (call.dryRun ? ok({ metadata: { name: call.name } }) : err({ kind: 'not-found', status: 404, message: 'Not found.' })) });
    const r = await applyFix(c, labelPlan('41'), { readBy: 'view' });
    assert.deepEqual([r.ok, (r as { step: string }).step], [false, 'apply']);
    assert.equal((r as { message: string }).message, 'Deployment payments/api was deleted since the Workload Identity view showed it (resourceVersion 41); nothing was written; try again once the view shows it as it is now.');
  });

  it('stops at a 403 on the dry run, naming the step and the sentence', async () => {
    const c = scripted({ patch: (call) => (call.dryRun ? err(forbidden) : ok({ metadata: { name: call.name } })) });
    const r = await applyFix(c, labelPlan());
    assert.equal(r.ok, false);
    assert.equal((r as { step: string }).step, 'dry-run');
    assert.match((r as { message: string }).message, /refused the change to Deployment payments\/api in a dry run, so nothing was written: You may not patch/);
    assert.equal(c.patches.length, 1, 'no real patch after a refused dry run');
  });

  it('reports a failure of the real patch as the apply step', async () => {
    const c = scripted({ patch: (call) => (call.dryRun ? ok({ metadata: { name: call.name } }) : err({ kind: 'conflict', status: 409, message: 'Conflict.' })), get: () => ok({ metadata: { name: 'api', resourceVersion: '42' } }) });
    const r = await applyFix(c, labelPlan());
    assert.deepEqual([r.ok, (r as { step: string }).step], [false, 'apply']);
    assert.match((r as { message: string }).message, /changed since the diagnosis read it \(resourceVersion 41 → 42\); nothing was written/);
  });

  it('does not call the cluster when the value is invalid', async () => {
    const c = scripted({});
    const r = await applyFix(c, annotatePlan(), { value: 'nope' });
    assert.deepEqual([r.ok, (r as { step: string }).step, c.patches.length], [false, 'input', 0]);
  });
});

function deployment(generation: number, observed: number, replicas: number, status: { updated?: number; ready?: number; total?: number }): KubeObject {
  return {
    metadata: { name: 'api', namespace: 'payments', generation },
    spec: { replicas },
    status: { observedGeneration: observed, updatedReplicas: status.updated, readyReplicas: status.ready, replicas: status.total },
  };
}

describe('rollout status', () => {
  it('is done only when the controller saw the change and every desired pod is new and ready, old ones gone', () => {
    const s = (o: KubeObject) => rolloutDone(rolloutStatus('Deployment', o));
    assert.equal(s(deployment(3, 2, 2, { updated: 2, ready: 2, total: 2 })), false, 'not observed yet');
    assert.equal(s(deployment(3, 3, 2, { updated: 1, ready: 2, total: 3 })), false, 'half way');
    assert.equal(s(deployment(3, 3, 2, { updated: 2, ready: 2, total: 3 })), false, 'an old pod still runs');
    assert.equal(s(deployment(3, 3, 2, { updated: 2, ready: 2, total: 2 })), true);
    assert.equal(s(deployment(3, 3, 0, {})), true, 'scaled to zero');
  });

  it('reads a DaemonSet from its scheduled counts', () => {
    const ds: KubeObject = { metadata: { name: 'agent', generation: 2 }, status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberReady: 2, currentNumberScheduled: 3 } };
    assert.deepEqual(rolloutStatus('DaemonSet', ds), { generation: 2, observedGeneration: 2, desired: 3, updated: 3, ready: 2, total: 3 });
  });
});

describe('waitForRollout (scripted cluster)', () => {
  const target = labelPlan().target;

  it('polls until the rollout completes', async () => {
    const steps = [deployment(2, 1, 2, { updated: 0, ready: 2, total: 2 }), deployment(2, 2, 2, { updated: 1, ready: 2, total: 3 }), deployment(2, 2, 2, { updated: 2, ready: 2, total: 2 })];
    const c = scripted({ get: () => ok(steps[Math.min(c.gets - 1, steps.length - 1)]!) });
    const seen: string[] = [];
    const r = await waitForRollout(c, target, { timeoutMs: 5000, pollMs: 1, onStatus: (s) => seen.push(`${s.updated}/${s.desired}`) });
    assert.ok(r.ok && r.waited);
    assert.deepEqual(seen, ['0/2', '1/2', '2/2']);
  });

  it('gives up at the deadline, saying where the rollout stands', async () => {
    const c = scripted({ get: () => ok(deployment(2, 2, 2, { updated: 1, ready: 1, total: 3 })) });
    const started = Date.now();
    const r = await waitForRollout(c, target, { timeoutMs: 50, pollMs: 5 });
    assert.equal(r.ok, false);
    assert.equal((r as { reason: string }).reason, 'timeout');
    assert.match((r as { message: string }).message, /did not finish within 0 s \(1 of 2 updated, 1 ready, 1 old pod\(s\) still running\)/);
    assert.ok(Date.now() - started < 2000);
  });

  it('stops at once when cancelled', async () => {
    const ac = new AbortController();
    const c = scripted({ get: () => ok(deployment(2, 1, 2, {})) });
    const p = waitForRollout(c, target, { timeoutMs: 60_000, pollMs: 10_000, signal: ac.signal });
    setImmediate(() => ac.abort());
    const started = Date.now();
    const r = await p;
    assert.deepEqual([r.ok, (r as { reason: string }).reason], [false, 'cancelled']);
    assert.ok(Date.now() - started < 1000);
  });

  it('does not wait for kinds without a rollout', async () => {
    const c = scripted({});
    assert.deepEqual(await waitForRollout(c, annotatePlan().target, { timeoutMs: 10 }), { ok: true, waited: false });
    assert.equal(c.gets, 0);
  });
});

describe('applyFix and waitForRollout against the fake API server', () => {
  const USE = 'azure.workload.identity/use';
  let dir: string;
  let kube: FakeKube;
  let cluster: ClusterApi;
  const stored = () => kube.store.get('Deployment', 'payments', 'api') as unknown as { spec: { template: { metadata: { labels?: Record<string, string> } } } };
  const patchRequests = () => kube.requests.filter((r) => r.method === 'PATCH').map((r) => (r.query.dryRun === 'All' ? 'dry-run' : 'apply'));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wi-apply-fix-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    kube = await startFakeKube({ scenario: 'label-on-deployment' });
    cluster = connect({ kubeconfig: kube.writeKubeconfig(join(dir, 'kubeconfig')), timeoutMs: 5000 });
  });
  afterEach(() => kube.stop());

  it('a dry run answers with the patched object and stores nothing', async () => {
    const before = stored();
    const r = await cluster.patch(Resources.deployments, 'payments', 'api', 'merge', labelPlan().patch, { dryRun: true });
    assert.ok(r.ok, !r.ok ? r.failure.message : '');
    assert.equal((r.value.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels[USE], 'true');
    assert.deepEqual(stored(), before);
  });

  /** The label plan as a diagnosis computes it now: guarded by the stored resourceVersion. */
  const readPlan = () => labelPlan((kube.store.get('Deployment', 'payments', 'api') as KubeObject).metadata.resourceVersion!);

  it('applyFix stores the change after a dry run, and the rollout completes', async () => {
    const r = await applyFix(cluster, readPlan());
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(patchRequests(), ['dry-run', 'apply']);
    assert.equal(stored().spec.template.metadata.labels?.[USE], 'true');
    const statuses: string[] = [];
    const rollout = await waitForRollout(cluster, labelPlan().target, { timeoutMs: 10_000, pollMs: 20, onStatus: (s) => statuses.push(`${s.updated}/${s.desired}`) });
    assert.ok(rollout.ok && rollout.waited, JSON.stringify(rollout));
    const pods = kube.store.list('Pod', 'payments').filter((p) => p.metadata.labels?.app === stored().spec.template.metadata.labels?.app);
    assert.ok(pods.length > 0 && pods.every((p) => p.metadata.labels?.[USE] === 'true'), 'every pod of the workload is of the new template');
  });

  it('a 403 on the dry run stops before anything is applied', async () => {
    kube.setForbid([{ verb: 'patch', resource: 'deployments', namespace: 'payments' }]);
    const before = stored();
    const r = await applyFix(cluster, readPlan());
    assert.equal(r.ok, false);
    assert.equal((r as { step: string }).step, 'dry-run');
    assert.equal((r as { failure?: KubeFailure }).failure?.kind, 'forbidden');
    assert.deepEqual(patchRequests(), ['dry-run']);
    assert.deepEqual(stored(), before);
  });
});

describe('writes that cannot clobber: the resourceVersion precondition against the fake API server', () => {
  const USE = 'azure.workload.identity/use';
  let dir: string;
  let kube: FakeKube;
  let cluster: ClusterApi;
  const stored = () => kube.store.get('Deployment', 'payments', 'api') as KubeObject;
  const storedSa = () => kube.store.get('ServiceAccount', 'payments', 'api-sa') as KubeObject;
  const patchRequests = () => kube.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.query.dryRun === 'All' ? 'dry-run' : 'apply'} ${r.status}`);
  /** Someone else's change (kubectl, a GitOps tool, a controller): a new resourceVersion. */
  const concurrentChange = () => kube.store.patch('Deployment', 'payments', 'api', { metadata: { annotations: { 'someone/else': 'was here' } } });
  const CHANGED = /^Deployment payments\/api changed since the diagnosis read it \(resourceVersion (\d+) → (\d+)\); nothing was written; run the diagnosis again\.$/;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wi-apply-guard-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    kube = await startFakeKube({ scenario: 'label-on-deployment' });
    cluster = connect({ kubeconfig: kube.writeKubeconfig(join(dir, 'kubeconfig')), timeoutMs: 5000 });
  });
  afterEach(() => kube.stop());

  it('a change between the diagnosis and the apply: 409 on the dry run, nothing written, the sentence names both versions', async () => {
    const plan = labelPlan(stored().metadata.resourceVersion!);
    concurrentChange();
    const after = structuredClone(stored());
    const r = await applyFix(cluster, plan);
    assert.equal(r.ok, false);
    assert.equal((r as { step: string }).step, 'dry-run');
    const m = CHANGED.exec((r as { message: string }).message);
    assert.ok(m, (r as { message: string }).message);
    assert.deepEqual([m[1], m[2]], [plan.target.resourceVersion, after.metadata.resourceVersion]);
    assert.deepEqual(patchRequests(), ['dry-run 409'], 'no real patch after the refused dry run');
    assert.deepEqual(stored(), after, 'the object is exactly as the other writer left it');
    assert.equal((stored().spec as { template: { metadata: { labels?: Record<string, string> } } }).template.metadata.labels?.[USE], undefined);
  });

  it('a change between the dry run and the apply: 409 on the real patch, nothing written', async () => {
    const plan = labelPlan(stored().metadata.resourceVersion!);
    let after: KubeObject | undefined;
    // The other writer slips in right after our dry run was answered.
    const racing: ClusterApi = Object.assign(Object.create(cluster) as ClusterApi, {
      patch: async (...args: Parameters<ClusterApi['patch']>) => {
        const r = await cluster.patch(...args);
        if (args[5]?.dryRun) {
          concurrentChange();
          after = structuredClone(stored());
        }
        return r;
      },
      get: (...args: Parameters<ClusterApi['get']>) => cluster.get(...args),
    });
    const r = await applyFix(racing, plan);
    assert.deepEqual([r.ok, (r as { step: string }).step], [false, 'apply']);
    assert.match((r as { message: string }).message, CHANGED);
    assert.deepEqual(patchRequests(), ['dry-run 200', 'apply 409']);
    assert.deepEqual(stored(), after);
  });

  it('the restart (strategic merge) and the annotation (merge) are guarded the same way; unchanged objects are patched', async () => {
    const workload = toWorkload({ namespace: 'payments', kind: 'Deployment', name: 'api' }, stored());
    const scope = { cluster: { identity: { context: 'fake-aks' } }, target: { namespace: 'payments' }, now: () => new Date() };
    const restart = restartRolloutFix(scope, workload)!;
    assert.equal(restart.patchType, 'strategic');
    assert.equal(restart.target.resourceVersion, stored().metadata.resourceVersion);
    const sa = storedSa();
    const annotate = annotateServiceAccountFix(scope, { namespace: 'payments', name: 'api-sa', resourceVersion: sa.metadata.resourceVersion }, GUID);
    concurrentChange();
    kube.store.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { labels: { team: 'payments' } } });
    const [restarted, annotated] = [await applyFix(cluster, restart), await applyFix(cluster, annotate)];
    assert.match((restarted as { message: string }).message, CHANGED);
    assert.match((annotated as { message: string }).message, /^ServiceAccount payments\/api-sa changed since the diagnosis read it \(resourceVersion \d+ → \d+\); nothing was written/);
    assert.equal(storedSa().metadata.annotations?.[CLIENT_ID], sa.metadata.annotations?.[CLIENT_ID], 'the annotation is untouched');
    // Read again, the same plans go through.
    const again = annotateServiceAccountFix(scope, { namespace: 'payments', name: 'api-sa', resourceVersion: storedSa().metadata.resourceVersion }, GUID);
    const ok2 = await applyFix(cluster, again);
    assert.ok(ok2.ok, !ok2.ok ? ok2.message : '');
    assert.equal(storedSa().metadata.annotations?.[CLIENT_ID], GUID);
    assert.equal(ok2.resourceVersion, storedSa().metadata.resourceVersion, 'the result carries the version our write made');
    assert.equal(storedSa().metadata.labels?.team, 'payments', 'the other writer\'s change is kept');
  });

  it('a deleted object: the dry run answers 404 and the sentence says it was deleted', async () => {
    const plan = labelPlan(stored().metadata.resourceVersion!);
    kube.store.delete('Deployment', 'payments', 'api');
    const r = await applyFix(cluster, plan);
    assert.deepEqual([r.ok, (r as { step: string }).step], [false, 'dry-run']);
    assert.match((r as { message: string }).message, /^Deployment payments\/api was deleted since the diagnosis read it \(resourceVersion \d+\); nothing was written; run the diagnosis again\.$/);
  });

  it('a JSON patch is guarded by a replace of /metadata/resourceVersion: stale is 409, current goes through', async () => {
    const rv = stored().metadata.resourceVersion!;
    const ops = [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }];
    concurrentChange();
    const stale = await cluster.patch(Resources.deployments, 'payments', 'api', 'json', withResourceVersion('json', ops, rv), { dryRun: true });
    assert.equal(stale.ok ? 'ok' : stale.failure.kind, 'conflict');
    const fresh = await cluster.patch(Resources.deployments, 'payments', 'api', 'json', withResourceVersion('json', ops, stored().metadata.resourceVersion!));
    assert.ok(fresh.ok, !fresh.ok ? fresh.failure.message : '');
    assert.equal(stored().metadata.labels?.tier, 'web');
  });
});

describe('recheckAfter', () => {
  const result = (id: CheckpointResult['id'], fix?: FixPlan): CheckpointResult => ({ id, title: id, durationMs: 0, status: fix ? 'fail' : 'pass', summary: '', evidence: [], remediation: fix ? [{ text: fix.title, fix }] : [] });

  it('re-runs the plan\'s checkpoints and every checkpoint offering a plan for the same object (its resourceVersion is ours now)', () => {
    const label = labelPlan('41');
    const restart: FixPlan = { ...labelPlan('41'), id: 'restart-rollout', rerun: ['sdk-environment'] };
    const annotate = annotatePlan('7');
    const ids = recheckAfter([result('pod-label', label), result('service-account', annotate), result('sdk-environment', restart), result('webhook')], label);
    assert.deepEqual(ids.sort(), ['pod-label', 'sdk-environment']);
  });
});

describe('the resume fix of a paused Deployment against the fake API server', () => {
  it('pods older than the label: the plan resumes the rollout, which replaces them with labelled pods', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-resume-'));
    const kube = await startFakeKube({ scenario: 'pods-older-than-label' });
    try {
      const cluster = connect({ kubeconfig: kube.writeKubeconfig(join(dir, 'kubeconfig')), timeoutMs: 5000 });
      const d = kube.store.get('Deployment', 'payments', 'api') as KubeObject;
      assert.equal((d.spec as { paused?: boolean }).paused, true);
      const workload = toWorkload({ namespace: 'payments', kind: 'Deployment', name: 'api' }, d);
      const plan = restartRolloutFix({ cluster: { identity: { context: 'fake-aks' } }, target: { namespace: 'payments' }, now: () => new Date() }, workload)!;
      assert.equal(plan.id, 'resume-rollout');
      const r = await applyFix(cluster, plan);
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(((kube.store.get('Deployment', 'payments', 'api') as KubeObject).spec as { paused?: boolean }).paused, false);
      const rollout = await waitForRollout(cluster, plan.target, { timeoutMs: 10_000, pollMs: 20 });
      assert.ok(rollout.ok && rollout.waited, JSON.stringify(rollout));
      const pods = kube.store.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-') && !p.metadata.deletionTimestamp);
      assert.ok(pods.length > 0 && pods.every((p) => p.metadata.labels?.['azure.workload.identity/use'] === 'true'), 'every pod is of the labelled template');
    } finally {
      await kube.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
