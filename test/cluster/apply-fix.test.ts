// Applying a FixPlan: the user's value goes where the plan says, a server-side dry run comes
// first and a refusal there writes nothing, and waitForRollout follows a rollout to its end
// (or its deadline, or a cancel). First against a scripted ClusterApi (exact calls), then
// against the local fake API server (what is really stored).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { applyFix, resolveFix, rolloutDone, rolloutStatus, waitForRollout } from '../../src/checkpoints/apply-fix';
import type { FixPlan } from '../../src/checkpoints/types';
import { connect, UnavailableCluster } from '../../src/cluster/connect';
import { Resources } from '../../src/cluster/resources';
import { err, ok, type ClusterApi, type KubeFailure, type KubeObject, type KubeResult, type WriteOptions } from '../../src/cluster/types';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { toWorkload } from '../../src/checkpoints/context';
import { restartRolloutFix } from '../../src/checkpoints/shared';

const CLIENT_ID = 'azure.workload.identity/client-id';
const GUID = '0b6f6c3e-5a8e-4a59-9b4f-3f1f6f2d8a11';

function labelPlan(): FixPlan {
  return {
    id: 'add-pod-template-label',
    title: 'Add the label',
    changes: ['Deployment payments/api: spec.template.metadata.labels["azure.workload.identity/use"] = "true"'],
    target: { type: Resources.deployments, namespace: 'payments', name: 'api' },
    patchType: 'merge',
    patch: { spec: { template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } } } } },
    command: 'kubectl patch deployment/api -n payments --type merge -p ...',
    waitForRollout: true,
    rerun: ['pod-label'],
  };
}

function annotatePlan(): FixPlan {
  return {
    id: 'annotate-service-account',
    title: 'Annotate ServiceAccount api',
    changes: [`ServiceAccount payments/api: metadata.annotations["${CLIENT_ID}"] = <the managed identity's client ID>`],
    target: { type: Resources.serviceAccounts, namespace: 'payments', name: 'api' },
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

  it('refuses a missing or malformed value', () => {
    assert.deepEqual(resolveFix(annotatePlan(), ''), { ok: false, message: 'Client ID: a value is needed.' });
    const bad = resolveFix(annotatePlan(), '/subscriptions/x/resourceGroups/y');
    assert.equal(bad.ok, false);
    assert.match((bad as { message: string }).message, /does not have the expected form/);
  });
});

describe('applyFix (scripted cluster)', () => {
  it('dry-runs first, then applies the same patch', async () => {
    const c = scripted({});
    const r = await applyFix(c, annotatePlan(), { value: GUID });
    assert.ok(r.ok);
    assert.deepEqual(c.patches.map((p) => p.dryRun), [true, false]);
    assert.deepEqual(c.patches[0]!.body, c.patches[1]!.body);
    assert.deepEqual(c.patches[1]!.body, { metadata: { annotations: { [CLIENT_ID]: GUID } } });
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
    const c = scripted({ patch: (call) => (call.dryRun ? ok({ metadata: { name: call.name } }) : err({ kind: 'conflict', status: 409, message: 'Conflict.' })) });
    const r = await applyFix(c, labelPlan());
    assert.deepEqual([r.ok, (r as { step: string }).step], [false, 'apply']);
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

  it('applyFix stores the change after a dry run, and the rollout completes', async () => {
    const r = await applyFix(cluster, labelPlan());
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
    const r = await applyFix(cluster, labelPlan());
    assert.equal(r.ok, false);
    assert.equal((r as { step: string }).step, 'dry-run');
    assert.equal((r as { failure?: KubeFailure }).failure?.kind, 'forbidden');
    assert.deepEqual(patchRequests(), ['dry-run']);
    assert.deepEqual(stored(), before);
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
