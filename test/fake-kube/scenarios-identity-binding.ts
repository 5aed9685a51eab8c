// AKS identity bindings (issue 19): payments/api asks for one (`azure.workload.identity/use-identity-binding:
// "true"` on its pod template, the use label, ServiceAccount api-sa annotated with client and tenant IDs).
// The AKS add-on's webhook is the identity-binding preview (v1.6.0-alpha.1, its ConfigMap naming the
// token proxy and SNI name), so the pods get a token for `api://AKSIdentityBinding` and the proxy's
// variables. Kubernetes RBAC decides the rest: IB_AUTHORISED grants api-sa `use-managed-identity` on
// the client ID with a ClusterRole and ClusterRoleBinding (Microsoft's AKS docs); IB_UNAUTHORISED
// binds the same ClusterRole to another ServiceAccount only. IB_OLD_WEBHOOK runs webhook v1.5.1,
// which knows nothing of the annotation: the pods have the ordinary token and no proxy variables,
// and the webhook checkpoint names the version.

import type { ClusterBuilder } from './builder';
import { CLIENT_ID, TENANT_ID, type Scenario } from './scenarios';
import { WEBHOOK_CONFIGMAP, WEBHOOK_DEPLOYMENT } from './wi-webhook';
import { DAY, HOUR, iso, stableUid } from './workloads';

const TARGET = { namespace: 'payments', kind: 'Deployment', name: 'api' } as const;
export const IB_SNI = 'b8f1c0d2e3a4f5061728394a5b6c7d8e9f00112233445566778899aabbccddee.ests.aks';

/** The AKS add-on's webhook at another version (its manager container's image tag). */
export function setWebhookVersion(b: ClusterBuilder, version: string): void {
  const d = b.store.get('Deployment', 'kube-system', WEBHOOK_DEPLOYMENT)!;
  const containers = (d.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;
  for (const c of containers) if (c.name === 'manager') c.image = c.image.replace(/:v[^@]+$/, `:${version}`);
  b.store.put(d);
}

function identityBindingWebhook(b: ClusterBuilder, version: string): void {
  setWebhookVersion(b, version);
  const cm = b.store.get('ConfigMap', 'kube-system', WEBHOOK_CONFIGMAP)!;
  cm.data = { ...(cm.data as Record<string, string>), AZURE_KUBERNETES_TOKEN_PROXY: 'https://kubernetes.default.svc', AZURE_KUBERNETES_SNI_NAME: IB_SNI, AZURE_KUBERNETES_CA_CONFIGMAP_NAME: 'kube-root-ca.crt' };
  b.store.put(cm);
}

function app(b: ClusterBuilder): void {
  const created = b.ago(10 * DAY);
  b.namespace('payments', created - HOUR);
  b.serviceAccount('payments', 'api-sa', created, { 'azure.workload.identity/client-id': CLIENT_ID, 'azure.workload.identity/tenant-id': TENANT_ID });
  b.serviceAccount('payments', 'reports-sa', created);
  b.deployment({
    namespace: 'payments',
    name: 'api',
    replicas: 2,
    serviceAccountName: 'api-sa',
    podLabels: { 'azure.workload.identity/use': 'true' },
    podAnnotations: { 'azure.workload.identity/use-identity-binding': 'true' },
    containers: [{ name: 'api', image: 'contosoprod.azurecr.io/payments/api:3.2.0', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] }],
    created,
    rolledOut: b.ago(2 * DAY),
    revision: 2,
  });
}

function rbac(b: ClusterBuilder, subject: string): void {
  const name = `use-mi-${CLIENT_ID}`;
  const created = iso(b.ago(9 * DAY));
  b.put({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, uid: stableUid(`clusterrole/${name}`), creationTimestamp: created }, rules: [{ verbs: ['use-managed-identity'], apiGroups: ['cid.wi.aks.azure.com'], resources: [CLIENT_ID] }] });
  b.put({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name, uid: stableUid(`clusterrolebinding/${name}`), creationTimestamp: created }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: subject, namespace: 'payments' }] });
}

