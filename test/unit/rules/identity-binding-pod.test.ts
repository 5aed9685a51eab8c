import { runRuleTests } from '../rule-tester';
import { identityBindingPod } from '../../../src/rules/identity-binding-pod';

const CLIENT = '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f';
const OTHER = '0b9a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const deploy = (value: string, label = true) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  template:
    metadata:
${label ? '      labels:\n        azure.workload.identity/use: "true"\n' : ''}      annotations:
        azure.workload.identity/use-identity-binding: ${value}
    spec:
      serviceAccountName: api-sa
      containers: []
`;
const sa = (tenant = true, client = CLIENT) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: payments
  annotations:
    azure.workload.identity/client-id: "${client}"
${tenant ? '    azure.workload.identity/tenant-id: "72f988bf-86f1-41af-91ab-2d7cd011db47"\n' : ''}`;
const role = (client: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: use-mi-${client}
rules:
  - verbs: ["use-managed-identity"]
    apiGroups: ["cid.wi.aks.azure.com"]
    resources: ["${client}"]
`;
const binding = (client: string, subject: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: use-mi-${client}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-mi-${client}}
subjects:
${subject}`;
const SA_SUBJECT = '  - kind: ServiceAccount\n    name: api-sa\n    namespace: payments\n';

runRuleTests(identityBindingPod, {
  valid: [
    { name: "Microsoft's docs: annotation, label, client and tenant IDs, ClusterRole bound to the ServiceAccount", code: deploy('"true"'), files: { 'sa.yaml': sa(), 'role.yaml': role(CLIENT), 'crb.yaml': binding(CLIENT, SA_SUBJECT) } },
    { name: 'the value in another case ("True": the webhook compares ignoring case)', code: deploy('"True"'), files: { 'sa.yaml': sa(), 'role.yaml': role(CLIENT), 'crb.yaml': binding(CLIENT, SA_SUBJECT) } },
    { name: 'bound through the group of every ServiceAccount of the namespace', code: deploy('"true"'), files: { 'sa.yaml': sa(), 'role.yaml': role(CLIENT), 'crb.yaml': binding(CLIENT, '  - kind: Group\n    name: system:serviceaccounts:payments\n    apiGroup: rbac.authorization.k8s.io\n') } },
    { name: '"false": a deliberate opt-out', code: deploy('"false"'), files: { 'sa.yaml': sa() } },
    { name: 'no annotation', code: deploy('"true"').replace('      annotations:\n        azure.workload.identity/use-identity-binding: "true"\n', ''), files: { 'sa.yaml': sa() } },
    { name: 'no label, but the ServiceAccount has a client ID: missing-use-label says it, not this rule twice', code: deploy('"true"', false), files: { 'sa.yaml': sa(), 'role.yaml': role(CLIENT), 'crb.yaml': binding(CLIENT, SA_SUBJECT) } },
  ],
  invalid: [
    {
      name: 'a value the webhook ignores',
      code: deploy('"yes"'),
      files: { 'sa.yaml': sa() },
      errors: [{ line: 12, column: 55, message: /^The azure\.workload\.identity\/use-identity-binding annotation on the pod template of Deployment "api" is "yes": the webhook compares it with "true"/, suggestions: [{ title: 'Set it to "true"', output: deploy('"true"') }] }],
      output: null,
    },
    {
      name: 'an unquoted true: the API server refuses a boolean annotation (a certain fix)',
      code: deploy('true'),
      files: { 'sa.yaml': sa() },
      errors: [{ line: 12, column: 55, severity: 'error', message: /is the YAML boolean true: annotation values are strings/, suggestions: [{ title: 'Set it to "true"', output: deploy('"true"') }] }],
      output: deploy('"true"'),
    },
    {
      name: 'no label and no ServiceAccount in sight: the webhook never sees the pods',
      code: deploy('"true"', false),
      errors: [{ line: 10, column: 9, severity: 'error', message: /asks for an identity binding \(azure\.workload\.identity\/use-identity-binding\), but has no azure\.workload\.identity\/use label/, suggestions: [{ title: 'Add azure.workload.identity/use: "true" to the pod template', output: deploy('"true"', false).replace('"true"\n    spec:', '"true"\n      labels:\n        azure.workload.identity/use: "true"\n    spec:') }] }],
      output: null,
    },
    {
      name: 'no tenant-id on the ServiceAccount (info), and no ClusterRole in the workspace (info: the cluster may have it)',
      code: deploy('"true"'),
      files: { 'sa.yaml': sa(false) },
      errors: [
        { line: 12, column: 9, severity: 'info', message: /^ServiceAccount "api-sa" has no azure\.workload\.identity\/tenant-id annotation/, related: [{ file: 'sa.yaml', line: 4 }] },
        { line: 12, column: 9, severity: 'info', message: /^No ClusterRole of this workspace lets ServiceAccount payments\/api-sa use-managed-identity on 6f1c7d2a/ },
      ],
      output: null,
    },
    {
      name: "the workspace's ClusterRoles are for another identity",
      code: deploy('"true"'),
      files: { 'sa.yaml': sa(), 'role.yaml': role(OTHER), 'crb.yaml': binding(OTHER, SA_SUBJECT) },
      errors: [{ line: 12, column: 9, message: /^No ClusterRole of this workspace grants use-managed-identity on 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f/, related: [{ file: 'role.yaml', line: 4 }] }],
      output: null,
    },
    {
      name: 'the ClusterRole is there, bound to another ServiceAccount',
      code: deploy('"true"'),
      files: { 'sa.yaml': sa(), 'role.yaml': role(CLIENT), 'crb.yaml': binding(CLIENT, '  - kind: ServiceAccount\n    name: reports-sa\n    namespace: payments\n') },
      errors: [{ line: 12, column: 9, message: /^ClusterRole "use-mi-6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f" grants use-managed-identity on 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f, but no ClusterRoleBinding of this workspace binds it to ServiceAccount payments\/api-sa/, related: [{ file: 'role.yaml', line: 4 }] }],
      output: null,
    },
  ],
});
