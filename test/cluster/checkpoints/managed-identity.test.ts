import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY_NAME, PRINCIPAL_ID, SUBSCRIPTION_ID } from '../../fake-azure/scenarios';
import { diagnoseCloud, evidence } from './harness';

describe('managed-identity', () => {
  it('finds the identity of the client ID with one Resource Graph query, and records it', async () => {
    const { byId, diagnosis, cloud } = await diagnoseCloud({ scenario: 'azure-healthy' });
    const c = byId['managed-identity'];
    assert.equal(c.status, 'pass');
    assert.equal(c.summary, `Client ID 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f is the managed identity ${IDENTITY_NAME} in resource group rg-payments (subscription ${SUBSCRIPTION_ID}).`);
    assert.ok(evidence(c).includes(`- principal ID: ${PRINCIPAL_ID}`));
    assert.equal(diagnosis.context.state.identity?.principalId, PRINCIPAL_ID);
    const graphQueries = cloud.requests().filter((r) => r.service === 'resourcegraph' && JSON.stringify(r.body).includes('userassignedidentities'));
    assert.equal(graphQueries.length, 1);
  });

  it('an app registration instead of a managed identity is said so', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'app-registration' });
    assert.equal(byId['managed-identity'].status, 'pass');
    assert.match(byId['managed-identity'].summary, /is not a managed identity but the app registration "payments-api"/);
  });

  it('an identity nobody can see is not a verdict until Entra says so: AADSTS700016 makes it one', async () => {
    const unsure = await diagnoseCloud({ scenario: 'identity-deleted' }, { tokenExchange: 'never' });
    const u = unsure.byId['managed-identity'];
    assert.equal(u.status, 'warn');
    assert.match(u.fault ?? '', /^No managed identity or app registration with client ID \S+ is visible to you: it was deleted, the annotation has a wrong ID, or it lives in a tenant or subscription you cannot read\.$/);
    assert.ok(u.remediation.some((r) => /Allow the token exchange/.test(r.text)));
    assert.equal(unsure.byId['federated-credential'].summary, 'Skipped: needs "Managed identity", which could not be checked.');

    const { byId } = await diagnoseCloud({ scenario: 'identity-deleted' });
    const c = byId['managed-identity'];
    assert.equal(c.status, 'fail');
    assert.equal(c.fault, undefined);
    assert.match(c.summary, /and Entra confirms that tenant \S+ has none \(AADSTS700016\)/);
    assert.equal(c.remediation[0]!.command, 'az identity list --query "[].{name:name, clientId:clientId, resourceGroup:resourceGroup}" -o table');
    assert.equal(byId['federated-credential'].summary, 'Skipped: needs "Managed identity", which failed.');
  });

  it('an identity Resource Graph still lists but ARM no longer has (deleted minutes ago) fails as deleted; what needs it is skipped, not passed', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'identity-deleted-graph-lag' });
    assert.equal(byId['managed-identity'].status, 'fail');
    assert.match(byId['managed-identity'].summary, /^The managed identity id-payments-api with client ID \S+ was deleted: Resource Graph still lists it, but Azure Resource Manager answers 404/);
    assert.equal(byId['federated-credential'].status, 'skipped');
    assert.equal(byId['role-assignments'].status, 'skipped');
  });

  it('an identity you cannot read but Entra accepts a token for is never called deleted: your access is what is missing', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy', forbid: [{ service: 'resourcegraph', action: 'Microsoft.ManagedIdentity/userAssignedIdentities/read' }] as never });
    const c = byId['managed-identity'];
    assert.equal(byId['token-exchange'].status, 'pass');
    assert.equal(c.status, 'warn');
    assert.match(c.fault ?? '', /^Client ID \S+ exists in tenant \S+ \(Entra accepted a token for it\), but it is not among the managed identities or app registrations you can read/);
    assert.doesNotMatch(JSON.stringify(c), /deleted/);
    assert.equal(byId['federated-credential'].summary, 'Skipped: needs "Managed identity", which could not be checked.');
  });

  it('403 on Resource Graph: not checked, naming what was refused; the cluster checks are unaffected', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy', forbid: [{ service: 'resourcegraph' }] as never });
    assert.equal(byId['managed-identity'].status, 'warn');
    assert.match(byId['managed-identity'].fault ?? '', /^Could not search for the managed identity: Forbidden \(403/);
    assert.equal(byId['pod-label'].status, 'pass');
  });

  it('without Azure, skipped with the sign-in action', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy' }, { azure: async () => ({ unavailable: 'Not signed in (test).', signIn: true }) });
    assert.equal(byId['managed-identity'].status, 'skipped');
    assert.equal(byId['managed-identity'].remediation[0]!.action, 'sign-in-azure');
    assert.equal(byId['federated-credential'].remediation.length, 0, 'only the first skip offers the sign-in');
  });
});
