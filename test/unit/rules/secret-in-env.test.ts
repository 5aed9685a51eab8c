import { runRuleTests } from '../rule-tester';
import { secretInEnv } from '../../../src/rules/secret-in-env';

const deploy = (env: string) => `apiVersion: apps/v1
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
          image: api:1
          env:
${env}`;

const KEY = 'bm90LWEtcmVhbC1rZXk=';

runRuleTests(secretInEnv, {
  valid: [
    { name: 'the password comes from another variable', code: deploy('            - name: DB\n              value: "Server=db;User Id=app;Password=$(DB_PASSWORD);"\n') },
    { name: 'SharedAccessKeyName alone, key as a placeholder', code: deploy('            - name: SB\n              value: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${SB_KEY}\n') },
    { name: 'an account name is no secret', code: deploy('            - name: STORAGE\n              value: AccountName=demo;EndpointSuffix=core.windows.net\n') },
    { name: 'valueFrom is a reference', code: deploy('            - name: STORAGE\n              valueFrom: {secretKeyRef: {name: st, key: conn}}\n') },
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  conn: "Server=db;Password=;"\n  template: "Password=<your-password>"\nbinaryData:\n  blob: UGFzc3dvcmQ9eA==\n',
    { name: 'a Secret is where it belongs', code: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  conn: AccountKey=${KEY}\n` },
  ],
  invalid: [
    {
      name: 'storage connection string in a literal env value; the key is never shown',
      code: deploy(`            - name: LOG_LEVEL
              value: info
            - name: STORAGE_CONNECTION
              value: "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=${KEY};EndpointSuffix=core.windows.net"
`),
      errors: [{
        line: 18, column: 22, severity: 'warning',
        message: 'The literal value of STORAGE_CONNECTION in container api contains AccountKey=, a secret in plain text in the manifest; use Workload Identity with a role assignment instead, or at least a secretKeyRef.',
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'ConfigMap, block scalar, lower-case markers',
      code: `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: info
  db.properties: |
    url=jdbc:sqlserver://db;user=app;pwd=Sup3r;
    spring.datasource.password = hunter2
`,
      errors: [{ line: 7, column: 18, message: 'The value of key db.properties in ConfigMap app-config contains Password= and Pwd=, a secret in plain text in a ConfigMap; use Workload Identity with a role assignment instead, or at least a Secret.' }],
      output: null,
    },
    {
      name: 'CronJob init container, flow env, two values',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: seed
              env: [{name: SB, value: "Endpoint=sb://ns/;SharedAccessKeyName=Root;SharedAccessKey=${KEY}"}, {value: "Server=db;Pwd=x1", name: SQL}]
          containers: []
`,
      errors: [
        { line: 13, column: 39, message: /^The literal value of SB in init container seed contains SharedAccessKey=, / },
        { line: 13, column: 131, message: /^The literal value of SQL in init container seed contains Pwd=, / },
      ],
      output: null,
    },
    {
      name: 'a ConfigMap inside a kind: List, flow data',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: conns}
    data: {eventhub: "Endpoint=sb://eh/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=events"}
`,
      errors: [{ line: 7, column: 22, message: /^The value of key eventhub in ConfigMap conns contains SharedAccessKey=, / }],
      output: null,
    },
    {
      name: 'a connection string in env every container merges in: any pod, reported at each alias',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: batch
x-env: &env
  env:
    - name: STORAGE
      value: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY}"
spec:
  containers:
    - <<: *env
      name: a
    - <<: *env
      name: b
`,
      errors: [
        { line: 11, column: 11, endColumn: 15, severity: 'warning', message: 'The literal value of STORAGE in container a (through *env) contains AccountKey=, a secret in plain text in the manifest; use Workload Identity with a role assignment instead, or at least a secretKeyRef.' },
        { line: 13, column: 11, severity: 'warning', message: /^The literal value of STORAGE in container b \(through \*env\) contains AccountKey=/ },
      ],
      output: null,
    },
  ],
});
