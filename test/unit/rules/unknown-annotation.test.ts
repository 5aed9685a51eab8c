import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRuleTests } from '../rule-tester';
import { intendedSuffixes, unknownAnnotation } from '../../../src/rules/unknown-annotation';

const GUID = '0a1b2c3d-1111-2222-3333-444455556666';

const sa = (annotations: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  annotations:
${annotations}`;

test('intended keys: normalisation, edit distance, words', () => {
  assert.deepEqual(intendedSuffixes('client_id'), ['client-id']);
  assert.deepEqual(intendedSuffixes('clientId'), ['client-id']);
  assert.deepEqual(intendedSuffixes('clientID'), ['client-id']);
  assert.deepEqual(intendedSuffixes('TENANT_ID'), ['tenant-id']);
  assert.deepEqual(intendedSuffixes('skip-container'), ['skip-containers']);
  assert.deepEqual(intendedSuffixes('token-expiration'), ['service-account-token-expiration']);
  assert.deepEqual(intendedSuffixes('token-expiry'), ['service-account-token-expiration']);
  assert.deepEqual(intendedSuffixes('use-label'), ['use']);
  assert.deepEqual(intendedSuffixes('proxy-port'), ['proxy-sidecar-port']);
  assert.deepEqual(intendedSuffixes('inject-proxy'), ['inject-proxy-sidecar']);
  assert.deepEqual(intendedSuffixes('sidecar'), ['inject-proxy-sidecar', 'proxy-sidecar-port']);
  assert.deepEqual(intendedSuffixes('id'), ['client-id', 'tenant-id']);
  assert.deepEqual(intendedSuffixes('user'), []);
  assert.deepEqual(intendedSuffixes('identity'), []);
});

const KEDA_RENAMED = `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: azure-auth
  annotations:
    azure.workload.identity/client-id: "${GUID}"
spec:
  podIdentity:
    provider: azure-workload
`;

const NEAR_MISS = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure-workload-identity/use: "true"
  annotations:
    azure.workload.identity.io/skip-containers: init
    azure.workloadidentity/proxy-sidecar-port: "8080"
    Azure.Workload-Identity/inject-proxy-sidecar: "true"
spec:
  containers: []
`;

const CRON = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use-label: "true"
          annotations:
            azure.workload.identity/skip-container: init
            azure.workload.identity/sidecar: "true"
            azure.workload.identity/token-expiration: "7200"
            azure.workload.identity/service-account-token-expiration: "3600"
        spec:
          containers: []
`;

const LIST_RENAMED = `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      annotations:
        azure.workload.identity/client-id: "${GUID}"
    spec:
      template:
        spec:
          containers: []
`;

runRuleTests(unknownAnnotation, {
  valid: [
    sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/tenant-id: "${GUID}"\n    azure.workload.identity/service-account-token-expiration: "3600"\n`),
    // AKS identity bindings: read by newer webhooks, not a typo.
    sa(`    azure.workload.identity/use-identity-binding: "true"\n`),
    sa(`    azure.workload.identity/{{ .Values.key }}: x\n`),
    sa(`    app.kubernetes.io/name: api\n    azure.workload.identity: odd-but-not-ours\n    example.com/azure.workload.identity-client-id: x\n`),
    // The webhook's own objects, as upstream's deploy/azure-wi-webhook.yaml and Helm chart label them
    // (and the AKS add-on's, and OpenShift's pod-identity-webhook): somebody else's prefix (issue 13).
    {
      name: 'azure-workload-identity.io/system on the webhook\'s own objects',
      code: `apiVersion: v1
kind: Namespace
metadata:
  labels:
    azure-workload-identity.io/system: "true"
    pod-security.kubernetes.io/enforce: restricted
  name: azure-workload-identity-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    azure-workload-identity.io/system: "true"
  name: azure-wi-webhook-admin
  namespace: azure-workload-identity-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    azure-workload-identity.io/system: "true"
  name: azure-wi-webhook-controller-manager
  namespace: azure-workload-identity-system
spec:
  replicas: 2
  selector:
    matchLabels:
      azure-workload-identity.io/system: "true"
  template:
    metadata:
      labels:
        azure-workload-identity.io/system: "true"
    spec:
      serviceAccountName: azure-wi-webhook-admin
      containers:
        - name: manager
          image: mcr.microsoft.com/oss/azure/workload-identity/webhook:v1.5.1
`,
    },
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api, azure.workload.identity/use: "true"}
      annotations:
        azure.workload.identity/skip-containers: init
        azure.workload.identity/inject-proxy-sidecar: "true"
        azure.workload.identity/proxy-sidecar-port: "8080"
    spec:
      containers: []
`,
  ],
  invalid: [
    {
      name: 'a custom resource is checked too (rules with kind "*")',
      code: `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: azure-auth
  annotations:
    azure.workload.identity/client_id: "${GUID}"
spec:
  podIdentity:
    provider: azure-workload
