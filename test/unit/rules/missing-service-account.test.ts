import { runRuleTests } from '../rule-tester';
import { missingServiceAccount } from '../../../src/rules/missing-service-account';

const sa = (name: string, ns = 'prod', annotations = '\n  annotations:\n    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}${annotations}
`;

const deploy = (spec: string, label = '"true"') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        app: api
        azure.workload.identity/use: ${label}
    spec:
${spec}`;

// What the rule says of a Deployment api in namespace prod without a serviceAccountName.
const NO_SERVICE_ACCOUNT = 'Deployment api asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default (namespace prod), which has no azure.workload.identity/client-id annotation in this workspace.';

const containers = '      containers:\n        - name: api\n          image: api:1\n';

runRuleTests(missingServiceAccount, {
  valid: [
    deploy('      serviceAccountName: api-sa\n' + containers),
    deploy('      serviceAccount: api-sa\n' + containers),
    { name: 'no WI label', code: deploy(containers).replace('        azure.workload.identity/use: "true"\n', '') },
    { name: 'explicit opt-out', code: deploy(containers, '"false"') },
    { name: 'the default ServiceAccount carries a client ID: deliberate', code: deploy(containers), files: { 'sa.yaml': sa('default') } },
    {
      name: 'every container hard-codes AZURE_CLIENT_ID',
      code: deploy('      containers:\n        - name: api\n          env:\n            - name: AZURE_CLIENT_ID\n              value: "00000000-0000-0000-0000-000000000009"\n'),
    },
    // `serviceAccountName: 42` is a schema error the API server rejects, not a missing name.
    { name: 'a serviceAccountName that is not a string is not this rule\'s to report', code: deploy('      serviceAccountName: 42\n' + containers) },
  ],
  invalid: [
    {
      name: 'no ServiceAccount anywhere: no fix',
      code: deploy(containers),
      errors: [{
        line: 11,
        column: 9,
        endColumn: 36,
        severity: 'warning',
        message: 'Deployment api asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default (namespace prod), which has no azure.workload.identity/client-id annotation in this workspace.',
        related: [],
        suggestions: [],
      }],
      output: null,
    },
    {
      // Kubernetes runs a pod with an empty serviceAccountName as `default`, as with none.
      name: 'an empty serviceAccountName is no name',
      code: deploy('      serviceAccountName: ""\n' + containers),
      errors: [{
        line: 11,
        column: 9,
        severity: 'warning',
        message: 'Deployment api asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default (namespace prod), which has no azure.workload.identity/client-id annotation in this workspace.',
      }],
      output: null,
    },
    {
      // The fix fills the empty name in; a second serviceAccountName key would be a duplicate key.
      name: 'an empty serviceAccountName is filled in by the fix, never written twice',
      code: deploy('      serviceAccountName:\n' + containers),
      files: { 'sas.yaml': sa('api-sa') },
      errors: [{
        line: 11,
        column: 9,
        message: NO_SERVICE_ACCOUNT,
        suggestions: [{ title: 'Run as ServiceAccount api-sa', output: deploy('      serviceAccountName: api-sa\n' + containers) }],
      }],
      output: null,
    },
    {
      name: 'cross-file: one suggestion per annotated ServiceAccount of the namespace, sorted',
      code: deploy(containers, 'true'),
      files: {
        'sas.yaml': [sa('worker'), sa('api-sa'), sa('other-ns', 'staging'), sa('plain', 'prod', ''), sa('default', 'prod', '')].join('---\n'),
      },
      errors: [{
        line: 11,
        column: 9,
        message: NO_SERVICE_ACCOUNT,
        related: [{ file: 'sas.yaml', line: 34 }],
        suggestions: [
          { title: 'Run as ServiceAccount api-sa', output: deploy('      serviceAccountName: api-sa\n' + containers, 'true') },
          { title: 'Run as ServiceAccount worker', output: deploy('      serviceAccountName: worker\n' + containers, 'true') },
        ],
      }],
      output: null,
    },
    {
      name: 'CronJob',
      code: `apiVersion: batch/v1
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
          labels:
            azure.workload.identity/use: "true"
        spec:
          # runs nightly
          restartPolicy: Never
          containers: []
`,
      files: { 'sa.yaml': sa('batch') },
      errors: [{
        line: 13,
        column: 13,
        message: /^CronJob nightly asks for Workload Identity/,
        suggestions: [{
          title: 'Run as ServiceAccount batch',
          output: `apiVersion: batch/v1
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
          labels:
            azure.workload.identity/use: "true"
        spec:
          # runs nightly
          serviceAccountName: batch
          restartPolicy: Never
          containers: []
`,
        }],
      }],
    },
    {
      name: 'Pod with flow-style labels and spec; a ServiceAccount name YAML would read as a number is quoted',
      code: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod, labels: {azure.workload.identity/use: "true"}}
spec: {containers: []}
`,
      files: { 'sa.yaml': sa('"123"') },
      errors: [{
        line: 3,
        column: 47,
        message: /^Pod p asks for Workload Identity/,
        suggestions: [{
          title: 'Run as ServiceAccount 123',
          output: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod, labels: {azure.workload.identity/use: "true"}}
spec: {containers: [], serviceAccountName: "123"}
`,
        }],
      }],
    },
    {
      name: 'kind: List, implicit namespace default',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: app
      annotations:
        azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000004"
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          containers: []
`,
      errors: [{
        line: 18,
        column: 13,
        message: /^Job migrate asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default \(namespace default\)/,
        suggestions: [{
          title: 'Run as ServiceAccount app',
          output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: app
      annotations:
        azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000004"
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: app
          containers: []
`,
        }],
      }],
    },
    {
      name: 'no pod spec map: finding without a fix',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
`,
      files: { 'sa.yaml': sa('api-sa') },
      errors: [{ line: 10, column: 9, message: NO_SERVICE_ACCOUNT, suggestions: [] }],
    },
  ],
});

// Kustomize (issue 13): a strategic-merge patch is never judged as a whole workload.
const LABEL_PATCH = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n';

runRuleTests(missingServiceAccount, {
  valid: [
    { name: 'a label-only patch whose base is not in the workspace', code: LABEL_PATCH, files: { 'kustomization.yaml': 'resources: [https://github.com/contoso/base?ref=v1]\npatches:\n  - path: test.yaml\n' } },
    {
      name: 'a label-only patch whose base names its ServiceAccount',
      code: LABEL_PATCH,
      files: { 'kustomization.yaml': 'resources: [base/deploy.yaml]\npatchesStrategicMerge: [test.yaml]\n', 'base/deploy.yaml': deploy('      serviceAccountName: api-sa\n' + containers, '"true"').replace('        azure.workload.identity/use: "true"\n', '') },
    },
  ],
  invalid: [
    {
      name: 'the base names no ServiceAccount and the patch adds the label: on the base, without fixes',
      code: deploy(containers).replace('        azure.workload.identity/use: "true"\n', ''),
      files: { 'app/kustomization.yaml': 'resources: [../test.yaml, sa.yaml]\npatches:\n  - path: wi.yaml\n', 'app/wi.yaml': LABEL_PATCH, 'app/sa.yaml': sa('api-sa') },
      errors: [{
        line: 4,
        column: 9,
        severity: 'warning',
        message: 'Deployment api (as built by kustomization app) asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default (namespace prod), which has no azure.workload.identity/client-id annotation in this workspace.',
        suggestions: [],
      }],
      output: null,
    },
  ],
});
