import { runRuleTests } from '../rule-tester';
import { hardcodedClientIdEnv } from '../../../src/rules/hardcoded-client-id-env';

const ID = '6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd';
const OTHER = 'b6d8b871-a12a-431a-8e1a-0c4e2f9d7a15';

const sa = (id: string | undefined, name = 'api') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
${id === undefined ? '' : `  annotations:\n    azure.workload.identity/client-id: "${id}"\n`}`;

// A WI Deployment running as ServiceAccount api; `env` is the container's env block.
const deploy = (env: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
${extra}    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: api:1
${env}`;

const idEnv = (value: string) => `          env:\n            - name: AZURE_CLIENT_ID\n              value: ${value}\n            - name: PORT\n              value: "80"\n`;
// The entry comes through an anchor other containers share: the fix cannot remove it, so the
// finding stays (as "the same value as the annotation", info) until the anchor is edited.
const ANCHORED = 'the env entry comes through the shared anchor &defaults, which no fix edits';
const noIdEnv = '          env:\n            - name: PORT\n              value: "80"\n';

// The CronJob case's text once its init container's AZURE_CLIENT_ID (equal to the annotation) is removed.
const CRON_FIXED = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: jobs
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          serviceAccountName: runner
          initContainers:
            - name: prep
          containers:
            - name: job
