// Azure as the checkpoints see it: a small interface whose every call returns a value or a typed
// failure with one sentence, like the cluster's (src/cluster/types.ts). AzureClient (client.ts)
// implements it with @azure/arm-msi and the Azure SDK's HTTP pipeline; it is loaded only when an
// Azure checkpoint runs, so activation never loads an Azure SDK. Tests point it at the local
// ARM/Entra/Graph servers of test/fake-azure through AzureEndpoints.

import type { TokenCredential } from '@azure/core-auth';

export type AzureFailureKind =
  | 'not-signed-in' // no credential at all
  | 'expired' // the sign-in expired or was revoked (401, interaction required)
  | 'forbidden' // 403: the role needed is named in the message
  | 'not-found'
  | 'conflict' // 409 (e.g. concurrent federated credential writes)
  | 'throttled' // 429 after retries
  | 'timeout'
  | 'cancelled'
  | 'unreachable'
  | 'invalid' // 400
  | 'server';

export interface AzureFailure {
  kind: AzureFailureKind;
  /** One sentence a user can act on; never a token. */
  message: string;
  status?: number;
  /** ARM's error code, e.g. AuthorizationFailed, ResourceNotFound. */
  code?: string;
}

export type AzureResult<T> = { ok: true; value: T } | { ok: false; failure: AzureFailure };

export const azOk = <T>(value: T): AzureResult<T> => ({ ok: true, value });
export const azErr = <T = never>(failure: AzureFailure): AzureResult<T> => ({ ok: false, failure });

export type AzureCloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/** Where Azure is. The three public clouds are built in; tests (and private clouds) pass their own. */
export interface AzureEndpoints {
  cloud: AzureCloudName | 'custom';
  /** https://management.azure.com */
  arm: string;
  /** https://login.microsoftonline.com */
  authorityHost: string;
  /** https://graph.microsoft.com */
  graph: string;
  /** Extra CA certificates (PEM) to trust, for private clouds and the local test servers. */
  ca?: string;
}

export const CLOUDS: Record<AzureCloudName, AzureEndpoints> = {
  AzureCloud: { cloud: 'AzureCloud', arm: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  AzureUSGovernment: { cloud: 'AzureUSGovernment', arm: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  AzureChinaCloud: { cloud: 'AzureChinaCloud', arm: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
};

/** A user-assigned managed identity as Resource Graph and ARM describe it. */
export interface ManagedIdentity {
  id: string; // ARM resource ID
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location?: string;
  tenantId: string;
  clientId: string;
  principalId: string;
}

export interface FederatedCredential {
  id?: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  /** When ARM says it was created (systemData.createdAt), for the propagation warning. */
  createdAt?: string;
}

/** An app registration that owns the client ID (instead of a managed identity). */
export interface AppRegistration {
  objectId: string;
  appId: string;
  displayName: string;
}

export interface AksCluster {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  oidcIssuerEnabled: boolean;
  issuerUrl?: string;
  workloadIdentityEnabled: boolean;
}

export interface RoleAssignment {
  id: string;
  scope: string;
  roleDefinitionId: string;
  roleName?: string;
}

/** An Azure resource found by name (a Key Vault, a storage account, ...). */
export interface AzureResource {
  id: string;
  name: string;
  type: string;
  /** Key Vaults only: false when the vault uses access policies instead of Azure RBAC. */
  enableRbacAuthorization?: boolean;
}

/** The result of a federated token exchange at Entra: the access token itself is never returned. */
export type ExchangeResult =
  | { ok: true; expiresIn?: number }
  | { ok: false; status?: number; aadsts?: string; error?: string; description: string };

/** Who is signed in, as far as the credential tells; `label` names the cloud when it is not a real one (the demo). */
export interface SignedInAccount {
  tenantId?: string;
  user?: string;
  label?: string;
}

export interface AzureApi {
  readonly endpoints: AzureEndpoints;
  /** Requests sent (for the report and the benchmark). */
  readonly requestCount: number;
  /** The signed-in account's tenant, when the credential tells. */
  readonly account?: SignedInAccount;
  findIdentityByClientId(clientId: string, signal?: AbortSignal): Promise<AzureResult<ManagedIdentity | undefined>>;
  /** Every user-assigned identity you can read (for "Pick a managed identity from Azure"), or those of one resource group. */
  listIdentities(signal?: AbortSignal, inGroup?: { subscriptionId: string; resourceGroup: string }): Promise<AzureResult<ManagedIdentity[]>>;
  findAppRegistration(clientId: string, signal?: AbortSignal): Promise<AzureResult<AppRegistration | undefined>>;
  findClusterByIssuer(issuer: string, signal?: AbortSignal): Promise<AzureResult<AksCluster | undefined>>;
  listFederatedCredentials(identity: ManagedIdentity, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>>;
  listAppFederatedCredentials(app: AppRegistration, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>>;
  createFederatedCredential(identity: ManagedIdentity, fc: FederatedCredential, signal?: AbortSignal): Promise<AzureResult<FederatedCredential>>;
  listRoleAssignments(principalId: string, signal?: AbortSignal): Promise<AzureResult<RoleAssignment[]>>;
  findResources(byType: { type: string; names: string[] }[], signal?: AbortSignal): Promise<AzureResult<AzureResource[]>>;
  /** A client-assertion exchange at `{authorityHost}/{tenant}/oauth2/v2.0/token`; the access token is discarded. */
  exchangeToken(args: { tenantId: string; clientId: string; assertion: string; scope: string }, signal?: AbortSignal): Promise<AzureResult<ExchangeResult>>;
}

export interface AzureClientOptions {
  endpoints: AzureEndpoints;
  credential: TokenCredential | undefined;
  timeoutMs?: number;
  account?: SignedInAccount;
}
