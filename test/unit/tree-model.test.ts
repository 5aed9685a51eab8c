// The sidebar tree's model and nodes (src/tree/model.ts, nodes.ts, live-cluster.ts) over the fake
// AKS cluster's objects, without a server: TreeModel over a store directly, and a real
// LiveCluster over an in-memory list + watch source (test/unit/tree-helpers.ts). Statuses per
// failure mode, counts, filters, ServiceAccounts, pods, fixes, ids, the RBAC fallback, the
// webhook's state, stale and unavailable states.
//
//   node scripts/run-unit-tests.mjs tree-model

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { objectKey } from '../../src/cluster/informer';
import { Resources } from '../../src/cluster/resources';
import { err, type KubeObject } from '../../src/cluster/types';
import { keepForTree, treeKeeper } from '../../src/tree/keep';
import { LiveCluster } from '../../src/tree/live-cluster';
import { describeFilters, filtersActive, NO_FILTERS, TreeModel, type TreeFilters, type WorkloadEntry } from '../../src/tree/model';
import { childNodes, fixFlags, rootNodes, type TreeNode } from '../../src/tree/nodes';
import { ClusterBuilder } from '../fake-kube/builder';
import { DEMO_WORKLOADS, SCENARIOS } from '../fake-kube/scenarios';
import type { Store } from '../fake-kube/store';
import { WEBHOOK_CONFIGURATION } from '../../src/manifests/workload-identity';
import {
  assertPaymentsFallbackWithoutCronJobs,
  assertWorkloads,
  contextChildren,
  DEMO_EXPECTED,
  expandAll,
  memoryLive,
  messages,
  namespacesShown,
  scenarioStore,
  storeSource,
  TEST_CA,
  TEST_IDENTITY,
  until,
  workloadNode,
  type ExpectedWorkload,
  type MessageNode,
  type WorkloadNode,
} from './tree-helpers';

const USE = 'azure.workload.identity/use';
const CLIENT_ID_KEY = 'azure.workload.identity/client-id';

/** The model as LiveCluster builds it, over a store: namespaces listed, webhook configuration known unless said. */
function modelOf(store: Store, o: { scope?: string; webhookKnown?: boolean } = {}): TreeModel {
  const src = storeSource(store);
  return new TreeModel(src, { ...(o.scope ? { scope: o.scope } : { namespaces: src }), webhookKnown: () => o.webhookKnown ?? true });
}

function entry(model: TreeModel, namespace: string, name: string, kind: WorkloadEntry['kind'] = 'Deployment'): WorkloadEntry {
  const w = model.workload(namespace, kind, name);
  assert.ok(w, `${kind} ${namespace}/${name} is in the model`);
  return w;
}

const lives: LiveCluster[] = [];
after(async () => {
  await Promise.all(lives.map((l) => l.stop()));
});

/** A started LiveCluster over `store`, once ready with the webhook configuration listed (or refused). */
async function readyLive(store: Store, o: Parameters<typeof memoryLive>[1] = {}): Promise<ReturnType<typeof memoryLive>> {
  const made = memoryLive(store, o);
  lives.push(made.live);
  made.live.start();
  // Settled: the pods are listed after the workloads and ServiceAccounts (ready, podsPending, in between).
  await until(made.live, () => made.live.state.phase !== 'loading' && !(made.live.state.phase === 'ready' && made.live.state.podsPending), 'settled');
  assert.equal(made.live.state.phase, 'ready', JSON.stringify(made.live.state));
  const webhookForbidden = (o.forbid ?? []).some((f) => f.resource === '*' || f.resource === 'mutatingwebhookconfigurations');
  if (!webhookForbidden) await until(made.live, () => made.live.model?.webhookUp() !== undefined, 'the webhook configuration is listed');
  return made;
}

const isMessage = (id: string) => (n: TreeNode) => n.type === 'message' && n.id === `msg:${id}`;

