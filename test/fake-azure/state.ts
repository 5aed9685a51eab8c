// The fake cloud's data: tenants, management groups, subscriptions, ARM resources (managed
// identities, AKS clusters, Key Vaults, storage accounts, Service Bus and Event Hubs namespaces,
// Cosmos DB accounts), federated identity credentials, role assignments (at any scope, management
// groups included), the built-in role definitions (roles.ts) and custom ones, app registrations with their service principals
// (Graph), and the service principals tests sign in as. The ARM, Resource Graph, Graph and Entra
// fakes all read and write this one object, so a credential created through ARM is what Entra
// matches the next token against.

import { randomUUID } from 'node:crypto';
import { BUILT_IN_ROLES, ROLE, type RoleDefinition } from './roles';

export { BUILT_IN_ROLES, ROLE, type RoleDefinition };

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
  /** The management group it sits in (see placeSubscription); none: outside the hierarchy. */
  managementGroup?: string;
}

/** A management group; the tenant root group's name is the tenant ID. */
export interface ManagementGroup {
  name: string;
  displayName: string;
  tenantId: string;
  /** Its parent's name; none for the tenant root group. */
  parent?: string;
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
  /** An ABAC condition (conditionVersion 2.0), e.g. on the blob container name. */
  condition?: string;
}

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
  /** Management groups by name (lower case). */
  readonly managementGroups = new Map<string, ManagementGroup>();
  /**
   * Rows Resource Graph still lists although ARM no longer has the resource (deleted minutes ago:
   * Resource Graph is an index that follows ARM with a delay).
   */
  readonly staleGraphRows: ArmResource[] = [];
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

  /** A management group under `parent` (default: the tenant root group, created on first use). */
  addManagementGroup(o: { name: string; displayName?: string; tenantId: string; parent?: string }): ManagementGroup {
    const root = this.rootGroup(o.tenantId);
    const mg: ManagementGroup = { name: o.name, displayName: o.displayName ?? o.name, tenantId: o.tenantId, parent: o.parent ?? root.name };
    this.managementGroups.set(lower(mg.name), mg);
    return mg;
  }

  /** The tenant root group (name = tenant ID, displayName "Tenant Root Group"). */
  rootGroup(tenantId: string): ManagementGroup {
    let root = this.managementGroups.get(lower(tenantId));
    if (!root) {
      root = { name: tenantId, displayName: 'Tenant Root Group', tenantId };
      this.managementGroups.set(lower(tenantId), root);
    }
    return root;
  }

  /** Move a subscription under a management group. */
  placeSubscription(subscriptionId: string, managementGroup: string): void {
    const sub = this.subscription(subscriptionId);
    if (!sub) throw new Error(`fake-azure: no subscription ${subscriptionId}`);
    if (!this.managementGroups.has(lower(managementGroup))) throw new Error(`fake-azure: no management group ${managementGroup}`);
    sub.managementGroup = managementGroup;
  }

  /** The management groups above `name` and itself, nearest first: Resource Graph's managementGroupAncestorsChain shape. */
  managementGroupChain(name: string | undefined): { displayName: string; name: string }[] {
    const out: { displayName: string; name: string }[] = [];
    for (let mg = name ? this.managementGroups.get(lower(name)) : undefined; mg; mg = mg.parent ? this.managementGroups.get(lower(mg.parent)) : undefined) out.push({ displayName: mg.displayName, name: mg.name });
    return out;
  }

  /** A custom role definition (type CustomRole) with its assignable scopes. */
  addCustomRole(o: Omit<RoleDefinition, 'type' | 'description'> & { description?: string }): RoleDefinition {
    const d: RoleDefinition = { ...o, type: 'CustomRole', description: o.description ?? '' };
    this.roleDefinitions.push(d);
    return d;
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

  addRoleAssignment(o: { scope: string; principalId: string; role: string; principalType?: RoleAssignment['principalType']; name?: string; createdOn?: number; condition?: string }): RoleAssignment {
    const guid = ROLE[o.role] ?? o.role;
    if (!this.roleDefinitions.some((d) => d.guid === guid)) throw new Error(`fake-azure: unknown role ${o.role}`);
    const ra: RoleAssignment = {
      name: o.name ?? randomUUID(),
      scope: o.scope,
      principalId: o.principalId,
      principalType: o.principalType ?? 'ServicePrincipal',
      roleDefinition: guid,
      createdOn: iso(o.createdOn ?? this.now - 60 * 86_400_000),
      ...(o.condition ? { condition: o.condition } : {}),
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

  /** The ARM ID of a role definition, as a role assignment at `scope` names it (at a management group: tenant-level). */
  roleDefinitionId(guid: string, scope: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    return `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  }

  /** Whether `viewer` (an object ID) may read the definition. */
  canReadDefinition(d: RoleDefinition, viewer: string | undefined): boolean {
    return !viewer || !(d.unreadableBy ?? []).some((x) => lower(x) === lower(viewer));
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
      condition: ra.condition ?? null,
      conditionVersion: ra.condition ? '2.0' : null,
      createdOn: ra.createdOn,
      updatedOn: ra.createdOn,
      createdBy: null,
      updatedBy: null,
      delegatedManagedIdentityResourceId: null,
      description: null,
    };
  }

  /** A role definition's `properties` (ARM adds createdBy and updatedBy). */
  roleDefinitionProperties(d: RoleDefinition): Json {
    return {
      roleName: d.roleName,
      type: d.type ?? 'BuiltInRole',
      description: d.description,
      assignableScopes: d.assignableScopes ?? ['/'],
      permissions: [{ actions: d.actions, notActions: d.notActions ?? [], dataActions: d.dataActions ?? [], notDataActions: d.notDataActions ?? [] }],
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2024-04-15T13:26:52.6035023Z',
    };
  }

  // ---- Resource Graph tables ----------------------------------------------------------------------

  /** The `Resources` table: every resource, with the columns Resource Graph has. */
  resourceRows(): Json[] {
    return [...this.resources.values(), ...this.staleGraphRows].map((r) => ({
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

  /**
   * The `AuthorizationResources` table as `viewer` (an object ID) sees it: role assignments, and the
   * role definitions it may read (built-in ones belong to no subscription; a custom one to the
   * subscription of its first assignable scope that names one).
   */
  authorizationRows(viewer?: string): Json[] {
    const assignments = this.roleAssignments.map((ra) => {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(ra.scope)?.[1] ?? '';
      const rg = /\/resourceGroups\/([^/]+)/i.exec(ra.scope)?.[1] ?? '';
      const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i.exec(ra.scope)?.[1];
      return {
        id: this.roleAssignmentId(ra),
        name: ra.name,
        type: 'microsoft.authorization/roleassignments',
        tenantId: (sub && this.subscription(sub)?.tenantId) || (mg && this.managementGroups.get(lower(mg))?.tenantId) || '',
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
    const definitions = this.roleDefinitions.filter((d) => this.canReadDefinition(d, viewer)).map((d) => {
      const sub = d.type === 'CustomRole' ? (d.assignableScopes ?? []).map((s) => /^\/subscriptions\/([^/]+)/i.exec(s)?.[1]).find(Boolean) ?? '' : '';
      return {
      id: `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/RoleDefinitions/${d.guid}`,
      name: d.guid,
      type: 'microsoft.authorization/roledefinitions',
      tenantId: (sub && this.subscription(sub)?.tenantId) || '',
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: sub,
      managedBy: '',
      sku: null,
      plan: null,
      properties: this.roleDefinitionProperties(d),
      tags: null,
      identity: null,
      zones: null,
      extendedLocation: null,
      };
    });
    return [...assignments, ...definitions];
  }

  /** The `ResourceContainers` table: subscriptions (with their management-group ancestors), resource groups, management groups. */
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
      properties: {
        state: 'Enabled',
        subscriptionPolicies: { quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
        ...(s.managementGroup ? { managementGroupAncestorsChain: this.managementGroupChain(s.managementGroup) } : {}),
      },
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
    const mgs = [...this.managementGroups.values()].map((mg) => ({
      id: `/providers/Microsoft.Management/managementGroups/${mg.name}`,
      name: mg.name,
      type: 'microsoft.management/managementgroups',
      tenantId: mg.tenantId,
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: '',
      managedBy: '',
      sku: null,
      plan: null,
      properties: { displayName: mg.displayName, details: { managementGroupAncestorsChain: this.managementGroupChain(mg.parent) } },
      tags: null,
      identity: null,
      zones: null,
      extendedLocation: null,
    }));
    return [...subs, ...groups, ...mgs];
  }
}

export const RESOURCE_COLUMNS = ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'] as const;
