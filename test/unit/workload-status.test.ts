// The sidebar tree's status per workload (src/tree/workload-status.ts), from the fake AKS
// cluster's objects loaded into its store directly (no server): one status per scenario, the
// same judgement the diagnosis reaches, without a request of its own — checked against the
// checkpoints themselves, run on the same objects (test/unit/store-cluster.ts).
//
//   node scripts/run-unit-tests.mjs workload-status

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Pod } from '../../src/cluster/types';
import { clusterConnection } from '../../src/checkpoints/cluster-connection';
import { clientIdState, credentialEnv, namespaceExcluded, podInjection } from '../../src/checkpoints/evaluate';
import { selectorMatches } from '../../src/cluster/workloads';
import { podLabel } from '../../src/checkpoints/pod-label';
import { diagnose } from '../../src/checkpoints/runner';
import { sdkEnvironment } from '../../src/checkpoints/sdk-environment';
import { serviceAccount } from '../../src/checkpoints/service-account';
import type { CheckpointId, CheckpointResult } from '../../src/checkpoints/types';
import { webhook } from '../../src/checkpoints/webhook';
import { TreeModel } from '../../src/tree/model';
import { FINDINGS, podsOf, workloadStatus, type StatusLevel, type TreeWorkloadKind, type WorkloadStatus } from '../../src/tree/workload-status';
import { DEMO_WORKLOADS, SCENARIOS } from '../fake-kube/scenarios';
import type { Store } from '../fake-kube/store';
import { StoreCluster } from './store-cluster';
import { scenarioStore as cluster, storeSource } from './tree-helpers';

function podsIn(store: Store, namespace: string): Pod[] {
  return store.list('Pod', namespace) as unknown as Pod[];
}

/** What the tree would compute from its caches for one workload. */
function statusOf(scenario: string, namespace: string, name: string, kind: TreeWorkloadKind = 'Deployment', podsPending = false): WorkloadStatus & { pods: Pod[] } {
  const store = cluster(scenario);
  const raw = store.get(kind, namespace, name);
  assert.ok(raw, `${scenario}: ${kind} ${namespace}/${name} exists`);
  const template = kind === 'CronJob' ? raw.spec?.jobTemplate?.spec?.template : raw.spec?.template;
  const workload = raw as KubeObject;
  const saName: string = template?.spec?.serviceAccountName || 'default';
  const pods = podsPending ? [] : podsOf(workload, kind, podsIn(store, namespace), store.list('Job', namespace) as KubeObject[]);
  const status = workloadStatus({
    workload,
    kind,
    pods,
    ...(podsPending ? { podsPending } : {}),
    serviceAccount: (store.get('ServiceAccount', namespace, saName) as KubeObject | undefined) ?? null,
    namespace: store.get('Namespace', undefined, namespace) as KubeObject,
    webhookUp: true,
  });
  return { ...status, pods };
}

