// What a whole diagnosis (cluster and Azure) must say for each Azure scenario: the first broken
// link, its words, its remediation and fix, and the status of the checkpoints that matter. Shared
// by the CLI suite (test/cluster/diagnose-azure.test.ts) and the VS Code one, with the token
// exchange allowed (`always`).

import type { CheckpointId, CheckpointStatus } from '../../src/checkpoints/types';
import { RBAC_EXPECTATIONS } from './expectations-rbac';

export interface AzureExpectation {
  scenario: string;
  target: { namespace: string; kind: 'Deployment'; name: string };
  firstFailure?: CheckpointId;
  summary?: RegExp;
  /** A remediation command of the failing checkpoint, exactly. */
  command?: RegExp;
  azureFix?: 'create-federated-credential' | 'update-federated-credential';
  statuses?: Partial<Record<CheckpointId, CheckpointStatus>>;
  /** The AADSTS code the token exchange must report (and fail with, unless `statuses` says otherwise). */
  aadsts?: string;
  /** The CLI's exit code; default 1 with a first failure, else 0. */
  exit?: 0 | 1 | 2;
  /** Checkpoints that must be "not checked" (a fault: status warn with `fault`). */
  notChecked?: CheckpointId[];
  /** Other checkpoints' summaries. */
  summaries?: Partial<Record<CheckpointId, RegExp>>;
  /** Evidence lines that must be there, with their level (null: neutral, no level). */
  evidence?: { checkpoint: CheckpointId; label: RegExp; value?: RegExp; level: 'ok' | 'info' | 'warn' | 'fail' | null }[];
}

const api = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };

