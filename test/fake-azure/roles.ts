// Azure's built-in role definitions the fake cloud serves: the real GUIDs, names, descriptions and
// permission sets (Actions, NotActions, DataActions, NotDataActions) as `az role definition list`
// returned them in August 2026 (the export of easimon/azure-builtin-roles @ db0b225), checked
// against Microsoft's "Azure built-in roles" pages (learn.microsoft.com/azure/role-based-access-
// control/built-in-roles; MicrosoftDocs/azure-docs built-in-roles/{general,privileged,security,
// storage,analytics,integration,identity}.md). Where they differ the live export wins: Key Vault
// Reader lost Microsoft.Resources/deployments/* in April 2026, App Configuration Data Owner its
// NotDataActions (useSasAuth) in June 2026. Built-in roles do change: refresh from that export.
// Only roles a scenario or test uses are here; none is invented or trimmed.

export interface RoleDefinition {
  guid: string;
  roleName: string;
  description: string;
  /** Default BuiltInRole. */
  type?: 'BuiltInRole' | 'CustomRole';
  actions: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
  /** Default ['/'] (built-in roles). */
  assignableScopes?: string[];
  /** Object IDs that may not read this definition (Resource Graph leaves it out; ARM answers 403). */
  unreadableBy?: string[];
}

// The management actions every Key Vault data role except the User ones carries.
const KV_ACTIONS = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Resources/deployments/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.Support/*',
  'Microsoft.KeyVault/checkNameAvailability/read',
  'Microsoft.KeyVault/deletedVaults/read',
  'Microsoft.KeyVault/locations/*/read',
  'Microsoft.KeyVault/vaults/*/read',
  'Microsoft.KeyVault/operations/read',
];
const KV_RBAC_ONLY = "Only works for key vaults that use the 'Azure role-based access control' permission model.";
const BLOB = 'Microsoft.Storage/storageAccounts/blobServices';
const QUEUE = 'Microsoft.Storage/storageAccounts/queueServices/queues';
const TABLE = 'Microsoft.Storage/storageAccounts/tableServices/tables';
const SB_ACTIONS = ['Microsoft.ServiceBus/*/queues/read', 'Microsoft.ServiceBus/*/topics/read', 'Microsoft.ServiceBus/*/topics/subscriptions/read'];
const MI_COMMON = ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Resources/deployments/*', 'Microsoft.Support/*'];

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  // General and privileged
  { guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner', description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', actions: ['*'] },
  {
    guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleName: 'Contributor',
    description: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  },
  { guid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', roleName: 'User Access Administrator', description: 'Lets you manage user access to Azure resources.', actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] },
  {
    guid: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    roleName: 'Role Based Access Control Administrator',
    description: 'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
  },
  { guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.', actions: ['*/read'] },

  // Key Vault (security.md)
  { guid: '00482a5a-887f-4fb3-b363-3b7fe8e74483', roleName: 'Key Vault Administrator', description: `Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments. ${KV_RBAC_ONLY}`, actions: KV_ACTIONS, dataActions: ['Microsoft.KeyVault/vaults/*'] },
  {
    guid: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
    roleName: 'Key Vault Certificate User',
    description: `Read certificate contents. ${KV_RBAC_ONLY}`,
    actions: [],
    dataActions: ['Microsoft.KeyVault/vaults/certificates/read', 'Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action', 'Microsoft.KeyVault/vaults/keys/read'],
  },
  {
    guid: 'a4417e6f-fecd-4de8-b567-7b0420556985',
    roleName: 'Key Vault Certificates Officer',
    description: `Perform any action on the certificates of a key vault, except manage permissions. ${KV_RBAC_ONLY}`,
    actions: KV_ACTIONS,
    dataActions: ['Microsoft.KeyVault/vaults/certificatecas/*', 'Microsoft.KeyVault/vaults/certificates/*', 'Microsoft.KeyVault/vaults/certificatecontacts/write'],
  },
  {
    guid: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
    roleName: 'Key Vault Contributor',
    description: 'Lets you manage key vaults, but not access to them.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.KeyVault/*', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Support/*'],
    notActions: ['Microsoft.KeyVault/locations/deletedVaults/purge/action', 'Microsoft.KeyVault/hsmPools/*', 'Microsoft.KeyVault/managedHsms/*'],
  },
  { guid: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603', roleName: 'Key Vault Crypto Officer', description: `Perform any action on the keys of a key vault, except manage permissions. ${KV_RBAC_ONLY}`, actions: KV_ACTIONS, dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'] },
  {
    guid: '12338af0-0e69-4776-bea7-57ae8d297424',
    roleName: 'Key Vault Crypto User',
    description: `Perform cryptographic operations using keys. ${KV_RBAC_ONLY}`,
    actions: [],
    dataActions: ['read', 'update/action', 'backup/action', 'encrypt/action', 'decrypt/action', 'wrap/action', 'unwrap/action', 'sign/action', 'verify/action'].map((a) => `Microsoft.KeyVault/vaults/keys/${a}`),
  },
  {
    guid: '21090545-7ca7-4776-b22c-e363652d74d2',
    roleName: 'Key Vault Reader',
    description: `Read metadata of key vaults and its certificates, keys, and secrets. Cannot read sensitive values such as secret contents or key material. ${KV_RBAC_ONLY}`,
    actions: KV_ACTIONS.filter((a) => a !== 'Microsoft.Resources/deployments/*'),
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  { guid: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', roleName: 'Key Vault Secrets Officer', description: `Perform any action on the secrets of a key vault, except manage permissions. ${KV_RBAC_ONLY}`, actions: KV_ACTIONS, dataActions: ['Microsoft.KeyVault/vaults/secrets/*'] },
  { guid: '4633458b-17de-408a-b874-0445c86b69e6', roleName: 'Key Vault Secrets User', description: `Read secret contents. ${KV_RBAC_ONLY}`, actions: [], dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'] },

  // Networking (networking.md): DNS record sets are written through the management plane.
  {
    guid: 'befefa01-2a29-4197-83a8-272ff33ce314',
    roleName: 'DNS Zone Contributor',
    description: 'Lets you manage DNS zones and record sets in Azure DNS, but does not let you control who has access to them.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Network/dnsZones/*', 'Microsoft.ResourceHealth/availabilityStatuses/read', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Support/*'],
  },
  {
    guid: 'b12aa53e-6015-4669-85d0-8515ebb3ae7f',
    roleName: 'Private DNS Zone Contributor',
    description: 'Lets you manage private DNS zone resources, but not the virtual networks they are linked to.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Support/*', 'Microsoft.Insights/metrics/read', 'Microsoft.Insights/metricDefinitions/read', 'Microsoft.Network/privateDnsZones/*', 'Microsoft.Network/privateDnsOperationResults/*', 'Microsoft.Network/privateDnsOperationStatuses/*', 'Microsoft.Network/virtualNetworks/read', 'Microsoft.Network/virtualNetworks/join/action'],
  },

  // Storage (storage.md)
  {
    guid: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
    roleName: 'Storage Account Contributor',
    description: 'Lets you manage storage accounts, including accessing storage account keys which provide full access to storage account data.',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Insights/diagnosticSettings/*', 'Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action', 'Microsoft.ResourceHealth/availabilityStatuses/read', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Storage/storageAccounts/*', 'Microsoft.Support/*'],
  },
  {
    guid: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    roleName: 'Storage Blob Data Contributor',
    description: 'Allows for read, write and delete access to Azure Storage blob containers and data',
    actions: [`${BLOB}/containers/delete`, `${BLOB}/containers/read`, `${BLOB}/containers/write`, `${BLOB}/generateUserDelegationKey/action`],
    dataActions: [`${BLOB}/containers/blobs/delete`, `${BLOB}/containers/blobs/read`, `${BLOB}/containers/blobs/write`, `${BLOB}/containers/blobs/move/action`, `${BLOB}/containers/blobs/add/action`],
  },
  { guid: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', roleName: 'Storage Blob Data Owner', description: 'Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.', actions: [`${BLOB}/containers/*`, `${BLOB}/generateUserDelegationKey/action`], dataActions: [`${BLOB}/containers/blobs/*`] },
  { guid: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', roleName: 'Storage Blob Data Reader', description: 'Allows for read access to Azure Storage blob containers and data', actions: [`${BLOB}/containers/read`, `${BLOB}/generateUserDelegationKey/action`], dataActions: [`${BLOB}/containers/blobs/read`] },
  {
    guid: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    roleName: 'Storage Queue Data Contributor',
    description: 'Allows for read, write, and delete access to Azure Storage queues and queue messages',
    actions: [`${QUEUE}/delete`, `${QUEUE}/read`, `${QUEUE}/write`],
    dataActions: [`${QUEUE}/messages/delete`, `${QUEUE}/messages/read`, `${QUEUE}/messages/write`, `${QUEUE}/messages/process/action`],
  },
  { guid: '8a0f0c08-91a1-4084-bc3d-661d67233fed', roleName: 'Storage Queue Data Message Processor', description: 'Allows for peek, receive, and delete access to Azure Storage queue messages', actions: [], dataActions: [`${QUEUE}/messages/read`, `${QUEUE}/messages/process/action`] },
  { guid: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a', roleName: 'Storage Queue Data Message Sender', description: 'Allows for sending of Azure Storage queue messages', actions: [], dataActions: [`${QUEUE}/messages/add/action`] },
  { guid: '19e7f393-937e-4f77-808e-94535e297925', roleName: 'Storage Queue Data Reader', description: 'Allows for read access to Azure Storage queues and queue messages', actions: [`${QUEUE}/read`], dataActions: [`${QUEUE}/messages/read`] },
  {
    guid: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    roleName: 'Storage Table Data Contributor',
    description: 'Allows for read, write and delete access to Azure Storage tables and entities',
    actions: [`${TABLE}/read`, `${TABLE}/write`, `${TABLE}/delete`],
    dataActions: [`${TABLE}/entities/read`, `${TABLE}/entities/write`, `${TABLE}/entities/delete`, `${TABLE}/entities/add/action`, `${TABLE}/entities/update/action`],
  },
  { guid: '76199698-9eea-4c19-bc75-cec21354c6b6', roleName: 'Storage Table Data Reader', description: 'Allows for read access to Azure Storage tables and entities', actions: [`${TABLE}/read`], dataActions: [`${TABLE}/entities/read`] },

  // Service Bus (integration.md) and Event Hubs (analytics.md)
  { guid: '090c5cfd-751d-490a-894a-3ce6f1109419', roleName: 'Azure Service Bus Data Owner', description: 'Allows for full access to Azure Service Bus resources.', actions: ['Microsoft.ServiceBus/*'], dataActions: ['Microsoft.ServiceBus/*'] },
  { guid: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0', roleName: 'Azure Service Bus Data Receiver', description: 'Allows for receive access to Azure Service Bus resources.', actions: SB_ACTIONS, dataActions: ['Microsoft.ServiceBus/*/receive/action'] },
  { guid: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39', roleName: 'Azure Service Bus Data Sender', description: 'Allows for send access to Azure Service Bus resources.', actions: SB_ACTIONS, dataActions: ['Microsoft.ServiceBus/*/send/action'] },
  { guid: 'f526a384-b230-433a-b45c-95f59c4a2dec', roleName: 'Azure Event Hubs Data Owner', description: 'Allows for full access to Azure Event Hubs resources.', actions: ['Microsoft.EventHub/*'], dataActions: ['Microsoft.EventHub/*'] },
  { guid: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', roleName: 'Azure Event Hubs Data Receiver', description: 'Allows receive access to Azure Event Hubs resources.', actions: ['Microsoft.EventHub/*/eventhubs/consumergroups/read'], dataActions: ['Microsoft.EventHub/*/receive/action'] },
  { guid: '2b629674-e913-4c01-ae53-ef4638d8f975', roleName: 'Azure Event Hubs Data Sender', description: 'Allows send access to Azure Event Hubs resources.', actions: ['Microsoft.EventHub/*/eventhubs/read'], dataActions: ['Microsoft.EventHub/*/send/action'] },

  // App Configuration (integration.md)
  {
    guid: '5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b',
    roleName: 'App Configuration Data Owner',
    description: 'Allows full access to App Configuration data.',
    actions: [],
    dataActions: ['read', 'write', 'delete', 'action'].map((a) => `Microsoft.AppConfiguration/configurationStores/*/${a}`),
  },
  { guid: '516239f1-63e1-4d78-a4de-a74fb236a071', roleName: 'App Configuration Data Reader', description: 'Allows read access to App Configuration data.', actions: [], dataActions: ['Microsoft.AppConfiguration/configurationStores/*/read'] },

  // Managed identities (identity.md)
  {
    guid: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
    roleName: 'Managed Identity Contributor',
    description: 'Create, Read, Update, and Delete User Assigned Identity',
    actions: [
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action',
      ...MI_COMMON,
    ],
  },
  { guid: 'f1a07417-d97a-45cb-824c-7a7467783830', roleName: 'Managed Identity Operator', description: 'Read and Assign User Assigned Identity', actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', ...MI_COMMON] },
];

export const ROLE = Object.fromEntries(BUILT_IN_ROLES.map((r) => [r.roleName, r.guid])) as Record<string, string>;
