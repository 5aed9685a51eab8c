import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ISSUER } from '../../fake-kube/scenarios';
import { diagnoseWith, evidence } from './harness';

describe('projected-token', () => {
  it('shows iss, sub, aud and exp as Entra will see them; keeps the token only in memory', async () => {
    const { byId, diagnosis, kube } = await diagnoseWith({ scenario: 'healthy' });
    const c = byId['projected-token'];
    assert.equal(c.status, 'pass');
    const ev = evidence(c);
    assert.equal(ev[0], `- iss: ${DEFAULT_ISSUER}`);
    assert.equal(ev[1], 'ok sub: system:serviceaccount:payments:api-sa');
    assert.equal(ev[2], 'ok aud: api://AzureADTokenExchange');
    assert.match(ev[3]!, /^- exp: \d{4}-\d\d-\d\dT/);
    const state = diagnosis.context.state;
    assert.deepEqual({ iss: state.tokenClaims?.iss, sub: state.tokenClaims?.sub, aud: state.tokenClaims?.aud }, { iss: DEFAULT_ISSUER, sub: 'system:serviceaccount:payments:api-sa', aud: ['api://AzureADTokenExchange'] });
    assert.ok(state.token && !JSON.stringify(diagnosis.report).includes(state.token));
    const tokenRequest = kube.requests.find((r) => r.path.endsWith('/serviceaccounts/api-sa/token'));
    assert.equal(tokenRequest?.method, 'POST');
  });

  it('a token issuer that differs from the discovery document: names the exact difference', async () => {
    const { byId } = await diagnoseWith({ scenario: 'token-claims-mismatch' });
    const c = byId['projected-token'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /\(the token lacks the trailing "\/"\)/);
    assert.ok(evidence(c).includes(`fail discovery issuer: ${DEFAULT_ISSUER}`));
  });

  it('403 on TokenRequest: names the verb and subresource', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'create', resource: 'serviceaccounts/token' }] });
    const c = byId['projected-token'];
    // Your permission, not the workload: not checked (a fault), never a broken link.
    assert.equal(c.status, 'warn');
    assert.equal(c.summary, 'Not checked: Could not get the token for ServiceAccount payments/api-sa (TokenRequest): Forbidden: you may not create serviceaccounts/token "api-sa" in namespace "payments" (403). Ask for a Role that grants "create" on "serviceaccounts/token" in "payments".');
    assert.equal(c.fault, c.summary.slice('Not checked: '.length));
    assert.equal(c.remediation[0]!.command, 'kubectl auth can-i create serviceaccounts/token -n payments --context fake-aks');
  });
});
