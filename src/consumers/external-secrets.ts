// External Secrets Operator's SecretStore and ClusterSecretStore with the Azure Key Vault
// provider. `authType` defaults to ServicePrincipal; WorkloadIdentity uses the token of
// `serviceAccountRef` (the operator requests it: no pod needs the label), or, without one, the
// operator's own pod (docs/workload-identity-facts.md).

import { given, rec, str, type Json } from './json';
import type { ConsumerUse, Written } from './types';

export const ESO_KINDS = ['SecretStore', 'ClusterSecretStore'] as const;

export function describeSecretStore(obj: Json): ConsumerUse[] {
  const kv = rec(obj, 'spec', 'provider', 'azurekv');
  if (!kv) return [];
  const kind = str(obj, 'kind') ?? 'SecretStore';
  const namespace = kind === 'ClusterSecretStore' ? undefined : (str(obj, 'metadata', 'namespace') ?? 'default');
  const base = { type: 'external-secrets' as const, kind, name: str(obj, 'metadata', 'name'), namespace };
  const vault = str(kv, 'vaultUrl');
  const resources = given(vault) ? [{ what: 'Key Vault', name: vault }] : [];
  const tenant = str(kv, 'tenantId');
  const tenantId: Written | undefined = given(tenant) ? { value: tenant, field: 'spec.provider.azurekv.tenantId' } : undefined;
  const authType = str(kv, 'authType') ?? 'ServicePrincipal';
  if (authType === 'ManagedIdentity') return [{ ...base, workloadIdentity: false, certain: true, mode: "a managed identity (the node's, or aad-pod-identity's)", labelNeeded: false, tenantId, resources }];
  if (authType !== 'WorkloadIdentity') return [{ ...base, workloadIdentity: false, certain: true, mode: "a service principal's client secret", labelNeeded: false, tenantId, resources }];
  const secretRef = rec(kv, 'authSecretRef', 'clientId');
  const clientId: Written | undefined = secretRef ? { value: `the Secret ${str(secretRef, 'name') ?? '?'}, key ${str(secretRef, 'key') ?? '?'}`, field: 'spec.provider.azurekv.authSecretRef.clientId' } : undefined;
  const sa = str(kv, 'serviceAccountRef', 'name');
  if (given(sa)) {
    // A SecretStore's reference stays in its own namespace (the field's `namespace` is ignored);
    // a ClusterSecretStore's without one is looked up in each ExternalSecret's namespace.
    const ns = str(kv, 'serviceAccountRef', 'namespace');
    return [{ ...base, workloadIdentity: true, certain: true, mode: 'Workload Identity', token: { via: 'service-account', name: sa, namespace: namespace ?? (given(ns) ? ns : undefined), field: 'spec.provider.azurekv.serviceAccountRef' }, labelNeeded: false, clientId, tenantId, resources }];
  }
  return [{ ...base, workloadIdentity: true, certain: true, mode: 'Workload Identity', token: { via: 'controller', controller: 'external-secrets' }, labelNeeded: true, clientId, tenantId, resources }];
}
