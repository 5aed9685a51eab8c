import { runRuleTests } from '../rule-tester';
import { credentialEnv } from '../../../src/rules/credential-env';

// A WI Deployment whose one container has the given env block (indented for `env:` under the container).
const deploy = (env: string, labels = '        azure.workload.identity/use: "true"\n') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
${labels}    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: api:1
${env}`;

// The env that is left when the entry before `B` goes.
const ONLY_B = '          env:\n            - name: B\n              value: c\n';

// The skip-containers case once its legacy container loses its only env entry (and `env:` with it).
const SKIPPED_WITHOUT_SECRET = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
  annotations:
    azure.workload.identity/skip-containers: "legacy;sidecar"
spec:
  containers:
    - name: app
      image: app:1
    - name: legacy
      image: legacy:1
`;

const WI_MSG = 'so DefaultAzureCredential picks EnvironmentCredential and never tries Workload Identity.';

const CRON_WITHOUT_SECRET = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: fetch
              image: fetch:1
              env:
                - {name: MODE, value: init}
          containers:
            - name: job
              image: job:1
`;

const LOGIN_WITHOUT_USERNAME = `apiVersion: v1
kind: ConfigMap
metadata:
  name: login
data:
  AZURE_PASSWORD: hunter2
---
${deploy('          envFrom:\n            - configMapRef: {name: login}\n')}`;

const LIST_WITHOUT_SECRET = `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          containers:
            - name: api
              env:
                - name: B
                  value: c
`;

const ALIAS_ITEM_REMOVED = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: tool
    spec:
      containers:
        - name: tool
          env:
            - &secret
              name: AZURE_CLIENT_SECRET
              valueFrom: {secretKeyRef: {name: sp, key: secret}}
  - apiVersion: v1
    kind: Pod
    metadata:
      name: api
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers:
        - name: api
          env:
            - name: PORT
              value: "80"
`;

