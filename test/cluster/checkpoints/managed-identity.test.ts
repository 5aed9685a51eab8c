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

  it('a deleted identity, or one in a tenant you cannot see, fails with what to do', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'identity-deleted' });
    const c = byId['managed-identity'];
    assert.equal(c.status, 'fail');
    assert.equal(c.remediation[0]!.command, 'az identity list --query "[].{name:name, clientId:clientId, resourceGroup:resourceGroup}" -o table');
  });

  it('403 on Resource Graph: fails naming the role, the cluster checks are unaffected', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy', forbid: [{ service: 'resourcegraph' }] as never });
    assert.equal(byId['managed-identity'].status, 'fail');
    assert.match(byId['managed-identity'].summary, /Ask for the "Reader" role/);
    assert.equal(byId['pod-label'].status, 'pass');
  });

  it('without Azure, skipped with the sign-in action', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy' }, { azure: async () => ({ unavailable: 'Not signed in (test).', signIn: true }) });
    assert.equal(byId['managed-identity'].status, 'skipped');
    assert.equal(byId['managed-identity'].remediation[0]!.action, 'sign-in-azure');
    assert.equal(byId['federated-credential'].remediation.length, 0, 'only the first skip offers the sign-in');
  });
});
