import { runRuleTests } from '../rule-tester';
import { missingUseLabel } from '../../../src/rules/missing-use-label';

const sa = (name = 'api-sa', ns = 'prod', clientId = '"00000000-0000-0000-0000-000000000001"') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    azure.workload.identity/client-id: ${clientId}
`;

const deploy = (labels: string, spec = '      serviceAccountName: api-sa\n') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api${labels}
    spec:
${spec}      containers:
        - name: api
          image: api:1
`;

runRuleTests(missingUseLabel, {
  valid: [
    { name: 'label present', code: deploy('\n        azure.workload.identity/use: "true"'), files: { 'sa.yaml': sa() } },
    { name: 'wrong label value is use-label-value\'s job', code: deploy('\n        azure.workload.identity/use: "True"'), files: { 'sa.yaml': sa() } },
    { name: 'ServiceAccount without client-id', code: deploy(''), files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n  namespace: prod\n' } },
    { name: 'empty client-id', code: deploy(''), files: { 'sa.yaml': sa('api-sa', 'prod', '""') } },
    { name: 'ServiceAccount in another namespace', code: deploy(''), files: { 'sa.yaml': sa('api-sa', 'staging') } },
    { name: 'ServiceAccount not in the workspace', code: deploy('') },
    {
      name: 'label misplaced on the Deployment metadata: the other rule reports it',
      code: deploy('').replace('  namespace: prod\n', '  namespace: prod\n  labels:\n    azure.workload.identity/use: "true"\n'),
      files: { 'sa.yaml': sa() },
    },
    {
      name: 'label misplaced as a pod annotation',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: prod
  annotations:
    azure.workload.identity/use: "true"
spec:
  serviceAccountName: api-sa
  containers: []
`,
      files: { 'sa.yaml': sa() },
    },
  ],
  invalid: [
    {
      name: 'cross-file: Deployment and ServiceAccount in two files',
      code: deploy('  # the pods'),
      files: { 'sa.yaml': sa() },
      errors: [{
        line: 15,
        column: 27,
        endColumn: 33,
        severity: 'warning',
        message: 'Deployment api runs as ServiceAccount api-sa, which has an azure.workload.identity/client-id annotation, but spec.template.metadata.labels has no azure.workload.identity/use: "true" label, so the webhook injects nothing into its pods.',
        related: [{ file: 'sa.yaml', line: 7 }],
        suggestions: [{ title: 'Add azure.workload.identity/use: "true" to spec.template.metadata.labels', output: deploy('  # the pods\n        azure.workload.identity/use: "true"') }],
      }],
      output: null,
    },
    {
      name: 'no serviceAccountName: the default ServiceAccount is annotated; reported at the name',
      code: deploy('', ''),
      files: { 'sa.yaml': sa('default') },
      errors: [{
        line: 4,
        column: 9,
        message: /^Deployment api runs as ServiceAccount default \(no serviceAccountName\), which has/,
        related: [{ file: 'sa.yaml', line: 7 }],
        suggestions: [{ title: /spec\.template\.metadata\.labels$/, output: deploy('\n        azure.workload.identity/use: "true"', '') }],
      }],
      output: null,
    },
    {
      name: 'CronJob without template metadata: metadata.labels created',
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
        spec:
          serviceAccount: api-sa
          restartPolicy: Never
          containers: []
`,
      files: { 'sa.yaml': sa() },
      errors: [{
        line: 12,
        column: 27,
        message: /^CronJob nightly runs as ServiceAccount api-sa, .* but spec\.jobTemplate\.spec\.template\.metadata\.labels has no/,
        suggestions: [{
          title: 'Add azure.workload.identity/use: "true" to spec.jobTemplate.spec.template.metadata.labels',
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
          serviceAccount: api-sa
          restartPolicy: Never
          containers: []
`,
        }],
      }],
      output: null,
    },
    {
      name: 'Pod with flow-style labels, ServiceAccount in the same file',
      code: `apiVersion: v1
kind: ServiceAccount
metadata: {name: worker, annotations: {azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000002"}}
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  labels: {app: worker}
spec:
  serviceAccountName: worker
  containers: []
`,
      errors: [{
        line: 11,
        column: 23,
        message: /^Pod worker runs as ServiceAccount worker, .* but the pod's metadata\.labels has no/,
        related: [{ file: 'test.yaml', line: 3 }],
        suggestions: [{
          title: `Add azure.workload.identity/use: "true" to the pod's metadata.labels`,
          output: `apiVersion: v1
kind: ServiceAccount
metadata: {name: worker, annotations: {azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000002"}}
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  labels: {app: worker, azure.workload.identity/use: "true"}
spec:
  serviceAccountName: worker
  containers: []
`,
        }],
      }],
    },
    {
      name: 'kind: List with the ServiceAccount and a Job',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: migrate
      annotations:
        azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000003"
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        metadata:
          labels:
            app: migrate
        spec:
          serviceAccountName: migrate
          restartPolicy: Never
          containers: []
`,
      errors: [{
        line: 20,
        column: 31,
        message: /^Job migrate runs as ServiceAccount migrate,/,
        related: [{ file: 'test.yaml', line: 9 }],
        suggestions: [{
          title: /^Add /,
          output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: migrate
      annotations:
        azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000003"
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        metadata:
          labels:
            app: migrate
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: migrate
          restartPolicy: Never
          containers: []
`,
        }],
      }],
    },
    {
      name: 'placeholder client-id still counts; Helm-templated workload is info only',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        {{- include "api.selectorLabels" . | nindent 8 }}
        app: api
    spec:
      serviceAccountName: api-sa
      containers: []
`,
      files: { 'sa.yaml': sa('api-sa', 'prod', '"${CLIENT_ID}"') },
      // The labels come from a helper the linter cannot read here (no chart): an info, at serviceAccountName as always.
      errors: [{ line: 13, column: 27, severity: 'info', message: /sees no azure\.workload\.identity\/use label in spec\.template\.metadata\.labels \(\{\{- include "api\.selectorLabels" \. \| nindent 8 \}\} may add one/, suggestions: [{
        title: /^Add /,
        // After the helper's labels: a suggestion only, as the helper may write the label itself.
        output: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        {{- include "api.selectorLabels" . | nindent 8 }}
        app: api
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: api-sa
      containers: []
`,
      }] }],
    },
  ],
});

