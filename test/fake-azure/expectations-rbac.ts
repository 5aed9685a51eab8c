// What a whole diagnosis must say for the worlds of scenarios-rbac.ts, written from Microsoft's
// documentation before the product ran on them:
//   - Management-plane roles (Storage Account Contributor, Contributor, Reader) have no DataActions:
//     data requests with the token get 403 whatever their scope (built-in roles pages).
//   - A custom role counts by its DataActions minus NotDataActions; an assignment at a management
//     group applies to every subscription below it (Azure RBAC: role definitions, scope).
//   - A Key Vault with enableRbacAuthorization false authorises data by access policies and ignores
//     RBAC data roles; with true, by RBAC and ignores access policies (Key Vault: RBAC vs policies).
//   - A storage account with allowSharedKeyAccess false refuses account keys and SAS signed with
//     them: a data role is the only way in (Storage: prevent Shared Key authorization).
//   - Event Hubs and Service Bus share `<namespace>.servicebus.windows.net`; Data Sender grants send
//     only. Cosmos DB's data plane uses its own SQL role assignments: no Azure RBAC verdict.
// RBAC_EXPECTATIONS run through the CLI loop of test/cluster/diagnose-azure.test.ts.

import type { AzureExpectation } from './expectations';

const api = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };
const SUB = '00000000-1111-2222-3333-444444444444';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-payments`;
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const grant = (role: string, scope: string): RegExp =>
  new RegExp(`^az role assignment create --role ${esc(role.includes(' ') ? `'${role}'` : role)} --assignee-object-id b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70 --assignee-principal-type ServicePrincipal --scope ${esc(scope)}$`);
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-prod`;
const ST = `${RG}/providers/Microsoft.Storage/storageAccounts/stpaymentsprod`;
const NO_SHARED_KEY = 'shared keys are disabled there, so a data role is the only way in';

export const RBAC_EXPECTATIONS: readonly AzureExpectation[] = [
  {
    scenario: 'storage-account-contributor', target: api, firstFailure: 'role-assignments',
    summary: new RegExp(`^id-payments-api lacks data access to what the workload calls: Storage Blob Data Reader on stpaymentsprod is missing \\(Storage Account Contributor grants no data actions; ${NO_SHARED_KEY}\\)\\.$`),
    command: grant('Storage Blob Data Reader', ST),
    statuses: { 'token-exchange': 'pass' },
  },
  {
    scenario: 'contributor-at-resource-group', target: api, firstFailure: 'role-assignments',
    summary: new RegExp(`^id-payments-api lacks data access to what the workload calls: Key Vault Secrets User on kv-prod is missing \\(Contributor grants no data actions\\) and Storage Blob Data Reader on stpaymentsprod is missing \\(Contributor grants no data actions; ${NO_SHARED_KEY}\\)\\. Also: Contributor at resource group rg-payments is far more than a workload needs\\.$`),
    command: grant('Key Vault Secrets User', KV),
    statuses: { 'token-exchange': 'pass' },
  },
  { scenario: 'custom-role-blob-reader', target: api, statuses: { 'role-assignments': 'pass', 'token-exchange': 'pass' } },
  // Not verified is neither a pass nor a verdict about the workload: a warning.
  {
    scenario: 'custom-role-unreadable', target: api, exit: 2, notChecked: ['role-assignments'], statuses: { 'role-assignments': 'warn', 'token-exchange': 'pass' },
    summaries: { 'role-assignments': /^Not checked: Role \S+ at \S+ may cover storage account \(blobs\) stpaymentsprod \(not verified: its definition could not be read\)\.$/ },
  },
  {
    scenario: 'blob-role-with-condition', target: api, exit: 2, notChecked: ['role-assignments'], statuses: { 'role-assignments': 'warn', 'token-exchange': 'pass' },
    summaries: { 'role-assignments': /^Not checked: Storage Blob Data Reader at stpaymentsprod may cover storage account \(blobs\) stpaymentsprod \(not verified: its assignment has a condition this diagnosis does not evaluate\)\.$/ },
    evidence: [{ checkpoint: 'role-assignments', label: /^storage account \(blobs\) stpaymentsprod$/, value: /only where its condition allows: .*StringEquals 'invoices'/, level: 'warn' }],
  },
  { scenario: 'data-role-at-management-group', target: api, statuses: { 'role-assignments': 'pass', 'token-exchange': 'pass' } },
  {
    scenario: 'keyvault-access-policy-rbac-role', target: api, firstFailure: 'role-assignments',
    summary: /^id-payments-api lacks data access to what the workload calls: kv-prod uses access policies and none lets id-payments-api read secrets, keys or certificates \(Key Vault Secrets User is ignored there\)\.$/,
    command: new RegExp(`^az keyvault set-policy --name kv-prod --subscription ${SUB} --object-id b7d4c9e2-8f3a-4d1b-9c6e-2a5f8e1d3c70 --secret-permissions get list$`),
    statuses: { 'token-exchange': 'pass' },
  },
  { scenario: 'keyvault-access-policy', target: api, statuses: { 'role-assignments': 'pass', 'token-exchange': 'pass' } },
  {
    scenario: 'keyvault-rbac-access-policy-only', target: api, firstFailure: 'role-assignments',
    summary: /^id-payments-api lacks data access to what the workload calls: Key Vault Secrets User on kv-prod is missing\.$/,
    command: grant('Key Vault Secrets User', KV),
  },
  {
    scenario: 'not-data-actions-no-read', target: api, firstFailure: 'role-assignments',
    summary: /^id-payments-api lacks data access to what the workload calls: Key Vault Secrets User on kv-prod is missing\.$/,
    command: grant('Key Vault Secrets User', KV),
  },
  {
    scenario: 'storage-shared-key-disabled', target: api, firstFailure: 'role-assignments',
    summary: new RegExp(`^id-payments-api lacks data access to what the workload calls: Storage Blob Data Reader on stpaymentsprod is missing \\(${NO_SHARED_KEY}\\)\\.$`),
    command: grant('Storage Blob Data Reader', ST),
  },
  { scenario: 'custom-wildcard-at-subscription', target: api, statuses: { 'role-assignments': 'warn', 'token-exchange': 'pass' } },
  // Their workload names other endpoints (the scenario's kubeObjects replace its ConfigMap).
  { scenario: 'eventhubs-sender', target: api, statuses: { 'role-assignments': 'pass', 'token-exchange': 'pass' } },
  { scenario: 'cosmos-endpoint', target: api, statuses: { 'role-assignments': 'pass', 'token-exchange': 'pass' } },
];
