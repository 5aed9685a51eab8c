// Azure worlds beside the consumer clusters of test/fake-kube/scenarios-consumers.ts (issue 18):
// the SecretProviderClass web/kv-secrets names the client ID of id-payments-api, so the identity's
// federated credential must name the ServiceAccount of the pods that MOUNT the class
// (system:serviceaccount:web:web) — the CSI driver exchanges their token. Not in AZURE_SCENARIOS
// (the suites there run beside `azure-wired`): pass the objects to startFakeCloud({ scenario }).

import { SPC_HEALTHY, SPC_WRONG_SUBJECT } from '../fake-kube/scenarios-consumers';
import { AUDIENCE, base, DAY, KEYVAULT_ID, PRINCIPAL_ID, paymentsIdentity, type AzureScenario, type BuildContext } from './world';

export const SPC_SUBJECT = 'system:serviceaccount:web:web';
/** What the user federated instead: the namespace's default ServiceAccount. */
export const SPC_WRONG_SUBJECT_FIC = 'system:serviceaccount:web:default';

function spcWorld(c: BuildContext, subject: string, keyVaultRole = true): void {
  base(c);
  const id = paymentsIdentity(c, false);
  c.state.addFic(id, { name: 'aks-prod-web-kv-secrets', issuer: c.issuer, subject, audiences: [AUDIENCE], createdAt: c.now - 2 * DAY });
  if (keyVaultRole) c.state.addRoleAssignment({ scope: KEYVAULT_ID, principalId: PRINCIPAL_ID, role: 'Key Vault Secrets User' });
}

export const SPC_HEALTHY_AZURE: AzureScenario = {
  name: 'spc-healthy-azure',
  description: 'id-payments-api federated with system:serviceaccount:web:web, Key Vault Secrets User on kv-prod: the pods that mount web/kv-secrets get their secrets.',
  kubeScenario: SPC_HEALTHY,
  target: SPC_HEALTHY.target,
  failingCheckpoint: null,
  exchange: null,
  build: (c) => spcWorld(c, SPC_SUBJECT),
};

export const SPC_WRONG_SUBJECT_AZURE: AzureScenario = {
  name: 'spc-wrong-subject-azure',
  description: "id-payments-api's only federated credential names system:serviceaccount:web:default; the pods mounting web/kv-secrets run as web: Entra refuses their token.",
  kubeScenario: SPC_WRONG_SUBJECT,
  target: SPC_WRONG_SUBJECT.target,
  failingCheckpoint: 'federated-credential',
  exchange: 700213,
  build: (c) => spcWorld(c, SPC_WRONG_SUBJECT_FIC),
};

/** The right federated credential, but no role on kv-prod, the Key Vault the class names: the mount fails with a 403 from Key Vault. */
export const SPC_NO_KEYVAULT_ROLE_AZURE: AzureScenario = {
  name: 'spc-no-keyvault-role-azure',
  description: 'id-payments-api federated with system:serviceaccount:web:web, but without any role on kv-prod (the keyvaultName of web/kv-secrets).',
  kubeScenario: SPC_HEALTHY,
  target: SPC_HEALTHY.target,
  failingCheckpoint: 'role-assignments',
  exchange: null,
  build: (c) => spcWorld(c, SPC_SUBJECT, false),
};

export const CONSUMER_AZURE_SCENARIOS: readonly AzureScenario[] = [SPC_HEALTHY_AZURE, SPC_WRONG_SUBJECT_AZURE, SPC_NO_KEYVAULT_ROLE_AZURE];
