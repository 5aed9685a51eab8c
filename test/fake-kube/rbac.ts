// Kubernetes RBAC as the API server's authorizer answers a SubjectAccessReview, from the RBAC
// objects the fake stores (ClusterRoles, ClusterRoleBindings, Roles, RoleBindings): a request is
// allowed when a binding names the user, one of its groups or its ServiceAccount, and a rule of the
// role it refers to matches the verb, the API group, the resource (and subresource) and the name.
// Cluster-wide requests (no namespace) are decided by ClusterRoleBindings only; a namespaced one
// by those and by the namespace's RoleBindings. The reason strings are the real authorizer's
// (`RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to ServiceAccount "sa/ns"`).

import type { KubeObject, Store } from './store';

export interface AccessRequest {
  user: string;
  groups: readonly string[];
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
}

interface Rule { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }
interface Subject { kind?: string; name?: string; namespace?: string }
interface Binding extends KubeObject { subjects?: Subject[]; roleRef?: { kind?: string; name?: string } }

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function ruleMatches(r: Rule, a: AccessRequest): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!has(r.verbs, a.verb) || !has(r.apiGroups, a.group)) return false;
  if (!has(r.resources, resource) && !(a.subresource && r.resources?.includes(`*/${a.subresource}`))) return false;
  return !r.resourceNames?.length || (a.name !== undefined && r.resourceNames.includes(a.name));
}

function subjectMatches(s: Subject, a: AccessRequest): string | undefined {
  if (s.kind === 'User' && s.name === a.user) return `User "${s.name}"`;
  if (s.kind === 'Group' && s.name !== undefined && a.groups.includes(s.name)) return `Group "${s.name}"`;
  if (s.kind === 'ServiceAccount' && `system:serviceaccount:${s.namespace}:${s.name}` === a.user) return `ServiceAccount "${s.name}/${s.namespace}"`;
  return undefined;
}

export function authorize(store: Store, a: AccessRequest): { allowed: boolean; reason: string } {
  const bindings: { b: Binding; kind: 'ClusterRoleBinding' | 'RoleBinding' }[] = store.list('ClusterRoleBinding').map((b) => ({ b: b as Binding, kind: 'ClusterRoleBinding' as const }));
  if (a.namespace) for (const b of store.list('RoleBinding', a.namespace)) bindings.push({ b: b as Binding, kind: 'RoleBinding' });
  for (const { b, kind } of bindings) {
    const who = (b.subjects ?? []).map((s) => subjectMatches(s, a)).find((w) => w !== undefined);
    if (!who || !b.roleRef?.name) continue;
    const roleKind = b.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole';
    const role = store.get(roleKind, roleKind === 'Role' ? b.metadata.namespace : undefined, b.roleRef.name);
    const rules = ((role as { rules?: Rule[] } | undefined)?.rules ?? []);
    if (rules.some((r) => ruleMatches(r, a))) {
      const where = kind === 'RoleBinding' ? ` in namespace "${b.metadata.namespace}"` : '';
      return { allowed: true, reason: `RBAC: allowed by ${kind} "${b.metadata.name}/${b.metadata.namespace ?? ''}" of ${roleKind} "${b.roleRef.name}" to ${who}${where}`.replace('/"', '"') };
    }
  }
  return { allowed: false, reason: '' };
}