describe('tree nodes over the demo cluster', () => {
  it('every demo workload shows its status level and short description, and every level appears', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const nodes = expandAll(live);
    assertWorkloads(nodes, DEMO_EXPECTED);
    // Every failure mode of the demo is covered by the expectations.
    for (const d of DEMO_WORKLOADS) assert.ok(DEMO_EXPECTED.some((e) => e.namespace === d.target.namespace && e.name === d.target.name), `${d.scenario} is expected`);
    const levels = new Set(nodes.flatMap((n) => (n.type === 'workload' ? [n.level] : [])));
    // No demo workload only warns: everything partly wired fails its checkpoint, so it is an error.
    assert.deepEqual([...levels].sort(), ['error', 'muted', 'ok']);
    // The tooltip names the workload and its ServiceAccount, then lists the findings.
    const worker = workloadNode(nodes, 'orders', 'worker')!;
    assert.equal(worker.tooltip![0], 'Deployment orders/worker — ServiceAccount worker-sa');
    assert.ok(worker.tooltip!.some((l) => /^✗ 3 of 3 pods were created from an older template/.test(l)), worker.tooltip!.join('\n'));
    assert.match(worker.contextValue, /^workload kind-Deployment\b/);
    // The expanded workload: its ServiceAccount, its pods, then its findings.
    const children = childNodes(live, worker, NO_FILTERS);
    // Only what is wrong is a finding row (worst first); what is right is in the rows above and the tooltip.
    const wrong = worker.entry.status.findings.filter((f) => f.level !== 'ok');
    assert.deepEqual(children.map((c) => c.type), ['serviceAccount', 'pod', 'pod', 'pod', ...wrong.map(() => 'finding')]);
    assert.equal(children[0]!.label, 'ServiceAccount worker-sa');
    assert.deepEqual(
      children.filter((c) => c.type === 'finding').map((c) => c.label),
      wrong.map((f) => f.short),
    );
    assert.ok(wrong.length > 0);
    // No webhook note: the webhook is up.
    assert.equal(messages(contextChildren(live)).length, 0);
  });

  it('each single-failure scenario: the target workload node', async () => {
    const expected: Record<string, Omit<ExpectedWorkload, 'namespace' | 'kind' | 'name'>> = {
      healthy: { level: 'ok', short: 'injected', fixes: [] },
      'label-on-deployment': { level: 'error', short: 'label on the Deployment, not the template', fixes: ['fix-label'] },
      'sa-not-annotated': { level: 'error', short: 'no client ID on the ServiceAccount', fixes: ['fix-annotate'] },
      'annotation-typo': { level: 'error', short: 'misspelled annotation: client_id', fixes: ['fix-annotate'] },
      // Its rollout is paused: a restart would roll nothing out; resuming it is the fix.
      'pods-older-than-label': { level: 'error', short: 'pods predate the label', fixes: ['fix-resume'] },
      // Restarting while the webhook is down would only get the new pods refused.
      'webhook-down': { level: 'error', short: 'webhook down', fixes: [] },
      'namespace-excluded': { level: 'error', short: 'namespace excluded', fixes: [] },
      'client-secret-set': { level: 'error', short: 'AZURE_CLIENT_SECRET set', fixes: [] },
      // What the tree cannot see (token claims, logs) is left to the diagnosis.
      'token-claims-mismatch': { level: 'ok', short: 'injected', fixes: [] },
      'hardcoded-client-id': { level: 'error', short: 'AZURE_CLIENT_ID hard-coded', fixes: [] },
      'logs-aadsts': { level: 'ok', short: 'injected', fixes: [] },
      'azure-wired': { level: 'ok', short: 'injected', fixes: [] },
      'helm-healthy': { level: 'ok', short: 'injected', fixes: [] },
    };
    const scenarios = SCENARIOS.filter((s) => s.name !== 'demo');
    assert.deepEqual(scenarios.map((s) => s.name).sort(), Object.keys(expected).sort(), 'every scenario has an expectation');
    for (const s of scenarios) {
      const { live } = await readyLive(scenarioStore(s.name));
      assertWorkloads(expandAll(live), [{ ...s.target, ...expected[s.name]! }]);
      await live.stop();
    }
  });

  it('the rest of the statuses: no pods, SA missing, wrong label value, use as an annotation, no template label, the label in the selector, client-id not a GUID, pods not injected, pods without AZURE_CLIENT_ID, a token of another audience', () => {
    const cases: { name: string; scenario?: string; target?: [string, string]; change(s: Store): void; level: string; short: string; fixes: string[] }[] = [
      { name: 'no pods', change: (s) => s.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-')).forEach((p) => s.delete('Pod', 'payments', p.metadata.name)), level: 'warning', short: 'no pods running', fixes: [] },
      { name: 'SA missing', change: (s) => s.delete('ServiceAccount', 'payments', 'api-sa'), level: 'error', short: 'ServiceAccount missing', fixes: [] },
      { name: 'label "True"', change: (s) => s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: 'True' } } } } }), level: 'error', short: 'use label is "True"', fixes: ['fix-label'] },
      {
        name: 'use as an annotation',
        change: (s) => s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: null }, annotations: { [USE]: 'true' } } } } }),
        level: 'error',
        short: 'use set as an annotation, not a label',
        fixes: ['fix-label'],
      },
      { name: 'no label', change: (s) => s.patch('Deployment', 'payments', 'api', { spec: { template: { metadata: { labels: { [USE]: null } } } } }), level: 'error', short: 'pod template not labelled', fixes: ['fix-label'] },
      { name: 'the label also in the immutable selector', change: (s) => s.patch('Deployment', 'payments', 'api', { spec: { selector: { matchLabels: { [USE]: 'true' } } } }), level: 'warning', short: 'use label in the selector', fixes: [] },
      {
        name: 'a token volume of another audience',
        change: (s) => {
          for (const p of s.list('Pod', 'payments').filter((x) => x.metadata.name.startsWith('api-'))) {
            const volumes = (p.spec.volumes as { name: string; projected?: { sources: { serviceAccountToken?: { audience?: string } }[] } }[]).map((v) => ({ ...v, ...(v.projected ? { projected: { ...v.projected, sources: v.projected.sources.map((x) => (x.serviceAccountToken ? { serviceAccountToken: { ...x.serviceAccountToken, audience: 'api://other' } } : x)) } } : {}) }));
            s.put({ ...p, spec: { ...p.spec, volumes } });
          }
        },
        level: 'error',
        short: 'token audience api://other',
        fixes: [],
      },
      { name: 'not a GUID', change: (s) => s.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: 'my-identity' } } }), level: 'error', short: 'client ID is not a GUID', fixes: ['fix-annotate'] },
      {
        name: 'pods not injected (the namespace no longer excluded, its pods still unmutated)',
        scenario: 'namespace-excluded',
        target: ['platform-tools', 'cost-exporter'],
        change: (s) => s.patch('Namespace', undefined, 'platform-tools', { metadata: { labels: { 'control-plane': null } } }),
        level: 'error',
        short: 'pods not injected',
        fixes: ['fix-restart'],
      },
      {
        name: 'pods lack AZURE_CLIENT_ID (the SA annotated after they started)',
        scenario: 'sa-not-annotated',
        change: (s) => s.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' } } }),
        level: 'error',
        short: 'pods lack AZURE_CLIENT_ID',
        fixes: ['fix-restart'],
      },
    ];
    for (const c of cases) {
      const store = scenarioStore(c.scenario ?? 'healthy', { fresh: true });
      const [ns, name] = c.target ?? ['payments', 'api'];
      const before = entry(modelOf(store), ns, name).status.short;
      c.change(store);
      const w = entry(modelOf(store), ns, name);
      assert.notEqual(before, w.status.short, `${c.name}: the change changed the status`);
      assert.equal(w.status.level, c.level, `${c.name}: ${JSON.stringify(w.status.findings)}`);
      assert.equal(w.status.short, c.short, c.name);
      assert.deepEqual(fixFlags(w), c.fixes, `${c.name}: fixes`);
    }
  });

  it('namespaces with counts, folders per kind with counts, empty namespaces', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const top = contextChildren(live);
    const ns = (name: string) => top.find((n): n is Extract<TreeNode, { type: 'namespace' }> => n.type === 'namespace' && n.namespace === name)!;
    assert.deepEqual(namespacesShown(top), [...namespacesShown(top)].sort(), 'sorted');
    assert.deepEqual(ns('payments').counts, { workloads: 2, workloadIdentity: 2, errors: 0, warnings: 0 });
    assert.equal(ns('payments').description, '2 workloads');
    assert.deepEqual(ns('payments').tooltip, ['Namespace payments', '2 workloads, 2 using Workload Identity']);
    assert.equal(ns('payments').level, 'ok');
    assert.equal(ns('checkout').description, '1 ✗ · 1 workload');
    assert.deepEqual(ns('checkout').tooltip, ['Namespace checkout', '1 workload, 1 using Workload Identity: 1 broken']);
    assert.equal(ns('checkout').level, 'error');
    assert.equal(ns('billing').description, '1 ✗ · 1 workload');
    assert.equal(ns('billing').level, 'error');
    assert.deepEqual(ns('kube-system').counts, { workloads: 4, workloadIdentity: 0, errors: 0, warnings: 0 });
    assert.equal(ns('kube-system').description, '4 workloads');
    assert.equal(ns('kube-system').level, 'muted');
    assert.equal(ns('default').description, '');
    // A namespace without workloads still lists its ServiceAccounts; one without either says so.
    const folders = (name: string) => childNodes(live, ns(name), NO_FILTERS);
    assert.deepEqual(folders('kube-system').map((f) => `${f.label} ${f.description}`), ['Deployments 3', 'DaemonSets 1', 'ServiceAccounts 5']);
    assert.deepEqual(folders('payments').map((f) => `${f.label} ${f.description}`), ['Deployments 1', 'CronJobs 1', 'ServiceAccounts 2']);
    assert.deepEqual(folders('inventory').map((f) => `${f.label} ${f.description}`), ['Deployments 1 · 1 ✗', 'ServiceAccounts 2 · 1 ✗']);
    assert.deepEqual(folders('default').map((f) => `${f.label} ${f.description}`), ['ServiceAccounts 1']);
    // The Job a CronJob made shows through the CronJob, not again under Jobs.
    assert.ok(!folders('payments').some((f) => f.label === 'Jobs'));
    // The namespace's counts add up to the tree's workloads.
    const all = expandAll(live).filter((n) => n.type === 'workload' && n.id.startsWith('wl:'));
    for (const n of top) if (n.type === 'namespace') assert.equal(all.filter((w) => w.type === 'workload' && w.entry.namespace === n.namespace).length, n.counts.workloads, n.namespace);
  });

  it('a namespace labelled control-plane says in its tooltip that the webhook never sees its pods', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const top = contextChildren(live);
    const tools = top.find((n) => n.type === 'namespace' && n.namespace === 'platform-tools')!;
    assert.ok(tools.tooltip!.some((l) => /never sends pods of this namespace to the webhook \(it is labelled control-plane=true\)/.test(l)), tools.tooltip!.join('\n'));
    const payments = top.find((n) => n.type === 'namespace' && n.namespace === 'payments')!;
    assert.ok(!payments.tooltip!.some((l) => /never sends/.test(l)));
  });
});

