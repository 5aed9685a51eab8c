// The fake cloud's base world and the pieces scenarios are built from (scenarios.ts lists the
// named worlds; scenarios-*.ts add families of them).
//
// The base world: tenant Contoso (fake-kube's TENANT_ID) with subscription contoso-prod;
// resource group rg-payments holds identity id-payments-api (client ID = fake-kube's CLIENT_ID),
// Key Vault kv-prod, storage account stpaymentsprod and Service Bus namespace sb-payments-prod;
// rg-contoso-prod holds the AKS cluster aks-prod whose OIDC issuer is the fake cluster's. Other
// identities, clusters and vaults sit beside them so that queries have something to filter out.
// A second tenant, Fabrikam, has its own subscription. The test principal `wi-doctor-test`
// (signIn()) reads the home tenant.

import { CLIENT_ID, DEMO_WORKLOADS, TENANT_ID, type Checkpoint as KubeCheckpoint, type Scenario as KubeScenario, type ScenarioTarget } from '../fake-kube/scenarios';
import type { KubeObject } from '../fake-kube/store';
import type { EntraOverride } from './entra';
import type { ArmResource, CloudState } from './state';

export { CLIENT_ID, TENANT_ID };

/**
 * The checkpoints of the Azure half of a diagnosis (ids mirrored from src/checkpoints, to keep the
 * fake cloud independent of the code under test):
 *   cluster-oidc-issuer    AKS knows the cluster: OIDC issuer enabled, its URL the token's issuer, workload identity enabled
 *   managed-identity       the ServiceAccount's client ID is a managed identity (or app registration) the signed-in user can see, in the pod's tenant
 *   federated-credential   one federated credential matches the token's issuer, subject and audience exactly
 *   role-assignments       the identity holds a role on each Azure resource the workload uses (and no broad role it should not)
 *   token-exchange         Entra exchanges the service-account token for an access token
 */
export type AzureCheckpoint = 'cluster-oidc-issuer' | 'managed-identity' | 'federated-credential' | 'role-assignments' | 'token-exchange' | 'identity-binding';

/** Every checkpoint of a whole diagnosis, cluster and Azure (for the demo's expectations). */
export type AnyCheckpoint = AzureCheckpoint | KubeCheckpoint;

