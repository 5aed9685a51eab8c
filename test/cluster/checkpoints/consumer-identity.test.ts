import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESO_STORE_NOT_READY, KEDA_OPERATOR_UNLABELLED, SPC_HEALTHY } from '../../fake-kube/scenarios-consumers';
import { diagnoseConsumer, evidence } from './harness';

describe('consumer-identity', () => {
  it('a SecretProviderClass: the mounting pods\' ServiceAccount, no label needed, the client ID the class names', async () => {
    const { byId } = await diagnoseConsumer({ scenario: SPC_HEALTHY }, { kind: 'SecretProviderClass', namespace: 'web', name: 'kv-secrets' });
    const c = byId['consumer-identity'];
    assert.equal(c.status, 'pass');
    assert.equal(c.summary, 'SecretProviderClass kv-secrets authenticates as the ServiceAccount web of the pods that mount it (namespace web).');
    const ev = evidence(c);
    assert.ok(ev.includes('ok token of: ServiceAccount web/web (subject system:serviceaccount:web:web)'), ev.join('\n'));
    assert.ok(ev.includes("info label needed: on no pod: the CSI driver requests the mounting pod's token itself"), ev.join('\n'));
    assert.ok(ev.some((e) => e.startsWith('ok client ID: ') && e.endsWith('(spec.parameters.clientID)')), ev.join('\n'));
    assert.ok(ev.includes('info Key Vault: kv-prod'), ev.join('\n'));
    // The webhook's part is not run: no pod needs the label.
    assert.equal(byId['pod-label'], undefined);
  });

  it('a KEDA TriggerAuthentication: the operator\'s ServiceAccount, whose pod needs the label', async () => {
    const { byId } = await diagnoseConsumer({ scenario: KEDA_OPERATOR_UNLABELLED }, { kind: 'TriggerAuthentication', namespace: 'app', name: 'queue-auth' });
    const c = byId['consumer-identity'];
    assert.equal(c.status, 'pass');
    assert.match(c.summary, /^TriggerAuthentication queue-auth authenticates as the KEDA operator: ServiceAccount keda-operator in keda, whose pod must carry/);
    assert.ok(evidence(c).includes('info label needed: on the pods of deployment/keda-operator'));
    assert.equal(byId['pod-label'].status, 'fail');
  });

  it('a store with a serviceAccountRef: that ServiceAccount alone carries the chain (the operator requests its token); no label needed', async () => {
    const { resolution, byId } = await diagnoseConsumer({ scenario: ESO_STORE_NOT_READY }, { kind: 'SecretStore', namespace: 'team-a', name: 'vault' });
    assert.equal(resolution.ok, true);
    assert.deepEqual(resolution.ok && resolution.target.carrier, { namespace: 'team-a', kind: 'ServiceAccount', name: 'eso-sa' });
    const c = byId['consumer-identity'];
    assert.equal(c.status, 'pass');
    const ev = evidence(c);
    assert.ok(ev.includes('info label needed: on no pod: its controller requests the token of ServiceAccount eso-sa itself'), ev.join('\n'));
    assert.equal(byId['pod-label'], undefined);
    assert.equal(byId['service-account'].status, 'pass');
  });
});