describe('filters', () => {
  const only = (f: Partial<TreeFilters>): TreeFilters => ({ ...NO_FILTERS, ...f });
  const shownWorkloads = (live: LiveCluster, f: TreeFilters): string[] =>
    expandAll(live, f)
      .filter((n) => n.type === 'workload' && n.id.startsWith('wl:'))
      .map((n) => (n.type === 'workload' ? `${n.entry.namespace}/${n.entry.name}` : ''))
      .sort();

  it('only Workload Identity, only problems, text, and their combination', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const everything = shownWorkloads(live, NO_FILTERS);
    const levelOf = (k: string) => DEMO_EXPECTED.find((e) => `${e.namespace}/${e.name}` === k)?.level;
    assert.ok(everything.length >= DEMO_EXPECTED.length);

    const wi = shownWorkloads(live, only({ onlyWorkloadIdentity: true }));
    assert.deepEqual(wi, DEMO_EXPECTED.filter((e) => e.level !== 'muted').map((e) => `${e.namespace}/${e.name}`).sort());
    const problems = shownWorkloads(live, only({ onlyProblems: true }));
    assert.deepEqual(problems, ['billing/invoicer', 'checkout/cart', 'inventory/sync', 'notifications/mailer', 'orders/worker', 'platform-tools/cost-exporter', 'search/indexer']);
    assert.ok(problems.every((k) => levelOf(k) === 'error' || levelOf(k) === 'warning'));

    // Text: a case-insensitive part of the name, or of namespace/name.
    assert.deepEqual(shownWorkloads(live, only({ text: 'API' })), ['payments/api']);
    assert.deepEqual(shownWorkloads(live, only({ text: ' payments/ ' })), ['payments/api', 'payments/settlement']);
    const er = shownWorkloads(live, only({ text: 'er' }));
    assert.ok(er.includes('kube-system/metrics-server') && er.includes('orders/worker') && !er.includes('payments/api'), er.join(', '));

    // Combined: exactly what every filter alone lets through.
    const combined = shownWorkloads(live, only({ onlyProblems: true, text: 'er' }));
    assert.deepEqual(combined, ['billing/invoicer', 'notifications/mailer', 'orders/worker', 'platform-tools/cost-exporter', 'search/indexer']);
    assert.deepEqual(combined, problems.filter((k) => er.includes(k)));
    const all3 = shownWorkloads(live, only({ onlyWorkloadIdentity: true, onlyProblems: true, text: 'er' }));
    assert.deepEqual(all3, combined.filter((k) => wi.includes(k)));

    assert.equal(describeFilters(only({ onlyProblems: true, text: ' er ' })), 'Showing only problems, names containing "er".');
    assert.equal(filtersActive(only({ text: '   ' })), false);
  });

  it('filters hide namespaces left empty, count only what they show, and say when nothing matches', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    assert.ok(namespacesShown(contextChildren(live)).includes('default'), 'unfiltered, an empty namespace is shown');
    const problems = contextChildren(live, only({ onlyProblems: true }));
    assert.deepEqual(namespacesShown(problems), ['billing', 'checkout', 'inventory', 'notifications', 'orders', 'platform-tools', 'search']);
    const wi = namespacesShown(contextChildren(live, only({ onlyWorkloadIdentity: true })));
    assert.ok(!wi.includes('kube-system') && !wi.includes('default') && !wi.includes('ops') && wi.includes('payments'), wi.join(', '));

    const core = contextChildren(live, only({ text: 'core' }));
    assert.deepEqual(namespacesShown(core), ['kube-system']);
    const ks = core.find((n) => n.type === 'namespace')!;
    assert.equal(ks.description, '1 workload');
    const folders = childNodes(live, ks, only({ text: 'core' }));
    // The coredns ServiceAccount matches by name too.
    assert.deepEqual(folders.map((f) => `${f.label} ${f.description}`), ['Deployments 1', 'ServiceAccounts 1']);

    const none = contextChildren(live, only({ text: 'no-such-workload' }));
    assert.deepEqual(none.map((n) => n.id), ['msg:none:fake-aks']);
    assert.equal(none[0]!.label, 'No workload matches the filters.');

    // ServiceAccounts under "only problems": the broken ones only.
    const billing = problems.find((n) => n.type === 'namespace' && n.namespace === 'billing')!;
    const saFolder = childNodes(live, billing, only({ onlyProblems: true })).find((f) => f.label === 'ServiceAccounts')!;
    assert.deepEqual(childNodes(live, saFolder, only({ onlyProblems: true })).map((s) => s.label), ['invoicer-sa']);
  });
});

