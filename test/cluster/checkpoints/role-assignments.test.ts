// role-assignments against the fake cloud: access judged by the permissions of role definitions
// (built-in ones with their real permission sets, custom ones, unreadable ones), scopes up to
// management groups, the two Key Vault permission models, storage without shared keys, Event Hubs
// and Cosmos DB endpoints (scenarios-rbac.ts) — and the few Resource Graph requests it takes.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AzureClient } from '../../../src/azure/client';
import type { CheckpointResult } from '../../../src/checkpoints/types';
import { startFakeCloud, type FakeCloud } from '../../fake-azure/cloud';
import { getAzureScenario, IDENTITY_ID, KEYVAULT_ID, RESOURCE_GROUP, SUBSCRIPTION_ID, TENANT_ID, TEST_PRINCIPAL, base, paymentsIdentity } from '../../fake-azure/scenarios';
import { diagnoseCloud, evidence } from './harness';

const SUB = `/subscriptions/${SUBSCRIPTION_ID}`;
const RG = `${SUB}/resourceGroups/${RESOURCE_GROUP}`;

async function roleCheck(name: string): Promise<{ c: CheckpointResult; lines: string[]; cloud: FakeCloud }> {
  // A scenario's kubeObjects (the workloads of Event Hubs and Cosmos DB name other endpoints) are loaded by startFakeCloud.
  const { byId, cloud } = await diagnoseCloud({ scenario: name });
  const c = byId['role-assignments'];
  return { c, lines: evidence(c), cloud };
}

const has = (lines: string[], re: RegExp): void => assert.ok(lines.some((l) => re.test(l)), `no evidence like ${re}\n${lines.join('\n')}`);

/** The Resource Graph requests of a run, as the product sent them. */
const graphQueries = (cloud: FakeCloud) => cloud.requests().filter((r) => r.service === 'resourcegraph').map((r) => r.body as { query: string; options?: Record<string, unknown> });

