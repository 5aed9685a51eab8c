// Azure RBAC evaluation (src/azure/permissions.ts) against the real built-in roles the fake cloud
// serves (test/fake-azure/roles.ts, copied from Microsoft's built-in roles pages): wildcards,
// NotActions and NotDataActions, the data plane versus the management plane, scopes up to
// management groups; Key Vault access policies; what each endpoint needs; ARM's 403 messages.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accessPolicyGrants, breadth, describeScope, evaluateNeeds, excludes, grants, hasDataActions, managementGroupsOf, operationMatches, policyAllows, scopeCovers, scopeLevel,
  type DataNeed,
} from '../../src/azure/permissions';
import { capabilities, dedupe, dnsZone, kedaResource, kedaServiceBus, kindOf, resourcesIn, TYPES } from '../../src/azure/resource-endpoints';
import { coverage } from '../../src/checkpoints/role-coverage';
import { parseAuthorizationFailed, toAzureFailure } from '../../src/azure/failures';
import { Queries } from '../../src/azure/queries';
import type { AzureResource, ManagedIdentity, RoleAssignment, RoleDefinition } from '../../src/azure/types';
import { BUILT_IN_ROLES, type RoleDefinition as FakeRole } from '../fake-azure/roles';

function def(r: FakeRole): RoleDefinition {
  return { id: `/providers/Microsoft.Authorization/roleDefinitions/${r.guid}`, roleName: r.roleName, type: r.type ?? 'BuiltInRole', permissions: [{ actions: r.actions, notActions: r.notActions ?? [], dataActions: r.dataActions ?? [], notDataActions: r.notDataActions ?? [] }] };
}
const role = (name: string): RoleDefinition => {
  const r = BUILT_IN_ROLES.find((x) => x.roleName === name);
  if (!r) throw new Error(`no built-in role ${name} in the fake`);
  return def(r);
};
const custom = (roleName: string, p: Partial<RoleDefinition['permissions'][number]>): RoleDefinition => ({ id: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${roleName}`, roleName, type: 'CustomRole', permissions: [{ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p }] });

const SUB = '/subscriptions/00000000-1111-2222-3333-444444444444';
const RG = `${SUB}/resourceGroups/rg-payments`;
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-prod`;
const ST = `${RG}/providers/Microsoft.Storage/storageAccounts/stpaymentsprod`;
const MG = (n: string) => `/providers/Microsoft.Management/managementGroups/${n}`;
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const BLOB_READ = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
const assignment = (definition: RoleDefinition | undefined, scope: string, definitionError?: string): RoleAssignment => ({
  id: `${scope}/providers/Microsoft.Authorization/roleAssignments/x`, scope, roleDefinitionId: definition?.id ?? '/providers/Microsoft.Authorization/roleDefinitions/unknown', ...(definition ? { definition, roleName: definition.roleName } : {}), ...(definitionError ? { definitionError } : {}),
});

describe('permission strings', () => {
  it('match case-insensitively; * matches any run of characters, / included, and nothing else is a wildcard', () => {
    assert.ok(operationMatches('*', 'Microsoft.Compute/virtualMachines/write'));
    assert.ok(operationMatches('*/read', 'Microsoft.Storage/storageAccounts/read'));
    assert.ok(!operationMatches('*/read', 'Microsoft.Storage/storageAccounts/listKeys/action'));
    assert.ok(operationMatches('Microsoft.EventHub/*/send/action', 'Microsoft.EventHub/namespaces/messages/send/action'));
    assert.ok(operationMatches('microsoft.keyvault/VAULTS/secrets/*', GET_SECRET));
    assert.ok(operationMatches('Microsoft.CostManagement/*/query/*', 'Microsoft.CostManagement/exports/query/read'), 'several wildcards (the docs\' example; custom roles now refuse them)');
    assert.ok(!operationMatches('Microsoft.Storage/*', 'MicrosoftXStorage/storageAccounts/read'), 'a dot is a dot');
    assert.ok(!operationMatches('Microsoft.KeyVault/vaults/secrets/read', GET_SECRET));
  });
});

describe('role definitions: the real built-in permission sets', () => {
  it('management-plane roles grant no data action, however broad', () => {
    for (const name of ['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'Storage Account Contributor', 'Key Vault Contributor', 'Managed Identity Contributor']) {
      const d = role(name);
      assert.equal(hasDataActions(d), false, name);
      assert.equal(grants(d, GET_SECRET, 'data'), false, name);
      assert.equal(grants(d, BLOB_READ, 'data'), false, name);
    }
    assert.ok(grants(role('Owner'), 'Microsoft.KeyVault/vaults/write', 'control'));
  });

  it('NotActions subtract from Actions (case-insensitively) and do not deny what another role grants', () => {
    assert.equal(grants(role('Contributor'), 'Microsoft.Authorization/roleAssignments/write', 'control'), false);
    assert.equal(grants(role('Contributor'), 'Microsoft.Storage/storageAccounts/listKeys/action', 'control'), true);
    assert.equal(grants(role('Reader'), 'Microsoft.Storage/storageAccounts/listKeys/action', 'control'), false, 'listKeys is an action, not a read');
    assert.equal(grants(role('Key Vault Contributor'), 'Microsoft.KeyVault/managedHsms/write', 'control'), false);
    // NotDataActions are not a deny: another assignment that grants the action still grants it.
    const noRead = custom('Blob writer', { dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'], notDataActions: [BLOB_READ] });
    const read: DataNeed[] = [{ id: 'read', label: 'read blobs', anyOf: [[BLOB_READ]] }];
    assert.equal(evaluateNeeds([assignment(noRead, ST)], ST, read)[0]!.granted, false);
    assert.equal(evaluateNeeds([assignment(noRead, ST), assignment(role('Storage Blob Data Reader'), SUB)], ST, read)[0]!.granted, true);
  });

  it('Key Vault: Secrets User reads secret values; Reader reads metadata, keys and certificates but no secret value', () => {
    assert.ok(grants(role('Key Vault Secrets User'), GET_SECRET, 'data'));
    assert.ok(grants(role('Key Vault Secrets Officer'), GET_SECRET, 'data'));
    assert.ok(grants(role('Key Vault Administrator'), GET_SECRET, 'data'));
    const reader = role('Key Vault Reader');
    assert.equal(grants(reader, GET_SECRET, 'data'), false);
    assert.ok(grants(reader, 'Microsoft.KeyVault/vaults/keys/read', 'data'));
    assert.ok(grants(reader, 'Microsoft.KeyVault/vaults/certificates/read', 'data'));
    assert.ok(grants(role('Key Vault Certificate User'), GET_SECRET, 'data'), 'a certificate user reads the secret behind the certificate');
    assert.equal(grants(role('Key Vault Crypto User'), GET_SECRET, 'data'), false);
  });

  it('messaging and App Configuration: Sender sends, Receiver receives, Owner both', () => {
    const send = 'Microsoft.EventHub/namespaces/messages/send/action';
    const receive = 'Microsoft.EventHub/namespaces/messages/receive/action';
    assert.deepEqual([grants(role('Azure Event Hubs Data Sender'), send, 'data'), grants(role('Azure Event Hubs Data Sender'), receive, 'data')], [true, false]);
    assert.deepEqual([grants(role('Azure Event Hubs Data Receiver'), send, 'data'), grants(role('Azure Event Hubs Data Receiver'), receive, 'data')], [false, true]);
    assert.ok(grants(role('Azure Event Hubs Data Owner'), send, 'data') && grants(role('Azure Event Hubs Data Owner'), receive, 'data'));
    assert.equal(grants(role('Azure Service Bus Data Sender'), send, 'data'), false, 'a Service Bus role grants nothing on Event Hubs');
    assert.ok(grants(role('Azure Service Bus Data Sender'), 'Microsoft.ServiceBus/namespaces/messages/send/action', 'data'));
    const owner = role('App Configuration Data Owner');
    assert.ok(grants(owner, 'Microsoft.AppConfiguration/configurationStores/keyValues/read', 'data'));
    assert.ok(grants(owner, 'Microsoft.AppConfiguration/configurationStores/snapshots/archive/action', 'data'), '*/action spans segments');
    assert.ok(grants(role('App Configuration Data Reader'), 'Microsoft.AppConfiguration/configurationStores/keyValues/read', 'data'));
  });

  it('a custom role counts by its data actions minus its NotDataActions, whatever its name', () => {
    const reader = custom('Payments Blob Reader', { dataActions: [BLOB_READ] });
    assert.ok(grants(reader, BLOB_READ, 'data'));
    const noRead = custom('Secret Metadata', { dataActions: ['Microsoft.KeyVault/vaults/secrets/*'], notDataActions: [GET_SECRET] });
    assert.equal(grants(noRead, GET_SECRET, 'data'), false);
    assert.ok(grants(noRead, 'Microsoft.KeyVault/vaults/secrets/setSecret/action', 'data'));
    assert.ok(excludes(noRead, GET_SECRET, 'data'));
    const named = custom('Storage Blob Data Reader (copy)', { actions: ['Microsoft.Storage/*'] });
    assert.equal(grants(named, BLOB_READ, 'data'), false, 'a data-role name with management actions only reads nothing');
  });

  it('breadth by permissions: changes every provider, or grants roles', () => {
    assert.deepEqual(breadth(role('Owner')), { managesEverything: true, assignsRoles: true });
    assert.deepEqual(breadth(role('Contributor')), { managesEverything: true, assignsRoles: false });
    assert.deepEqual(breadth(role('User Access Administrator')), { managesEverything: false, assignsRoles: true });
    assert.deepEqual(breadth(role('Role Based Access Control Administrator')), { managesEverything: false, assignsRoles: true });
    assert.deepEqual(breadth(role('Reader')), { managesEverything: false, assignsRoles: false });
    assert.deepEqual(breadth(role('Storage Account Contributor')), { managesEverything: false, assignsRoles: false });
    assert.deepEqual(breadth(custom('Platform Operator', { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] })), { managesEverything: true, assignsRoles: false });
  });
});

describe('scopes', () => {
  it('an assignment applies at its scope and below, at a path boundary; management groups through the ancestry', () => {
    assert.ok(scopeCovers(ST, ST));
    assert.ok(scopeCovers(RG.toUpperCase(), ST));
    assert.ok(scopeCovers(`${SUB}/`, ST));
    assert.ok(!scopeCovers(`${SUB}/resourceGroups/rg-pay`, ST));
    assert.ok(!scopeCovers(KV, ST));
    assert.ok(scopeCovers('/', ST));
    assert.ok(scopeCovers(MG('mg-contoso'), ST, ['mg-contoso-prod', 'mg-contoso', 'tenant-root']));
    assert.ok(!scopeCovers(MG('mg-other'), ST, ['mg-contoso-prod', 'mg-contoso']));
    assert.ok(!scopeCovers(MG('mg-contoso'), ST), 'without ancestry a management group covers nothing');
    assert.deepEqual([scopeLevel('/'), scopeLevel(MG('x')), scopeLevel(SUB), scopeLevel(RG), scopeLevel(ST)], ['root', 'management-group', 'subscription', 'resource-group', 'resource']);
    assert.deepEqual([describeScope(MG('mg-x')), describeScope(SUB), describeScope(RG), describeScope(ST), describeScope('/')], ['management group mg-x', 'subscription 00000000-1111-2222-3333-444444444444', 'resource group rg-payments', 'stpaymentsprod', 'the root scope (/)']);
  });

  it('management groups come attached to a resource by findResources', () => {
    assert.deepEqual(managementGroupsOf({ id: ST, name: 'st', type: TYPES.storage, managementGroups: ['a', 'b'] } as AzureResource), ['a', 'b']);
    assert.deepEqual(managementGroupsOf({ id: ST, name: 'st', type: TYPES.storage }), []);
  });
});

describe('what a principal may do on a resource', () => {
  const read: DataNeed = { id: 'read', label: 'read blobs', anyOf: [[BLOB_READ]] };
  const receive: DataNeed = { id: 'read', label: 'receive', anyOf: [['Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action'], ['Microsoft.Storage/storageAccounts/queueServices/queues/messages/read', 'Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete']] };

  it('a data role at the resource, its group, its subscription or a management group above grants; Owner there does not', () => {
    for (const scope of [ST, RG, SUB, MG('mg-contoso'), '/']) {
      const [v] = evaluateNeeds([assignment(role('Storage Blob Data Reader'), scope)], ST, [read], ['mg-contoso-prod', 'mg-contoso']);
      assert.equal(v!.granted, true, scope);
    }
    assert.equal(evaluateNeeds([assignment(role('Storage Blob Data Reader'), `${SUB}/resourceGroups/other`)], ST, [read])[0]!.granted, false);
    assert.equal(evaluateNeeds([assignment(role('Owner'), SUB), assignment(role('Contributor'), RG)], ST, [read])[0]!.granted, false);
  });

  it('assignments add up: one grants read, another delete, together they receive', () => {
    const a = custom('Peek', { dataActions: ['Microsoft.Storage/storageAccounts/queueServices/queues/messages/read'] });
    const b = custom('Delete', { dataActions: ['Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete'] });
    assert.equal(evaluateNeeds([assignment(a, ST)], ST, [receive])[0]!.granted, false);
    const v = evaluateNeeds([assignment(a, ST), assignment(b, RG)], ST, [receive])[0]!;
    assert.equal(v.granted, true);
    assert.deepEqual(v.by.map((x) => x.definition!.roleName), ['Peek', 'Delete']);
  });

  it('an unreadable definition over the resource is "may cover", never a grant; a granting role makes it moot', () => {
    const unknown = assignment(undefined, ST, 'ARM answered 403');
    const v = evaluateNeeds([unknown], ST, [read])[0]!;
    assert.deepEqual([v.granted, v.unknown.length], [false, 1]);
    const w = evaluateNeeds([unknown, assignment(role('Storage Blob Data Owner'), ST)], ST, [read])[0]!;
    assert.deepEqual([w.granted, w.unknown.length], [true, 0]);
    assert.equal(evaluateNeeds([assignment(undefined, KV, 'x')], ST, [read])[0]!.unknown.length, 0, 'not over the resource');
  });
});

describe('Key Vault access policies', () => {
  const pid = 'b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70';
  it("the principal's own policies decide; permission names are case-insensitive and `all` includes get; compound ones are apart", () => {
    const g = accessPolicyGrants([
      { tenantId: 't', objectId: pid.toUpperCase(), permissions: { secrets: ['Get', 'List'] } },
      { tenantId: 't', objectId: pid, permissions: { keys: ['all'] } },
      { tenantId: 't', objectId: pid, applicationId: 'app', permissions: { certificates: ['get'] } },
      { tenantId: 't', objectId: 'someone-else', permissions: { certificates: ['get'] } },
    ], pid);
    assert.deepEqual(g.permissions, { secrets: ['get', 'list'], keys: ['all'], certificates: [] });
    assert.equal(g.found, true);
    assert.equal(g.compound.length, 1);
    assert.ok(policyAllows(g.permissions.secrets, 'Get') && policyAllows(g.permissions.keys, 'get') && !policyAllows(g.permissions.certificates, 'get'));
    assert.equal(accessPolicyGrants(undefined, pid).found, false);
  });
});

describe('what each endpoint needs', () => {
  it('a vault URL narrows by its path; a namespace host may be Service Bus or Event Hubs; Cosmos DB has no Azure RBAC need', () => {
    const [plain] = resourcesIn('https://kv-prod.vault.azure.net/', 'env A');
    assert.deepEqual(plain!.vaultObjects, ['secrets', 'keys', 'certificates']);
    const [secret] = resourcesIn('https://kv-prod.vault.azure.net/secrets/db-password', 'env B');
    assert.deepEqual(secret!.vaultObjects, ['secrets']);
    assert.deepEqual(capabilities(secret!, TYPES.keyVault).map((c) => c.suggest), ['Key Vault Secrets User']);
    const [cert] = resourcesIn('https://kv-prod.vault.azure.net/certificates/tls', 'env C');
    assert.deepEqual(capabilities(cert!, TYPES.keyVault).map((c) => c.suggest), ['Key Vault Certificate User']);
    assert.deepEqual(dedupe([secret!, cert!])[0]!.vaultObjects, ['secrets', 'certificates']);
    assert.deepEqual(dedupe([secret!, plain!])[0]!.vaultObjects, ['secrets', 'keys', 'certificates']);

    const [ns] = resourcesIn('Endpoint=sb://evh-payments.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=y', 'env D');
    assert.deepEqual(ns!.types, [TYPES.serviceBus, TYPES.eventHubs]);
    assert.equal(kindOf(ns!, 'Microsoft.EventHub/namespaces'), 'Event Hubs namespace');
    assert.deepEqual(capabilities(ns!, 'Microsoft.EventHub/namespaces').map((c) => [c.label, c.suggest]), [['receive', 'Azure Event Hubs Data Receiver'], ['send', 'Azure Event Hubs Data Sender']]);
    assert.deepEqual(capabilities(ns!, 'microsoft.servicebus/namespaces').map((c) => c.suggest), ['Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender']);
    assert.ok(!JSON.stringify(ns).includes('SharedAccessKey=y'));

    const [cosmos] = resourcesIn('AccountEndpoint=https://cosmos-payments.documents.azure.com:443/;AccountKey=c2VjcmV0;', 'env E');
    assert.deepEqual([cosmos!.service, cosmos!.type, capabilities(cosmos!, TYPES.cosmos).length], ['cosmos', TYPES.cosmos, 0]);
    assert.ok(!JSON.stringify(cosmos).includes('c2VjcmV0'));

    const [queue] = resourcesIn('https://stq.queue.core.windows.net/orders', 'env F');
    assert.deepEqual(capabilities(queue!, TYPES.storage).map((c) => c.suggest), ['Storage Queue Data Message Processor', 'Storage Queue Data Message Sender']);
  });

  it('the built-in role suggested for each capability grants it (checked against the real permission sets)', () => {
    const samples = ['https://kv-prod.vault.azure.net/', 'https://st1.blob.core.windows.net/', 'https://st1.queue.core.windows.net/', 'https://st1.table.core.windows.net/', 'sb-orders.servicebus.windows.net', 'https://appcs.azconfig.io'];
    for (const text of samples) {
      const [u] = resourcesIn(text, 'x');
      for (const type of u!.types) {
        for (const c of capabilities(u!, type)) {
          const d = role(c.suggest);
          assert.ok(c.anyOf.some((alt) => alt.every((op) => grants(d, op, 'data'))), `${c.suggest} does not grant ${c.label} (${type})`);
        }
      }
    }
  });
});

describe('a DNS zone: records are written on the management plane', () => {
  const ZONE = `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/dnszones/contoso.com`;
  it('DNS Zone Contributor grants the TXT write as an action; Contributor too; Reader and every data role do not', () => {
    const [need] = capabilities(dnsZone('Contoso.com.', false, 'ClusterIssuer letsencrypt'), TYPES.dnsZone);
    assert.equal(need?.plane, 'control');
    assert.equal(need?.suggest, 'DNS Zone Contributor');
    const verdict = (name: string, scope: string) => evaluateNeeds([assignment(role(name), scope)], ZONE, [need!])[0]!.granted;
    assert.equal(verdict('DNS Zone Contributor', ZONE), true);
    assert.equal(verdict('DNS Zone Contributor', `${SUB}/resourceGroups/rg-dns`), true);
    assert.equal(verdict('Contributor', SUB), true);
    assert.equal(verdict('Reader', ZONE), false);
    assert.equal(verdict('Private DNS Zone Contributor', ZONE), false);
    assert.equal(verdict('Key Vault Administrator', ZONE), false);
  });

  it('a private zone needs Private DNS Zone Contributor; the zone name is kept without its final dot, and where the solver places it', () => {
    const u = dnsZone('internal.contoso.com.', true, 'Issuer x', { resourceGroup: 'rg-dns', subscriptionId: 's1' });
    assert.deepEqual({ name: u.name, type: u.type, kind: u.kind, rg: u.resourceGroup, sub: u.subscriptionId }, { name: 'internal.contoso.com', type: TYPES.privateDnsZone, kind: 'private DNS zone', rg: 'rg-dns', sub: 's1' });
    const [need] = capabilities(u, TYPES.privateDnsZone);
    assert.ok(need!.anyOf.some((alt) => alt.every((op) => grants(role(need!.suggest), op, 'control'))), `${need!.suggest} grants ${need!.label}`);
    assert.equal(grants(role('DNS Zone Contributor'), need!.anyOf[0]![0]!, 'control'), false);
  });
});

describe("KEDA's Service Bus scaler: runtime properties are a Manage operation", () => {
  it('only Azure Service Bus Data Owner (Microsoft.ServiceBus/* data actions) grants it; Receiver, Sender and Contributor do not', () => {
    const SB = `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-payments-prod`;
    const [need] = capabilities(kedaServiceBus('SB-Payments-Prod', 'ScaledObject app/queue-worker'), TYPES.serviceBus);
    assert.equal(need?.suggest, 'Azure Service Bus Data Owner');
    const granted = (name: string) => evaluateNeeds([assignment(role(name), SB)], SB, [need!])[0]!.granted;
    assert.equal(granted('Azure Service Bus Data Owner'), true);
    assert.equal(granted('Azure Service Bus Data Receiver'), false);
    assert.equal(granted('Azure Service Bus Data Sender'), false);
    assert.equal(granted('Contributor'), false);
    // A workload's own Service Bus endpoint still needs only send or receive.
    const [app] = resourcesIn('sb-payments-prod.servicebus.windows.net', 'env X');
    assert.deepEqual(capabilities(app!, TYPES.serviceBus).map((c) => c.suggest), ['Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender']);
  });
});

describe("ARM's 403 messages", () => {
  const call = { what: 'read role definition g', role: 'Reader' };
  it('name the refused action and scope, direct or linked', () => {
    const direct = "The client 'e3f4' with object id 'e3f4' does not have authorization to perform action 'Microsoft.Authorization/roleDefinitions/read' over scope '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g' or the scope is invalid. If access was recently granted, please refresh your credentials.";
    assert.deepEqual(parseAuthorizationFailed(direct), { action: 'Microsoft.Authorization/roleDefinitions/read', scope: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g', linked: false });
    const linked = "The client 'u@contoso.com' with object id '0000' has permission to perform action 'Microsoft.Compute/virtualMachines/write' on scope '/subscriptions/s/vm'; however, it does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '/subscriptions/s/id' (respectively) or the linked scope(s) are invalid.";
    assert.deepEqual(parseAuthorizationFailed(linked), { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', scope: '/subscriptions/s/id', linked: true });
    assert.equal(parseAuthorizationFailed('Forbidden'), undefined);
    const f = toAzureFailure({ statusCode: 403, code: 'AuthorizationFailed', message: direct }, call, 'AzureCloud');
    assert.deepEqual([f.kind, f.action, f.scope], ['forbidden', 'Microsoft.Authorization/roleDefinitions/read', '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g']);
    assert.equal(f.message, 'Forbidden (403 AuthorizationFailed): you may not read role definition g: you lack Microsoft.Authorization/roleDefinitions/read over /subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g.');
    assert.doesNotMatch(f.message, /Reader/);
  });
});

describe('Resource Graph queries', () => {
  it('read definitions with their permissions and resources with what decides data access, ancestry joined in', () => {
    assert.match(Queries.roleDefinitions(['g']), /permissions = properties\.permissions$/);
    assert.match(Queries.roleAssignments('p'), /principalType = tostring\(properties\.principalType\), condition = tostring\(properties\.condition\)$/);
    const r = Queries.resourcesByName([{ type: TYPES.keyVault, names: ['kv'] }]);
    for (const p of ['accessPolicies = properties.accessPolicies', 'allowSharedKeyAccess = properties.allowSharedKeyAccess', 'disableLocalAuth = properties.disableLocalAuth', "join kind=leftouter (ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project id, subscriptionId, managementGroups = properties.managementGroupAncestorsChain) on subscriptionId"]) assert.ok(r.includes(p), p);
  });
});

describe("KEDA's storage and Event Hubs scalers: what each call needs, all of it, at the entity it names or above", () => {
  const MI: ManagedIdentity = { id: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-keda`, name: 'id-keda', resourceGroup: 'rg-payments', subscriptionId: 's', tenantId: 't', clientId: 'c', principalId: 'p' };
  const account: AzureResource = { id: ST, name: 'stpaymentsprod', type: TYPES.storage };
  const QUEUE = { path: '/queueServices/default/queues/orders', label: 'queue orders' };
  const queue = (peek = false) => kedaResource(peek ? 'queue-peek' : 'queue', 'stpaymentsprod', 'ScaledObject app/worker (azure-queue, queue orders)', QUEUE);
  const judge = (u: ReturnType<typeof queue>, ...as: [string, string][]) => coverage(u, account, as.map(([name, scope]) => assignment(role(name), scope)), MI);

  it('azure-queue (queueLengthStrategy all) reads Get Queue Metadata: Storage Queue Data Reader at the queue or above grants it; Message Processor (data actions only) and Reader (`*/read`, no data role) do not', () => {
    assert.equal(judge(queue(), ['Storage Queue Data Reader', `${ST}${QUEUE.path}`]).granted, true);
    assert.equal(judge(queue(), ['Storage Queue Data Contributor', RG]).granted, true);
    const processor = judge(queue(), ['Storage Queue Data Message Processor', ST]);
    assert.equal(processor.granted, false);
    assert.match(processor.problem ?? '', /^Storage Queue Data Reader on stpaymentsprod is missing/);
    assert.equal(judge(queue(), ['Reader', ST]).granted, false);
    assert.equal(judge(queue(), ['Owner', SUB]).granted, false);
    // Another queue's assignment covers nothing here.
    assert.equal(judge(queue(), ['Storage Queue Data Reader', `${ST}/queueServices/default/queues/other`]).granted, false);
  });

  it('azure-queue with visibleonly needs both Peek Messages and Get Queue Metadata: Message Processor alone is half of it, and said so', () => {
    const half = judge(queue(true), ['Storage Queue Data Message Processor', ST]);
    assert.equal(half.granted, false);
    assert.match(half.evidence[0]!.value, /peek messages granted by Storage Queue Data Message Processor at .*; read the queue length \(Get Queue Metadata\) not granted/);
    assert.equal(judge(queue(true), ['Storage Queue Data Reader', ST]).granted, true);
  });

  it('azure-blob lists blobs (Storage Blob Data Reader); Event Hubs: Data Receiver on the hub or namespace, and the checkpoint container readable', () => {
    const blob = kedaResource('blob', 'stpaymentsprod', 'x', { path: '/blobServices/default/containers/inbox', label: 'container inbox' });
    assert.equal(coverage(blob, account, [assignment(role('Storage Blob Data Reader'), `${ST}/blobServices/default/containers/inbox`)], MI).granted, true);
    assert.equal(coverage(blob, account, [assignment(role('Storage Queue Data Reader'), ST)], MI).granted, false);
    const NS = `${RG}/providers/Microsoft.EventHub/namespaces/eh-payments`;
    const hub = kedaResource('eventhub', 'eh-payments', 'x', { path: '/eventhubs/orders', label: 'event hub orders' });
    const ehns: AzureResource = { id: NS, name: 'eh-payments', type: TYPES.eventHubs };
    assert.equal(coverage(hub, ehns, [assignment(role('Azure Event Hubs Data Receiver'), `${NS}/eventhubs/orders`)], MI).granted, true);
    assert.equal(coverage(hub, ehns, [assignment(role('Azure Event Hubs Data Sender'), NS)], MI).granted, false);
  });

  it('a workload endpoint that names no container: a role granted only on one container is "may cover", never a missing role', () => {
    const [u] = resourcesIn('https://stpaymentsprod.blob.core.windows.net/', 'env X');
    const c = coverage(u!, account, [assignment(role('Storage Blob Data Reader'), `${ST}/blobServices/default/containers/inbox`)], MI);
    assert.equal(c.granted, false);
    assert.equal(c.problem, undefined);
    assert.match(c.unverified ?? '', /may cover what the workload uses/);
    assert.match(c.evidence[0]!.value, /grants it on blobServices\/default\/containers\/inbox only/);
  });
});
