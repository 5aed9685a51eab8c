// Azure worlds where access is decided by permissions, not role names (issue 12): management-plane
// roles on the resources the workload calls, custom roles (readable or not), a data role at a
// management group, the two Key Vault permission models, NotDataActions, Event Hubs, Cosmos DB and
// storage without shared keys. Each beside the fake-kube cluster `azure-wired` (payments/api names
// kv-prod in its env and the blob endpoint of stpaymentsprod in ConfigMap api-config). Two need the
// workload to name other endpoints: their `kubeObjects` replace that ConfigMap.
//
// The verdict each scenario expects is written from Microsoft's documentation (the built-in roles'
// permission sets in roles.ts, Key Vault's access-policy and RBAC models, Cosmos DB's own data-plane
// RBAC), in expectations-rbac.ts.

import type { KubeObject } from '../fake-kube/store';
import type { CloudState } from './state';
import {
  base, KEYVAULT_ID, paymentsIdentity, PAYMENTS_API, PRINCIPAL_ID, RESOURCE_GROUP, STORAGE_ACCOUNT_ID, SUBSCRIPTION_ID, TENANT_ID, TEST_PRINCIPAL,
  type AzureScenario, type BuildContext,
} from './world';

/** An Azure scenario (its kubeObjects replace objects of its fake-kube scenario: see AzureScenario). */
export type RbacScenario = AzureScenario;

export const EVENTHUBS_NAME = 'evh-payments-prod';
export const EVENTHUBS_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.EventHub/namespaces/${EVENTHUBS_NAME}`;
export const COSMOS_NAME = 'cosmos-payments-prod';
export const COSMOS_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.DocumentDB/databaseAccounts/${COSMOS_NAME}`;
/** Management groups of scenario data-role-at-management-group: Tenant Root Group > mg-contoso > mg-contoso-prod > contoso-prod. */
export const MG_CONTOSO = 'mg-contoso';
export const MG_CONTOSO_PROD = 'mg-contoso-prod';
export const MG_CONTOSO_SCOPE = `/providers/Microsoft.Management/managementGroups/${MG_CONTOSO}`;
/** Custom roles (their GUIDs are this fake tenant's own). */
export const CUSTOM_BLOB_READER = { guid: '7b0c4f5e-2d1a-4c8b-9e3f-a6d5c4b3a291', roleName: 'Payments Blob Reader' };
export const CUSTOM_UNREADABLE = { guid: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f', roleName: 'Contoso Data Access (restricted)' };
export const CUSTOM_SECRET_METADATA = { guid: '1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b', roleName: 'Key Vault Secret Metadata Manager' };
export const CUSTOM_PLATFORM_OPERATOR = { guid: '9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a', roleName: 'Platform Operator' };

const SUB_SCOPE = `/subscriptions/${SUBSCRIPTION_ID}`;
const RG_SCOPE = `${SUB_SCOPE}/resourceGroups/${RESOURCE_GROUP}`;
const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers';

const common = { kubeScenario: 'azure-wired', target: PAYMENTS_API, exchange: null } as const;

function assign(c: BuildContext, role: string, scope: string): void {
  c.state.addRoleAssignment({ scope, principalId: PRINCIPAL_ID, role });
}

/** The base world with id-payments-api and its exact federated credential, no role yet. */
function world(c: BuildContext): void {
  base(c);
  paymentsIdentity(c);
}

/** kv-prod in access-policy mode with these policies (enableRbacAuthorization false). */
function accessPolicyVault(s: CloudState, policies: unknown[]): void {
  const kv = s.resource(KEYVAULT_ID)!;
  kv.properties.enableRbacAuthorization = false;
  kv.properties.accessPolicies = policies;
}

/** ConfigMap payments/api-config naming other endpoints than azure-wired's blob URL. */
function apiConfig(data: Record<string, string>): () => KubeObject[] {
  return () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: 'payments', uid: '5d1c9e0a-7b3f-4e2d-8a6c-0f1e2d3c4b5a', creationTimestamp: '2026-01-05T09:12:00Z' }, data: { HTTP_PORT: '8080', ...data } }];
}

