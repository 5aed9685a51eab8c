import { runRuleTests } from '../rule-tester';
import { useLabelOnServiceAccount } from '../../../src/rules/use-label-on-service-account';

const sa = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: prod
  labels:
    azure.workload.identity/use: "true" # needed? no
  annotations:
    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"
`;

const saWithout = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: prod
  annotations:
    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"
`;

const deploy = (labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    metadata:
      labels:
        app: api${labels}
    spec:
      serviceAccountName: api-sa
      containers: []
`;

const withLabel = deploy('\n        azure.workload.identity/use: "true"');

const JOBS = `apiVersion: v1
kind: ServiceAccount
metadata: {name: jobs, labels: {azure.workload.identity/use: "true"}, annotations: {azure.workload.identity/use: "true", team: data}}
---
apiVersion: v1
kind: Pod
metadata:
  name: once
  labels:
    azure.workload.identity/use: "true"
spec:
  serviceAccountName: jobs
  containers: []
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: jobs
          containers: []
`;

const WORKERS = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: worker
      labels:
        azure.workload.identity/use: "true"
        app: worker
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: a
    spec:
      template:
        metadata:
          labels:
            app: a
        spec:
          serviceAccountName: worker
          containers: []
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: b
    spec:
      template:
        metadata: {labels: {app: b}}
        spec:
          serviceAccountName: worker
          containers: []
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: c
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "True"
        spec:
          serviceAccountName: worker
          containers: []
`;

runRuleTests(useLabelOnServiceAccount, {
  valid: [
    saWithout,
    { name: 'the label on the pods only', code: withLabel, files: { 'sa.yaml': saWithout } },
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  labels:\n    app: x\n',
  ],
  invalid: [
    {
      name: 'pods carry the label too: info, safe removal',
      code: sa,
      files: { 'deploy.yaml': withLabel },
      errors: [{
        line: 7,
        column: 5,
        endColumn: 32,
        severity: 'info',
        message: 'ServiceAccount api-sa carries the azure.workload.identity/use label, which has had no effect since webhook v1.0: only the pod template\'s label counts, and the pods of Deployment api already carry it.',
        suggestions: [{ title: 'Remove the label from the ServiceAccount', output: saWithout }],
      }],
      output: saWithout,
    },
    {
      name: 'cross-file: the Deployment lacks the label: warning, move across files',
      code: sa,
      files: { 'deploy.yaml': deploy('') },
      errors: [{
        line: 7,
        column: 5,
        severity: 'warning',
        message: 'ServiceAccount api-sa carries the azure.workload.identity/use label, which has had no effect since webhook v1.0: only the pod template\'s label counts; the pod template of Deployment api, which runs as it, does not have it.',
        related: [{ file: 'deploy.yaml', line: 12 }],
        suggestions: [
          { title: 'Move the label to the pod template of Deployment api', outputs: { 'test.yaml': saWithout, 'deploy.yaml': withLabel } },
          { title: 'Remove the label from the ServiceAccount', output: saWithout },
        ],
      }],
      output: null,
    },
    {
      name: 'no workload in the workspace: warning, removal is a suggestion; the emptied annotations go too',
      code: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  annotations:
    azure.workload.identity/use: "true"
`,
      errors: [{
        line: 6,
        column: 5,
        severity: 'warning',
        message: /annotation, which has had no effect since webhook v1\.0: only the pod template's label counts; put it on the pod templates of the workloads that run as this ServiceAccount\.$/,
        related: [],
        suggestions: [{ title: 'Remove the annotation from the ServiceAccount', output: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n' }],
      }],
      output: null,
    },
    {
      name: 'label and annotation, flow-style metadata; one Pod with, one CronJob without the label: a leftover beside a real opt-in, info',
      code: JOBS,
      errors: [
        {
          line: 3,
          column: 33,
          severity: 'info',
          message: /^ServiceAccount jobs carries the azure\.workload\.identity\/use label, .*, and the pods of Pod once already carry it; those of CronJob nightly do not\.$/,
          related: [{ file: 'test.yaml', line: 25 }],
          suggestions: [
            {
              title: 'Move the label to the pod template of CronJob nightly',
              output: `apiVersion: v1
kind: ServiceAccount
metadata: {name: jobs, annotations: {azure.workload.identity/use: "true", team: data}}
---
apiVersion: v1
kind: Pod
metadata:
  name: once
  labels:
    azure.workload.identity/use: "true"
spec:
  serviceAccountName: jobs
  containers: []
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: jobs
          containers: []
`,
            },
            { title: 'Remove the label from the ServiceAccount', output: JOBS.replace('labels: {azure.workload.identity/use: "true"}, ', '') },
          ],
        },
        {
          line: 3,
          column: 85,
          severity: 'info',
          message: /^ServiceAccount jobs carries the azure\.workload\.identity\/use annotation,/,
          suggestions: [
            {
              title: 'Move the annotation to the pod template of CronJob nightly',
              output: JOBS.replace('annotations: {azure.workload.identity/use: "true", team: data}', 'annotations: {team: data}')
                .replace('      template:\n        spec:', '      template:\n        metadata:\n          labels:\n            azure.workload.identity/use: "true"\n        spec:'),
            },
            {
              title: 'Remove the annotation from the ServiceAccount',
              output: `apiVersion: v1
kind: ServiceAccount
metadata: {name: jobs, labels: {azure.workload.identity/use: "true"}, annotations: {team: data}}
---
apiVersion: v1
kind: Pod
metadata:
  name: once
  labels:
    azure.workload.identity/use: "true"
spec:
  serviceAccountName: jobs
  containers: []
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: jobs
          containers: []
`,
            },
          ],
        },
      ],
      output: null,
    },
    {
      name: 'kind: List: two workloads lacking the label, one with a wrong value (its intent counts): info',
      code: WORKERS,
      errors: [{
        line: 9,
        column: 9,
        severity: 'info',
        message: /, and the pods of Job c already carry it; those of Deployment a and StatefulSet b do not\.$/,
        related: [{ file: 'test.yaml', line: 21 }, { file: 'test.yaml', line: 31 }],
        suggestions: [
          {
            title: 'Move the label to the pod template of Deployment a and StatefulSet b',
            output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: worker
      labels:
        app: worker
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: a
    spec:
      template:
        metadata:
          labels:
            app: a
            azure.workload.identity/use: "true"
        spec:
          serviceAccountName: worker
          containers: []
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: b
    spec:
      template:
        metadata: {labels: {app: b, azure.workload.identity/use: "true"}}
        spec:
          serviceAccountName: worker
          containers: []
  - apiVersion: batch/v1
    kind: Job
    metadata:
      name: c
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "True"
        spec:
          serviceAccountName: worker
          containers: []
`,
          },
          { title: 'Remove the label from the ServiceAccount', output: WORKERS.replace('        azure.workload.identity/use: "true"\n        app: worker\n', '        app: worker\n') },
        ],
      }],
      output: null,
    },
  ],
});
