// Writes fixtures/aks-addon.json and fixtures/helm.json: the two base clusters the scenarios
// start from, as `kubectl get <everything> -o json` would list them on AKS. Generated (with
// fixed times and seeded names) rather than hand-written so that every ReplicaSet matches
// its Deployment's template and every pod went through the same admission as live pods.
//
//   npx tsx test/fake-kube/generate-fixtures.ts

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterBuilder } from './builder';
import { Store, type KubeObject } from './store';
import { WEBHOOK_CONFIG_NAME, WEBHOOK_CONFIGMAP, WEBHOOK_DEPLOYMENT, WEBHOOK_NAME, WEBHOOK_SERVICE } from './wi-webhook';
import { iso, KUBERNETES_VERSION, MINUTE, NODE_IPS, NODES, stableUid } from './workloads';

type Json = Record<string, any>;

export type BaseName = 'aks-addon' | 'helm';

/** Stands for the server's CA in kube-root-ca.crt; the loader puts the real one in. */
export const FIXTURE_CA_PLACEHOLDER = '-----BEGIN CERTIFICATE-----\nREPLACED-BY-THE-FAKE-API-SERVER-CA\n-----END CERTIFICATE-----\n';
export const TENANT_ID = '72f988bf-0000-0000-0000-000000000000';
const SUBSCRIPTION = '8c3f6a1e-5b2d-4e7f-9a0c-1d2e3f4a5b6c';
const NODE_RG = 'MC_rg-contoso-prod_aks-contoso-prod_eastus';

const CLUSTER_CREATED = Date.parse('2025-01-14T09:12:33Z');
const WI_ENABLED = Date.parse('2025-02-03T14:05:10Z');
/** The last node image upgrade: every system pod was recreated then. */
const NODES_UPGRADED = Date.parse('2025-06-02T03:41:18Z');
/** When the fixtures were "captured": the loader shifts every timestamp so that this is now. */
export const FIXTURE_SNAPSHOT_TIME = Date.parse('2025-06-05T12:00:00Z');

const fakePem = (what: string): string => `-----BEGIN CERTIFICATE-----\nFAKE-${what}-NOT-A-REAL-CERTIFICATE\n-----END CERTIFICATE-----\n`;

function nodes(b: ClusterBuilder): void {
  NODES.forEach((name, i) => {
    b.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        uid: stableUid(`node/${name}`),
        creationTimestamp: iso(NODES_UPGRADED - 5 * MINUTE + i * 20_000),
        labels: {
          agentpool: 'nodepool1',
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': 'Standard_D4ds_v5',
          'beta.kubernetes.io/os': 'linux',
          'failure-domain.beta.kubernetes.io/region': 'eastus',
          'failure-domain.beta.kubernetes.io/zone': '0',
          'kubernetes.azure.com/agentpool': 'nodepool1',
          'kubernetes.azure.com/cluster': NODE_RG,
          'kubernetes.azure.com/consolidated-additional-properties': '3a1f0b9c-6e2d-4c8a-b7f5-0d9e8c7b6a54',
          'kubernetes.azure.com/kubelet-identity-client-id': '0b5e9d3c-2a7f-4e1b-8c6d-5f4a3b2c1d0e',
          'kubernetes.azure.com/mode': 'system',
          'kubernetes.azure.com/node-image-version': 'AKSUbuntu-2204gen2containerd-202505.14.0',
          'kubernetes.azure.com/nodepool-type': 'VirtualMachineScaleSets',
          'kubernetes.azure.com/os-sku': 'Ubuntu',
          'kubernetes.azure.com/role': 'agent',
          'kubernetes.azure.com/storageprofile': 'managed',
          'kubernetes.azure.com/storagetier': 'Premium_LRS',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/role': 'agent',
          'node-role.kubernetes.io/agent': '',
          'node.kubernetes.io/instance-type': 'Standard_D4ds_v5',
          'topology.kubernetes.io/region': 'eastus',
          'topology.kubernetes.io/zone': '0',
        },
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: {
        podCIDR: `10.244.${i}.0/24`,
        podCIDRs: [`10.244.${i}.0/24`],
        providerID: `azure:///subscriptions/${SUBSCRIPTION}/resourceGroups/${NODE_RG.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/${i}`,
      },
      status: {
        addresses: [
          { address: NODE_IPS[i], type: 'InternalIP' },
          { address: name, type: 'Hostname' },
        ],
        allocatable: { cpu: '3860m', 'ephemeral-storage': '119703055367', memory: '12880292Ki', pods: '110' },
        capacity: { cpu: '4', 'ephemeral-storage': '129886128Ki', memory: '16375204Ki', pods: '110' },
        conditions: [
          ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
          ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
          ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
          ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
        ].map(([type, status, reason, message]) => ({
          lastHeartbeatTime: iso(NODES_UPGRADED + 30 * 86_400_000),
          lastTransitionTime: iso(NODES_UPGRADED - 4 * MINUTE),
          message,
          reason,
          status,
          type,
        })),
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: stableUid(`boot/${name}`),
          containerRuntimeVersion: 'containerd://1.7.27-1',
          kernelVersion: '5.15.0-1089-azure',
          kubeProxyVersion: KUBERNETES_VERSION,
          kubeletVersion: KUBERNETES_VERSION,
          machineID: stableUid(`machine/${name}`).replace(/-/g, ''),
          operatingSystem: 'linux',
          osImage: 'Ubuntu 22.04.5 LTS',
          systemUUID: stableUid(`system/${name}`),
        },
      },
    });
  });
}

