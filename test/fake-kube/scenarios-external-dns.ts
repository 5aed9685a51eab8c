// ExternalDNS with Azure DNS (issue 18), its azure.json in a Secret as kubernetes-sigs/external-dns's
// Azure tutorial sets it up (Secret azure-config-file mounted at /etc/kubernetes, ServiceAccount
// external-dns annotated with the client ID, `useWorkloadIdentityExtension: true`) — but the
// Deployment's pod template lacks the azure.workload.identity/use label, so ExternalDNS gets no
// token. Beside it: Secret legacy-dns-config (a service principal's secret in azure.json, never to
// be shown) and ConfigMap dns-settings (no azure.json).

import type { ClusterBuilder } from './builder';
import { CLIENT_ID, TENANT_ID, type Scenario } from './scenarios';
import { DAY, HOUR } from './workloads';

export const EXTERNAL_DNS_IMAGE = 'registry.k8s.io/external-dns/external-dns:v0.15.1';
/** The service principal's secret in Secret legacy-dns-config: no output may contain it. */
export const LEGACY_SP_SECRET = 'Zq8~not-a-real-secret-7a1c';

function install(b: ClusterBuilder): void {
  const ns = 'external-dns';
  const created = b.ago(20 * DAY);
  b.namespace(ns, created - HOUR);
  b.serviceAccount(ns, 'external-dns', created, { 'azure.workload.identity/client-id': CLIENT_ID });
  const azure = { tenantId: TENANT_ID, subscriptionId: '00000000-1111-2222-3333-444444444444', resourceGroup: 'rg-dns', useWorkloadIdentityExtension: true };
  b.secret(ns, 'azure-config-file', { 'azure.json': JSON.stringify(azure, null, 2) }, created);
  b.secret(ns, 'legacy-dns-config', { 'azure.json': JSON.stringify({ tenantId: TENANT_ID, subscriptionId: azure.subscriptionId, resourceGroup: 'rg-dns', aadClientId: CLIENT_ID, aadClientSecret: LEGACY_SP_SECRET }) }, created);
  b.configMap(ns, 'dns-settings', { 'domain-filter': 'contoso.com' }, created);
  b.deployment({
    namespace: ns,
    name: 'external-dns',
    replicas: 1,
    serviceAccountName: 'external-dns',
    containers: [{ name: 'external-dns', image: EXTERNAL_DNS_IMAGE, args: ['--source=service', '--source=ingress', '--domain-filter=contoso.com', '--provider=azure', '--azure-resource-group=rg-dns', '--txt-prefix=externaldns-'], volumeMounts: [{ name: 'azure-config-file', mountPath: '/etc/kubernetes', readOnly: true }] }],
    volumes: [{ name: 'azure-config-file', secret: { secretName: 'azure-config-file' } }],
    created,
    rolledOut: created + HOUR,
    revision: 1,
  });
}

export const EXTERNAL_DNS_UNLABELLED: Scenario = {
  name: 'external-dns-unlabelled',
  description: 'ExternalDNS v0.15.1 in external-dns, azure.json (Workload Identity) in Secret azure-config-file, ServiceAccount annotated, pod template without the use label; Secret legacy-dns-config holds a service principal azure.json; ConfigMap dns-settings none.',
  base: 'aks-addon',
  target: { namespace: 'external-dns', kind: 'Deployment', name: 'external-dns' },
  failingCheckpoint: 'pod-label',
  build: install,
};
