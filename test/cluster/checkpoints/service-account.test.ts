import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_ID } from '../../fake-kube/scenarios';
import { diagnoseWith, evidence, serve } from './harness';

describe('service-account', () => {
  it('passes with the client ID, and records it for the Azure half', async () => {
    const { byId, diagnosis } = await diagnoseWith({ scenario: 'healthy' });
    assert.equal(byId['service-account'].status, 'pass');
    assert.equal(byId['service-account'].summary, `ServiceAccount payments/api-sa is annotated with client ID ${CLIENT_ID}.`);
    assert.equal(diagnosis.context.state.clientId, CLIENT_ID);
  });

  it('no annotation: the fix asks for the client ID', async () => {
    const { byId } = await diagnoseWith({ scenario: 'sa-not-annotated' });
    const fix = byId['service-account'].remediation[0]!.fix!;
    assert.equal(fix.id, 'annotate-service-account');
    assert.ok(fix.input);
    assert.deepEqual(fix.input.patchPath, ['metadata', 'annotations', 'azure.workload.identity/client-id']);
    assert.deepEqual(fix.rerun, ['service-account', 'sdk-environment']);
  });

  it('a typo in the key: the fix renames it, keeping the value', async () => {
    const { byId } = await diagnoseWith({ scenario: 'annotation-typo' });
    const c = byId['service-account'];
    assert.equal(c.status, 'fail');
    const fix = c.remediation[0]!.fix!;
    assert.equal(fix.input, undefined);
    assert.deepEqual(fix.patch, { metadata: { annotations: { 'azure.workload.identity/client-id': CLIENT_ID, 'azure.workload.identity/client_id': null } } });
  });

  it('a value that is not a GUID, a bad tenant-id, the legacy label and automount=false', async () => {
    const kube = await serve({ scenario: 'healthy' });
    kube.store.patch('ServiceAccount', 'payments', 'api-sa', {
      metadata: { annotations: { 'azure.workload.identity/client-id': ` {${CLIENT_ID}} `, 'azure.workload.identity/tenant-id': '' }, labels: { 'azure.workload.identity/use': 'true' } },
      automountServiceAccountToken: false,
    });
    const { byId } = await diagnoseWith(kube);
    const c = byId['service-account'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /is not a GUID .*; its tenant-id annotation "" is not a GUID, and it overrides the webhook's tenant even when empty\.$/);
    assert.equal(c.remediation[0]!.fix!.command, `kubectl annotate serviceaccount api-sa azure.workload.identity/client-id=${CLIENT_ID} --overwrite -n payments --context fake-aks`);
    const ev = evidence(c);
    assert.ok(ev.includes('info label "azure.workload.identity/use": on the ServiceAccount: no effect since webhook v1.0.0 (only the pod label counts)'));
    assert.ok(ev.some((e) => e.startsWith('info automountServiceAccountToken: false')));
  });

  it('a ServiceAccount that does not exist', async () => {
    const kube = await serve({ scenario: 'healthy' });
    kube.store.delete('ServiceAccount', 'payments', 'api-sa');
    const { byId } = await diagnoseWith(kube);
    assert.equal(byId['service-account'].summary, 'The ServiceAccount "api-sa" does not exist in namespace "payments": new pods are rejected, and no client ID can be injected.');
    assert.equal(byId['projected-token'].status, 'skipped');
    assert.match(byId['projected-token'].summary, /does not exist in "payments"/);
  });
});
