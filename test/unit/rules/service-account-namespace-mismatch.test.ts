import { runRuleTests } from '../rule-tester';
import { serviceAccountNamespaceMismatch } from '../../../src/rules/service-account-namespace-mismatch';

const sa = (ns: string | undefined, name = 'api-sa') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
${ns === undefined ? '' : `  namespace: ${ns}\n`}`;

const deploy = (ns: string | undefined, saName = 'api-sa') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
${ns === undefined ? '' : `  namespace: ${ns} # team namespace\n`}  labels:
    app: api
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: ${saName}
      containers: []
`;

runRuleTests(serviceAccountNamespaceMismatch, {
  valid: [
    { name: 'same namespace', code: deploy('prod'), files: { 'sa.yaml': sa('prod') } },
    { name: 'also present in the right namespace', code: deploy('prod'), files: { 'sa.yaml': sa('staging') + '---\n' + sa('prod') } },
    { name: 'both namespaces implicit', code: deploy(undefined), files: { 'sa.yaml': sa(undefined) } },
    { name: 'ServiceAccount not in the workspace at all', code: deploy('prod') },
    { name: 'default always exists', code: deploy('prod', 'default'), files: { 'sa.yaml': sa('staging', 'default') } },
    { name: 'placeholder ServiceAccount name', code: deploy('prod', '"${SA_NAME}"'), files: { 'sa.yaml': sa('staging', '"${SA_NAME}"') } },
    { name: 'Helm-templated namespace', code: deploy('{{ .Release.Namespace }}'), files: { 'sa.yaml': sa('staging') } },
  ],
  invalid: [
    {
      name: 'cross-file: both explicit, namespace replaced keeping the comment',
      code: deploy('prod'),
      files: { 'sa.yaml': sa('staging') },
      errors: [{
        line: 14,
        column: 27,
        endColumn: 33,
        severity: 'error',
        message: "Deployment api in namespace prod runs as ServiceAccount api-sa, which the workspace defines only in namespace staging; the ServiceAccount must exist in the pod's own namespace, or the pod is rejected.",
        related: [{ file: 'sa.yaml', line: 4 }],
        suggestions: [{ title: 'Set metadata.namespace of this Deployment to staging', output: deploy('staging') }],
      }],
      output: null,
    },
    {
      name: 'workload namespace implicit: warning; namespace inserted into metadata; two candidate namespaces',
      code: deploy(undefined),
      files: { 'a.yaml': sa('team-b'), 'b.yaml': sa('team-a') },
      errors: [{
        line: 13,
        column: 27,
        severity: 'warning',
        message: "Deployment api in namespace default (no metadata.namespace) runs as ServiceAccount api-sa, which the workspace defines only in namespaces team-a and team-b; the ServiceAccount must exist in the pod's own namespace, or the pod is rejected.",
        related: [{ file: 'a.yaml', line: 4 }, { file: 'b.yaml', line: 4 }],
        suggestions: [
          {
            title: 'Set metadata.namespace of this Deployment to team-a',
            output: deploy(undefined).replace('    app: api\n', '    app: api\n  namespace: team-a\n'),
          },
          {
            title: 'Set metadata.namespace of this Deployment to team-b',
            output: deploy(undefined).replace('    app: api\n', '    app: api\n  namespace: team-b\n'),
          },
        ],
      }],
    },
    {
      name: 'ServiceAccount namespace implicit: warning',
      code: deploy('prod'),
      files: { 'sa.yaml': sa(undefined) },
      errors: [{ line: 14, column: 27, severity: 'warning', message: /defines only in namespace default;/, suggestions: [{ title: 'Set metadata.namespace of this Deployment to default', output: deploy('default') }] }],
    },
    {
      name: 'CronJob with the deprecated serviceAccount field, quoted namespace kept quoted',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: "prod"
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: batch
          containers: []
`,
      files: { 'sa.yaml': sa('jobs', 'batch') },
      errors: [{
        line: 12,
        column: 27,
        message: /^CronJob nightly in namespace prod runs as ServiceAccount batch,/,
        suggestions: [{
          title: 'Set metadata.namespace of this CronJob to jobs',
          output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: "jobs"
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: batch
          containers: []
`,
        }],
      }],
    },
    {
      name: 'Pod with flow-style metadata',
      code: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec: {serviceAccountName: api-sa, containers: []}
`,
      files: { 'sa.yaml': sa('staging') },
      errors: [{
        line: 4,
        column: 28,
        message: /^Pod p in namespace prod runs as ServiceAccount api-sa/,
        suggestions: [{ title: 'Set metadata.namespace of this Pod to staging', output: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: staging}\nspec: {serviceAccountName: api-sa, containers: []}\n' }],
      }],
    },
    {
      name: 'kind: List with both objects, flow metadata without namespace',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: worker, namespace: jobs}
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate}
    spec:
      template:
        spec:
          serviceAccountName: worker
          containers: []
`,
      errors: [{
        line: 13,
        column: 31,
        severity: 'warning',
        message: "Job migrate in namespace default (no metadata.namespace) runs as ServiceAccount worker, which the workspace defines only in namespace jobs; the ServiceAccount must exist in the pod's own namespace, or the pod is rejected.",
        related: [{ file: 'test.yaml', line: 6 }],
        suggestions: [{
          title: 'Set metadata.namespace of this Job to jobs',
          output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: worker, namespace: jobs}
  - apiVersion: batch/v1
    kind: Job
    metadata: {name: migrate, namespace: jobs}
    spec:
      template:
        spec:
          serviceAccountName: worker
          containers: []
`,
        }],
      }],
    },
  ],
});

// Kustomize and project roots (issue 13).
runRuleTests(serviceAccountNamespaceMismatch, {
  valid: [
    {
      name: "the kustomization's namespace puts the workload with its ServiceAccount",
      code: deploy('prod'),
      files: { 'app/kustomization.yaml': 'namespace: staging\nresources: [../test.yaml, sa.yaml]\n', 'app/sa.yaml': sa('other') },
    },
    {
      name: 'another app deploys a ServiceAccount of this name to this namespace',
      code: deploy('prod'),
      files: { 'other/kustomization.yaml': 'resources: [sa.yaml]\n', 'other/sa.yaml': sa('prod') },
    },
  ],
  invalid: [
    {
      name: 'namespace set by the kustomization: said so, and no fix that edits metadata.namespace',
      code: deploy('prod'),
      files: { 'app/kustomization.yaml': 'namespace: team\nresources: [../test.yaml]\n', 'app/extra-sa.yaml': sa('other') },
      errors: [{
        line: 14,
        column: 27,
        severity: 'error',
        message: 'Deployment api in namespace team (set by kustomization app) runs as ServiceAccount api-sa, which the workspace defines only in namespace other; the ServiceAccount must exist in the pod\'s own namespace, or the pod is rejected.',
        related: [{ file: 'app/extra-sa.yaml', line: 4 }],
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'only another app defines it, in another namespace: an info',
      code: deploy('prod'),
      files: { 'other/kustomization.yaml': 'resources: [sa.yaml]\n', 'other/sa.yaml': sa('staging') },
      errors: [{
        line: 14,
        column: 27,
        severity: 'info',
        message: /which is defined only in another project \(kustomization other\), in namespace staging;/,
        related: [{ file: 'other/sa.yaml', line: 4 }],
        suggestions: [{ title: 'Set metadata.namespace of this Deployment to staging', output: deploy('staging') }],
      }],
      output: null,
    },
  ],
});