describe('workload status (the tree)', () => {
  it('healthy: ok, injected', () => {
    const s = statusOf('healthy', 'payments', 'api');
    assert.equal(s.level, 'ok', JSON.stringify(s.findings));
    assert.equal(s.short, 'injected');
    assert.equal(s.pods.length, 3);
    assert.ok(s.findings.every((f) => f.level === 'ok' || f.level === 'muted'));
  });

  it("healthy: the nightly CronJob is ok, its pod found through its Job", () => {
    const s = statusOf('healthy', 'payments', 'settlement', 'CronJob');
    assert.equal(s.pods.length, 1);
    assert.equal(s.level, 'ok', JSON.stringify(s.findings));
    // Without the Jobs, the pods are recognised by their job-name.
    const store = cluster('healthy');
    const cj = store.get('CronJob', 'payments', 'settlement')!;
    assert.equal(podsOf(cj, 'CronJob', podsIn(store, 'payments')).length, 1);
  });

  it('label-on-deployment: error (pod-label fails it: nothing is injected), the label on the Deployment, not the template', () => {
    const s = statusOf('label-on-deployment', 'payments', 'api');
    assert.equal(s.level, 'error', JSON.stringify(s.findings));
    assert.equal(s.short, 'label on the Deployment, not the template');
    assert.equal(s.findings.find((f) => f.level === 'error')?.checkpoint, 'pod-label');
  });

  it('sa-not-annotated: error, no client ID on the ServiceAccount', () => {
    const s = statusOf('sa-not-annotated', 'payments', 'api');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'no client ID on the ServiceAccount');
    assert.equal(s.findings.find((f) => f.level === 'error')?.checkpoint, 'service-account');
  });

  it('annotation-typo: error naming the misspelt key', () => {
    const s = statusOf('annotation-typo', 'payments', 'api');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'misspelled annotation: client_id');
    assert.equal(s.findings.find((f) => f.level === 'error')?.checkpoint, 'service-account');
  });

  it('pods-older-than-label: error, pods predate the label', () => {
    const s = statusOf('pods-older-than-label', 'payments', 'api');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'pods predate the label');
    assert.match(s.findings.find((f) => f.short === 'pods predate the label')!.message, /^3 of 3 pods/);
  });

  it('namespace-excluded: error, the namespace is labelled control-plane', () => {
    const s = statusOf('namespace-excluded', 'platform-tools', 'cost-exporter');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'namespace excluded');
    assert.match(s.findings[0]!.message, /control-plane=true/);
    assert.equal(s.findings[0]!.checkpoint, 'webhook');
  });

  it('client-secret-set: error, AZURE_CLIENT_SECRET set (the envFrom Secret left to the diagnosis)', () => {
    const s = statusOf('client-secret-set', 'payments', 'api');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'AZURE_CLIENT_SECRET set');
    assert.ok(s.findings.some((f) => f.short === 'envFrom not checked' && f.level === 'muted'));
  });

  it('hardcoded-client-id: error, AZURE_CLIENT_ID hard-coded', () => {
    const s = statusOf('hardcoded-client-id', 'payments', 'api');
    assert.equal(s.level, 'error');
    assert.equal(s.short, 'AZURE_CLIENT_ID hard-coded');
    assert.equal(s.findings.find((f) => f.level === 'error')?.checkpoint, 'sdk-environment');
  });

  it('a workload without Workload Identity (kube-system coredns): muted, kube-system not reported', () => {
    const s = statusOf('healthy', 'kube-system', 'coredns');
    assert.equal(s.level, 'muted');
    assert.equal(s.short, 'not using Workload Identity');
    assert.ok(s.pods.length > 0);
    assert.ok(!s.findings.some((f) => f.checkpoint === 'webhook'));
  });

  it('the webhook down, or the ServiceAccount missing: errors; an unknown ServiceAccount: judged on what is known', () => {
    const store = cluster('healthy');
    const workload = store.get('Deployment', 'payments', 'api')!;
    const pods = podsOf(workload, 'Deployment', podsIn(store, 'payments'));
    const sa = store.get('ServiceAccount', 'payments', 'api-sa')!;
    assert.equal(workloadStatus({ workload, kind: 'Deployment', pods, serviceAccount: sa, webhookUp: false }).short, 'webhook down');
    assert.equal(workloadStatus({ workload, kind: 'Deployment', pods, serviceAccount: null }).short, 'ServiceAccount missing');
    assert.equal(workloadStatus({ workload, kind: 'Deployment', pods, serviceAccount: undefined }).level, 'ok');
  });
});

