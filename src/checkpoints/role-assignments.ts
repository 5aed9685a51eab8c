// role-assignments: what the identity may do in Azure, judged by permissions, never by role names.
// Lists its role assignments with their definitions (actions, notActions, dataActions,
// notDataActions), warns on broad management roles at subscription, resource-group or
// management-group scope, and for each Azure resource the workload evidently calls (endpoints in
// its env and ConfigMaps) says what its data plane lets the identity do — a Key Vault in
// access-policy mode by its access policies, Cosmos DB by its own role assignments (said, not
// checked) — naming the narrowest built-in role to grant ("Key Vault Secrets User on kv-prod").

import { Resources } from '../cluster/resources';
import type { ConsumerUse } from '../consumers/index';
import type { KubeObject } from '../cluster/types';
import { breadth, describeScope, scopeLevel } from '../azure/permissions';
import { dedupe, dnsZone, kedaResource, resourcesIn, type UsedResource } from '../azure/resource-endpoints';
import type { AzureResource, RoleAssignment } from '../azure/types';
import { azureFailed } from './azure-shared';
import { notChecked } from './outcomes';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { coverage, resourceGroupOf, roleOf } from './role-coverage';
import { allContainers, ev, listWords, shq } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { capitalize } from '../util/words';

export const roleAssignments: Checkpoint = {
  id: 'role-assignments',
  title: CHECKPOINT_TITLES['role-assignments'],
  description: "The identity's role assignments, judged by the permissions of their definitions: broad management roles at subscription, resource-group or management-group scope are flagged, and each Azure resource the workload calls (Key Vault, storage, Service Bus, Event Hubs, App Configuration endpoints in its env and ConfigMaps; the Key Vault or DNS zone a consumer object names, the queues, containers and hubs a KEDA trigger reads) must be usable — on its data plane by a role's data actions at the resource or above it, or, for a Key Vault in access-policy mode, by its access policy; a DNS zone's TXT records by a role's actions.",
  side: 'azure',
  needs: ['managed-identity'],
  fact: 'Data access needs a\n  DATA-PLANE role on the resource or an ancestor scope [...] Owner, Contributor\n  and User Access Administrator are management-plane roles: they do not grant data access [...] Actions minus NotActions is the management plane,\n  DataActions minus NotDataActions the data plane, per role definition; assignments add up [...] "Vaults where enableRbacAuthorization is null (from older API versions) continue using access\n  policies"',
  async run(ctx) {
    const identity = ctx.state.identity;
    if (!identity) throw new SkipCheckpoint(ctx.state.app ? 'Skipped: the client ID is an app registration; its service principal\'s role assignments are not checked.' : 'Skipped: no managed identity (see "Managed identity").');
    const azure = await ctx.azure();
    const r = await azure.listRoleAssignments(identity.principalId, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, `list the role assignments of ${identity.name}`, azure, ctx.signal);
    const assignments = r.value;
    const evidence: Evidence[] = [];
    const warnings: string[] = [];
    const problems: string[] = [];
    const unverified: string[] = [];
    const remediation: Remediation[] = [];
    if (!assignments.length) evidence.push(ev('role assignments', 'none', 'warn'));
    for (const a of assignments) {
      const broad = broadRole(a);
      evidence.push(ev(roleOf(a), `${a.scope}${a.definition ? '' : ` (its definition could not be read: ${a.definitionError ?? 'no reason given'})`}${broad ? ` — ${broad}` : ''}`, broad ? 'warn' : undefined));
      if (broad) warnings.push(`${roleOf(a)} at ${describeScope(a.scope)} is far more than a workload needs`);
    }

    const unreadable: string[] = [];
    const used = dedupe(await usedResources(ctx, unreadable));
    for (const u of unreadable) evidence.push(ev('not read', `${u} (its endpoints are not known)`, 'info'));
    for (const t of ctx.options.consumer?.scalers?.notJudged ?? []) evidence.push(ev('trigger not judged', `${t}: the resources of azure-servicebus, azure-queue, azure-blob and azure-eventhub triggers are checked, not those of this type`, 'info'));
    let granted = 0;
    if (used.length) {
      const found = await azure.findResources(groupByType(used), ctx.signal);
      if (!found.ok) return azureFailed(found.failure, 'find the Azure resources the workload uses', azure, ctx.signal);
      for (const u of used) {
        const res = found.value.find((f) => u.types.includes(f.type.toLowerCase()) && f.name.toLowerCase() === u.name && placed(u, f));
        if (!res) {
          evidence.push(ev(`${u.kind} ${u.name}`, `used (${u.seenIn}) but not visible to you in Azure: its access was not checked`, 'info'));
          continue;
        }
        const c = coverage(u, res, assignments, identity);
        for (const e of c.evidence) evidence.push(e);
        if (c.granted) granted++;
        if (c.problem) problems.push(c.problem);
        if (c.unverified) unverified.push(c.unverified);
        for (const r of c.remediation) remediation.push(r);
      }
    } else evidence.push(ev('resources used', 'no Key Vault, storage, Service Bus, Event Hubs, App Configuration or Cosmos DB endpoint found in the env or ConfigMaps', 'info'));

    if (warnings.length) remediation.push({ text: 'Replace broad roles with data-plane roles on the resources the workload calls.', command: `az role assignment list --assignee ${shq(identity.principalId)} --all -o table` });
    const also = [...warnings, ...unverified];
    if (problems.length) return { status: 'fail', summary: `${identity.name} lacks data access to what the workload calls: ${listWords(problems)}.${also.length ? ` Also: ${listWords(also)}.` : ''}`, evidence, remediation };
    // What could not be read (a definition, a condition not evaluated) is not checked, not passed: say which.
    if (unverified.length) return notChecked(`${capitalize(listWords(unverified))}${warnings.length ? `; also ${listWords(warnings)}` : ''}.`, evidence, remediation);
    if (also.length) return { status: 'warn', summary: `${capitalize(listWords(also))}.`, evidence, remediation };
    const onlyCosmos = used.length > 0 && used.every((u) => u.service === 'cosmos');
    if (!assignments.length && !granted && !onlyCosmos) {
      return { status: 'warn', summary: `${identity.name} has no role assignment: it can get a token, but every Azure call with it will be refused (403).`, evidence, remediation: [{ text: 'Grant the data-plane role the workload needs on the resource it calls.', command: `az role assignment create --role <role> --assignee-object-id ${shq(identity.principalId)} --assignee-principal-type ServicePrincipal --scope <resource-id>` }] };
    }
    const n = assignments.length;
    // Cosmos DB is said, not judged (its own role assignments): never counted as covered.
    const cosmos = used.filter((u) => u.service === 'cosmos').length;
    const judged = used.length - cosmos;
    const may = granted ? `, and may use ${granted === judged ? (judged === 1 ? 'the Azure resource' : 'every Azure resource') : `${granted} of the ${judged} Azure resources`} the workload is configured to call` : '';
    const notJudged = cosmos ? `; Cosmos DB's own role assignments were not checked` : '';
    return { status: 'pass', summary: `${identity.name} has ${n === 0 ? 'no' : n} role assignment${n === 1 ? '' : 's'}${may}${notJudged}.`, evidence, remediation };
  },
};


