// Azure RBAC as Azure evaluates it, without I/O: whether a role definition grants an operation,
// whether an assignment's scope covers a resource (management groups included), which of a
// principal's assignments grant the data actions a resource needs, and what a Key Vault access
// policy grants. The rules, from Microsoft's Azure RBAC documentation:
//   - Permission strings are case-insensitive; `*` extends a permission to everything that matches
//     the string, `/` included (`Microsoft.EventHub/*/send/action`, `*/read`, `*`).
//   - Effective permissions are Actions minus NotActions, and DataActions minus NotDataActions;
//     NotActions are not a deny: another assignment granting the operation still grants it.
//   - Actions are the management plane, DataActions the data plane: `*` in Actions (Owner,
//     Contributor) grants no data action, so Owner cannot read a secret.
//   - An assignment applies at its scope and every scope below it: management group, subscription,
//     resource group, resource.
// Conditions on assignments and deny assignments are not evaluated here (callers say so).

import type { AzureResource, KeyVaultAccessPolicy, RoleAssignment, RoleDefinition, RolePermission } from './types';

const compiled = new Map<string, RegExp>();

/** Whether an Azure permission pattern (wildcards allowed) matches an operation, case-insensitively. */
export function operationMatches(pattern: string, operation: string): boolean {
  const key = pattern.toLowerCase();
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^${key.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    compiled.set(key, re);
  }
  return re.test(operation);
}

export type Plane = 'control' | 'data';

function blockGrants(p: RolePermission, operation: string, plane: Plane): boolean {
  const allow = plane === 'data' ? p.dataActions : p.actions;
  const except = plane === 'data' ? p.notDataActions : p.notActions;
  return (allow ?? []).some((a) => operationMatches(a, operation)) && !(except ?? []).some((a) => operationMatches(a, operation));
}

/**
 * Whether a role definition grants `operation` on `plane`. Each permission block is evaluated on its
 * own (its Not* subtract from its own list) and the blocks add up, as Azure adds up assignments.
 */
export function grants(definition: RoleDefinition, operation: string, plane: Plane): boolean {
  return definition.permissions.some((p) => blockGrants(p, operation, plane));
}

/** Whether the definition lists an operation in NotDataActions (or NotActions) of a block that would otherwise grant it. */
export function excludes(definition: RoleDefinition, operation: string, plane: Plane): boolean {
  return definition.permissions.some((p) => {
    const allow = plane === 'data' ? p.dataActions : p.actions;
    const except = plane === 'data' ? p.notDataActions : p.notActions;
    return (allow ?? []).some((a) => operationMatches(a, operation)) && (except ?? []).some((a) => operationMatches(a, operation));
  });
}

/** Whether the definition has any data action at all: without one it is a management-plane role. */
export function hasDataActions(definition: RoleDefinition): boolean {
  return definition.permissions.some((p) => (p.dataActions ?? []).length > 0);
}

// ---- Scopes ------------------------------------------------------------------------------------

const MG = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/?$/i;

const norm = (s: string): string => s.toLowerCase().replace(/\/+$/, '') || '/';

export type ScopeLevel = 'root' | 'management-group' | 'subscription' | 'resource-group' | 'resource';

export function scopeLevel(scope: string): ScopeLevel {
  const s = norm(scope);
  if (s === '/') return 'root';
  if (MG.test(s)) return 'management-group';
  if (/^\/subscriptions\/[^/]+$/.test(s)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(s)) return 'resource-group';
  return 'resource';
}

/** The management group a scope names, if it is one. */
export function managementGroupOf(scope: string): string | undefined {
  return MG.exec(scope.replace(/\/+$/, ''))?.[1];
}

export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}

/**
 * Whether an assignment at `scope` applies to `resourceId`: the same ID or an ancestor at a path
 * boundary, the root scope `/`, or a management group among `managementGroups` — the ancestors of
 * the resource's subscription (Resource Graph's `managementGroupAncestorsChain` names; the tenant
 * root group's name is the tenant ID).
 */
export function scopeCovers(scope: string, resourceId: string, managementGroups: readonly string[] = []): boolean {
  const s = norm(scope);
  if (s === '/') return true;
  const mg = managementGroupOf(s);
  if (mg) return managementGroups.some((m) => m.toLowerCase() === mg.toLowerCase());
  const r = norm(resourceId);
  return r === s || r.startsWith(`${s}/`);
}

/** A scope in words: "kv-prod", "resource group rg-payments", "subscription …", "management group mg-x", "the root scope". */
export function describeScope(scope: string): string {
  const s = scope.replace(/\/+$/, '');
  const mg = managementGroupOf(s);
  if (mg) return `management group ${mg}`;
  if (!s) return 'the root scope (/)';
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(s);
  if (rg) return `resource group ${rg[1]}`;
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(s);
  if (sub) return `subscription ${sub[1]}`;
  return s.split('/').pop() || s;
}

