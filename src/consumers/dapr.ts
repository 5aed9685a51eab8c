// Dapr components that authenticate to Azure. The Dapr sidecar in the APPLICATION's pod
// authenticates, so the app pod needs the label and its ServiceAccount the federated credential;
// `scopes` (top level) limits which apps load the component. An Azure component (`spec.type`
// `<building block>.azure.<service>`) with no credentials in its metadata authenticates through the
// pod's environment — Workload Identity in a pod set up for it ("any Dapr components running on
// Kubernetes and AKS that target Azure can authenticate transparently with no extra
// configuration"), a managed identity otherwise; `azureClientId` picks the identity; a client
// secret or certificate means a service principal; an account key or connection string means no
// Entra ID at all (docs/workload-identity-facts.md, "Dapr").

import { given, isRecord, list, str, type Json } from './json';
import type { ConsumerResource, ConsumerUse } from './types';

export const DAPR_KINDS = ['Component'] as const;

/** The annotation that has Dapr's injector add the sidecar (compared case-insensitively with "true", as the injector does). */
export const DAPR_ENABLED = 'dapr.io/enabled';
/** The app ID: a pod-template annotation, which the injector also puts on the pod as a label; without it, the pod's name. */
export const DAPR_APP_ID = 'dapr.io/app-id';

/** Metadata naming a service principal's credential. */
const SERVICE_PRINCIPAL = ['azureClientSecret', 'azureCertificate', 'azureCertificateFile'];
/** Metadata naming a shared key, SAS or connection string of the Azure service (no Entra ID). */
const SHARED_KEY = ['accountKey', 'masterKey', 'connectionString', 'storageAccessKey', 'accessKey', 'sasToken'];

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

/** `secretstores.azure.keyvault`, `state.azure.blobstorage`, `pubsub.azure.servicebus.queues`… */
export function isAzureComponentType(type: string | undefined): boolean {
  return type !== undefined && /^[a-z]+\.azure\./i.test(type);
}

/** Whether the pod-template (or pod) annotation asks for the Dapr sidecar. */
export function daprEnabled(annotations: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return (annotations?.[DAPR_ENABLED] ?? '').toLowerCase() === 'true';
}

/** A Key Vault secret store names its vault: the only resource whose need (reading secrets) the type alone makes certain. */
function resourcesOf(type: string | undefined, md: Map<string, string | undefined>): ConsumerResource[] {
  const vault = md.get('vaultName');
  return type?.toLowerCase() === 'secretstores.azure.keyvault' && given(vault) ? [{ what: 'Key Vault', name: vault }] : [];
}

export function describeComponent(obj: Json): ConsumerUse[] {
  if (!String(str(obj, 'apiVersion') ?? '').startsWith('dapr.io/')) return [];
  const md = componentMetadata(obj);
  const type = str(obj, 'spec', 'type');
  const client = md.get('azureClientId');
  // An Azure component, or another (PostgreSQL, Redis…) told to use an Entra identity.
  if (!isAzureComponentType(type) && !given(client)) return [];
  const base = { type: 'dapr' as const, kind: 'Component', name: str(obj, 'metadata', 'name'), namespace: str(obj, 'metadata', 'namespace') ?? 'default', resources: resourcesOf(type, md) };
  const clientId = given(client) ? { value: client, field: 'spec.metadata azureClientId' } : undefined;
  const tenant = md.get('azureTenantId');
  const tenantId = given(tenant) ? { value: tenant, field: 'spec.metadata azureTenantId' } : undefined;
  if (SERVICE_PRINCIPAL.some((k) => md.has(k))) {
    return [{ ...base, workloadIdentity: false, certain: true, mode: "a service principal's secret or certificate", labelNeeded: false, clientId, tenantId }];
  }
  const key = SHARED_KEY.find((k) => md.has(k));
  if (key && !given(client)) return [{ ...base, workloadIdentity: false, certain: true, mode: `the service's own key (spec.metadata ${key}), not Entra ID`, labelNeeded: false }];
  const appIds = list(obj, 'scopes').filter((s): s is string => typeof s === 'string');
  return [{ ...base, workloadIdentity: true, certain: false, mode: 'Workload Identity (or a managed identity, whichever the pod has)', token: { via: 'app-pods', appIds }, labelNeeded: true, clientId, tenantId }];
}
