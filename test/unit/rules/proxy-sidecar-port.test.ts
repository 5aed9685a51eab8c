import { runRuleTests } from '../rule-tester';
import { proxySidecarPort } from '../../../src/rules/proxy-sidecar-port';

const KEY = 'azure.workload.identity/proxy-sidecar-port';

// A Workload Identity pod (its label after the annotations, so lines stay put) unless `wi` is false.
const deploy = (value: string, inject = true, wi = true) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
spec:
  template:
    metadata:
      annotations:
${inject ? '        azure.workload.identity/inject-proxy-sidecar: "true"\n' : ''}        ${KEY}: ${value}
${wi ? '      labels: {azure.workload.identity/use: "true"}\n' : ''}    spec:
      containers:
        - name: app
`;

const LIST = `apiVersion: v1
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
              annotations: {azure.workload.identity/inject-proxy-sidecar: "true", "${KEY}": 9000}
            spec:
              containers: [{name: app}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        ${KEY}: 0
    spec:
      containers: [{name: app}]
`;
const LIST_QUOTED = `apiVersion: v1
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
              annotations: {azure.workload.identity/inject-proxy-sidecar: "true", "${KEY}": "9000"}
            spec:
              containers: [{name: app}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        ${KEY}: 0
    spec:
      containers: [{name: app}]
`;

runRuleTests(proxySidecarPort, {
  valid: [deploy('"8080"'), deploy("'1'"), deploy('"65535"', false), deploy('"+8000"')],
  invalid: [
    {
      name: 'unquoted number: safe fix quotes it',
      code: deploy('8080'),
      errors: [
        {
          line: 10,
          column: 53,
          endColumn: 57,
          severity: 'error',
          message: `The ${KEY} value 8080 on the pod template of Deployment "legacy" is a YAML number, but annotation values must be strings, so the API server rejects the object; quote it.`,
          suggestions: [{ title: 'Quote the value as "8080"', output: deploy('"8080"') }],
        },
      ],
      output: deploy('"8080"'),
    },
    {
      name: 'not a number: the pod is rejected; removal is a suggestion',
      code: deploy('"http"'),
      errors: [
        {
          line: 10,
          column: 53,
          severity: 'error',
          message: `The ${KEY} value "http" on the pod template of Deployment "legacy" is not a port number, so the webhook rejects the pod.`,
          suggestions: [{ title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)', output: deploy('x').replace(`        ${KEY}: x\n`, '') }],
        },
      ],
      output: null,
    },
    {
      name: 'out of the port range',
      code: deploy('"70000"'),
      errors: [{ line: 10, column: 53, message: /"70000" .* is not a port number from 1 to 65535, so the webhook rejects the pod\.$/, suggestions: [{ title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)', output: deploy('x').replace(`        ${KEY}: x\n`, '') }] }],
      output: null,
    },
    {
      name: 'white space the webhook does not trim: safe fix',
      code: deploy('" 8080 "'),
      errors: [{ line: 10, column: 53, message: /has white space around the number, which the webhook does not trim/, suggestions: [{ title: 'Set to "8080"', output: deploy('"8080"') }] }],
      output: deploy('"8080"'),
    },
    {
      name: 'empty value',
      code: deploy('""'),
      errors: [{ line: 10, column: 53, message: /value "" .* is empty, which the webhook cannot parse as a port, so the webhook rejects the pod\.$/, suggestions: [{ title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)', output: deploy('x').replace(`        ${KEY}: x\n`, '') }] }],
      output: null,
    },
    {
      name: 'without inject-proxy-sidecar the port is not read: a warning; the only annotation goes with annotations:',
      code: deploy('"none"', false),
      errors: [
        {
          line: 9,
          column: 53,
          severity: 'warning',
          message: `The ${KEY} value "none" on the pod template of Deployment "legacy" is not a port number, so the webhook would reject the pod once inject-proxy-sidecar is added (it reads the port only then).`,
          suggestions: [{ title: /^Remove the proxy-sidecar-port annotation/, output: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy\nspec:\n  template:\n    metadata:\n      labels: {azure.workload.identity/use: "true"}\n    spec:\n      containers:\n        - name: app\n' }],
        },
      ],
      output: null,
    },
    {
      name: 'a pod without Workload Identity: the webhook never reads it, info only; the only annotation goes with template metadata',
      code: deploy('"http"', true, false),
      errors: [
        {
          line: 10,
          column: 53,
          severity: 'info',
          message: `The ${KEY} value "http" on the pod template of Deployment "legacy" is not a port number, so the webhook would reject the pod, but the webhook reads it only in the pods it mutates, and this pod does not use Workload Identity (no azure.workload.identity/use label, and no ServiceAccount with a client ID in the workspace).`,
          suggestions: [{ title: /^Remove the proxy-sidecar-port annotation/, output: deploy('x', true, false).replace(`        ${KEY}: x\n`, '') }],
        },
      ],
      output: null,
    },
    {
      name: 'no label, but the ServiceAccount has a client ID: a Workload Identity pod',
      code: deploy('"http"', true, false).replace('      containers:', '      serviceAccountName: api\n      containers:'),
      files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: "6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd"\n' },
      errors: [{
        line: 10, column: 53, severity: 'error', message: /"http" .* is not a port number, so the webhook rejects the pod\.$/,
        suggestions: [{ title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)', output: deploy('x', true, false).replace(`        ${KEY}: x\n`, '').replace('      containers:', '      serviceAccountName: api\n      containers:') }],
      }],
      output: null,
    },
    {
      name: 'placeholder is info only',
      code: deploy('{{ .Values.proxyPort }}'),
      errors: [{ line: 10, column: 53, severity: 'info', message: `The ${KEY} value {{ .Values.proxyPort }} on the pod template of Deployment "legacy" is a placeholder, so it cannot be checked until filled in; it must become a port number from 1 to 65535.` }],
      output: null,
    },
    {
      name: 'CronJob flow map and a Pod in a kind: List',
      code: LIST,
      errors: [
        { line: 13, column: 129, message: /value 9000 on the pod template of CronJob "nightly" is a YAML number/, suggestions: [{ title: 'Quote the value as "9000"', output: LIST_QUOTED }] },
        {
          line: 21, column: 53, severity: 'error', message: /value 0 on Pod "p" is an unquoted number that is not a port from 1 to 65535/,
          // The Pod's only annotation: `annotations:` goes with it.
          suggestions: [{ title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)', output: LIST.replace(`      annotations:\n        ${KEY}: 0\n`, '') }],
        },
      ],
      output: LIST_QUOTED,
    },
  ],
});
