// Azure worlds beside the consumer clusters of test/fake-kube/scenarios-consumers.ts (issue 18):
// the SecretProviderClass web/kv-secrets names the client ID of id-payments-api, so the identity's
// federated credential must name the ServiceAccount of the pods that MOUNT the class
// (system:serviceaccount:web:web) — the CSI driver exchanges their token. Not in AZURE_SCENARIOS
// (the suites there run beside `azure-wired`): pass the objects to startFakeCloud({ scenario }).

import { ESO_STORE_NOT_READY, ISSUER_NOT_READY, KEDA_OPERATOR_UNLABELLED, SPC_HEALTHY, SPC_WRONG_SUBJECT } from '../fake-kube/scenarios-consumers';
import { AUDIENCE, base, DAY, KEYVAULT_ID, PRINCIPAL_ID, paymentsIdentity, SERVICEBUS_ID, STORAGE_ACCOUNT_ID, SUBSCRIPTION_ID, type AzureScenario, type BuildContext } from './world';

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

/** External Secrets' SecretStore team-a/vault names serviceAccountRef eso-sa: the operator requests THAT ServiceAccount's token. */
export const ESO_SUBJECT = 'system:serviceaccount:team-a:eso-sa';
/** What the user federated instead: the operator's own ServiceAccount (the usual mix-up). */
export const ESO_WRONG_SUBJECT_FIC = 'system:serviceaccount:external-secrets:external-secrets';

export const ESO_SA_HEALTHY_AZURE: AzureScenario = {
  name: 'eso-sa-healthy-azure',
  description: 'id-payments-api federated with system:serviceaccount:team-a:eso-sa (the serviceAccountRef of SecretStore team-a/vault), Key Vault Secrets User on kv-prod.',
  kubeScenario: ESO_STORE_NOT_READY,
  target: ESO_STORE_NOT_READY.target,
  failingCheckpoint: null,
  exchange: null,
  build: (c) => spcWorld(c, ESO_SUBJECT),
};

export const ESO_SA_WRONG_SUBJECT_AZURE: AzureScenario = {
  name: 'eso-sa-wrong-subject-azure',
  description: "id-payments-api's only federated credential names the External Secrets operator's ServiceAccount; SecretStore team-a/vault's serviceAccountRef eso-sa is the one whose token the operator requests: Entra refuses it.",
  kubeScenario: ESO_STORE_NOT_READY,
  target: ESO_STORE_NOT_READY.target,
  failingCheckpoint: 'federated-credential',
  exchange: 700213,
  build: (c) => spcWorld(c, ESO_WRONG_SUBJECT_FIC),
};

/** cert-manager's ClusterIssuer letsencrypt solves DNS-01 in zone contoso.com of rg-dns: its controller's token, and a role on that zone. */
export const CERT_MANAGER_SUBJECT = 'system:serviceaccount:cert-manager:cert-manager';
export const DNS_ZONE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-dns/providers/Microsoft.Network/dnszones/contoso.com`;

function certManagerWorld(c: BuildContext, role: string | undefined): void {
  base(c);
  const id = paymentsIdentity(c, false);
  c.state.addFic(id, { name: 'aks-prod-cert-manager', issuer: c.issuer, subject: CERT_MANAGER_SUBJECT, audiences: [AUDIENCE], createdAt: c.now - 2 * DAY });
  // Another zone of the same name elsewhere: the solver names rg-dns, so this one does not count.
  c.state.addResource({ name: 'contoso.com', type: 'Microsoft.Network/dnszones', location: 'global', subscriptionId: SUBSCRIPTION_ID, resourceGroup: 'rg-dns-staging', properties: { numberOfRecordSets: 2, zoneType: 'Public' } });
  c.state.addResource({ name: 'contoso.com', type: 'Microsoft.Network/dnszones', location: 'global', subscriptionId: SUBSCRIPTION_ID, resourceGroup: 'rg-dns', properties: { numberOfRecordSets: 12, zoneType: 'Public', nameServers: ['ns1-01.azure-dns.com.'] } });
  if (role) c.state.addRoleAssignment({ scope: DNS_ZONE_ID, principalId: PRINCIPAL_ID, role });
  // A reader at the resource group grants nothing the solver needs.
  c.state.addRoleAssignment({ scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-dns`, principalId: PRINCIPAL_ID, role: 'Reader' });
}

