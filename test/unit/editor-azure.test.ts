// The plain-data half of the editor's Azure features: which VS Code authentication provider and
// scopes a cloud and tenant need, and the minimal edit "Pick a managed identity from Azure" makes
// to a ServiceAccount (replace in its own quoting, or insert, creating metadata.annotations), and
// the rows every managed-identity picker shows (the manifest's, and the client-ID fix's).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManagedIdentity } from '../../src/azure/types';
import { clientIdRange, serviceAccountAt, setClientIdEdits, touchesClientId } from '../../src/editor/azure/client-id-edit';
import { identityItems } from '../../src/editor/azure/identity-items';
import { authProviderFor, providerMismatch, sessionScopes, tokenExpiry, validateTenant } from '../../src/editor/azure/sessions';
import { parseManifestFile } from '../../src/manifests/document';
import { applyEdits } from '../../src/manifests/text';

const ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('sessions', () => {
  it('uses the microsoft provider for the public cloud and the sovereign one otherwise', () => {
    assert.deepEqual(authProviderFor('AzureCloud'), { id: 'microsoft' });
    assert.deepEqual(authProviderFor('AzureUSGovernment'), { id: 'microsoft-sovereign-cloud', environment: 'USGovernment' });
    assert.deepEqual(authProviderFor('AzureChinaCloud'), { id: 'microsoft-sovereign-cloud', environment: 'ChinaCloud' });
    assert.equal(providerMismatch('AzureCloud', undefined), undefined);
    assert.equal(providerMismatch('AzureChinaCloud', 'ChinaCloud'), undefined);
    assert.match(providerMismatch('AzureUSGovernment', undefined) ?? '', /`microsoft-sovereign-cloud\.environment` set to "USGovernment" \(it is not set\)/);
    assert.match(providerMismatch('AzureUSGovernment', 'ChinaCloud') ?? '', /\(it is "ChinaCloud"\)/);
  });

  it('adds the tenant as a VSCODE_TENANT scope', () => {
    assert.deepEqual(sessionScopes('https://management.azure.com/.default'), ['https://management.azure.com/.default']);
    assert.deepEqual(sessionScopes(['https://graph.microsoft.com/.default'], ' contoso.onmicrosoft.com '), ['https://graph.microsoft.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com']);
  });

  it('accepts a tenant ID or a domain, and explains anything else', () => {
    assert.deepEqual(validateTenant(''), {});
    assert.deepEqual(validateTenant(ID), { tenant: ID });
    assert.deepEqual(validateTenant('contoso.onmicrosoft.com'), { tenant: 'contoso.onmicrosoft.com' });
    assert.match(validateTenant('not a tenant').problem ?? '', /neither a tenant ID/);
  });

  it("reads a token's expiry from its exp claim", () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    assert.equal(tokenExpiry(`${b64({ alg: 'none' })}.${b64({ exp: 2_000_000_000 })}.c2ln`, 0), 2_000_000_000_000);
    assert.equal(tokenExpiry('opaque', 1000), 1000 + 5 * 60_000);
  });
});

describe('setClientIdEdits', () => {
  const fill = (text: string, line: number) => {
    const file = parseManifestFile('file:///sa.yaml', text);
    const sa = serviceAccountAt(file, { line, character: 2 });
    assert.ok(sa, 'a ServiceAccount at the position');
    return applyEdits(text, setClientIdEdits(sa, ID));
  };

  it('inserts the annotation, creating metadata.annotations, and keeps comments', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa # the app\n  namespace: payments\n';
    assert.equal(fill(text, 3), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa # the app\n  namespace: payments\n  annotations:\n    azure.workload.identity/client-id: "${ID}"\n`);
  });

  it('adds to existing annotations, and replaces a wrong value in its own quoting', () => {
    const text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    other: 'x'\n";
    assert.equal(fill(text, 3), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    other: 'x'\n    azure.workload.identity/client-id: '${ID}'\n`);
    const wrong = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client-id: 'nope' # set me\n";
    assert.equal(fill(wrong, 5), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client-id: '${ID}' # set me\n`);
    const empty = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client-id:\n';
    assert.equal(fill(empty, 5), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client-id: ${ID}\n`);
  });

  it('finds the ServiceAccount of a multi-document file by position, and knows its client-id range', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n  annotations:\n    azure.workload.identity/tenant-id: x\n    azure.workload.identity/client-id: y\n`;
    const file = parseManifestFile('file:///m.yaml', text);
    assert.equal(serviceAccountAt(file, { line: 2, character: 0 }), undefined);
    const sa = serviceAccountAt(file, { line: 8, character: 8 });
    assert.equal(sa?.name, 'b');
    assert.deepEqual(clientIdRange(sa!), { start: { line: 11, character: 4 }, end: { line: 11, character: 40 } });
    assert.equal(touchesClientId(sa!, { start: { line: 10, character: 39 }, end: { line: 10, character: 40 } }), false);
    assert.equal(touchesClientId(sa!, { start: { line: 11, character: 38 }, end: { line: 11, character: 39 } }), true);
  });
});

describe('identity rows (identityItems)', () => {
  const identity = (name: string, resourceGroup: string, clientId: string): ManagedIdentity => ({ id: `/subscriptions/s/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`, name, resourceGroup, subscriptionId: 's', tenantId: 't', clientId, principalId: 'p' });
  const all = [identity('id-b', 'rg-1', 'b0000000-0000-4000-8000-000000000000'), identity('id-a', 'rg-2', 'a0000000-0000-4000-8000-000000000000'), identity('id-a', 'rg-1', 'c0000000-0000-4000-8000-000000000000')];

  it('by name then resource group, each saying where it is and its client ID', () => {
    const rows = identityItems(all);
    assert.deepEqual(rows.map((r) => `${r.label} ${r.description} | ${r.detail}`), [
      'id-a resource group rg-1 · subscription s | client ID c0000000-0000-4000-8000-000000000000',
      'id-a resource group rg-2 · subscription s | client ID a0000000-0000-4000-8000-000000000000',
      'id-b resource group rg-1 · subscription s | client ID b0000000-0000-4000-8000-000000000000',
    ]);
    assert.equal(rows[0]!.identity, all[2]);
  });

  it('the client ID already known (found in a misspelt annotation) first, whatever its letter case', () => {
    assert.deepEqual(identityItems(all, 'B0000000-0000-4000-8000-000000000000').map((r) => r.identity.clientId[0]), ['b', 'c', 'a']);
  });
});