describe('workload status while the pods are being listed', () => {
  it('what the specs say stands; what needs the pods is "checking pods…", pending, not an error', () => {
    const healthy = statusOf('healthy', 'payments', 'api', 'Deployment', true);
    assert.deepEqual([healthy.level, healthy.short, healthy.pending], ['ok', 'checking pods…', true]);
    assert.ok(healthy.findings.some((f) => f.short === 'checking pods…' && f.level === 'muted'));
    // Pods older than the label can only be seen in the pods.
    const older = statusOf('pods-older-than-label', 'payments', 'api', 'Deployment', true);
    assert.deepEqual([older.level, older.short], ['ok', 'checking pods…']);
    assert.equal(statusOf('pods-older-than-label', 'payments', 'api').short, 'pods predate the label');
    // The ServiceAccount and the template are judged as ever, still marked pending.
    const sa = statusOf('sa-not-annotated', 'payments', 'api', 'Deployment', true);
    assert.deepEqual([sa.level, sa.short, sa.pending], ['error', 'no client ID on the ServiceAccount', true]);
    assert.equal(statusOf('client-secret-set', 'payments', 'api', 'Deployment', true).short, 'AZURE_CLIENT_SECRET set');
    // Not using Workload Identity needs no pods.
    const plain = statusOf('healthy', 'kube-system', 'coredns', 'Deployment', true);
    assert.equal(plain.level, 'muted');
    assert.equal(plain.pending, undefined);
  });
});

describe('evaluate (the predicates the checkpoints and the tree share)', () => {
  const sa = (annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', annotations } });

  it('clientIdState', () => {
    assert.deepEqual(clientIdState(sa({})), { state: 'missing' });
    assert.equal(clientIdState(sa({ 'azure.workload.identity/clientId': 'a' })).state, 'typo');
    assert.equal(clientIdState(sa({ 'azure.workload.identity/client-id': 'not-a-guid' })).state, 'not-guid');
    assert.equal(clientIdState(sa({ 'azure.workload.identity/client-id': '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' })).state, 'ok');
  });

  it('namespaceExcluded', () => {
    assert.equal(namespaceExcluded('kube-system', {}), 'it is kube-system');
    assert.equal(namespaceExcluded('tools', { 'control-plane': 'true' }), 'it is labelled control-plane=true');
    assert.equal(namespaceExcluded('payments', {}), undefined);
  });

  it('podInjection and credentialEnv on the healthy and client-secret clusters', () => {
    const pod = podsIn(cluster('healthy'), 'payments').find((p) => p.metadata.name.startsWith('api-'))!;
    assert.equal(podInjection(pod, true).state, 'injected');
    const bare: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
    assert.equal(podInjection(bare, true).state, 'not-injected');
    const d = cluster('client-secret-set').get('Deployment', 'payments', 'api')!;
    const c = credentialEnv(d.spec.template);
    assert.deepEqual(c.set.map((x) => x.name), ['AZURE_CLIENT_SECRET']);
    assert.deepEqual(c.envFrom.map((x) => `${x.kind}/${x.name}`), ['Secret/api-env']);
  });

  it('selectorMatches', () => {
    assert.ok(selectorMatches({ matchLabels: { app: 'a' } }, { app: 'a', x: 'y' }));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, {}));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, {}));
  });
});

// ---- The tree and the diagnosis agree -------------------------------------------------------

/** The checkpoints whose judgement the tree makes from its caches. */
const JUDGED = [webhook, podLabel, serviceAccount, sdkEnvironment];
const USE = 'azure.workload.identity/use';
const CLIENT_ID_KEY = 'azure.workload.identity/client-id';

interface Case {
  name: string;
  scenario: string;
  target: { namespace: string; kind: TreeWorkloadKind; name: string };
  change?: (s: Store) => void;
}

const PAYMENTS_API = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };

