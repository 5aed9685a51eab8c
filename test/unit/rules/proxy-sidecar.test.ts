import { runRuleTests } from '../rule-tester';
import { proxySidecar } from '../../../src/rules/proxy-sidecar';

const KEY = 'azure.workload.identity/inject-proxy-sidecar';

const deploy = (value: string, spec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
      annotations:
        ${KEY}: ${value}
        azure.workload.identity/proxy-sidecar-port: "8080"
    spec:
${spec}      containers:
        - name: app
`;
const without = deploy('x').replace(`        ${KEY}: x\n`, '');

const FALSE_LIST = `apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly}
    spec:
      schedule: "0 0 * * *"
      jobTemplate:
        spec:
          template:
            metadata:
              annotations: {team: data, "${KEY}": false}
              labels: {azure.workload.identity/use: "true"}
            spec:
              containers: [{name: app}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        ${KEY}: 'False'
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers: [{name: app}]
`;

runRuleTests(proxySidecar, {
  valid: [
    without,
    // On the workload's own metadata it injects nothing (annotation-on-wrong-object reports that).
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations:\n    ${KEY}: "true"\nspec:\n  template:\n    spec:\n      containers: []\n`,
  ],
  invalid: [
    {
      name: '"true": a warning, removal is only a suggestion',
      code: deploy('"true"'),
      errors: [
        {
          line: 11,
          column: 9,
          endColumn: 53,
          severity: 'warning',
          message: `The ${KEY} annotation on the pod template of Deployment "legacy" injects the privileged azwi-proxy-init and azwi-proxy containers, which are meant only for apps migrating from aad-pod-identity.`,
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: without }],
        },
      ],
      output: null,
    },
    {
      name: '"false" still injects: removal is safe',
      code: deploy('"false"'),
      errors: [
        {
          line: 11,
          column: 9,
          severity: 'warning',
          message: `The ${KEY} annotation on the pod template of Deployment "legacy" is set to "false", but only its presence counts, so it injects the privileged azwi-proxy-init and azwi-proxy containers, which are meant only for apps migrating from aad-pod-identity.`,
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: without }],
        },
      ],
      output: without,
    },
    {
      name: 'hostNetwork: true: the pod is rejected (error), hostNetwork is related',
      code: deploy('"enabled"', '      hostNetwork: true\n'),
      errors: [
        {
          line: 11,
          column: 9,
          severity: 'error',
          message: `The ${KEY} annotation on the pod template of Deployment "legacy" makes the webhook reject the pod, because the pod spec sets hostNetwork: true ("hostNetwork is set to true, cannot inject proxy sidecar").`,
          related: [{ file: 'test.yaml', line: 14 }],
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: without.replace('    spec:\n', '    spec:\n      hostNetwork: true\n') }],
        },
      ],
      output: null,
    },
    {
      name: 'a Job never completes; the only annotation goes with its annotations: key',
      code: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    metadata:
      annotations:
        ${KEY}: "true"
      labels: {azure.workload.identity/use: "true"}
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
`,
      errors: [
        {
          line: 9,
          column: 9,
          message: `The ${KEY} annotation on the pod template of Job "migrate" injects the privileged azwi-proxy-init and azwi-proxy containers, and in a Job with a webhook older than v1.5.0 or on Kubernetes older than 1.32 the azwi-proxy sidecar keeps running after the work is done, so the Job never completes (since v1.5.0 on 1.32+ it is a native sidecar that stops with the Job).`,
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    metadata:\n      labels: {azure.workload.identity/use: "true"}\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n' }],
        },
      ],
      output: null,
    },
    {
      name: 'a Job that does not use Workload Identity: nothing is injected yet, info; the only annotation goes with template metadata',
      code: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    metadata:
      annotations:
        ${KEY}: "false"
    spec:
      hostNetwork: true
      containers:
        - name: migrate
`,
      errors: [
        {
          line: 9,
          column: 9,
          severity: 'info',
          message: `The ${KEY} annotation on the pod template of Job "migrate" would inject the privileged azwi-proxy-init and azwi-proxy containers (and, with hostNetwork: true, make the webhook reject the pod), but the webhook reads it only in the pods it mutates, and this pod does not use Workload Identity (no azure.workload.identity/use label, and no ServiceAccount with a client ID in the workspace).`,
          related: [],
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: migrate\n' }],
        },
      ],
      output: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: migrate\n',
    },
    {
      name: 'CronJob with an unquoted false in a flow map, a Pod in a kind: List',
      code: FALSE_LIST,
      errors: [
        { line: 13, column: 41, severity: 'warning', message: /on the pod template of CronJob "nightly" is set to "false", but only its presence counts, so it injects .* in a CronJob with a webhook older than v1\.5\.0 or on Kubernetes older than 1\.32 the azwi-proxy sidecar keeps running after the work is done, so the Job never completes \(since v1\.5\.0 on 1\.32\+ it is a native sidecar that stops with the Job\)\.$/,
          suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: FALSE_LIST.replace(`{team: data, "${KEY}": false}`, '{team: data}') }],
        },
        // The Pod's only annotation: `annotations:` goes with it.
        { line: 22, column: 9, message: /on Pod "p" is set to "false"/, suggestions: [{ title: 'Remove the inject-proxy-sidecar annotation', output: FALSE_LIST.replace(`      annotations:\n        ${KEY}: 'False'\n`, '') }] },
      ],
      output: `apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly}
    spec:
      schedule: "0 0 * * *"
      jobTemplate:
        spec:
          template:
            metadata:
              annotations: {team: data}
              labels: {azure.workload.identity/use: "true"}
            spec:
              containers: [{name: app}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers: [{name: app}]
`,
    },
  ],
});
