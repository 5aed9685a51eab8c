import { runRuleTests } from '../rule-tester';
import { annotationOnWrongObject } from '../../../src/rules/annotation-on-wrong-object';

const GUID = '0a1b2c3d-1111-2222-3333-444455556666';
const OTHER = '99999999-1111-2222-3333-444455556666';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const bareSa = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: shop
`;
const saWith = (value: string) => `${bareSa}  annotations:
    azure.workload.identity/client-id: "${value}"
`;

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: shop
  annotations:
    azure.workload.identity/client-id: "${GUID}"
    azure.workload.identity/tenant-id: '${TENANT}'
spec:
  serviceAccountName: api-sa
  containers:
    - name: worker
      image: worker:1
`;
const podWithout = `apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: shop
spec:
  serviceAccountName: api-sa
  containers:
    - name: worker
      image: worker:1
`;

const DEPLOY_MOVED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    team: payments
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: api-sa
      containers: []
---
${saWith(GUID)}`;

const CRON_MOVED = `apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
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
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: default
      annotations:
        azure.workload.identity/client-id: ${GUID}
`;

const SERVICE_MOVED = `apiVersion: v1
kind: Service
metadata:
  name: api-sa
  namespace: shop
spec:
  ports: [{port: 80}]
---
${saWith(GUID)}`;

// The two objects of the pod-annotations case, as written and as fixed.
const POD_ANN_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    azure.workload.identity/skip-containers: init
spec:
  template:
    metadata:
      annotations:
        azure.workload.identity/skip-containers: init
    spec:
      containers: []
`;
const POD_ANN_CRON = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    metadata:
      annotations:
        azure.workload.identity/service-account-token-expiration: "7200"
    spec:
      template:
        spec:
          containers: []
`;
const POD_ANN_DEPLOY_FIXED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      annotations:
        azure.workload.identity/skip-containers: init
    spec:
      containers: []
`;
const POD_ANN_CRON_FIXED = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            azure.workload.identity/service-account-token-expiration: "7200"
        spec:
          containers: []
`;

const IB_ON_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    azure.workload.identity/use-identity-binding: "true"
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: api-sa
      containers: []
`;
const IB_MOVED = IB_ON_DEPLOY.replace('  annotations:\n    azure.workload.identity/use-identity-binding: "true"\n', '').replace('        azure.workload.identity/use: "true"\n', '        azure.workload.identity/use: "true"\n      annotations:\n        azure.workload.identity/use-identity-binding: "true"\n');

