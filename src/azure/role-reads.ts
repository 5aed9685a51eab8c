// What AzureClient reads to judge access by permissions: a principal's role assignments with
// their definitions, the resources a workload uses with what decides their data access, and the
// roles the signed-in principal holds over a scope. Few requests: one Resource Graph query for the
// assignments (inherited ones from management groups included), one for the definitions they
// name, an ARM read only for a definition Resource Graph does not list, one query for the
// resources (their subscriptions' management groups joined in), and one for management-group
// ancestry only when the signed-in principal holds a role at a management group.

import { jsonScalarText } from '../util/scalar-text';
import type { AzureCall } from './failures';
import { grants, managementGroupOf, scopeCovers, subscriptionOf } from './permissions';
import { Queries } from './queries';
import { azErr, azOk, type AzureFailure, type AzureResource, type AzureResult, type KeyVaultAccessPolicy, type RoleAssignment, type RoleDefinition, type RolePermission } from './types';

/** The two ways to read Azure the functions here need; AzureClient provides them. */
export interface RbacPort {
  /** A Resource Graph query, all pages; `options` are added to the request's options. */
  query<T>(query: string, call: AzureCall, signal?: AbortSignal, options?: Record<string, unknown>): Promise<AzureResult<T[]>>;
  /** An ARM GET of a resource ID. */
  armGet<T>(id: string, apiVersion: string, call: AzureCall, signal?: AbortSignal): Promise<AzureResult<T>>;
}

/**
 * Resource Graph returns only assignments at and below the scopes queried unless told otherwise;
 * AtScopeAboveAndBelow adds those inherited from management groups and the root.
 */
const INHERITED = { authorizationScopeFilter: 'AtScopeAboveAndBelow' };
const ROLE_DEFINITIONS_API = '2022-04-01';

interface AssignmentRow {
  id: string;
  scope: string;
  roleDefinitionId: string;
  principalType?: string;
  condition?: string;
}

interface DefinitionRow {
  id: string;
  name: string;
  roleName?: string;
  roleType?: string;
  permissions?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function permissionsOf(v: unknown): RolePermission[] {
  return (Array.isArray(v) ? v : []).map((p: Record<string, unknown>) => ({
    actions: strings(p?.actions),
    notActions: strings(p?.notActions),
    dataActions: strings(p?.dataActions),
    notDataActions: strings(p?.notDataActions),
  }));
}

const guidOf = (roleDefinitionId: string): string => roleDefinitionId.split('/').pop()!.toLowerCase();

/** Why a definition could not be read, in one clause. */
function unreadable(f: AzureFailure): string {
  if (f.kind === 'forbidden') return `Resource Graph does not list it and ARM refused to read it (403${f.code ? ` ${f.code}` : ''}${f.action ? `: you lack ${f.action}${f.scope ? ` over ${f.scope}` : ''}` : ''})`;
  return `Resource Graph does not list it and ARM could not read it (${f.status ? `HTTP ${f.status}` : f.kind}${f.code ? ` ${f.code}` : ''})`;
}

/** The definitions of these role definition IDs, by GUID: from Resource Graph, else ARM (404: deleted, so it grants nothing). */
async function readDefinitions(port: RbacPort, ids: readonly string[], signal?: AbortSignal): Promise<AzureResult<Map<string, { definition?: RoleDefinition; error?: string }>>> {
  const out = new Map<string, { definition?: RoleDefinition; error?: string }>();
  const guids = [...new Set(ids.map(guidOf))];
  if (!guids.length) return azOk(out);
  const d = await port.query<DefinitionRow>(Queries.roleDefinitions(guids), { what: 'read role definitions with Resource Graph', role: 'Reader' }, signal);
  if (!d.ok) return d;
  for (const row of d.value) {
    const g = row.name.toLowerCase();
    if (!out.has(g)) out.set(g, { definition: { id: row.id, roleName: row.roleName ?? g, type: row.roleType ?? '', permissions: permissionsOf(row.permissions) } });
  }
  for (const id of ids) {
    const g = guidOf(id);
    if (out.has(g)) continue;
    const r = await port.armGet<{ id?: string; properties?: { roleName?: string; type?: string; permissions?: unknown } }>(id, ROLE_DEFINITIONS_API, { what: `read role definition ${g}`, role: 'Reader' }, signal);
    if (r.ok) out.set(g, { definition: { id: r.value.id ?? id, roleName: r.value.properties?.roleName ?? g, type: r.value.properties?.type ?? '', permissions: permissionsOf(r.value.properties?.permissions) } });
    else if (r.failure.kind === 'cancelled') return azErr(r.failure);
    // A definition that no longer exists grants nothing (its assignments show as "Unknown" in the portal).
    else if (r.failure.kind === 'not-found') out.set(g, { definition: { id, roleName: `deleted role ${g}`, type: 'NotFound', permissions: [] } });
    else out.set(g, { error: unreadable(r.failure) });
  }
  return azOk(out);
}

/** A principal's role assignments (at any scope, inherited ones included), each with its definition or why it could not be read. */
export async function readRoleAssignments(port: RbacPort, principalId: string, call: AzureCall, signal?: AbortSignal): Promise<AzureResult<RoleAssignment[]>> {
  const r = await port.query<AssignmentRow>(Queries.roleAssignments(principalId), call, signal, INHERITED);
  if (!r.ok) return r;
  const defs = await readDefinitions(port, r.value.map((a) => a.roleDefinitionId), signal);
  if (!defs.ok) return defs;
  return azOk(
    r.value.map((a) => {
      const d = defs.value.get(guidOf(a.roleDefinitionId));
      return {
        id: a.id,
        scope: a.scope,
        roleDefinitionId: a.roleDefinitionId,
        ...(d?.definition ? { roleName: d.definition.roleName, definition: d.definition } : {}),
        ...(d?.error ? { definitionError: d.error } : {}),
        ...(a.principalType ? { principalType: a.principalType } : {}),
        ...(a.condition ? { condition: a.condition } : {}),
      };
    }),
  );
}

function policiesOf(v: unknown): KeyVaultAccessPolicy[] {
  return (Array.isArray(v) ? v : []).map((p: Record<string, unknown>) => {
    const perms = (p?.permissions ?? {}) as Record<string, unknown>;
    return {
      tenantId: jsonScalarText(p?.tenantId),
      objectId: jsonScalarText(p?.objectId),
      ...(typeof p?.applicationId === 'string' && p.applicationId ? { applicationId: p.applicationId } : {}),
      permissions: { keys: strings(perms.keys), secrets: strings(perms.secrets), certificates: strings(perms.certificates), storage: strings(perms.storage) },
    };
  });
}

const bool = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);

