import { runRuleTests } from '../rule-tester';
import { fluxObjectLevelIdentity } from '../../../src/rules/flux-object-level-identity';

const repo = (extra = '  serviceAccountName: puller\n', kind = 'OCIRepository') => `apiVersion: source.toolkit.fluxcd.io/v1
kind: ${kind}
metadata:
  name: app
  namespace: apps
spec:
  url: oci://contoso.azurecr.io/manifests/app
  provider: azure
${extra}`;

const sa = (annotations: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: puller
  namespace: apps
${annotations}`;
const BOTH = '  annotations:\n    azure.workload.identity/client-id: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n    azure.workload.identity/tenant-id: "72f988bf-86f1-41af-91ab-2d7cd011db47"\n';
const CLIENT_ONLY = '  annotations:\n    azure.workload.identity/client-id: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n';

const sourceController = (args: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: source-controller
  namespace: flux-system
spec:
  template:
    spec:
      serviceAccountName: source-controller
      containers:
        - name: manager
          image: ghcr.io/fluxcd/source-controller:v1.6.0
          args:
${args}`;
const GATE_ON = '            - --watch-all-namespaces=true\n            - --feature-gates=ObjectLevelWorkloadIdentity=true\n';
const GATE_OFF = '            - --watch-all-namespaces=true\n            - --log-level=info\n';

runRuleTests(fluxObjectLevelIdentity, {
  valid: [
    { name: 'controller level (no serviceAccountName)', code: repo(''), files: { 'ctrl.yaml': sourceController(GATE_OFF) } },
    { name: 'the gate on, both annotations', code: repo(), files: { 'ctrl.yaml': sourceController(GATE_ON), 'sa.yaml': sa(BOTH) } },
    { name: 'the gate among others', code: repo(), files: { 'ctrl.yaml': sourceController('            - --feature-gates=CacheSecretsAndConfigMaps=true,ObjectLevelWorkloadIdentity=true\n') } },
    { name: 'nothing of the controller or the ServiceAccount in the workspace', code: repo() },
    { name: 'another provider', code: repo('  serviceAccountName: puller\n').replace('provider: azure', 'provider: aws'), files: { 'ctrl.yaml': sourceController(GATE_OFF) } },
    { name: 'args from a Helm value', code: repo(), files: { 'ctrl.yaml': sourceController('            - "{{ .Values.gates }}"\n') } },
    { name: 'an ImageRepository is the image-reflector-controller\'s', code: repo('  serviceAccountName: puller\n', 'ImageRepository').replace('source.toolkit', 'image.toolkit').replace('/v1\n', '/v1beta2\n'), files: { 'ctrl.yaml': sourceController(GATE_OFF) } },
  ],
  invalid: [
    {
      name: 'the controller runs without the gate',
      code: repo(),
      files: { 'ctrl.yaml': sourceController(GATE_OFF), 'sa.yaml': sa(BOTH) },
      errors: [{ line: 9, column: 3, endColumn: 21, severity: 'error', message: 'OCIRepository app asks for object-level Workload Identity (serviceAccountName puller), but Flux\'s source-controller in this workspace runs without --feature-gates=ObjectLevelWorkloadIdentity=true: it fails the object with "ObjectLevelWorkloadIdentity feature gate is not enabled". Add the gate to the controller\'s args (Flux 2.6+), or remove serviceAccountName to use the controller\'s own identity.', related: [{ file: 'ctrl.yaml', line: 4 }] }],
    },
    {
      name: 'the ServiceAccount has the client ID but no tenant ID',
      code: repo(),
      files: { 'sa.yaml': sa(CLIENT_ONLY) },
      errors: [{ line: 9, column: 23, endColumn: 29, message: 'OCIRepository app authenticates as ServiceAccount puller (namespace apps), which has no azure.workload.identity/tenant-id annotation: Flux reads both from it and fails with "azure tenant ID is not set in the service account annotation azure.workload.identity/tenant-id".', related: [{ file: 'sa.yaml', line: 4 }] }],
    },
    {
      name: 'neither annotation',
      code: repo(),
      files: { 'sa.yaml': sa('') },
      errors: [{ line: 9, column: 23, endColumn: 29, message: /which has no azure.workload.identity\/client-id and no azure.workload.identity\/tenant-id annotation/, related: [{ file: 'sa.yaml', line: 4 }] }],
    },
  ],
});
