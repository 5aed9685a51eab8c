import { runRuleTests } from '../rule-tester';
import { tokenCredentialsEnv } from '../../../src/rules/token-credentials-env';

const WI = '        azure.workload.identity/use: "true"\n';
const deploy = (value: string, labels = WI, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
${labels}${annotations}    spec:
      containers:
        - name: api
          image: api:1
          env:
            - name: AZURE_TOKEN_CREDENTIALS
              value: ${value}
            - name: PORT
              value: "80"
`;
const withoutEntry = (labels = WI) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
${labels}    spec:
      containers:
        - name: api
          image: api:1
          env:
            - name: PORT
              value: "80"
`;

const LIST_POD = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels:
        azure.workload.identity/use: "true"
    spec:
      containers:
        - name: app
          env:
            - value: AzureCLICredential
              name: AZURE_TOKEN_CREDENTIALS
`;

runRuleTests(tokenCredentialsEnv, {
  valid: [
    deploy('prod'),
    { name: 'case and spaces do not matter to the SDK', code: deploy('" workloadIdentityCredential "') },
    { name: 'ManagedIdentityCredential uses the federated token in a WI pod', code: deploy('ManagedIdentityCredential') },
    { name: 'dev outside a WI pod', code: deploy('dev', '        app: api\n') },
    { name: 'dev in a container the webhook skips', code: deploy('dev', WI, '      annotations:\n        azure.workload.identity/skip-containers: api\n') },
    { name: 'a placeholder', code: deploy('"${TOKEN_CREDENTIALS}"') },
    { name: 'empty means not set', code: deploy('""') },
    { name: 'valueFrom cannot be checked', code: deploy('""').replace('value: ""', 'valueFrom: {configMapKeyRef: {name: c, key: k}}') },
  ],
  invalid: [
    {
      name: 'dev in a WI pod: warning, two suggestions',
      code: deploy('dev # for local runs'),
      errors: [{
        line: 16, column: 22, endColumn: 25, severity: 'warning',
        message: 'AZURE_TOKEN_CREDENTIALS "dev" in container api limits DefaultAzureCredential to the developer credentials (VS Code, CLI, PowerShell, azd), so it never tries Workload Identity in this Workload Identity pod.',
        suggestions: [
          { title: 'Set AZURE_TOKEN_CREDENTIALS to WorkloadIdentityCredential', output: deploy('"WorkloadIdentityCredential" # for local runs') },
          { title: 'Remove AZURE_TOKEN_CREDENTIALS from container api', output: withoutEntry() },
        ],
      }],
      output: null,
    },
    {
      name: 'an invalid value outside a WI pod: error',
      code: deploy('production', '        app: api\n'),
      errors: [{
        line: 16, column: 22, severity: 'error',
        message: 'AZURE_TOKEN_CREDENTIALS "production" in container api is not prod, dev or a credential name, so DefaultAzureCredential throws when it is constructed.',
        suggestions: [{ title: 'Remove AZURE_TOKEN_CREDENTIALS from container api', output: withoutEntry('        app: api\n') }],
      }],
      output: null,
    },
    {
      name: 'another SDK\'s credential name in a WI pod',
      code: deploy('IntelliJCredential'),
      errors: [{
        line: 16, column: 22, severity: 'warning',
        message: 'AZURE_TOKEN_CREDENTIALS "IntelliJCredential" in container api names IntelliJCredential, which @azure/identity does not accept (it throws at construction; another language\'s SDK may), and which never tries Workload Identity.',
        suggestions: [
          { title: 'Set AZURE_TOKEN_CREDENTIALS to WorkloadIdentityCredential', output: deploy('"WorkloadIdentityCredential"') },
          { title: 'Remove AZURE_TOKEN_CREDENTIALS from container api', output: withoutEntry() },
        ],
      }],
      output: null,
    },
    {
      name: 'EnvironmentCredential in a CronJob init container, flow env',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: prep
              env: [{name: AZURE_TOKEN_CREDENTIALS, value: EnvironmentCredential}]
          containers: []
`,
      errors: [{
        line: 15, column: 60, severity: 'warning',
        message: 'AZURE_TOKEN_CREDENTIALS "EnvironmentCredential" in init container prep limits DefaultAzureCredential to EnvironmentCredential, so it never tries Workload Identity in this Workload Identity pod.',
        suggestions: [
          { title: 'Set AZURE_TOKEN_CREDENTIALS to WorkloadIdentityCredential', output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: prep
              env: [{name: AZURE_TOKEN_CREDENTIALS, value: "WorkloadIdentityCredential"}]
          containers: []
` },
          { title: 'Remove AZURE_TOKEN_CREDENTIALS from init container prep', output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: prep
          containers: []
` },
        ],
      }],
      output: null,
    },
    {
      name: 'a Pod in a kind: List, name not the first key, odd casing',
      code: LIST_POD,
      errors: [{
        line: 14, column: 22, severity: 'warning', message: /^AZURE_TOKEN_CREDENTIALS "AzureCLICredential" in container app limits DefaultAzureCredential to AzureCliCredential, /,
        suggestions: [
          { title: 'Set AZURE_TOKEN_CREDENTIALS to WorkloadIdentityCredential', output: LIST_POD.replace('value: AzureCLICredential', 'value: "WorkloadIdentityCredential"') },
          // The only entry: `env:` goes with it.
          { title: 'Remove AZURE_TOKEN_CREDENTIALS from container app', output: LIST_POD.replace('          env:\n            - value: AzureCLICredential\n              name: AZURE_TOKEN_CREDENTIALS\n', '') },
        ],
      }],
      output: null,
    },
  ],
});