describe('ServiceAccounts and pods', () => {
  it('the ServiceAccounts folder: client ID or what is wrong, used by, the fix offered', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const nodes = expandAll(live);
    const sa = (ns: string, name: string) => nodes.find((n): n is Extract<TreeNode, { type: 'serviceAccount' }> => n.type === 'serviceAccount' && n.id === `sa:fake-aks/${ns}/${name}`)!;
    const api = sa('payments', 'api-sa');
    assert.equal(api.description, '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f · used by 2');
    assert.equal(api.level, 'ok');
    assert.equal(api.contextValue, 'serviceAccount');
    assert.equal(api.collapsible, 'collapsed');
    assert.ok(api.tooltip!.includes('Federated credential subject: system:serviceaccount:payments:api-sa'));
    assert.ok(api.tooltip!.includes('Used by: Deployment api, CronJob settlement'));
    // Expanded: the workloads that run as it, with ids of their own.
    const users = childNodes(live, api, NO_FILTERS);
    assert.deepEqual(users.map((u) => `${u.type} ${u.label} ${u.description}`), ['workload api injected', 'workload settlement injected']);
    assert.ok(users.every((u) => u.id.startsWith(`${api.id}/wl:`)));

    const invoicer = sa('billing', 'invoicer-sa');
    assert.equal(invoicer.level, 'error');
    assert.equal(invoicer.description, 'no client ID, used by labelled pods · used by 1');
    assert.equal(invoicer.contextValue, 'serviceAccount fix-annotate');
    const typo = sa('inventory', 'sync-sa');
    assert.equal(typo.description, 'annotation typo: azure.workload.identity/client_id · used by 1');
    assert.equal(typo.contextValue, 'serviceAccount fix-annotate');
    // Unused and without a client-id: nothing wrong, nothing offered.
    const dflt = sa('default', 'default');
    assert.equal(dflt.level, 'muted');
    assert.equal(dflt.description, 'no client ID');
    assert.equal(dflt.contextValue, 'serviceAccount');
    assert.equal(dflt.collapsible, 'none');
    // Used, but by a workload without Workload Identity: muted too.
    assert.equal(sa('kube-system', 'coredns').level, 'muted');
  });

  it("a workload's ServiceAccount child: found, or missing", () => {
    const store = scenarioStore('healthy', { fresh: true });
    const healthy = modelOf(store);
    assert.equal(healthy.serviceAccount('payments', 'api-sa')?.usedBy.map((w) => w.name).join(), 'api,settlement');
    store.delete('ServiceAccount', 'payments', 'api-sa');
    const model = modelOf(store);
    assert.equal(model.serviceAccount('payments', 'api-sa'), undefined);
    assert.equal(entry(model, 'payments', 'api').status.short, 'ServiceAccount missing');
  });

  it('pods: injected, not injected, created before the label, not labelled, injected without AZURE_CLIENT_ID', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    const nodes = expandAll(live);
    const podsOf = (ns: string, name: string) => {
      const w = workloadNode(nodes, ns, name)!;
      return childNodes(live, w, NO_FILTERS).filter((n): n is Extract<TreeNode, { type: 'pod' }> => n.type === 'pod');
    };
    const api = podsOf('payments', 'api');
    assert.equal(api.length, 3);
    assert.ok(api.every((p) => p.description === 'injected · Running' && p.level === 'ok' && p.entry.state === 'injected'), JSON.stringify(api.map((p) => p.description)));
    const worker = podsOf('orders', 'worker');
    assert.ok(worker.length === 3 && worker.every((p) => p.description === 'created before the label · Running' && p.level === 'error'));
    const excluded = podsOf('platform-tools', 'cost-exporter');
    assert.ok(excluded.length === 3 && excluded.every((p) => p.description === 'not injected · Running' && p.level === 'error' && p.entry.state === 'not-injected'));
    const coredns = podsOf('kube-system', 'coredns');
    assert.ok(coredns.length > 0 && coredns.every((p) => p.description === 'not labelled · Running' && p.level === 'muted'));
    assert.ok(api.every((p) => p.id.startsWith(`${workloadNode(nodes, 'payments', 'api')!.id}/pod:`)));

    // Injected before the ServiceAccount got its client-id.
    const store = scenarioStore('sa-not-annotated', { fresh: true });
    store.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' } } });
    const model = modelOf(store);
    const pods = model.pods(entry(model, 'payments', 'api'));
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.state === 'injected-without-client-id' && p.short === 'injected, no AZURE_CLIENT_ID' && p.level === 'error'));

    // Injected while the ServiceAccount still has no client-id: service-account fails for the
    // ServiceAccount, sdk-environment only warns for the pods; the rows say the same.
    const unannotated = modelOf(scenarioStore('sa-not-annotated'));
    const w = entry(unannotated, 'payments', 'api');
    assert.ok(unannotated.pods(w).every((p) => p.short === 'injected, no client ID on the ServiceAccount' && p.level === 'warning'));
    assert.deepEqual(w.status.findings.filter((f) => f.id).map((f) => `${f.level} ${f.id}`), ['error sa-no-client-id', 'warning pods-injected-without-client-id']);
  });

  it('a pod being deleted is not one of the workload\'s pods, kept or not (as for the diagnosis)', () => {
    const store = scenarioStore('healthy', { fresh: true });
    const victim = store.list('Pod', 'payments').find((p) => p.metadata.name.startsWith('api-'))!;
    store.put({ ...victim, metadata: { ...victim.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    const kept: Store = scenarioStore('healthy', { fresh: true });
    kept.put({ ...victim, metadata: { ...victim.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    const trimmed = { values: <T extends KubeObject>(type: Parameters<ReturnType<typeof storeSource>['values']>[0]) => [...storeSource(kept).values<T>(type)].map((o) => keepForTree(type, o) as T) };
    for (const model of [modelOf(store), new TreeModel(trimmed, { namespaces: trimmed, webhookKnown: () => true })]) {
      const api = entry(model, 'payments', 'api');
      assert.equal(api.pods.length, 2);
      assert.ok(!api.pods.some((p) => p.metadata.name === victim.metadata.name));
    }
  });

  it('a workload without pods says so', () => {
    const store = scenarioStore('healthy', { fresh: true });
    for (const p of store.list('Pod', 'payments')) if (p.metadata.name.startsWith('api-')) store.delete('Pod', 'payments', p.metadata.name);
    const w = entry(modelOf(store), 'payments', 'api');
    assert.equal(w.pods.length, 0);
    assert.equal(w.status.short, 'no pods running');
  });
});

describe('fixes offered (fixFlags)', () => {
  it('per failure mode, and none on a healthy or a muted workload', () => {
    const model = modelOf(scenarioStore('demo'));
    for (const e of DEMO_EXPECTED) assert.deepEqual(fixFlags(entry(model, e.namespace, e.name, e.kind)), e.fixes, `${e.namespace}/${e.name}`);
  });

  it('no restart for a CronJob whose pods predate the label (a restart is for rollouts)', () => {
    const store = scenarioStore('healthy', { fresh: true });
    const pod = store.list('Pod', 'payments').find((p) => p.metadata.name.startsWith('settlement-'))!;
    store.patch('Pod', 'payments', pod.metadata.name, { metadata: { labels: { [USE]: null } } });
    const w = entry(modelOf(store), 'payments', 'settlement', 'CronJob');
    assert.equal(w.status.short, 'pods predate the label');
    assert.deepEqual(fixFlags(w), []);
  });

  it('no restart while the webhook is down or the namespace excluded: the new pods would not be injected either', () => {
    // The webhook down, one pod never injected.
    const store = scenarioStore('webhook-down', { fresh: true });
    const pod = store.list('Pod', 'payments').find((p) => p.metadata.name.startsWith('api-'))!;
    const volumes = (pod.spec.volumes as { name: string; projected?: unknown }[]).filter((v) => !v.projected);
    store.patch('Pod', 'payments', pod.metadata.name, { spec: { volumes, containers: pod.spec.containers.map((c: KubeObject) => ({ ...c, env: [], volumeMounts: [] })) } });
    const w = entry(modelOf(store), 'payments', 'api');
    assert.ok(w.status.findings.some((f) => f.short === 'pods not injected'), JSON.stringify(w.status.findings));
    assert.equal(w.status.short, 'webhook down');
    assert.deepEqual(fixFlags(w), []);
  });
});

describe('ids', () => {
  it('every node id is unique across a full expansion, with and without filters, and stable across a refresh', async () => {
    const { live } = await readyLive(scenarioStore('demo'));
    for (const f of [NO_FILTERS, { ...NO_FILTERS, onlyProblems: true }, { ...NO_FILTERS, text: 'a' }]) {
      const ids = expandAll(live, f).map((n) => n.id);
      const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
      assert.deepEqual(dupes, [], `duplicate ids with ${JSON.stringify(f)}`);
      assert.ok(ids.length > 100 || f !== NO_FILTERS, `a full tree (${ids.length} nodes)`);
    }
    const before = expandAll(live).map((n) => n.id);
    live.model!.invalidate();
    assert.deepEqual(expandAll(live).map((n) => n.id), before);
  });
});

describe('TreeModel caching and invalidate(keys)', () => {
  it('a change recomputes only its namespace; a namespace or webhook change what depends on it', () => {
    const store = scenarioStore('demo', { fresh: true });
    const model = modelOf(store);
    const payments = entry(model, 'payments', 'api');
    const cart = entry(model, 'checkout', 'cart');
    store.patch('Deployment', 'checkout', 'cart', { spec: { template: { metadata: { labels: { [USE]: 'true' } } } } });
    // Nothing invalidated: the cached status stays.
    assert.equal(entry(model, 'checkout', 'cart'), cart);
    model.invalidate([objectKey(Resources.deployments, 'checkout', 'cart')]);
    assert.equal(entry(model, 'checkout', 'cart').status.short, 'pods predate the label');
    assert.equal(entry(model, 'payments', 'api'), payments, 'another namespace is not recomputed');

    // A namespace's labels (the control-plane exclusion), without the view asking for the namespaces first.
    store.patch('Namespace', undefined, 'payments', { metadata: { labels: { 'control-plane': 'true' } } });
    model.invalidate([objectKey(Resources.namespaces, undefined, 'payments')]);
    assert.equal(entry(model, 'payments', 'api').status.short, 'namespace excluded');

    // The webhook configuration: every namespace.
    const sync = entry(model, 'inventory', 'sync');
    store.delete('MutatingWebhookConfiguration', undefined, WEBHOOK_CONFIGURATION);
    model.invalidate([objectKey(Resources.mutatingWebhookConfigurations, undefined, WEBHOOK_CONFIGURATION)]);
    assert.notEqual(entry(model, 'inventory', 'sync'), sync);
    assert.equal(model.webhookUp(), false);
    assert.equal(entry(model, 'analytics', 'ingest').status.short, 'webhook down');
  });
});

describe('what the tree keeps of each object (keepForTree)', () => {
  it('every scenario: the model over trimmed objects says exactly what it says over whole ones', () => {
    for (const scenario of SCENARIOS) {
      const store = scenarioStore(scenario.name);
      const full = modelOf(store);
      const src = storeSource(store);
      // One keeper for the whole cluster, as a live cluster has: its pods share their alike parts.
      const keep = treeKeeper();
      const kept = new Map<string, KubeObject[]>();
      const trimmedSource = { values: <T extends KubeObject>(type: Parameters<typeof src.values>[0]) => (kept.get(type.plural) ?? kept.set(type.plural, [...src.values(type)].map((o) => keep(type, o))).get(type.plural)!) as T[] };
      const trimmed = new TreeModel(trimmedSource, { namespaces: trimmedSource, webhookKnown: () => true });
      assert.deepEqual(trimmed.namespaceNames(), full.namespaceNames(), scenario.name);
      assert.equal(trimmed.webhookUp(), full.webhookUp(), scenario.name);
      let compared = 0;
      for (const ns of full.namespaceNames()) {
        const view = (m: TreeModel) => ({
          counts: m.counts(ns),
          workloads: m.workloads(ns).map((w) => ({ kind: w.kind, name: w.name, sa: w.serviceAccountName, status: w.status, pods: m.pods(w) })),
          serviceAccounts: m.serviceAccounts(ns).map((a) => ({ name: a.name, level: a.level, short: a.short, usedBy: a.usedBy.map((w) => w.name) })),
        });
        assert.deepEqual(view(trimmed), view(full), `${scenario.name}: namespace ${ns}`);
        compared += full.workloads(ns).length;
      }
      assert.ok(compared > 0, `${scenario.name} has workloads to compare`);
    }
  });

  it('pods of a workload share their alike parts, frozen', () => {
    const store = scenarioStore('demo');
    const keep = treeKeeper();
    const pods = store.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-')).map((p) => keep(Resources.pods, p));
    assert.ok(pods.length >= 2);
    assert.equal(pods[0]!.spec, pods[1]!.spec);
    assert.equal(pods[0]!.metadata.labels, pods[1]!.metadata.labels);
    assert.notEqual(pods[0]!.metadata, pods[1]!.metadata);
    assert.ok(Object.isFrozen(pods[0]!.spec));
  });

  it('a pod keeps its env names but not their values; a workload its template env, not its status conditions', () => {
    const store = scenarioStore('demo');
    const pod = store.list('Pod').find((p) => ((p.spec as { containers?: { env?: unknown[] }[] }).containers ?? []).some((c) => c.env?.length)) as KubeObject;
    const kept = keepForTree(Resources.pods, pod) as KubeObject & { spec: { containers: { env?: Record<string, unknown>[] }[] } };
    assert.ok(kept.spec.containers.some((c) => c.env?.length));
    for (const c of kept.spec.containers) for (const e of c.env ?? []) assert.deepEqual(Object.keys(e), ['name']);
    // Of the volumes only the webhook's projected token, with its audience (the kube-api-access one has none).
    const injected = store.list('Pod').find((p) => JSON.stringify(p.spec).includes('AzureADTokenExchange')) as KubeObject;
    const volumes = (keepForTree(Resources.pods, injected).spec as { volumes?: unknown[] }).volumes;
    assert.deepEqual(volumes, [{ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'api://AzureADTokenExchange' } }] } }]);
    const deploy = store.list('Deployment').find((d) => (d.status as { conditions?: unknown[] } | undefined)?.conditions?.length) as KubeObject;
    const keptDeploy = keepForTree(Resources.deployments, deploy) as KubeObject & { status: Record<string, unknown> };
    assert.equal(keptDeploy.status.conditions, undefined);
    assert.equal(keptDeploy.status.readyReplicas, (deploy.status as { readyReplicas?: number }).readyReplicas);
  });
});

