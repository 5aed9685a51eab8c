import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ISSUER } from '../../fake-kube/scenarios';
import { diagnoseCloud, diagnoseWith, evidence } from './harness';

describe('cluster-oidc-issuer', () => {
  it('reads the issuer from the discovery document and checks the JWKS', async () => {
    const { byId, diagnosis } = await diagnoseWith({ scenario: 'healthy' });
    const c = byId['cluster-oidc-issuer'];
    assert.equal(c.status, 'pass');
    assert.equal(c.summary, `The cluster's issuer is ${DEFAULT_ISSUER}, and its signing keys are served.`);
    assert.deepEqual(evidence(c), [`- issuer: ${DEFAULT_ISSUER}`, 'info trailing "/": yes (federated credentials must include it)', 'ok signing keys (JWKS): 1', 'info AKS resource: not checked (Azure not available)']);
    assert.equal(diagnosis.context.state.issuer, DEFAULT_ISSUER);
  });

  it('404 on discovery: the OIDC issuer is not enabled, with the az command', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', faults: [{ path: '/.well-known/openid-configuration', status: 404 }] });
    const c = byId['cluster-oidc-issuer'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /does not serve \/\.well-known\/openid-configuration: service-account issuer discovery is off/);
    assert.equal(c.remediation[0]!.command, 'az aks update --resource-group <resource-group> --name <cluster> --enable-oidc-issuer --enable-workload-identity');
  });

  it('an in-cluster issuer is one Entra cannot reach', async () => {
    const { byId } = await diagnoseWith({ scenario: 'healthy', issuer: 'https://kubernetes.default.svc.cluster.local' });
    assert.equal(byId['cluster-oidc-issuer'].status, 'fail');
    assert.match(byId['cluster-oidc-issuer'].summary, /is the in-cluster default, which Entra cannot reach/);
  });

  it('403 on discovery is a warning: the token in projected-token gives the issuer instead', async () => {
    const { byId, diagnosis } = await diagnoseWith({ scenario: 'healthy', forbid: [{ verb: 'get', resource: '/.well-known/openid-configuration' }], faults: [{ path: '/.well-known/openid-configuration', status: 403 }] });
    assert.equal(byId['cluster-oidc-issuer'].status, 'warn');
    assert.equal(byId['projected-token'].status, 'pass');
    assert.equal(diagnosis.context.state.issuer, DEFAULT_ISSUER);
  });

  it('a JWKS that is not served (404) fails; a JWKS read that errs (500) is not checked, never a verdict', async () => {
    const missing = await diagnoseWith({ scenario: 'healthy', faults: [{ path: '/openid/v1/jwks', status: 404 }] });
    assert.equal(missing.byId['cluster-oidc-issuer'].status, 'fail');
    assert.match(missing.byId['cluster-oidc-issuer'].summary, /advertises the issuer .* but does not serve its signing keys at \/openid\/v1\/jwks/);
    const { byId } = await diagnoseWith({ scenario: 'healthy', faults: [{ path: '/openid/v1/jwks', status: 500 }] });
    assert.equal(byId['cluster-oidc-issuer'].status, 'warn');
    assert.match(byId['cluster-oidc-issuer'].fault ?? '', /^Could not get the signing keys at \/openid\/v1\/jwks: The API server failed to get \/openid\/v1\/jwks \(HTTP 500/);
  });

  it('with Azure: the AKS resource has the OIDC issuer and Workload Identity on, and the same issuer', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy' });
    assert.equal(byId['cluster-oidc-issuer'].status, 'pass');
    assert.match(byId['cluster-oidc-issuer'].summary, /; AKS cluster aks-prod has the OIDC issuer and Workload Identity enabled\.$/);
    const disabled = await diagnoseCloud({ scenario: 'aks-workload-identity-disabled' });
    assert.equal(disabled.byId['cluster-oidc-issuer'].status, 'fail');
    assert.ok(evidence(disabled.byId['cluster-oidc-issuer']).includes('fail securityProfile.workloadIdentity.enabled: false'));
  });
});
