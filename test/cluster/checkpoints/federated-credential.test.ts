import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY_NAME } from '../../fake-azure/scenarios';
import { diagnoseCloud, evidence } from './harness';

describe('federated-credential', () => {
  it('passes on an exact match', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy' });
    assert.equal(byId['federated-credential'].status, 'pass');
    assert.match(byId['federated-credential'].summary, /^Federated credential "aks-prod-payments-api-sa" of managed identity id-payments-api matches the token's issuer, subject and audience exactly\.$/);
  });

  it('shows the nearest credential with the exact difference, and a fix that creates the right one', async () => {
    const { byId, diagnosis } = await diagnoseCloud({ scenario: 'fic-wrong-namespace' });
    const c = byId['federated-credential'];
    assert.equal(c.status, 'fail');
    const fix = c.remediation.find((r) => r.azureFix)!.azureFix!;
    const claims = diagnosis.context.state.tokenClaims!;
    assert.deepEqual(fix.credential, { name: 'fic-payments-api-sa', issuer: claims.iss, subject: 'system:serviceaccount:payments:api-sa', audiences: ['api://AzureADTokenExchange'] });
    assert.equal(fix.identity.name, IDENTITY_NAME);
    assert.deepEqual(fix.rerun, ['federated-credential', 'token-exchange']);
    assert.ok(evidence(c).some((e) => e.startsWith('fail credential "') && e.includes('namespace "default" instead of "payments"')));
  });

  it('20 credentials: warns that no more can be added and offers no create fix', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'twenty-credentials' });
    const c = byId['federated-credential'];
    assert.ok(evidence(c).includes('warn credentials: 20 on managed identity id-payments-api — the maximum: no more can be added'));
    assert.ok(!c.remediation.some((r) => r.azureFix));
    assert.match(c.remediation[0]!.text, /Delete a credential you no longer need \(the limit is 20\)/);
  });

  it('a credential created a minute ago matches but may not have propagated', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'propagation-delay' });
    assert.equal(byId['federated-credential'].status, 'warn');
    assert.match(byId['federated-credential'].summary, /^Credential "aks-prod-payments-api-sa" matches the token, but it was created \d+ s ago and Entra can take a few minutes to apply it \(AADSTS70021 until then\)\.$/);
  });

  it('the fix creates the credential (what the editor applies after confirmation); the re-check matches it and warns that it is new', async () => {
    const { byId, cloud } = await diagnoseCloud({ scenario: 'fic-trailing-slash' });
    const fix = byId['federated-credential'].remediation.find((r) => r.azureFix)!.azureFix!;
    const { azureProvider } = await import('../../../src/azure/provider');
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    const created = await p.api.createFederatedCredential(fix.identity, fix.credential);
    assert.ok(created.ok, JSON.stringify(created));
    const again = await diagnoseCloud(cloud);
    assert.equal(again.byId['federated-credential'].status, 'warn', again.byId['federated-credential'].summary);
    assert.match(again.byId['federated-credential'].summary, /^Credential "fic-payments-api-sa" matches the token, but it was created \d+ s ago/);
  });

  it('a wrong audience on the right issuer and subject is corrected in place, never duplicated (issuer+subject are unique)', async () => {
    const { byId, cloud } = await diagnoseCloud({ scenario: 'fic-wrong-audience' });
    const r = byId['federated-credential'].remediation.find((x) => x.azureFix)!;
    assert.equal(r.azureFix!.title, 'Set the audience of federated credential "aks-prod-payments-api-sa" on id-payments-api');
    assert.match(r.command!, /^az identity federated-credential update --name aks-prod-payments-api-sa /);
    const { azureProvider } = await import('../../../src/azure/provider');
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    const updated = await p.api.createFederatedCredential(r.azureFix!.identity, r.azureFix!.credential);
    assert.ok(updated.ok, JSON.stringify(updated));
    const again = await diagnoseCloud(cloud);
    assert.notEqual(again.byId['federated-credential'].status, 'fail', again.byId['federated-credential'].summary);
  });

  it('when another identity of the resource group already trusts the token, offers to point the ServiceAccount at it', async () => {
    const { startFakeCloud } = await import('../../fake-azure/cloud');
    const cloud = await startFakeCloud({ scenario: 'fic-wrong-namespace' });
    try {
      const sibling = cloud.state.identities().find((i) => i.name === 'id-payments-reports')!;
      cloud.state.addFic(sibling, { name: 'payments-api-on-aks-prod', issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:api-sa', audiences: ['api://AzureADTokenExchange'] });
      const { byId } = await diagnoseCloud(cloud);
      const r = byId['federated-credential'].remediation.find((x) => x.fix)!;
      assert.equal(r.fix?.id, 'annotate-service-account');
      assert.match(r.text, /^Or point the ServiceAccount at id-payments-reports, which already trusts this token: annotate it with client ID 8d7c6b5a-4938-4271-8605-f4e3d2c1b0a9\.$/);
      assert.equal(r.command, 'kubectl annotate serviceaccount api-sa azure.workload.identity/client-id=8d7c6b5a-4938-4271-8605-f4e3d2c1b0a9 --overwrite -n payments --context fake-aks');
    } finally {
      await cloud.stop();
    }
  });
});
