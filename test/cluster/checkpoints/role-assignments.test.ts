import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnoseCloud, evidence } from './harness';

describe('role-assignments', () => {
  it('lists the roles and finds a data-plane role on every resource the workload calls', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'azure-healthy' });
    const c = byId['role-assignments'];
    assert.equal(c.status, 'pass', c.summary);
    assert.ok(evidence(c).some((e) => /^ok Key Vault kv-prod: Key Vault Secrets User at /.test(e)), evidence(c).join('\n'));
  });

  it('names the missing data-plane role on the Key Vault the pod uses, with the az command', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'no-keyvault-role' });
    const c = byId['role-assignments'];
    assert.equal(c.status, 'fail');
    assert.ok(evidence(c).some((e) => /^fail Key Vault kv-prod: used \(env AZURE_KEYVAULT_URL of container api\); no data-plane role covers it \(roles through an Entra group are not seen\)$/.test(e)), evidence(c).join('\n'));
  });

  it('warns on Owner at subscription scope', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'owner-at-subscription' });
    assert.equal(byId['role-assignments'].status, 'warn');
    assert.match(byId['role-assignments'].summary, /^Owner at subscription \S+ is far more than a workload needs\.$/);
  });

  it('an app registration: its service principal\'s roles are not checked, said so', async () => {
    const { byId } = await diagnoseCloud({ scenario: 'app-registration' });
    assert.equal(byId['role-assignments'].status, 'skipped');
    assert.match(byId['role-assignments'].summary, /app registration/);
  });
});
