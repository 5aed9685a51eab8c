// AKS identity bindings in the fake cloud (`Microsoft.ContainerService/managedClusters/identityBindings`,
// API 2026-04-01; the previews since 2025-06-02-preview answer the same): a binding maps one
// user-assigned identity to one cluster, and the first binding of an identity creates its credential
// `aks-identity-binding` with AKS's issuer `https://ib.oic.prod-aks.azure.com/<tenant>/<client-id>`.
// The credential's subject is AKS's own and undocumented: the fake uses the identity's resource ID.

import type { ArmResource, CloudState } from './state';

type Json = Record<string, unknown>;

export interface BindingRecord {
  name: string;
  clusterId: string;
  identityId: string;
  provisioningState: string;
}

export const IDENTITY_BINDING_API_VERSIONS = ['2026-04-01', '2026-01-02-preview', '2025-10-02-preview', '2025-09-02-preview', '2025-08-02-preview', '2025-07-02-preview', '2025-06-02-preview'];

const bindings = new WeakMap<CloudState, BindingRecord[]>();

function all(state: CloudState): BindingRecord[] {
  let list = bindings.get(state);
  if (!list) bindings.set(state, (list = []));
  return list;
}

export function addIdentityBinding(state: CloudState, cluster: ArmResource, identity: ArmResource, name: string, o: { provisioningState?: string; noCredential?: boolean } = {}): BindingRecord {
  const rec: BindingRecord = { name, clusterId: cluster.id, identityId: identity.id, provisioningState: o.provisioningState ?? 'Succeeded' };
  all(state).push(rec);
  const tenant = String(identity.properties.tenantId);
  const clientId = String(identity.properties.clientId);
  if (!o.noCredential && !state.ficsOf(identity).some((f) => f.name === 'aks-identity-binding')) {
    state.addFic(identity, { name: 'aks-identity-binding', issuer: `https://ib.oic.prod-aks.azure.com/${tenant}/${clientId}`, subject: identity.id, audiences: ['api://AzureADTokenExchange'], createdBy: 'AKS' });
  }
  return rec;
}

/** The list response of one cluster's bindings (one page). */
export function identityBindingsJson(state: CloudState, clusterId: string): Json {
  const value = all(state)
    .filter((b) => b.clusterId.toLowerCase() === clusterId.toLowerCase())
    .map((b) => {
      const identity = state.resource(b.identityId);
      const p = identity?.properties ?? {};
      return {
        id: `${b.clusterId}/identityBindings/${b.name}`,
        name: b.name,
        type: 'Microsoft.ContainerService/managedClusters/identityBindings',
        properties: {
          managedIdentity: { resourceId: b.identityId, clientId: p.clientId, objectId: p.principalId, tenantId: p.tenantId },
          oidcIssuer: { oidcIssuerUrl: `https://ib.oic.prod-aks.azure.com/${String(p.tenantId)}/${String(p.clientId)}` },
          provisioningState: b.provisioningState,
        },
      };
    });
  return { value };
}
