import { runRuleTests } from '../rule-tester';
import { hardcodedTokenPath } from '../../../src/rules/hardcoded-token-path';

const WI = '        azure.workload.identity/use: "true"\n';
// A Deployment whose container `api` has the given body (env, volumeMounts) and whose pod has `volumes`.
const deploy = (container: string, volumes = '', labels = WI) => `apiVersion: apps/v1
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
${container}${volumes}`;

const OLD_PATH = '/var/run/secrets/azure/tokens/azure-identity-token';

const CRON_WARM = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {azure.workload.identity/use: "true"}
        spec:
          initContainers:
            - name: warm
              volumeMounts:
                - mountPath: /var/run/secrets/azure/tokens
                  name: tok
          containers:
            - name: job
          volumes:
            - {name: tok, emptyDir: {}}
`;

const LIST_WITHOUT_ENV = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers:
        - name: app
          env: [{name: A, value: b}]
`;

runRuleTests(hardcodedTokenPath, {
  valid: [
    deploy('          env:\n            - name: AZURE_CLIENT_ID\n              value: x\n'),
    {
      name: 'a Vault token under /var/run/secrets/tokens is not an Azure token',
      code: deploy('          volumeMounts:\n            - name: vault-token\n              mountPath: /var/run/secrets/tokens\n',
        '      volumes:\n        - name: vault-token\n          projected:\n            sources:\n              - serviceAccountToken: {path: vault-token, audience: vault}\n'),
    },
    // Pods the webhook does not mutate project their own token, the only way they have (issue 13).
    {
      name: 'an operator without Workload Identity projects its own Azure token under /var/run/secrets/tokens',
      code: deploy(`          env:
            - name: AZURE_FEDERATED_TOKEN_FILE
              value: /var/run/secrets/tokens/azure-identity-token
          volumeMounts:
            - name: azure-identity-token
              mountPath: /var/run/secrets/tokens
`, `      volumes:
        - name: azure-identity-token
          projected:
            sources:
              - serviceAccountToken: {path: azure-identity-token, audience: api://AzureADTokenExchange}
`, '        app: operator\n'),
    },
    {
      name: 'a container the webhook skips gets no token from it: its own is its business',
      code: deploy('          env:\n            - name: AZURE_FEDERATED_TOKEN_FILE\n              value: /var/run/secrets/tokens/azure-identity-token\n').replace('      labels:\n', '      annotations:\n        azure.workload.identity/skip-containers: api\n      labels:\n'),
    },
    { name: 'a path that only shares a prefix', code: deploy('          volumeMounts:\n            - name: cache\n              mountPath: /var/run/secrets/azure/tokens-cache\n', '      volumes:\n        - name: cache\n          emptyDir: {}\n') },
  ],
  invalid: [
    {
      name: 'AZURE_FEDERATED_TOKEN_FILE at the old path in a WI pod: safe removal',
      code: deploy(`          env:
            - name: AZURE_FEDERATED_TOKEN_FILE # pinned in 2022
              value: ${OLD_PATH}
            - name: PORT
              value: "80"
`),
      errors: [{
        line: 15, column: 21, endColumn: 47, severity: 'warning',
        message: 'Container api sets AZURE_FEDERATED_TOKEN_FILE by hand to a path under /var/run/secrets/azure/tokens, where webhooks before v1.6 put the token (v1.6 uses /var/run/secrets/azure/wi/token), and the webhook does not override a variable the env already names.',
        suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container api', output: deploy('          env:\n            - name: PORT\n              value: "80"\n') }],
      }],
      output: deploy('          env:\n            - name: PORT\n              value: "80"\n'),
    },
    {
      name: 'valueFrom in a WI pod: safe removal',
      code: deploy('          env:\n            - name: AZURE_FEDERATED_TOKEN_FILE\n              valueFrom: {configMapKeyRef: {name: wi, key: path}}\n'),
      errors: [{ line: 15, column: 21, message: 'Container api sets AZURE_FEDERATED_TOKEN_FILE by hand, so the webhook does not inject its own, and the token path it injects moved in webhook v1.6.', suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container api', output: deploy('') }] }],
      output: deploy(''),
    },
    {
      name: 'no label, but the ServiceAccount has a client ID: a Workload Identity pod',
      code: deploy('          env:\n            - name: AZURE_FEDERATED_TOKEN_FILE\n              value: /var/run/secrets/azure/tokens/azure-identity-token\n', '', '        app: api\n').replace('    spec:\n', '    spec:\n      serviceAccountName: api\n'),
      files: { 'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: "6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd"\n' },
      errors: [{ line: 16, column: 21, severity: 'warning', message: /^Container api sets AZURE_FEDERATED_TOKEN_FILE by hand to a path under \/var\/run\/secrets\/azure\/tokens,/, suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container api', output: deploy('', '', '        app: api\n').replace('    spec:\n', '    spec:\n      serviceAccountName: api\n') }] }],
      output: deploy('', '', '        app: api\n').replace('    spec:\n', '    spec:\n      serviceAccountName: api\n'),
    },
    {
      name: 'inherited through <<: *defaults: reported at the alias, the anchor is left alone',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {azure.workload.identity/use: "true"}
x-wi: &wi
  env:
    - name: AZURE_FEDERATED_TOKEN_FILE
      value: ${OLD_PATH}
spec:
  containers:
    - name: app
      <<: *wi
`,
      errors: [{ line: 13, column: 11, endColumn: 14, message: `Container app (through *wi) sets AZURE_FEDERATED_TOKEN_FILE by hand to a path under /var/run/secrets/azure/tokens, where webhooks before v1.6 put the token (v1.6 uses /var/run/secrets/azure/wi/token), and the webhook does not override a variable the env already names.`, suggestions: [] }],
      output: null,
    },
    {
      name: 'a placeholder value is info only',
      code: deploy('          env:\n            - name: AZURE_FEDERATED_TOKEN_FILE\n              value: "{{ .Values.tokenFile }}"\n'),
      errors: [{ line: 15, column: 21, severity: 'info', message: /^Container api sets AZURE_FEDERATED_TOKEN_FILE by hand, so the webhook/, suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container api', output: deploy('') }] }],
      output: deploy(''),
    },
    {
      name: 'a hand-made pre-v0.8 setup: env, mount and volume',
      code: deploy(`          env:
            - name: AZURE_FEDERATED_TOKEN_FILE
              value: /var/run/secrets/tokens/azure-identity-token
          volumeMounts:
            - name: config
              mountPath: /etc/app
            - name: azure-identity-token
              mountPath: /var/run/secrets/tokens
              readOnly: true
`, `      volumes:
        - name: config
          configMap: {name: app}
        - name: azure-identity-token
          projected:
            sources:
              - serviceAccountToken:
                  path: azure-identity-token
                  audience: api://AzureADTokenExchange
`),
      errors: [
        {
          line: 15, column: 21, message: /to a path under \/var\/run\/secrets\/tokens,/,
          suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container api', output: deploy(`          volumeMounts:
            - name: config
              mountPath: /etc/app
            - name: azure-identity-token
              mountPath: /var/run/secrets/tokens
              readOnly: true
`, `      volumes:
        - name: config
          configMap: {name: app}
        - name: azure-identity-token
          projected:
            sources:
              - serviceAccountToken:
                  path: azure-identity-token
                  audience: api://AzureADTokenExchange
`) }],
        },
        {
          line: 21, column: 26, message: 'Container api mounts volume azure-identity-token at /var/run/secrets/tokens, a token directory of webhooks before v1.6 (v1.6 mounts its own at /var/run/secrets/azure/wi/token and points AZURE_FEDERATED_TOKEN_FILE at it).',
          suggestions: [{ title: 'Remove the volume mount at /var/run/secrets/tokens from container api', output: deploy(`          env:
            - name: AZURE_FEDERATED_TOKEN_FILE
              value: /var/run/secrets/tokens/azure-identity-token
          volumeMounts:
            - name: config
              mountPath: /etc/app
`, `      volumes:
        - name: config
          configMap: {name: app}
        - name: azure-identity-token
          projected:
            sources:
              - serviceAccountToken:
                  path: azure-identity-token
                  audience: api://AzureADTokenExchange
`) }],
        },
        {
          line: 26, column: 17, message: /^The pod defines volume azure-identity-token, the name of the token volume of webhooks v0.8 to v1.5.1;/,
          suggestions: [{ title: 'Remove volume azure-identity-token and its mounts', output: deploy(`          env:
            - name: AZURE_FEDERATED_TOKEN_FILE
              value: /var/run/secrets/tokens/azure-identity-token
          volumeMounts:
            - name: config
              mountPath: /etc/app
`, `      volumes:
        - name: config
          configMap: {name: app}
`) }],
        },
      ],
      output: deploy(`          volumeMounts:
            - name: config
              mountPath: /etc/app
            - name: azure-identity-token
              mountPath: /var/run/secrets/tokens
              readOnly: true
`, `      volumes:
        - name: config
          configMap: {name: app}
        - name: azure-identity-token
          projected:
            sources:
              - serviceAccountToken:
                  path: azure-identity-token
                  audience: api://AzureADTokenExchange
`),
    },
    {
      name: 'an Entra token volume under another name, mounted under /var/run/secrets/tokens',
      code: deploy('          volumeMounts: [{name: entra, mountPath: /var/run/secrets/tokens/}]\n', '      volumes:\n        - name: entra\n          projected: {sources: [{serviceAccountToken: {path: t, audience: "api://AzureADTokenExchange"}}]}\n'),
      errors: [{ line: 14, column: 51, message: 'Container api mounts volume entra at /var/run/secrets/tokens/, a token directory of webhooks before v1.6 (v1.6 mounts its own at /var/run/secrets/azure/wi/token and points AZURE_FEDERATED_TOKEN_FILE at it).', suggestions: [{ title: 'Remove the volume mount at /var/run/secrets/tokens/ from container api', output: deploy('', '      volumes:\n        - name: entra\n          projected: {sources: [{serviceAccountToken: {path: t, audience: "api://AzureADTokenExchange"}}]}\n') }] }],
      output: null,
    },
    {
      name: 'CronJob init container mounting the v0.8 directory',
      code: CRON_WARM,
      errors: [{
        line: 16, column: 30, message: /^Init container warm mounts volume tok at \/var\/run\/secrets\/azure\/tokens, /,
        // The only mount: `volumeMounts:` goes with it.
        suggestions: [{ title: 'Remove the volume mount at /var/run/secrets/azure/tokens from init container warm', output: CRON_WARM.replace('              volumeMounts:\n                - mountPath: /var/run/secrets/azure/tokens\n                  name: tok\n', '') }],
      }],
      output: null,
    },
    {
      name: 'a Pod inside a kind: List, flow env, name not first: fix-all removes the env entry',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      labels: {azure.workload.identity/use: "true"}
    spec:
      containers:
        - name: app
          env: [{value: /var/run/secrets/azure/wi/token/azure-identity-token, name: AZURE_FEDERATED_TOKEN_FILE}, {name: A, value: b}]
`,
      errors: [{ line: 12, column: 85, message: /^Container app sets AZURE_FEDERATED_TOKEN_FILE by hand, so the webhook does not inject its own/, suggestions: [{ title: 'Remove AZURE_FEDERATED_TOKEN_FILE from container app', output: LIST_WITHOUT_ENV }] }],
      output: LIST_WITHOUT_ENV,
    },
  ],
});
