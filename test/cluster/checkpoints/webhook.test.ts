import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseWith, evidence, serve } from './harness';
import { IB_AUTHORISED, IB_OLD_WEBHOOK, PROXY_JOB_V141 } from '../../fake-kube/scenarios-identity-binding';

describe('webhook', () => {
  it('the AKS add-on in kube-system: configuration, version, replicas, endpoints, events, namespace', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' });
    const c = byId.webhook;
    assert.equal(c.status, 'pass');
    assert.equal(c.summary, 'The webhook runs as the AKS add-on in kube-system and will mutate pods in "payments".');
    assert.deepEqual(evidence(c), [
      'ok configuration: azure-wi-webhook-mutating-webhook-configuration',
      '- runs as: the AKS add-on in kube-system',
      'info failurePolicy: Fail',
      'info version: v1.5.1',
      'ok ready replicas: 2/2',
      'ok service endpoints: 2 ready',
      'ok FailedCreate events: none mentioning the webhook in "payments"',
      'ok namespace: payments: in scope',
    ]);
  });

  it('a Helm install in its own namespace, with its version from the image tag', async () => {
    const { byId } = await diagnoseWith({ scenario: 'helm-healthy' });
    assert.equal(byId.webhook.status, 'pass');
    assert.ok(evidence(byId.webhook).includes('- runs as: a Helm or manifest install in "azure-workload-identity-system"'));
    assert.ok(evidence(byId.webhook).includes('info version: v1.6.0'));
  });

  it('down: no ready replica, no endpoint, FailedCreate events naming the webhook', async () => {
    const { byId } = await diagnoseWith({ scenario: 'webhook-down' });
    const c = byId.webhook;
    assert.equal(c.status, 'fail');
    assert.ok(c.evidence.some((e) => e.label === 'FailedCreate events' && /failed calling webhook "mutation\.azure-workload-identity\.io"/.test(e.value)));
    assert.deepEqual(c.remediation.map((r) => r.command), [
      'kubectl describe deployment azure-wi-webhook-controller-manager -n kube-system --context fake-aks',
      'kubectl logs deployment/azure-wi-webhook-controller-manager --all-containers --tail=50 -n kube-system --context fake-aks',
    ]);
  });

  it('not installed: the add-on command and the Helm alternative', async () => {
    const kube = await serve({ scenario: 'healthy' });
    kube.store.delete('MutatingWebhookConfiguration', undefined, 'azure-wi-webhook-mutating-webhook-configuration');
    const { byId } = await diagnoseWith(kube);
    assert.equal(byId.webhook.status, 'fail');
    assert.match(byId.webhook.summary, /^The Workload Identity webhook is not installed/);
    assert.equal(byId['sdk-environment'].status, 'skipped');
  });

  it('an excluded namespace (control-plane label) fails, naming why', async () => {
    const { byId } = await diagnoseWith({ scenario: 'namespace-excluded' }, { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter' });
    assert.equal(byId.webhook.status, 'fail');
    assert.ok(evidence(byId.webhook).includes('fail namespace: platform-tools: excluded (it is labelled control-plane=true)'));
  });

  it('403 on the configuration is a warning, and the pods\' injection is still checked', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: 'mutatingwebhookconfigurations' }] });
    assert.equal(byId.webhook.status, 'warn');
    assert.match(byId.webhook.summary, /You may not read MutatingWebhookConfigurations \(403\)/);
    assert.equal(byId['sdk-environment'].status, 'pass');
  });

  it('403 on the namespace: the exclusion could not be checked, said as a warning', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: 'namespaces' }] });
    assert.equal(byId.webhook.status, 'warn');
    assert.match(byId.webhook.summary, /namespace "payments" could not be read/);
  });

  it('pods that ask for an identity binding need a webhook of v1.6.0 or later (AKS ships it as v1.6.0-alpha): v1.5.1 is the broken link', async () => {
    const old = (await diagnoseWith({ scenario: IB_OLD_WEBHOOK })).byId;
    assert.equal(old.webhook.status, 'fail');
    assert.match(old.webhook.summary, /its version v1\.5\.1 predates identity bindings \(v1\.6\.0\), and the pod template asks for one/);
    const ok = (await diagnoseWith({ scenario: IB_AUTHORISED })).byId;
    assert.equal(ok.webhook.status, 'pass');
    assert.ok(evidence(ok.webhook).includes('ok identity bindings: v1.6.0-alpha.1 can serve them (v1.6.0 or later)'), evidence(ok.webhook).join('\n'));
    assert.ok(!evidence((await diagnoseWith({ scenario: 'healthy' })).byId.webhook).some((e) => e.includes('identity bindings')), 'not said where no pod asks');
  });

  it("a CronJob asking for the proxy sidecar on a webhook older than v1.5.0: a warning naming upstream issue 773", async () => {
    const { byId } = await diagnoseWith({ scenario: PROXY_JOB_V141 }, { namespace: 'payments', kind: 'CronJob', name: 'nightly' });
    assert.equal(byId.webhook.status, 'warn', byId.webhook.summary);
    assert.match(byId.webhook.summary, /its version v1\.4\.1 injects the proxy sidecar this CronJob asks for as an ordinary container, so its pods never complete \(upstream issue 773/);
  });
});