export const HOME_TENANT = { id: TENANT_ID, displayName: 'Contoso', domain: 'contoso.onmicrosoft.com' };
export const OTHER_TENANT = { id: '3c9f1e7a-5d2b-4a8c-9e6f-0b1d2c3e4f5a', displayName: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' };
export const SUBSCRIPTION_ID = '00000000-1111-2222-3333-444444444444';
export const OTHER_SUBSCRIPTION_ID = '7e5d4c3b-2a19-4f08-8e7d-6c5b4a392817';
export const RESOURCE_GROUP = 'rg-payments';
export const CLUSTER_RESOURCE_GROUP = 'rg-contoso-prod';
export const IDENTITY_NAME = 'id-payments-api';
/** The managed identity's object (principal) ID, which role assignments name. */
export const PRINCIPAL_ID = 'b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70';
export const IDENTITY_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY_NAME}`;
export const CLUSTER_NAME = 'aks-prod';
export const CLUSTER_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${CLUSTER_RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER_NAME}`;
export const KEYVAULT_NAME = 'kv-prod';
export const KEYVAULT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${KEYVAULT_NAME}`;
export const STORAGE_ACCOUNT_NAME = 'stpaymentsprod';
export const STORAGE_ACCOUNT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/${STORAGE_ACCOUNT_NAME}`;
export const SERVICEBUS_NAME = 'sb-payments-prod';
export const SERVICEBUS_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ServiceBus/namespaces/${SERVICEBUS_NAME}`;
export const AUDIENCE = 'api://AzureADTokenExchange';
export const SUBJECT = 'system:serviceaccount:payments:api-sa';
/** The healthy federated credential's name. */
export const FIC_NAME = 'aks-prod-payments-api-sa';
/** The app registration of scenario app-registration (its appId is CLIENT_ID). */
export const APP_OBJECT_ID = 'a1e2b3c4-d5f6-4a7b-8c9d-0e1f2a3b4c5d';
export const APP_SP_ID = 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f';

/** The principal tests sign in as (a service principal with a client secret; fake, test-only values). */
export const TEST_PRINCIPAL = {
  clientId: '0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  objectId: 'e3f4a5b6-c7d8-4e9f-a0b1-c2d3e4f5a6b7',
  tenantId: TENANT_ID,
  displayName: 'wi-doctor-test',
  secret: 'fake-azure~test-secret.not-a-real-credential',
};
/** The same person's guest principal in the other tenant. */
export const OTHER_TENANT_PRINCIPAL = {
  clientId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  objectId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  tenantId: OTHER_TENANT.id,
  displayName: 'wi-doctor-test (Fabrikam)',
  secret: 'fake-azure~fabrikam-secret.not-a-real-credential',
};

export interface BuildContext {
  state: CloudState;
  /** The cluster's OIDC issuer (the discovery document's, with AKS's trailing slash). */
  issuer: string;
  now: number;
}

export interface AzureScenario {
  name: string;
  description: string;
  /** The fake-kube scenario beside it: a name from SCENARIOS, or a scenario object (test/fake-kube/scenarios-consumers.ts). */
  kubeScenario: string | KubeScenario;
  target: ScenarioTarget;
  /** The Azure checkpoint a doctor should report on the target; null when all pass. */
  failingCheckpoint: AzureCheckpoint | null;
  /** 'warn' when that checkpoint should warn rather than fail (default 'fail'). */
  severity?: 'fail' | 'warn';
  /** What Entra answers when the target's service-account token is first exchanged: null for an access token, else the AADSTS code. */
  exchange: number | null;
  /** Entra: a federated credential younger than this is not seen yet (default 0). */
  propagationSeconds?: number;
  /** The cluster's OIDC issuer documents cannot be fetched. */
  issuerDown?: boolean;
  /** Entra answers these instead of processing token requests (an outage, an unmodelled refusal). */
  entraOverrides?: EntraOverride[];
  /** Objects loaded into the fake cluster after its scenario's (replacing those of the same name): a workload naming other endpoints. */
  kubeObjects?: () => KubeObject[];
  build(c: BuildContext): void;
}

export const MIN = 60_000;
export const DAY = 86_400_000;
export const PAYMENTS_API: ScenarioTarget = { namespace: 'payments', kind: 'Deployment', name: 'api' };

// ---- The base world ----------------------------------------------------------------------------------

/** Another AKS cluster's issuer (staging), for noise and for the twenty-credentials scenario. */
export const STAGING_ISSUER = `https://westeurope.oic.prod-aks.azure.com/${TENANT_ID}/9a8b7c6d-5e4f-4321-8a9b-0c1d2e3f4a5b/`;
export const DR_ISSUER = `https://westus3.oic.prod-aks.azure.com/${TENANT_ID}/2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e/`;

