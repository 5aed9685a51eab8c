// The generated large cluster (test/fake-kube/scale.ts): exact sizes, owners and labels as the
// controllers make them, the Workload Identity mix as the webhook left it, the same objects every
// time; and lists over it in pages (namespaced, cluster-wide, with a selector) that add up to the
// store's own contents, in key order.
//
//   node scripts/run-unit-tests.mjs --root test/cluster fake-kube-scale

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubeRequest } from '../fake-kube/client';
import { parseScale, scalePlan, scaleScenario, type ScaleOptions } from '../fake-kube/scale';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import type { KubeObject } from '../fake-kube/store';

const SIZE: ScaleOptions = { namespaces: 7, workloads: 120, pods: 400 };
const USE = 'azure.workload.identity/use';
const env = (p: KubeObject, name: string): boolean => (p.spec.containers as { env?: { name: string }[] }[]).some((c) => c.env?.some((e) => e.name === name));

describe('fake-kube scale.ts', { concurrency: 1 }, () => {
  let kube: FakeKube;
  before(async () => {
    kube = await startFakeKube({ scenario: scaleScenario(SIZE), controllers: false });
  });
  after(() => kube.stop());

  it('holds exactly the planned namespaces, workloads and pods, deterministically', () => {
    const plan = scalePlan(SIZE);
    assert.equal(plan.namespaces.length, 7);
    assert.equal(plan.workloads.length, 120);
    assert.equal(plan.workloads.reduce((n, w) => n + w.pods, 0), 400);
    assert.deepEqual(scalePlan(SIZE), plan);
    assert.deepEqual(parseScale('7, 120,400'), SIZE);
    assert.throws(() => parseScale('7,120'), /three positive integers/);
    assert.throws(() => scalePlan({ namespaces: 1, workloads: 100, pods: 10 }), /do not fit/);
    const mine = (k: string) => kube.store.list(k).filter((o) => plan.namespaces.includes(o.metadata.namespace!));
    assert.equal(mine('Pod').length, 400);
    const jobs = mine('Job').filter((j) => !j.metadata.ownerReferences?.length).length;
    assert.equal(mine('Deployment').length + mine('StatefulSet').length + mine('DaemonSet').length + mine('CronJob').length + jobs, 120);
    for (const [kind, n] of Object.entries(plan.byKind)) assert.equal(kind === 'Job' ? jobs : mine(kind).length, n, kind);
  });

  it('owns every pod the way the controllers do, and the webhook injected the labelled ones', () => {
    const plan = scalePlan(SIZE);
    const uids = new Map(kube.store.all().map((o) => [o.metadata.uid, o]));
    for (const w of plan.workloads) {
      const pods = kube.store.list('Pod', w.namespace).filter((p) => {
        const owner = uids.get(p.metadata.ownerReferences?.[0]?.uid);
        const top = owner?.kind === 'ReplicaSet' || (owner?.kind === 'Job' && w.kind === 'CronJob') ? uids.get(owner.metadata.ownerReferences?.[0]?.uid) : owner;
        return top?.kind === w.kind && top.metadata.name === w.name;
      });
      assert.equal(pods.length, w.pods, `${w.kind} ${w.namespace}/${w.name}`);
      for (const [i, p] of pods.entries()) {
        const owner = uids.get(p.metadata.ownerReferences![0]!.uid)!;
        const selector = (owner.spec.selector?.matchLabels ?? {}) as Record<string, string>;
        for (const [k, v] of Object.entries(selector)) assert.equal(p.metadata.labels?.[k], v, `${p.metadata.name} matches ${owner.kind}/${owner.metadata.name}'s selector`);
        if (w.kind === 'StatefulSet') assert.equal(p.metadata.name, `${w.name}-${i}`);
        if (w.kind === 'Deployment') assert.match(p.metadata.name, new RegExp(`^${owner.metadata.name}-[a-z0-9]{5}$`));
        if (w.kind === 'Job' || w.kind === 'CronJob') assert.equal(p.metadata.labels?.['job-name'], owner.metadata.name);
        assert.equal(p.spec.serviceAccountName, w.serviceAccount);
        const labelled = w.wi !== 'plain' && w.wi !== 'label-on-workload';
        assert.equal(p.metadata.labels?.[USE] === 'true', labelled, `${p.metadata.name} label`);
        assert.equal(env(p, 'AZURE_FEDERATED_TOKEN_FILE'), labelled, `${p.metadata.name} injected`);
        assert.equal(env(p, 'AZURE_CLIENT_ID'), labelled && w.wi !== 'sa-without-client-id', `${p.metadata.name} client ID`);
        assert.equal(env(p, 'AZURE_CLIENT_SECRET'), w.wi === 'client-secret');
      }
      const own = kube.store.get(w.kind, w.namespace, w.name)!;
      // A Job's own labels are its template's (the API defaults them so), the use label included.
      const labelled = w.wi !== 'plain' && w.wi !== 'label-on-workload';
      assert.equal(own.metadata.labels?.[USE] === 'true', w.wi === 'label-on-workload' || (w.kind === 'Job' && labelled), `${w.kind} ${w.name} own label`);
      if (w.serviceAccount !== 'default') {
        const sa = kube.store.get('ServiceAccount', w.namespace, w.serviceAccount)!;
        assert.equal(!!sa.metadata.annotations?.['azure.workload.identity/client-id'], w.wi !== 'plain' && w.wi !== 'sa-without-client-id');
      }
    }
  });

  it('pages of a list add up to the store, in key order, namespaced, cluster-wide and with a selector', async () => {
    const all = async (path: string): Promise<string[]> => {
      const names: string[] = [];
      let cont = '';
      do {
        const sep = path.includes('?') ? '&' : '?';
        const page = (await kubeRequest(kube, 'GET', `${path}${sep}limit=37${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).json;
        assert.equal(page.kind, 'PodList');
        assert.ok(page.items.length <= 37);
        for (const p of page.items) {
          assert.equal(p.kind, undefined);
          names.push(`${p.metadata.namespace}/${p.metadata.name}`);
        }
        cont = page.metadata.continue ?? '';
      } while (cont);
      return names;
    };
    const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    const store = kube.store.list('Pod').map(key);
    assert.deepEqual(await all('/api/v1/pods'), store);
    assert.deepEqual([...store].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), store);
    const ns = scalePlan(SIZE).namespaces[3]!;
    assert.deepEqual(await all(`/api/v1/namespaces/${ns}/pods`), kube.store.list('Pod', ns).map(key));
    const labelled = kube.store.list('Pod').filter((p) => p.metadata.labels?.[USE] === 'true').map(key);
    assert.deepEqual(await all(`/api/v1/pods?labelSelector=${encodeURIComponent(`${USE}=true`)}`), labelled);
  });
});