runRuleTests(annotationOnWrongObject, {
  valid: [
    saWith(GUID),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
      annotations:
        azure.workload.identity/skip-containers: init
        azure.workload.identity/service-account-token-expiration: "7200"
    spec:
      containers: []
`,
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    azure.workload.identity/inject-proxy-sidecar: "true"\nspec:\n  containers: []\n',
    `${bareSa}  annotations:\n    azure.workload.identity/service-account-token-expiration: "7200"\n`,
  ],
  invalid: [
    {
      name: 'on the Deployment\'s own metadata, ServiceAccount in the same file: moved',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    azure.workload.identity/client-id: "${GUID}"
    team: payments
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: api-sa
      containers: []
---
${bareSa}`,
      errors: [
        {
          line: 7,
          column: 5,
          endColumn: 38,
          severity: 'error',
          message: 'The azure.workload.identity/client-id annotation on Deployment "api" is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as; move it to ServiceAccount "api-sa".',
          related: [{ file: 'test.yaml', line: 21 }],
          suggestions: [{ title: 'Move to ServiceAccount api-sa', output: DEPLOY_MOVED }],
        },
      ],
      output: DEPLOY_MOVED,
    },
    {
      name: 'on a Pod, ServiceAccount in another file: a safe cross-file move (not part of fix-all)',
      code: pod,
      files: { 'sa.yaml': bareSa },
      errors: [
        {
          line: 7,
          column: 5,
          message: 'The azure.workload.identity/client-id annotation on Pod "worker" is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as; move it to ServiceAccount "api-sa".',
          related: [{ file: 'sa.yaml', line: 4 }],
          suggestions: [
            {
              title: 'Move to ServiceAccount api-sa',
              outputs: {
                'test.yaml': pod.replace(`    azure.workload.identity/client-id: "${GUID}"\n`, ''),
                'sa.yaml': saWith(GUID),
              },
            },
          ],
        },
        {
          line: 8,
          column: 5,
          message: /tenant-id annotation on Pod "worker" is ignored/,
          related: [{ file: 'sa.yaml', line: 4 }],
          suggestions: [
            {
              title: 'Move to ServiceAccount api-sa',
              outputs: {
                'test.yaml': pod.replace(`    azure.workload.identity/tenant-id: '${TENANT}'\n`, ''),
                'sa.yaml': `${bareSa}  annotations:\n    azure.workload.identity/tenant-id: '${TENANT}'\n`,
              },
            },
          ],
        },
      ],
      output: null,
    },
    {
      name: 'the ServiceAccount already has the same value (case aside): remove the duplicate, emptied annotations go too',
      code: pod.replace(`    azure.workload.identity/tenant-id: '${TENANT}'\n`, ''),
      files: { 'sa.yaml': saWith(GUID.toUpperCase()) },
      errors: [
        {
          line: 7,
          column: 5,
          message: /ServiceAccount "api-sa" already carries the same value, so this copy can go\.$/,
          related: [{ file: 'sa.yaml', line: 7 }],
          suggestions: [{ title: 'Remove the duplicate annotation', output: podWithout }],
        },
      ],
      output: podWithout,
    },
    {
      name: 'the ServiceAccount has a different value: a suggestion that names the GUID it replaces',
      code: pod.replace(`    azure.workload.identity/tenant-id: '${TENANT}'\n`, ''),
      files: { 'sa.yaml': saWith(OTHER) },
      errors: [
        {
          line: 7,
          column: 5,
          message: /ServiceAccount "api-sa" carries a different value, which is the one pods get\.$/,
          suggestions: [{ title: `Move to ServiceAccount api-sa (replaces ${OTHER})`, outputs: { 'test.yaml': podWithout, 'sa.yaml': saWith(GUID) } }],
        },
      ],
      output: null,
    },
    {
      name: 'the ServiceAccount is not in the workspace: no fix, the message says where it belongs',
      code: pod.replace(`    azure.workload.identity/tenant-id: '${TENANT}'\n`, ''),
      errors: [
        {
          line: 7,
          column: 5,
          message: 'The azure.workload.identity/client-id annotation on Pod "worker" is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as; it belongs on ServiceAccount "api-sa" in namespace "shop", which is not in the workspace.',
          suggestions: [],
        },
      ],
      output: null,
    },
    {
      name: 'the deprecated serviceAccount field names the ServiceAccount too',
      code: pod.replace(`    azure.workload.identity/tenant-id: '${TENANT}'\n`, '').replace('serviceAccountName: api-sa', 'serviceAccount: legacy-sa'),
      errors: [{ line: 7, column: 5, message: /it belongs on ServiceAccount "legacy-sa" in namespace "shop", which is not in the workspace\.$/, suggestions: [] }],
      output: null,
    },
    {
      name: 'CronJob pod template label in a flow map, default ServiceAccount in a kind: List',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      schedule: "0 0 * * *"
      jobTemplate:
        spec:
          template:
            metadata:
              labels: {azure.workload.identity/use: "true", azure.workload.identity/client-id: ${GUID}}
            spec:
              containers: []
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: default
`,
      errors: [
        {
          line: 14,
          column: 61,
          message: 'The azure.workload.identity/client-id label on the pod template of CronJob "nightly" is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as; move it to ServiceAccount "default".',
          related: [{ file: 'test.yaml', line: 20 }],
          suggestions: [{ title: 'Move to ServiceAccount default', output: CRON_MOVED }],
        },
      ],
      output: CRON_MOVED,
    },
    {
      name: 'a Service: moved to the ServiceAccount of the same name',
      code: `apiVersion: v1
kind: Service
metadata:
  name: api-sa
  namespace: shop
  annotations:
    azure.workload.identity/client-id: "${GUID}"
spec:
  ports: [{port: 80}]
---
${bareSa}`,
      errors: [{ line: 7, column: 5, message: /annotation on Service "api-sa" is ignored: .* move it to ServiceAccount "api-sa"\.$/, suggestions: [{ title: 'Move to ServiceAccount api-sa', output: SERVICE_MOVED }] }],
      output: SERVICE_MOVED,
    },
    {
      name: 'a ConfigMap: no ServiceAccount to guess',
      code: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\ndata: {}\n`,
      errors: [{ line: 6, column: 5, message: 'The azure.workload.identity/client-id annotation on ConfigMap "cfg" is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as; put it on that ServiceAccount.', suggestions: [] }],
      output: null,
    },
    {
      name: 'a label on the ServiceAccount (quoted key): made an annotation',
      code: `${bareSa}  labels:\n    "azure.workload.identity/client-id": "${GUID}"\n`,
      errors: [
        {
          line: 7,
          column: 5,
          message: 'The azure.workload.identity/client-id label on ServiceAccount "api-sa" is ignored: the webhook reads it only from the ServiceAccount\'s annotations; make it an annotation.',
          suggestions: [{ title: "Move to the ServiceAccount's annotations", output: saWith(GUID) }],
        },
      ],
      output: saWith(GUID),
    },
    {
      name: 'a label on the ServiceAccount next to the same annotation: the label goes',
      code: `${bareSa}  labels:\n    app: api\n    azure.workload.identity/client-id: "${GUID}"\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\n`,
      errors: [{
        line: 8, column: 5, related: [{ file: 'test.yaml', line: 10 }],
        message: 'The azure.workload.identity/client-id label on ServiceAccount "api-sa" is ignored: the webhook reads it only from the ServiceAccount\'s annotations; the annotation with the same value is already there, so this label can go.',
        suggestions: [{ title: 'Remove the duplicate label', output: `${bareSa}  labels:\n    app: api\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\n` }],
      }],
      output: `${bareSa}  labels:\n    app: api\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\n`,
    },
    {
      name: 'pod annotations on the Deployment and on a CronJob\'s job template: moved into the pod template',
      code: `${POD_ANN_DEPLOY}---\n${POD_ANN_CRON}`,
      errors: [
        {
          line: 6,
          column: 5,
          message: 'The azure.workload.identity/skip-containers annotation on Deployment "api" does nothing: the webhook reads it only from the pod\'s annotations; spec.template.metadata.annotations already carries the same value, so this copy can go.',
          related: [{ file: 'test.yaml', line: 11 }],
          suggestions: [{ title: 'Remove the duplicate annotation', output: `${POD_ANN_DEPLOY_FIXED}---\n${POD_ANN_CRON}` }],
        },
        {
          line: 23,
          column: 9,
          message: 'The azure.workload.identity/service-account-token-expiration annotation on the job template of CronJob "nightly" does nothing: the webhook reads it only from the pod\'s or the ServiceAccount\'s annotations, so it belongs in spec.jobTemplate.spec.template.metadata.annotations.',
          suggestions: [{ title: 'Move to spec.jobTemplate.spec.template.metadata.annotations', output: `${POD_ANN_DEPLOY}---\n${POD_ANN_CRON_FIXED}` }],
        },
      ],
      output: `${POD_ANN_DEPLOY_FIXED}---\n${POD_ANN_CRON_FIXED}`,
    },
    {
      name: 'a pod-only annotation on a ServiceAccount: no fix, the workloads that run as it are related',
      code: `${bareSa}  annotations:\n    azure.workload.identity/inject-proxy-sidecar: "true"\n`,
      files: { 'deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    spec:\n      serviceAccountName: api-sa\n      containers: []\n` },
      errors: [
        {
          line: 7,
          column: 5,
          message: 'The azure.workload.identity/inject-proxy-sidecar annotation on ServiceAccount "api-sa" does nothing: the webhook reads it only from the pod\'s annotations, so it belongs in the pod template of each workload that runs as this ServiceAccount.',
          related: [{ file: 'deploy.yaml', line: 4 }],
          suggestions: [],
        },
      ],
      output: null,
    },
    {
      name: 'use-identity-binding on the ServiceAccount (as Microsoft\'s docs never put it): it belongs in the pod template',
      code: `${bareSa}  annotations:\n    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/use-identity-binding: "true"\n`,
      errors: [{ line: 8, column: 5, message: /^The azure\.workload\.identity\/use-identity-binding annotation on ServiceAccount "api-sa" does nothing: the webhook reads it only from the pod's annotations/, suggestions: [] }],
      output: null,
    },
    {
      name: "use-identity-binding on the Deployment's own metadata: moved into the pod template",
      code: IB_ON_DEPLOY,
      errors: [{ line: 6, column: 5, message: /^The azure\.workload\.identity\/use-identity-binding annotation on Deployment "api" does nothing: the webhook reads it only from the pod's annotations, so it belongs in spec\.template\.metadata\.annotations\.$/, suggestions: [{ title: 'Move to spec.template.metadata.annotations', output: IB_MOVED }] }],
      output: IB_MOVED,
    },
  ],
});