/**
 * Why an assignment is far more than a workload needs, judged by its permissions: at the root, a
 * management group, a subscription or a resource group, it changes resources of every provider or
 * grants roles (to itself too). A custom role with `*` is as broad as Contributor.
 */
function broadRole(a: RoleAssignment): string | undefined {
  if (!a.definition || scopeLevel(a.scope) === 'resource') return undefined;
  const b = breadth(a.definition);
  if (b.managesEverything && b.assignsRoles) return 'can change every resource there and grant any role';
  if (b.managesEverything) return 'can change every resource there';
  if (b.assignsRoles) return 'can grant roles there, to itself too';
  return undefined;
}

/** The resources to look up, by ARM type; a namespace host is looked up as Service Bus and as Event Hubs. */
function groupByType(used: UsedResource[]): { type: string; names: string[] }[] {
  const m = new Map<string, Set<string>>();
  for (const u of used) for (const t of u.types) m.set(t, (m.get(t) ?? new Set()).add(u.name));
  return [...m].map(([type, names]) => ({ type, names: [...names] }));
}

/** Whether a resource found by name is where the configuration says it is (a DNS zone's resource group and subscription, when given). */
function placed(u: UsedResource, res: AzureResource): boolean {
  return (!u.resourceGroup || resourceGroupOf(res.id)?.toLowerCase() === u.resourceGroup.toLowerCase()) && (!u.subscriptionId || res.subscriptionId?.toLowerCase() === u.subscriptionId.toLowerCase());
}

/**
 * What a consumer names: its Key Vault (a SecretProviderClass's keyvaultName, a store's vaultUrl,
 * KEDA's vaultUri), as endpoints, and its DNS zone (a cert-manager DNS-01 solver's hostedZoneName,
 * in the resource group and subscription it names).
 */
function consumerResources(use: ConsumerUse): UsedResource[] {
  const out: UsedResource[] = [];
  const seenIn = `${use.kind} ${use.name ?? ''}`.trim();
  for (const r of use.resources) {
    if (r.what === 'DNS zone' || r.what === 'private DNS zone') {
      out.push(dnsZone(r.name, r.what === 'private DNS zone', seenIn, r));
      continue;
    }
    if (r.what !== 'Key Vault') continue;
    const url = /^https?:\/\//i.test(r.name) ? r.name : `https://${r.name}.vault.azure.net/`;
    for (const x of resourcesIn(url, `${use.kind} ${use.name ?? ''}`)) out.push(x);
  }
  return out;
}

/** Endpoints in the pod template's env values and in the ConfigMaps it reads (Secrets are not read for this). */
async function usedResources(ctx: DiagnoseContext, unreadable: string[]): Promise<UsedResource[]> {
  // A consumer object's identity reaches what the object names (its Key Vault), not what the carrying pods' own code calls.
  const consumer = ctx.options.consumer;
  if (consumer) return [...consumerResources(consumer.use), ...(consumer.scalers?.resources ?? []).map((r) => kedaResource(r.scaler, r.name, r.seenIn, r.entity))];
  const w = await ctx.workload();
  const out: UsedResource[] = [];
  const maps = new Map<string, string[]>(); // ConfigMap name → where it is read
  for (const c of allContainers(w.template)) {
    for (const e of c.env ?? []) {
      if (e.value) for (const x of resourcesIn(e.value, `env ${e.name} of container ${c.name}`)) out.push(x);
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
    for (const [k, v] of Object.entries(r.value.data ?? {})) for (const x of resourcesIn(v, `ConfigMap ${name} key ${k}`)) out.push(x);
  }
  return out;
}
