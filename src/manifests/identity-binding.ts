// Identity bindings (AKS): the vocabulary, in one place (docs/workload-identity-facts.md,
// "Identity bindings"). A pod annotated `azure.workload.identity/use-identity-binding: "true"`
// gets a token for the audience `api://AKSIdentityBinding`, exchanged by AKS's proxy through the
// identity's one credential `aks-identity-binding` (issuer `https://ib.oic.prod-aks.azure.com/
// <tenant>/<client-id>`); Kubernetes RBAC (verb `use-managed-identity` on the resource
// `<client-id>` of the API group `cid.wi.aks.azure.com`) decides which ServiceAccounts may use it.

import { USE_IDENTITY_BINDING } from './workload-identity';

/** The pod annotation (upstream: `azure.workload.identity/use-<suffix>`, suffix `identity-binding` on AKS). */
export { USE_IDENTITY_BINDING };
/** The audience of the token the webhook projects in this mode. */
export const IDENTITY_BINDING_AUDIENCE = 'api://AKSIdentityBinding';
/** The federated credential AKS creates (once per identity, shared by all its bindings). */
export const IDENTITY_BINDING_CREDENTIAL = 'aks-identity-binding';
/** The RBAC that authorises a ServiceAccount to use an identity. */
export const USE_MANAGED_IDENTITY_VERB = 'use-managed-identity';
export const IDENTITY_BINDING_API_GROUP = 'cid.wi.aks.azure.com';
/** The variables the webhook adds in this mode (besides the usual four). */
export const IDENTITY_BINDING_ENV = ['AZURE_KUBERNETES_TOKEN_PROXY', 'AZURE_KUBERNETES_SNI_NAME', 'AZURE_KUBERNETES_CA_FILE'] as const;
/** The name older preview webhooks injected instead of AZURE_KUBERNETES_TOKEN_PROXY (no SDK reads it). */
export const OLD_TOKEN_PROXY_ENV = 'AZURE_KUBERNETES_TOKEN_ENDPOINT';

/** The webhook compares the annotation's value with "true" ignoring case (`strings.EqualFold`). */
export function asksForIdentityBinding(annotations: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return (annotations?.[USE_IDENTITY_BINDING] ?? '').toLowerCase() === 'true';
}

/** The issuer of the identity's `aks-identity-binding` credential. */
export function identityBindingIssuer(tenantId: string, clientId: string): string {
  return `https://ib.oic.prod-aks.azure.com/${tenantId}/${clientId}`;
}

/** The ClusterRole and ClusterRoleBinding that let one ServiceAccount use the identity (Microsoft's AKS docs, identity bindings). */
export function useIdentityRbac(clientId: string, namespace: string, serviceAccount: string): { role: Record<string, unknown>; binding: Record<string, unknown> } {
  const name = `use-mi-${clientId}`;
  return {
    role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ verbs: [USE_MANAGED_IDENTITY_VERB], apiGroups: [IDENTITY_BINDING_API_GROUP], resources: [clientId] }] },
    binding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${name}-${namespace}-${serviceAccount}`.slice(0, 253) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }] },
  };
}