export const IB_AUTHORISED: Scenario = {
  name: 'identity-binding-authorised',
  description: 'payments/api uses an identity binding; webhook v1.6.0-alpha.1 with the token proxy; api-sa may use-managed-identity on the client ID.',
  base: 'aks-addon',
  target: TARGET,
  failingCheckpoint: null,
  build(b) {
    identityBindingWebhook(b, 'v1.6.0-alpha.1');
    app(b);
    rbac(b, 'api-sa');
  },
};

export const IB_UNAUTHORISED: Scenario = {
  name: 'identity-binding-unauthorised',
  description: 'As identity-binding-authorised, but the ClusterRoleBinding names payments/reports-sa, not api-sa.',
  base: 'aks-addon',
  target: TARGET,
  failingCheckpoint: 'identity-binding-rbac',
  build(b) {
    identityBindingWebhook(b, 'v1.6.0-alpha.1');
    app(b);
    rbac(b, 'reports-sa');
  },
};

export const IB_OLD_WEBHOOK: Scenario = {
  name: 'identity-binding-old-webhook',
  description: 'payments/api asks for an identity binding, but the webhook is v1.5.1: no proxy variables, the ordinary token audience.',
  base: 'aks-addon',
  target: TARGET,
  failingCheckpoint: 'webhook',
  build(b) {
    app(b);
    rbac(b, 'api-sa');
  },
};

/**
 * Webhook v1.5.0 (before upstream issue 1555's fix in v1.5.1): payments/api's pods were created
 * while ServiceAccount api-sa had no client-id annotation, so they got AZURE_CLIENT_ID="" — and the
 * annotation came afterwards. The empty variable is no client ID.
 */
export const EMPTY_CLIENT_ID_V150: Scenario = {
  name: 'webhook-v1.5.0-empty-client-id',
  description: 'Webhook v1.5.0; pods injected with AZURE_CLIENT_ID="" before api-sa got its client-id annotation.',
  base: 'aks-addon',
  target: TARGET,
  failingCheckpoint: 'sdk-environment',
  build(b) {
    setWebhookVersion(b, 'v1.5.0');
    const created = b.ago(10 * DAY);
    b.namespace('payments', created - HOUR);
    const sa = b.serviceAccount('payments', 'api-sa', created, { 'azure.workload.identity/tenant-id': TENANT_ID });
    b.deployment({ namespace: 'payments', name: 'api', replicas: 1, serviceAccountName: 'api-sa', podLabels: { 'azure.workload.identity/use': 'true' }, containers: [{ name: 'api', image: 'contosoprod.azurecr.io/payments/api:3.2.0' }], created, rolledOut: b.ago(2 * DAY), revision: 2 });
    sa.metadata.annotations = { ...(sa.metadata.annotations ?? {}), 'azure.workload.identity/client-id': CLIENT_ID };
    b.store.put(sa);
  },
};

/** Webhook v1.4.1: CronJob payments/nightly asks for the proxy sidecar, which that version injects as an ordinary container (upstream issue 773). */
export const PROXY_JOB_V141: Scenario = {
  name: 'webhook-v1.4.1-proxy-job',
  description: 'Webhook v1.4.1; CronJob payments/nightly with inject-proxy-sidecar.',
  base: 'aks-addon',
  target: { namespace: 'payments', kind: 'CronJob', name: 'nightly' },
  failingCheckpoint: null,
  build(b) {
    setWebhookVersion(b, 'v1.4.1');
    const created = b.ago(10 * DAY);
    b.namespace('payments', created - HOUR);
    b.serviceAccount('payments', 'api-sa', created, { 'azure.workload.identity/client-id': CLIENT_ID });
    b.cronJob({ namespace: 'payments', name: 'nightly', schedule: '0 2 * * *', serviceAccountName: 'api-sa', podLabels: { 'azure.workload.identity/use': 'true' }, podAnnotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true' }, containers: [{ name: 'report', image: 'contosoprod.azurecr.io/payments/report:1.0.0' }], created, lastRun: b.ago(9 * HOUR) });
  },
};

