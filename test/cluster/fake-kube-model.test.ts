// The fake AKS cluster's model, without a server: every scenario builds the failure it
// claims (and nothing else breaks the healthy ones), the fixture files are what the
// generator makes, and the pieces the server rests on (patch types, selectors, the store's
// resourceVersions and history, the simulated webhook, table ages) behave like Kubernetes.
//
//   node scripts/run-unit-tests.mjs fake-kube-model

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildBase } from '../fake-kube/generate-fixtures';
import { jsonPatch, mergePatch, strategicMergePatch } from '../fake-kube/patch';
import { CLIENT_ID, DEMO_WORKLOADS, getScenario, HARDCODED_CLIENT_ID, LEAKED_CLIENT_SECRET, loadScenario, SCENARIOS, TENANT_ID } from '../fake-kube/scenarios';
import { parseFieldSelector, parseLabelSelector } from '../fake-kube/selectors';
import { Store, type KubeObject } from '../fake-kube/store';
import { humanDuration } from '../fake-kube/tables';
import { webhookState } from '../fake-kube/wi-webhook';

const CA = '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n';
const AZURE_ENV = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'];

function cluster(name: string): Store {
  const store = new Store();
  loadScenario(store, getScenario(name), CA);
  return store;
}

interface Target {
  deployment: KubeObject;
  sa: KubeObject;
  pods: KubeObject[];
  env: (pod: KubeObject) => Record<string, { value?: string; valueFrom?: unknown }>;
}

function target(store: Store, ns: string, name: string): Target {
  const deployment = store.get('Deployment', ns, name)!;
  assert.ok(deployment, `${ns}/${name} exists`);
  const sa = store.get('ServiceAccount', ns, deployment.spec.template.spec.serviceAccountName)!;
  const rsUids = new Set(store.list('ReplicaSet', ns).filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === deployment.metadata.uid).map((rs) => rs.metadata.uid));
  const pods = store.list('Pod', ns).filter((p) => rsUids.has(p.metadata.ownerReferences?.[0]?.uid));
  const env = (pod: KubeObject): Record<string, { value?: string; valueFrom?: unknown }> => Object.fromEntries(pod.spec.containers[0].env.map((e: { name: string }) => [e.name, e]));
  return { deployment, sa, pods, env };
}

