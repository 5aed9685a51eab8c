import { runRuleTests } from '../rule-tester';
import { consumerControllerIdentity } from '../../../src/rules/consumer-controller-identity';

const operator = (labels = '        app: keda-operator\n', image = 'ghcr.io/kedacore/keda:2.16.0') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  namespace: keda
spec:
  template:
    metadata:
      labels:
${labels}    spec:
      serviceAccountName: keda-operator
      containers:
        - name: keda-operator
          image: ${image}
`;

const triggerAuth = (provider = 'azure-workload') => `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: queue-auth
  namespace: app
spec:
  podIdentity:
    provider: ${provider}
`;

const eso = (extra = '') => `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: vault
spec:
  provider:
    azurekv:
      authType: WorkloadIdentity
      vaultUrl: https://kv.vault.azure.net
${extra}`;

const esoOperator = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: external-secrets
  namespace: external-secrets
spec:
  template:
    spec:
      containers:
        - name: external-secrets
          image: oci.external-secrets.io/external-secrets/external-secrets:v0.14.0
`;

const MSG = 'Deployment keda-operator runs the KEDA operator, which exchanges its own ServiceAccount\'s token for TriggerAuthentication queue-auth, but its pod template lacks the azure.workload.identity/use: "true" label: the webhook injects no token into its pods, so every object that asks it for Workload Identity fails.';

