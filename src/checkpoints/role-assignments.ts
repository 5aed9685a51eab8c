// role-assignments: what the identity may do in Azure. Lists its role assignments (scope and role
// name), warns on broad management roles at subscription or resource-group scope, and, for the
// Azure resources the workload evidently calls (endpoints in its env and ConfigMaps), says whether
// a data-plane role covers each one — naming the missing role ("Key Vault Secrets User on kv-prod").

import { Resources } from '../cluster/resources';
import type { KubeObject } from '../cluster/types';
import { covers, dedupe, resourcesIn, type UsedResource } from '../azure/resource-endpoints';
import { azureFailed } from './azure-shared';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { allContainers, ev, listWords, shq } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';

const BROAD = new Set(['owner', 'contributor', 'user access administrator']);

export const roleAssignments: Checkpoint = {
  id: 'role-assignments',
  title: 'Role assignments',
  description: "The identity's role assignments: broad management roles at subscription or resource-group scope are flagged, and each Azure resource the workload calls (Key Vault, storage, Service Bus, App Configuration endpoints in its env and ConfigMaps) is covered by a data-plane role.",
  side: 'azure',
  needs: ['managed-identity'],
  fact: 'Data access needs a\n  DATA-PLANE role on the resource or an ancestor scope [...] Owner, Contributor\n  and User Access Administrator are management-plane roles: they do not grant data access',
  async run(ctx) {
    const identity = ctx.state.identity;
    if (!identity) throw new SkipCheckpoint(ctx.state.app ? 'Skipped: the client ID is an app registration; its service principal\'s role assignments are not checked.' : 'Skipped: no managed identity (see "managed-identity").');
    const azure = await ctx.azure();
    const r = await azure.listRoleAssignments(identity.principalId, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, `list the role assignments of ${identity.name}`);
    const assignments = r.value;
    const evidence: Evidence[] = [];
    const warnings: string[] = [];
    const problems: string[] = [];
    const remediation: Remediation[] = [];
    if (!assignments.length) evidence.push(ev('role assignments', 'none', 'warn'));
    for (const a of assignments) {
      const role = a.roleName ?? a.roleDefinitionId.split('/').pop()!;
      const broad = BROAD.has(role.toLowerCase()) && isSubscriptionOrGroup(a.scope);
      evidence.push(ev(role, a.scope, broad ? 'warn' : undefined));
      if (broad) warnings.push(`${role} at ${describeScope(a.scope)} is far more than a workload needs`);
    }

    const unreadable: string[] = [];
    const used = dedupe(await usedResources(ctx, unreadable));
    for (const u of unreadable) evidence.push(ev('not read', `${u} (its endpoints are not known)`, 'info'));
    if (used.length) {
      const found = await azure.findResources(groupByType(used), ctx.signal);
      if (!found.ok) return azureFailed(found.failure, 'find the Azure resources the workload uses');
      for (const u of used) {
        const res = found.value.find((f) => f.type.toLowerCase() === u.type && f.name.toLowerCase() === u.name);
        if (!res) {
          evidence.push(ev(`${u.kind} ${u.name}`, `used (${u.seenIn}) but not visible to you in Azure: its roles were not checked`, 'info'));
          continue;
        }
        if (res.enableRbacAuthorization === false) {
          evidence.push(ev(`${u.kind} ${u.name}`, `uses access policies, not Azure RBAC: check that one grants ${identity.name} (object ID ${identity.principalId}) access`, 'info'));
          continue;
        }
        const isDataRole = (a: { roleName?: string }) => u.roles.some((x) => x.toLowerCase() === (a.roleName ?? '').toLowerCase());
        const grant = assignments.find((a) => covers(a.scope, res.id) && isDataRole(a));
        if (grant) {
          evidence.push(ev(`${u.kind} ${u.name}`, `${grant.roleName} at ${describeScope(grant.scope)}`, 'ok'));
          continue;
        }
        // What cannot be judged from here is said, not failed: a data role at a management group
        // (its subscriptions are not resolved), or a custom role over the resource.
        const maybe = assignments.find((a) => (/^\/providers\/Microsoft\.Management\/managementGroups\//i.test(a.scope) && isDataRole(a)) || (covers(a.scope, res.id) && !BROAD.has((a.roleName ?? '').toLowerCase()) && (a.roleName ?? '').toLowerCase() !== 'reader' && !isDataRole(a)));
        if (maybe) {
          evidence.push(ev(`${u.kind} ${u.name}`, `${maybe.roleName ?? maybe.roleDefinitionId} at ${describeScope(maybe.scope)} may cover it (not verified)`, 'info'));
          continue;
        }
        evidence.push(ev(`${u.kind} ${u.name}`, `used (${u.seenIn}); no data-plane role covers it (roles through an Entra group are not seen)`, 'fail'));
        problems.push(`${u.suggest} on ${u.name} is missing`);
        remediation.push({
          text: `Grant ${u.suggest} on ${u.kind} ${u.name} to ${identity.name} (role assignments can take up to 10 minutes to apply, and Resource Graph can show a new one a few minutes late).`,
          command: `az role assignment create --role ${shq(u.suggest)} --assignee-object-id ${identity.principalId} --assignee-principal-type ServicePrincipal --scope ${shq(res.id)}`,
        });
      }
    } else evidence.push(ev('resources used', 'no Key Vault, storage, Service Bus or App Configuration endpoint found in the env or ConfigMaps', 'info'));

    if (warnings.length) remediation.push({ text: 'Replace broad roles with data-plane roles on the resources the workload calls.', command: `az role assignment list --assignee ${identity.principalId} --all -o table` });
    if (problems.length) return { status: 'fail', summary: `${identity.name} lacks a role on what the workload calls: ${listWords(problems)}.${warnings.length ? ` Also: ${listWords(warnings)}.` : ''}`, evidence, remediation };
    if (warnings.length) return { status: 'warn', summary: `${capital(listWords(warnings))}.`, evidence, remediation };
    if (!assignments.length) return { status: 'warn', summary: `${identity.name} has no role assignment: it can get a token, but every Azure call with it will be refused (403).`, evidence, remediation: [{ text: 'Grant the data-plane role the workload needs on the resource it calls.', command: `az role assignment create --role <role> --assignee-object-id ${identity.principalId} --assignee-principal-type ServicePrincipal --scope <resource-id>` }] };
    return { status: 'pass', summary: `${identity.name} has ${assignments.length} role assignment${assignments.length === 1 ? '' : 's'}${used.length ? ', covering every Azure resource the workload evidently calls' : ''}.`, evidence, remediation };
  },
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function isSubscriptionOrGroup(scope: string): boolean {
  return /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i.test(scope) || /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope) || scope === '/';
}

function describeScope(scope: string): string {
  const rg = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/?$/i.exec(scope);
  if (rg) return `resource group ${rg[2]}`;
  const sub = /^\/subscriptions\/([^/]+)\/?$/i.exec(scope);
  if (sub) return `subscription ${sub[1]}`;
  return scope.split('/').slice(-1)[0] || scope;
}

function groupByType(used: UsedResource[]): { type: string; names: string[] }[] {
  const m = new Map<string, Set<string>>();
  for (const u of used) m.set(u.type, (m.get(u.type) ?? new Set()).add(u.name));
  return [...m].map(([type, names]) => ({ type, names: [...names] }));
}

/** Endpoints in the pod template's env values and in the ConfigMaps it reads (Secrets are not read for this). */
async function usedResources(ctx: DiagnoseContext, unreadable: string[]): Promise<UsedResource[]> {
  const w = await ctx.workload();
  const out: UsedResource[] = [];
  const maps = new Map<string, string[]>(); // ConfigMap name → where it is read
  for (const c of allContainers(w.template)) {
    for (const e of c.env ?? []) {
      if (e.value) out.push(...resourcesIn(e.value, `env ${e.name} of container ${c.name}`));
      const ref = e.valueFrom?.configMapKeyRef;
      if (ref) maps.set(ref.name, [...(maps.get(ref.name) ?? []), `env ${e.name} of container ${c.name}`]);
    }
    for (const f of c.envFrom ?? []) if (f.configMapRef) maps.set(f.configMapRef.name, [...(maps.get(f.configMapRef.name) ?? []), `envFrom of container ${c.name}`]);
  }
  for (const [name] of maps) {
    const r = await ctx.read(`ConfigMap/${name}`, () => ctx.cluster.get<KubeObject & { data?: Record<string, string> }>(Resources.configMaps, w.ref.namespace, name, ctx.signal));
    if (!r.ok) {
      unreadable.push(`ConfigMap ${name}: ${r.failure.message}`);
      continue;
    }
    for (const [k, v] of Object.entries(r.value.data ?? {})) out.push(...resourcesIn(v, `ConfigMap ${name} key ${k}`));
  }
  return out;
}
