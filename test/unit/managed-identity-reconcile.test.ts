// managed-identity's reconcile step on its own: what Entra's answer to the token exchange proves
// about an identity nobody could see (src/checkpoints/managed-identity.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiagnoseContext } from '../../src/checkpoints/context';
import { managedIdentity } from '../../src/checkpoints/managed-identity';
import { notChecked } from '../../src/checkpoints/outcomes';
import type { CheckpointResult } from '../../src/checkpoints/types';

const CLIENT = '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f';
const TENANT = '72f988bf-0000-0000-0000-000000000000';
const own: CheckpointResult = { id: 'managed-identity', title: 'Managed identity', durationMs: 1, ...notChecked(`No managed identity or app registration with client ID ${CLIENT} is visible to you.`) };

function reconcileWith(exchange: { accepted: boolean; aadsts?: string; transient?: boolean } | undefined) {
  const ctx = { state: { clientId: CLIENT, identityNotVisible: true, ...(exchange ? { exchange: { tenant: TENANT, ...exchange } } : {}) }, target: { namespace: 'payments' }, cluster: { identity: { context: 'x' } } } as unknown as DiagnoseContext;
  return managedIdentity.reconcile!(own, ctx);
}

describe('managed-identity: reconciled with the token exchange', () => {
  it('AADSTS700016: a verdict (fail); AADSTS90002: a verdict about the tenant', () => {
    const r = reconcileWith({ accepted: false, aadsts: 'AADSTS700016' });
    assert.equal(r?.status, 'fail');
    assert.match(r!.summary, /Entra confirms that tenant \S+ has none \(AADSTS700016\)/);
    const t = reconcileWith({ accepted: false, aadsts: 'AADSTS90002' });
    assert.equal(t?.status, 'fail');
    assert.match(t!.summary, /tenant \S+ does not exist in Entra \(AADSTS90002\): the pods' AZURE_TENANT_ID/);
  });

  it('a token, or a refusal after the client lookup (AADSTS700213), proves the identity exists: not checked, never "deleted"', () => {
    for (const x of [{ accepted: true }, { accepted: false, aadsts: 'AADSTS700213' }]) {
      const r = reconcileWith(x);
      assert.equal(r?.status, 'warn');
      assert.match(r!.fault ?? '', /^Client ID \S+ exists in tenant \S+ \(Entra /);
      assert.doesNotMatch(JSON.stringify(r), /deleted/);
    }
  });

  it('a refusal of the request itself, an outage, or no exchange prove nothing: the result stays as it was', () => {
    assert.equal(reconcileWith({ accepted: false, aadsts: 'AADSTS900144' }), undefined);
    assert.equal(reconcileWith({ accepted: false, aadsts: 'AADSTS90033', transient: true }), undefined);
    assert.equal(reconcileWith(undefined), undefined);
  });
});
