// The Resource Graph queries, in one place. Values are quoted for KQL (backslash escapes; a doubled
// quote would join two strings in KQL), never concatenated raw.

import { jsonScalarText } from '../util/scalar-text';
import type { ManagedIdentity } from './types';

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]) => `(${xs.map(q).join(', ')})`;

const SUBSCRIPTION_ANCESTRY = "ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project id, subscriptionId, managementGroups = properties.managementGroupAncestorsChain";

const IDENTITY_PROJECTION = 'project id, name, resourceGroup, subscriptionId, location, tenantId, clientId = tostring(properties.clientId), principalId = tostring(properties.principalId)';

export const Queries = {
  identities: () => `Resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | ${IDENTITY_PROJECTION}`,
  identitiesInGroup: (subscriptionId: string, resourceGroup: string) =>
    `Resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | where subscriptionId =~ ${q(subscriptionId)} and resourceGroup =~ ${q(resourceGroup)} | ${IDENTITY_PROJECTION}`,
  identityByClientId: (clientId: string) =>
    `Resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | where tostring(properties.clientId) =~ ${q(clientId)} | ${IDENTITY_PROJECTION}`,
  /** The issuer with and without its trailing slash: a cluster found through the other spelling is the finding.
   *  ARM's property is `issuerURL` (the az CLI shows it as issuerUrl); KQL property access is case-sensitive. */
  clusterByIssuer: (issuer: string) => {
    const bare = issuer.replace(/\/+$/, '');
    return `Resources | where type =~ 'microsoft.containerservice/managedclusters' | where tostring(properties.oidcIssuerProfile.issuerURL) in~ ${list([bare, `${bare}/`])} | project id, name, resourceGroup, subscriptionId, oidcIssuerEnabled = properties.oidcIssuerProfile.enabled, issuerUrl = tostring(properties.oidcIssuerProfile.issuerURL), workloadIdentityEnabled = properties.securityProfile.workloadIdentity.enabled, vnetIntegration = properties.apiServerAccessProfile.enableVnetIntegration`;
  },
  roleAssignments: (principalId: string) =>
    `AuthorizationResources | where type =~ 'microsoft.authorization/roleassignments' | where tostring(properties.principalId) =~ ${q(principalId)} | project id, scope = tostring(properties.scope), roleDefinitionId = tostring(properties.roleDefinitionId), principalType = tostring(properties.principalType), condition = tostring(properties.condition)`,
  /** Built-in and custom role definitions by GUID, with their permissions (actions, notActions, dataActions, notDataActions). */
  roleDefinitions: (guids: readonly string[]) =>
    `AuthorizationResources | where type =~ 'microsoft.authorization/roledefinitions' | where name in~ ${list(guids)} | project id, name, roleName = tostring(properties.roleName), roleType = tostring(properties.type), permissions = properties.permissions`,
  /**
   * The resources by type and name, with what decides data access (Key Vault permission model and
   * access policies, storage shared keys, local auth) and, from ResourceContainers in the same
   * request, the management groups above each one's subscription (nearest first).
   */
  resourcesByName: (byType: readonly { type: string; names: readonly string[] }[]) =>
    `Resources | where ${byType.map((t) => `(type =~ ${q(t.type)} and name in~ ${list(t.names)})`).join(' or ')} | project id, name, type, subscriptionId, enableRbacAuthorization = properties.enableRbacAuthorization, accessPolicies = properties.accessPolicies, allowSharedKeyAccess = properties.allowSharedKeyAccess, disableLocalAuth = properties.disableLocalAuth | join kind=leftouter (${SUBSCRIPTION_ANCESTRY}) on subscriptionId | project id, name, type, subscriptionId, enableRbacAuthorization, accessPolicies, allowSharedKeyAccess, disableLocalAuth, managementGroups`,
  /** The management groups above these subscriptions (Resource Graph's managementGroupAncestorsChain: nearest first, the tenant root group last). */
  managementGroupAncestry: (subscriptionIds: readonly string[]) => `${SUBSCRIPTION_ANCESTRY} | where subscriptionId in~ ${list(subscriptionIds)}`,
};

export function identityFromRow(row: Record<string, unknown>): ManagedIdentity {
  const s = (k: string) => jsonScalarText(row[k]);
  return { id: s('id'), name: s('name'), resourceGroup: s('resourceGroup'), subscriptionId: s('subscriptionId'), location: s('location') || undefined, tenantId: s('tenantId'), clientId: s('clientId'), principalId: s('principalId') };
}
