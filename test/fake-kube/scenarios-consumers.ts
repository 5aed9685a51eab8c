// Clusters with the controllers that authenticate to Azure on someone's behalf (issue 18), on the
// `aks-addon` base: the Secrets Store CSI driver and its Azure provider as the AKS add-on
// (azureKeyvaultSecretsProvider) installs them, KEDA 2.16, External Secrets v0.14.0 and
// cert-manager v1.16.2 as their Helm charts do — each with its CRDs (crds.ts), Deployments or
// DaemonSets, ServiceAccounts, running pods and logs — and the consumer objects they serve, set up
// the way a real failure leaves them. Not in SCENARIOS (the scenario suites run every one of
// those): pass the objects to startFakeKube({ scenario }), or to startFakeCloud through the Azure
// scenarios of test/fake-azure/scenarios-consumers.ts.
//
// The controllers' own messages are the projects' real ones (sources in each function):
//   - the CSI driver's FailedMount event with the provider's MSAL error (provider v1.4.1, whose
//     pkg/provider/provider.go and pkg/auth/auth.go wrap it so; quoted in MicrosoftDocs/azure-docs#106441;
//     v1.5 moved to azidentity and words it differently): "MountVolume.SetUp failed for volume … failed to get
//     keyvault client: failed to get authorizer for keyvault client: failed to acquire token:
//     FromAssertion(): http call(…)(POST) error: reply status code was 400: {… AADSTS70021 …}";
//   - External Secrets v0.14.0 (pkg/controllers/secretstore/common.go): a store whose client
//     cannot be built gets Ready False, reason InvalidProviderConfig, message "unable to create
//     client" — the AADSTS text is only in its Warning event (as in external-secrets#2783) and the
//     operator's log;
//   - cert-manager v1.16.2 (pkg/issuer/acme/dns/azuredns, stabilizeError): a DNS-01 challenge that
//     cannot authenticate says "authentication failed: POST …/oauth2/v2.0/token RESPONSE 401
//     Unauthorized … see logs for more information"; the AADSTS code is only in the controller's
//     log. The ClusterIssuer itself stays Ready (its Ready condition is about the ACME account).

import type { ClusterBuilder } from './builder';
import { CERT_MANAGER_CRDS, crdObject, externalSecretsCrds, KEDA_CRDS, SECRETS_STORE_CRDS, type CrdDefinition } from './crds';
import { CLIENT_ID, DEFAULT_ISSUER, TENANT_ID, type Scenario } from './scenarios';
import type { KubeObject } from './store';
import { DAY, HOUR, iso, MINUTE, NODES, stableUid, type ContainerSpec } from './workloads';

type Json = Record<string, any>;

const USE = { 'azure.workload.identity/use': 'true' };
const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/** The CSI driver's name in a pod volume. */
export const CSI_DRIVER = 'secrets-store.csi.k8s.io';
export const KEDA_IMAGE = 'ghcr.io/kedacore/keda:2.16.0';
export const ESO_RELEASE = 'v0.14.0';
export const ESO_IMAGE = `ghcr.io/external-secrets/external-secrets:${ESO_RELEASE}`;
export const CERT_MANAGER_IMAGE = 'quay.io/jetstack/cert-manager-controller:v1.16.2';
/** The Key Vault of the fake Azure (test/fake-azure/world.ts KEYVAULT_NAME). */
export const SPC_KEYVAULT = 'kv-prod';
/** The storage account whose queue invoices KEDA's ScaledJob app/invoice-drain scales on (the fake Azure's payments account). */
export const KEDA_QUEUE_ACCOUNT = 'stpaymentsprod';
/** The fake Azure's subscription (test/fake-azure/world.ts SUBSCRIPTION_ID). */
const SUBSCRIPTION_ID = '00000000-1111-2222-3333-444444444444';

// ---- Building blocks ------------------------------------------------------------------------------

export function installCrds(b: ClusterBuilder, defs: readonly CrdDefinition[], created: number, labels?: Record<string, string>, annotations?: Record<string, string>): void {
  for (const d of defs) b.put(crdObject(d, { created, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }));
}

function helm(name: string, chart: string, version: string, appVersion = version): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: { 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/version': appVersion, 'helm.sh/chart': `${chart}-${version.replace(/^v/, '')}` },
    annotations: { 'meta.helm.sh/release-name': name, 'meta.helm.sh/release-namespace': name },
  };
}

/** A DaemonSet with one running pod per node (as the fixture's kube-proxy). */
function daemonSet(b: ClusterBuilder, o: { ns: string; name: string; labels: Record<string, string>; selector: Record<string, string>; serviceAccountName: string; containers: ContainerSpec[]; volumes?: Json[]; created: number; rolledOut: number; podSpec?: Json }): KubeObject {
  const ds = b.put({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: o.name, namespace: o.ns, uid: stableUid(`ds/${o.ns}/${o.name}`), generation: 1, creationTimestamp: iso(o.created), labels: o.labels, annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: o.selector },
      template: {
        metadata: { labels: { ...o.selector, 'kubernetes.azure.com/managedby': 'aks' } },
        spec: { serviceAccountName: o.serviceAccountName, containers: o.containers, ...(o.volumes ? { volumes: o.volumes } : {}), nodeSelector: { 'kubernetes.io/os': 'linux' }, priorityClassName: 'system-node-critical', ...(o.podSpec ?? {}) },
      },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
  });
  const pods = b.pods(ds, ds.spec.template, NODES.length, { created: o.rolledOut, extraLabels: { 'controller-revision-hash': '5d9f8b7c6d', 'pod-template-generation': '1' }, node: (i) => i });
  return b.put({ ...ds, status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: pods.length, numberMisscheduled: 0, numberReady: pods.length, observedGeneration: 1, updatedNumberScheduled: 3 } });
}