export function cluster(state: CloudState, o: { name: string; rg: string; issuer: string; oidc?: boolean; wi?: boolean; location?: string }): ArmResource {
  const location = o.location ?? 'eastus';
  return state.addResource({
    name: o.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location,
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: o.rg,
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', tenantId: TENANT_ID },
    id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${o.rg}/providers/Microsoft.ContainerService/managedClusters/${o.name}`,
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.30.6',
      currentKubernetesVersion: '1.30.6',
      dnsPrefix: `${o.name}-dns`,
      fqdn: `${o.name}-dns-4f8c2b1a.hcp.${location}.azmk8s.io`,
      azurePortalFQDN: `${o.name}-dns-4f8c2b1a.portal.hcp.${location}.azmk8s.io`,
      agentPoolProfiles: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_D4s_v5', osType: 'Linux', osSKU: 'Ubuntu', mode: 'System', type: 'VirtualMachineScaleSets', orchestratorVersion: '1.30.6', provisioningState: 'Succeeded', powerState: { code: 'Running' } }],
      nodeResourceGroup: `MC_${o.rg}_${o.name}_${location}`,
      enableRBAC: true,
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'none', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10', podCidr: '10.244.0.0/16', outboundType: 'loadBalancer' },
      aadProfile: { managed: true, enableAzureRBAC: false, tenantID: TENANT_ID },
      // ARM's (and so Resource Graph's) spelling is issuerURL; `az aks show` prints issuerUrl.
      oidcIssuerProfile: { enabled: o.oidc ?? true, ...(o.oidc === false ? {} : { issuerURL: o.issuer }) },
      securityProfile: { workloadIdentity: { enabled: o.wi ?? true } },
      storageProfile: { diskCSIDriver: { enabled: true }, fileCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
    },
  });
}

export function base(c: BuildContext, o: { clusterWorkloadIdentity?: boolean } = {}): void {
  const s = c.state;
  s.addTenant(HOME_TENANT);
  s.addTenant(OTHER_TENANT);
  s.addSubscription({ subscriptionId: SUBSCRIPTION_ID, tenantId: TENANT_ID, displayName: 'contoso-prod' });
  s.addSubscription({ subscriptionId: OTHER_SUBSCRIPTION_ID, tenantId: OTHER_TENANT.id, displayName: 'fabrikam-payments' });
  s.addPrincipal({ ...TEST_PRINCIPAL });
  s.addPrincipal({ ...OTHER_TENANT_PRINCIPAL });

  cluster(s, { name: CLUSTER_NAME, rg: CLUSTER_RESOURCE_GROUP, issuer: c.issuer, wi: o.clusterWorkloadIdentity ?? true });
  cluster(s, { name: 'aks-staging', rg: 'rg-contoso-staging', issuer: STAGING_ISSUER, location: 'westeurope' });

  s.addResource({
    name: KEYVAULT_NAME,
    type: 'Microsoft.KeyVault/vaults',
    location: 'eastus',
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: RESOURCE_GROUP,
    properties: { sku: { family: 'A', name: 'standard' }, tenantId: TENANT_ID, accessPolicies: [], enabledForDeployment: false, enableSoftDelete: true, softDeleteRetentionInDays: 90, enableRbacAuthorization: true, enablePurgeProtection: true, vaultUri: `https://${KEYVAULT_NAME}.vault.azure.net/`, provisioningState: 'Succeeded', publicNetworkAccess: 'Enabled' },
  });
  s.addResource({
    name: 'kv-shared-platform',
    type: 'Microsoft.KeyVault/vaults',
    location: 'eastus',
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: 'rg-platform',
    properties: { sku: { family: 'A', name: 'standard' }, tenantId: TENANT_ID, accessPolicies: [], enableRbacAuthorization: true, vaultUri: 'https://kv-shared-platform.vault.azure.net/', provisioningState: 'Succeeded', publicNetworkAccess: 'Enabled' },
  });
  s.addResource({
    name: STORAGE_ACCOUNT_NAME,
    type: 'Microsoft.Storage/storageAccounts',
    kind: 'StorageV2',
    sku: { name: 'Standard_ZRS', tier: 'Standard' },
    location: 'eastus',
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: RESOURCE_GROUP,
    properties: {
      provisioningState: 'Succeeded',
      allowSharedKeyAccess: false,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      supportsHttpsTrafficOnly: true,
      accessTier: 'Hot',
      primaryEndpoints: { blob: `https://${STORAGE_ACCOUNT_NAME}.blob.core.windows.net/`, queue: `https://${STORAGE_ACCOUNT_NAME}.queue.core.windows.net/`, table: `https://${STORAGE_ACCOUNT_NAME}.table.core.windows.net/`, file: `https://${STORAGE_ACCOUNT_NAME}.file.core.windows.net/`, dfs: `https://${STORAGE_ACCOUNT_NAME}.dfs.core.windows.net/`, web: `https://${STORAGE_ACCOUNT_NAME}.z13.web.core.windows.net/` },
      primaryLocation: 'eastus',
      statusOfPrimary: 'available',
    },
  });
  s.addResource({
    name: SERVICEBUS_NAME,
    type: 'Microsoft.ServiceBus/namespaces',
    sku: { name: 'Standard', tier: 'Standard' },
    location: 'eastus',
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: RESOURCE_GROUP,
    properties: { provisioningState: 'Succeeded', status: 'Active', serviceBusEndpoint: `https://${SERVICEBUS_NAME}.servicebus.windows.net:443/`, disableLocalAuth: true, minimumTlsVersion: '1.2', publicNetworkAccess: 'Enabled' },
  });

  // Neighbours: other teams' identities, federated with this cluster for their own namespaces.
  const checkout = s.addIdentity({ subscriptionId: SUBSCRIPTION_ID, resourceGroup: 'rg-checkout', name: 'id-checkout-cart', clientId: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b', principalId: '2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b' });
  s.addFic(checkout, { name: 'aks-prod-checkout-cart', issuer: c.issuer, subject: 'system:serviceaccount:checkout:cart-sa', audiences: [AUDIENCE] });
  s.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-platform/providers/Microsoft.KeyVault/vaults/kv-shared-platform`, principalId: '2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b', role: 'Key Vault Secrets User' });
  const reports = s.addIdentity({ subscriptionId: SUBSCRIPTION_ID, resourceGroup: RESOURCE_GROUP, name: 'id-payments-reports', clientId: '8d7c6b5a-4938-4271-8605-f4e3d2c1b0a9', principalId: '9e8d7c6b-5a49-4382-9716-05f4e3d2c1b0' });
  s.addFic(reports, { name: 'aks-staging-payments-reports', issuer: STAGING_ISSUER, subject: 'system:serviceaccount:payments:reports-sa', audiences: [AUDIENCE] });
  s.addRoleAssignment({ scope: STORAGE_ACCOUNT_ID, principalId: '9e8d7c6b-5a49-4382-9716-05f4e3d2c1b0', role: 'Storage Blob Data Contributor' });

  // The signed-in principal can read the subscription and manage identities of rg-payments.
  s.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}`, principalId: TEST_PRINCIPAL.objectId, role: 'Reader' });
  s.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}`, principalId: TEST_PRINCIPAL.objectId, role: 'Managed Identity Contributor' });
}

/** How a scenario's federated credential differs from the right one. */
export interface FicChanges {
  issuer?: string;
  subject?: string;
  audience?: string;
  createdAt?: number;
}

/** id-payments-api in rg-payments; with `fic`, its one federated credential (default: the right one). */
export function paymentsIdentity(c: BuildContext, fic?: FicChanges | false): ArmResource {
  const id = c.state.addIdentity({ subscriptionId: SUBSCRIPTION_ID, resourceGroup: RESOURCE_GROUP, name: IDENTITY_NAME, clientId: CLIENT_ID, principalId: PRINCIPAL_ID, tags: { team: 'payments', env: 'prod' } });
  if (fic !== false) {
    c.state.addFic(id, {
      name: FIC_NAME,
      issuer: fic?.issuer ?? c.issuer,
      subject: fic?.subject ?? SUBJECT,
      audiences: [fic?.audience ?? AUDIENCE],
      ...(fic?.createdAt !== undefined ? { createdAt: fic.createdAt } : {}),
    });
  }
  return id;
}

/** The roles the app needs: Key Vault Secrets User on kv-prod, Storage Blob Data Reader on stpaymentsprod. */
export function workloadRoles(c: BuildContext, principalId = PRINCIPAL_ID): void {
  c.state.addRoleAssignment({ scope: KEYVAULT_ID, principalId, role: 'Key Vault Secrets User' });
  c.state.addRoleAssignment({ scope: STORAGE_ACCOUNT_ID, principalId, role: 'Storage Blob Data Reader' });
}

/** The healthy world; `fic` changes what its federated credential says. */
export function healthy(c: BuildContext, fic?: FicChanges): void {
  base(c);
  paymentsIdentity(c, fic);
  workloadRoles(c);
}

// ---- The demo (`npm start`) ----------------------------------------------------------------------

/** The Key Vault every app of the fake-kube `demo` cluster names (env KEY_VAULT_URL). */
export const DEMO_KEYVAULT_NAME = 'kv-contoso-prod';
export const DEMO_KEYVAULT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_KEYVAULT_NAME}`;