describe('role-assignments', () => {
  it('passes with data roles on every resource the workload calls, saying per object type what is granted', async () => {
    const { c, lines } = await roleCheck('azure-healthy');
    assert.equal(c.status, 'pass', c.summary);
    assert.equal(c.summary, 'id-payments-api has 2 role assignments, and may use every Azure resource the workload is configured to call.');
    has(lines, /^ok Key Vault kv-prod: read secrets granted by Key Vault Secrets User at kv-prod; read keys and read certificates not granted$/);
    has(lines, /^ok storage account \(blobs\) stpaymentsprod: read blobs granted by Storage Blob Data Reader at stpaymentsprod; write blobs not granted$/);
  });

  it('Reader grants no data actions: the missing data role is named, with the command', async () => {
    const { c, lines } = await roleCheck('no-keyvault-role');
    assert.equal(c.status, 'fail');
    has(lines, /^fail Key Vault kv-prod: used \(env AZURE_KEYVAULT_URL of container api\); no role assignment grants read secrets, read keys or read certificates \(roles through an Entra group are not seen\)$/);
    has(lines, /^info Reader: at resource group rg-payments: grants no data actions \(management plane only\): Azure answers 403 to the workload's data requests$/);
    assert.ok(c.remediation.some((r) => r.command === `az role assignment create --role 'Key Vault Secrets User' --assignee-object-id b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70 --assignee-principal-type ServicePrincipal --scope ${KEYVAULT_ID}`));
  });

  it('warns on Owner at subscription scope: it changes every resource and grants any role', async () => {
    const { c, lines } = await roleCheck('owner-at-subscription');
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /^Owner at subscription \S+ is far more than a workload needs\.$/);
    has(lines, new RegExp(`^warn Owner: ${SUB} — can change every resource there and grant any role$`));
  });

  it("an app registration: its service principal's role assignments are not checked, said so", async () => {
    const { c } = await roleCheck('app-registration');
    assert.equal(c.status, 'skipped');
    assert.match(c.summary, /app registration/);
  });

  it('Storage Account Contributor grants no blob data; its listKeys is Shared Key, which the account refuses', async () => {
    const { c, lines } = await roleCheck('storage-account-contributor');
    assert.equal(c.status, 'fail');
    has(lines, /^info Storage Account Contributor: at stpaymentsprod: grants no data actions \(management plane only\): Azure answers 403 to the workload's data requests; it can list the account keys, which work only through Shared Key, and this account refuses Shared Key$/);
    has(lines, /^info storage account \(blobs\) stpaymentsprod: shared keys are disabled \(allowSharedKeyAccess false\): Microsoft Entra ID with a data role is the only way in$/);
    has(lines, /^ok Key Vault kv-prod: read secrets granted by Key Vault Secrets User at kv-prod/);
  });

  it('Contributor at the resource group: fails for data and warns as broad, judged by permissions', async () => {
    const { c, lines } = await roleCheck('contributor-at-resource-group');
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /Also: Contributor at resource group rg-payments is far more than a workload needs\.$/);
    has(lines, new RegExp(`^warn Contributor: ${RG} — can change every resource there$`));
  });

  it('a custom role with the blob read data action covers the account; one with Actions * at the subscription is broad', async () => {
    const reader = await roleCheck('custom-role-blob-reader');
    assert.equal(reader.c.status, 'pass', reader.c.summary);
    has(reader.lines, /^ok storage account \(blobs\) stpaymentsprod: read blobs granted by Payments Blob Reader at stpaymentsprod; write blobs not granted$/);
    const wide = await roleCheck('custom-wildcard-at-subscription');
    assert.equal(wide.c.status, 'warn');
    assert.equal(wide.c.summary, `Platform Operator at subscription ${SUBSCRIPTION_ID} is far more than a workload needs.`);
  });

  it('a definition that cannot be read: "may cover (not verified)", naming the role and ARM\'s refusal', async () => {
    const { c, lines } = await roleCheck('custom-role-unreadable');
    // Not checked (a fault: your access to the definition), never passed or failed.
    assert.equal(c.status, 'warn');
    assert.equal(c.fault, 'Role c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f at stpaymentsprod may cover storage account (blobs) stpaymentsprod (not verified: its definition could not be read).');
    has(lines, /^warn storage account \(blobs\) stpaymentsprod: role c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f at stpaymentsprod may cover it \(not verified\): its role definition could not be read: Resource Graph does not list it and ARM refused to read it \(403 AuthorizationFailed: you lack Microsoft\.Authorization\/roleDefinitions\/read over \/subscriptions\/\S+\/providers\/Microsoft\.Authorization\/roleDefinitions\/c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f\)$/);
  });

  it('a data role at a management group above the subscription covers the account; inherited assignments are asked for', async () => {
    const { c, lines, cloud } = await roleCheck('data-role-at-management-group');
    assert.equal(c.status, 'pass', c.summary);
    has(lines, /^ok storage account \(blobs\) stpaymentsprod: read blobs granted by Storage Blob Data Reader at management group mg-contoso; write blobs not granted$/);
    const assignmentsQuery = graphQueries(cloud).find((b) => b.query.includes("principalId) =~ 'b7d4c9e2"));
    assert.equal(assignmentsQuery?.options?.authorizationScopeFilter, 'AtScopeAboveAndBelow');
  });

  it('Key Vault with access policies: its RBAC data role is reported ignored, and set-policy is the way', async () => {
    const { c, lines } = await roleCheck('keyvault-access-policy-rbac-role');
    assert.equal(c.status, 'fail');
    has(lines, /^info Key Vault kv-prod: uses access policies \(enableRbacAuthorization false\): Azure RBAC data roles do not apply to its secrets, keys and certificates$/);
    has(lines, /^info Key Vault kv-prod: Key Vault Secrets User at kv-prod is ignored: the vault uses access policies$/);
    has(lines, /^fail Key Vault kv-prod: used \(env AZURE_KEYVAULT_URL of container api\); no access policy gives id-payments-api \(object ID b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70\) get on secrets, keys or certificates$/);
    assert.ok(!c.remediation.some((r) => r.command?.includes('role assignment create') && r.command.includes('KeyVault')), 'never a role for an access-policy vault');
  });

  it('Key Vault with access policies and a get/list policy on secrets: passes by the policy', async () => {
    const { c, lines } = await roleCheck('keyvault-access-policy');
    assert.equal(c.status, 'pass', c.summary);
    has(lines, /^ok Key Vault kv-prod: its access policy for id-payments-api grants secrets \(get, list\); no get on keys and certificates$/);
  });

  it('Key Vault with Azure RBAC and only an access policy: fails, the policy reported ignored', async () => {
    const { c, lines } = await roleCheck('keyvault-rbac-access-policy-only');
    assert.equal(c.status, 'fail');
    has(lines, /^info Key Vault kv-prod: the access policy for id-payments-api is ignored: the vault uses Azure RBAC \(enableRbacAuthorization true\)$/);
  });

  it('NotDataActions that remove getSecret leave the vault unreadable, and say so', async () => {
    const { c, lines } = await roleCheck('not-data-actions-no-read');
    assert.equal(c.status, 'fail');
    has(lines, /^info Key Vault Secret Metadata Manager: at kv-prod: its NotDataActions exclude Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action$/);
  });

  it('no role on a storage account without shared keys: the failure says a data role is the only way in', async () => {
    const { c } = await roleCheck('storage-shared-key-disabled');
    assert.equal(c.status, 'fail');
    assert.ok(c.remediation.some((r) => /the account refuses shared keys, so this is the only way in/.test(r.text)), JSON.stringify(c.remediation));
  });

  it('Event Hubs behind <ns>.servicebus.windows.net: found among both types; send granted, receive not', async () => {
    const { c, lines, cloud } = await roleCheck('eventhubs-sender');
    assert.equal(c.status, 'pass', c.summary);
    has(lines, /^ok Event Hubs namespace evh-payments-prod: send granted by Azure Event Hubs Data Sender at evh-payments-prod; receive not granted$/);
    const resources = graphQueries(cloud).find((b) => b.query.startsWith('Resources | where') && b.query.includes('evh-payments-prod'))!;
    assert.ok(resources.query.includes("type =~ 'microsoft.servicebus/namespaces' and name in~ ('evh-payments-prod')") && resources.query.includes("type =~ 'microsoft.eventhub/namespaces' and name in~ ('evh-payments-prod')"));
  });

  it('Cosmos DB: its own data-plane role assignments are named, never guessed', async () => {
    const { c, lines } = await roleCheck('cosmos-endpoint');
    assert.equal(c.status, 'pass', c.summary);
    has(lines, /^info Cosmos DB account cosmos-payments-prod: Cosmos DB's data plane is authorised by its own SQL role assignments, not by Azure RBAC roles: not checked here \(az cosmosdb sql role assignment list --account-name cosmos-payments-prod --resource-group rg-payments\)$/);
    has(lines, /^info Cosmos DB account cosmos-payments-prod: account keys are disabled/);
  });

  it('few requests: assignments, definitions, resources — one Resource Graph query each, no ARM read when all definitions are listed', async () => {
    const { cloud } = await roleCheck('data-role-at-management-group');
    const mine = graphQueries(cloud).filter((b) => /AuthorizationResources|\| join kind=leftouter/.test(b.query));
    assert.deepEqual(mine.map((b) => b.query.split(' | ')[0] + (b.query.includes('roledefinitions') ? ' (definitions)' : b.query.includes('roleassignments') ? ' (assignments)' : ' (resources)')), ['AuthorizationResources (assignments)', 'AuthorizationResources (definitions)', 'Resources (resources)']);
    assert.deepEqual(cloud.requests().filter((r) => r.service === 'arm' && /roleDefinitions/i.test(r.path)), []);
  });

  it('definitions Resource Graph does not list are read from ARM', async () => {
    const { byId, cloud } = await diagnoseCloud({ scenario: 'azure-healthy', forbid: [{ service: 'resourcegraph', action: 'Microsoft.Authorization/roleDefinitions/read' }] });
    assert.equal(byId['role-assignments'].status, 'pass', byId['role-assignments'].summary);
    assert.equal(cloud.requests().filter((r) => r.service === 'arm' && /roleDefinitions\//i.test(r.path)).length, 2);
  });
});

describe('the roles you hold (heldRolesGranting), for the wording of a 403', () => {
  const clouds: FakeCloud[] = [];
  after(async () => {
    await Promise.all(clouds.map((c) => c.stop()));
  });
  async function client(scenario: Parameters<typeof startFakeCloud>[0]): Promise<{ azure: AzureClient; cloud: FakeCloud }> {
    const cloud = await startFakeCloud(scenario);
    clouds.push(cloud);
    return { cloud, azure: new AzureClient({ endpoints: cloud.endpoints, credential: cloud.signIn(), timeoutMs: 5000, account: { tenantId: TENANT_ID, objectId: TEST_PRINCIPAL.objectId } }) };
  }

  it('names the roles at or above the scope whose permissions grant the action, and none that do not', async () => {
    const { azure, cloud } = await client({ scenario: 'azure-healthy' });
    const read = await azure.heldRolesGranting('Microsoft.Resources/subscriptions/resourceGroups/read', RG);
    assert.deepEqual(read.ok && read.value, [{ roleName: 'Reader', scope: SUB }, { roleName: 'Managed Identity Contributor', scope: RG }]);
    const write = await azure.heldRolesGranting('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write', `${IDENTITY_ID}/federatedIdentityCredentials/x`);
    assert.deepEqual(write.ok && write.value, [{ roleName: 'Managed Identity Contributor', scope: RG }]);
    const assign = await azure.heldRolesGranting('Microsoft.Authorization/roleAssignments/write', RG);
    assert.deepEqual(assign.ok && assign.value, []);
    assert.equal(graphQueries(cloud).filter((b) => b.query.startsWith('ResourceContainers')).length, 0, 'no ancestry query without a role at a management group');
  });

  it('a role held at a management group above the subscription counts; its ancestry is read then, once', async () => {
    const { azure, cloud } = await client({
      scenario: {
        ...getAzureScenario('azure-healthy'),
        name: 'held-at-management-group',
        build: (c) => {
          base(c);
          paymentsIdentity(c);
          c.state.addManagementGroup({ name: 'mg-platform', tenantId: TENANT_ID });
          c.state.placeSubscription(SUBSCRIPTION_ID, 'mg-platform');
          c.state.addRoleAssignment({ scope: '/providers/Microsoft.Management/managementGroups/mg-platform', principalId: TEST_PRINCIPAL.objectId, role: 'Contributor' });
        },
      },
    });
    const held = await azure.heldRolesGranting('Microsoft.KeyVault/vaults/write', KEYVAULT_ID);
    assert.deepEqual(held.ok && held.value, [{ roleName: 'Contributor', scope: '/providers/Microsoft.Management/managementGroups/mg-platform' }]);
    assert.equal(graphQueries(cloud).filter((b) => b.query.startsWith('ResourceContainers')).length, 1);
  });

  it('without the signed-in object ID it claims no role', async () => {
    const cloud = await startFakeCloud({ scenario: 'azure-healthy' });
    clouds.push(cloud);
    const azure = new AzureClient({ endpoints: cloud.endpoints, credential: cloud.signIn(), timeoutMs: 5000 });
    const r = await azure.heldRolesGranting('Microsoft.Resources/subscriptions/resourceGroups/read', RG);
    assert.deepEqual(r.ok && r.value, []);
  });
});