/** A pod whose volumes never mounted: Pending, its containers waiting in ContainerCreating, no IP. */
function containerCreating(pod: KubeObject, scheduled: number): Json {
  const t = iso(scheduled);
  const names = (pod.spec.containers as Json[]).map((c) => c.name as string);
  return {
    conditions: [
      { lastProbeTime: null, lastTransitionTime: t, status: 'False', type: 'PodReadyToStartContainers' },
      { lastProbeTime: null, lastTransitionTime: t, status: 'True', type: 'Initialized' },
      { lastProbeTime: null, lastTransitionTime: t, message: `containers with unready status: [${names.join(' ')}]`, reason: 'ContainersNotReady', status: 'False', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: t, message: `containers with unready status: [${names.join(' ')}]`, reason: 'ContainersNotReady', status: 'False', type: 'ContainersReady' },
      { lastProbeTime: null, lastTransitionTime: t, status: 'True', type: 'PodScheduled' },
    ],
    containerStatuses: (pod.spec.containers as Json[]).map((c) => ({ image: c.image, imageID: '', lastState: {}, name: c.name, ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } })),
    hostIP: pod.status.hostIP,
    hostIPs: [{ ip: pod.status.hostIP }],
    phase: 'Pending',
    qosClass: pod.status.qosClass,
    startTime: t,
  };
}

/** klog's header: `E1207 20:12:41.503128       1 file.go:262] `. */
function klog(level: 'I' | 'E' | 'W', t: number, where: string): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${level}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}128       1 ${where}] `;
}

/** Entra's refusal when no federated credential matches `subject` (its JSON body, as MSAL and azidentity quote it). */
export function aadsts70021Body(subject: string, at: number, trace: string): Json {
  const stamp = new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    error: 'invalid_client',
    error_description: `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${DEFAULT_ISSUER}'. Assertion Subject: '${subject}'. Assertion Audience: 'api://AzureADTokenExchange'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation\r\nTrace ID: ${trace}\r\nCorrelation ID: ${stableUid(`corr/${trace}`)}\r\nTimestamp: ${stamp}`,
    error_codes: [70021],
    timestamp: stamp,
    trace_id: trace,
    correlation_id: stableUid(`corr/${trace}`),
    error_uri: 'https://login.microsoftonline.com/error?code=70021',
  };
}

// ---- The Secrets Store CSI driver (AKS add-on azureKeyvaultSecretsProvider) -----------------------

export function installSecretsStoreCsiAddon(b: ClusterBuilder): void {
  const enabled = b.ago(63 * DAY);
  const ns = 'kube-system';
  installCrds(b, SECRETS_STORE_CRDS, enabled, { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.azure.com/managedby': 'aks' });
  const aks = { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.azure.com/managedby': 'aks' };
  b.serviceAccount(ns, 'secrets-store-csi-driver', enabled, undefined, aks);
  b.serviceAccount(ns, 'csi-secrets-store-provider-azure', enabled, undefined, aks);
  const socket = { name: 'providers-dir', mountPath: '/provider' };
  daemonSet(b, {
    ns,
    name: 'aks-secrets-store-csi-driver',
    labels: { ...aks, app: 'secrets-store-csi-driver' },
    selector: { app: 'secrets-store-csi-driver' },
    serviceAccountName: 'secrets-store-csi-driver',
    created: enabled,
    rolledOut: b.ago(6 * DAY),
    containers: [
      { name: 'node-driver-registrar', image: 'mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar:v2.7.0', args: ['--v=2', '--csi-address=/csi/csi.sock', '--kubelet-registration-path=/var/lib/kubelet/plugins/csi-secrets-store/csi.sock'] },
      {
        name: 'secrets-store',
        image: 'mcr.microsoft.com/oss/kubernetes-csi/secrets-store/driver:v1.3.4',
        args: ['--endpoint=$(CSI_ENDPOINT)', '--nodeid=$(KUBE_NODE_NAME)', '--provider-volume=/var/run/secrets-store-csi-providers', '--additional-provider-volume-paths=/etc/kubernetes/secrets-store-csi-providers', '--enable-secret-rotation=false', '--rotation-poll-interval=2m', '--metrics-addr=:8095', '--provider-health-check=false', '--provider-health-check-interval=2m', '--max-call-recv-msg-size=4194304'],
        env: [{ name: 'CSI_ENDPOINT', value: 'unix:///csi/csi.sock' }, { name: 'KUBE_NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
        volumeMounts: [{ name: 'plugin-dir', mountPath: '/csi' }, socket],
      },
      { name: 'liveness-probe', image: 'mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.9.0', args: ['--csi-address=/csi/csi.sock', '--probe-timeout=3s', '--http-endpoint=0.0.0.0:9808', '-v=2'] },
    ],
    volumes: [{ name: 'plugin-dir', hostPath: { path: '/var/lib/kubelet/plugins/csi-secrets-store/', type: 'DirectoryOrCreate' } }, { name: 'providers-dir', hostPath: { path: '/var/run/secrets-store-csi-providers', type: 'DirectoryOrCreate' } }],
  });
  daemonSet(b, {
    ns,
    name: 'aks-secrets-store-provider-azure',
    labels: { ...aks, app: 'secrets-store-provider-azure' },
    selector: { app: 'secrets-store-provider-azure' },
    serviceAccountName: 'csi-secrets-store-provider-azure',
    created: enabled,
    rolledOut: b.ago(6 * DAY),
    podSpec: { hostNetwork: true },
    containers: [
      {
        name: 'provider-azure-installer',
        image: 'mcr.microsoft.com/oss/azure/secrets-store/provider-azure:v1.4.1',
        args: ['--endpoint=unix:///provider/azure.sock', '--construct-pem-chain=true', '--healthz-port=8989', '--healthz-path=/healthz', '--healthz-timeout=5s'],
        volumeMounts: [socket],
      },
    ],
    volumes: [{ name: 'providers-dir', hostPath: { path: '/var/run/secrets-store-csi-providers', type: 'DirectoryOrCreate' } }],
  });
}

function secretProviderClass(ns: string, name: string, created: number): KubeObject {
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name, namespace: ns, uid: stableUid(`spc/${ns}/${name}`), generation: 1, creationTimestamp: iso(created), annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '' } },
    spec: {
      provider: 'azure',
      parameters: {
        usePodIdentity: 'false',
        clientID: CLIENT_ID,
        keyvaultName: SPC_KEYVAULT,
        cloudName: '',
        objects: 'array:\n  - |\n    objectName: db-password\n    objectType: secret\n    objectVersion: ""\n  - |\n    objectName: api-key\n    objectType: secret\n    objectVersion: ""\n',
        tenantID: TENANT_ID,
      },
    },
  };
}

/** Deployment web/web (ServiceAccount web, no WI label) mounting SecretProviderClass kv-secrets; `stuck`: its pods never start. */
function webApp(b: ClusterBuilder, stuck: boolean, volume = 'secrets-store-inline', timeoutNewest = false): void {
  const ns = 'web';
  const created = b.ago(30 * DAY);
  b.namespace(ns, created - HOUR);
  b.serviceAccount(ns, 'web', created);
  b.put(secretProviderClass(ns, 'kv-secrets', created));
  const rolledOut = stuck ? b.ago(26 * MINUTE) : b.ago(3 * DAY);
  const built = b.deployment({
    namespace: ns,
    name: 'web',
    replicas: 2,
    serviceAccountName: 'web',
    labels: { 'app.kubernetes.io/part-of': 'contoso' },
    containers: [
      {
        name: 'web',
        image: 'contosoprod.azurecr.io/web/web:3.2.0',
        env: [{ name: 'DB_PASSWORD_FILE', value: '/mnt/secrets-store/db-password' }],
        ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        volumeMounts: [{ name: volume, mountPath: '/mnt/secrets-store', readOnly: true }],
      },
    ],
    volumes: [{ name: volume, csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: 'kv-secrets' } } }],
    created,
    rolledOut,
    revision: 2,
  });
  for (const p of built.pods) {
    if (stuck) {
      const scheduled = Date.parse(p.status.startTime) - 4000;
      p.status = containerCreating(p, scheduled);
      b.put(p);
      mountFailures(b, p, scheduled, volume, timeoutNewest);
      continue;
    }
    b.store.setLog(ns, p.metadata.name, 'web', [`listening on :8080`, `read /mnt/secrets-store/db-password`].join('\n'), { endTime: new Date(Date.parse(p.status.startTime) + 2000) });
    // The driver's record of each mount (secrets-store.csi.x-k8s.io SecretProviderClassPodStatus).
    b.put({
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClassPodStatus',
      metadata: {
        name: `${p.metadata.name}-${ns}-kv-secrets`,
        namespace: ns,
        uid: stableUid(`spcps/${p.metadata.name}`),
        creationTimestamp: p.status.startTime,
        labels: { 'internal.secrets-store.csi.k8s.io/node-name': p.spec.nodeName },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: p.metadata.name, uid: p.metadata.uid! }],
      },
      status: {
        mounted: true,
        objects: [{ id: 'secret/db-password', version: '9f1c3b2a7d4e4c0b8a6f5e4d3c2b1a09' }, { id: 'secret/api-key', version: '2b4d6f8a0c1e4a3b9d7f5e3c1a2b4d6f' }],
        podName: p.metadata.name,
        secretProviderClassName: 'kv-secrets',
        targetPath: `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~csi/${volume}/mount`,
      },
    });
  }
  if (stuck) b.refreshDeployment(ns, 'web', rolledOut + 2 * MINUTE);
}

