// Dapr components with Azure authentication: `azureClientId` picks a user-assigned identity;
// the Dapr sidecar in the APPLICATION's pod authenticates, so the app pod needs the label and its
// ServiceAccount the federated credential; `scopes` limits which apps load the component
// (docs/workload-identity-facts.md).

import { given, isRecord, list, str, type Json } from './json';
import type { ConsumerUse } from './types';

export const DAPR_KINDS = ['Component'] as const;

/** A component's `spec.metadata` entries as name → value (secretKeyRef entries as `undefined`). */
export function componentMetadata(obj: Json): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const m of list(obj, 'spec', 'metadata')) {
    if (!isRecord(m)) continue;
    const name = str(m, 'name');
    if (name !== undefined) out.set(name, str(m, 'value'));
  }
  return out;
}

export function describeComponent(obj: Json): ConsumerUse[] {
  if (!String(str(obj, 'apiVersion') ?? '').startsWith('dapr.io/')) return [];
  const md = componentMetadata(obj);
  const client = md.get('azureClientId');
  if (!given(client)) return [];
  const base = { type: 'dapr' as const, kind: 'Component', name: str(obj, 'metadata', 'name'), namespace: str(obj, 'metadata', 'namespace') ?? 'default', resources: [] };
  const clientId = { value: client, field: 'spec.metadata azureClientId' };
  const tenant = md.get('azureTenantId');
  const tenantId = given(tenant) ? { value: tenant, field: 'spec.metadata azureTenantId' } : undefined;
  if (md.has('azureClientSecret') || md.has('azureCertificate') || md.has('azureCertificateFile')) {
    return [{ ...base, workloadIdentity: false, certain: true, mode: "a service principal's secret or certificate", labelNeeded: false, clientId, tenantId }];
  }
  const appIds = list(obj, 'scopes').filter((s): s is string => typeof s === 'string');
  return [{ ...base, workloadIdentity: true, certain: false, mode: 'Workload Identity (or a managed identity, whichever the pod has)', token: { via: 'app-pods', appIds }, labelNeeded: true, clientId, tenantId }];
}
