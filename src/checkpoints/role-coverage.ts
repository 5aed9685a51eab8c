// role-coverage: whether the identity may use one Azure resource the workload calls, judged as the
// resource's data plane judges it. Azure RBAC: the data actions its roles grant at the resource or
// any scope above it, management groups included (management-plane roles never count) — except a
// DNS zone, whose record sets are written through the management plane (a DNS-01 solver's TXT
// record: the Actions of DNS Zone Contributor). A Key
// Vault whose enableRbacAuthorization is not true: its access policies, and RBAC data roles are
// ignored there. Cosmos DB: its own SQL role assignments, which Azure RBAC does not show — said,
// never guessed. Used by role-assignments.ts; pure (no I/O).

import {
  accessPolicyGrants, describeScope, evaluateNeeds, excludes, grants, hasDataActions, managementGroupsOf, policyAllows, covering,
  type NeedVerdict, type VaultObject,
} from '../azure/permissions';
import { capabilities, kindOf, TYPES, type Capability, type UsedResource } from '../azure/resource-endpoints';
import type { AzureResource, ManagedIdentity, RoleAssignment } from '../azure/types';
import { ev, listWords, shq } from './shared';
import type { Evidence, Remediation } from './types';

export interface Coverage {
  evidence: Evidence[];
  /** Whether the identity may use the resource (a data role, or the vault's access policy). */
  granted: boolean;
  /** Nothing grants access: the clause for the summary ("Key Vault Secrets User on kv-prod is missing"). */
  problem?: string;
  /** Only a role whose definition could not be read might grant access: the clause for the summary. */
  unverified?: string;
  remediation: Remediation[];
}

const PROPAGATION = 'role assignments can take up to 10 minutes to apply, and Resource Graph can show a new one a few minutes late';