/** What is wrong with each demo workload, in a few words (by its fake-kube scenario). */
const DEMO_WHY: Record<string, string> = {
  healthy: 'healthy: every checkpoint passes, the token exchange included',
  'label-on-deployment': 'the use label is on the Deployment, not its pod template',
  'annotation-typo': 'the ServiceAccount says client_id, not client-id',
  'sa-not-annotated': 'the ServiceAccount has no client-id annotation',
  'pods-older-than-label': 'the running pods predate the label (rollout paused)',
  'client-secret-set': 'AZURE_CLIENT_SECRET makes the SDK skip Workload Identity',
  'hardcoded-client-id': 'the container hard-codes another AZURE_CLIENT_ID',
  'namespace-excluded': 'the namespace is labelled control-plane: the webhook skips it',
};

/**
 * The demo cluster's workloads (fake-kube `DEMO_WORKLOADS`: one namespace per failure mode) with
 * their ServiceAccount and what a whole diagnosis, cluster and Azure, finds first. Every
 * ServiceAccount carries CLIENT_ID, so one identity (id-payments-api) trusts them all — except
 * analytics/ingest, whose federated credential has a typo in the namespace ("analytcs"): the one
 * workload broken on the Azure side (its pods' logs show Entra's refusal too).
 */
export const DEMO_AZURE_WORKLOADS: readonly { target: ScenarioTarget; serviceAccount: string; firstFailure: AnyCheckpoint | null; why: string }[] = DEMO_WORKLOADS.map((w) => {
  const serviceAccount = w.target.namespace === 'payments' ? 'api-sa' : `${w.target.name}-sa`;
  if (w.target.namespace === 'analytics') {
    return { target: w.target, serviceAccount, firstFailure: 'federated-credential', why: 'the federated credential says namespace "analytcs" (Entra: AADSTS700213)' };
  }
  return { target: w.target, serviceAccount, firstFailure: w.failingCheckpoint, why: DEMO_WHY[w.scenario] ?? w.scenario };
});

