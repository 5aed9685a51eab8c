import { isGuid, isPlaceholder } from '../manifests/placeholders';
import { bindingRules, list } from '../manifests/identity-binding-rbac';
import { getNode, getSeq, items, stringValue, findPair } from '../manifests/nodes';
import { CLIENT_ID } from '../manifests/workload-identity';
import { IDENTITY_BINDING_API_GROUP, USE_MANAGED_IDENTITY_VERB } from '../manifests/identity-binding';
import { defineRule, named } from './shared';
import type { Rule } from './types';

// A ClusterRole (or Role) that grants the identity-binding API group (docs/workload-identity-facts.md,
// "Identity bindings"): Microsoft's docs put the identity's client ID in `resources`, with the verb
// `use-managed-identity`, in a ClusterRole bound by a ClusterRoleBinding. A resource that is not a
// GUID, the client ID in `resourceNames` (the proxy's question names no object, so a rule
// restricted to names never matches), a rule without the verb, a namespaced Role, and a client ID
// no ServiceAccount of the workspace carries are each told.

export const identityBindingClusterRole: Rule = defineRule({
  meta: {
    id: 'identity-binding-cluster-role',
    title: 'A ClusterRole for identity bindings that grants nothing usable',
    description: "A ClusterRole (or Role) rule for the API group `cid.wi.aks.azure.com` whose resources are not client IDs, that puts the client ID in `resourceNames`, lacks the verb `use-managed-identity`, is a namespaced Role, or names a client ID no ServiceAccount of the workspace uses.",
    defaultSeverity: 'warning',
    kinds: ['ClusterRole', 'Role'],
    fact: 'Which ServiceAccounts may use the identity is Kubernetes RBAC: a ClusterRole with verb\n  `use-managed-identity`, apiGroup `cid.wi.aks.azure.com`, resource `<client-id>`, bound\n  (ClusterRoleBinding) to the ServiceAccounts.',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.startsWith('rbac.authorization.k8s.io/')) return;
    const rules = bindingRules(obj);
    if (!rules.length) return;
    if (obj.kind === 'Role') {
      ctx.report({ at: findPair(rules[0] as never, 'apiGroups')?.key as never, severity: 'info', message: `${named(obj)} grants ${IDENTITY_BINDING_API_GROUP} in one namespace: Microsoft's identity-binding docs grant it cluster-wide (a ClusterRole and a ClusterRoleBinding); whether AKS's proxy honours a namespaced Role is not documented.` });
    }
    // The client IDs the workspace's ServiceAccounts carry (in the asker's project).
    const used = new Set(ctx.index.serviceAccounts().map((sa) => stringValue(getNode(sa.map, 'metadata', 'annotations', CLIENT_ID))?.toLowerCase()).filter(Boolean));
    for (const r of rules) {
      const verbs = list(r, 'verbs');
      if (!verbs.includes(USE_MANAGED_IDENTITY_VERB) && !verbs.includes('*')) {
        ctx.report({ at: (findPair(r as never, 'verbs')?.key ?? r) as never, message: `This rule of ${named(obj)} names the API group ${IDENTITY_BINDING_API_GROUP} without the verb ${USE_MANAGED_IDENTITY_VERB}: it lets no ServiceAccount use an identity through AKS's token proxy.` });
      }
      if (list(r, 'resourceNames').length) {
        ctx.report({ at: findPair(r as never, 'resourceNames')!.key as never, message: `This rule of ${named(obj)} restricts ${IDENTITY_BINDING_API_GROUP} to resourceNames: the proxy's question names no object, so the rule never matches — the client ID goes in resources (Microsoft's docs: resources: ["<client-id>"]).` });
      }
      for (const node of items(getSeq(r, 'resources'))) {
        const v = stringValue(node);
        if (v === undefined || v === '*' || isPlaceholder(v) || v.includes('{{') || v.includes('${')) continue;
        if (!isGuid(v)) {
          ctx.report({ at: node as never, message: `The resource "${v}" of ${named(obj)} is not a client ID: for ${IDENTITY_BINDING_API_GROUP} the resource is the managed identity's client ID (a GUID), so this grants nothing.` });
        } else if (used.size && !used.has(v.toLowerCase())) {
          ctx.report({ at: node as never, severity: 'info', message: `${named(obj)} grants ${USE_MANAGED_IDENTITY_VERB} on ${v}, which no ServiceAccount of this workspace carries as its client ID (a typo, or an identity used elsewhere).` });
        }
      }
    }
  },
});