// Kustomize and project roots (issue 13): the label through a kustomization or a patch, and
// ServiceAccounts of other apps of a monorepo.
const clientSa = (ns = 'prod') => sa('api-sa', ns);
const LABEL_PATCH = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n';

runRuleTests(missingUseLabel, {
  valid: [
    {
      name: 'another app has a same-named ServiceAccount with a client ID; this app has its own without',
      code: deploy(''),
      files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n  namespace: prod\n', 'other/kustomization.yaml': 'resources: [sa.yaml]\n', 'other/sa.yaml': clientSa() },
    },
    {
      name: "the label comes from the kustomization's labels (includeTemplates)",
      code: deploy(''),
      files: { 'app/kustomization.yaml': 'labels:\n  - pairs: {azure.workload.identity/use: "true"}\n    includeTemplates: true\nresources: [../test.yaml, sa.yaml]\n', 'app/sa.yaml': clientSa() },
    },
    {
      name: 'the label comes from a strategic-merge patch of the overlay',
      code: deploy(''),
      files: { 'app/kustomization.yaml': 'resources: [../test.yaml, sa.yaml]\npatches:\n  - path: wi.yaml\n', 'app/wi.yaml': LABEL_PATCH, 'app/sa.yaml': clientSa() },
    },
    {
      name: 'a patch on its own (its base is not in the workspace) is no workload',
      code: LABEL_PATCH.replace('        azure.workload.identity/use: "true"\n', '        team: a\n').replace('spec:\n  template:', 'spec:\n  template:\n    spec:\n      serviceAccountName: api-sa').replace(/\n {4}metadata:\n {6}labels:\n {8}team: a\n$/, '\n'),
      files: { 'kustomization.yaml': 'resources: [https://github.com/contoso/base?ref=v1]\npatches:\n  - path: test.yaml\n', 'sa.yaml': clientSa('default') },
    },
  ],
  invalid: [
    {
      name: 'only another app has the ServiceAccount: an info whose related location says where',
      code: deploy(''),
      files: { 'other/kustomization.yaml': 'resources: [sa.yaml]\n', 'other/sa.yaml': clientSa() },
      errors: [{
        line: 15,
        column: 27,
        severity: 'info',
        message: 'Deployment api runs as ServiceAccount api-sa, which in another project (kustomization other) has an azure.workload.identity/client-id annotation, but spec.template.metadata.labels has no azure.workload.identity/use: "true" label, so the webhook injects nothing into its pods.',
        related: [{ file: 'other/sa.yaml', line: 7 }],
        suggestions: [{ title: 'Add azure.workload.identity/use: "true" to spec.template.metadata.labels', output: deploy('\n        azure.workload.identity/use: "true"') }],
      }],
      output: null,
    },
    {
      name: 'a patch names the ServiceAccount, nothing adds the label: reported in the patch, without fixes',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      serviceAccountName: api-sa\n',
      files: {
        'app/kustomization.yaml': 'namespace: prod\nresources: [deploy.yaml, sa.yaml]\npatches:\n  - path: ../test.yaml\n',
        'app/deploy.yaml': deploy('', ''),
        'app/sa.yaml': clientSa(),
      },
      errors: [{
        line: 8,
        column: 27,
        severity: 'warning',
        message: /^Deployment api \(as built by kustomization app\) runs as ServiceAccount api-sa, which has an/,
        related: [{ file: 'app/sa.yaml', line: 7 }],
        suggestions: [],
      }],
      output: null,
    },
  ],
});