`,
      errors: [{ line: 6, column: 5, message: /client-id/, suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: KEDA_RENAMED }] }],
      output: KEDA_RENAMED,
    },
    {
      name: 'client_id on a ServiceAccount, quoted key keeps its quotes',
      code: sa(`    "azure.workload.identity/client_id": "${GUID}" # identity api\n`),
      errors: [
        {
          line: 6,
          column: 5,
          endColumn: 40,
          severity: 'error',
          message: 'The annotation key "azure.workload.identity/client_id" on ServiceAccount "api" is not one the Workload Identity webhook reads, so it is silently ignored; the intended key is probably "azure.workload.identity/client-id".',
          suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: sa(`    "azure.workload.identity/client-id": "${GUID}" # identity api\n`) }],
        },
      ],
      output: sa(`    "azure.workload.identity/client-id": "${GUID}" # identity api\n`),
    },
    {
      name: 'tenantId in a flow-style map',
      code: `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, annotations: {azure.workload.identity/tenantId: "${GUID}"}}\n`,
      errors: [{ line: 3, column: 37, message: /"azure\.workload\.identity\/tenantId" on ServiceAccount "api" .* "azure\.workload\.identity\/tenant-id"\.$/, suggestions: [{ title: 'Rename to azure.workload.identity/tenant-id', output: `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, annotations: {azure.workload.identity/tenant-id: "${GUID}"}}\n` }] }],
      output: `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, annotations: {azure.workload.identity/tenant-id: "${GUID}"}}\n`,
    },
    {
      name: 'near-miss prefixes on a Pod, labels and annotations',
      code: NEAR_MISS,
      errors: [
        { line: 6, column: 5, message: 'The label key "azure-workload-identity/use" on Pod "p" has the wrong prefix (the webhook reads only azure.workload.identity/), so it is silently ignored; the intended key is probably "azure.workload.identity/use".', suggestions: [{ title: 'Rename to azure.workload.identity/use', output: NEAR_MISS.replace('azure-workload-identity/use', 'azure.workload.identity/use') }] },
        { line: 8, column: 5, message: /"azure\.workload\.identity\.io\/skip-containers" on Pod "p" has the wrong prefix/, suggestions: [{ title: 'Rename to azure.workload.identity/skip-containers', output: NEAR_MISS.replace('azure.workload.identity.io/skip-containers', 'azure.workload.identity/skip-containers') }] },
        { line: 9, column: 5, message: /"azure\.workloadidentity\/proxy-sidecar-port" on Pod "p" has the wrong prefix/, suggestions: [{ title: 'Rename to azure.workload.identity/proxy-sidecar-port', output: NEAR_MISS.replace('azure.workloadidentity/proxy-sidecar-port', 'azure.workload.identity/proxy-sidecar-port') }] },
        { line: 10, column: 5, message: /"Azure\.Workload-Identity\/inject-proxy-sidecar" on Pod "p" has the wrong prefix/, suggestions: [{ title: 'Rename to azure.workload.identity/inject-proxy-sidecar', output: NEAR_MISS.replace('Azure.Workload-Identity/inject-proxy-sidecar', 'azure.workload.identity/inject-proxy-sidecar') }] },
      ],
      output: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
  annotations:
    azure.workload.identity/skip-containers: init
    azure.workload.identity/proxy-sidecar-port: "8080"
    azure.workload.identity/inject-proxy-sidecar: "true"
spec:
  containers: []
`,
    },
    {
      name: 'CronJob pod template: safe rename, several candidates, and a rename that would duplicate a key',
      code: CRON,
      errors: [
        {
          line: 12,
          column: 13,
          message: 'The label key "azure.workload.identity/use-label" on the pod template of CronJob "nightly" is not one the Workload Identity webhook reads, so it is silently ignored; the intended key is probably "azure.workload.identity/use".',
          suggestions: [{ title: 'Rename to azure.workload.identity/use', output: CRON.replace('azure.workload.identity/use-label:', 'azure.workload.identity/use:') }],
        },
        {
          line: 14,
          column: 13,
          message: 'The annotation key "azure.workload.identity/skip-container" on the pod template of CronJob "nightly" is not one the Workload Identity webhook reads, so it is silently ignored; the intended key is probably "azure.workload.identity/skip-containers".',
          suggestions: [{ title: 'Rename to azure.workload.identity/skip-containers', output: CRON.replace('azure.workload.identity/skip-container:', 'azure.workload.identity/skip-containers:') }],
        },
        {
          line: 15,
          column: 13,
          message: 'The annotation key "azure.workload.identity/sidecar" on the pod template of CronJob "nightly" is not one the Workload Identity webhook reads, so it is silently ignored; it may be meant as "azure.workload.identity/inject-proxy-sidecar" or "azure.workload.identity/proxy-sidecar-port".',
          suggestions: [
            { title: 'Rename to azure.workload.identity/inject-proxy-sidecar', output: CRON.replace('azure.workload.identity/sidecar:', 'azure.workload.identity/inject-proxy-sidecar:') },
            { title: 'Rename to azure.workload.identity/proxy-sidecar-port', output: CRON.replace('azure.workload.identity/sidecar:', 'azure.workload.identity/proxy-sidecar-port:') },
          ],
        },
        {
          line: 16,
          column: 13,
          message: /"azure\.workload\.identity\/token-expiration" .* probably "azure\.workload\.identity\/service-account-token-expiration"\.$/,
          suggestions: [
            {
              title: 'Remove azure.workload.identity/token-expiration (azure.workload.identity/service-account-token-expiration is already set)',
              output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use-label: "true"
          annotations:
            azure.workload.identity/skip-container: init
            azure.workload.identity/sidecar: "true"
            azure.workload.identity/service-account-token-expiration: "3600"
        spec:
          containers: []
`,
            },
          ],
        },
      ],
      output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
          annotations:
            azure.workload.identity/skip-containers: init
            azure.workload.identity/sidecar: "true"
            azure.workload.identity/token-expiration: "7200"
            azure.workload.identity/service-account-token-expiration: "3600"
        spec:
          containers: []