/** The events the kubelet leaves on a pod whose Secrets Store volume fails to mount because Entra refuses the pod's token. */
function mountFailures(b: ClusterBuilder, pod: KubeObject, scheduled: number, volume: string, timeoutNewest: boolean): void {
  const ns = pod.metadata.namespace!;
  const node = pod.spec.nodeName as string;
  b.event({ involved: pod, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${ns}/${pod.metadata.name} to ${node}`, component: 'default-scheduler', first: scheduled });
  const last = b.ago(2 * MINUTE + 23_000);
  const body = JSON.stringify(aadsts70021Body(`system:serviceaccount:${ns}:${pod.spec.serviceAccountName}`, last, stableUid(`trace/${pod.metadata.name}`)));
  b.event({
    involved: pod,
    type: 'Warning',
    reason: 'FailedMount',
    message: `MountVolume.SetUp failed for volume "${volume}" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod ${ns}/${pod.metadata.name}, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to get keyvault client: failed to get authorizer for keyvault client: failed to acquire token: FromAssertion(): http call(https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token)(POST) error: reply status code was 400:\n${body.replace('"invalid_client"', '"invalid_request"')}`,
    component: 'kubelet',
    host: node,
    first: scheduled + 2000,
    last,
    count: 14,
  });
  b.event({
    involved: pod,
    type: 'Warning',
    reason: 'FailedMount',
    message: `Unable to attach or mount volumes: unmounted volumes=[${volume}], unattached volumes=[], failed to process volumes=[]: timed out waiting for the condition`,
    component: 'kubelet',
    host: node,
    first: scheduled + 2 * MINUTE + 5000,
    // The kubelet's 2-minute timeout repeats beside the driver's errors: either may be the newer.
    last: timeoutNewest ? b.ago(20_000) : b.ago(4 * MINUTE + 15_000),
    count: 11,
  });
}

// ---- KEDA 2.16 (Helm chart kedacore/keda) ----------------------------------------------------------------

export function installKeda(b: ClusterBuilder, o: { labelled: boolean }): void {
  const ns = 'keda';
  const installed = b.ago(48 * DAY);
  const h = helm('keda', 'keda', '2.16.0');
  b.namespace(ns, installed - MINUTE);
  installCrds(b, KEDA_CRDS, installed, { 'app.kubernetes.io/name': 'keda-operator', 'app.kubernetes.io/part-of': 'keda-operator', ...h.labels }, h.annotations);
  b.serviceAccount(ns, 'keda-operator', installed, { [CLIENT_ID_ANNOTATION]: CLIENT_ID, ...h.annotations }, { app: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator', 'app.kubernetes.io/part-of': 'keda-operator', ...h.labels });
  b.serviceAccount(ns, 'keda-metrics-server', installed, h.annotations, { 'app.kubernetes.io/name': 'keda-metrics-server', ...h.labels });
  b.serviceAccount(ns, 'keda-webhook', installed, h.annotations, { 'app.kubernetes.io/name': 'keda-webhook', ...h.labels });
  const op = b.deployment({
    namespace: ns,
    name: 'keda-operator',
    replicas: 1,
    serviceAccountName: 'keda-operator',
    selector: { app: 'keda-operator' },
    labels: { name: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator', 'app.kubernetes.io/component': 'operator', 'app.kubernetes.io/part-of': 'keda-operator', ...h.labels },
    annotations: h.annotations,
    podLabels: { name: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator', ...h.labels, ...(o.labelled ? USE : {}) },
    containers: [
      {
        name: 'keda-operator',
        image: KEDA_IMAGE,
        command: ['/keda'],
        args: ['--leader-elect', '--disable-compression=true', '--zap-log-level=info', '--zap-encoder=console', '--zap-time-encoding=rfc3339', '--enable-webhook-patching=true', '--cert-dir=/certs', '--enable-cert-rotation=true', '--cert-secret-name=kedaorg-certs', '--operator-service-name=keda-operator', '--metrics-server-service-name=keda-operator-metrics-apiserver', '--webhooks-service-name=keda-admission-webhooks', '--k8s-cluster-name=kubernetes', '--k8s-cluster-domain=cluster.local', '--enable-prometheus-metrics=false'],
        env: [
          { name: 'WATCH_NAMESPACE', value: '' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
          { name: 'OPERATOR_NAME', value: 'keda-operator' },
          { name: 'KEDA_HTTP_DEFAULT_TIMEOUT', value: '3000' },
          { name: 'KEDA_HTTP_MIN_TLS_VERSION', value: 'TLS12' },
        ],
        ports: [{ containerPort: 9666, name: 'metricsservice', protocol: 'TCP' }],
        resources: { limits: { cpu: '1', memory: '1000Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
      },
    ],
    created: installed,
    rolledOut: b.ago(12 * DAY),
    revision: 3,
  });
  for (const p of op.pods) {
    const t = Date.parse(p.status.startTime);
    const at = (ms: number) => new Date(t + ms).toISOString().replace(/\.(\d{3})Z$/, 'Z');
    b.store.setLog(ns, p.metadata.name, 'keda-operator', [
      `${at(800)}\tINFO\tsetup\tStarting manager`,
      `${at(810)}\tINFO\tsetup\tKEDA Version: 2.16.0`,
      `${at(812)}\tINFO\tsetup\tGit Commit: 9f4f6a7b3ed6f0e8e4ce8e1b1a8a4d9b7c5e3f21`,
      `${at(815)}\tINFO\tsetup\tGo Version: go1.23.3`,
      `${at(1900)}\tINFO\tStarting workers\t{"controller": "scaledobject", "controllerGroup": "keda.sh", "controllerKind": "ScaledObject", "worker count": 5}`,
    ].join('\n'), { endTime: new Date(t + 1900) });
  }
  b.deployment({
    namespace: ns,
    name: 'keda-operator-metrics-apiserver',
    replicas: 1,
    serviceAccountName: 'keda-metrics-server',
    selector: { app: 'keda-operator-metrics-apiserver' },
    labels: { 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver', ...h.labels },
    containers: [{ name: 'keda-operator-metrics-apiserver', image: 'ghcr.io/kedacore/keda-metrics-apiserver:2.16.0', args: ['/usr/local/bin/keda-adapter', '--port=8080', '--secure-port=6443', '--logtostderr=true', '--stderrthreshold=ERROR', '--disable-compression=true', '--metrics-service-address=keda-operator.keda.svc.cluster.local:9666', '--client-ca-file=/certs/ca.crt', '--tls-cert-file=/certs/tls.crt', '--tls-private-key-file=/certs/tls.key', '--cert-dir=/certs', '--v=0'] }],
    created: installed,
    rolledOut: b.ago(12 * DAY),
    revision: 3,
  });
  b.deployment({
    namespace: ns,
    name: 'keda-admission-webhooks',
    replicas: 1,
    serviceAccountName: 'keda-webhook',
    selector: { app: 'keda-admission-webhooks' },
    labels: { 'app.kubernetes.io/name': 'keda-admission-webhooks', ...h.labels },
    containers: [{ name: 'keda-admission-webhooks', image: 'ghcr.io/kedacore/keda-admission-webhooks:2.16.0', command: ['/keda-admission-webhooks'], args: ['--zap-log-level=info', '--zap-encoder=console', '--zap-time-encoding=rfc3339', '--cert-dir=/certs', '--health-probe-bind-address=:8081', '--metrics-bind-address=:8080'] }],
    created: installed,
    rolledOut: b.ago(12 * DAY),
    revision: 3,
  });
}

// ---- External Secrets Operator (Helm chart external-secrets) -----------------------------------------------

export function installExternalSecrets(b: ClusterBuilder, o: { labelled: boolean; logs?: string }): void {
  const ns = 'external-secrets';
  const installed = b.ago(90 * DAY);
  const h = helm('external-secrets', 'external-secrets', ESO_RELEASE);
  b.namespace(ns, installed - MINUTE);
  installCrds(b, externalSecretsCrds(ESO_RELEASE), installed, { 'external-secrets.io/component': 'controller' }, { 'controller-gen.kubebuilder.io/version': 'v0.17.1' });
  // The chart runs the operator, its webhook and its cert-controller from the same image (argument `webhook` / `certcontroller`).
  for (const [name, args, labels, annotations] of [
    ['external-secrets', ['--concurrent=1', '--metrics-addr=:8080', '--loglevel=info', '--zap-time-encoding=epoch'], o.labelled ? USE : {}, { [CLIENT_ID_ANNOTATION]: CLIENT_ID }],
    ['external-secrets-webhook', ['webhook', '--port=10250', '--dns-name=external-secrets-webhook.external-secrets.svc', '--cert-dir=/tmp/certs', '--check-interval=5m', '--metrics-addr=:8080', '--healthz-addr=:8081', '--loglevel=info', '--zap-time-encoding=epoch'], {}, {}],
    ['external-secrets-cert-controller', ['certcontroller', '--crd-requeue-interval=5m', '--service-name=external-secrets-webhook', '--service-namespace=external-secrets', '--secret-name=external-secrets-webhook', '--secret-namespace=external-secrets', '--metrics-addr=:8080', '--healthz-addr=:8081', '--loglevel=info', '--zap-time-encoding=epoch', '--enable-partial-cache=true'], {}, {}],
  ] as const) {
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'external-secrets' };
    b.serviceAccount(ns, name, installed, { ...h.annotations, ...annotations }, { ...selector, ...h.labels });
    const built = b.deployment({
      namespace: ns,
      name,
      replicas: 1,
      serviceAccountName: name,
      selector,
      labels: { ...selector, ...h.labels },
      annotations: h.annotations,
      podLabels: { ...h.labels, ...labels },
      containers: [{ name: name === 'external-secrets' ? 'external-secrets' : name.replace('external-secrets-', ''), image: ESO_IMAGE, args: [...args], ports: [{ containerPort: 8080, name: 'metrics', protocol: 'TCP' }] }],
      created: installed,
      rolledOut: b.ago(20 * DAY),
      revision: 2,
    });
    if (name === 'external-secrets' && o.logs) for (const p of built.pods) b.store.setLog(ns, p.metadata.name, 'external-secrets', o.logs, { endTime: new Date(b.ago(MINUTE)) });
  }
}

// ---- cert-manager v1.16.2 (Helm chart jetstack/cert-manager) ------------------------------------------------

export function installCertManager(b: ClusterBuilder, o: { labelled: boolean; logs?: string }): void {
  const ns = 'cert-manager';
  const installed = b.ago(120 * DAY);
  const h = helm('cert-manager', 'cert-manager', 'v1.16.2');
  b.namespace(ns, installed - MINUTE);
  installCrds(b, CERT_MANAGER_CRDS, installed, { app: 'cert-manager', 'app.kubernetes.io/name': 'cert-manager', ...h.labels }, { 'helm.sh/resource-policy': 'keep' });
  for (const [component, name, image, args] of [
    ['controller', 'cert-manager', CERT_MANAGER_IMAGE, ['--v=2', '--cluster-resource-namespace=$(POD_NAMESPACE)', '--leader-election-namespace=kube-system', '--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.16.2', '--max-concurrent-challenges=60', '--issuer-ambient-credentials']],
    ['cainjector', 'cert-manager-cainjector', 'quay.io/jetstack/cert-manager-cainjector:v1.16.2', ['--v=2', '--leader-election-namespace=kube-system']],
    ['webhook', 'cert-manager-webhook', 'quay.io/jetstack/cert-manager-webhook:v1.16.2', ['--v=2', '--secure-port=10250', '--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)', '--dynamic-serving-ca-secret-name=cert-manager-webhook-ca', '--dynamic-serving-dns-names=cert-manager-webhook,cert-manager-webhook.$(POD_NAMESPACE),cert-manager-webhook.$(POD_NAMESPACE).svc']],
  ] as const) {
    const selector = { 'app.kubernetes.io/name': name === 'cert-manager' ? 'cert-manager' : name.replace('cert-manager-', ''), 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': component };
    const controller = component === 'controller';
    // The AKS guide: `--set podLabels.azure\.workload\.identity/use=true --set serviceAccount.labels.azure\.workload\.identity/use=true`, and the client ID on the ServiceAccount.
    b.serviceAccount(ns, name, installed, { ...h.annotations, ...(controller ? { [CLIENT_ID_ANNOTATION]: CLIENT_ID } : {}) }, { app: selector['app.kubernetes.io/name'], ...selector, ...h.labels, ...(controller ? USE : {}) });
    const built = b.deployment({
      namespace: ns,
      name,
      replicas: 1,
      serviceAccountName: name,
      selector,
      labels: { app: selector['app.kubernetes.io/name'], ...selector, ...h.labels },
      annotations: h.annotations,
      podLabels: { app: selector['app.kubernetes.io/name'], ...h.labels, ...(controller && o.labelled ? USE : {}) },
      containers: [{ name: `cert-manager-${component}`, image, args: [...args], env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }] }],
      created: installed,
      rolledOut: b.ago(15 * DAY),
      revision: 4,
    });
    if (controller && o.logs) for (const p of built.pods) b.store.setLog(ns, p.metadata.name, 'cert-manager-controller', o.logs, { endTime: new Date(b.ago(MINUTE)) });
  }
}

// ---- The scenarios --------------------------------------------------------------------------------------

/** a. A SecretProviderClass in Workload Identity mode that mounts: the class names the identity, the pods of web/web mount it. */
export const SPC_HEALTHY: Scenario = {
  name: 'spc-healthy',
  description: 'SecretProviderClass web/kv-secrets (clientID of id-payments-api, Key Vault kv-prod) mounted by Deployment web/web (ServiceAccount web, no WI label); the AKS Secrets Store add-on runs; pods Running, no FailedMount.',
  base: 'aks-addon',
  target: { namespace: 'web', kind: 'Deployment', name: 'web' },
  failingCheckpoint: null,
  build(b) {
    installSecretsStoreCsiAddon(b);
    webApp(b, false);
  },
};

/**
 * b. The same class, but the identity's federated credential names the namespace's `default`
 * ServiceAccount, while the pods run as `web`: the driver's token exchange is refused, the pods
 * wait in ContainerCreating with FailedMount events quoting AADSTS70021 (the fake Azure of
 * test/fake-azure/scenarios-consumers.ts holds that credential).
 */
export function spcWrongSubjectScenario(o: { volume?: string; timeoutNewest?: boolean } = {}): Scenario {
  const volume = o.volume ?? 'secrets-store-inline';
  return {
    name: `spc-wrong-subject${o.volume ? `-volume-${o.volume}` : ''}${o.timeoutNewest ? '-timeout-newest' : ''}`,
    description: `As spc-healthy, but the pods of web/web are stuck in ContainerCreating: FailedMount events on their volume "${volume}" carry the provider's AADSTS70021 for system:serviceaccount:web:web (the identity is federated with web:default).`,
    base: 'aks-addon',
    target: { namespace: 'web', kind: 'Deployment', name: 'web' },
    failingCheckpoint: null,
    build(b) {
      installSecretsStoreCsiAddon(b);
      webApp(b, true, volume, o.timeoutNewest ?? false);
    },
  };
}

/** The volume named as in the provider's docs (secrets-store-inline). */
export const SPC_WRONG_SUBJECT: Scenario = spcWrongSubjectScenario();

/** KEDA objects of the scenarios: TriggerAuthentication app/queue-auth (azure-workload) and the ScaledObject that uses it. */
function kedaApp(b: ClusterBuilder): void {
  const ns = 'app';
  const created = b.ago(20 * DAY);
  b.namespace(ns, created - HOUR);
  b.serviceAccount(ns, 'queue-worker', created);
  b.deployment({
    namespace: ns,
    name: 'queue-worker',
    replicas: 1,
    serviceAccountName: 'queue-worker',
    containers: [{ name: 'queue-worker', image: 'contosoprod.azurecr.io/app/queue-worker:1.8.2', env: [{ name: 'SERVICEBUS_NAMESPACE', value: 'sb-payments-prod.servicebus.windows.net' }] }],
    created,
    rolledOut: b.ago(5 * DAY),
    revision: 2,
  });
  b.put({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: 'queue-auth', namespace: ns, uid: stableUid(`ta/${ns}/queue-auth`), generation: 1, creationTimestamp: iso(created) },
    spec: { podIdentity: { provider: 'azure-workload' } },
    status: { scaledobjects: 'queue-worker' },
  });
  b.put({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'queue-worker', namespace: ns, uid: stableUid(`so/${ns}/queue-worker`), generation: 1, creationTimestamp: iso(created), finalizers: ['finalizer.keda.sh'], labels: { 'scaledobject.keda.sh/name': 'queue-worker' } },
    spec: {
      scaleTargetRef: { name: 'queue-worker' },
      minReplicaCount: 0,
      maxReplicaCount: 20,
      triggers: [{ type: 'azure-servicebus', metadata: { namespace: 'sb-payments-prod', queueName: 'orders', messageCount: '50' }, authenticationRef: { name: 'queue-auth' } }],
    },
    status: {
      conditions: [
        { message: 'ScaledObject is defined correctly and is ready for scaling', reason: 'ScaledObjectReady', status: 'False', type: 'Ready' },
        { message: 'Scaling is not performed because triggers are not active', reason: 'ScalerNotActive', status: 'False', type: 'Active' },
        { message: 'No fallbacks are active on this scaled object', reason: 'NoFallbackFound', status: 'False', type: 'Fallback' },
        { status: 'Unknown', type: 'Paused' },
      ],
      externalMetricNames: ['s0-azure-servicebus-orders'],
      originalReplicaCount: 1,
      scaleTargetGVKR: { group: 'apps', kind: 'Deployment', resource: 'deployments', version: 'v1' },
      scaleTargetKind: 'apps/v1.Deployment',
    },
  });
  // A ScaledJob draining the storage queue invoices (azure-queue reads Get Queue Metadata with the default strategy).
  b.put({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: { name: 'invoice-drain', namespace: ns, uid: stableUid(`sj/${ns}/invoice-drain`), generation: 1, creationTimestamp: iso(created), finalizers: ['finalizer.keda.sh'] },
    spec: {
      jobTargetRef: { template: { spec: { containers: [{ name: 'drain', image: 'contoso.azurecr.io/payments/invoice-drain:1.4.0' }], restartPolicy: 'Never' } } },
      maxReplicaCount: 5,
      triggers: [{ type: 'azure-queue', metadata: { accountName: KEDA_QUEUE_ACCOUNT, queueName: 'invoices', queueLength: '10' }, authenticationRef: { name: 'queue-auth' } }],
    },
    status: { conditions: [{ message: 'ScaledJob is defined correctly and is ready to scaling', reason: 'ScaledJobReady', status: 'True', type: 'Ready' }] },
  });
}

