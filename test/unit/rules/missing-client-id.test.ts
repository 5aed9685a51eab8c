import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintTexts, RuleSet } from '../../../src/lint/engine';
import { WorkspaceIndex } from '../../../src/manifests/workspace-index';
import { runRuleTests } from '../rule-tester';
import { missingClientId } from '../../../src/rules/missing-client-id';

const deploy = (label = '"true"', sa = 'api-sa', extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: ${label}
    spec:
      serviceAccountName: ${sa}
      containers:
        - name: api
          image: api:1${extra}
`;

const sa = (rest = '') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa # the app's identity
  namespace: prod${rest}
`;

runRuleTests(missingClientId, {
  valid: [
    { name: 'client-id present', code: sa('\n  annotations:\n    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"'), files: { 'deploy.yaml': deploy() } },
    { name: 'client-id key present but empty: another rule\'s business', code: sa('\n  annotations:\n    azure.workload.identity/client-id: ""'), files: { 'deploy.yaml': deploy() } },
    { name: 'no workload runs as it', code: sa() },
    { name: 'the workload does not ask for WI', code: sa(), files: { 'deploy.yaml': deploy('"true"').replace('        azure.workload.identity/use: "true"\n', '        app: api\n') } },
    { name: 'the workload opts out', code: sa(), files: { 'deploy.yaml': deploy('"false"') } },
    { name: 'the workload is in another namespace', code: sa(), files: { 'deploy.yaml': deploy().replace('namespace: prod', 'namespace: staging') } },
    {
      name: 'every container hard-codes AZURE_CLIENT_ID, which wins over the annotation',
      code: sa(),
      files: { 'deploy.yaml': deploy('"true"', 'api-sa', '\n          env:\n            - name: AZURE_CLIENT_ID\n              value: "00000000-0000-0000-0000-000000000002"') },
    },
  ],
  invalid: [
    {
      name: 'cross-file: annotations created, comment kept',
      code: sa(),
      files: { 'deploy.yaml': deploy() },
      errors: [{
        line: 4,
        column: 9,
        endColumn: 15,
        severity: 'error',
        message: 'ServiceAccount api-sa has no azure.workload.identity/client-id annotation, but Deployment api runs as it with the azure.workload.identity/use label, so the webhook gives its pods no AZURE_CLIENT_ID.',
        related: [{ file: 'deploy.yaml', line: 12 }],
        suggestions: [{ title: 'Add the azure.workload.identity/client-id annotation', output: sa('\n  annotations:\n    azure.workload.identity/client-id: "<managed-identity-client-id>"') }],
      }],
      output: null,
    },
    {
      name: 'existing annotations: appended; two workloads, one a CronJob running as it implicitly via serviceAccount',
      code: sa('\n  annotations:\n    team: data'),
      files: {
        'deploy.yaml': deploy('true'),
        'cron.yaml': `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: prod
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          serviceAccount: api-sa
          containers: []
`,
      },
      errors: [{
        line: 4,
        column: 9,
        message: /but (Deployment api and CronJob nightly|CronJob nightly and Deployment api) run as it with the azure\.workload\.identity\/use label, so the webhook gives their pods no AZURE_CLIENT_ID\.$/,
        suggestions: [{ title: /client-id annotation$/, output: sa('\n  annotations:\n    team: data\n    azure.workload.identity/client-id: "<managed-identity-client-id>"') }],
      }],
    },
    {
      name: 'the default ServiceAccount, a Pod naming none; flow-style metadata keeps single quotes',
      code: `apiVersion: v1
kind: ServiceAccount
metadata: {name: default, labels: {app: 'x'}}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: 'true'
spec:
  containers: []
`,
      errors: [{
        line: 3,
        column: 18,
        message: /^ServiceAccount default has no .* but Pod p runs as it/,
        related: [{ file: 'test.yaml', line: 8 }],
        suggestions: [{
          title: /client-id annotation$/,
          output: `apiVersion: v1
kind: ServiceAccount
metadata: {name: default, labels: {app: 'x'}, annotations: {azure.workload.identity/client-id: '<managed-identity-client-id>'}}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: 'true'
spec:
  containers: []
`,
        }],
      }],
    },
    {
      name: 'kind: List; `annotations:` left empty is filled in',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: worker
      annotations:
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: agent
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: worker
          containers: []
`,
      errors: [{
        line: 7,
        column: 13,
        message: 'ServiceAccount worker has no azure.workload.identity/client-id annotation, but DaemonSet agent runs as it with the azure.workload.identity/use label, so the webhook gives its pods no AZURE_CLIENT_ID.',
        related: [{ file: 'test.yaml', line: 19 }],
        suggestions: [{
          title: /client-id annotation$/,
          output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: worker
      annotations:
        azure.workload.identity/client-id: "<managed-identity-client-id>"
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: agent
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: worker
          containers: []
`,
        }],
      }],
    },
    {
      name: 'Helm-templated ServiceAccount: info only (annotations may come from values)',
      code: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: prod
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
`,
      files: { 'deploy.yaml': deploy() },
      errors: [{
        line: 4, column: 9, severity: 'info',
        message: "ServiceAccount api-sa has no azure.workload.identity/client-id annotation that the linter can see (the chart's values may add one), but Deployment api runs as it with the azure.workload.identity/use label, so the webhook gives its pods no AZURE_CLIENT_ID.",
        // The annotations render only when the values have some: an annotation added inside that block
        // would be missing exactly when this finding applies, so there is no text fix.
        suggestions: [],
      }],
    },
  ],
});

test('missing-client-id: the fix carries a snippet with the client ID as tab stop 1', () => {
  const rules = new RuleSet([missingClientId]);
  const run = (text: string) => lintTexts([{ file: 'deploy.yaml', text: deploy() }, { file: 'sa.yaml', text }], new WorkspaceIndex(), rules).get('sa.yaml')![0].fixes[0].edits;
  const block = run(sa());
  assert.equal(block.length, 1);
  assert.equal(block[0].newText, '  annotations:\n    azure.workload.identity/client-id: "<managed-identity-client-id>"\n');
  assert.equal(block[0].snippet, '  annotations:\n    azure.workload.identity/client-id: "${1:<managed-identity-client-id>}"\n');
  const flow = run('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api-sa, namespace: prod}\n');
  assert.equal(flow[0].newText, ', annotations: {azure.workload.identity/client-id: "<managed-identity-client-id>"}');
  assert.equal(flow[0].snippet, ', annotations: {azure.workload.identity/client-id: "${1:<managed-identity-client-id>}"\\}');
});

// Kustomize and project roots (issue 13).
const APP = (extra = '') => `namespace: team\nresources: [../test.yaml, deploy.yaml]\n${extra}`;

runRuleTests(missingClientId, {
  valid: [
    {
      name: 'a patch of the overlay adds the client ID',
      code: sa(),
      files: {
        'app/kustomization.yaml': APP('patches:\n  - path: client-id.yaml\n'),
        'app/deploy.yaml': deploy(),
        'app/client-id.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n',
      },
    },
    {
      name: 'a workload of another app runs as its own same-named ServiceAccount',
      code: sa(),
      files: { 'other/kustomization.yaml': 'resources: [deploy.yaml, sa.yaml]\n', 'other/deploy.yaml': deploy(), 'other/sa.yaml': sa('\n  annotations:\n    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"') },
    },
  ],
  invalid: [
    {
      name: 'the kustomization puts both in one namespace (the ServiceAccount says prod, the Deployment nothing)',
      code: sa(),
      files: { 'app/kustomization.yaml': APP(), 'app/deploy.yaml': deploy().replace('  namespace: prod\n', '') },
      errors: [{
        line: 4,
        column: 9,
        severity: 'error',
        message: 'ServiceAccount api-sa (as built by kustomization app) has no azure.workload.identity/client-id annotation, but Deployment api runs as it with the azure.workload.identity/use label, so the webhook gives its pods no AZURE_CLIENT_ID.',
        related: [{ file: 'app/deploy.yaml', line: 11 }],
        suggestions: [{ title: 'Add the azure.workload.identity/client-id annotation', output: sa('\n  annotations:\n    azure.workload.identity/client-id: "<managed-identity-client-id>"') }],
      }],
      output: null,
    },
    {
      name: "only another app's workload runs as a ServiceAccount of this name: an info",
      code: sa(),
      files: { 'other/kustomization.yaml': 'resources: [deploy.yaml]\n', 'other/deploy.yaml': deploy() },
      errors: [{
        line: 4,
        column: 9,
        severity: 'info',
        message: /^ServiceAccount api-sa has no .*, but Deployment api, in another project \(kustomization other\), runs as it/,
        related: [{ file: 'other/deploy.yaml', line: 12 }],
        suggestions: [{ title: 'Add the azure.workload.identity/client-id annotation', output: sa('\n  annotations:\n    azure.workload.identity/client-id: "<managed-identity-client-id>"') }],
      }],
      output: null,
    },
  ],
});

// The identity graph: a controller whose every consumer names its own client ID needs no annotation.
const kedaOperator = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: keda-operator
  namespace: keda
`;
const kedaDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  namespace: keda
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: keda-operator
      containers:
        - name: keda-operator
          image: ghcr.io/kedacore/keda:2.16.0
`;
const ta = (name: string, identity: string) => `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: ${name}
  namespace: app
spec:
  podIdentity:
    provider: azure-workload
${identity}`;

runRuleTests(missingClientId, {
  valid: [
    { name: "every TriggerAuthentication names its identityId: the operator's ServiceAccount needs no client ID", code: kedaOperator, files: { 'op.yaml': kedaDeployment, 'ta.yaml': ta('a', '    identityId: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n') } },
  ],
  invalid: [
    {
      name: "one TriggerAuthentication relies on the operator's own identity",
      code: kedaOperator,
      files: { 'op.yaml': kedaDeployment, 'ta.yaml': ta('a', '    identityId: "6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f"\n') + '---\n' + ta('b', '') },
      errors: [{ line: 4, column: 9, endColumn: 22, message: /^ServiceAccount keda-operator has no azure.workload.identity\/client-id annotation, but Deployment keda-operator runs as it/, related: [{ file: 'op.yaml', line: 12 }], suggestions: [{ title: 'Add the azure.workload.identity/client-id annotation', output: kedaOperator + '  annotations:\n    azure.workload.identity/client-id: "<managed-identity-client-id>"\n' }] }],
      output: null,
    },
  ],
});
