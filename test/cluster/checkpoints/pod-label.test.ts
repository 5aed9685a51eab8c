import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseWith, evidence, serve } from './harness';

describe('pod-label', () => {
  it('passes when the template and every running pod carry the label', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' });
    assert.equal(byId['pod-label'].status, 'pass');
    assert.equal(byId['pod-label'].summary, 'The pod template and all 3 pods carry azure.workload.identity/use: "true".');
  });

  it('label on the Deployment, not the template: fails with the certain fix as a merge patch', async () => {
    const { byId } = await diagnoseWith({ scenario: 'label-on-deployment' });
    const c = byId['pod-label'];
    assert.equal(c.status, 'fail');
    assert.deepEqual(evidence(c), [
      '- workload: Deployment payments/api',
      'fail spec.template.metadata.labels: no "azure.workload.identity/use"',
      'warn metadata.labels: "azure.workload.identity/use": "true" (on the Deployment itself)',
    ]);
    const fix = c.remediation[0]!.fix!;
    assert.equal(fix.id, 'add-pod-template-label');
    assert.deepEqual(fix.patch, { spec: { template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } } } } });
    assert.equal(fix.patchType, 'merge');
    assert.deepEqual(fix.rerun, ['pod-label', 'pod-logs']);
    assert.equal(fix.waitForRollout, true);
  });

  it('pods from an older template of a paused Deployment: names them, offers to resume the rollout (a restart would roll nothing out)', async () => {
    const { byId } = await diagnoseWith({ scenario: 'pods-older-than-label' });
    const c = byId['pod-label'];
    assert.equal(c.status, 'fail');
    assert.ok(evidence(c).includes('warn running pods with the label: 0/3'));
    const fix = c.remediation[0]!.fix!;
    assert.equal(fix.id, 'resume-rollout');
    assert.equal(fix.patchType, 'merge');
    assert.deepEqual(fix.patch, { spec: { paused: false } });
    assert.equal(fix.command, 'kubectl rollout resume deployment/api -n payments --context fake-aks');
    assert.match(fix.changes[0]!, /spec\.paused = false .*every change made while it was paused included/);
  });

  it('pods from an older template of a running Deployment: a rollout restart', async () => {
    // The same cluster, not paused (without controllers, so nothing rolls out by itself).
    const kube = await serve({ scenario: 'pods-older-than-label', controllers: false });
    kube.store.patch('Deployment', 'payments', 'api', { spec: { paused: null } });
    const { byId } = await diagnoseWith(kube);
    const fix = byId['pod-label'].remediation[0]?.fix;
    assert.equal(byId['pod-label'].status, 'fail');
    assert.equal(fix?.id, 'restart-rollout');
    assert.equal(fix?.patchType, 'strategic');
    assert.equal(fix?.command, 'kubectl rollout restart deployment/api -n payments --context fake-aks');
  });

  it('a CronJob: its template is spec.jobTemplate.spec.template, its pods are found through its Jobs', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' }, { namespace: 'payments', kind: 'CronJob', name: 'settlement' });
    assert.equal(byId['pod-label'].status, 'pass');
    assert.ok(evidence(byId['pod-label']).includes('ok spec.jobTemplate.spec.template.metadata.labels: "azure.workload.identity/use": "true"'));
    assert.equal(byId['pod-label'].summary, 'The pod template and its pod carry azure.workload.identity/use: "true".');
    assert.deepEqual(Object.values(byId).filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}`), []);
  });
});