`;

runRuleTests(hardcodedClientIdEnv, {
  valid: [
    { code: deploy(noIdEnv), files: { 'sa.yaml': sa(ID) } },
    // Not a Workload Identity pod: no label, and its ServiceAccount has no client ID (issue 13).
    { name: 'a pod without the WI label whose ServiceAccount has no client ID', code: deploy(idEnv(`"${OTHER}"`)).replace('        azure.workload.identity/use: "true"\n', '        app: api\n'), files: { 'sa.yaml': sa(undefined) } },
    { name: 'a pod without the WI label whose ServiceAccount is not in the workspace', code: deploy(idEnv(`"${OTHER}"`)).replace('        azure.workload.identity/use: "true"\n', '        app: api\n') },
    { name: 'the label opts out with "false"', code: deploy(idEnv(`"${OTHER}"`)).replace('azure.workload.identity/use: "true"', 'azure.workload.identity/use: "false"'), files: { 'sa.yaml': sa(ID) } },
    { name: 'the container is in skip-containers', code: deploy(idEnv(`"${OTHER}"`), '      annotations:\n        azure.workload.identity/skip-containers: api\n'), files: { 'sa.yaml': sa(ID) } },
    { name: 'envFrom is not consulted by the webhook', code: deploy('          envFrom:\n            - configMapRef: {name: ids}\n'), files: { 'sa.yaml': sa(ID), 'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ids\ndata:\n  AZURE_CLIENT_ID: "${OTHER}"\n` } },
  ],
  invalid: [
    {
      name: 'differs from the ServiceAccount in another file: error, two suggestions',
      code: deploy(idEnv(`"${OTHER}"`)),
      files: { 'sa.yaml': sa(ID) },
      errors: [{
        line: 17, column: 22, endColumn: 60, severity: 'error',
        message: `Container api hard-codes AZURE_CLIENT_ID ${OTHER}, which overrides the client-id annotation ${ID} of ServiceAccount api, so the pod authenticates as a different identity.`,
        related: [{ file: 'sa.yaml', line: 6 }],
        suggestions: [
          { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) },
          { title: 'Move this client ID to ServiceAccount api', output: deploy(noIdEnv), outputs: { 'sa.yaml': sa(OTHER) } },
        ],
      }],
      output: null,
    },
    {
      name: 'equal to the annotation (other case): info, safe removal',
      code: deploy(idEnv(ID.toUpperCase())),
      files: { 'sa.yaml': sa(ID) },
      errors: [{ line: 17, column: 22, severity: 'info', message: /same value as the client-id annotation of ServiceAccount api/, related: [{ file: 'sa.yaml', line: 6 }], suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: deploy(noIdEnv),
    },
    {
      name: 'ServiceAccount not in the workspace: warning',
      code: deploy(idEnv(ID)),
      errors: [{ line: 17, column: 22, severity: 'warning', message: `Container api hard-codes AZURE_CLIENT_ID ${ID}, which overrides the webhook's injection, and ServiceAccount api (namespace default) is not in the workspace to compare it with.`, related: [], suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: null,
    },
    {
      name: 'ServiceAccount without the annotation, same file: move the ID there',
      code: `${sa(undefined)}---\n${deploy(idEnv(`'${ID}'`))}`,
      errors: [{
        line: 22, column: 22, severity: 'warning',
        message: `Container api hard-codes AZURE_CLIENT_ID ${ID}, which overrides the webhook's injection, and ServiceAccount api has no azure.workload.identity/client-id annotation to compare it with.`,
        suggestions: [
          { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: `${sa(undefined)}---\n${deploy(noIdEnv)}` },
          { title: 'Move this client ID to ServiceAccount api', output: `${sa(undefined)}  annotations:\n    azure.workload.identity/client-id: "${ID}"\n---\n${deploy(noIdEnv)}` },
        ],
      }],
      output: null,
    },
    {
      name: 'valueFrom still overrides: warning at the name',
      code: deploy('          env:\n            - name: AZURE_CLIENT_ID\n              valueFrom:\n                configMapKeyRef: {name: ids, key: client}\n'),
      files: { 'sa.yaml': sa(ID) },
      errors: [{
        line: 16, column: 21, severity: 'warning',
        message: 'Container api sets AZURE_CLIENT_ID through valueFrom, which still overrides the client-id annotation of ServiceAccount api.',
        related: [{ file: 'sa.yaml', line: 6 }],
        suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy('') }],
      }],
      output: null,
    },
    {
      name: 'a name without a value blocks the injection: error, safe removal when the annotation exists',
      code: deploy('          env:\n            - name: AZURE_CLIENT_ID\n            - name: PORT\n              value: "80"\n'),
      files: { 'sa.yaml': sa(ID) },
      errors: [{ line: 16, column: 21, severity: 'error', message: 'Container api names AZURE_CLIENT_ID with an empty value, so the webhook does not inject the client-id annotation of ServiceAccount api and the SDK gets none.', related: [{ file: 'sa.yaml', line: 6 }], suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: deploy(noIdEnv),
    },
    {
      name: 'an empty value, ServiceAccount not in the workspace: suggestion only',
      code: deploy(idEnv('""')),
      errors: [{ line: 16, column: 21, severity: 'error', message: /does not inject a client ID and the SDK gets none\.$/, suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: null,
    },
    {
      name: 'the annotation is empty: fill it in',
      code: deploy(idEnv(ID)),
      files: { 'sa.yaml': sa('') },
      errors: [{
        line: 17, column: 22, severity: 'warning', message: /ServiceAccount api has an empty azure.workload.identity\/client-id annotation/,
        suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }, { title: 'Move this client ID to ServiceAccount api', output: deploy(noIdEnv), outputs: { 'sa.yaml': sa(ID) } }],
      }],
      output: null,
    },
    {
      name: 'a placeholder is info only',
      code: deploy(idEnv('"${CLIENT_ID}"')),
      files: { 'sa.yaml': sa(ID) },
      errors: [{ line: 17, column: 22, severity: 'info', message: /one of the two is a placeholder/, suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: null,
    },
    // Masked and stand-in IDs as docs and samples write them (issue 13): never more than info.
    ...['"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"', '"7d8cdf74-xxxx-xxxx-xxxx-274d963d358b"', 'YOUR_CLIENT_ID', '"00000000-0000-0000-0000-000000000000"', '12345678-1234-1234-1234-123456789012', 'CLIENT_ID_HERE'].map((value) => ({
      name: `a stand-in client ID in the env (${value}): info`,
      code: deploy(idEnv(value)),
      files: { 'sa.yaml': sa(ID) },
      errors: [{ line: 17, column: 22, severity: 'info' as const, message: `Container api hard-codes AZURE_CLIENT_ID, which overrides the client-id annotation of ServiceAccount api; one of the two is a placeholder, so they cannot be compared.`, suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: null,
    })),
    {
      name: 'a masked annotation: info, whatever the env says',
      code: deploy(idEnv(`"${OTHER}"`)),
      files: { 'sa.yaml': sa('xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx') },
      errors: [{ line: 17, column: 22, severity: 'info', message: /one of the two is a placeholder/, suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv) }] }],
      output: null,
    },
    {
      name: 'no label, but the ServiceAccount has a client ID: a Workload Identity pod',
      code: deploy(idEnv(`"${OTHER}"`)).replace('        azure.workload.identity/use: "true"\n', '        app: api\n'),
      files: { 'sa.yaml': sa(ID) },
      errors: [{
        line: 17, column: 22, severity: 'error', message: `Container api hard-codes AZURE_CLIENT_ID ${OTHER}, which overrides the client-id annotation ${ID} of ServiceAccount api, so the pod authenticates as a different identity.`,
        suggestions: [
          { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv).replace('        azure.workload.identity/use: "true"\n', '        app: api\n') },
          { title: 'Move this client ID to ServiceAccount api', output: deploy(noIdEnv).replace('        azure.workload.identity/use: "true"\n', '        app: api\n'), outputs: { 'sa.yaml': sa(OTHER) } },
        ],
      }],
      output: null,
    },
    {
      name: 'the deprecated serviceAccount field names the ServiceAccount',
      code: deploy(idEnv(`"${OTHER}"`)).replace('serviceAccountName: api', 'serviceAccount: runner'),
      files: { 'sa.yaml': sa(ID, 'runner') },
      errors: [{ line: 17, column: 22, severity: 'error', message: `Container api hard-codes AZURE_CLIENT_ID ${OTHER}, which overrides the client-id annotation ${ID} of ServiceAccount runner, so the pod authenticates as a different identity.`, related: [{ file: 'sa.yaml', line: 6 }],
        suggestions: [
          { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv).replace('serviceAccountName: api', 'serviceAccount: runner') },
          { title: 'Move this client ID to ServiceAccount runner', output: deploy(noIdEnv).replace('serviceAccountName: api', 'serviceAccount: runner'), outputs: { 'sa.yaml': sa(OTHER, 'runner') } },
        ],
      }],
      output: null,
    },
    {
      name: 'serviceAccountName wins over serviceAccount; an empty serviceAccountName does not',
      code: deploy(idEnv(`"${OTHER}"`)).replace('serviceAccountName: api', 'serviceAccountName: ""\n      serviceAccount: runner'),
      files: { 'sa.yaml': `${sa(ID, 'runner')}---\n${sa(OTHER, 'api')}` },
      errors: [{
        line: 18, column: 22, severity: 'error', message: /overrides the client-id annotation .* of ServiceAccount runner,/,
        suggestions: [
          { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: deploy(noIdEnv).replace('serviceAccountName: api', 'serviceAccountName: ""\n      serviceAccount: runner') },
          { title: 'Move this client ID to ServiceAccount runner', output: deploy(noIdEnv).replace('serviceAccountName: api', 'serviceAccountName: ""\n      serviceAccount: runner'), outputs: { 'sa.yaml': `${sa(OTHER, 'runner')}---\n${sa(OTHER, 'api')}` } },
        ],
      }],
      output: null,
    },
    {
      name: 'AZURE_CLIENT_ID inherited through <<: *defaults: reported at the alias, no removal',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {azure.workload.identity/use: "true"}
x-defaults: &defaults
  env:
    - name: AZURE_CLIENT_ID
      value: "${OTHER}"
spec:
  serviceAccountName: api
  containers:
    - <<: *defaults
      name: app
    - <<: *defaults
      name: worker
`,
      files: { 'sa.yaml': sa(ID) },
      errors: [
        { line: 13, column: 11, severity: 'error', message: `Container app (through *defaults) hard-codes AZURE_CLIENT_ID ${OTHER}, which overrides the client-id annotation ${ID} of ServiceAccount api, so the pod authenticates as a different identity.`, suggestions: [{ title: 'Use this client ID on ServiceAccount api', outputs: { 'sa.yaml': sa(OTHER) }, partial: ANCHORED }] },
        { line: 15, column: 11, severity: 'error', message: /^Container worker \(through \*defaults\) hard-codes/, suggestions: [{ title: 'Use this client ID on ServiceAccount api', outputs: { 'sa.yaml': sa(OTHER) }, partial: ANCHORED }] },
      ],
      output: null,
    },
    {
      name: 'CronJob init container, flow env, equal value: fix-all removes it',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: jobs
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          serviceAccountName: runner
          initContainers:
            - name: prep
              env: [{name: AZURE_CLIENT_ID, value: "${ID}"}]
          containers:
            - name: job
`,
      files: { 'sa.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: jobs\n  annotations: {azure.workload.identity/client-id: ${ID}}\n` },
      errors: [{
        line: 17, column: 52, severity: 'info', message: /^Init container prep hard-codes AZURE_CLIENT_ID/, related: [{ file: 'sa.yaml', line: 6 }],
        suggestions: [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', output: CRON_FIXED }],
      }],
      output: CRON_FIXED,
    },
    {
      name: 'in a kind: List, name not the first key',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: default
      annotations:
        azure.workload.identity/client-id: ${ID}
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
            - value: ${OTHER}
              name: AZURE_CLIENT_ID
`,
      errors: [{ line: 20, column: 22, severity: 'error', related: [{ file: 'test.yaml', line: 9 }], message: `Container app hard-codes AZURE_CLIENT_ID ${OTHER}, which overrides the client-id annotation ${ID} of ServiceAccount default, so the pod authenticates as a different identity.`, suggestions: [
        { title: 'Remove the hard-coded AZURE_CLIENT_ID', output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: default
      annotations:
        azure.workload.identity/client-id: ${ID}
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels:
        azure.workload.identity/use: "true"
    spec:
      containers:
        - name: app
` },
        { title: 'Move this client ID to ServiceAccount default', output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: default
      annotations:
        azure.workload.identity/client-id: "${OTHER}"
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels:
        azure.workload.identity/use: "true"
    spec:
      containers:
        - name: app
` },
      ] }],
      output: null,
    },
  ],
});