export const AZURE_EXPECTATIONS: readonly AzureExpectation[] = [
  { scenario: 'azure-healthy', target: api, statuses: { 'managed-identity': 'pass', 'federated-credential': 'pass', 'role-assignments': 'pass', 'token-exchange': 'pass', 'cluster-oidc-issuer': 'pass' } },
  {
    scenario: 'fic-trailing-slash', target: api, firstFailure: 'federated-credential',
    summary: /The nearest, "[^"]+", differs: issuer lacks the trailing "\/" the token has\.$/,
    command: /^az identity federated-credential update --name aks-prod-payments-api-sa --identity-name id-payments-api --resource-group rg-payments --subscription 00000000-1111-2222-3333-444444444444 --issuer https:\/\/\S+\/ --subject system:serviceaccount:payments:api-sa --audiences api:\/\/AzureADTokenExchange$/,
    azureFix: 'update-federated-credential', aadsts: 'AADSTS700211',
    evidence: [{ checkpoint: 'federated-credential', label: /^nearest: credential "aks-prod-payments-api-sa"$/, value: /issuer lacks "\/" at character \d+/, level: 'fail' }],
  },
  { scenario: 'fic-wrong-namespace', target: api, firstFailure: 'federated-credential', summary: /differs: subject names namespace "default" instead of "payments"\.$/, azureFix: 'update-federated-credential', aadsts: 'AADSTS700213' },
  { scenario: 'fic-wrong-sa', target: api, firstFailure: 'federated-credential', summary: /differs: subject names ServiceAccount "api" instead of "api-sa"\.$/, azureFix: 'update-federated-credential', aadsts: 'AADSTS700213' },
  { scenario: 'fic-case', target: api, firstFailure: 'federated-credential', summary: /differs: subject differs only in letter case: "system:serviceaccount:Payments:api-sa" vs "system:serviceaccount:payments:api-sa" \(AADSTS7002138\)\.$/, azureFix: 'update-federated-credential', aadsts: 'AADSTS7002138' },
  { scenario: 'fic-wrong-audience', target: api, firstFailure: 'federated-credential', summary: /differs: audience "api:\/\/AzureADTokenExchange\/" instead of "api:\/\/AzureADTokenExchange"\.$/, azureFix: 'update-federated-credential', aadsts: 'AADSTS70021' },
  { scenario: 'fic-whitespace', target: api, firstFailure: 'federated-credential', summary: /differs: subject has extra whitespace or quotes: "system:serviceaccount:payments:api-sa "\.$/, azureFix: 'update-federated-credential', aadsts: 'AADSTS700213' },
  {
    scenario: 'identity-other-tenant', target: api, firstFailure: 'managed-identity',
    summary: /^No managed identity or app registration with client ID 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f is visible to you/,
    aadsts: 'AADSTS700016',
  },
  {
    scenario: 'no-keyvault-role', target: api, firstFailure: 'role-assignments',
    summary: /^id-payments-api lacks data access to what the workload calls: Key Vault Secrets User on kv-prod is missing \(Reader grants no data actions\)/,
    command: /^az role assignment create --role 'Key Vault Secrets User' --assignee-object-id \S+ --assignee-principal-type ServicePrincipal --scope \/subscriptions\/00000000-1111-2222-3333-444444444444\/resourceGroups\/rg-payments\/providers\/Microsoft\.KeyVault\/vaults\/kv-prod$/,
    statuses: { 'token-exchange': 'pass' },
  },
  { scenario: 'owner-at-subscription', target: api, statuses: { 'role-assignments': 'warn', 'token-exchange': 'pass' } },
  { scenario: 'twenty-credentials', target: api, firstFailure: 'federated-credential', summary: /^No federated credential of managed identity id-payments-api matches the token/, aadsts: 'AADSTS700213' },
  {
    scenario: 'propagation-delay', target: api, exit: 2, notChecked: ['token-exchange'], statuses: { 'federated-credential': 'warn', 'token-exchange': 'warn' }, aadsts: 'AADSTS70021',
    summaries: { 'token-exchange': /^Not checked: Entra ID does not use the matching federated credential yet \(AADSTS70021\): it was created or changed \d+ s ago/ },
  },
  { scenario: 'app-registration', target: api, statuses: { 'managed-identity': 'pass', 'federated-credential': 'pass', 'role-assignments': 'skipped', 'token-exchange': 'pass' } },
  { scenario: 'identity-deleted', target: api, firstFailure: 'managed-identity', summary: /^No managed identity or app registration with client ID/, aadsts: 'AADSTS700016' },
  { scenario: 'aks-workload-identity-disabled', target: api, firstFailure: 'cluster-oidc-issuer', summary: /^AKS cluster aks-prod has Workload Identity disabled\.$/, command: /^az aks update --resource-group rg-contoso-prod --name aks-prod --subscription \S+ --enable-workload-identity$/ },
  { scenario: 'oidc-issuer-unreachable', target: api, firstFailure: 'token-exchange', summary: /^Entra ID refused the exchange with AADSTS90061: Entra could not reach the issuer's discovery document or JWKS\.$/, aadsts: 'AADSTS90061' },
  {
    scenario: 'entra-outage', target: api, exit: 2, notChecked: ['token-exchange'], statuses: { 'token-exchange': 'warn', 'federated-credential': 'pass' }, aadsts: 'AADSTS90033',
    summaries: { 'token-exchange': /^Not checked: Entra ID could not answer now \(HTTP 503 temporarily_unavailable AADSTS90033: A transient error has occurred\. Please try again\.\) after \d+ attempts; nothing is known either way\.$/ },
  },
  { scenario: 'entra-blip', target: api, statuses: { 'token-exchange': 'pass' }, summaries: { 'token-exchange': /works end to end\.$/ } },
  {
    scenario: 'entra-sign-in-outage', target: api, exit: 2, notChecked: ['managed-identity'], statuses: { 'federated-credential': 'skipped', 'role-assignments': 'skipped', 'token-exchange': 'pass' },
    summaries: { 'managed-identity': /^Not checked: Microsoft Entra ID could not answer while trying to sign in to Azure \((HTTP 500 )?server_error AADSTS90033\): a service-side error, not your sign-in; try again in a few minutes\. The Azure part could not be checked\.$/ },
  },
  {
    scenario: 'entra-unknown-refusal', target: api, statuses: { 'token-exchange': 'warn' }, aadsts: 'AADSTS53003',
    summaries: { 'token-exchange': /^Entra ID refused the exchange with AADSTS53003, a code this diagnosis does not map to a checkpoint\. Entra says: Access has been blocked by Conditional Access policies\. The access policy does not allow token issuance\.$/ },
  },
  {
    scenario: 'identity-deleted-graph-lag', target: api, firstFailure: 'managed-identity', aadsts: 'AADSTS700016',
    summary: /^The managed identity id-payments-api with client ID \S+ was deleted: Resource Graph still lists it, but Azure Resource Manager answers 404/,
    statuses: { 'federated-credential': 'skipped', 'role-assignments': 'skipped' },
  },
  {
    scenario: 'fic-typo-beside-neighbours', target: api, firstFailure: 'federated-credential', aadsts: 'AADSTS700213', azureFix: 'update-federated-credential',
    summary: /The nearest, "aks-prod-payments-api-sa", differs: subject names namespace "payment" instead of "payments"\.$/,
    command: /^az identity federated-credential update --name aks-prod-payments-api-sa /,
    evidence: [
      { checkpoint: 'federated-credential', label: /^nearest: credential "aks-prod-payments-api-sa"$/, value: /subject lacks "s" at character 30/, level: 'fail' },
      { checkpoint: 'federated-credential', label: /^other credential "aks-prod-payments-default"$/, value: /ServiceAccount payments\/default of this cluster$/, level: null },
      { checkpoint: 'federated-credential', label: /^other credential "aks-staging-payments-api-sa"$/, value: /this ServiceAccount on another cluster/, level: null },
    ],
  },
  ...RBAC_EXPECTATIONS,
];
