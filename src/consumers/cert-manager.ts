// cert-manager's Issuer and ClusterIssuer with an `azureDNS` DNS-01 solver. A top-level
// `clientID` means a service principal; otherwise cert-manager uses its ambient credentials —
// Workload Identity when its controller's pod is set up for it — with `managedIdentity.clientID`
// choosing the identity. The token is cert-manager's CONTROLLER's
// (docs/workload-identity-facts.md).

import { given, list, rec, str, type Json } from './json';
import type { ConsumerUse, Written } from './types';

export const CERT_MANAGER_KINDS = ['Issuer', 'ClusterIssuer'] as const;

export function describeIssuer(obj: Json): ConsumerUse[] {
  const kind = str(obj, 'kind') ?? 'Issuer';
  const base = { type: 'cert-manager' as const, kind, name: str(obj, 'metadata', 'name'), namespace: kind === 'ClusterIssuer' ? undefined : (str(obj, 'metadata', 'namespace') ?? 'default') };
  const uses: ConsumerUse[] = [];
  list(obj, 'spec', 'acme', 'solvers').forEach((solver, i) => {
    const dns = rec(solver, 'dns01', 'azureDNS');
    if (!dns) return;
    const part = `spec.acme.solvers[${i}].dns01.azureDNS`;
    const zone = str(dns, 'hostedZoneName');
    const rg = str(dns, 'resourceGroupName');
    const sub = str(dns, 'subscriptionID');
    // zoneType AzurePrivateZone (cert-manager ≥ 1.18, experimental): an Azure Private DNS zone.
    const what = str(dns, 'zoneType') === 'AzurePrivateZone' ? 'private DNS zone' : 'DNS zone';
    const resources = given(zone) ? [{ what, name: zone, ...(given(rg) ? { resourceGroup: rg } : {}), ...(given(sub) ? { subscriptionId: sub } : {}) }] : [];
    const written = (field: string, ...path: string[]): Written | undefined => {
      const v = str(dns, ...path);
      return given(v) ? { value: v, field: `${part}.${field}` } : undefined;
    };
    const tenantId = written('tenantID', 'tenantID') ?? written('managedIdentity.tenantID', 'managedIdentity', 'tenantID');
    if (given(str(dns, 'clientID'))) {
      uses.push({ ...base, part, workloadIdentity: false, certain: true, mode: "a service principal's client secret", labelNeeded: false, clientId: written('clientID', 'clientID'), tenantId, resources });
      return;
    }
    uses.push({ ...base, part, workloadIdentity: true, certain: false, mode: "cert-manager's ambient credentials (Workload Identity when its controller's pod is set up for it)", token: { via: 'controller', controller: 'cert-manager' }, labelNeeded: true, clientId: written('managedIdentity.clientID', 'managedIdentity', 'clientID'), tenantId, resources });
  });
  return uses;
}