describe('scenarios', () => {
  it('every scenario builds, with consistent ownership, unique uids and an existing target', () => {
    for (const s of SCENARIOS) {
      const store = cluster(s.name);
      const all = store.all();
      const uids = new Set<string>();
      for (const o of all) {
        assert.ok(o.metadata.uid && !uids.has(o.metadata.uid), `${s.name}: unique uid for ${o.kind} ${o.metadata.name}`);
        uids.add(o.metadata.uid);
        assert.match(o.metadata.resourceVersion!, /^\d+$/);
        assert.match(o.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      for (const o of all) {
        for (const ref of o.metadata.ownerReferences ?? []) {
          const owner = all.find((x) => x.metadata.uid === ref.uid);
          assert.ok(owner && owner.kind === ref.kind && owner.metadata.name === ref.name, `${s.name}: owner of ${o.kind} ${o.metadata.name}`);
        }
      }
      assert.ok(store.get(s.target.kind, s.target.namespace, s.target.name), `${s.name}: target exists`);
      for (const ns of new Set(all.map((o) => o.metadata.namespace).filter(Boolean))) {
        assert.ok(store.get('Namespace', undefined, ns!), `${s.name}: namespace ${ns}`);
        assert.ok(store.get('ServiceAccount', ns, 'default'), `${s.name}: default SA in ${ns}`);
        assert.equal(store.get('ConfigMap', ns, 'kube-root-ca.crt')!.data['ca.crt'], CA);
      }
    }
  });

  it('healthy: label on the template, annotated SA, webhook up, pods injected with the v1.5.1 paths', () => {
    const store = cluster('healthy');
    const t = target(store, 'payments', 'api');
    assert.ok(webhookState(store).up);
    assert.equal(t.deployment.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
    assert.equal(t.sa.metadata.annotations!['azure.workload.identity/client-id'], CLIENT_ID);
    assert.equal(t.pods.length, 3);
    for (const p of t.pods) {
      const env = t.env(p);
      assert.equal(env.AZURE_CLIENT_ID!.value, CLIENT_ID);
      assert.equal(env.AZURE_TENANT_ID!.value, TENANT_ID);
      assert.equal(env.AZURE_FEDERATED_TOKEN_FILE!.value, '/var/run/secrets/azure/tokens/azure-identity-token');
      assert.equal(env.AZURE_AUTHORITY_HOST!.value, 'https://login.microsoftonline.com/');
      assert.ok(p.spec.volumes.some((v: any) => v.name === 'azure-identity-token' && v.projected.sources[0].serviceAccountToken.audience === 'api://AzureADTokenExchange'));
      assert.equal(p.status.phase, 'Running');
      assert.equal(`api-${p.metadata.labels!['pod-template-hash']}`, p.metadata.ownerReferences![0]!.name);
      assert.match(p.spec.nodeName, /^aks-nodepool1-12345678-vmss00000\d$/);
    }
    const cj = store.get('CronJob', 'payments', 'settlement')!;
    const job = store.list('Job', 'payments')[0]!;
    const jobPod = store.list('Pod', 'payments').find((p) => p.metadata.ownerReferences?.[0]?.kind === 'Job')!;
    assert.equal(job.metadata.ownerReferences![0]!.uid, cj.metadata.uid);
    assert.equal(jobPod.metadata.ownerReferences![0]!.uid, job.metadata.uid);
    assert.equal(jobPod.status.phase, 'Succeeded');
  });

  it('each failure scenario breaks exactly the thing it claims', () => {
    let t = target(cluster('label-on-deployment'), 'payments', 'api');
    assert.equal(t.deployment.metadata.labels!['azure.workload.identity/use'], 'true');
    assert.equal(t.deployment.spec.template.metadata.labels['azure.workload.identity/use'], undefined);
    assert.ok(t.pods.every((p) => AZURE_ENV.every((n) => !t.env(p)[n])));

    t = target(cluster('sa-not-annotated'), 'payments', 'api');
    assert.deepEqual(t.sa.metadata.annotations ?? {}, {});
    assert.ok(t.pods.every((p) => !t.env(p).AZURE_CLIENT_ID && t.env(p).AZURE_TENANT_ID && t.env(p).AZURE_FEDERATED_TOKEN_FILE));

    t = target(cluster('annotation-typo'), 'payments', 'api');
    assert.equal(t.sa.metadata.annotations!['azure.workload.identity/client_id'], CLIENT_ID);
    assert.ok(t.pods.every((p) => !t.env(p).AZURE_CLIENT_ID && t.env(p).AZURE_TENANT_ID));

    t = target(cluster('pods-older-than-label'), 'payments', 'api');
    assert.equal(t.deployment.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
    assert.equal(t.deployment.spec.paused, true);
    const changed = t.deployment.status.conditions.find((c: any) => c.type === 'Progressing');
    assert.equal(changed.reason, 'DeploymentPaused');
    assert.equal(t.pods.length, 3);
    for (const p of t.pods) {
      assert.equal(p.metadata.labels!['azure.workload.identity/use'], undefined);
      assert.ok(AZURE_ENV.every((n) => !t.env(p)[n]));
      assert.ok(Date.parse(p.metadata.creationTimestamp!) < Date.parse(changed.lastUpdateTime));
    }

    let store = cluster('webhook-down');
    t = target(store, 'payments', 'api');
    const state = webhookState(store);
    assert.equal(state.up, false);
    assert.equal(store.get('Deployment', 'kube-system', 'azure-wi-webhook-controller-manager')!.status.readyReplicas ?? 0, 0);
    const ep = store.get('Endpoints', 'kube-system', 'azure-wi-webhook-webhook-service')!;
    assert.equal(ep.subsets[0].addresses, undefined);
    assert.equal(ep.subsets[0].notReadyAddresses.length, 2);
    assert.equal(t.pods.length, 1);
    const failed = store.list('Event', 'payments').filter((e) => e.reason === 'FailedCreate');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.involvedObject.kind, 'ReplicaSet');
    assert.match(failed[0]!.message, /no endpoints available for service "azure-wi-webhook-webhook-service"$/);

    store = cluster('namespace-excluded');
    t = target(store, 'platform-tools', 'cost-exporter');
    assert.equal(store.get('Namespace', undefined, 'platform-tools')!.metadata.labels!['control-plane'], 'true');
    assert.ok(t.pods.every((p) => p.metadata.labels!['azure.workload.identity/use'] === 'true' && !t.env(p).AZURE_CLIENT_ID));

    const s = getScenario('client-secret-set');
    store = cluster('client-secret-set');
    t = target(store, 'payments', 'api');
    assert.deepEqual(t.env(t.pods[0]!).AZURE_CLIENT_SECRET!.valueFrom, { secretKeyRef: { key: 'client-secret', name: 'api-sp-credentials' } });
    assert.deepEqual(t.pods[0]!.spec.containers[0].envFrom, [{ secretRef: { name: 'api-env' } }]);
    assert.equal(t.env(t.pods[0]!).AZURE_CLIENT_ID!.value, CLIENT_ID, 'wiring is otherwise right');
    assert.equal(Buffer.from(store.get('Secret', 'payments', 'api-sp-credentials')!.data['client-secret'], 'base64').toString(), LEAKED_CLIENT_SECRET);
    assert.ok(s.secrets!.includes(LEAKED_CLIENT_SECRET));

    t = target(cluster('hardcoded-client-id'), 'payments', 'api');
    assert.ok(t.pods.every((p) => t.env(p).AZURE_CLIENT_ID!.value === HARDCODED_CLIENT_ID && p.spec.containers[0].env.filter((e: any) => e.name === 'AZURE_CLIENT_ID').length === 1));
    assert.equal(t.sa.metadata.annotations!['azure.workload.identity/client-id'], CLIENT_ID);

    store = cluster('logs-aadsts');
    t = target(store, 'payments', 'api');
    const restarted = t.pods.filter((p) => p.status.containerStatuses[0].restartCount === 1);
    assert.equal(restarted.length, 1);
    assert.equal(restarted[0]!.status.containerStatuses[0].lastState.terminated.exitCode, 1);
    assert.ok(t.pods.every((p) => store.getLog('payments', p.metadata.name, 'api')!.some((l) => l.text.includes('AADSTS70021'))));
    assert.ok(store.getLog('payments', restarted[0]!.metadata.name, 'api', true)!.some((l) => l.text.includes('DefaultAzureCredential failed to retrieve a token from the included credentials')));

    const mismatch = getScenario('token-claims-mismatch');
    assert.equal(mismatch.options!.tokenIssuer + '/', mismatch.options!.issuer);
  });

  it('helm-healthy: the webhook v1.6.0 from Helm, the new token path and volume name', () => {
    const store = cluster('helm-healthy');
    const state = webhookState(store);
    assert.equal(state.namespace, 'azure-workload-identity-system');
    assert.equal(state.version, 'v1.6.0');
    assert.ok(state.up);
    const d = store.get('Deployment', 'azure-workload-identity-system', 'azure-wi-webhook-controller-manager')!;
    assert.equal(d.metadata.labels!['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(d.metadata.labels!['helm.sh/chart'], 'workload-identity-webhook-1.6.0');
    const t = target(store, 'payments', 'api');
    for (const p of t.pods) {
      assert.equal(t.env(p).AZURE_FEDERATED_TOKEN_FILE!.value, '/var/run/secrets/azure/wi/token/azure-identity-token');
      assert.ok(p.spec.volumes.some((v: any) => /^azure-workload-identity-reserved-[0-9a-f]+$/.test(v.name)));
    }
    const mwc = store.get('MutatingWebhookConfiguration', undefined, 'azure-wi-webhook-mutating-webhook-configuration')!;
    const hook = mwc.webhooks[0];
    assert.deepEqual(hook.clientConfig.service, { name: 'azure-wi-webhook-webhook-service', namespace: 'azure-workload-identity-system', path: '/mutate-v1-pod', port: 443 });
    assert.equal(hook.failurePolicy, 'Fail');
    assert.equal(hook.reinvocationPolicy, 'IfNeeded');
    assert.deepEqual(hook.objectSelector, { matchLabels: { 'azure.workload.identity/use': 'true' } });
  });

  it('demo: one namespace per failure mode, each target present', () => {
    const store = cluster('demo');
    for (const w of DEMO_WORKLOADS) assert.ok(store.get(w.target.kind, w.target.namespace, w.target.name), `${w.target.namespace}/${w.target.name}`);
    assert.equal(new Set(DEMO_WORKLOADS.map((w) => w.scenario)).size, DEMO_WORKLOADS.length);
  });

  it('the fixture files are what generate-fixtures.ts makes', () => {
    for (const base of ['aks-addon', 'helm'] as const) {
      const file = JSON.parse(readFileSync(join(__dirname, '..', 'fake-kube', 'fixtures', `${base}.json`), 'utf8'));
      assert.equal(file.kind, 'List');
      assert.deepEqual(file.items, JSON.parse(JSON.stringify(buildBase(base))), `${base}.json is stale: npx tsx test/fake-kube/generate-fixtures.ts`);
    }
  });
});

describe('patches', () => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x:1', env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'v', mountPath: '/v' }] }], volumes: [{ name: 'v', emptyDir: {} }] }, metadata: { finalizers: ['f1'] } };

  it('merge patch: objects merge, null deletes, lists replace', () => {
    assert.deepEqual(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] }), { a: { c: 2, d: 3 }, l: [3] });
  });

  it('strategic merge patch: lists merged by key, $patch delete/replace, $setElementOrder, primitive merge', () => {
    const out = strategicMergePatch(pod, {
      spec: {
        containers: [
          { name: 'a', env: [{ name: 'B', value: '2' }, { name: 'A', $patch: 'delete' }], volumeMounts: [{ mountPath: '/w', name: 'w' }] },
          { name: 'b', image: 'y:1' },
        ],
        volumes: [{ name: 'w', emptyDir: {} }],
      },
      metadata: { finalizers: ['f2'] },
    });
    assert.deepEqual(out.spec.containers[0].env, [{ name: 'B', value: '2' }]);
    assert.deepEqual(out.spec.containers[0].volumeMounts.map((m: any) => m.mountPath), ['/v', '/w']);
    assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['a', 'b']);
    assert.deepEqual(out.spec.volumes.map((v: any) => v.name), ['v', 'w']);
    assert.deepEqual(out.metadata.finalizers, ['f1', 'f2']);
    const ordered = strategicMergePatch(out, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b', image: 'y:2' }] } });
    assert.deepEqual(ordered.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['b=y:2', 'a=x:1']);
    const replaced = strategicMergePatch(out, { spec: { containers: [{ $patch: 'replace' }, { name: 'c', image: 'z:1' }] } });
    assert.deepEqual(replaced.spec.containers, [{ name: 'c', image: 'z:1' }]);
    assert.equal(strategicMergePatch(out, { spec: { volumes: null } }).spec.volumes, undefined);
  });

  it('json patch: add, remove, replace, move, copy, test, with escaped pointers', () => {
    const doc = { metadata: { labels: { 'a/b': '1' } }, l: [1, 2] };
    const out = jsonPatch(doc, [
      { op: 'add', path: '/metadata/labels/azure.workload.identity~1use', value: 'true' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'replace', path: '/l/0', value: 0 },
      { op: 'copy', from: '/l', path: '/m' },
      { op: 'move', from: '/m', path: '/n' },
      { op: 'test', path: '/n', value: [0, 2, 3] },
    ]);
    assert.deepEqual(out, { metadata: { labels: { 'azure.workload.identity/use': 'true' } }, l: [0, 2, 3], n: [0, 2, 3] });
    assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/l', value: [] }]), /test failed/);
    assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }]), /nonexistent/);
    assert.deepEqual(doc.l, [1, 2], 'the input is not modified');
  });
});