runRuleTests(consumerControllerIdentity, {
  valid: [
    { name: 'labelled', code: operator('        app: keda-operator\n        azure.workload.identity/use: "true"\n'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'no consumer asks for Workload Identity', code: operator(), files: { 'ta.yaml': triggerAuth('none') } },
    { name: 'no consumer at all', code: operator() },
    { name: 'not the operator image (the metrics server)', code: operator('        app: m\n', 'ghcr.io/kedacore/keda-metrics-apiserver:2.16.0'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'a label with another value is another rule\'s', code: operator('        azure.workload.identity/use: "false"\n'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'ESO with serviceAccountRef: the operator\'s own token is not used', code: esoOperator, files: { 'store.yaml': eso('      serviceAccountRef:\n        name: eso-sa\n        namespace: apps\n') } },
  ],
  invalid: [
    {
      name: 'KEDA operator without the label',
      code: operator(),
      files: { 'ta.yaml': triggerAuth() },
      errors: [{
        line: 9,
        column: 7,
        endColumn: 13,
        severity: 'warning',
        message: MSG,
        related: [{ file: 'ta.yaml', line: 4 }],
        suggestions: [{ title: 'Add azure.workload.identity/use: "true" to the pod template', output: operator('        app: keda-operator\n        azure.workload.identity/use: "true"\n') }],
      }],
      output: operator('        app: keda-operator\n        azure.workload.identity/use: "true"\n'),
    },
    {
      name: 'ESO operator used without serviceAccountRef, no labels at all',
      code: esoOperator,
      files: { 'store.yaml': eso() },
      errors: [{
        line: 4,
        column: 9,
        endColumn: 25,
        message: /^Deployment external-secrets runs the External Secrets operator, which exchanges its own ServiceAccount's token for ClusterSecretStore vault, but/,
        related: [{ file: 'store.yaml', line: 4 }],
        suggestions: [{ title: 'Add azure.workload.identity/use: "true" to the pod template', output: esoOperator.replace('    spec:\n      containers', '    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n    spec:\n      containers') }],
      }],
      output: esoOperator.replace('    spec:\n      containers', '    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n    spec:\n      containers'),
    },
  ],
});

const dns = (volumes: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: external-dns
  namespace: dns
spec:
  template:
    spec:
      containers:
        - name: external-dns
          image: registry.k8s.io/external-dns/external-dns:v0.15.0
      volumes:
${volumes}`;
const azureJson = (name: string, body: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: dns
data:
  azure.json: '${body}'
`;
const WI = '{"tenantId":"t","subscriptionId":"s","resourceGroup":"rg","useWorkloadIdentityExtension":true}';
const MI = '{"tenantId":"t","subscriptionId":"s","resourceGroup":"rg","useManagedIdentityExtension":true}';

runRuleTests(consumerControllerIdentity, {
  valid: [
    { name: 'ExternalDNS mounts a managed-identity azure.json; another one in the folder uses Workload Identity', code: dns('        - name: cfg\n          configMap:\n            name: mi-config\n'), files: { 'cm.yaml': azureJson('mi-config', MI) + '---\n' + azureJson('wi-config', WI) } },
  ],
  invalid: [
    {
      name: 'ExternalDNS mounts a Workload Identity azure.json without the label',
      code: dns('        - name: cfg\n          configMap:\n            name: wi-config\n'),
      files: { 'cm.yaml': azureJson('wi-config', WI) },
      errors: [{ line: 4, column: 9, endColumn: 21, message: /^Deployment external-dns runs ExternalDNS, which exchanges its own ServiceAccount's token for ConfigMap wi-config, but/, related: [{ file: 'cm.yaml', line: 4 }], suggestions: [{ title: 'Add azure.workload.identity/use: "true" to the pod template', output: dns('        - name: cfg\n          configMap:\n            name: wi-config\n').replace('    spec:\n      containers', '    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n    spec:\n      containers') }] }],
      output: dns('        - name: cfg\n          configMap:\n            name: wi-config\n').replace('    spec:\n      containers', '    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n    spec:\n      containers'),
    },
  ],
});

runRuleTests(consumerControllerIdentity, {
  valid: [
    {
      name: "the operator's ServiceAccount has a client ID: missing-use-label's finding, not a second one",
      code: operator(),
      files: { 'ta.yaml': triggerAuth(), 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: keda-operator\n  namespace: keda\n  annotations:\n    azure.workload.identity/client-id: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n' },
    },
  ],
  invalid: [],
});

/** kubernetes-sigs/external-dns's Azure tutorial: azure.json in Secret azure-config-file, mounted at /etc/kubernetes with `extraVolumes`. */
const DNS_VOLUMES = '    extraVolumes:\n      - name: azure-config-file\n        secret:\n          secretName: azure-config-file\n    extraVolumeMounts:\n      - name: azure-config-file\n        mountPath: /etc/kubernetes\n        readOnly: true\n';
const azureJsonSecret = (wi: boolean) => `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
  namespace: external-dns
stringData:
  azure.json: '{"tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "resourceGroup": "rg-dns", ${wi ? '"useWorkloadIdentityExtension": true' : '"aadClientId": "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f", "aadClientSecret": "x"'}}'
`;

const release = (chart: string, values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${chart}
  namespace: flux-system
spec:
  interval: 1h
  targetNamespace: ${chart}
  chart:
    spec:
      chart: ${chart}
      version: "2.16.0"
      sourceRef:
        kind: HelmRepository
        name: ${chart}
${values}`;

runRuleTests(consumerControllerIdentity, {
  valid: [
    { name: 'KEDA chart with the Workload Identity values', code: release('keda', '  values:\n    podIdentity:\n      azureWorkload:\n        enabled: true\n        clientId: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'values from a ConfigMap: unknown', code: release('keda', '  valuesFrom:\n    - kind: ConfigMap\n      name: keda-values\n'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'no consumer asks for Workload Identity', code: release('keda', '  values:\n    resources: {}\n') },
    { name: 'another chart', code: release('podinfo', '  values: {}\n'), files: { 'ta.yaml': triggerAuth() } },
    { name: 'External Secrets chart with the pod label', code: release('external-secrets', '  values:\n    podLabels:\n      azure.workload.identity/use: "true"\n'), files: { 'store.yaml': eso() } },
    { name: 'ExternalDNS chart with the pod label, mounting a Workload Identity azure.json', code: release('external-dns', `  values:\n    podLabels:\n      azure.workload.identity/use: "true"\n${DNS_VOLUMES}`), files: { 'azure.yaml': azureJsonSecret(true) } },
    { name: 'ExternalDNS chart mounting a service principal azure.json: no label needed', code: release('external-dns', `  values:\n${DNS_VOLUMES}`), files: { 'azure.yaml': azureJsonSecret(false) } },
    { name: "ExternalDNS chart mounting no azure.json: another Secret's Workload Identity is not its", code: release('external-dns', '  values:\n    provider: {name: azure}\n'), files: { 'azure.yaml': azureJsonSecret(true) } },
  ],
  invalid: [
    {
      name: 'KEDA chart without podIdentity.azureWorkload.enabled',
      code: release('keda', '  values:\n    podIdentity:\n      azureWorkload:\n        enabled: false\n'),
      files: { 'ta.yaml': triggerAuth() },
      errors: [{ line: 16, column: 3, endColumn: 9, severity: 'warning', message: "HelmRelease keda installs the keda chart without podIdentity.azureWorkload.enabled: true in its values, so the KEDA operator's pod gets no azure.workload.identity/use label; it exchanges its own ServiceAccount's token for TriggerAuthentication queue-auth, which fails without it.", related: [{ file: 'ta.yaml', line: 4 }] }],
    },
    {
      name: 'External Secrets chart without values at all: on the chart name',
      code: release('external-secrets', ''),
      files: { 'store.yaml': eso() },
      errors: [{ line: 11, column: 14, endColumn: 30, message: /^HelmRelease external-secrets installs the external-secrets chart without podLabels: \{azure.workload.identity\/use: "true"\} in its values/, related: [{ file: 'store.yaml', line: 4 }] }],
    },
    {
      name: 'ExternalDNS chart whose extraVolumes mount a Workload Identity azure.json, without the pod label',
      code: release('external-dns', `  values:\n    provider: {name: azure}\n${DNS_VOLUMES}`),
      files: { 'azure.yaml': azureJsonSecret(true) },
      errors: [{ line: 16, column: 3, endColumn: 9, message: /^HelmRelease external-dns installs the external-dns chart without podLabels: \{azure.workload.identity\/use: "true"\} in its values, so ExternalDNS's pod gets no azure.workload.identity\/use label; it exchanges its own ServiceAccount's token for Secret azure-config-file/, related: [{ file: 'azure.yaml', line: 4 }] }],
    },
  ],
});
