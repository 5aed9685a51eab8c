// identity-binding-rbac against the local API server: the SubjectAccessReview is the API server's
// answer (the fake evaluates its stored RBAC objects as the RBAC authorizer does), asked only for
// pods that ask for an identity binding.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IB_AUTHORISED, IB_UNAUTHORISED } from '../../fake-kube/scenarios-identity-binding';
import { diagnoseWith, evidence } from './harness';

describe('identity-binding-rbac', () => {
  it('passes when a ClusterRoleBinding lets the ServiceAccount use-managed-identity on the client ID, naming the binding the API server found', async () => {
    const { byId, kube } = await diagnoseWith({ scenario: IB_AUTHORISED });
    const c = byId['identity-binding-rbac'];
    assert.equal(c.status, 'pass', c.summary);
    assert.match(c.summary, /^Kubernetes RBAC lets ServiceAccount payments\/api-sa use the identity 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f/);
    assert.ok(evidence(c).some((e) => e.startsWith('ok answer: allowed: RBAC: allowed by ClusterRoleBinding "use-mi-6f1c7d2a')), evidence(c).join('\n'));
    const review = kube.requests.find((r) => r.path === '/apis/authorization.k8s.io/v1/subjectaccessreviews');
    assert.equal(review?.status, 201);
  });

  it('fails when the binding names another ServiceAccount, with the ClusterRole and binding to apply (dry run first) and the kubectl way to ask', async () => {
    const { byId } = await diagnoseWith({ scenario: IB_UNAUTHORISED });
    const c = byId['identity-binding-rbac'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^ServiceAccount payments\/api-sa may not use the identity 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f: no ClusterRole bound to it grants "use-managed-identity"/);
    assert.match(c.remediation[0]!.command ?? '', /apply --dry-run=server -f -/);
    assert.match(c.remediation[0]!.command ?? '', /"kind":"ClusterRoleBinding".*"subjects":\[\{"kind":"ServiceAccount","name":"api-sa","namespace":"payments"\}\]/);
    assert.match(c.remediation[1]!.command ?? '', /auth can-i use-managed-identity 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f\.cid\.wi\.aks\.azure\.com --as system:serviceaccount:payments:api-sa/);
  });

  it('a workload without the annotation has no such checkpoint in its report', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy' });
    assert.equal(byId['identity-binding-rbac'], undefined);
    assert.equal(byId['token-exchange' as never], undefined);
  });

  it('a refused SubjectAccessReview is "not checked", never a verdict', async () => {
    const { byId } = await diagnoseWith({ scenario: IB_AUTHORISED, forbid: [{ verb: 'create', resource: 'subjectaccessreviews' }] });
    const c = byId['identity-binding-rbac'];
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /^Not checked: Could not get the API server's answer/);
  });
});
