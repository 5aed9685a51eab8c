import { runRuleTests } from '../rule-tester';
import { useLabelValue } from '../../../src/rules/use-label-value';

const deploy = (value: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        app: api
        azure.workload.identity/use: ${value}${extra}
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: api:1
`;

const CRON_FIXED = `apiVersion: batch/v1
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
          containers: []
`;

runRuleTests(useLabelValue, {
  valid: [
    deploy('"true"'),
    deploy("'true'"),
    deploy('"false"'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  containers: []\n',
    // Not a manifest: a GitHub workflow with a similar-looking key.
    'on: push\njobs:\n  labels:\n    azure.workload.identity/use: yes\n',
  ],
  invalid: [
    {
      name: 'unquoted boolean true',
      code: deploy('true'),
      errors: [{ line: 10, column: 38, endColumn: 42, severity: 'error', message: /YAML boolean true/, suggestions: [{ title: 'Quote the label value as "true"', output: deploy('"true"') }] }],
      output: deploy('"true"'),
    },
    {
      name: 'unquoted boolean keeps the trailing comment',
      code: deploy('true', '  # opt in'),
      errors: [{ line: 10, column: 38, message: 'The label value is the YAML boolean true, which the API server rejects as a label value; quote it as "true".', suggestions: [{ title: 'Quote the label value as "true"', output: deploy('"true"', '  # opt in') }] }],
      output: deploy('"true"', '  # opt in'),
    },
    { name: '"True"', code: deploy('"True"'), errors: [{ line: 10, column: 38, message: /"True" does not match/, suggestions: [{ title: 'Set the label value to "true"', output: deploy('"true"') }] }], output: deploy('"true"') },
    { name: '"yes"', code: deploy('"yes"'), errors: [{ line: 10, column: 38, message: `The label value "yes" does not match the webhook's selector, which requires exactly the string "true".`, suggestions: [{ title: 'Set the label value to "true"', output: deploy('"true"') }] }], output: deploy('"true"') },
    { name: 'enabled keeps single quotes', code: deploy("'enabled'").replace('app: api', "app: 'api'"), errors: [{ line: 10, column: 38, message: `The label value 'enabled' does not match the webhook's selector, which requires exactly the string "true".`, suggestions: [{ title: 'Set the label value to "true"', output: deploy("'true'").replace('app: api', "app: 'api'") }] }], output: deploy("'true'").replace('app: api', "app: 'api'") },
    { name: 'placeholder is info only', code: deploy('"${WI_ENABLED}"'), errors: [{ line: 10, column: 38, severity: 'info', message: 'The label value "${WI_ENABLED}" is a placeholder; it must become exactly the string "true" for the webhook to inject.' }], output: null },
    {
      name: 'CronJob template',
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
          labels: {azure.workload.identity/use: yes}
        spec:
          containers: []
`,
      errors: [{ line: 11, column: 49, message: `The label value yes does not match the webhook's selector, which requires exactly the string "true".`, suggestions: [{ title: 'Set the label value to "true"', output: CRON_FIXED }] }],
      output: CRON_FIXED,
    },
    {
      name: 'an unquoted true merged in from an anchor two workloads share: found at the alias, the anchor is not edited',
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
          labels: &wi {app: shop, azure.workload.identity/use: true}
        spec:
          containers: []
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      template:
        metadata:
          labels:
            <<: *wi
            tier: worker
        spec:
          containers: []
`,
      errors: [
        { line: 11, column: 64, message: 'The label value is the YAML boolean true, which the API server rejects as a label value; quote it as "true".', suggestions: [] },
        { line: 22, column: 17, endColumn: 20, message: 'The label value is the YAML boolean true, which the API server rejects as a label value; quote it as "true".', suggestions: [] },
      ],
      output: null,
    },
  ],
});
