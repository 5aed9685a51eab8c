import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRuleTests } from '../rule-tester';
import { parseSeconds, tokenExpirationRange } from '../../../src/rules/token-expiration-range';

const KEY = 'azure.workload.identity/service-account-token-expiration';

const sa = (value: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
  annotations:
    ${KEY}: ${value}
`;

const deploy = (value: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
      annotations:
        ${KEY}: ${value} # token lifetime
    spec:
      serviceAccountName: api
      containers: []
`;

test('parseSeconds reads plain numbers and durations', () => {
  assert.equal(parseSeconds('3600'), 3600);
  assert.equal(parseSeconds(' 7200 '), 7200);
  assert.equal(parseSeconds('3600s'), 3600);
  assert.equal(parseSeconds('1h'), 3600);
  assert.equal(parseSeconds('90m'), 5400);
  assert.equal(parseSeconds('1h30m'), 5400);
  assert.equal(parseSeconds('24 hours'), 86400);
  assert.equal(parseSeconds('1d'), 86400);
  assert.equal(parseSeconds('100ms'), undefined);
  assert.equal(parseSeconds('soon'), undefined);
});

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
              annotations: {"${KEY}": 3600}
            spec:
              containers: []
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        ${KEY}: "100000"
    spec:
      containers: []
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
              annotations: {"${KEY}": "3600"}
            spec:
              containers: []
  - apiVersion: v1
    kind: Pod
    metadata:
      name: p
      annotations:
        ${KEY}: "100000"
    spec:
      containers: []
`;

runRuleTests(tokenExpirationRange, {
  valid: [
    sa('"3600"'),
    sa("'86400'"),
    deploy('"7200"'),
    // Empty means unset: the webhook uses the default (or the ServiceAccount's value).
    deploy('""'),
    sa(''),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {azure.workload.identity/service-account-token-expiration: "43200"}\nspec:\n  containers: []\n',
  ],
  invalid: [
    {
      name: 'unquoted number in range: safe fix quotes it, the comment stays',
      code: deploy('7200'),
      errors: [
        {
          line: 12,
          column: 67,
          endColumn: 71,
          severity: 'error',
          message: `The ${KEY} value 7200 on the pod template of Deployment "api" is a YAML number, but annotation values must be strings, so the API server rejects the object; quote it.`,
          suggestions: [{ title: 'Quote the value as "7200"', output: deploy('"7200"') }],
        },
      ],
      output: deploy('"7200"'),
    },
    {
      name: 'below the range on a ServiceAccount: pods that take it (another file) are related; nearer bound first',
      code: sa('"600"'),
      files: {
        'deploy.yaml': deploy('""').replace('api\n  namespace', 'web\n  namespace'),
        'job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: own\n  namespace: shop\nspec:\n  template:\n    metadata:\n      annotations: {azure.workload.identity/service-account-token-expiration: 7200}\n    spec:\n      serviceAccountName: api\n      containers: []\n',
      },
      errors: [
        {
          line: 7,
          column: 63,
          message: `The ${KEY} value "600" on ServiceAccount "api" is outside 3600 to 86400 seconds, so the webhook rejects every pod that runs as this ServiceAccount without its own value ("token expiration 600 not valid. Expected value to be between 3600 and 86400").`,
          related: [{ file: 'deploy.yaml', line: 4 }],
          suggestions: [
            { title: 'Set to "3600" (1 hour)', output: sa('"3600"') },
            { title: 'Set to "86400" (24 hours)', output: sa('"86400"') },
          ],
        },
      ],
      output: null,
    },
    {
      name: 'above the range: 86400 first',
      code: deploy('"604800"'),
      errors: [{ line: 12, column: 67, message: /"604800" on the pod template of Deployment "api" is outside 3600 to 86400 seconds, so the webhook rejects the pod \("token expiration 604800 not valid/, suggestions: [{ title: 'Set to "86400" (24 hours)', output: deploy('"86400"') }, { title: 'Set to "3600" (1 hour)', output: deploy('"3600"') }] }],
      output: null,
    },
    {
      name: 'a duration: suggestion with the seconds, single quotes kept by the document style',
      code: deploy("'1h'").replace('"true"', "'true'"),
      errors: [{ line: 12, column: 67, message: `The ${KEY} value '1h' on the pod template of Deployment "api" is not a whole number of seconds, so the webhook cannot parse it and rejects the pod.`, suggestions: [{ title: 'Set to "3600" (1 hour)', output: deploy("'3600'").replace('"true"', "'true'") }] }],
      output: null,
    },
    {
      name: '3600s and a duration out of range',
      code: `${deploy('"3600s"')}---\n${sa('30m')}`,
      errors: [
        {
          line: 12, column: 67,
          message: `The ${KEY} value "3600s" on the pod template of Deployment "api" is not a whole number of seconds, so the webhook cannot parse it and rejects the pod.`,
          suggestions: [{ title: 'Set to "3600" (1 hour)', output: `${deploy('"3600"')}---\n${sa('30m')}` }],
        },
        {
          line: 23, column: 63, message: /value 30m on ServiceAccount "api" is not a whole number of seconds/,
          suggestions: [{ title: 'Set to "3600" (1 hour)', output: `${deploy('"3600s"')}---\n${sa('"3600"')}` }, { title: 'Set to "86400" (24 hours)', output: `${deploy('"3600s"')}---\n${sa('"86400"')}` }],
        },
      ],
      output: null,
    },
    {
      name: 'unparsable: no guess',
      code: deploy('"forever"'),
      errors: [{ line: 12, column: 67, message: `The ${KEY} value "forever" on the pod template of Deployment "api" is not a whole number of seconds, so the webhook cannot parse it and rejects the pod.`, suggestions: [] }],
      output: null,
    },
    {
      name: 'unquoted number out of range',
      code: deploy('60'),
      errors: [{ line: 12, column: 67, message: /value 60 .* is an unquoted number outside 3600 to 86400 seconds: the API server rejects a non-string annotation, and the webhook rejects the pod/, suggestions: [{ title: 'Set to "3600" (1 hour)', output: deploy('"3600"') }, { title: 'Set to "86400" (24 hours)', output: deploy('"86400"') }] }],
      output: null,
    },
    {
      name: 'placeholders are info only (Helm masked)',
      code: `${deploy('{{ .Values.tokenExpiration }}')}---\n${sa('"${TOKEN_TTL}"')}`,
      errors: [
        { line: 12, column: 67, severity: 'info', message: `The ${KEY} value {{ .Values.tokenExpiration }} on the pod template of Deployment "api" is a placeholder, so it cannot be checked until filled in; it must become a whole number of seconds from 3600 to 86400.` },
        { line: 23, column: 63, severity: 'info', message: `The ${KEY} value "\${TOKEN_TTL}" on ServiceAccount "api" is a placeholder, so it cannot be checked until filled in; it must become a whole number of seconds from 3600 to 86400.` },
      ],
      output: null,
    },
    {
      name: 'CronJob template in a flow map, and a Pod in a kind: List',
      code: LIST,
      errors: [
        // The YAML number is refused by the API server whatever the webhook does: still an error.
        { line: 13, column: 89, severity: 'error', message: /value 3600 on the pod template of CronJob "nightly" is a YAML number/, suggestions: [{ title: 'Quote the value as "3600"', output: LIST_QUOTED }] },
        // A pod without Workload Identity: the webhook never reads the value, so a note (issue 13).
        {
          line: 21, column: 67, severity: 'info',
          message: `The ${KEY} value "100000" on Pod "p" is outside 3600 to 86400 seconds, so the webhook rejects the pod ("token expiration 100000 not valid. Expected value to be between 3600 and 86400"); but the webhook reads it only in the pods it mutates, and this pod does not use Workload Identity (no azure.workload.identity/use label, and no ServiceAccount with a client ID in the workspace).`,
          suggestions: [{ title: 'Set to "86400" (24 hours)', output: LIST.replace('"100000"', '"86400"') }, { title: 'Set to "3600" (1 hour)', output: LIST.replace('"100000"', '"3600"') }],
        },
      ],
      output: LIST_QUOTED,
    },
  ],
});
