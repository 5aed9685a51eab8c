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
  | 'precondition-failed' // 412: the If-Match / If-None-Match of a write did not hold
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
  /** For a 403 from ARM: the action refused and the scope it was refused at, as ARM's message names them. */
  action?: string;
  scope?: string;
  /** Set when the service could not answer now (HTTP 5xx, throttling, a transient Entra code): not a verdict. */
  transient?: boolean;
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
  /** When ARM says it was last changed (systemData.lastModifiedAt): a corrected credential propagates anew. */
  modifiedAt?: string;
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
  /** API server VNet integration (`apiServerAccessProfile.enableVnetIntegration`): identity bindings do not support it. */
  vnetIntegration?: boolean;
}

/** An AKS identity binding (`Microsoft.ContainerService/managedClusters/identityBindings`): one identity mapped to one cluster. */
export interface IdentityBinding {
  id: string;
  name: string;
  /** `properties.managedIdentity.resourceId`. */
  identityResourceId: string;
  clientId?: string;
  /** `properties.oidcIssuer.oidcIssuerUrl`: `https://ib.oic.prod-aks.azure.com/<tenant>/<client-id>`. */
  issuerUrl?: string;
  provisioningState?: string;
}

/** One permission block of a role definition (Azure RBAC's `permissions[]`). */
export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** A role definition as ARM and Resource Graph describe it, built-in or custom. */
export interface RoleDefinition {
  /** Its ARM ID (`/providers/Microsoft.Authorization/roleDefinitions/<guid>`, or under a subscription). */
  id: string;
  roleName: string;
  /** `BuiltInRole` or `CustomRole` (any other value is kept as ARM gave it). */
  type: string;
  permissions: RolePermission[];
}

export interface RoleAssignment {
  id: string;
  scope: string;
  roleDefinitionId: string;
  roleName?: string;
  /** The role's definition with its permissions; undefined when it could not be read (`definitionError` says why). */
  definition?: RoleDefinition;
  definitionError?: string;
  /** `User`, `Group`, `ServicePrincipal` ... as the assignment says. */
  principalType?: string;
  /**
   * An ABAC condition on the assignment (Azure attribute-based access control): the role then
   * applies only to requests the condition allows, which this diagnosis does not evaluate.
   */
  condition?: string;
}

/** A Key Vault access policy (vaults whose `enableRbacAuthorization` is false). */
export interface KeyVaultAccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { keys?: string[]; secrets?: string[]; certificates?: string[]; storage?: string[] };
}

/** An Azure resource found by name (a Key Vault, a storage account, ...). */
export interface AzureResource {
  id: string;
  name: string;
  type: string;
  subscriptionId?: string;
  /** Key Vaults only: false when the vault uses access policies instead of Azure RBAC. */
  enableRbacAuthorization?: boolean;
  /** Key Vaults only: its access policies (they decide data access when enableRbacAuthorization is false). */
  accessPolicies?: KeyVaultAccessPolicy[];
  /** Storage accounts only: false when shared keys (account keys, SAS signed with them) are refused. */
  allowSharedKeyAccess?: boolean;
  /** Service Bus, Event Hubs, App Configuration ...: true when only Microsoft Entra ID authorization is accepted. */
  disableLocalAuth?: boolean;
  /** The management groups above its subscription, nearest first (Resource Graph's managementGroupAncestorsChain). */
  managementGroups?: string[];
}

/** The result of a federated token exchange at Entra: the access token itself is never returned. */
export type ExchangeResult =
  | { ok: true; expiresIn?: number; attempts?: number }
  | {
      ok: false;
      status?: number;
      aadsts?: string;
      error?: string;
      /** Entra's own description, without the leading AADSTS code and the trace IDs. */
      description: string;
      /** Entra could not answer now (5xx, 429, a transient code), even after retrying: not a verdict. */
      transient?: boolean;
      attempts?: number;
    };

/** The precondition of a federated credential write: none of that name may exist (`absent`), or one must (`present`). */
export type WritePrecondition = 'absent' | 'present';

/** Who is signed in, as far as the credential tells; `label` names the cloud when it is not a real one (the demo). */
export interface SignedInAccount {
  tenantId?: string;
  user?: string;
  /** The signed-in principal's object ID (the token's `oid`), to look up the roles it holds. */
  objectId?: string;
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
  /** The cluster's identity bindings (ARM, every page). */
  listIdentityBindings(cluster: AksCluster, signal?: AbortSignal): Promise<AzureResult<IdentityBinding[]>>;
  /** The identity as ARM has it now: undefined when ARM answers 404 (deleted, though Resource Graph may list it a while longer). */
  getIdentity(identity: ManagedIdentity, signal?: AbortSignal): Promise<AzureResult<ManagedIdentity | undefined>>;
  listFederatedCredentials(identity: ManagedIdentity, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>>;
  /** One federated credential by name; undefined when there is none (the precondition of a write). */
  getFederatedCredential(identity: ManagedIdentity, name: string, signal?: AbortSignal): Promise<AzureResult<FederatedCredential | undefined>>;
  listAppFederatedCredentials(app: AppRegistration, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>>;
  /**
   * Creates or replaces a federated credential. `precondition` is the write's HTTP precondition
   * (RFC 7232): `absent` sends `If-None-Match: *` (create only: Azure must refuse with 412 if a
   * credential of that name exists), `present` sends `If-Match: *` (replace only: refused if it no
   * longer exists). ARM hands conditional headers to the resource provider; the provider's API
   * defines no ETag for federated credentials, so callers also read and compare just before.
   */
  createFederatedCredential(identity: ManagedIdentity, fc: FederatedCredential, signal?: AbortSignal, precondition?: WritePrecondition): Promise<AzureResult<FederatedCredential>>;
  /** Deletes one federated credential (callers read it just before and compare: the API defines no ETag). */
  deleteFederatedCredential(identity: ManagedIdentity, name: string, signal?: AbortSignal): Promise<AzureResult<void>>;
  /** The principal's role assignments, each with its role definition (permissions included) when it can be read. */
  listRoleAssignments(principalId: string, signal?: AbortSignal): Promise<AzureResult<RoleAssignment[]>>;
  /**
   * The roles the signed-in principal holds (directly) at `scope` or an ancestor of it that grant
   * `action`: for a 403, so that the advice never names a role the user already has.
   */
  heldRolesGranting(action: string, scope: string, signal?: AbortSignal): Promise<AzureResult<{ roleName: string; scope: string }[]>>;
  findResources(byType: { type: string; names: string[] }[], signal?: AbortSignal): Promise<AzureResult<AzureResource[]>>;
  /** A client-assertion exchange at `{authorityHost}/{tenant}/oauth2/v2.0/token`; the access token is discarded. */
  exchangeToken(args: { tenantId: string; clientId: string; assertion: string; scope: string }, signal?: AbortSignal): Promise<AzureResult<ExchangeResult>>;
}

/**
 * How a diagnosis gets at Azure (DiagnoseOptions.azure; provider.ts makes one): loaded only when
 * an Azure checkpoint asks (activation loads no Azure SDK). Unavailable with `fault`: the sign-in
 * itself failed on the service's side (Entra could not answer, no answer in time) — the Azure part
 * could not be checked, which is not the same as nobody being signed in.
 */
export type AzureProvider = () => Promise<{ api: AzureApi } | { unavailable: string; signIn: boolean; anonymous?: AzureApi; fault?: boolean }>;

export interface AzureClientOptions {
  endpoints: AzureEndpoints;
  credential: TokenCredential | undefined;
  timeoutMs?: number;
  account?: SignedInAccount;
}