runRuleTests(credentialEnv, {
  valid: [
    deploy('          env:\n            - name: LOG_LEVEL\n              value: debug\n'),
    { name: 'AZURE_USERNAME without AZURE_PASSWORD', code: deploy('          env:\n            - name: AZURE_USERNAME\n              value: svc@contoso.com\n') },
    { name: 'an empty literal is unset for the SDK', code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: ""\n') },
    { name: 'envFrom of a ConfigMap not in the workspace', code: deploy('          envFrom:\n            - configMapRef:\n                name: elsewhere\n') },
    {
      name: 'envFrom of a Secret in another namespace',
      code: deploy('          envFrom:\n            - secretRef:\n                name: creds\n'),
      files: { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: other\nstringData:\n  AZURE_CLIENT_SECRET: x\n' },
    },
    {
      name: 'an empty env value masks the envFrom key',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: ""\n          envFrom:\n            - secretRef:\n                name: creds\n'),
      files: { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  AZURE_CLIENT_SECRET: x\n' },
    },
    {
      name: 'the key lacks the prefix the container adds',
      code: deploy('          envFrom:\n            - prefix: APP_\n              secretRef:\n                name: creds\n'),
      files: { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  AZURE_CLIENT_SECRET: x\n' },
    },
  ],
  invalid: [
    {
      name: 'valueFrom in a WI pod: error, safe removal of the entry',
      code: deploy(`          env:
            - name: LOG_LEVEL
              value: debug
            - name: AZURE_CLIENT_SECRET # left over from the service principal
              valueFrom:
                secretKeyRef:
                  name: sp
                  key: secret
            - name: PORT
              value: "8080"
`),
      errors: [{
        line: 18, column: 21, endColumn: 40, severity: 'error',
        message: `Container api sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`,
        suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy(`          env:
            - name: LOG_LEVEL
              value: debug
            - name: PORT
              value: "8080"
`) }],
      }],
      output: deploy(`          env:
            - name: LOG_LEVEL
              value: debug
            - name: PORT
              value: "8080"
`),
    },
    {
      name: 'the only env entry: env goes with it, and the value is never shown',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: s3cr3t-value\n          ports:\n            - containerPort: 80\n'),
      errors: [{ line: 16, column: 21, message: /^(?!.*s3cr3t)/, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy('          ports:\n            - containerPort: 80\n') }] }],
      output: deploy('          ports:\n            - containerPort: 80\n'),
    },
    {
      name: 'a placeholder value is info only, and the fix still applies',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: "${CLIENT_SECRET}"\n            - name: B\n              value: c\n'),
      errors: [{ line: 16, column: 21, severity: 'info', message: `Container api sets AZURE_CLIENT_SECRET in its env from a placeholder, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy(ONLY_B) }] }],
      output: deploy('          env:\n            - name: B\n              value: c\n'),
    },
    {
      name: 'a pod without Workload Identity: info and a suggestion only',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
    - name: tool
      image: tool:1
      env:
        - name: AZURE_CLIENT_CERTIFICATE_PATH
          value: /certs/sp.pem
`,
      errors: [{
        line: 10, column: 17, severity: 'info',
        message: 'Container tool sets AZURE_CLIENT_CERTIFICATE_PATH in its env, a long-lived credential for EnvironmentCredential; this pod does not use Workload Identity, which would need none.',
        suggestions: [{ title: 'Remove AZURE_CLIENT_CERTIFICATE_PATH from container tool', output: `apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
    - name: tool
      image: tool:1
` }],
      }],
      output: null,
    },
    {
      name: 'flow env list, name not the first key',
      code: deploy('          env: [{name: A, value: b}, {value: /certs/sp.pem, name: AZURE_CLIENT_CERTIFICATE_PATH}]\n'),
      errors: [{ line: 15, column: 67, severity: 'error', message: `Container api sets AZURE_CLIENT_CERTIFICATE_PATH in its env, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_CERTIFICATE_PATH from container api', output: deploy('          env: [{name: A, value: b}]\n') }] }],
      output: deploy('          env: [{name: A, value: b}]\n'),
    },
    {
      name: 'block item whose name is not the first key',
      code: deploy('          env:\n            - valueFrom:\n                secretKeyRef: {name: sp, key: secret}\n              name: AZURE_CLIENT_SECRET\n            - name: B\n              value: c\n'),
      errors: [{ line: 18, column: 21, message: `Container api sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy(ONLY_B) }] }],
      output: deploy('          env:\n            - name: B\n              value: c\n'),
    },
    {
      name: 'AZURE_USERNAME with AZURE_PASSWORD: two findings, one fix that removes both',
      code: deploy('          env:\n            - name: AZURE_USERNAME\n              value: svc@contoso.com\n            - name: AZURE_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: svc, key: password}\n'),
      errors: [
        { line: 16, column: 21, message: `Container api sets AZURE_USERNAME in its env, together with AZURE_PASSWORD, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_USERNAME and AZURE_PASSWORD from container api', output: deploy('') }] },
        { line: 18, column: 21, message: `Container api sets AZURE_PASSWORD in its env, together with AZURE_USERNAME, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_USERNAME and AZURE_PASSWORD from container api', output: deploy('') }] },
      ],
      output: deploy(''),
    },
    {
      name: 'CronJob init container',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: fetch
              image: fetch:1
              env:
                - {name: AZURE_CLIENT_SECRET, value: x}
                - {name: MODE, value: init}
          containers:
            - name: job
              image: job:1
`,
      errors: [{ line: 17, column: 26, severity: 'error', message: `Init container fetch sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from init container fetch', output: CRON_WITHOUT_SECRET }] }],
      output: CRON_WITHOUT_SECRET,
    },
    {
      name: 'a container in skip-containers is not injected: info, suggestion',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
  annotations:
    azure.workload.identity/skip-containers: "legacy;sidecar"
spec:
  containers:
    - name: app
      image: app:1
    - name: legacy
      image: legacy:1
      env:
        - name: AZURE_CLIENT_SECRET
          valueFrom: {secretKeyRef: {name: sp, key: secret}}
`,
      errors: [{ line: 16, column: 17, severity: 'info', message: 'Container legacy sets AZURE_CLIENT_SECRET in its env, a long-lived credential for EnvironmentCredential in a container the Workload Identity webhook skips.', suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container legacy', output: SKIPPED_WITHOUT_SECRET }] }],
      output: null,
    },
    {
      name: 'envFrom of a Secret in another file, with a prefix: finding at secretRef name, related key, no fix',
      code: deploy('          envFrom:\n            - configMapRef:\n                name: settings\n            - prefix: AZURE_\n              secretRef:\n                name: sp-creds\n'),
      files: {
        'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: debug\n',
        'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: sp-creds\n  namespace: default\ntype: Opaque\ndata:\n  CLIENT_ID: MTIz\n  CLIENT_SECRET: c2VjcmV0\n',
      },
      errors: [{
        line: 20, column: 23, severity: 'error',
        message: `Container api gets AZURE_CLIENT_SECRET through envFrom of Secret sp-creds, ${WI_MSG}`,
        related: [{ file: 'secret.yaml', line: 9 }],
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'AZURE_USERNAME in env, AZURE_PASSWORD from a ConfigMap in the same file',
      code: `apiVersion: v1
kind: ConfigMap
metadata:
  name: login
data:
  AZURE_PASSWORD: hunter2
---
${deploy('          env:\n            - name: AZURE_USERNAME\n              value: svc@contoso.com\n          envFrom:\n            - configMapRef: {name: login}\n')}`,
      errors: [
        { line: 23, column: 21, message: `Container api sets AZURE_USERNAME in its env, together with AZURE_PASSWORD from ConfigMap login, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_USERNAME from container api', output: LOGIN_WITHOUT_USERNAME }] },
        { line: 26, column: 36, message: `Container api gets AZURE_PASSWORD (with AZURE_USERNAME from its env) through envFrom of ConfigMap login, ${WI_MSG}`, related: [{ file: 'test.yaml', line: 6 }] },
      ],
      output: LOGIN_WITHOUT_USERNAME,
    },
    {
      name: 'a Deployment inside a kind: List',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          containers:
            - name: api
              env:
                - name: AZURE_CLIENT_SECRET
                  value: x
                - name: B
                  value: c
`,
      errors: [{ line: 17, column: 25, severity: 'error', message: `Container api sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: LIST_WITHOUT_SECRET }] }],
      output: LIST_WITHOUT_SECRET,
    },
    {
      name: 'a stand-in value (your-client-secret) is info only',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: your-client-secret\n            - name: B\n              value: c\n'),
      errors: [{ line: 16, column: 21, severity: 'info', message: `Container api sets AZURE_CLIENT_SECRET in its env from a placeholder, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy(ONLY_B) }] }],
      output: deploy('          env:\n            - name: B\n              value: c\n'),
    },
    {
      name: 'no label, but the ServiceAccount carries a client ID: a Workload Identity pod, error and safe removal',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              valueFrom: {secretKeyRef: {name: sp, key: secret}}\n            - name: B\n              value: c\n', '        app: api\n'),
      files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: "6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd"\n' },
      errors: [{ line: 16, column: 21, severity: 'error', message: `Container api sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy(ONLY_B, '        app: api\n') }] }],
      output: deploy('          env:\n            - name: B\n              value: c\n', '        app: api\n'),
    },
    {
      name: 'the label says "false": opted out, so info only',
      code: deploy('          env:\n            - name: AZURE_CLIENT_SECRET\n              value: s3cr3t\n', '        azure.workload.identity/use: "false"\n'),
      errors: [{ line: 16, column: 21, severity: 'info', message: 'Container api sets AZURE_CLIENT_SECRET in its env, a long-lived credential for EnvironmentCredential; this pod does not use Workload Identity, which would need none.', suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: deploy('', '        azure.workload.identity/use: "false"\n') }] }],
      output: null,
    },
    {
      // Shaped like operators that authenticate with a service principal on purpose and read
      // an optional client secret from their settings Secret (issue 13).
      name: 'an operator reading an optional AZURE_CLIENT_SECRET from its settings Secret, no Workload Identity: info only',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: operator
spec:
  template:
    spec:
      serviceAccountName: operator
      containers:
        - name: manager
          env:
            - name: AZURE_CLIENT_SECRET
              valueFrom:
                secretKeyRef: {name: operator-settings, key: AZURE_CLIENT_SECRET, optional: true}
`,
      files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: operator\n' },
      errors: [{ line: 12, column: 21, severity: 'info', message: /^Container manager sets AZURE_CLIENT_SECRET in its env, a long-lived credential for EnvironmentCredential; this pod does not use Workload Identity/, suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container manager', output: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: operator\nspec:\n  template:\n    spec:\n      serviceAccountName: operator\n      containers:\n        - name: manager\n' }] }],
      output: null,
    },
    {
      name: 'a container built with <<: *defaults inherits the secret: found at the alias, the anchor is not edited',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      initContainers:
        - &defaults
          name: migrate
          image: api:1
          env:
            - name: AZURE_CLIENT_SECRET
              valueFrom: {secretKeyRef: {name: sp, key: secret}}
      containers:
        - <<: *defaults
          name: api
`,
      errors: [
        // The anchor's own container: the entry is its own, but removing it would change the alias's user too.
        { line: 16, column: 21, severity: 'error', message: `Init container migrate sets AZURE_CLIENT_SECRET in its env, ${WI_MSG}`, suggestions: [] },
        {
          line: 19, column: 15, endColumn: 24, severity: 'error',
          message: `Container api sets AZURE_CLIENT_SECRET in its env (through *defaults), ${WI_MSG}`,
          related: [{ file: 'test.yaml', line: 16 }],
          suggestions: [],
        },
      ],
      output: null,
    },
    {
      name: 'merged from a list of anchors (<<: [*a, *b]): the first source that sets env wins',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
x-base: &base
  image: app:1
x-creds: &creds
  env:
    - name: AZURE_USERNAME
      value: svc@contoso.com
    - name: AZURE_PASSWORD
      valueFrom: {secretKeyRef: {name: svc, key: password}}
spec:
  containers:
    - <<: [*base, *creds]
      name: app
`,
      errors: [
        {
          line: 17, column: 19, endColumn: 25, severity: 'error',
          message: `Container app sets AZURE_USERNAME and AZURE_PASSWORD in its env (through *creds), ${WI_MSG}`,
          related: [{ file: 'test.yaml', line: 11 }, { file: 'test.yaml', line: 13 }],
          suggestions: [],
        },
      ],
      output: null,
    },
    {
      name: 'an env item written as an alias: the item is removed from this list, the anchor stays',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: tool
    spec:
      containers:
        - name: tool
          env:
            - &secret
              name: AZURE_CLIENT_SECRET
              valueFrom: {secretKeyRef: {name: sp, key: secret}}
  - apiVersion: v1
    kind: Pod
    metadata:
      name: api
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers:
        - name: api
          env:
            - name: PORT
              value: "80"
            - *secret
`,
      errors: [
        { line: 13, column: 21, severity: 'info', message: /^Container tool sets AZURE_CLIENT_SECRET in its env, a long-lived credential/, suggestions: [] },
        {
          line: 26, column: 15, severity: 'error',
          message: `Container api sets AZURE_CLIENT_SECRET in its env (through *secret), ${WI_MSG}`,
          related: [{ file: 'test.yaml', line: 13 }],
          suggestions: [{ title: 'Remove AZURE_CLIENT_SECRET from container api', output: ALIAS_ITEM_REMOVED }],
        },
      ],
      output: ALIAS_ITEM_REMOVED,
    },
  ],
});