/** c. The KEDA operator's pod template lacks the use label: its pods were never injected, so it has no Workload Identity token for queue-auth. */
export const KEDA_OPERATOR_UNLABELLED: Scenario = {
  name: 'keda-operator-unlabelled',
  description: 'TriggerAuthentication app/queue-auth (podIdentity azure-workload); KEDA 2.16 in keda, its ServiceAccount keda-operator annotated, but the keda-operator pod template has no azure.workload.identity/use label.',
  base: 'aks-addon',
  target: { namespace: 'keda', kind: 'Deployment', name: 'keda-operator' },
  failingCheckpoint: 'pod-label',
  build(b) {
    installKeda(b, { labelled: false });
    kedaApp(b);
  },
};

/** d. External Secrets: SecretStore team-a/vault (serviceAccountRef eso-sa) and ClusterSecretStore shared (the operator's own token), which is not Ready. */
export const ESO_STORE_NOT_READY: Scenario = {
  name: 'eso-store-not-ready',
  description: "External Secrets v0.14.0 (labelled, ServiceAccount external-secrets annotated); SecretStore team-a/vault (WorkloadIdentity, serviceAccountRef eso-sa, Ready); ClusterSecretStore shared (WorkloadIdentity, no serviceAccountRef) Ready False InvalidProviderConfig, Entra's AADSTS70021 for system:serviceaccount:external-secrets:external-secrets in its event and the operator's log.",
  base: 'aks-addon',
  target: { namespace: 'external-secrets', kind: 'Deployment', name: 'external-secrets' },
  failingCheckpoint: null,
  build(b) {
    const failing = b.ago(3 * MINUTE);
    const trace = stableUid('trace/eso');
    const fromAssertion = `FromAssertion(): http call(https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token)(POST) error: reply status code was 401:\n${JSON.stringify(aadsts70021Body('system:serviceaccount:external-secrets:external-secrets', failing, trace))}`;
    const logLine = JSON.stringify({ level: 'error', ts: failing / 1000, msg: 'Reconciler error', controller: 'clustersecretstore', controllerGroup: 'external-secrets.io', controllerKind: 'ClusterSecretStore', ClusterSecretStore: { name: 'shared' }, namespace: '', name: 'shared', reconcileID: stableUid('reconcile/eso'), error: `could not get provider client: ${fromAssertion}` });
    installExternalSecrets(b, { labelled: true, logs: [JSON.stringify({ level: 'info', ts: b.ago(20 * DAY) / 1000, logger: 'setup', msg: 'starting manager' }), logLine].join('\n') });
    const created = b.ago(10 * DAY);
    b.namespace('team-a', created - HOUR);
    b.serviceAccount('team-a', 'eso-sa', created, { [CLIENT_ID_ANNOTATION]: CLIENT_ID });
    const apiVersion = 'external-secrets.io/v1beta1';
    const ready = (status: 'True' | 'False', reason: string, message: string, at: number) => ({ conditions: [{ lastTransitionTime: iso(at), message, reason, status, type: 'Ready' }], capabilities: 'ReadWrite' });
    b.put({
      apiVersion,
      kind: 'SecretStore',
      metadata: { name: 'vault', namespace: 'team-a', uid: stableUid('ss/team-a/vault'), generation: 1, creationTimestamp: iso(created) },
      spec: { provider: { azurekv: { authType: 'WorkloadIdentity', vaultUrl: 'https://kv-prod.vault.azure.net/', serviceAccountRef: { name: 'eso-sa' } } } },
      status: ready('True', 'Valid', 'store validated', created + MINUTE),
    });
    const shared = b.put({
      apiVersion,
      kind: 'ClusterSecretStore',
      metadata: { name: 'shared', uid: stableUid('css/shared'), generation: 2, creationTimestamp: iso(b.ago(2 * HOUR)) },
      spec: { provider: { azurekv: { authType: 'WorkloadIdentity', tenantId: TENANT_ID, vaultUrl: 'https://kv-shared-platform.vault.azure.net/' } } },
      status: ready('False', 'InvalidProviderConfig', 'unable to create client', b.ago(2 * HOUR) + 5000),
    });
    b.event({ involved: shared, type: 'Warning', reason: 'InvalidProviderConfig', message: fromAssertion, component: 'cluster-secret-store', first: b.ago(2 * HOUR) + 5000, last: failing, count: 31 });
  },
};

