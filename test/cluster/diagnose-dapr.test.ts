// Dapr components that authenticate to Azure (issue 18), against the local API server holding
// Dapr's Component CRD and two Dapr apps (test/fake-kube/scenarios-dapr.ts): diagnosed from the CLI
// (the chain runs on the app whose Dapr sidecar loads the component), listed by the sidebar's live
// cluster with whose identity, under the app's workload, and by `wi-doctor workloads`.
//
//   node scripts/run-unit-tests.mjs --root test/cluster diagnose-dapr

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workloadConsumerNodes } from '../../src/tree/consumer-nodes';
import { DAPR_APPS } from '../fake-kube/scenarios-dapr';
import { scenarioCli } from '../support/scenario-cli';

const { cluster, cli, liveTree } = scenarioCli(DAPR_APPS);

interface Cp { id: string; status: string; summary: string }
interface Report { consumer?: { kind: string; namespace?: string; name: string; summary: string }; workload: { namespace: string; kind: string; name: string }; firstFailure: string | null; checkpoints: Cp[] }
const show = (j: Report): string => j.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n');

async function diagnose(...args: string[]): Promise<{ code: number; json: Report; err: string }> {
  const { kubeconfig } = await cluster();
  const r = await cli(['diagnose', ...args, '--kubeconfig', kubeconfig, '--format', 'json', '--no-azure']);
  assert.ok(r.out, `no JSON (exit ${r.code}): ${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as Report, err: r.err };
}

describe('Dapr components that authenticate to Azure', () => {
  it('Component orders-secrets runs the chain on the Dapr app that loads it (scopes: checkout), whose pod and ServiceAccount are set up; exit 0', async () => {
    const { code, json } = await diagnose('-n', 'shop', 'component/orders-secrets');
    assert.deepEqual(json.workload, { namespace: 'shop', kind: 'Deployment', name: 'checkout' });
    assert.match(json.consumer?.summary ?? '', /Component orders-secrets authenticates as the ServiceAccount checkout of the Dapr app that loads it \(scopes: checkout\)/);
    assert.ok(json.checkpoints.some((c) => c.id === 'pod-label'), show(json));
    assert.equal(json.firstFailure, null, show(json));
    assert.equal(code, 0, show(json));
  });

  it('Component payments-state (components.dapr.io form): the app payments lacks the label, which is the broken link; exit 1', async () => {
    const { code, json } = await diagnose('-n', 'shop', 'components.dapr.io/payments-state');
    assert.deepEqual(json.workload, { namespace: 'shop', kind: 'Deployment', name: 'payments' });
    assert.equal(json.firstFailure, 'pod-label', show(json));
    assert.equal(code, 1);
  });

  it('Component legacy-state uses the storage account key: nothing to diagnose, said plainly', async () => {
    const { kubeconfig } = await cluster();
    const r = await cli(['diagnose', '-n', 'shop', 'component/legacy-state', '--kubeconfig', kubeconfig, '--no-azure', '--no-color']);
    assert.match(r.out + r.err, /does not use Workload Identity: it authenticates with the service's own key \(spec\.metadata accountKey\), not Entra ID/);
    assert.doesNotMatch(r.out + r.err, /secretKeyRef|legacy-storage/);
  });

  it('the sidebar lists them with whose identity, under the app that loads each; `workloads` prints them', async () => {
    const { kubeconfig } = await cluster();
    const live = await liveTree();
    assert.equal(live.consumers!.kindState('Component'), 'listed');
    const ok = live.consumers!.consumer('shop', 'Component', 'orders-secrets');
    assert.equal(ok?.level, 'ok', JSON.stringify(ok?.lines));
    assert.equal(ok?.short, 'Workload Identity as checkout (the Dapr app)');
    const bad = live.consumers!.consumer('shop', 'Component', 'payments-state');
    assert.equal(bad?.level, 'warning', JSON.stringify(bad?.lines));
    assert.equal(bad?.short, 'app pod lacks the use label');
    const legacy = live.consumers!.consumer('shop', 'Component', 'legacy-state');
    assert.equal(legacy?.level, 'muted');
    // The sidebar keeps the names of credential entries, never their values.
    assert.doesNotMatch(JSON.stringify(legacy?.object), /secretKeyRef|legacy-storage/);

    const payments = live.model!.workloads('shop').find((w) => w.name === 'payments')!;
    const under = workloadConsumerNodes('ctx', 'wl', payments, live.consumers!);
    assert.deepEqual(under.map((n) => n.label), ['Component payments-state']);

    const text = await cli(['workloads', '--kubeconfig', kubeconfig, '--no-color', '-n', 'shop']);
    assert.match(text.out, /! Component +payments-state +app pod lacks the use label/);
  });
});