describe('selectors, store, tables', () => {
  it('label selectors: =, ==, !=, in, notin, exists, !exists', () => {
    const l = { app: 'api', tier: 'web' };
    const m = (s: string): boolean => parseLabelSelector(s)!(l);
    assert.ok(m('app=api') && m('app==api') && m('app!=web') && m('app in (api, web)') && m('tier notin (db)') && m('tier') && m('!env'));
    assert.ok(!m('app=web') && !m('app in (web)') && !m('!tier') && !m('env') && !m('app=api,env'));
    assert.throws(() => parseLabelSelector('a b c'), /unable to parse requirement/);
  });

  it('field selectors: per-kind fields, != and unsupported fields', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'ReplicaSet', name: 'api-1' }, reason: 'FailedCreate', type: 'Warning' };
    assert.ok(parseFieldSelector('reason=FailedCreate,involvedObject.kind=ReplicaSet,type!=Normal', 'Event')!(ev));
    assert.ok(!parseFieldSelector('involvedObject.name=api-2', 'Event')!(ev));
    assert.throws(() => parseFieldSelector('reason=x', 'Pod'), /field label not supported: reason/);
  });

  it('the store bumps resourceVersion and generation, checks preconditions and keeps a bounded history', () => {
    const store = new Store({ historyLimit: 3, initialResourceVersion: 10 });
    const events: string[] = [];
    store.subscribe((e) => events.push(`${e.type}:${e.object.metadata.resourceVersion}`));
    const d = store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { replicas: 1 } });
    assert.equal(d.metadata.resourceVersion, '11');
    assert.equal(d.metadata.generation, 1);
    const meta = store.patch('deploy', 'n', 'd', { metadata: { labels: { a: 'b' } } });
    assert.equal(meta.metadata.generation, 1, 'metadata changes keep the generation');
    const spec = store.patch('Deployment', 'n', 'd', { spec: { replicas: 2 } });
    assert.equal(spec.metadata.generation, 2);
    assert.equal(store.update(spec).metadata.resourceVersion, spec.metadata.resourceVersion, 'a no-op update writes nothing');
    assert.throws(() => store.update({ ...spec, metadata: { ...spec.metadata, resourceVersion: '11' }, spec: { replicas: 3 } }), /the object has been modified/);
    assert.throws(() => store.create(d), /already exists/);
    store.delete('Deployment', 'n', 'd');
    assert.deepEqual(events, ['ADDED:11', 'MODIFIED:12', 'MODIFIED:13', 'DELETED:14']);
    assert.equal(store.eventsSince(10), undefined, 'the first event fell out of the history');
    assert.deepEqual(store.eventsSince(11)!.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('ages read like kubectl', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    assert.deepEqual([5 * s, 119 * s, 5 * m + 3 * s, 47 * m, 3 * h + 12 * m, 30 * h, 2 * 24 * h + 3 * h, 41 * 24 * h, 800 * 24 * h].map(humanDuration), ['5s', '119s', '5m3s', '47m', '3h12m', '30h', '2d3h', '41d', '2y70d']);
  });
});