export const RBAC_SCENARIOS: readonly RbacScenario[] = [
  /** Storage Account Contributor has no DataActions: blob reads with a token get 403, and the account refuses its keys (allowSharedKeyAccess false). */
  {
    name: 'storage-account-contributor',
    description: 'Key Vault Secrets User on kv-prod, and only Storage Account Contributor (a management-plane role, no DataActions) on stpaymentsprod, whose shared keys are disabled.',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, 'Storage Account Contributor', STORAGE_ACCOUNT_ID);
    },
  },
  /** Contributor at the resource group: every resource there can be changed, no data can be read. */
  {
    name: 'contributor-at-resource-group',
    description: 'The identity holds only Contributor on rg-payments: it manages kv-prod and stpaymentsprod but may read neither a secret nor a blob.',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      assign(c, 'Contributor', RG_SCOPE);
    },
  },
  /** A custom role whose DataActions include the blob read covers the storage account. */
  {
    name: 'custom-role-blob-reader',
    description: 'Key Vault Secrets User on kv-prod and a custom role "Payments Blob Reader" (DataActions …/blobs/read) on stpaymentsprod.',
    ...common,
    failingCheckpoint: null,
    build: (c) => {
      world(c);
      c.state.addCustomRole({ ...CUSTOM_BLOB_READER, description: 'Read the blobs of the payments storage accounts.', actions: [`${BLOBS}/read`], dataActions: [`${BLOBS}/blobs/read`], assignableScopes: [SUB_SCOPE] });
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, CUSTOM_BLOB_READER.guid, STORAGE_ACCOUNT_ID);
    },
  },
  /**
   * Storage Blob Data Reader on the account, but with an ABAC condition (only the container
   * "invoices"): whether the workload's reads are allowed depends on the container, which the
   * diagnosis does not know — not checked, never passed.
   */
  {
    name: 'blob-role-with-condition',
    description: 'Key Vault Secrets User on kv-prod; Storage Blob Data Reader on stpaymentsprod with an ABAC condition limiting it to the container "invoices".',
    ...common,
    failingCheckpoint: 'role-assignments',
    severity: 'warn',
    build: (c) => {
      world(c);
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      c.state.addRoleAssignment({
        scope: STORAGE_ACCOUNT_ID, principalId: PRINCIPAL_ID, role: 'Storage Blob Data Reader',
        condition: "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'invoices'))",
      });
    },
  },
  /** The only role on the storage account is a custom role whose definition the signed-in user may not read: not verified, never passed or failed. */
  {
    name: 'custom-role-unreadable',
    description: 'Key Vault Secrets User on kv-prod; on stpaymentsprod a custom role whose definition the signed-in principal may not read (Resource Graph omits it, ARM answers 403).',
    ...common,
    failingCheckpoint: 'role-assignments',
    severity: 'warn',
    build: (c) => {
      world(c);
      c.state.addCustomRole({ ...CUSTOM_UNREADABLE, actions: [`${BLOBS}/read`], dataActions: [`${BLOBS}/blobs/read`], assignableScopes: [SUB_SCOPE], unreadableBy: [TEST_PRINCIPAL.objectId] });
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, CUSTOM_UNREADABLE.guid, STORAGE_ACCOUNT_ID);
    },
  },
  /** Storage Blob Data Reader at a management group two levels above the subscription covers the account. */
  {
    name: 'data-role-at-management-group',
    description: 'contoso-prod sits in mg-contoso-prod under mg-contoso; the identity holds Storage Blob Data Reader at mg-contoso and Key Vault Secrets User on kv-prod.',
    ...common,
    failingCheckpoint: null,
    build: (c) => {
      world(c);
      c.state.addManagementGroup({ name: MG_CONTOSO, displayName: 'Contoso', tenantId: TENANT_ID });
      c.state.addManagementGroup({ name: MG_CONTOSO_PROD, displayName: 'Contoso production', tenantId: TENANT_ID, parent: MG_CONTOSO });
      c.state.placeSubscription(SUBSCRIPTION_ID, MG_CONTOSO_PROD);
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, 'Storage Blob Data Reader', MG_CONTOSO_SCOPE);
    },
  },
  /** kv-prod uses access policies; the identity has none there, only Key Vault Secrets User, which such a vault ignores. */
  {
    name: 'keyvault-access-policy-rbac-role',
    description: 'kv-prod has enableRbacAuthorization false and no access policy for the identity; its Key Vault Secrets User role on kv-prod is ignored there.',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      accessPolicyVault(c.state, [{ tenantId: TENANT_ID, objectId: '2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b', permissions: { secrets: ['Get', 'List'], keys: [], certificates: [] } }]);
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, 'Storage Blob Data Reader', STORAGE_ACCOUNT_ID);
    },
  },
  /** kv-prod uses access policies and one gives the identity get and list on secrets. */
  {
    name: 'keyvault-access-policy',
    description: 'kv-prod has enableRbacAuthorization false and an access policy giving the identity get and list on secrets; Storage Blob Data Reader on stpaymentsprod.',
    ...common,
    failingCheckpoint: null,
    build: (c) => {
      world(c);
      accessPolicyVault(c.state, [{ tenantId: TENANT_ID, objectId: PRINCIPAL_ID, permissions: { secrets: ['Get', 'List'], keys: [], certificates: [] } }]);
      assign(c, 'Storage Blob Data Reader', STORAGE_ACCOUNT_ID);
    },
  },
  /** kv-prod uses Azure RBAC; the identity has only an access policy there, which such a vault ignores. */
  {
    name: 'keyvault-rbac-access-policy-only',
    description: 'kv-prod uses Azure RBAC (enableRbacAuthorization true); the identity has an access policy with get and list on secrets there but no role on it.',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      c.state.resource(KEYVAULT_ID)!.properties.accessPolicies = [{ tenantId: TENANT_ID, objectId: PRINCIPAL_ID, permissions: { secrets: ['get', 'list'], keys: [], certificates: [] } }];
      assign(c, 'Storage Blob Data Reader', STORAGE_ACCOUNT_ID);
    },
  },
  /** A custom role with every secret data action but NotDataActions getSecret: it manages secrets and never reads one. */
  {
    name: 'not-data-actions-no-read',
    description: 'On kv-prod a custom role with DataActions Microsoft.KeyVault/vaults/secrets/* minus NotDataActions …/secrets/getSecret/action; Storage Blob Data Reader on stpaymentsprod.',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      c.state.addCustomRole({ ...CUSTOM_SECRET_METADATA, description: 'Create, list and rotate secrets without reading their values.', actions: ['Microsoft.KeyVault/vaults/read'], dataActions: ['Microsoft.KeyVault/vaults/secrets/*'], notDataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action'], assignableScopes: [SUB_SCOPE] });
      assign(c, CUSTOM_SECRET_METADATA.guid, KEYVAULT_ID);
      assign(c, 'Storage Blob Data Reader', STORAGE_ACCOUNT_ID);
    },
  },
  /** The blob endpoint's account refuses shared keys and the identity holds no data role on it. */
  {
    name: 'storage-shared-key-disabled',
    description: 'stpaymentsprod has allowSharedKeyAccess false and the identity has no role on it (Key Vault Secrets User on kv-prod only).',
    ...common,
    failingCheckpoint: 'role-assignments',
    build: (c) => {
      world(c);
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
    },
  },
  /** A custom role with Actions * at the subscription: as broad as Contributor, whatever its name. */
  {
    name: 'custom-wildcard-at-subscription',
    description: 'The right data roles, plus a custom role "Platform Operator" with Actions * at the subscription.',
    ...common,
    failingCheckpoint: 'role-assignments',
    severity: 'warn',
    build: (c) => {
      world(c);
      c.state.addCustomRole({ ...CUSTOM_PLATFORM_OPERATOR, description: 'Operate the platform.', actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'], assignableScopes: [SUB_SCOPE] });
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, 'Storage Blob Data Reader', STORAGE_ACCOUNT_ID);
      assign(c, CUSTOM_PLATFORM_OPERATOR.guid, SUB_SCOPE);
    },
  },
  /** The workload names an Event Hubs namespace (same host suffix as Service Bus); the identity may send, not receive. */
  {
    name: 'eventhubs-sender',
    description: 'The ConfigMap names evh-payments-prod.servicebus.windows.net, an Event Hubs namespace; the identity holds Azure Event Hubs Data Sender on it and Key Vault Secrets User on kv-prod.',
    ...common,
    failingCheckpoint: null,
    kubeObjects: apiConfig({ EVENTHUB_FULLY_QUALIFIED_NAMESPACE: `${EVENTHUBS_NAME}.servicebus.windows.net`, EVENTHUB_NAME: 'settlements' }),
    build: (c) => {
      world(c);
      c.state.addResource({
        name: EVENTHUBS_NAME,
        type: 'Microsoft.EventHub/namespaces',
        sku: { name: 'Standard', tier: 'Standard', capacity: 1 },
        location: 'eastus',
        subscriptionId: SUBSCRIPTION_ID,
        resourceGroup: RESOURCE_GROUP,
        properties: { provisioningState: 'Succeeded', status: 'Active', serviceBusEndpoint: `https://${EVENTHUBS_NAME}.servicebus.windows.net:443/`, kafkaEnabled: true, disableLocalAuth: true, minimumTlsVersion: '1.2', publicNetworkAccess: 'Enabled' },
      });
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
      assign(c, 'Azure Event Hubs Data Sender', EVENTHUBS_ID);
    },
  },
  /** The workload names a Cosmos DB account: its data plane has its own role assignments, which this check says it does not read. */
  {
    name: 'cosmos-endpoint',
    description: 'The ConfigMap names cosmos-payments-prod.documents.azure.com; Cosmos DB authorises data with its own SQL role assignments, not Azure RBAC. Key Vault Secrets User on kv-prod.',
    ...common,
    failingCheckpoint: null,
    kubeObjects: apiConfig({ COSMOS_ENDPOINT: `https://${COSMOS_NAME}.documents.azure.com:443/`, COSMOS_DATABASE: 'payments' }),
    build: (c) => {
      world(c);
      c.state.addResource({
        name: COSMOS_NAME,
        type: 'Microsoft.DocumentDB/databaseAccounts',
        kind: 'GlobalDocumentDB',
        location: 'eastus',
        subscriptionId: SUBSCRIPTION_ID,
        resourceGroup: RESOURCE_GROUP,
        properties: { provisioningState: 'Succeeded', documentEndpoint: `https://${COSMOS_NAME}.documents.azure.com:443/`, databaseAccountOfferType: 'Standard', disableLocalAuth: true, publicNetworkAccess: 'Enabled', consistencyPolicy: { defaultConsistencyLevel: 'Session' } },
      });
      assign(c, 'Key Vault Secrets User', KEYVAULT_ID);
    },
  },
];