/** Names in a managementGroupAncestorsChain ([{ displayName, name }], nearest first). */
const chainNames = (v: unknown): string[] => (Array.isArray(v) ? v.map((m: { name?: unknown }) => (typeof m?.name === 'string' ? m.name : '')).filter(Boolean) : []);

/**
 * The resources by type and name, with what decides their data access. Each also carries
 * `managementGroups`, the management groups above its subscription (nearest first), read through
 * `managementGroupsOf` (permissions.ts).
 */
export async function readResources(port: RbacPort, byType: readonly { type: string; names: string[] }[], signal?: AbortSignal): Promise<AzureResult<AzureResource[]>> {
  const wanted = byType.filter((t) => t.names.length);
  if (!wanted.length) return azOk([]);
  const r = await port.query<Record<string, unknown>>(Queries.resourcesByName(wanted), { what: 'find the Azure resources the workload uses with Resource Graph', role: 'Reader' }, signal);
  if (!r.ok) return r;
  return azOk(
    r.value.map((row) => {
      const res: AzureResource = { id: String(row.id), name: String(row.name), type: String(row.type), managementGroups: chainNames(row.managementGroups) };
      const subscriptionId = jsonScalarText(row.subscriptionId);
      if (subscriptionId) res.subscriptionId = subscriptionId;
      const rbac = bool(row.enableRbacAuthorization);
      if (rbac !== undefined) res.enableRbacAuthorization = rbac;
      if (Array.isArray(row.accessPolicies)) res.accessPolicies = policiesOf(row.accessPolicies);
      const shared = bool(row.allowSharedKeyAccess);
      if (shared !== undefined) res.allowSharedKeyAccess = shared;
      const local = bool(row.disableLocalAuth);
      if (local !== undefined) res.disableLocalAuth = local;
      return res;
    }),
  );
}

/**
 * The roles `objectId` holds at `scope` or above it whose definitions grant the management-plane
 * `action`. Management-group ancestry is read only when one of its assignments is at a management group.
 */
export async function readHeldRoles(port: RbacPort, objectId: string, action: string, scope: string, signal?: AbortSignal): Promise<AzureResult<{ roleName: string; scope: string }[]>> {
  const mine = await readRoleAssignments(port, objectId, { what: 'list your role assignments with Resource Graph', role: 'Reader' }, signal);
  if (!mine.ok) return mine;
  let groups: string[] = [];
  const sub = subscriptionOf(scope);
  if (sub && mine.value.some((a) => managementGroupOf(a.scope))) {
    const anc = await port.query<{ subscriptionId: string; managementGroups: unknown }>(Queries.managementGroupAncestry([sub]), { what: 'read the management groups above the subscription with Resource Graph', role: 'Reader' }, signal);
    if (!anc.ok) return anc;
    groups = anc.value.flatMap((row) => chainNames(row.managementGroups));
  }
  return azOk(
    mine.value
      .filter((a) => a.definition && scopeCovers(a.scope, scope, groups) && grants(a.definition, action, 'control'))
      .map((a) => ({ roleName: a.definition!.roleName, scope: a.scope })),
  );
}
