// Named Azure worlds for tests and demos, each beside the fake-kube cluster `azure-wired` (the
// healthy payments/api app, configured for kv-prod and storage account stpaymentsprod). Every
// scenario says which workload a doctor should look at (`target`), which Azure checkpoint should
// fail (or warn) there and why, and what Entra answers when the target's token is exchanged.
// The base world and its building blocks are in world.ts.

import { base, DAY, demo, DR_ISSUER, healthy, MIN, PAYMENTS_API, paymentsIdentity, STAGING_ISSUER, workloadRoles, type AzureScenario } from './world';
import { ENTRA_SCENARIOS } from './scenarios-entra';
import { RBAC_SCENARIOS } from './scenarios-rbac';
import { ROLE } from './state';
import { AUDIENCE, CLIENT_ID, FIC_NAME, IDENTITY_NAME, OTHER_SUBSCRIPTION_ID, PRINCIPAL_ID, RESOURCE_GROUP, SUBJECT, SUBSCRIPTION_ID, TENANT_ID, APP_OBJECT_ID, APP_SP_ID } from './world';

export * from './world';

const common = { kubeScenario: 'azure-wired', target: PAYMENTS_API } as const;

export const AZURE_SCENARIOS: readonly AzureScenario[] = [
  /** Everything right: identity found, one exact federated credential, the roles the app's resources need, token exchanged. No checkpoint fails. */
  {
    name: 'azure-healthy',
    description: 'Identity id-payments-api with one exact federated credential, Key Vault Secrets User on kv-prod and Storage Blob Data Reader on stpaymentsprod; the cluster has OIDC and workload identity on.',
    ...common,
    failingCheckpoint: null,
    exchange: null,
    build: healthy,
  },
  /** federated-credential fails: the credential's issuer lacks the trailing "/" the token's iss has (Entra: AADSTS700211). */
  {
    name: 'fic-trailing-slash',
    description: "The federated credential's issuer lacks AKS's trailing slash, so it matches no token: AADSTS700211.",
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700211,
    build: (c) => healthy(c, { issuer: c.issuer.replace(/\/+$/, '') }),
  },
  /** federated-credential fails: the subject names namespace default, the pods run in payments (AADSTS700213). */
  {
    name: 'fic-wrong-namespace',
    description: 'The federated credential names system:serviceaccount:default:api-sa; the pods run in namespace payments: AADSTS700213.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700213,
    build: (c) => healthy(c, { subject: 'system:serviceaccount:default:api-sa' }),
  },
  /** federated-credential fails: the subject names the Deployment (api), not its ServiceAccount (api-sa) (AADSTS700213). */
  {
    name: 'fic-wrong-sa',
    description: 'The federated credential names the Deployment, system:serviceaccount:payments:api, not the ServiceAccount api-sa: AADSTS700213.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700213,
    build: (c) => healthy(c, { subject: 'system:serviceaccount:payments:api' }),
  },
  /** federated-credential fails: the subject differs only in case (Payments); Entra matches case-sensitively (AADSTS7002138). */
  {
    name: 'fic-case',
    description: 'The federated credential says system:serviceaccount:Payments:api-sa; matching is case-sensitive: AADSTS7002138.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 7002138,
    build: (c) => healthy(c, { subject: 'system:serviceaccount:Payments:api-sa' }),
  },
  /** federated-credential fails: the audience is api://AzureADTokenExchange/ (trailing slash); tokens carry api://AzureADTokenExchange (AADSTS70021). */
  {
    name: 'fic-wrong-audience',
    description: 'The federated credential expects audience api://AzureADTokenExchange/ (with a slash); the projected token has api://AzureADTokenExchange: AADSTS70021.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 70021,
    build: (c) => healthy(c, { audience: `${AUDIENCE}/` }),
  },
  /** federated-credential fails: the subject was pasted with a trailing space, invisible in the portal (AADSTS700213). */
  {
    name: 'fic-whitespace',
    description: "The federated credential's subject ends with a space (pasted from a document): 'system:serviceaccount:payments:api-sa ': AADSTS700213.",
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700213,
    build: (c) => healthy(c, { subject: `${SUBJECT} ` }),
  },
  /**
   * managed-identity fails: the identity was created in the Fabrikam tenant, while the pod's
   * AZURE_TENANT_ID and the signed-in user are Contoso's, so Resource Graph does not see it and
   * Entra (Contoso) does not know the client ID (AADSTS700016). signIn({ tenantId: OTHER_TENANT.id }) finds it.
   */
  {
    name: 'identity-other-tenant',
    description: "The identity lives in tenant Fabrikam; the pod's AZURE_TENANT_ID and the signed-in user are Contoso's: Resource Graph finds nothing, Entra answers AADSTS700016.",
    ...common,
    failingCheckpoint: 'managed-identity',
    exchange: 700016,
    build: (c) => {
      base(c);
      const id = c.state.addIdentity({ subscriptionId: OTHER_SUBSCRIPTION_ID, resourceGroup: 'rg-fabrikam-payments', name: IDENTITY_NAME, clientId: CLIENT_ID, principalId: PRINCIPAL_ID, location: 'eastus' });
      c.state.addFic(id, { name: FIC_NAME, issuer: c.issuer, subject: SUBJECT, audiences: [AUDIENCE] });
    },
  },
  /** role-assignments fails: the identity has no role on kv-prod (nor on the storage account), only Reader on the resource group. The exchange itself works. */
  {
    name: 'no-keyvault-role',
    description: 'The identity holds only Reader on rg-payments: no data role on kv-prod (or stpaymentsprod), so secret reads get 403 although the token exchange works.',
    ...common,
    failingCheckpoint: 'role-assignments',
    exchange: null,
    build: (c) => {
      base(c);
      paymentsIdentity(c);
      c.state.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}`, principalId: PRINCIPAL_ID, role: 'Reader' });
    },
  },
  /** role-assignments warns: on top of the right roles, the identity is Owner of the whole subscription (far more than the workload needs). */
  {
    name: 'owner-at-subscription',
    description: 'Healthy, but the identity is also Owner at /subscriptions/...: a pod compromise owns the subscription.',
    ...common,
    failingCheckpoint: 'role-assignments',
    severity: 'warn',
    exchange: null,
    build: (c) => {
      healthy(c);
      c.state.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}`, principalId: PRINCIPAL_ID, role: 'Owner' });
    },
  },
  /**
   * federated-credential fails: the identity already has the maximum of 20 federated credentials
   * (other namespaces of this cluster, the same app on two other clusters), none for payments/api-sa
   * here, and ARM refuses a 21st (400): one must be deleted or another identity used (AADSTS700213).
   */
  {
    name: 'twenty-credentials',
    description: 'The identity has 20 federated credentials (the limit), none for this cluster and payments/api-sa; creating one more fails with 400: AADSTS700213.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700213,
    build: (c) => {
      base(c);
      const id = paymentsIdentity(c, false);
      const namespaces = ['checkout', 'inventory', 'billing', 'orders', 'notifications', 'search', 'analytics', 'ledger', 'fraud', 'refunds', 'payouts', 'reports'];
      namespaces.forEach((ns, i) => c.state.addFic(id, { name: `aks-prod-${ns}`, issuer: c.issuer, subject: `system:serviceaccount:${ns}:${ns}-sa`, audiences: [AUDIENCE], createdAt: c.now - (90 - i) * DAY }));
      ['staging', 'dr'].forEach((env, j) => {
        const issuer = env === 'staging' ? STAGING_ISSUER : DR_ISSUER;
        ['api-sa', 'worker-sa', 'settlement-sa', 'reports-sa'].forEach((sa, k) =>
          c.state.addFic(id, { name: `aks-${env}-payments-${sa}`, issuer, subject: `system:serviceaccount:payments:${sa}`, audiences: [AUDIENCE], createdAt: c.now - (60 - j * 4 - k) * DAY }),
        );
      });
      workloadRoles(c);
    },
  },
  /**
   * token-exchange fails: the federated credential is exactly right but was created a minute ago,
   * and Entra has not caught up (propagationSeconds 300): AADSTS70021 until it does.
   * federated-credential should pass, perhaps with a note that it is new.
   */
  {
    name: 'propagation-delay',
    description: 'The right federated credential was created 1 minute ago; Entra has not propagated it yet (5 minutes here): AADSTS70021 meanwhile.',
    ...common,
    failingCheckpoint: 'token-exchange',
    exchange: 70021,
    propagationSeconds: 300,
    build: (c) => healthy(c, { createdAt: c.now - MIN }),
  },
  /**
   * No checkpoint fails: the client ID belongs to an app registration (payments-api), not a
   * managed identity; its federated credential lives in Microsoft Graph, its service principal
   * holds the roles. managed-identity should say so (and pass), the exchange works.
   */
  {
    name: 'app-registration',
    description: 'The client ID is an app registration (payments-api) with its federated credential in Microsoft Graph and the roles on its service principal; no managed identity.',
    ...common,
    failingCheckpoint: null,
    exchange: null,
    build: (c) => {
      base(c);
      const app = c.state.addApp({ tenantId: TENANT_ID, appId: CLIENT_ID, displayName: 'payments-api', objectId: APP_OBJECT_ID, servicePrincipalId: APP_SP_ID });
      c.state.addAppFic(app, { name: FIC_NAME, issuer: c.issuer, subject: SUBJECT, audiences: [AUDIENCE], description: 'payments/api-sa on aks-prod' });
      workloadRoles(c, APP_SP_ID);
    },
  },
  /** managed-identity fails: nothing in the tenant has the ServiceAccount's client ID (the identity was deleted; its role assignments linger): AADSTS700016. */
  {
    name: 'identity-deleted',
    description: 'No managed identity or app registration has the client ID any more (deleted; its role assignments remain, orphaned): AADSTS700016.',
    ...common,
    failingCheckpoint: 'managed-identity',
    exchange: 700016,
    build: (c) => {
      base(c);
      workloadRoles(c);
    },
  },
  /** cluster-oidc-issuer fails: AKS has the OIDC issuer on but securityProfile.workloadIdentity.enabled false (the exchange itself still works). */
  {
    name: 'aks-workload-identity-disabled',
    description: 'Cluster aks-prod has the OIDC issuer enabled but workload identity disabled (securityProfile.workloadIdentity.enabled false).',
    ...common,
    failingCheckpoint: 'cluster-oidc-issuer',
    exchange: null,
    build: (c) => {
      base(c, { clusterWorkloadIdentity: false });
      paymentsIdentity(c);
      workloadRoles(c);
    },
  },
  /** token-exchange fails: everything is configured right, but the issuer's discovery document cannot be fetched by Entra (AADSTS90061). */
  {
    name: 'oidc-issuer-unreachable',
    description: "Everything is configured right, but Entra cannot fetch the cluster issuer's discovery document (deleted or rotated issuer): AADSTS90061.",
    ...common,
    failingCheckpoint: 'token-exchange',
    exchange: 90061,
    issuerDown: true,
    build: healthy,
  },
  /**
   * The demo of `npm start`, beside the fake-kube `demo` cluster (one namespace per failure mode):
   * id-payments-api trusts every demo ServiceAccount (one federated credential each) and holds Key
   * Vault Secrets User on kv-contoso-prod, the vault the apps name, so payments/api passes every
   * checkpoint including the token exchange; analytics/ingest's credential has a namespace typo
   * (DEMO_AZURE_WORKLOADS says what each workload shows).
   */
  {
    name: 'demo',
    description: 'For `npm start`: the fake-kube demo cluster (one namespace per failure mode); id-payments-api trusts each demo ServiceAccount and may read kv-contoso-prod, except analytics/ingest (credential subject typo "analytcs").',
    kubeScenario: 'demo',
    target: PAYMENTS_API,
    failingCheckpoint: null,
    exchange: null,
    build: demo,
  },
  ...ENTRA_SCENARIOS,
  ...RBAC_SCENARIOS,
];

export function getAzureScenario(name: string): AzureScenario {
  const s = AZURE_SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`fake-azure: unknown scenario "${name}" (known: ${AZURE_SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}

export { ROLE };