describe('RBAC fallback and the webhook state in the model', () => {
  it('a scoped model shows only its namespace, and takes the webhook it cannot see as installed', () => {
    const model = modelOf(scenarioStore('webhook-down'), { scope: 'payments' });
    assert.deepEqual(model.namespaceNames(), ['payments']);
    assert.equal(model.scope, 'payments');
    assert.deepEqual(model.workloads('checkout'), []);
    assert.deepEqual(model.workloads('payments').map((w) => w.name), ['api']);
    assert.equal(model.webhookUp(), true, 'its Deployment is in kube-system, out of sight');
  });

  it('webhook unknown (its configuration not listed) is never "down"; listed and without ready replicas it is', () => {
    const store = scenarioStore('webhook-down');
    const unknown = modelOf(store, { webhookKnown: false });
    assert.equal(unknown.webhookUp(), undefined);
    assert.equal(entry(unknown, 'payments', 'api').status.short, 'injected');
    const known = modelOf(store);
    assert.equal(known.webhookUp(), false);
    assert.equal(entry(known, 'payments', 'api').status.short, 'webhook down');
    const notInstalled = scenarioStore('healthy', { fresh: true });
    notInstalled.delete('MutatingWebhookConfiguration', undefined, WEBHOOK_CONFIGURATION);
    assert.equal(modelOf(notInstalled).webhookUp(), false);
    assert.equal(modelOf(scenarioStore('helm-healthy')).webhookUp(), true);
  });
});