/** Every scenario's target, every demo workload, and the variants the tree model tests make. */
const CASES: Case[] = [
  ...SCENARIOS.filter((s) => s.name !== 'demo').map((s) => ({ name: s.name, scenario: s.name, target: { ...s.target, kind: s.target.kind as TreeWorkloadKind } })),
  ...DEMO_WORKLOADS.map((d) => ({ name: `demo ${d.target.namespace}/${d.target.name}`, scenario: 'demo', target: { ...d.target, kind: d.target.kind as TreeWorkloadKind } })),
  { name: 'no pods', scenario: 'healthy', target: PAYMENTS_API, change: (s) => s.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-')).forEach((p) => s.delete('Pod', 'payments', p.metadata.name)) },
  { name: 'the ServiceAccount missing', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.delete('ServiceAccount', 'payments', 'api-sa') },
  { name: 'the label "True"', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: 'True' } } } } }) },
  { name: 'use as an annotation', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: null }, annotations: { [USE]: 'true' } } } } }) },
  { name: 'no label, the ServiceAccount annotated', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: null } } } } }) },
  { name: 'the label also in the selector', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.patch('Deployment', 'payments', 'api', { spec: { selector: { matchLabels: { [USE]: 'true' } } } }) },
  { name: 'the client-id not a GUID', scenario: 'healthy', target: PAYMENTS_API, change: (s) => void s.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: 'my-identity' } } }) },
  { name: 'pods not injected', scenario: 'namespace-excluded', target: { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter' }, change: (s) => void s.patch('Namespace', undefined, 'platform-tools', { metadata: { labels: { 'control-plane': null } } }) },
  { name: 'pods without AZURE_CLIENT_ID', scenario: 'sa-not-annotated', target: PAYMENTS_API, change: (s) => void s.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' } } }) },
];

const ANSWER_OF: Record<StatusLevel, CheckpointResult['status'] | undefined> = { error: 'fail', warning: 'warn', ok: undefined, muted: undefined };

/** What the tree says of each judged checkpoint: the answer of its worst finding there (pass when none). */
function treeAnswers(status: WorkloadStatus): Map<CheckpointId, CheckpointResult['status']> {
  const out = new Map<CheckpointId, CheckpointResult['status']>(JUDGED.map((c) => [c.id, 'pass']));
  for (const f of status.findings) {
    if (!f.id) continue;
    const row: { checkpoint: CheckpointId; also?: readonly CheckpointId[] } = FINDINGS[f.id];
    for (const c of [row.checkpoint, ...(row.also ?? [])]) {
      const answer = ANSWER_OF[f.level]!;
      if (out.get(c) !== 'fail') out.set(c, answer);
    }
  }
  return out;
}

describe('the tree and the diagnosis agree (the checkpoints run on the same objects)', () => {
  it('FINDINGS: every level follows from the answer of its checkpoint', () => {
    for (const [id, row] of Object.entries(FINDINGS)) assert.ok(JUDGED.some((c) => c.id === row.checkpoint), `${id}: ${row.checkpoint} is a checkpoint the tree judges`);
  });

  for (const c of CASES) {
    it(`${c.name}: an error where the checkpoint fails, a warning where it warns, nothing where it passes`, async () => {
      const store = cluster(c.scenario, { fresh: true });
      c.change?.(store);
      const src = storeSource(store);
      const entry = new TreeModel(src, { namespaces: src, webhookKnown: () => true }).workload(c.target.namespace, c.target.kind, c.target.name);
      assert.ok(entry, `${c.target.kind} ${c.target.namespace}/${c.target.name} is in the tree`);
      // A workload that does not use Workload Identity is muted: the tree judges nothing of it
      // (a diagnosis of it fails pod-label, since it is asked to check it as one that should).
      if (entry.status.level === 'muted') return;
      const { report } = await diagnose({ cluster: new StoreCluster(store), target: c.target, checkpoints: [clusterConnection, ...JUDGED] });
      assert.equal(report.checkpoints[0]!.status, 'pass', report.checkpoints[0]!.summary);
      const tree = treeAnswers(entry.status);
      const says = report.checkpoints.map((r) => `${r.id}=${r.status}: ${r.summary}`).join('\n') + `\ntree: ${JSON.stringify(entry.status.findings)}`;
      let compared = 0;
      for (const r of report.checkpoints.slice(1)) {
        // Skipped: a checkpoint it needs failed; it says nothing to compare with.
        if (r.status === 'skipped') continue;
        compared++;
        assert.equal(tree.get(r.id), r.status, `${r.id}\n${says}`);
      }
      assert.ok(compared >= 2, `at least two checkpoints compared\n${says}`);
      // The status names the first broken link the diagnosis names (when the tree sees it).
      if (report.firstFailure) assert.equal(entry.status.level, 'error', says);
    });
  }
});