/**
 * The management groups above a resource's subscription, nearest first, as findResources attaches
 * them (from Resource Graph's ResourceContainers); empty when unknown.
 */
export function managementGroupsOf(resource: AzureResource): string[] {
  return resource.managementGroups ?? [];
}

// ---- What a principal's assignments grant on a resource -------------------------------------------

/** Data actions that together do one thing; a need is met by any one of its alternatives. */
export interface DataNeed {
  id: string;
  /** "read secrets", "send". */
  label: string;
  anyOf: readonly (readonly string[])[];
  /** Where the operations are: the data plane (DataActions, the default) or the management plane (Actions: a DNS zone's record sets). */
  plane?: Plane;
  /**
   * A data-plane operation authorised by an Action (Storage's Get Queue Metadata: `…/queues/read`):
   * only roles with data actions count, as storage admits only "roles explicitly defined for data access".
   */
  dataRolesOnly?: boolean;
}

export interface NeedVerdict {
  need: DataNeed;
  granted: boolean;
  /** The assignments that grant it (for the first alternative met). */
  by: RoleAssignment[];
  /** Assignments over the resource whose definition could not be read: they may grant it. */
  unknown: RoleAssignment[];
}

/** The assignments that apply to `resourceId` (at it or any ancestor scope). */
export function covering(assignments: readonly RoleAssignment[], resourceId: string, managementGroups: readonly string[] = []): RoleAssignment[] {
  return assignments.filter((a) => scopeCovers(a.scope, resourceId, managementGroups));
}

/**
 * For each need, which assignments over the resource grant it on the data plane. Assignments add up
 * (one role may grant one action of an alternative and another role the other).
 */
export function evaluateNeeds(assignments: readonly RoleAssignment[], resourceId: string, needs: readonly DataNeed[], managementGroups: readonly string[] = []): NeedVerdict[] {
  const over = covering(assignments, resourceId, managementGroups);
  const unknown = over.filter((a) => !a.definition);
  return needs.map((need) => {
    for (const alt of need.anyOf) {
      const by: RoleAssignment[] = [];
      const met = alt.every((op) => {
        const a = over.find((x) => x.definition && (!need.dataRolesOnly || hasDataActions(x.definition)) && grants(x.definition, op, need.plane ?? 'data'));
        if (a && !by.includes(a)) by.push(a);
        return !!a;
      });
      if (met) return { need, granted: true, by, unknown: [] };
    }
    return { need, granted: false, by: [], unknown };
  });
}

/** What makes a management role broad: changing resources of every provider, or granting roles (to itself too). */
export interface Breadth {
  managesEverything: boolean;
  assignsRoles: boolean;
}

// Writes in unrelated providers: a role that grants all of them is not scoped to a service.
const EVERY_PROVIDER = ['Microsoft.Compute/virtualMachines/write', 'Microsoft.Network/virtualNetworks/write', 'Microsoft.Storage/storageAccounts/write', 'Microsoft.KeyVault/vaults/write'];

export function breadth(definition: RoleDefinition): Breadth {
  return {
    managesEverything: EVERY_PROVIDER.every((op) => grants(definition, op, 'control')),
    assignsRoles: grants(definition, 'Microsoft.Authorization/roleAssignments/write', 'control'),
  };
}

// ---- Key Vault access policies ----------------------------------------------------------------------

export type VaultObject = 'secrets' | 'keys' | 'certificates';

export interface PolicyGrants {
  /** Permissions of the principal's own policies (no applicationId), lower case, per object type. */
  permissions: Record<VaultObject, string[]>;
  /** Whether any own policy exists. */
  found: boolean;
  /** Compound-identity policies (objectId + applicationId): they apply only when that application acts for the principal. */
  compound: KeyVaultAccessPolicy[];
}

/** What a vault's access policies grant `objectId` (the vault's data plane when enableRbacAuthorization is not true). */
export function accessPolicyGrants(policies: readonly KeyVaultAccessPolicy[] | undefined, objectId: string): PolicyGrants {
  const mine = (policies ?? []).filter((p) => p.objectId.toLowerCase() === objectId.toLowerCase());
  const own = mine.filter((p) => !p.applicationId);
  const perms = (k: VaultObject): string[] => [...new Set(own.flatMap((p) => (p.permissions[k] ?? []).map((x) => x.toLowerCase())))];
  return { permissions: { secrets: perms('secrets'), keys: perms('keys'), certificates: perms('certificates') }, found: own.length > 0, compound: mine.filter((p) => !!p.applicationId) };
}

/** Whether policy permissions include `permission` (`all` includes every one). */
export function policyAllows(permissions: readonly string[], permission: string): boolean {
  return permissions.includes(permission.toLowerCase()) || permissions.includes('all');
}
