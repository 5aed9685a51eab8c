import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESO_STORE_NOT_READY, ISSUER_NOT_READY, KEDA_OPERATOR_UNLABELLED, SPC_HEALTHY, spcWrongSubjectScenario } from '../../fake-kube/scenarios-consumers';
import { diagnoseConsumer, evidence } from './harness';

const SPC = { kind: 'SecretProviderClass', namespace: 'web', name: 'kv-secrets' } as const;

describe('consumer-status', () => {
  it('a SecretProviderClass that mounts: no FailedMount event', async () => {
    const { byId } = await diagnoseConsumer({ scenario: SPC_HEALTHY }, SPC);
    assert.equal(byId['consumer-status'].status, 'pass');
    assert.match(byId['consumer-status'].summary, /^No FailedMount event for the 2 pods that mount kv-secrets in namespace web/);
  });

  it('the FailedMount events of the pods that mount it, the Entra code explained even when the kubelet\'s timeout is newer', async () => {
    const { byId } = await diagnoseConsumer({ scenario: spcWrongSubjectScenario({ volume: 'kv', timeoutNewest: true }) }, SPC);
    const c = byId['consumer-status'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^The CSI driver fails to mount kv-secrets in namespace web: MountVolume\.SetUp failed for volume "kv" : … AADSTS70021: No matching federated identity record found/);
    assert.ok(evidence(c).some((e) => e.startsWith('fail AADSTS70021: ')), evidence(c).join('\n'));
  });

  it('an External Secrets store: its Ready condition, and the Entra code from its Warning event', async () => {
    const { byId } = await diagnoseConsumer({ scenario: ESO_STORE_NOT_READY }, { kind: 'ClusterSecretStore', namespace: undefined, name: 'shared' });
    const c = byId['consumer-status'];
    assert.equal(c.status, 'fail');
    assert.equal(c.summary, 'ClusterSecretStore shared is not Ready: unable to create client');
    assert.ok(evidence(c).some((e) => e.startsWith('fail AADSTS70021: ')), evidence(c).join('\n'));
  });

  it('a cert-manager issuer: its failing ACME challenge, not its Ready (which is about the ACME account)', async () => {
    const { byId } = await diagnoseConsumer({ scenario: ISSUER_NOT_READY }, { kind: 'ClusterIssuer', namespace: undefined, name: 'letsencrypt' });
    const c = byId['consumer-status'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^1 ACME challenge of ClusterIssuer letsencrypt fails: authentication failed/);
    const ev = evidence(c);
    assert.ok(ev.includes('ok Ready: True (ACMEAccountRegistered) — about the ACME account, not DNS-01'), ev.join('\n'));
    assert.ok(ev.some((e) => e.startsWith('info Entra: ')), ev.join('\n'));
  });

  it('KEDA keeps no status: skipped, pointing at the operator\'s logs', async () => {
    const { byId } = await diagnoseConsumer({ scenario: KEDA_OPERATOR_UNLABELLED }, { kind: 'TriggerAuthentication', namespace: 'app', name: 'queue-auth' });
    assert.equal(byId['consumer-status'].status, 'skipped');
    assert.match(byId['consumer-status'].summary, /KEDA keeps no status on a TriggerAuthentication/);
  });
});