const probe = (path: string, port: number | string, scheme = 'HTTP'): Json => ({ failureThreshold: 3, httpGet: { path, port, scheme }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 });
const criticalAddon = { nodeSelector: { 'kubernetes.io/os': 'linux' }, priorityClassName: 'system-cluster-critical', tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] };

function kubeSystem(b: ClusterBuilder): void {
  const ns = 'kube-system';
  b.serviceAccount(ns, 'coredns', CLUSTER_CREATED, undefined, { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/cluster-service': 'true' });
  b.serviceAccount(ns, 'metrics-server', CLUSTER_CREATED, undefined, { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/cluster-service': 'true' });
  b.serviceAccount(ns, 'kube-proxy', CLUSTER_CREATED, undefined, { 'addonmanager.kubernetes.io/mode': 'Reconcile' });
  b.configMap(ns, 'coredns', { Corefile: '.:53 {\n    errors\n    ready\n    health {\n      lameduck 5s\n    }\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n      ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n    import custom/*.override\n}\nimport custom/*.server\n' }, CLUSTER_CREATED, { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true' });

  b.deployment({
    namespace: ns,
    name: 'coredns',
    replicas: 2,
    selector: { 'k8s-app': 'kube-dns', version: 'v20' },
    labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    podLabels: { 'kubernetes.azure.com/managedby': 'aks', 'kubernetes.io/cluster-service': 'true' },
    serviceAccountName: 'coredns',
    containers: [
      {
        name: 'coredns',
        image: 'mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3-8',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { containerPort: 53, name: 'dns', protocol: 'UDP' },
          { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
          { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
        ],
        resources: { limits: { memory: '500Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
        livenessProbe: probe('/health', 8080),
        readinessProbe: probe('/ready', 8181),
        volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }],
      },
    ],
    volumes: [{ configMap: { items: [{ key: 'Corefile', path: 'Corefile' }], name: 'coredns' }, name: 'config-volume' }],
    podSpec: { ...criticalAddon, dnsPolicy: 'Default' },
    created: CLUSTER_CREATED,
    rolledOut: NODES_UPGRADED + 2 * MINUTE,
    revision: 3,
  });
  b.service(ns, 'kube-dns', {
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
    ],
    clusterIP: '10.0.0.10',
    created: CLUSTER_CREATED,
    labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
  });

  b.deployment({
    namespace: ns,
    name: 'metrics-server',
    replicas: 2,
    selector: { 'k8s-app': 'metrics-server' },
    labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'kubernetes.io/cluster-service': 'true' },
    podLabels: { 'kubernetes.azure.com/managedby': 'aks' },
    serviceAccountName: 'metrics-server',
    containers: [
      {
        name: 'metrics-server',
        image: 'mcr.microsoft.com/oss/v2/kubernetes/metrics-server:v0.7.2-2',
        args: ['--kubelet-insecure-tls', '--kubelet-preferred-address-types=InternalIP', '--cert-dir=/tmp', '--secure-port=4443'],
        ports: [{ containerPort: 4443, name: 'https', protocol: 'TCP' }],
        resources: { limits: { cpu: '145m', memory: '229Mi' }, requests: { cpu: '45m', memory: '55Mi' } },
        livenessProbe: probe('/livez', 'https', 'HTTPS'),
        readinessProbe: probe('/readyz', 'https', 'HTTPS'),
      },
    ],
    podSpec: criticalAddon,
    created: CLUSTER_CREATED,
    rolledOut: NODES_UPGRADED + 2 * MINUTE,
    revision: 2,
    // It often restarts once after a node upgrade, before the kubelets answer.
    podStatus: (i) => (i === 0 ? { restarts: { 'metrics-server': { count: 1, lastExitCode: 1, lastReason: 'Error', lastFinished: NODES_UPGRADED + 3 * MINUTE } } } : {}),
  });

  // kube-proxy: a DaemonSet, one pod per node.
  const ds = b.put({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'kube-proxy',
      namespace: ns,
      uid: stableUid('ds/kube-system/kube-proxy'),
      generation: 1,
      creationTimestamp: iso(CLUSTER_CREATED),
      labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', component: 'kube-proxy', tier: 'node' },
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    },
    spec: {
      selector: { matchLabels: { component: 'kube-proxy', tier: 'node' } },
      template: {
        metadata: { labels: { component: 'kube-proxy', tier: 'node', 'kubernetes.azure.com/managedby': 'aks' } },
        spec: {
          containers: [
            {
              name: 'kube-proxy',
              image: `mcr.microsoft.com/oss/kubernetes/kube-proxy:${KUBERNETES_VERSION}-hotfix.20250512`,
              command: ['kube-proxy', '--conntrack-max-per-core=0', '--metrics-bind-address=0.0.0.0:10249', '--cluster-cidr=10.244.0.0/16', '--detect-local-mode=ClusterCIDR', '--pod-interface-name-prefix=', '--v=3'],
              securityContext: { privileged: true },
              resources: { requests: { cpu: '100m' } },
            },
          ],
          hostNetwork: true,
          serviceAccountName: 'kube-proxy',
          ...criticalAddon,
        },
      },
    },
  });
  const proxyPods = b.pods(ds, ds.spec.template, NODES.length, {
    created: NODES_UPGRADED,
    extraLabels: { 'controller-revision-hash': '6c8d4f7b9d', 'pod-template-generation': '1' },
    node: (i) => i,
  });
  b.put({ ...ds, status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: proxyPods.length, numberMisscheduled: 0, numberReady: proxyPods.length, observedGeneration: 1, updatedNumberScheduled: 3 } });
}

/** The WI webhook objects, in `ns`, labelled the AKS add-on way or the Helm way. */
function webhook(b: ClusterBuilder, base: BaseName): void {
  const helm = base === 'helm';
  const ns = helm ? 'azure-workload-identity-system' : 'kube-system';
  const version = helm ? 'v1.6.0' : 'v1.5.1';
  const image = helm ? `mcr.microsoft.com/oss/azure/workload-identity/webhook:${version}` : `mcr.microsoft.com/oss/v2/azure/workload-identity/webhook:${version}`;
  const installed = helm ? Date.parse('2025-03-18T10:22:47Z') : WI_ENABLED;
  const selector: Record<string, string> = helm
    ? { app: 'workload-identity-webhook', 'azure-workload-identity.io/system': 'true', chart: 'workload-identity-webhook', release: 'workload-identity-webhook' }
    : { app: 'workload-identity-webhook', 'azure-workload-identity.io/system': 'true', 'kubernetes.azure.com/managedby': 'aks' };
  const labels: Record<string, string> = helm
    ? { ...selector, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': `workload-identity-webhook-${version.slice(1)}` }
    : { ...selector };
  const annotations: Record<string, string> | undefined = helm ? { 'meta.helm.sh/release-name': 'workload-identity-webhook', 'meta.helm.sh/release-namespace': ns } : undefined;

  if (helm) {
    b.namespace(ns, installed);
    b.secret(ns, 'sh.helm.release.v1.workload-identity-webhook.v1', { release: 'H4sIAAAAAAAC/+y9fake-helm-release-payload' }, installed, 'helm.sh/release.v1', {
      modifiedAt: String(Math.floor(installed / 1000)),
      name: 'workload-identity-webhook',
      owner: 'helm',
      status: 'deployed',
      version: '1',
    });
  }
  b.serviceAccount(ns, 'azure-wi-webhook-admin', installed, annotations, labels);
  b.configMap(ns, WEBHOOK_CONFIGMAP, { AZURE_ENVIRONMENT: 'AzurePublicCloud', AZURE_TENANT_ID: TENANT_ID }, installed, labels, annotations);
  b.secret(ns, 'azure-wi-webhook-server-cert', { 'ca.crt': fakePem('WEBHOOK-CA'), 'tls.crt': fakePem('WEBHOOK-SERVING') }, installed, 'Opaque', labels, annotations);
  b.deployment({
    namespace: ns,
    name: WEBHOOK_DEPLOYMENT,
    replicas: 2,
    selector,
    labels,
    ...(annotations ? { annotations } : {}),
    serviceAccountName: 'azure-wi-webhook-admin',
    containers: [
      {
        name: 'manager',
        image,
        command: ['/manager'],
        args: ['--arc-cluster=false', '--log-encoder=console', '--metrics-addr=:8095', '--metrics-backend=prometheus', '--disable-cert-rotation=false'],
        env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
        envFrom: [{ configMapRef: { name: WEBHOOK_CONFIGMAP } }],
        ports: [
          { containerPort: 9443, name: 'webhook-server', protocol: 'TCP' },
          { containerPort: 8095, name: 'metrics', protocol: 'TCP' },
          { containerPort: 9440, name: 'healthz', protocol: 'TCP' },
        ],
        livenessProbe: probe('/healthz', 'healthz'),
        readinessProbe: probe('/readyz', 'healthz'),
        resources: { limits: { cpu: '100m', memory: '30Mi' }, requests: { cpu: '100m', memory: '20Mi' } },
        volumeMounts: [{ mountPath: '/certs', name: 'cert', readOnly: true }],
      },
    ],
    volumes: [{ name: 'cert', secret: { defaultMode: 420, secretName: 'azure-wi-webhook-server-cert' } }],
    podSpec: {
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      ...(helm ? {} : { priorityClassName: 'system-node-critical' }),
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    },
    created: installed,
    rolledOut: helm ? installed : NODES_UPGRADED + 3 * MINUTE,
    revision: 1,
  });
  b.service(ns, WEBHOOK_SERVICE, {
    selector,
    ports: [{ port: 443, protocol: 'TCP', targetPort: 'webhook-server' }],
    clusterIP: helm ? '10.0.211.45' : '10.0.97.213',
    created: installed,
    labels,
    ...(annotations ? { annotations } : {}),
  });
  b.put({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: WEBHOOK_CONFIG_NAME,
      uid: stableUid(`mwc/${WEBHOOK_CONFIG_NAME}/${base}`),
      generation: 1,
      creationTimestamp: iso(installed),
      labels,
      ...(annotations ? { annotations } : {}),
    },
    webhooks: [
      {
        admissionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: {
          caBundle: Buffer.from(fakePem('WEBHOOK-CA')).toString('base64'),
          service: { name: WEBHOOK_SERVICE, namespace: ns, path: '/mutate-v1-pod', port: 443 },
        },
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        name: WEBHOOK_NAME,
        // What the AKS admissions enforcer puts on every webhook of the cluster.
        namespaceSelector: {
          matchExpressions: [
            { key: 'control-plane', operator: 'DoesNotExist' },
            { key: 'kubernetes.azure.com/managedby', operator: 'NotIn', values: ['aks'] },
          ],
        },
        objectSelector: { matchLabels: { 'azure.workload.identity/use': 'true' } },
        reinvocationPolicy: 'IfNeeded',
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  });
}

/** An unrelated app namespace: ingress-nginx, no Workload Identity. */
function ingress(b: ClusterBuilder): void {
  const ns = 'ingress-basic';
  const created = Date.parse('2025-01-20T16:48:02Z');
  b.namespace(ns, created);
  const labels = { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx' };
  b.serviceAccount(ns, 'ingress-nginx', created, undefined, labels);
  b.deployment({
    namespace: ns,
    name: 'ingress-nginx-controller',
    replicas: 2,
    selector: labels,
    labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'ingress-nginx-4.11.3' },
    serviceAccountName: 'ingress-nginx',
    containers: [
      {
        name: 'controller',
        image: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
        args: ['/nginx-ingress-controller', '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller', '--election-id=ingress-nginx-leader', '--controller-class=k8s.io/ingress-nginx', '--ingress-class=nginx'],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
        ],
        ports: [
          { containerPort: 80, name: 'http', protocol: 'TCP' },
          { containerPort: 443, name: 'https', protocol: 'TCP' },
        ],
        readinessProbe: probe('/healthz', 10254),
        resources: { requests: { cpu: '100m', memory: '90Mi' } },
      },
    ],
    created,
    rolledOut: NODES_UPGRADED + 4 * MINUTE,
    revision: 4,
  });
  const svc = b.service(ns, 'ingress-nginx-controller', {
    selector: labels,
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', nodePort: 31876 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', nodePort: 30412 },
    ],
    clusterIP: '10.0.58.164',
    created,
    labels,
  });
  svc.spec.type = 'LoadBalancer';
  svc.spec.externalTrafficPolicy = 'Local';
  svc.spec.healthCheckNodePort = 32017;
  svc.spec.allocateLoadBalancerNodePorts = true;
  svc.status = { loadBalancer: { ingress: [{ ip: '203.0.113.25', ipMode: 'VIP' }] } };
  b.put(svc);
}

/** An unrelated nightly CronJob, with its last Job and that Job's pod (Pod -> Job -> CronJob). */
function ops(b: ClusterBuilder): void {
  const ns = 'ops';
  const created = Date.parse('2025-02-11T08:30:00Z');
  b.namespace(ns, created);
  b.serviceAccount(ns, 'cleanup', created);
  b.cronJob({
    namespace: ns,
    name: 'registry-cleanup',
    schedule: '30 1 * * *',
    serviceAccountName: 'cleanup',
    containers: [{ name: 'cleanup', image: 'mcr.microsoft.com/azure-cli:2.67.0', command: ['/bin/sh', '-c', 'az acr run --cmd "acr purge --ago 30d --untagged" /dev/null'] }],
    created,
    lastRun: Date.parse('2025-06-05T01:30:00Z'),
  });
}

export function buildBase(base: BaseName): KubeObject[] {
  const store = new Store({ initialResourceVersion: 4182, historyLimit: 10 });
  const b = new ClusterBuilder(store, FIXTURE_CA_PLACEHOLDER, NODES_UPGRADED);
  for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) b.namespace(ns, CLUSTER_CREATED);
  nodes(b);
  kubeSystem(b);
  webhook(b, base);
  ingress(b);
  ops(b);
  return store.all();
}

if (require.main === module) {
  for (const base of ['aks-addon', 'helm'] as const) {
    const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: buildBase(base) };
    const file = join(__dirname, 'fixtures', `${base}.json`);
    writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
    console.log(`wrote ${file} (${list.items.length} objects)`);
  }
}
