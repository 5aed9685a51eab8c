import { isScalar } from 'yaml';
import { replaceNode, quote } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { identityBindingGrants, identityBindingRbacInWorkspace, boundTo } from '../manifests/identity-binding-rbac';
import { findPair, getMap, scalarText, stringValue, type Pair } from '../manifests/nodes';
import { isGuid } from '../manifests/placeholders';
import { podTemplate, serviceAccountRef, type K8sObject } from '../manifests/objects';
import { hasClientId } from '../manifests/cross-file';
import { CLIENT_ID, TENANT_ID, USE_IDENTITY_BINDING, USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, defineRule, named, objectTarget, WORKLOADS } from './shared';
import type { RelatedLocation, Rule, RuleContext } from './types';

// A pod template that asks for an AKS identity binding (docs/workload-identity-facts.md,
// "Identity bindings"): the webhook compares the value with "true" ignoring case and still needs the
// use label; AKS's proxy then lets only the ServiceAccounts Kubernetes RBAC authorises use the
// identity — a ClusterRole granting `use-managed-identity` on the client ID, bound to the
// ServiceAccount. Where the workspace holds such ClusterRoles, one that reaches this ServiceAccount
// must be among them; where it holds none, the cluster may (an info).

const rel = (ctx: RuleContext, o: K8sObject, message: string): RelatedLocation => ({ file: o.doc.file, range: ctx.rangeOf(objectTarget(o), o.doc), message });

export const identityBindingPod: Rule = defineRule({
  meta: {
    id: 'identity-binding-pod',
    title: 'A pod template that asks for an identity binding cannot use it',
    description: 'The pod template carries `azure.workload.identity/use-identity-binding`, but its value is not "true" (ignored), its pods lack the `azure.workload.identity/use` label (the webhook never sees them), or no ClusterRole of the workspace lets its ServiceAccount `use-managed-identity` on its client ID while the workspace holds such roles for others.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: 'The pod opts in with the annotation `azure.workload.identity/use-identity-binding: "true"` (plus\n  the usual label, and the SA\'s client-id and tenant-id annotations)',
    fixable: 'safe',
  },
  check(obj, ctx) {
    if (obj.context?.partial) return;
    const t = podTemplate(obj);
    const pair = findPair(t?.annotations, USE_IDENTITY_BINDING) as Pair | undefined;
    if (!t || !pair) return;
    const where = obj.kind === 'Pod' ? named(obj) : `the pod template of ${named(obj)}`;
    const raw = isScalar(pair.value) ? pair.value.value : undefined;
    const value = scalarText(pair.value);
    if (value === undefined || value.includes('{{')) return;
    if (value.toLowerCase() === 'false') return; // a deliberate opt-out
    if (value.toLowerCase() !== 'true' || typeof raw === 'boolean') {
      // An unquoted true is a YAML boolean: the API server refuses a non-string annotation.
      const unquoted = typeof raw === 'boolean';
      ctx.report({
        at: pair.value as never,
        severity: unquoted ? 'error' : 'warning',
        message: unquoted
          ? `The ${USE_IDENTITY_BINDING} annotation on ${where} is the YAML boolean ${String(raw)}: annotation values are strings, so the API server refuses the object; quote it.`
          : `The ${USE_IDENTITY_BINDING} annotation on ${where} is "${value}": the webhook compares it with "true" (any letter case), so it is ignored and the pods exchange their token without the identity binding.`,
        fixes: [{ title: `Set it to "true"`, safe: unquoted, edits: replaceNode(ctx.doc, pair.value, quote(ctx.doc, 'true')) }],
      });
      return;
    }
    const saName = serviceAccountRef(t) || 'default';
    const sa = ctx.index.firstServiceAccount(saName, obj.namespace, hasClientId) ?? ctx.index.serviceAccounts(saName, obj.namespace)[0];
    const label = keyState(obj, [...t.path, 'metadata', 'labels'], USE_LABEL);
    // With an annotated ServiceAccount, missing-use-label says it; without one in sight, the binding annotation is the intent.
    if (label.state === 'absent' && !(sa && hasClientId(sa))) {
      ctx.report({
        at: pair.key as never,
        severity: 'error',
        message: `${where[0]!.toUpperCase()}${where.slice(1)} asks for an identity binding (${USE_IDENTITY_BINDING}), but has no ${USE_LABEL} label: the webhook only sees labelled pods, so nothing is injected and the binding is never used.`,
        fixes: [{ title: `Add ${USE_LABEL}: "true" to the pod template`, safe: false, edits: addUseLabelEdits(t) }],
      });
    }
    if (!sa) return;
    const saAnnotations = getMap(sa.map, 'metadata', 'annotations');
    const clientId = stringValue(findPair(saAnnotations, CLIENT_ID)?.value);
    if (clientId && isGuid(clientId) && !findPair(saAnnotations, TENANT_ID)) {
      ctx.report({
        at: pair.key as never,
        severity: 'info',
        message: `ServiceAccount "${sa.name}" has no ${TENANT_ID} annotation: Microsoft's identity-binding setup annotates it with the identity's tenant; without it the webhook injects the cluster's tenant, which is right only for an identity of that tenant.`,
        related: [rel(ctx, sa, `ServiceAccount "${sa.name}"`)],
      });
    }
    if (!clientId || !isGuid(clientId)) return;
    const { roles } = identityBindingRbacInWorkspace(ctx.index);
    const grants = identityBindingGrants(roles, clientId);
    const saNs = sa.namespace;
    if (!roles.length) {
      ctx.report({
        at: pair.key as never,
        severity: 'info',
        message: `No ClusterRole of this workspace lets ServiceAccount ${saNs}/${sa.name} use-managed-identity on ${clientId} (API group cid.wi.aks.azure.com): AKS's token proxy refuses it unless the cluster has one bound to it (the diagnosis asks the cluster).`,
      });
      return;
    }
    if (!grants.length) {
      ctx.report({
        at: pair.key as never,
        message: `No ClusterRole of this workspace grants use-managed-identity on ${clientId} (the client ID of ServiceAccount "${sa.name}"), though it has such roles for other identities: AKS's token proxy refuses the pods' token.`,
        related: roles.slice(0, 5).map((r) => rel(ctx, r, `ClusterRole "${r.name}" grants use-managed-identity on other client IDs`)),
      });
      return;
    }
    if (boundTo(ctx.index, grants, saNs, sa.name ?? saName)) return;
    ctx.report({
      at: pair.key as never,
      message: `ClusterRole ${grants.map((r) => `"${r.name}"`).join(', ')} grants use-managed-identity on ${clientId}, but no ClusterRoleBinding of this workspace binds it to ServiceAccount ${saNs}/${sa.name}: AKS's token proxy refuses the pods' token.`,
      related: grants.slice(0, 5).map((r) => rel(ctx, r, `ClusterRole "${r.name}"`)),
    });
  },
});
