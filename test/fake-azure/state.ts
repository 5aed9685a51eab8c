// The fake cloud's data: tenants, subscriptions, ARM resources (managed identities, AKS clusters,
// Key Vaults, storage accounts, Service Bus namespaces), federated identity credentials, role
// assignments and the built-in role definitions, app registrations with their service principals
// (Graph), and the service principals tests sign in as. The ARM, Resource Graph, Graph and Entra
// fakes all read and write this one object, so a credential created through ARM is what Entra
// matches the next token against.

import { randomUUID } from 'node:crypto';

type Json = Record<string, any>;

export interface Tenant {
  id: string;
  displayName: string;
  /** contoso.onmicrosoft.com: Entra also accepts it in place of the GUID. */
  domain: string;
}

export interface Subscription {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}

/** An ARM resource as ARM returns it (type in its canonical case). */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
  kind?: string;
  sku?: Json;
  identity?: Json;
  tags?: Record<string, string>;
  properties: Json;
  systemData?: Json;
}

export interface FicRecord {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description?: string;
  /** RFC 3339; Entra ignores a credential younger than its propagation delay. */
  createdAt: string;
  lastModifiedAt: string;
  createdBy: string;
}

export interface AppFic extends FicRecord {
  id: string;
}

export interface AppRegistration {
  objectId: string;
  appId: string;
  displayName: string;
  tenantId: string;
  /** The object ID of its service principal in the tenant (what role assignments name). */
  servicePrincipalId: string;
  createdDateTime: string;
  federatedCredentials: AppFic[];
  /** Client secrets it accepts (for Entra's client_credentials grant). */
  secrets: string[];
}

export interface RoleAssignment {
  /** The GUID name of the assignment. */
  name: string;
  scope: string;
  principalId: string;
  principalType: 'ServicePrincipal' | 'User' | 'Group';
  /** The role definition's GUID. */
  roleDefinition: string;
  createdOn: string;
}

export interface RoleDefinition {
  guid: string;
  roleName: string;
  description: string;
  actions: string[];
  notActions?: string[];
  dataActions?: string[];
}