const ACME_CHALLENGE_401 = `authentication failed:\nPOST https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token\n--------------------------------------------------------------------------------\nRESPONSE 401 Unauthorized\n--------------------------------------------------------------------------------\nsee logs for more information`;

/**
 * e. cert-manager's DNS-01 challenge for shop.contoso.com through ClusterIssuer letsencrypt
 * (azureDNS, managedIdentity.clientID) cannot authenticate: no federated credential names
 * system:serviceaccount:cert-manager:cert-manager. As cert-manager really reports it, the
 * ClusterIssuer stays Ready (its condition is about the ACME account), the Challenge says
 * "authentication failed … see logs", and the AADSTS70021 is in the controller's log.
 */
export const ISSUER_NOT_READY: Scenario = {
  name: 'issuer-not-ready',
  description: 'cert-manager v1.16.2 (controller labelled, ServiceAccount annotated); ClusterIssuer letsencrypt (ACME, azureDNS with managedIdentity.clientID) Ready; Certificate shop/shop-tls not Ready, its Challenge pending with "authentication failed … 401"; AADSTS70021 for system:serviceaccount:cert-manager:cert-manager in the controller log.',
  base: 'aks-addon',
  target: { namespace: 'cert-manager', kind: 'Deployment', name: 'cert-manager' },
  failingCheckpoint: 'pod-logs',
  build(b) {
    const failing = b.ago(90_000);
    const body = JSON.stringify(aadsts70021Body('system:serviceaccount:cert-manager:cert-manager', failing, stableUid('trace/cm')), null, 2);
    const err = [`WorkloadIdentityCredential authentication failed. `, `POST https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`, '-'.repeat(80), 'RESPONSE 401: 401 Unauthorized', '-'.repeat(80), ...body.split('\n'), '-'.repeat(80), 'To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#workload'];
    const logs = [
      `${klog('I', b.ago(15 * DAY) + 900, 'controller.go:285')}"configured acme dns01 nameservers" logger="cert-manager.controller.build-context" nameservers=["10.0.0.10:53"]`,
      `${klog('E', failing, 'azuredns.go:262')}"Error upserting TXT" err=<`,
      ...err.map((l) => `\t${l}`),
      ` > logger="cert-manager.controller" zone="contoso.com" domain="_acme-challenge.shop.contoso.com." resource group="rg-dns"`,
      `${klog('E', failing + 2, 'sync.go:208')}"propagation check failed" err="authentication failed:\\nPOST https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token\\n--------------------------------------------------------------------------------\\nRESPONSE 401 Unauthorized\\n--------------------------------------------------------------------------------\\nsee logs for more information" logger="cert-manager.controller" resource_name="shop-tls-1-2374198734-1181520745" resource_namespace="shop" resource_kind="Challenge" resource_version="v1" dnsName="shop.contoso.com" type="DNS-01"`,
    ].join('\n');
    installCertManager(b, { labelled: true, logs });
    const solver = { dns01: { azureDNS: { environment: 'AzurePublicCloud', hostedZoneName: 'contoso.com', resourceGroupName: 'rg-dns', subscriptionID: SUBSCRIPTION_ID, managedIdentity: { clientID: CLIENT_ID } } } };
    const issuerAt = b.ago(30 * DAY);
    b.put({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt', uid: stableUid('ciss/letsencrypt'), generation: 1, creationTimestamp: iso(issuerAt) },
      spec: { acme: { email: 'platform@contoso.com', server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-account-key' }, solvers: [solver] } },
      status: {
        acme: { lastPrivateKeyHash: 'i3kH6Z3XvI1T0u7cYk9l3gG0vJbD8m9y3Jg8pQ2w5rA=', lastRegisteredEmail: 'platform@contoso.com', uri: 'https://acme-v02.api.letsencrypt.org/acme/acct/1987654321' },
        conditions: [{ lastTransitionTime: iso(issuerAt + 4000), message: 'The ACME account was registered with the ACME server', observedGeneration: 1, reason: 'ACMEAccountRegistered', status: 'True', type: 'Ready' }],
      },
    });
    b.secret('cert-manager', 'letsencrypt-account-key', { 'tls.key': '-----BEGIN EC PRIVATE KEY-----\nfake-acme-account-key\n-----END EC PRIVATE KEY-----\n' }, issuerAt);
    const ns = 'shop';
    const started = b.ago(38 * MINUTE);
    b.namespace(ns, b.ago(30 * DAY));
    const issuerRef = { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' };
    const cert = b.put({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop-tls', namespace: ns, uid: stableUid('cert/shop/shop-tls'), generation: 1, creationTimestamp: iso(started) },
      spec: { dnsNames: ['shop.contoso.com'], issuerRef, secretName: 'shop-tls' },
      status: {
        conditions: [
          { lastTransitionTime: iso(started + 1000), message: 'Issuing certificate as Secret does not exist', observedGeneration: 1, reason: 'DoesNotExist', status: 'False', type: 'Ready' },
          { lastTransitionTime: iso(started + 1000), message: 'Issuing certificate as Secret does not exist', observedGeneration: 1, reason: 'DoesNotExist', status: 'True', type: 'Issuing' },
        ],
        nextPrivateKeySecretName: 'shop-tls-8kq2x',
      },
    });
    const order = 'shop-tls-1-2374198734';
    b.put({
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { name: 'shop-tls-1', namespace: ns, uid: stableUid('cr/shop/shop-tls-1'), generation: 1, creationTimestamp: iso(started + 2000), annotations: { 'cert-manager.io/certificate-name': 'shop-tls', 'cert-manager.io/certificate-revision': '1', 'cert-manager.io/private-key-secret-name': 'shop-tls-8kq2x' }, ownerReferences: [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'shop-tls', uid: cert.metadata.uid!, controller: true, blockOwnerDeletion: true }] },
      spec: { issuerRef, request: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KZmFrZQotLS0tLUVORCBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K', usages: ['digital signature', 'key encipherment'] },
      status: { conditions: [{ lastTransitionTime: iso(started + 2000), message: 'Certificate request has been approved by cert-manager.io', reason: 'cert-manager.io', status: 'True', type: 'Approved' }, { lastTransitionTime: iso(started + 2100), message: `Waiting on certificate issuance from order ${ns}/${order}: "pending"`, reason: 'Pending', status: 'False', type: 'Ready' }] },
    });
    b.put({
      apiVersion: 'acme.cert-manager.io/v1',
      kind: 'Order',
      metadata: { name: order, namespace: ns, uid: stableUid(`order/${order}`), generation: 1, creationTimestamp: iso(started + 2200) },
      spec: { dnsNames: ['shop.contoso.com'], issuerRef, request: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KZmFrZQotLS0tLUVORCBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K' },
      status: { state: 'pending', url: 'https://acme-v02.api.letsencrypt.org/acme/order/1987654321/312345678901', finalizeURL: 'https://acme-v02.api.letsencrypt.org/acme/finalize/1987654321/312345678901' },
    });
    const challenge = b.put({
      apiVersion: 'acme.cert-manager.io/v1',
      kind: 'Challenge',
      metadata: { name: `${order}-1181520745`, namespace: ns, uid: stableUid(`challenge/${order}`), generation: 1, creationTimestamp: iso(started + 3000), finalizers: ['finalizer.acme.cert-manager.io'] },
      spec: { authorizationURL: 'https://acme-v02.api.letsencrypt.org/acme/authz-v3/412345678901', dnsName: 'shop.contoso.com', issuerRef, key: 'Xc3c7mQmZ5lY0cK2uYw1sFqM0x6pT8bN9dR4eV2aH1g', solver, token: 'qkV4bm5sW2pXr8uT0yL3nC7dF9gH1jK6mZ2xQ4vB8aE', type: 'DNS-01', url: 'https://acme-v02.api.letsencrypt.org/acme/chall-v3/412345678901/AbCdEf', wildcard: false },
      status: { presented: false, processing: true, reason: ACME_CHALLENGE_401, state: 'pending' },
    });
    b.event({ involved: challenge, type: 'Warning', reason: 'PresentError', message: `Error presenting challenge: ${ACME_CHALLENGE_401}`, component: 'cert-manager-challenges', first: started + 4000, last: failing, count: 9 });
  },
};

export const CONSUMER_SCENARIOS: readonly Scenario[] = [SPC_HEALTHY, SPC_WRONG_SUBJECT, KEDA_OPERATOR_UNLABELLED, ESO_STORE_NOT_READY, ISSUER_NOT_READY];
