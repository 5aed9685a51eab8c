// What a whole diagnosis (cluster and Azure) must say for each Azure scenario: the first broken
// link, its words, its remediation and fix, and the status of the checkpoints that matter. Shared
// by the CLI suite (test/cluster/diagnose-azure.test.ts) and the VS Code one, with the token
// exchange allowed (`always`).

import type { CheckpointId, CheckpointStatus } from '../../src/checkpoints/types';

export interface AzureExpectation {
  scenario: string;
  target: { namespace: string; kind: 'Deployment'; name: string };
  firstFailure?: CheckpointId;
  summary?: RegExp;
  /** A remediation command of the failing checkpoint, exactly. */
  command?: RegExp;
  azureFix?: 'create-federated-credential';
  statuses?: Partial<Record<CheckpointId, CheckpointStatus>>;
  /** The AADSTS code the token exchange must report. */
  aadsts?: string;
}

const api = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };

export const AZURE_EXPECTATIONS: readonly AzureExpectation[] = [
  { scenario: 'azure-healthy', target: api, statuses: { 'managed-identity': 'pass', 'federated-credential': 'pass', 'role-assignments': 'pass', 'token-exchange': 'pass', 'cluster-oidc-issuer': 'pass' } },
  {
    scenario: 'fic-trailing-slash', target: api, firstFailure: 'federated-credential',
    summary: /The nearest, "[^"]+", differs: issuer lacks the trailing "\/" the token has\.$/,
    command: /^az identity federated-credential create --name fic-payments-api-sa --identity-name id-payments-api --resource-group rg-payments --subscription 00000000-1111-2222-3333-444444444444 --issuer https:\/\/\S+\/ --subject system:serviceaccount:payments:api-sa --audiences api:\/\/AzureADTokenExchange$/,
    azureFix: 'create-federated-credential', aadsts: 'AADSTS700211',
  },
  { scenario: 'fic-wrong-namespace', target: api, firstFailure: 'federated-credential', summary: /differs: subject names namespace "default" instead of "payments"\.$/, azureFix: 'create-federated-credential', aadsts: 'AADSTS700213' },
  { scenario: 'fic-wrong-sa', target: api, firstFailure: 'federated-credential', summary: /differs: subject names ServiceAccount "api" instead of "api-sa"\.$/, azureFix: 'create-federated-credential', aadsts: 'AADSTS700213' },
  { scenario: 'fic-case', target: api, firstFailure: 'federated-credential', summary: /differs: subject differs only in letter case: "system:serviceaccount:Payments:api-sa" vs "system:serviceaccount:payments:api-sa" \(AADSTS7002138\)\.$/, azureFix: 'create-federated-credential', aadsts: 'AADSTS7002138' },
  { scenario: 'fic-wrong-audience', target: api, firstFailure: 'federated-credential', summary: /differs: audience "api:\/\/AzureADTokenExchange\/" instead of "api:\/\/AzureADTokenExchange"\.$/, azureFix: 'create-federated-credential', aadsts: 'AADSTS70021' },
  { scenario: 'fic-whitespace', target: api, firstFailure: 'federated-credential', summary: /differs: subject has extra whitespace or quotes: "system:serviceaccount:payments:api-sa "\.$/, azureFix: 'create-federated-credential', aadsts: 'AADSTS700213' },
  {
    scenario: 'identity-other-tenant', target: api, firstFailure: 'managed-identity',
    summary: /^No managed identity or app registration with client ID 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f is visible to you/,
    aadsts: 'AADSTS700016',
  },
  {
    scenario: 'no-keyvault-role', target: api, firstFailure: 'role-assignments',
    summary: /^id-payments-api lacks a role on what the workload calls: Key Vault Secrets User on kv-prod is missing/,
    command: /^az role assignment create --role 'Key Vault Secrets User' --assignee-object-id \S+ --assignee-principal-type ServicePrincipal --scope \/subscriptions\/00000000-1111-2222-3333-444444444444\/resourceGroups\/rg-payments\/providers\/Microsoft\.KeyVault\/vaults\/kv-prod$/,
    statuses: { 'token-exchange': 'pass' },
  },
  { scenario: 'owner-at-subscription', target: api, statuses: { 'role-assignments': 'warn', 'token-exchange': 'pass' } },
  { scenario: 'twenty-credentials', target: api, firstFailure: 'federated-credential', summary: /^No federated credential of managed identity id-payments-api matches the token/, aadsts: 'AADSTS700213' },
  { scenario: 'propagation-delay', target: api, firstFailure: 'token-exchange', summary: /^Entra ID refused the exchange with AADSTS70021/, statuses: { 'federated-credential': 'warn' }, aadsts: 'AADSTS70021' },
  { scenario: 'app-registration', target: api, statuses: { 'managed-identity': 'pass', 'federated-credential': 'pass', 'role-assignments': 'skipped', 'token-exchange': 'pass' } },
  { scenario: 'identity-deleted', target: api, firstFailure: 'managed-identity', summary: /^No managed identity or app registration with client ID/, aadsts: 'AADSTS700016' },
  { scenario: 'aks-workload-identity-disabled', target: api, firstFailure: 'cluster-oidc-issuer', summary: /^AKS cluster aks-prod has Workload Identity disabled\.$/, command: /^az aks update --resource-group rg-contoso-prod --name aks-prod --subscription \S+ --enable-workload-identity$/ },
  { scenario: 'oidc-issuer-unreachable', target: api, firstFailure: 'token-exchange', summary: /^Entra ID refused the exchange with AADSTS90061: Entra could not reach the issuer's discovery document or JWKS\.$/, aadsts: 'AADSTS90061' },
];