`,
    },
    {
      name: 'two typos of the same key: neither rename is safe',
      code: sa(`    azure.workload.identity/client_id: "${GUID}"\n    azure.workload.identity/clientId: "${GUID}"\n`),
      errors: [
        { line: 6, column: 5, message: 'The annotation key "azure.workload.identity/client_id" on ServiceAccount "api" is not one the Workload Identity webhook reads, so it is silently ignored; the intended key is probably "azure.workload.identity/client-id".', suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/clientId: "${GUID}"\n`) }] },
        {
          line: 7, column: 5,
          message: 'The annotation key "azure.workload.identity/clientId" on ServiceAccount "api" is not one the Workload Identity webhook reads, so it is silently ignored; the intended key is probably "azure.workload.identity/client-id".',
          suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: sa(`    azure.workload.identity/client_id: "${GUID}"\n    azure.workload.identity/client-id: "${GUID}"\n`) }],
        },
      ],
      output: null,
    },
    {
      name: 'no likely key: no fix, the known keys are listed',
      code: sa(`    azure.workload.identity/identity: api\n`),
      errors: [{ line: 6, column: 5, message: 'The annotation key "azure.workload.identity/identity" on ServiceAccount "api" is not one the Workload Identity webhook reads, so it is silently ignored; the keys it reads are use, client-id, tenant-id, service-account-token-expiration, skip-containers, inject-proxy-sidecar, proxy-sidecar-port (under azure.workload.identity/).', suggestions: [] }],
      output: null,
    },
    {
      name: 'on a Deployment\'s own metadata and in a kind: List',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      annotations:
        azure.workload.identity/clientID: "${GUID}"
    spec:
      template:
        spec:
          containers: []
`,
      errors: [{ line: 9, column: 9, message: /"azure\.workload\.identity\/clientID" on Deployment "api"/, suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: LIST_RENAMED }] }],
      output: LIST_RENAMED,
    },
    {
      name: 'a Service',
      code: `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client_id: "${GUID}"\nspec:\n  ports: [{port: 80}]\n`,
      errors: [{ line: 6, column: 5, message: /on Service "api"/, suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\nspec:\n  ports: [{port: 80}]\n` }] }],
      output: `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: "${GUID}"\nspec:\n  ports: [{port: 80}]\n`,
    },
    {
      name: 'one of the webhook\'s keys under the foreign prefix is the webhook\'s key with the wrong prefix',
      code: sa(`    azure-workload-identity.io/client-id: "${GUID}"\n    azure-workload-identity.io/system: "true"\n`),
      errors: [{
        line: 6, column: 5,
        message: 'The annotation key "azure-workload-identity.io/client-id" on ServiceAccount "api" has the wrong prefix (the webhook reads only azure.workload.identity/), so it is silently ignored; the intended key is probably "azure.workload.identity/client-id".',
        suggestions: [{ title: 'Rename to azure.workload.identity/client-id', output: sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure-workload-identity.io/system: "true"\n`) }],
      }],
      output: sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure-workload-identity.io/system: "true"\n`),
    },
    {
      // A Terraform-written pod label seen in a public repository, as YAML.
      name: 'azure-workload-identity/use: a near-miss prefix nobody uses',
      code: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: spin-test\n  labels:\n    azure-workload-identity/use: "true"\nspec:\n  containers: []\n',
      errors: [{ line: 6, column: 5, message: /^The label key "azure-workload-identity\/use" on Pod "spin-test" has the wrong prefix/, suggestions: [{ title: 'Rename to azure.workload.identity/use', output: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: spin-test\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  containers: []\n' }] }],
      output: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: spin-test\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  containers: []\n',
    },
    {
      name: 'a typo merged in from an anchor: reported at the alias, the anchor is not renamed',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: api
      annotations: &wi
        azure.workload.identity/clientId: "${GUID}"
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: worker
      annotations:
        <<: *wi
        team: data
`,
      errors: [
        { line: 9, column: 9, message: /"azure\.workload\.identity\/clientId" on ServiceAccount "api"/, suggestions: [] },
        { line: 15, column: 13, endColumn: 16, message: /"azure\.workload\.identity\/clientId" on ServiceAccount "worker" .* probably "azure\.workload\.identity\/client-id"\.$/, suggestions: [] },
      ],
      output: null,
    },
  ],
});
