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

  it('the near miss (this workload\'s credential, misspelt) is highlighted with the exact characters that differ, and the fix corrects it in place', async () => {
    const { byId, diagnosis } = await diagnoseCloud({ scenario: 'fic-wrong-namespace' });
    const c = byId['federated-credential'];
    assert.equal(c.status, 'fail');
    const fix = c.remediation.find((r) => r.azureFix)!.azureFix!;
    const claims = diagnosis.context.state.tokenClaims!;
    assert.equal(fix.id, 'update-federated-credential');
    assert.deepEqual(fix.credential, { name: 'aks-prod-payments-api-sa', issuer: claims.iss, subject: 'system:serviceaccount:payments:api-sa', audiences: ['api://AzureADTokenExchange'] });
    assert.equal(fix.before?.subject, 'system:serviceaccount:default:api-sa');
    assert.ok(fix.changes.some((l) => l.includes('subject: "system:serviceaccount:default:api-sa" → "system:serviceaccount:payments:api-sa"')), fix.changes.join('\n'));
    assert.equal(fix.identity.name, IDENTITY_NAME);
    assert.deepEqual(fix.rerun, ['federated-credential', 'token-exchange']);
    assert.ok(evidence(c).some((e) => e.startsWith('fail nearest: credential "aks-prod-payments-api-sa"') && e.includes('subject has "default" at character 23 where the token has "payments"')), evidence(c).join('\n'));
  });

  it("another ServiceAccount's credential (it exists in the cluster) is neutral, never the near miss: without a near miss the fix creates one", async () => {
    const { startFakeCloud } = await import('../../fake-azure/cloud');
    const cloud = await startFakeCloud({ scenario: 'azure-healthy' });
    try {
      const fic = cloud.state.ficsOf(cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!)[0]!;
      fic.subject = 'system:serviceaccount:payments:default';
      const { byId } = await diagnoseCloud(cloud);
      const c = byId['federated-credential'];
      assert.equal(c.status, 'fail');
      assert.match(c.summary, /^No federated credential of managed identity id-payments-api matches the token: none names this cluster's issuer and ServiceAccount payments\/api-sa; its one credential is for other ServiceAccounts or clusters\.$/);
      assert.ok(evidence(c).includes(`- other credential "aks-prod-payments-api-sa": issuer ${cloud.kube.issuer} · subject system:serviceaccount:payments:default · audiences api://AzureADTokenExchange — ServiceAccount payments/default of this cluster`), evidence(c).join('\n'));
      const fix = c.remediation.find((r) => r.azureFix)!.azureFix!;
      assert.equal(fix.id, 'create-federated-credential');
      assert.equal(fix.before, null);
      assert.equal(fix.credential.name, 'fic-payments-api-sa');
    } finally {
      await cloud.stop();
    }
  });

  it('20 credentials: warns that no more can be added; no create fix, but a delete fix for the first stale one', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'twenty-credentials' });
    const c = byId['federated-credential'];
    assert.ok(evidence(c).includes('warn credentials: 20 on managed identity id-payments-api — the maximum: no more can be added'));
    assert.deepEqual(c.remediation.filter((r) => r.azureFix).map((r) => r.azureFix!.id), ['delete-federated-credential']);
    // The identity view's judgement: this cluster's ServiceAccounts checkout/checkout-sa… do not exist, so their credentials are stale.
    assert.match(c.remediation[0]!.text, /^Make room: delete the stale credential "aks-prod-checkout" \(ServiceAccount checkout\/checkout-sa does not exist in AKS cluster aks-prod/);
    assert.match(c.remediation[0]!.command ?? '', /^az identity federated-credential delete --name aks-prod-checkout --identity-name id-payments-api /);
    assert.ok(evidence(c).some((e) => e.startsWith('warn stale: credential "aks-prod-checkout"')), evidence(c).join('\n'));
    assert.match(c.remediation[1]!.text, /Delete a credential you no longer need \(the limit is 20\)/);
    assert.equal(c.remediation[1]!.command, 'wi-doctor identity 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f');
  });

  it('a credential created a minute ago matches but may not have propagated', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'propagation-delay' });
    assert.equal(byId['federated-credential'].status, 'warn');
    assert.match(byId['federated-credential'].summary, /^Credential "aks-prod-payments-api-sa" matches the token, but it was created \d+ s ago and Entra can take a few minutes to apply it \(AADSTS70021 until then\)\.$/);
  });

  it('the fix (what the editor applies after confirmation) corrects the credential; the re-check matches it', async () => {
    const { byId, cloud } = await diagnoseCloud({ scenario: 'fic-trailing-slash' });
    const fix = byId['federated-credential'].remediation.find((r) => r.azureFix)!.azureFix!;
    const { azureProvider } = await import('../../../src/azure/provider');
    const { applyAzureFix } = await import('../../../src/checkpoints/apply-azure-fix');
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    const applied = await applyAzureFix(p.api, fix);
    assert.ok(applied.ok, JSON.stringify(applied));
    assert.equal(cloud.state.ficsOf(cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!).length, 1, 'corrected in place, not a second credential');
    const again = await diagnoseCloud(cloud);
    // A corrected credential propagates anew: it matches, with the propagation warning of a change.
    assert.equal(again.byId['federated-credential'].status, 'warn', again.byId['federated-credential'].summary);
    assert.match(again.byId['federated-credential'].summary, /^Credential "aks-prod-payments-api-sa" matches the token, but it was changed \d+ s ago and Entra can take a few minutes/);
  });

  it('at the limit, the delete fix (after confirmation in the editor) removes the stale credential only while it is what was judged', async () => {
    // Twenty credentials judged: no "possible EventTarget memory leak" warning for the user's terminal.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const { byId, cloud } = await diagnoseCloud({ scenario: 'twenty-credentials' });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    const fix = byId['federated-credential'].remediation[0]!.azureFix!;
    assert.equal(fix.id, 'delete-federated-credential');
    assert.equal(fix.title, 'Delete stale federated credential "aks-prod-checkout" of id-payments-api');
    const { azureProvider } = await import('../../../src/azure/provider');
    const { applyAzureFix } = await import('../../../src/checkpoints/apply-azure-fix');
    const { azureFixConfirmation } = await import('../../../src/editor/diagnose/azure-fix');
    assert.equal(azureFixConfirmation(fix).action, 'Delete');
    assert.match(azureFixConfirmation(fix).detail, /Just before deleting, credential "aks-prod-checkout" is read again/);
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    const identity = cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!;
    // Changed meanwhile (someone repointed it): not deleted.
    const fic = cloud.state.ficsOf(identity).find((f) => f.name === 'aks-prod-checkout')!;
    const subject = fic.subject;
    fic.subject = 'system:serviceaccount:checkout:new-sa';
    const refused = await applyAzureFix(p.api, fix);
    assert.ok(!refused.ok && refused.step === 'precondition', JSON.stringify(refused));
    assert.ok(cloud.state.ficsOf(identity).some((f) => f.name === 'aks-prod-checkout'));
    fic.subject = subject;
    const applied = await applyAzureFix(p.api, fix);
    assert.ok(applied.ok, JSON.stringify(applied));
    assert.equal(cloud.state.ficsOf(identity).length, 19);
    assert.ok(!cloud.state.ficsOf(identity).some((f) => f.name === 'aks-prod-checkout'));
  });

  it('the precondition: a credential changed (or created) since the diagnosis read it is never overwritten', async () => {
    const { byId, cloud } = await diagnoseCloud({ scenario: 'fic-wrong-audience' });
    const r = byId['federated-credential'].remediation.find((x) => x.azureFix)!;
    assert.equal(r.azureFix!.title, 'Correct federated credential "aks-prod-payments-api-sa" of id-payments-api');
    assert.match(r.command!, /^az identity federated-credential update --name aks-prod-payments-api-sa /);
    const identity = cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!;
    cloud.state.ficsOf(identity)[0]!.subject = 'system:serviceaccount:payments:somebody-else';
    const { azureProvider } = await import('../../../src/azure/provider');
    const { applyAzureFix } = await import('../../../src/checkpoints/apply-azure-fix');
    const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
    assert.ok('api' in p);
    const refused = await applyAzureFix(p.api, r.azureFix!);
    assert.ok(!refused.ok && refused.step === 'precondition', JSON.stringify(refused));
    assert.match(refused.message, /was not made: credential "aks-prod-payments-api-sa" was changed \(now issuer \S+, subject system:serviceaccount:payments:somebody-else/);
    assert.equal(cloud.state.ficsOf(identity)[0]!.subject, 'system:serviceaccount:payments:somebody-else', 'nothing was written');
    assert.deepEqual(cloud.requests().filter((x) => x.method === 'PUT'), []);
  });

  describe('the write cannot clobber: a credential written by someone else meanwhile is never replaced', () => {
    /** A cloud whose diagnosis offers to create "fic-payments-api-sa" (the one credential is another ServiceAccount's), with an AzureApi. */
    async function createFix() {
      const { startFakeCloud } = await import('../../fake-azure/cloud');
      const cloud = await startFakeCloud({ scenario: 'azure-healthy' });
      const identity = cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!;
      cloud.state.ficsOf(identity)[0]!.subject = 'system:serviceaccount:payments:default';
      const { byId } = await diagnoseCloud(cloud);
      const fix = byId['federated-credential'].remediation.find((r) => r.azureFix)!.azureFix!;
      assert.equal(fix.id, 'create-federated-credential');
      const { azureProvider } = await import('../../../src/azure/provider');
      const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
      assert.ok('api' in p);
      const { applyAzureFix } = await import('../../../src/checkpoints/apply-azure-fix');
      return { cloud, identity, fix, api: p.api, applyAzureFix };
    }
    const theirs = (name: string) => ({ name, issuer: 'https://oidc.other.example/', subject: 'system:serviceaccount:other:someone', audiences: ['api://AzureADTokenExchange'], createdAt: '2026-01-02T03:04:05.000Z', lastModifiedAt: '2026-01-02T03:04:05.000Z', createdBy: 'someone@else.example' });

    it('created between the diagnosis and the apply: the re-read sees it, no PUT is sent', async () => {
      const { cloud, identity, fix, api, applyAzureFix } = await createFix();
      try {
        cloud.state.ficsOf(identity).push(theirs(fix.credential.name));
        const r = await applyAzureFix(api, fix);
        assert.ok(!r.ok && r.step === 'precondition', JSON.stringify(r));
        assert.match(r.message, /^Create federated credential "fic-payments-api-sa" on id-payments-api was not made: a credential named "fic-payments-api-sa" was created by someone else \(issuer https:\/\/oidc\.other\.example\/, subject system:serviceaccount:other:someone, audiences api:\/\/AzureADTokenExchange, created 2026-01-02T03:04:05/);
        assert.deepEqual(cloud.requests().filter((x) => x.method === 'PUT'), []);
      } finally {
        await cloud.stop();
      }
    });

    it('created between our re-read and our PUT: If-None-Match: * makes Azure refuse (412); what is there is shown, and it is theirs still', async () => {
      const { cloud, identity, fix, api, applyAzureFix } = await createFix();
      try {
        // Someone else's write lands after our read, just before ours is carried out.
        cloud.arm.setBeforeFicWrite((_id, name, fics) => {
          if (name === fix.credential.name && !fics.some((f) => f.name === name)) fics.push(theirs(name));
        });
        const r = await applyAzureFix(api, fix);
        assert.ok(!r.ok && r.step === 'precondition', JSON.stringify(r));
        assert.match(r.message, /was not made: a credential named "fic-payments-api-sa" was created by someone else \(issuer https:\/\/oidc\.other\.example\/, subject system:serviceaccount:other:someone, .*\) while it was being written \(Azure answered 412 PreconditionFailed\); nothing was replaced\. Run the diagnosis again to see it as it is now\.$/);
        assert.equal(r.found?.subject, 'system:serviceaccount:other:someone', 'what is there is returned');
        const stored = cloud.state.ficsOf(identity).filter((f) => f.name === fix.credential.name);
        assert.deepEqual(stored.map((f) => f.subject), ['system:serviceaccount:other:someone'], 'never replaced');
        assert.deepEqual(cloud.requests().filter((x) => x.method === 'PUT').map((x) => x.status), [412]);
      } finally {
        await cloud.stop();
      }
    });

    it('a correction whose credential is deleted between our re-read and our PUT: If-Match: * keeps it from being re-created', async () => {
      const { byId, cloud } = await diagnoseCloud({ scenario: 'fic-trailing-slash' });
      const fix = byId['federated-credential'].remediation.find((r) => r.azureFix)!.azureFix!;
      assert.equal(fix.id, 'update-federated-credential');
      const identity = cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!;
      cloud.arm.setBeforeFicWrite((_id, name, fics) => {
        const i = fics.findIndex((f) => f.name === name);
        if (i >= 0) fics.splice(i, 1);
      });
      const { azureProvider } = await import('../../../src/azure/provider');
      const { applyAzureFix } = await import('../../../src/checkpoints/apply-azure-fix');
      const p = await azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'x' })();
      assert.ok('api' in p);
      const r = await applyAzureFix(p.api, fix);
      cloud.arm.setBeforeFicWrite(undefined);
      assert.ok(!r.ok && r.step === 'precondition', JSON.stringify(r));
      assert.match(r.message, /was not made: credential "aks-prod-payments-api-sa" was deleted while it was being written \(Azure answered 412 PreconditionFailed\); nothing was replaced/);
      assert.equal(r.found, null);
      assert.deepEqual(cloud.state.ficsOf(identity).map((f) => f.name), [], 'not re-created');
    });
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

  it('a 403 names the action and scope Azure refused, and never advises a role you already hold', async () => {
    const action = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read';
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy', forbid: [{ service: 'arm', action }] as never });
    const c = byId['federated-credential'];
    assert.equal(c.status, 'warn');
    assert.ok(c.fault?.includes(action), c.fault);
    // The signed-in principal holds Reader on the subscription (*/read grants the action): the refusal is not about a missing role.
    assert.match(c.remediation[0]!.text, new RegExp(`^You already hold Reader at /subscriptions/\\S+, which grants ${action.replace(/\//g, '\\/')}: the refusal comes from a deny assignment`));
    assert.ok(!c.remediation.some((r) => /Ask for/.test(r.text)), JSON.stringify(c.remediation));
  });
});
