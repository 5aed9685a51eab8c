import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseCloud } from './harness';

describe('token-exchange', () => {
  it('proves the chain with a real exchange; the access token goes nowhere', async () => {
    const { byId, diagnosis, cloud } = await diagnoseCloud({ scenario: 'azure-healthy' });
    assert.equal(byId['token-exchange'].status, 'pass');
    assert.ok(!JSON.stringify(diagnosis.report).match(/eyJ[A-Za-z0-9_-]{8,}\./));
    const exchange = cloud.requests().find((r) => r.service === 'entra' && JSON.stringify(r.body ?? {}).includes('client_assertion'));
    assert.ok(exchange, 'Entra saw a client-assertion grant');
    assert.equal(exchange.status, 200);
  });

  it('maps Entra\'s AADSTS code to its meaning and the checkpoint that explains it', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'fic-case' });
    const c = byId['token-exchange'];
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^Entra ID refused the exchange with AADSTS7002138: the subject matches a federated credential only case-insensitively\.$/);
    assert.ok(c.evidence.some((e) => e.label === 'AADSTS7002138' && e.value.endsWith('→ see "Federated credential"')));
  });

  it('asks first when the setting is ask: no answer, no exchange; yes, exchange', async () => {
    const asked: string[] = [];
    const no = await diagnoseCloud({ scenario: 'azure-healthy' }, { tokenExchange: 'ask', confirmTokenExchange: async (w) => (asked.push(w), false) });
    assert.equal(no.byId['token-exchange'].status, 'skipped');
    assert.match(asked[0]!, /^Exchange a token of ServiceAccount payments\/api-sa at Microsoft Entra ID \(tenant \S+, client 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f\)/);
    const yes = await diagnoseCloud({ scenario: 'azure-healthy' }, { tokenExchange: 'ask', confirmTokenExchange: async () => true });
    assert.equal(yes.byId['token-exchange'].status, 'pass');
    const never = await diagnoseCloud({ scenario: 'azure-healthy' }, { tokenExchange: 'never' });
    assert.equal(never.byId['token-exchange'].status, 'skipped');
  });
});
