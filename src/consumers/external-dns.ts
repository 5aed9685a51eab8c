// ExternalDNS's Azure configuration, `azure.json`, held in a Secret or a ConfigMap. The service
// principal's secret wins, then Workload Identity (`useWorkloadIdentityExtension`), then a
// managed identity; in Workload Identity mode the client-ID override is `aadClientId`
// (docs/workload-identity-facts.md).

import { given, goTrue, isRecord, str, type Json } from './json';
import type { ConsumerUse, Written } from './types';

export const EXTERNAL_DNS_KINDS = ['Secret', 'ConfigMap'] as const;
export const AZURE_JSON = 'azure.json';

/** The text of `azure.json` in a Secret (`stringData`, or base64 `data`) or ConfigMap (`data`), if any. */
export function azureJsonText(obj: Json): string | undefined {
  const kind = str(obj, 'kind');
  if (kind === 'ConfigMap') return str(obj, 'data', AZURE_JSON);
  if (kind !== 'Secret') return undefined;
  const plain = str(obj, 'stringData', AZURE_JSON);
  if (plain !== undefined) return plain;
  const b64 = str(obj, 'data', AZURE_JSON);
  if (b64 === undefined || !/^[A-Za-z0-9+/=\s]*$/.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** The parsed azure.json, or undefined when there is none or it is not a JSON object. */
export function parseAzureJson(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function describeAzureJson(obj: Json): ConsumerUse[] {
  const cfg = parseAzureJson(azureJsonText(obj));
  if (!cfg) return [];
  const base = { type: 'external-dns' as const, kind: str(obj, 'kind') ?? 'Secret', name: str(obj, 'metadata', 'name'), namespace: str(obj, 'metadata', 'namespace') ?? 'default', part: AZURE_JSON };
  const written = (key: string): Written | undefined => {
    const v = str(cfg, key);
    return given(v) ? { value: v, field: `${AZURE_JSON} ${key}` } : undefined;
  };
  const group = str(cfg, 'resourceGroup');
  const resources = given(group) ? [{ what: 'resource group of the DNS zones', name: group }] : [];
  const tenantId = written('tenantId');
  if (given(str(cfg, 'aadClientSecret'))) return [{ ...base, workloadIdentity: false, certain: true, mode: "a service principal's client secret", labelNeeded: false, clientId: written('aadClientId'), tenantId, resources }];
  if (goTrue(cfg.useWorkloadIdentityExtension)) {
    return [{ ...base, workloadIdentity: true, certain: true, mode: 'Workload Identity', token: { via: 'controller', controller: 'external-dns' }, labelNeeded: true, clientId: written('aadClientId'), tenantId, resources }];
  }
  if (goTrue(cfg.useManagedIdentityExtension)) return [{ ...base, workloadIdentity: false, certain: true, mode: 'a managed identity', labelNeeded: false, clientId: written('userAssignedIdentityID'), tenantId, resources }];
  return [];
}