export const ISSUER_DNS_ROLE_AZURE: AzureScenario = {
  name: 'issuer-dns-role-azure',
  description: "id-payments-api federated with cert-manager's controller, DNS Zone Contributor on contoso.com in rg-dns (the zone ClusterIssuer letsencrypt names).",
  kubeScenario: ISSUER_NOT_READY,
  target: ISSUER_NOT_READY.target,
  failingCheckpoint: null,
  exchange: null,
  build: (c) => certManagerWorld(c, 'DNS Zone Contributor'),
};

export const ISSUER_NO_DNS_ROLE_AZURE: AzureScenario = {
  name: 'issuer-no-dns-role-azure',
  description: "id-payments-api federated with cert-manager's controller, but only Reader on rg-dns: the DNS-01 solver cannot write its TXT record in contoso.com.",
  kubeScenario: ISSUER_NOT_READY,
  target: ISSUER_NOT_READY.target,
  failingCheckpoint: 'role-assignments',
  exchange: null,
  build: (c) => certManagerWorld(c, undefined),
};

/** KEDA's operator reads the runtime properties of queue orders in sb-payments-prod for ScaledObject app/queue-worker (TriggerAuthentication queue-auth). */
export const KEDA_SUBJECT = 'system:serviceaccount:keda:keda-operator';

/** ScaledJob app/invoice-drain's queue: a role assigned at the queue itself counts. */
const INVOICES_QUEUE = `${STORAGE_ACCOUNT_ID}/queueServices/default/queues/invoices`;

function kedaWorld(c: BuildContext, role: string, queue: { role: string; scope: string } = { role: 'Storage Queue Data Reader', scope: INVOICES_QUEUE }): void {
  base(c);
  const id = paymentsIdentity(c, false);
  c.state.addFic(id, { name: 'aks-prod-keda-operator', issuer: c.issuer, subject: KEDA_SUBJECT, audiences: [AUDIENCE], createdAt: c.now - 2 * DAY });
  c.state.addRoleAssignment({ scope: SERVICEBUS_ID, principalId: PRINCIPAL_ID, role });
  c.state.addRoleAssignment({ scope: queue.scope, principalId: PRINCIPAL_ID, role: queue.role });
}

export const KEDA_SB_RECEIVER_AZURE: AzureScenario = {
  name: 'keda-sb-receiver-azure',
  description: "id-payments-api federated with KEDA's operator, but only Azure Service Bus Data Receiver on sb-payments-prod: the scaler cannot read the queue's runtime properties (a Manage operation).",
  kubeScenario: KEDA_OPERATOR_UNLABELLED,
  target: KEDA_OPERATOR_UNLABELLED.target,
  failingCheckpoint: 'role-assignments',
  exchange: null,
  build: (c) => kedaWorld(c, 'Azure Service Bus Data Receiver'),
};

export const KEDA_SB_OWNER_AZURE: AzureScenario = {
  name: 'keda-sb-owner-azure',
  description: "id-payments-api federated with KEDA's operator, Azure Service Bus Data Owner on sb-payments-prod.",
  kubeScenario: KEDA_OPERATOR_UNLABELLED,
  target: KEDA_OPERATOR_UNLABELLED.target,
  failingCheckpoint: null,
  exchange: null,
  build: (c) => kedaWorld(c, 'Azure Service Bus Data Owner'),
};

export const KEDA_QUEUE_PROCESSOR_AZURE: AzureScenario = {
  name: 'keda-queue-processor-azure',
  description: "id-payments-api federated with KEDA's operator, Azure Service Bus Data Owner on sb-payments-prod, but only Storage Queue Data Message Processor on stpaymentsprod: ScaledJob app/invoice-drain's azure-queue scaler cannot read the queue's length (Get Queue Metadata).",
  kubeScenario: KEDA_OPERATOR_UNLABELLED,
  target: KEDA_OPERATOR_UNLABELLED.target,
  failingCheckpoint: 'role-assignments',
  exchange: null,
  build: (c) => kedaWorld(c, 'Azure Service Bus Data Owner', { role: 'Storage Queue Data Message Processor', scope: STORAGE_ACCOUNT_ID }),
};

export const CONSUMER_AZURE_SCENARIOS: readonly AzureScenario[] = [KEDA_SB_RECEIVER_AZURE, KEDA_SB_OWNER_AZURE, KEDA_QUEUE_PROCESSOR_AZURE, SPC_HEALTHY_AZURE, SPC_WRONG_SUBJECT_AZURE, SPC_NO_KEYVAULT_ROLE_AZURE, ESO_SA_HEALTHY_AZURE, ESO_SA_WRONG_SUBJECT_AZURE, ISSUER_DNS_ROLE_AZURE, ISSUER_NO_DNS_ROLE_AZURE];
