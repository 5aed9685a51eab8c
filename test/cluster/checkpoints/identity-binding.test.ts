// The Azure half for pods that ask for an AKS identity binding (issue 19), against the fake cloud's
// ARM (managedClusters/identityBindings) and Resource Graph: the binding, AKS's credential, and the
// checks that do not apply in this mode.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IB_CREDENTIAL_CHANGED_AZURE, IB_HEALTHY_AZURE, IB_NO_BINDING_AZURE } from '../../fake-azure/scenarios-identity-binding';
import { diagnoseCloud, evidence } from './harness';

describe('identity-binding', () => {
  it('bound: the binding passes, AKS\'s credential passes without a credential for the cluster issuer, the token is for api://AKSIdentityBinding, and the exchange is not attempted from outside', async () => {
    const { byId, diagnosis } = await diagnoseCloud({ scenario: IB_HEALTHY_AZURE });
    assert.equal(byId['identity-binding'].status, 'pass', byId['identity-binding'].summary);
    assert.match(byId['identity-binding'].summary, /^Identity binding idpaymentsapi maps managed identity id-payments-api to AKS cluster aks-prod\.$/);
    assert.equal(byId['federated-credential'].status, 'pass', byId['federated-credential'].summary);
    assert.match(byId['federated-credential'].summary, /^Credential "aks-identity-binding" of id-payments-api carries AKS's identity binding issuer/);
    assert.deepEqual(diagnosis.context.state.tokenClaims?.aud, ['api://AKSIdentityBinding']);
    assert.equal(byId['sdk-environment'].status, 'pass', byId['sdk-environment'].summary);
    assert.ok(evidence(byId['sdk-environment']).some((e) => e.includes('identity binding: AZURE_KUBERNETES_TOKEN_PROXY, AZURE_KUBERNETES_SNI_NAME, AZURE_KUBERNETES_CA_FILE')), evidence(byId['sdk-environment']).join('\n'));
    assert.equal(byId['token-exchange'].status, 'skipped');
    assert.match(byId['token-exchange'].summary, /AKS's token proxy makes the exchange inside the cluster/);
    assert.equal(diagnosis.report.firstFailure, undefined, diagnosis.report.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n'));
  });

  it('no binding: the first broken link is identity-binding, with the az command that creates it (a name the API accepts)', async () => {
    const { byId, diagnosis } = await diagnoseCloud({ scenario: IB_NO_BINDING_AZURE });
    const c = byId['identity-binding'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^No identity binding maps managed identity id-payments-api to AKS cluster aks-prod/);
    assert.match(c.remediation[0]!.command ?? '', /^az aks identity-binding create --resource-group rg-contoso-prod --cluster-name aks-prod --subscription \S+ --name idpaymentsapi --managed-identity-resource-id \S+id-payments-api$/);
    assert.equal(diagnosis.report.firstFailure, 'identity-binding');
    assert.match(byId['federated-credential'].summary, /has no credential "aks-identity-binding"/);
  });

  it("AKS's credential edited: federated-credential fails naming the issuer AKS sets", async () => {
    const { byId } = await diagnoseCloud({ scenario: IB_CREDENTIAL_CHANGED_AZURE });
    const c = byId['federated-credential'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^Credential "aks-identity-binding" of id-payments-api was changed: its issuer is "https:\/\/ib\.oic\.prod-aks\.azure\.com\/edited\/", AKS sets "https:\/\/ib\.oic\.prod-aks\.azure\.com\/[0-9a-f-]+\/6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"/);
  });
});