/** Azure's built-in roles, with their real GUIDs. */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner', description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', actions: ['*'] },
  { guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c', roleName: 'Contributor', description: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.', actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'] },
  { guid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', roleName: 'User Access Administrator', description: 'Lets you manage user access to Azure resources.', actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] },
  { guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.', actions: ['*/read'] },
  { guid: '4633458b-17de-408a-b874-0445c86b69e6', roleName: 'Key Vault Secrets User', description: 'Read secret contents.', actions: [], dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'] },
  { guid: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', roleName: 'Key Vault Secrets Officer', description: 'Perform any action on the secrets of a key vault, except manage permissions.', actions: ['Microsoft.KeyVault/vaults/*/read'], dataActions: ['Microsoft.KeyVault/vaults/secrets/*'] },
  { guid: '00482a5a-887f-4fb3-b363-3b7fe8e74483', roleName: 'Key Vault Administrator', description: 'Perform all data plane operations on a key vault and all objects in it.', actions: ['Microsoft.KeyVault/vaults/*/read'], dataActions: ['Microsoft.KeyVault/vaults/*'] },
  { guid: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', roleName: 'Storage Blob Data Reader', description: 'Read and list Azure Storage containers and blobs.', actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read'], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] },
  { guid: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', roleName: 'Storage Blob Data Contributor', description: 'Read, write, and delete Azure Storage containers and blobs.', actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/*'], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'] },
  { guid: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', roleName: 'Storage Blob Data Owner', description: 'Provides full access to Azure Storage blob containers and data, including assigning POSIX access control.', actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/*'], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'] },
  { guid: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0', roleName: 'Azure Service Bus Data Receiver', description: 'Allows for receive access to Azure Service Bus resources.', actions: ['Microsoft.ServiceBus/*/queues/read'], dataActions: ['Microsoft.ServiceBus/*/receive/action'] },
  { guid: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39', roleName: 'Azure Service Bus Data Sender', description: 'Allows for send access to Azure Service Bus resources.', actions: ['Microsoft.ServiceBus/*/queues/read'], dataActions: ['Microsoft.ServiceBus/*/send/action'] },
  { guid: '090c5cfd-751d-490a-894a-3ce6f1109419', roleName: 'Azure Service Bus Data Owner', description: 'Allows for full access to Azure Service Bus resources.', actions: ['Microsoft.ServiceBus/*'], dataActions: ['Microsoft.ServiceBus/*'] },
  { guid: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59', roleName: 'Managed Identity Contributor', description: 'Create, Read, Update, and Delete User Assigned Identity', actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*'] },
  { guid: 'f1a07417-d97a-45cb-824c-7a7467783830', roleName: 'Managed Identity Operator', description: 'Read and Assign User Assigned Identity', actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action'] },
];

export const ROLE = Object.fromEntries(BUILT_IN_ROLES.map((r) => [r.roleName, r.guid])) as Record<string, string>;

/** A service principal tests sign in as with a client secret (the "signed-in user" of a diagnosis). */
export interface TestPrincipal {
  clientId: string;
  objectId: string;
  tenantId: string;
  displayName: string;
  secret: string;
}

export const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const FIC_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';

const lower = (s: string): string => s.toLowerCase();

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, (m) => (m === '.000Z' ? 'Z' : m));
}

export class CloudState {
  readonly tenants = new Map<string, Tenant>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly resources = new Map<string, ArmResource>();
  /** Federated credentials per managed identity (key: the identity's ID, lower case). */
  readonly fics = new Map<string, FicRecord[]>();
  readonly apps: AppRegistration[] = [];
  readonly principals: TestPrincipal[] = [];
  readonly roleAssignments: RoleAssignment[] = [];
  readonly roleDefinitions: RoleDefinition[] = [...BUILT_IN_ROLES];
  /** Resource groups (key: `<subscription>/<group>`, lower case), each with its name as created. */
  readonly resourceGroups = new Map<string, { subscriptionId: string; name: string; location: string }>();

  constructor(readonly now = Date.now()) {}

  // ---- Building -------------------------------------------------------------------------------

  addTenant(t: Tenant): Tenant {
    this.tenants.set(lower(t.id), t);
    return t;
  }

  addSubscription(s: Subscription): Subscription {
    this.subscriptions.set(lower(s.subscriptionId), s);
    return s;
  }

  addResource(r: Omit<ArmResource, 'id'> & { id?: string }): ArmResource {
    const provider = r.type.split('/')[0]!;
    const rest = r.type.split('/').slice(1).join('/');
    const id = r.id ?? `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/${provider}/${rest}/${r.name}`;
    const res: ArmResource = { ...r, id };
    this.resources.set(lower(id), res);
    this.addResourceGroup(r.subscriptionId, r.resourceGroup, r.location);
    return res;
  }

  addResourceGroup(subscriptionId: string, name: string, location = 'eastus'): void {
    const k = lower(`${subscriptionId}/${name}`);
    if (!this.resourceGroups.has(k)) this.resourceGroups.set(k, { subscriptionId, name, location });
  }

  resourceGroup(subscriptionId: string, name: string): { subscriptionId: string; name: string; location: string } | undefined {
    return this.resourceGroups.get(lower(`${subscriptionId}/${name}`));
  }

  addIdentity(o: { subscriptionId: string; resourceGroup: string; name: string; clientId: string; principalId: string; location?: string; tags?: Record<string, string> }): ArmResource {
    const sub = this.subscription(o.subscriptionId);
    if (!sub) throw new Error(`fake-azure: no subscription ${o.subscriptionId}`);
    const r = this.addResource({
      name: o.name,
      type: IDENTITY_TYPE,
      location: o.location ?? 'eastus',
      subscriptionId: o.subscriptionId,
      resourceGroup: o.resourceGroup,
      tags: o.tags ?? {},
      properties: { isolationScope: 'None', tenantId: sub.tenantId, principalId: o.principalId, clientId: o.clientId },
    });
    this.fics.set(lower(r.id), this.fics.get(lower(r.id)) ?? []);
    return r;
  }

  addFic(identity: ArmResource, f: Omit<FicRecord, 'createdAt' | 'lastModifiedAt' | 'createdBy'> & { createdAt?: number; createdBy?: string }): FicRecord {
    const list = this.fics.get(lower(identity.id)) ?? [];
    const at = iso(f.createdAt ?? this.now - 30 * 86_400_000);
    const rec: FicRecord = { name: f.name, issuer: f.issuer, subject: f.subject, audiences: [...f.audiences], ...(f.description ? { description: f.description } : {}), createdAt: at, lastModifiedAt: at, createdBy: f.createdBy ?? 'platform-admin@contoso.onmicrosoft.com' };
    list.push(rec);
    this.fics.set(lower(identity.id), list);
    return rec;
  }

  addRoleAssignment(o: { scope: string; principalId: string; role: string; principalType?: RoleAssignment['principalType']; name?: string; createdOn?: number }): RoleAssignment {
    const guid = ROLE[o.role] ?? o.role;
    if (!this.roleDefinitions.some((d) => d.guid === guid)) throw new Error(`fake-azure: unknown role ${o.role}`);
    const ra: RoleAssignment = {
      name: o.name ?? randomUUID(),
      scope: o.scope,
      principalId: o.principalId,
      principalType: o.principalType ?? 'ServicePrincipal',
      roleDefinition: guid,
      createdOn: iso(o.createdOn ?? this.now - 60 * 86_400_000),
    };
    this.roleAssignments.push(ra);
    return ra;
  }

  addApp(o: { tenantId: string; appId: string; displayName: string; objectId?: string; servicePrincipalId?: string; secrets?: string[] }): AppRegistration {
    const app: AppRegistration = {
      objectId: o.objectId ?? randomUUID(),
      appId: o.appId,
      displayName: o.displayName,
      tenantId: o.tenantId,
      servicePrincipalId: o.servicePrincipalId ?? randomUUID(),
      createdDateTime: iso(this.now - 200 * 86_400_000),
      federatedCredentials: [],
      secrets: o.secrets ?? [],
    };
    this.apps.push(app);
    return app;
  }

  addAppFic(app: AppRegistration, f: Omit<FicRecord, 'createdAt' | 'lastModifiedAt' | 'createdBy'> & { createdAt?: number }): AppFic {
    const at = iso(f.createdAt ?? this.now - 30 * 86_400_000);
    const rec: AppFic = { id: randomUUID(), name: f.name, issuer: f.issuer, subject: f.subject, audiences: [...f.audiences], ...(f.description ? { description: f.description } : {}), createdAt: at, lastModifiedAt: at, createdBy: 'platform-admin@contoso.onmicrosoft.com' };
    app.federatedCredentials.push(rec);
    return rec;
  }

  addPrincipal(p: TestPrincipal): TestPrincipal {
    this.principals.push(p);
    return p;
  }

  // ---- Lookups ----------------------------------------------------------------------------------

  /** A tenant by GUID or by its domain name. */
  tenant(idOrDomain: string): Tenant | undefined {
    const k = lower(idOrDomain);
    return this.tenants.get(k) ?? [...this.tenants.values()].find((t) => lower(t.domain) === k);
  }

  subscription(id: string): Subscription | undefined {
    return this.subscriptions.get(lower(id));
  }

  resource(id: string): ArmResource | undefined {
    return this.resources.get(lower(id.replace(/\/+$/, '')));
  }

  tenantOf(r: { subscriptionId: string }): string | undefined {
    return this.subscription(r.subscriptionId)?.tenantId;
  }

  identities(): ArmResource[] {
    return [...this.resources.values()].filter((r) => lower(r.type) === lower(IDENTITY_TYPE));
  }

  /** The user-assigned identity with this client ID in this tenant. */
  identityByClientId(clientId: string, tenantId: string): ArmResource | undefined {
    return this.identities().find((r) => lower(r.properties.clientId) === lower(clientId) && lower(this.tenantOf(r) ?? '') === lower(tenantId));
  }

  ficsOf(identity: ArmResource): FicRecord[] {
    const k = lower(identity.id);
    if (!this.fics.has(k)) this.fics.set(k, []);
    return this.fics.get(k)!;
  }

  appByAppId(appId: string, tenantId?: string): AppRegistration | undefined {
    return this.apps.find((a) => lower(a.appId) === lower(appId) && (tenantId === undefined || lower(a.tenantId) === lower(tenantId)));
  }

  appByObjectId(objectId: string, tenantId?: string): AppRegistration | undefined {
    return this.apps.find((a) => lower(a.objectId) === lower(objectId) && (tenantId === undefined || lower(a.tenantId) === lower(tenantId)));
  }

  principal(clientId: string, tenantId: string): TestPrincipal | undefined {
    return this.principals.find((p) => lower(p.clientId) === lower(clientId) && lower(p.tenantId) === lower(tenantId));
  }

  roleDefinition(guid: string): RoleDefinition | undefined {
    return this.roleDefinitions.find((d) => lower(d.guid) === lower(guid));
  }

  /** The ARM ID of a role definition, as a role assignment at `scope` names it. */
  roleDefinitionId(guid: string, scope: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    return `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  }

  roleAssignmentId(ra: RoleAssignment): string {
    return `${ra.scope === '/' ? '' : ra.scope}/providers/Microsoft.Authorization/roleAssignments/${ra.name}`;
  }

  /** A role assignment's `properties`, as ARM and the `AuthorizationResources` table both have them. */
  roleAssignmentProperties(ra: RoleAssignment): Json {
    return {
      roleDefinitionId: this.roleDefinitionId(ra.roleDefinition, ra.scope),
      principalId: ra.principalId,
      principalType: ra.principalType,
      scope: ra.scope,
      condition: null,
      conditionVersion: null,
      createdOn: ra.createdOn,
      updatedOn: ra.createdOn,
      createdBy: null,
      updatedBy: null,
      delegatedManagedIdentityResourceId: null,
      description: null,
    };
  }

  /** A built-in role definition's `properties` (ARM adds createdBy and updatedBy). */
  roleDefinitionProperties(d: RoleDefinition): Json {
    return {
      roleName: d.roleName,
      type: 'BuiltInRole',
      description: d.description,
      assignableScopes: ['/'],
      permissions: [{ actions: d.actions, notActions: d.notActions ?? [], dataActions: d.dataActions ?? [], notDataActions: [] }],
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2024-04-15T13:26:52.6035023Z',
    };
  }

  // ---- Resource Graph tables ----------------------------------------------------------------------

  /** The `Resources` table: every resource, with the columns Resource Graph has. */
  resourceRows(): Json[] {
    return [...this.resources.values()].map((r) => ({
      id: r.id,
      name: r.name,
      type: lower(r.type),
      tenantId: this.tenantOf(r) ?? '',
      kind: r.kind ?? '',
      location: r.location,
      // Resource Graph reports resource group names in lower case.
      resourceGroup: lower(r.resourceGroup),
      subscriptionId: r.subscriptionId,
      managedBy: '',
      sku: r.sku ?? null,
      plan: null,
      properties: r.properties,
      tags: r.tags ?? null,
      identity: r.identity ?? null,
      zones: null,
      extendedLocation: null,
    }));
  }

  /** The `AuthorizationResources` table: role assignments, and the role definitions (built-in ones belong to no subscription). */
  authorizationRows(): Json[] {
    const assignments = this.roleAssignments.map((ra) => {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(ra.scope)?.[1] ?? '';
      const rg = /\/resourceGroups\/([^/]+)/i.exec(ra.scope)?.[1] ?? '';
      return {
        id: this.roleAssignmentId(ra),
        name: ra.name,
        type: 'microsoft.authorization/roleassignments',
        tenantId: (sub && this.subscription(sub)?.tenantId) || '',
        kind: '',
        location: '',
        resourceGroup: lower(rg),
        subscriptionId: sub,
        managedBy: '',
        sku: null,
        plan: null,
        properties: this.roleAssignmentProperties(ra),
        tags: null,
        identity: null,
        zones: null,
        extendedLocation: null,
      };
    });
    const definitions = this.roleDefinitions.map((d) => ({
      id: `/providers/Microsoft.Authorization/RoleDefinitions/${d.guid}`,
      name: d.guid,
      type: 'microsoft.authorization/roledefinitions',
      tenantId: '',
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: '',
      managedBy: '',
      sku: null,
      plan: null,
      properties: this.roleDefinitionProperties(d),
      tags: null,
      identity: null,
      zones: null,
      extendedLocation: null,
    }));
    return [...assignments, ...definitions];
  }

  /** The `ResourceContainers` table: subscriptions and resource groups. */
  containerRows(): Json[] {
    const subs = [...this.subscriptions.values()].map((s) => ({
      id: `/subscriptions/${s.subscriptionId}`,
      name: s.displayName,
      type: 'microsoft.resources/subscriptions',
      tenantId: s.tenantId,
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: s.subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      properties: { state: 'Enabled', subscriptionPolicies: { quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' } },
      tags: null,
      identity: null,
      zones: null,
      extendedLocation: null,
    }));
    const groups = [...this.resourceGroups.values()].map((g) => ({
        id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`,
        name: g.name,
        type: 'microsoft.resources/subscriptions/resourcegroups',
        tenantId: this.tenantOf(g) ?? '',
        kind: '',
        location: g.location,
        resourceGroup: lower(g.name),
        subscriptionId: g.subscriptionId,
        managedBy: '',
        sku: null,
        plan: null,
        properties: { provisioningState: 'Succeeded' },
        tags: null,
        identity: null,
        zones: null,
        extendedLocation: null,
    }));
    return [...subs, ...groups];
  }
}

export const RESOURCE_COLUMNS = ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'] as const;
