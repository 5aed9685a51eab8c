// The workspace's RBAC for AKS identity bindings: ClusterRoles whose rules reach the API group
// `cid.wi.aks.azure.com`, which of them grant `use-managed-identity` on a client ID, and whether a
// ClusterRoleBinding binds one to a ServiceAccount (by name, or by the groups every ServiceAccount
// or a namespace's ServiceAccounts are in) — Kubernetes RBAC's own matching, `*` included.

import { getSeq, getString, items, stringValue } from './nodes';
import type { K8sObject } from './objects';
import type { WorkspaceIndex } from './workspace-index';
import { IDENTITY_BINDING_API_GROUP, USE_MANAGED_IDENTITY_VERB } from './identity-binding';

/** The strings of the sequence at `key` (RBAC rules' verbs, apiGroups, resources…). */
export const list = (m: unknown, key: string): string[] => items(getSeq(m, key)).map((n) => stringValue(n)).filter((s): s is string => s !== undefined);

/** The rules of a ClusterRole (or Role) that name the identity-binding API group (or `*`). */
export function bindingRules(role: K8sObject): unknown[] {
  return items(getSeq(role.map, 'rules')).filter((r) => list(r, 'apiGroups').some((g) => g === IDENTITY_BINDING_API_GROUP));
}

/** The workspace's ClusterRoles with a rule for the identity-binding API group. */
export function identityBindingRbacInWorkspace(index: WorkspaceIndex): { roles: K8sObject[] } {
  return { roles: index.clusterRbac('ClusterRole').filter((r) => bindingRules(r).length > 0) };
}

/** Those of `roles` with a rule granting use-managed-identity on `clientId` (RBAC's matching: `*` for verbs and resources, no resourceNames). */
export function identityBindingGrants(roles: readonly K8sObject[], clientId: string): K8sObject[] {
  return roles.filter((role) =>
    bindingRules(role).some((r) => {
      const verbs = list(r, 'verbs');
      const resources = list(r, 'resources').map((x) => x.toLowerCase());
      return (verbs.includes(USE_MANAGED_IDENTITY_VERB) || verbs.includes('*')) && (resources.includes(clientId.toLowerCase()) || resources.includes('*')) && list(r, 'resourceNames').length === 0;
    }),
  );
}

/** A ClusterRoleBinding of the workspace binds one of `roles` to ServiceAccount `namespace/name`. */
export function boundTo(index: WorkspaceIndex, roles: readonly K8sObject[], namespace: string, name: string): boolean {
  const names = new Set(roles.map((r) => r.context?.clusterName ?? r.name));
  return index.clusterRbac('ClusterRoleBinding').some((b) => {
    if (getString(b.map, 'roleRef', 'kind') !== 'ClusterRole' || !names.has(getString(b.map, 'roleRef', 'name'))) return false;
    return items(getSeq(b.map, 'subjects')).some((s) => {
      const kind = getString(s, 'kind');
      const n = getString(s, 'name');
      if (kind === 'ServiceAccount') return n === name && getString(s, 'namespace') === namespace;
      if (kind === 'Group') return n === 'system:serviceaccounts' || n === `system:serviceaccounts:${namespace}`;
      if (kind === 'User') return n === `system:serviceaccount:${namespace}:${name}`;
      return false;
    });
  });
}

