import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseWith, evidence, serve } from './harness';
import { EMPTY_CLIENT_ID_V150 } from '../../fake-kube/scenarios-identity-binding';

describe('sdk-environment', () => {
  it('passes when every pod was injected and nothing overrides Workload Identity', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' });
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'pass');
    assert.equal(c.evidence.length, 3);
    assert.ok(c.evidence.every((e) => e.level === 'ok' && /injected .*AZURE_FEDERATED_TOKEN_FILE=\/var\/run\/secrets\/azure\/tokens\/azure-identity-token, volume azure-identity-token \(audience api:\/\/AzureADTokenExchange\)/.test(e.value)));
  });

  it('reads the token path from the pod (webhook v1.6.0 moved it)', async () => {
    const { byId } = await diagnoseWith({ scenario: 'helm-healthy' });
    assert.equal(byId['sdk-environment'].status, 'pass');
    assert.ok(byId['sdk-environment'].evidence.every((e) => e.value.includes('/var/run/secrets/azure/wi/token/azure-identity-token')));
  });

  it('AZURE_CLIENT_SECRET from a secretKeyRef fails, with the command that removes it; no secret value is read into the result', async () => {
    const { byId } = await diagnoseWith({ scenario: 'client-secret-set' });
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'fail');
    assert.ok(evidence(c).includes('fail container api: AZURE_CLIENT_SECRET from Secret api-sp-credentials key client-secret'));
  });

  it('a credential variable that arrives through envFrom is found by its key name', async () => {
    const kube = await serve({ scenario: 'healthy' });
    kube.store.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'legacy-sp', namespace: 'payments' }, type: 'Opaque', data: { AZURE_CLIENT_SECRET: Buffer.from('s3cret-value-never-shown').toString('base64'), OTHER: 'eA==' } });
    const dep = kube.store.get('Deployment', 'payments', 'api') as unknown as { spec: { template: { spec: { containers: { envFrom?: unknown[] }[] } } } };
    const spec = structuredClone(dep.spec);
    spec.template.spec.containers[0]!.envFrom = [{ secretRef: { name: 'legacy-sp' } }];
    kube.store.patch('Deployment', 'payments', 'api', { spec: { template: { spec: { containers: spec.template.spec.containers } } } });
    const { byId } = await diagnoseWith(kube);
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'fail', c.summary);
    assert.ok(evidence(c).includes('fail container api: AZURE_CLIENT_SECRET from envFrom Secret legacy-sp'));
    assert.ok(!JSON.stringify(c).includes('s3cret-value-never-shown'));
  });

  it('a hard-coded AZURE_CLIENT_ID that differs from the annotation fails', async () => {
    const { byId } = await diagnoseWith({ scenario: 'hardcoded-client-id' });
    assert.equal(byId['sdk-environment'].status, 'fail');
    assert.equal(byId['sdk-environment'].remediation.at(-1)!.command, 'kubectl set env deployment/api -c api AZURE_CLIENT_ID- -n payments --context fake-aks');
  });

  it('pods injected without AZURE_CLIENT_ID (the ServiceAccount has no annotation): a warning pointing at service-account', async () => {
    const { byId } = await diagnoseWith({ scenario: 'sa-not-annotated' });
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /injected without every variable the SDK needs .*"ServiceAccount annotation" explains a missing AZURE_CLIENT_ID/);
  });

  it('pods that predate the webhook are named, with a rollout restart', async () => {
    const kube = await serve({ scenario: 'healthy' });
    for (const p of kube.store.list('Pod', 'payments').filter((x) => x.metadata.name.startsWith('api-'))) {
      const spec = structuredClone(p.spec as { containers: { env?: { name: string }[] }[]; volumes?: { name: string }[] });
      for (const c of spec.containers) c.env = (c.env ?? []).filter((e) => !e.name.startsWith('AZURE_'));
      spec.volumes = (spec.volumes ?? []).filter((v) => v.name !== 'azure-identity-token');
      kube.store.put({ ...p, spec } as typeof p);
    }
    const { byId } = await diagnoseWith(kube);
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^Pods api-\S+, api-\S+ and api-\S+ were not injected: created before the label, the webhook or the namespace's eligibility/);
    assert.equal(c.remediation[0]!.fix!.id, 'restart-rollout');
  });

  it('is skipped when the webhook is down: restarting would not help', async () => {
    const { byId } = await diagnoseWith({ scenario: 'webhook-down' });
    assert.equal(byId['sdk-environment'].summary, 'Skipped: needs "Workload Identity webhook", which failed.');
  });

  it('an AZURE_CLIENT_ID injected empty (webhook v1.5.0, before the ServiceAccount was annotated) is no client ID: named, with the upstream issue', async () => {
    const { byId } = await diagnoseWith({ scenario: EMPTY_CLIENT_ID_V150 });
    const c = byId['sdk-environment'];
    assert.equal(c.status, 'fail', c.summary);
    assert.match(c.summary, /created before the ServiceAccount got its client-id annotation/);
    assert.ok(evidence(c).some((e) => e.includes('injected with an empty AZURE_CLIENT_ID (a webhook up to v1.5.0 injects it empty, upstream issue 1555; v1.5.1+ leave it out)')), evidence(c).join('\n'));
  });
});
