// A SecretProviderClass of the Secrets Store CSI driver's Azure provider. In Workload Identity
// mode (`parameters.clientID`) the DRIVER requests the token of the pod that mounts the volume:
// the federated credential names that pod's ServiceAccount, and the pod needs no label
// (docs/workload-identity-facts.md, "Controllers that use Workload Identity on someone's behalf").

import { given, goTrue, rec, str, type Json } from './json';
import type { ConsumerUse } from './types';

export const SPC_KINDS = ['SecretProviderClass'] as const;
/** The driver's name in a pod volume's `csi.driver`. */
export const CSI_DRIVER = 'secrets-store.csi.k8s.io';

export function describeSecretProviderClass(obj: Json): ConsumerUse[] {
  if (str(obj, 'spec', 'provider') !== 'azure') return [];
  const p = rec(obj, 'spec', 'parameters') ?? {};
  const base = { type: 'secrets-store-csi' as const, kind: 'SecretProviderClass', name: str(obj, 'metadata', 'name'), namespace: str(obj, 'metadata', 'namespace') ?? 'default' };
  const vault = str(p, 'keyvaultName');
  const resources = given(vault) ? [{ what: 'Key Vault', name: vault }] : [];
  // `tenantID`, else (empty or absent) the deprecated `tenantId`, as the provider reads them.
  const tenantKey = given(str(p, 'tenantID')) ? 'tenantID' : 'tenantId';
  const tenant = str(p, tenantKey);
  const tenantId = given(tenant) ? { value: tenant, field: `spec.parameters.${tenantKey}` } : undefined;
  // The provider's order: pod identity, then the VM's managed identity, then Workload Identity
  // (a clientID), else a service principal from the volume's nodePublishSecretRef.
  if (goTrue(p.usePodIdentity)) return [{ ...base, workloadIdentity: false, certain: true, mode: 'aad-pod-identity (deprecated)', labelNeeded: false, tenantId, resources }];
  if (goTrue(p.useVMManagedIdentity)) return [{ ...base, workloadIdentity: false, certain: true, mode: "the node's managed identity", labelNeeded: false, tenantId, resources }];
  const client = str(p, 'clientID');
  if (goTrue(p.useAzureTokenProxy)) {
    // Identity bindings: AKS's token proxy exchanges the mounting pod's token (audience api://AKSIdentityBinding); clientID is required.
    return [{ ...base, workloadIdentity: true, certain: true, mode: "Workload Identity through an identity binding (AKS's token proxy)", token: { via: 'mounting-pods' }, labelNeeded: false, clientId: given(client) ? { value: client, field: 'spec.parameters.clientID' } : undefined, tenantId, resources }];
  }
  if (given(client)) {
    return [{ ...base, workloadIdentity: true, certain: true, mode: 'Workload Identity', token: { via: 'mounting-pods' }, labelNeeded: false, clientId: { value: client, field: 'spec.parameters.clientID' }, tenantId, resources }];
  }
  return [{ ...base, workloadIdentity: false, certain: true, mode: "a service principal (the volume's nodePublishSecretRef)", labelNeeded: false, tenantId, resources }];
}
