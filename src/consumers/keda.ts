// KEDA's TriggerAuthentication and ClusterTriggerAuthentication: with `provider: azure-workload`
// the KEDA OPERATOR exchanges its own ServiceAccount's token, for every identity it is asked
// to use (`identityId` overrides included): that pod needs the label, that ServiceAccount the
// federated credentials (docs/workload-identity-facts.md).

import { given, rec, str, type Json } from './json';
import type { ConsumerUse, Written } from './types';

export const KEDA_KINDS = ['TriggerAuthentication', 'ClusterTriggerAuthentication'] as const;

export function describeTriggerAuthentication(obj: Json): ConsumerUse[] {
  const kind = str(obj, 'kind') ?? 'TriggerAuthentication';
  const base = { type: 'keda' as const, kind, name: str(obj, 'metadata', 'name'), namespace: kind === 'ClusterTriggerAuthentication' ? undefined : (str(obj, 'metadata', 'namespace') ?? 'default') };
  const uses: ConsumerUse[] = [];
  const vaultUri = str(obj, 'spec', 'azureKeyVault', 'vaultUri');
  for (const [part, pi] of [['spec.podIdentity', rec(obj, 'spec', 'podIdentity')], ['spec.azureKeyVault.podIdentity', rec(obj, 'spec', 'azureKeyVault', 'podIdentity')]] as const) {
    if (!pi) continue;
    const provider = str(pi, 'provider');
    if (provider !== 'azure-workload' && provider !== 'azure') continue;
    const resources = part.startsWith('spec.azureKeyVault') && given(vaultUri) ? [{ what: 'Key Vault', name: vaultUri }] : [];
    if (provider === 'azure') {
      uses.push({ ...base, part, workloadIdentity: false, certain: true, mode: 'aad-pod-identity (removed from KEDA)', labelNeeded: false, resources });
      continue;
    }
    const written = (key: string): Written | undefined => {
      const v = str(pi, key);
      return given(v) ? { value: v, field: `${part}.${key}` } : undefined;
    };
    uses.push({ ...base, part, workloadIdentity: true, certain: true, mode: 'Workload Identity', token: { via: 'controller', controller: 'keda-operator' }, labelNeeded: true, clientId: written('identityId'), tenantId: written('identityTenantId'), resources });
  }
  return uses;
}