/** The role's name; one whose definition could not be read is named by its GUID. */
export const roleOf = (a: RoleAssignment): string => a.definition?.roleName ?? a.roleName ?? `role ${a.roleDefinitionId.split('/').pop()!}`;
const at = (a: RoleAssignment): string => `${roleOf(a)} at ${describeScope(a.scope)}`;
/** "a, b or c". */
const either = (words: readonly string[]): string => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`);
/** What a role must cover: the entity the configuration names (a queue, a container), whose own assignments count as well as those above it, else the resource. */
const coveredId = (used: UsedResource, res: AzureResource): string => (used.entity ? `${res.id}${used.entity.path}` : res.id);
export const resourceGroupOf = (id: string): string | undefined => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];

/** Whether `identity` may use `res` (found for `used`), with the evidence and the way out. */
export function coverage(used: UsedResource, res: AzureResource, assignments: readonly RoleAssignment[], identity: ManagedIdentity): Coverage {
  const label = `${used.entity ? `${used.entity.label} of ` : ''}${kindOf(used, res.type)} ${used.name}`;
  if (used.service === 'cosmos') return cosmos(label, res);
  const caps = capabilities(used, res.type);
  if (!caps.length) return { granted: false, evidence: [ev(label, `used (${used.seenIn}); what its data plane needs is not known here (type ${res.type})`, 'info')], remediation: [] };
  const groups = managementGroupsOf(res);
  const verdicts = evaluateNeeds(assignments, coveredId(used, res), caps, groups);
  if (res.type.toLowerCase() === TYPES.keyVault && res.enableRbacAuthorization !== true) return accessPolicies(label, used, res, caps, verdicts, identity);

  const notes: Evidence[] = [];
  // Without shared keys or local authentication, Microsoft Entra ID with a data role is the only way in: said whatever the verdict.
  if (res.type.toLowerCase() === TYPES.storage && res.allowSharedKeyAccess === false) notes.push(ev(label, 'shared keys are disabled (allowSharedKeyAccess false): Microsoft Entra ID with a data role is the only way in', 'info'));
  if (res.disableLocalAuth === true) notes.push(ev(label, 'local authentication (SAS or access keys) is disabled (disableLocalAuth true): Microsoft Entra ID with a data role is the only way in', 'info'));
  if (res.type.toLowerCase() === TYPES.keyVault) {
    const policy = accessPolicyGrants(res.accessPolicies, identity.principalId);
    if (policy.found || policy.compound.length) notes.push(ev(label, `the access policy for ${identity.name} is ignored: the vault uses Azure RBAC (enableRbacAuthorization true)`, 'info'));
  }
  return rbac(label, used, res, caps, verdicts, assignments, identity, notes);
}

/**
 * Azure RBAC: any capability granted is enough (the endpoint does not say which one the workload
 * uses) — except for a KEDA scaler, whose calls are known: it needs all of them.
 */
function rbac(label: string, used: UsedResource, res: AzureResource, caps: Capability[], verdicts: NeedVerdict[], assignments: readonly RoleAssignment[], identity: ManagedIdentity, notes: Evidence[]): Coverage {
  const all = used.kedaScaler !== undefined;
  const granted = verdicts.filter((v) => v.granted);
  const missing = verdicts.filter((v) => !v.granted);
  if (all && granted.length && missing.length) {
    // Part of what the scaler calls is granted: the rest is the problem.
    const by = granted.map((v) => `${v.need.label} granted by ${listWords(v.by.map(at))}`);
    const first = caps.find((c) => missing.some((v) => v.need.id === c.id))!;
    return {
      granted: false,
      evidence: [ev(label, `used (${used.seenIn}); ${by.join('; ')}; ${listWords(missing.map((v) => v.need.label))} not granted`, 'fail'), ...notes],
      problem: `${first.suggest} on ${used.name} is missing (${listWords(missing.map((v) => v.need.label))})`,
      remediation: [grantCommand(first.suggest, label, identity, res.id)],
    };
  }
  // A grant that rests only on assignments with an ABAC condition holds for the requests the condition allows: not judged here.
  const conditional = granted.length > 0 && granted.every((v) => v.by.every((a) => a.condition));
  if (conditional) {
    const by = [...new Set(granted.flatMap((v) => v.by))];
    const evidence = by.map((a) => ev(label, `${at(a)} grants ${listWords(granted.filter((v) => v.by.includes(a)).map((v) => v.need.label))} only where its condition allows: ${a.condition}`, 'warn'));
    return { granted: false, evidence: [...evidence, ...notes], unverified: `${listWords(by.map(at))} may cover ${label} (not verified: its assignment has a condition this diagnosis does not evaluate)`, remediation: [] };
  }
  if (granted.length) {
    const by = granted.map((v) => `${v.need.label} granted by ${listWords(v.by.map(at))}`);
    return { granted: true, evidence: [ev(label, `${by.join('; ')}${missing.length ? `; ${listWords(missing.map((v) => v.need.label))} not granted` : ''}`, 'ok'), ...notes], remediation: [] };
  }
  const unknown = [...new Set(verdicts.flatMap((v) => v.unknown))];
  if (unknown.length) {
    const evidence = unknown.map((a) => ev(label, `${at(a)} may cover it (not verified): its role definition could not be read: ${a.definitionError ?? 'no reason given'}`, 'warn'));
    return { granted: false, evidence: [...evidence, ...notes], unverified: `${listWords(unknown.map(at))} may cover ${label} (not verified: its definition could not be read)`, remediation: [] };
  }

  // Granted only below the resource (a container, a queue) where the configuration names no entity: whether that is the one used, nothing says.
  const below = !used.entity ? assignments.filter((a) => a.definition && a.scope.toLowerCase().startsWith(`${res.id.toLowerCase()}/`) && caps.some((c) => c.anyOf.some((alt) => alt.every((op) => grants(a.definition!, op, c.plane ?? 'data'))))) : [];
  if (below.length) {
    const evidence = below.map((a) => ev(label, `${roleOf(a)} grants it on ${a.scope.slice(res.id.length + 1)} only: whether the workload uses that one is not known here`, 'warn'));
    return { granted: false, evidence: [...evidence, ...notes], unverified: `${listWords(below.map(at))} may cover what the workload uses of ${label} (not verified: granted below the resource)`, remediation: [] };
  }
  // Nothing grants it: say what is there and why it does not count.
  const over = covering(assignments, coveredId(used, res), managementGroupsOf(res)).filter((a) => a.definition);
  const evidence: Evidence[] = [ev(label, `used (${used.seenIn}); no role assignment grants ${either(caps.map((c) => c.label))} (roles through an Entra group are not seen)`, 'fail')];
  const listsKeys = (a: RoleAssignment) => res.type.toLowerCase() === TYPES.storage && grants(a.definition!, 'Microsoft.Storage/storageAccounts/listKeys/action', 'control');
  for (const a of over) evidence.push(ev(roleOf(a), `at ${describeScope(a.scope)}: ${whyNot(a, caps)}${listsKeys(a) ? `; it can list the account keys, which work only through Shared Key${res.allowSharedKeyAccess === false ? ', and this account refuses Shared Key' : ''}` : ''}`, 'info'));
  // A management-plane need (a DNS zone's records) is not missed for want of data actions.
  const dataPlane = caps.every((c) => (c.plane ?? 'data') === 'data');
  const managementOnly = dataPlane ? over.filter((a) => a.definition!.type !== 'NotFound' && !hasDataActions(a.definition!)) : [];
  for (const n of notes) evidence.push(n);
  const sharedKeyOff = res.type.toLowerCase() === TYPES.storage && res.allowSharedKeyAccess === false;
  const [first, second] = caps;
  const why = [
    managementOnly.length ? `${listWords(managementOnly.map(roleOf))} ${managementOnly.length === 1 ? 'grants' : 'grant'} no data actions` : '',
    sharedKeyOff ? 'shared keys are disabled there, so a data role is the only way in' : '',
  ].filter(Boolean);
  return {
    granted: false,
    evidence,
    problem: `${first!.suggest} on ${used.name} is missing${why.length ? ` (${why.join('; ')})` : ''}`,
    remediation: [
      {
        text: `Grant ${first!.suggest} on ${label} to ${identity.name}${second && used.service !== 'keyvault' && !all ? ` (${second.suggest} to ${second.label})` : ''}${sharedKeyOff ? '; the account refuses shared keys, so this is the only way in' : ''} (${PROPAGATION}).`,
        command: grantCommand(first!.suggest, label, identity, res.id).command,
      },
    ],
  };
}

function grantCommand(role: string, label: string, identity: ManagedIdentity, scope: string): Remediation {
  return {
    text: `Grant ${role} on ${label} to ${identity.name} (${PROPAGATION}).`,
    command: `az role assignment create --role ${shq(role)} --assignee-object-id ${shq(identity.principalId)} --assignee-principal-type ServicePrincipal --scope ${shq(scope)}`,
  };
}

/** Why an assignment over the resource grants none of its capabilities. */
function whyNot(a: RoleAssignment, caps: Capability[]): string {
  const d = a.definition!;
  if (d.type === 'NotFound') return 'its role definition no longer exists, so it grants nothing';
  if (caps.some((c) => c.plane === 'control')) {
    const ops = caps.flatMap((c) => c.anyOf.flat());
    const excluded = ops.find((op) => excludes(d, op, 'control'));
    return excluded ? `its NotActions exclude ${excluded}` : `its actions include none of ${listWords([...new Set(ops)])}`;
  }
  if (!hasDataActions(d)) return 'grants no data actions (management plane only): Azure answers 403 to the workload\'s data requests';
  const ops = caps.flatMap((c) => c.anyOf.flat());
  const excluded = ops.find((op) => excludes(d, op, 'data'));
  if (excluded) return `its NotDataActions exclude ${excluded}`;
  return `its data actions include none of ${listWords([...new Set(caps.map((c) => c.anyOf[0]![0]!))])}`;
}

/** A vault in access-policy mode: the identity's own policy decides; RBAC data roles are ignored. */
function accessPolicies(label: string, used: UsedResource, res: AzureResource, caps: Capability[], verdicts: NeedVerdict[], identity: ManagedIdentity): Coverage {
  const policy = accessPolicyGrants(res.accessPolicies, identity.principalId);
  const mode = res.enableRbacAuthorization === false ? 'enableRbacAuthorization false' : 'enableRbacAuthorization not set: a vault created without it before API version 2026-02-01 uses access policies';
  const evidence: Evidence[] = [ev(label, `uses access policies (${mode}): Azure RBAC data roles do not apply to its secrets, keys and certificates`, 'info')];
  for (const a of new Set(verdicts.flatMap((v) => v.by))) evidence.push(ev(label, `${at(a)} is ignored: the vault uses access policies`, 'info'));
  for (const p of policy.compound) evidence.push(ev(label, `the access policy for ${identity.name} with application ${p.applicationId} applies only when that application acts for it (compound identity): not counted`, 'info'));
  const objects = caps.map((c) => c.vaultObject!).filter(Boolean);
  const readable = objects.filter((o) => policyAllows(policy.permissions[o], 'get'));
  const unreadable = objects.filter((o) => !readable.includes(o));
  if (readable.length) {
    const granted = readable.map((o) => `${o} (${policy.permissions[o].join(', ')})`);
    evidence.push(ev(label, `its access policy for ${identity.name} grants ${listWords(granted)}${unreadable.length ? `; no get on ${listWords(unreadable)}` : ''}`, 'ok'));
    return { granted: true, evidence, remediation: [] };
  }
  const ignored = [...new Set(verdicts.flatMap((v) => v.by))];
  evidence.push(ev(label, `used (${used.seenIn}); no access policy gives ${identity.name} (object ID ${identity.principalId}) get on ${either(objects)}`, 'fail'));
  const perms = { secrets: '--secret-permissions get list', keys: '--key-permissions get', certificates: '--certificate-permissions get list' } satisfies Record<VaultObject, string>;
  // A vault URL without an object path is most often read for secrets: grant those unless the URL says otherwise.
  const grant = objects.length === 3 ? (['secrets'] as VaultObject[]) : objects;
  return {
    granted: false,
    evidence,
    problem: `${used.name} uses access policies and none lets ${identity.name} read ${either(objects)}${ignored.length ? ` (${listWords(ignored.map(roleOf))} ${ignored.length === 1 ? 'is' : 'are'} ignored there)` : ''}`,
    remediation: [
      {
        text: `Add an access policy for ${identity.name} on Key Vault ${used.name}: the vault uses access policies, so a role assignment is ignored there. (Moving the vault to Azure RBAC instead ignores every existing access policy: grant roles for their principals first.)`,
        command: `az keyvault set-policy --name ${shq(used.name)}${res.subscriptionId ? ` --subscription ${shq(res.subscriptionId)}` : ''} --object-id ${shq(identity.principalId)} ${grant.map((o) => perms[o]).join(' ')}`,
      },
    ],
  };
}

/** Cosmos DB: its data plane has its own role assignments (az cosmosdb sql role assignment), not Azure RBAC. */
function cosmos(label: string, res: AzureResource): Coverage {
  const rg = resourceGroupOf(res.id);
  const evidence = [
    ev(label, `Cosmos DB's data plane is authorised by its own SQL role assignments, not by Azure RBAC roles: not checked here (az cosmosdb sql role assignment list --account-name ${res.name}${rg ? ` --resource-group ${rg}` : ''})`, 'info'),
  ];
  if (res.disableLocalAuth === true) evidence.push(ev(label, 'account keys are disabled (disableLocalAuth true): Microsoft Entra ID with a Cosmos DB SQL role assignment is the only way in', 'info'));
  return { granted: false, evidence, remediation: [] };
}