describe('LiveCluster over an in-memory list + watch', () => {
  it('fills with one list per kind, then follows watch events into the tree', async () => {
    const store = scenarioStore('demo', { fresh: true });
    const { live, source } = await readyLive(store);
    assert.deepEqual([...source.lists].sort(), ['cronjobs', 'daemonsets', 'deployments', 'jobs', 'mutatingwebhookconfigurations', 'namespaces', 'pods', 'serviceaccounts', 'statefulsets']);
    assert.equal(live.requestCount, source.requestCount);
    const keys: string[] = [];
    live.onDidChange((e) => keys.push(...(e.keys ?? [])));
    store.patch('Deployment', 'checkout', 'cart', { spec: { template: { metadata: { labels: { [USE]: 'true' } } } } });
    const cart = await until<WorkloadNode>(live, () => {
      const n = workloadNode(expandAll(live), 'checkout', 'cart');
      return n?.description === 'pods predate the label' && n;
    }, 'the label reaches the tree');
    assert.equal(cart.level, 'error');
    assert.ok(keys.includes(objectKey(Resources.deployments, 'checkout', 'cart')), keys.join(', '));
    const cached = live.object(Resources.deployments, 'checkout', 'cart') as { spec: { template: { metadata: { labels: Record<string, string> } } } } | undefined;
    assert.equal(cached?.spec.template.metadata.labels[USE], 'true');
  });

  it('namespaces forbidden: only the context namespace, with a note saying why', async () => {
    const { live, source } = await readyLive(scenarioStore('demo'), { forbid: [{ verb: 'list', resource: 'namespaces' }] });
    const state = live.state;
    assert.ok(state.phase === 'ready' && state.fallback?.namespace === 'payments', JSON.stringify(state));
    const top = contextChildren(live);
    const note = top.find(isMessage('fallback:fake-aks')) as MessageNode;
    assert.ok(note, top.map((n) => n.id).join(', '));
    assert.equal(note.level, 'warning');
    assert.equal(note.action, 'pick-namespace');
    assert.equal(note.label, `You may not list namespaces (403), so only namespace "payments" is shown, the context's namespace.`);
    assert.deepEqual(namespacesShown(top), ['payments']);
    assertWorkloads(expandAll(live), DEMO_EXPECTED.filter((e) => e.namespace === 'payments'));
    assert.ok(!expandAll(live).some((n) => n.type === 'workload' && n.entry.namespace !== 'payments'));
    // In the fallback, the main kinds are listed in the namespace.
    assert.ok(source.lists.includes('deployments@payments') && source.lists.includes('pods@payments'), source.lists.join(', '));
  });

  it('a workload kind forbidden cluster-wide: the fallback; a kind forbidden in the namespace too: a note', async () => {
    const { live } = await readyLive(scenarioStore('demo'), {
      forbid: [
        { verb: 'list', resource: 'deployments', namespace: null },
        { verb: 'list', resource: 'cronjobs' },
      ],
    });
    assertPaymentsFallbackWithoutCronJobs(live, /^You may not list deployments\.apps in all namespaces \(403\)/);
  });

  it('everything forbidden in the fallback namespace too: one failed node offering another namespace', async () => {
    const made = memoryLive(scenarioStore('demo'), { forbid: [{ verb: 'list', resource: '*' }] });
    lives.push(made.live);
    made.live.start();
    const live = made.live;
    await until(live, () => live.state.phase === 'failed', 'failed');
    const top = contextChildren(live);
    const failed = top.filter((n) => n.type === 'message' && n.level === 'error') as MessageNode[];
    assert.equal(failed.length, 1, top.map((n) => n.label).join('\n'));
    assert.equal(failed[0]!.id, 'msg:failed:fake-aks');
    assert.equal(failed[0]!.action, 'pick-namespace');
    assert.match(failed[0]!.label, /^Forbidden: you may not list .* in namespace "payments" \(403\)/);
    assert.deepEqual(namespacesShown(top), []);
  });

  it('a fallback namespace named in the options wins over the context namespace; restart() tries cluster-wide again', async () => {
    const store = scenarioStore('demo');
    const { live, source } = await readyLive(store, { forbid: [{ verb: 'list', resource: 'namespaces' }], fallbackNamespace: 'orders' });
    assert.deepEqual(namespacesShown(contextChildren(live)), ['orders']);
    assert.match((contextChildren(live).find(isMessage('fallback:fake-aks')) as MessageNode).label, /only namespace "orders" is shown\.$/);
    source.forbid = [];
    await live.restart();
    await until(live, () => live.state.phase === 'ready' && namespacesShown(contextChildren(live)).length > 10, 'every namespace after the restart');
    assert.ok(!contextChildren(live).some(isMessage('fallback:fake-aks')));
  });

  it('stale: a note with the reason and the action while a watch fails; a change made meanwhile arrives once it recovers', async () => {
    const store = scenarioStore('demo', { fresh: true });
    const { live, source } = await readyLive(store);
    source.forbid = [{ verb: 'watch', resource: 'deployments' }];
    source.endWatches();
    await until(live, () => live.state.phase === 'ready' && live.state.stale, 'stale');
    store.patch('Deployment', 'checkout', 'cart', { metadata: { labels: { [USE]: null } } });
    const top = contextChildren(live);
    const stale = top.find(isMessage('stale:fake-aks')) as MessageNode;
    assert.ok(stale, top.map((n) => n.id).join(', '));
    assert.equal(stale.level, 'warning');
    assert.equal(stale.action, 'retry');
    assert.equal(stale.label, 'Not live since just now — retrying');
    assert.match(String(stale.description), /^Forbidden: you may not watch deployments\.apps \(403\)\./);
    // The data stays, as it was.
    assert.equal(workloadNode(expandAll(live), 'checkout', 'cart')?.description, 'label on the Deployment, not the template');
    const state = live.state;
    assert.ok(state.phase === 'ready' && state.stale);
    const later = childNodes(live, rootNodes(live)[0]!, NO_FILTERS, state.stale.since + 5 * 60_000).find(isMessage('stale:fake-aks'))!;
    assert.match(later.label, /^Not live since 5 min ago/);

    source.forbid = [];
    await until(live, () => workloadNode(expandAll(live), 'checkout', 'cart')?.description === 'pod template not labelled', 'the change made while stale');
    await until(live, () => !contextChildren(live).some(isMessage('stale:fake-aks')), 'live again');
  });

  it('the webhook configuration listed after the rest, and empty: the statuses say the webhook is down, and the view is told', async () => {
    const store = scenarioStore('healthy', { fresh: true });
    store.delete('MutatingWebhookConfiguration', undefined, WEBHOOK_CONFIGURATION);
    const made = memoryLive(store);
    lives.push(made.live);
    const release = made.source.hold('mutatingwebhookconfigurations');
    const live = made.live;
    live.start();
    await live.whenSettled();
    assert.equal(live.state.phase, 'ready');
    // Let the lists' own change batches pass first (a change of each cache after them is notified after them),
    // so that only the webhook's listing can refresh the statuses.
    const keysSeen = new Set<string>();
    live.onDidChange((e) => e.keys?.forEach((k) => keysSeen.add(k)));
    store.patch('Deployment', 'kube-system', 'coredns', { metadata: { labels: { tier: 'system' } } });
    store.patch('Namespace', undefined, 'ops', { metadata: { labels: { tier: 'system' } } });
    const later = [objectKey(Resources.deployments, 'kube-system', 'coredns'), objectKey(Resources.namespaces, undefined, 'ops')];
    await until(live, () => later.every((k) => keysSeen.has(k)), 'the later changes');
    assert.equal(workloadNode(expandAll(live), 'payments', 'api')?.description, 'injected', 'webhook unknown: not judged');
    let told = false;
    live.onDidChange(() => (told = true));
    release();
    await until(live, () => workloadNode(expandAll(live), 'payments', 'api')?.description === 'webhook down', 'webhook down');
    assert.ok(told, 'the view was told to refresh');
    assert.ok(contextChildren(live).some(isMessage('webhook:fake-aks')));
  });

  it('the webhook configuration forbidden: unknown, so no "webhook down" anywhere', async () => {
    const { live } = await readyLive(scenarioStore('webhook-down'), { forbid: [{ verb: 'list', resource: 'mutatingwebhookconfigurations' }] });
    assert.equal(live.model!.webhookUp(), undefined);
    const nodes = expandAll(live);
    assert.equal(workloadNode(nodes, 'payments', 'api')?.description, 'injected');
    assert.ok(!nodes.some(isMessage('webhook:fake-aks')));
    // With it readable, the same cluster shows the webhook down, with a note.
    const { live: readable } = await readyLive(scenarioStore('webhook-down'));
    const top = contextChildren(readable);
    const note = top.find(isMessage('webhook:fake-aks')) as MessageNode;
    assert.equal(note?.level, 'error');
    assert.equal(workloadNode(expandAll(readable), 'payments', 'api')?.description, 'webhook down');
  });

  it('no kubeconfig, an unknown context, a failing exec plugin: one root message with the action for it', () => {
    const cases = [
      { failure: { kind: 'config' as const, message: 'No kubeconfig found (looked for /nope).' }, action: 'open-kubeconfig-docs' },
      { failure: { kind: 'config' as const, message: 'The context "x" is not in the kubeconfig (/k). Known contexts: fake-aks.' }, action: 'select-context' },
      { failure: { kind: 'exec-plugin' as const, message: 'kubelogin failed.' }, action: 'sign-in' },
    ];
    for (const c of cases) {
      const live = new LiveCluster({ open: () => err(c.failure) });
      live.start();
      assert.equal(live.state.phase, 'unavailable');
      assert.equal(live.model, undefined);
      const roots = rootNodes(live, 'x');
      assert.equal(roots.length, 1);
      const m = roots[0] as MessageNode;
      assert.equal(m.type, 'message');
      assert.equal(m.id, 'msg:unavailable:x');
      assert.equal(m.level, 'error');
      assert.equal(m.label, c.failure.message);
      assert.equal(m.action, c.action);
      assert.equal(m.contextValue, `message action-${c.action}`);
    }
    assert.deepEqual(rootNodes(undefined), []);
  });

  it('loading: one node while the lists are on their way; the context node shows the identity', async () => {
    const made = memoryLive(scenarioStore('healthy'), { identity: { ...TEST_IDENTITY, context: 'prod', cluster: 'aks-prod' } });
    lives.push(made.live);
    const release = made.source.hold('pods');
    made.live.start();
    const root = rootNodes(made.live)[0]!;
    assert.equal(root.id, 'ctx:prod');
    assert.equal(root.description, 'aks-prod · https://127.0.0.1:6443');
    const loading = childNodes(made.live, root, NO_FILTERS);
    assert.deepEqual(loading.map((n) => `${n.id} ${n.label}`), ['msg:loading:prod Listing workloads…']);
    release();
    await made.live.whenSettled();
    assert.equal(made.live.state.phase, 'ready');
  });

  it('the pods listed last: the tree shows at once, wired workloads "checking pods…", then their real states', async () => {
    const made = memoryLive(scenarioStore('demo'));
    lives.push(made.live);
    const live = made.live;
    const release = made.source.hold('pods');
    live.start();
    await live.whenPainted();
    assert.equal(live.state.phase, 'ready');
    assert.equal(live.state.phase === 'ready' && live.state.podsPending, true);
    let settled = false;
    void live.whenSettled().then(() => (settled = true));
    const note = contextChildren(live).find(isMessage('podspending:fake-aks')) as MessageNode;
    assert.equal(note?.level, 'loading');
    let nodes = expandAll(live);
    // What the specs alone say is said now; what needs the pods waits, not green.
    assert.equal(workloadNode(nodes, 'billing', 'invoicer')?.description, 'no client ID on the ServiceAccount');
    assert.equal(workloadNode(nodes, 'checkout', 'cart')?.description, 'label on the Deployment, not the template');
    for (const name of ['api']) {
      const w = workloadNode(nodes, 'payments', name)!;
      assert.equal(w.description, 'checking pods…');
      assert.equal(w.entry.status.pending, true);
      assert.ok(nodes.some((n) => n.id === `msg:podspending:${w.id}`), 'its children say the pods are being listed');
    }
    assert.equal(workloadNode(nodes, 'orders', 'worker')?.description, 'checking pods…');
    assert.equal(settled, false, 'not settled while the pods are being listed');
    release();
    await live.whenSettled();
    assert.ok(!(live.state.phase === 'ready' && live.state.podsPending));
    nodes = expandAll(live);
    assert.equal(workloadNode(nodes, 'payments', 'api')?.description, 'injected');
    assert.equal(workloadNode(nodes, 'orders', 'worker')?.description, 'pods predate the label');
    assert.equal(workloadNode(nodes, 'payments', 'api')?.entry.status.pending, undefined);
    assert.ok(!contextChildren(live).some(isMessage('podspending:fake-aks')));
  });

  it('the namespace count does not change the requests', async () => {
    const small = await readyLive(scenarioStore('demo'));
    const bigStore = scenarioStore('demo', { fresh: true });
    const b = new ClusterBuilder(bigStore, TEST_CA);
    for (let i = 0; i < 30; i++) {
      b.namespace(`team-${i}`, b.ago(1000));
      b.serviceAccount(`team-${i}`, 'app-sa', b.ago(1000), { [CLIENT_ID_KEY]: '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f' });
      b.deployment({ namespace: `team-${i}`, name: 'app', replicas: 1, serviceAccountName: 'app-sa', podLabels: { [USE]: 'true' }, containers: [{ name: 'app', image: 'app:1' }], created: b.ago(1000) });
    }
    const big = await readyLive(bigStore);
    assert.equal(namespacesShown(contextChildren(big.live)).length, namespacesShown(contextChildren(small.live)).length + 30);
    assert.equal(workloadNode(expandAll(big.live), 'team-29', 'app')?.description, 'injected');
    assert.deepEqual([...big.source.lists].sort(), [...small.source.lists].sort());
  });
});