/** The demo's typo'd subject (the namespace misspelt). */
export const DEMO_TYPO_SUBJECT = 'system:serviceaccount:analytcs:ingest-sa';

export function demo(c: BuildContext): void {
  base(c);
  const id = paymentsIdentity(c, false);
  for (const w of DEMO_AZURE_WORKLOADS) {
    const right = `system:serviceaccount:${w.target.namespace}:${w.serviceAccount}`;
    c.state.addFic(id, {
      name: `aks-prod-${w.target.namespace}-${w.serviceAccount}`,
      issuer: c.issuer,
      subject: w.target.namespace === 'analytics' ? DEMO_TYPO_SUBJECT : right,
      audiences: [AUDIENCE],
      createdAt: c.now - 30 * DAY,
    });
  }
  c.state.addResource({
    name: DEMO_KEYVAULT_NAME,
    type: 'Microsoft.KeyVault/vaults',
    location: 'eastus',
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: RESOURCE_GROUP,
    properties: { sku: { family: 'A', name: 'standard' }, tenantId: TENANT_ID, accessPolicies: [], enableSoftDelete: true, softDeleteRetentionInDays: 90, enableRbacAuthorization: true, enablePurgeProtection: true, vaultUri: `https://${DEMO_KEYVAULT_NAME}.vault.azure.net/`, provisioningState: 'Succeeded', publicNetworkAccess: 'Enabled' },
  });
  c.state.addRoleAssignment({ scope: DEMO_KEYVAULT_ID, principalId: PRINCIPAL_ID, role: 'Key Vault Secrets User' });
}

