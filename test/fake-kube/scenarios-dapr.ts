// Dapr apps whose Azure components authenticate as the app's own pods (issue 18): the Dapr
// sidecar in the application's pod exchanges that pod's token, so the app's pod template needs
// the use label and its ServiceAccount the client ID; a component's `scopes` name the apps that
// load it (docs/workload-identity-facts.md, "Dapr"). Namespace shop:
//   - Deployment checkout (Dapr app checkout), labelled, ServiceAccount checkout annotated with
//     client and tenant IDs: Component orders-secrets (secretstores.azure.keyvault, vault
//     kv-shop, scopes [checkout]) works;
//   - Deployment payments (Dapr app payments), NOT labelled: Component payments-state
//     (state.azure.blobstorage, scopes [payments]) gets no Workload Identity token;
//   - Component legacy-state authenticates with the storage account key (a secretKeyRef): not
//     Workload Identity at all.
// Pods carry the template's `dapr.io/enabled` and `dapr.io/app-id` annotations, as Dapr's
// injector leaves them (it also adds the `dapr.io/app-id` label and the daprd container, which the
// product does not need).

import type { ClusterBuilder } from './builder';
import { DAPR_CRDS } from './crds';
import { CLIENT_ID, TENANT_ID, type Scenario } from './scenarios';
import { installCrds } from './scenarios-consumers';
import { DAY, HOUR, iso, stableUid } from './workloads';

const USE = { 'azure.workload.identity/use': 'true' };
const CLIENT = 'azure.workload.identity/client-id';
const TENANT = 'azure.workload.identity/tenant-id';
export const DAPR_RELEASE = '1.16.0';
export const DAPR_VAULT = 'kv-shop';

function daprApp(b: ClusterBuilder, ns: string, name: string, labelled: boolean, created: number): void {
  b.serviceAccount(ns, name, created, { [CLIENT]: CLIENT_ID, [TENANT]: TENANT_ID });
  b.deployment({
    namespace: ns,
    name,
    replicas: 1,
    serviceAccountName: name,
    podLabels: labelled ? USE : {},
    podAnnotations: { 'dapr.io/enabled': 'true', 'dapr.io/app-id': name, 'dapr.io/app-port': '8080' },
    containers: [{ name: 'app', image: `contoso.azurecr.io/shop/${name}:2.3.1`, ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] }],
    created,
    rolledOut: created + HOUR,
    revision: 1,
  });
}

function component(b: ClusterBuilder, ns: string, name: string, type: string, metadata: Record<string, unknown>[], scopes: string[] | undefined, created: number): void {
  b.put({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: ns, uid: stableUid(`component/${ns}/${name}`), generation: 1, creationTimestamp: iso(created) },
    spec: { type, version: 'v1', metadata },
    ...(scopes ? { scopes } : {}),
  });
}

export const DAPR_APPS: Scenario = {
  name: 'dapr-apps',
  description: `Dapr ${DAPR_RELEASE} in namespace shop: app checkout (labelled, ServiceAccount annotated) loads Component orders-secrets (Key Vault ${DAPR_VAULT}); app payments (not labelled) loads Component payments-state (blob storage); Component legacy-state uses an account key.`,
  base: 'aks-addon',
  target: { namespace: 'shop', kind: 'Deployment', name: 'checkout' },
  failingCheckpoint: null,
  build(b) {
    const installed = b.ago(30 * DAY);
    installCrds(b, DAPR_CRDS, installed, { 'app.kubernetes.io/part-of': 'dapr', 'app.kubernetes.io/version': DAPR_RELEASE });
    const ns = 'shop';
    const created = b.ago(8 * DAY);
    b.namespace(ns, created - HOUR);
    daprApp(b, ns, 'checkout', true, created);
    daprApp(b, ns, 'payments', false, created);
    component(b, ns, 'orders-secrets', 'secretstores.azure.keyvault', [{ name: 'vaultName', value: DAPR_VAULT }], ['checkout'], created);
    component(b, ns, 'payments-state', 'state.azure.blobstorage', [{ name: 'accountName', value: 'stshoppayments' }, { name: 'containerName', value: 'state' }], ['payments'], created);
    component(b, ns, 'legacy-state', 'state.azure.blobstorage', [{ name: 'accountName', value: 'stshoplegacy' }, { name: 'containerName', value: 'state' }, { name: 'accountKey', secretKeyRef: { name: 'legacy-storage', key: 'key' } }], undefined, created);
  },
};
