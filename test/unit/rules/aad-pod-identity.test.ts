import { runRuleTests } from '../rule-tester';
import { aadPodIdentity } from '../../../src/rules/aad-pod-identity';

const deploy = (templateLabels: string, top = '', selector = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
${top}spec:
${selector}  template:
    metadata:
      labels:
${templateLabels}    spec:
      serviceAccountName: api-sa
      containers:
        - name: api
          image: api:1
`;

runRuleTests(aadPodIdentity, {
  valid: [
    deploy('        azure.workload.identity/use: "true"\n'),
    { name: 'a same-named kind of another API group', code: 'apiVersion: example.com/v1\nkind: AzureIdentity\nmetadata:\n  name: x\n' },
    { name: 'a Service is not a pod', code: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    aadpodidbinding: api\n' },
  ],
  invalid: [
    {
      name: 'pod template label: replace with the Workload Identity label',
      code: deploy('        app: api\n        aadpodidbinding: api-identity # bound by AzureIdentityBinding\n'),
      errors: [{
        line: 10, column: 9, endColumn: 24, severity: 'warning',
        message: 'The pod template label aadpodidbinding belongs to aad-pod-identity (deprecated since 2022); Workload Identity uses the pod label azure.workload.identity/use: "true" and the client-id annotation of ServiceAccount api-sa instead.',
        suggestions: [{
          title: 'Replace aadpodidbinding with azure.workload.identity/use: "true" (then annotate ServiceAccount api-sa with the identity\'s client ID)',
          output: deploy('        app: api\n        azure.workload.identity/use: "true" # bound by AzureIdentityBinding\n'),
        }],
      }],
      output: null,
    },
    {
      name: 'on the Deployment metadata and in the selector: metadata label removable, template label must stay',
      code: deploy('        aadpodidbinding: api-identity\n', '  labels:\n    aadpodidbinding: api-identity\n', '  selector:\n    matchLabels:\n      aadpodidbinding: api-identity\n'),
      errors: [
        {
          line: 6, column: 5, message: "The Deployment's own label aadpodidbinding is left over from aad-pod-identity (deprecated since 2022) and does nothing there.",
          suggestions: [{ title: "Remove the aadpodidbinding label from the Deployment's metadata", output: deploy('        aadpodidbinding: api-identity\n', '', '  selector:\n    matchLabels:\n      aadpodidbinding: api-identity\n') }],
        },
        {
          line: 14, column: 9,
          message: 'The pod template label aadpodidbinding belongs to aad-pod-identity (deprecated since 2022), and the Deployment\'s immutable selector matches it, so it stays until the Deployment is recreated; add azure.workload.identity/use: "true" next to it and annotate ServiceAccount api-sa with the identity\'s client ID.',
          suggestions: [{
            title: 'Add azure.workload.identity/use: "true" next to aadpodidbinding (the selector still needs it; annotate ServiceAccount api-sa too)',
            // The immutable selector still matches aadpodidbinding: the label stays (a warning) until the Deployment is recreated.
            partial: 'the selector keeps aadpodidbinding until the Deployment is recreated',
            output: deploy('        aadpodidbinding: api-identity\n        azure.workload.identity/use: "true"\n', '  labels:\n    aadpodidbinding: api-identity\n', '  selector:\n    matchLabels:\n      aadpodidbinding: api-identity\n'),
          }],
        },
      ],
      output: null,
    },
    {
      name: 'a Pod that already opts in: remove the leftover',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    aadpodidbinding: old
    azure.workload.identity/use: "true"
spec:
  containers: []
`,
      errors: [{ line: 6, column: 5, message: 'The pod label aadpodidbinding is left over from aad-pod-identity (deprecated since 2022); the pod already opts in to Workload Identity.', suggestions: [{ title: 'Remove the aadpodidbinding label', output: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
spec:
  containers: []
` }] }],
      output: null,
    },
    {
      name: "CronJob flow labels, single-quoted document",
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: 'nightly'
spec:
  schedule: '@daily'
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: nightly, aadpodidbinding: nightly-id}
        spec:
          containers: []
`,
      errors: [{ line: 11, column: 34, message: 'The pod template label aadpodidbinding belongs to aad-pod-identity (deprecated since 2022); Workload Identity uses the pod label azure.workload.identity/use: "true" and the client-id annotation of ServiceAccount default instead.', suggestions: [{ title: /^Replace aadpodidbinding/, output: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: 'nightly'
spec:
  schedule: '@daily'
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: nightly, azure.workload.identity/use: 'true'}
        spec:
          containers: []
` }] }],
      output: null,
    },
    {
      name: 'the aad-pod-identity objects, in a kind: List',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: aadpodidentity.k8s.io/v1
    kind: AzureIdentity
    metadata: {name: api-identity}
    spec: {type: 0, resourceID: /subscriptions/x, clientID: 11111111-2222-3333-4444-555555555555}
  - apiVersion: aadpodidentity.k8s.io/v1
    kind: AzureIdentityBinding
    metadata: {name: api-binding}
    spec: {azureIdentity: api-identity, selector: api-identity}
  - apiVersion: aadpodidentity.k8s.io/v1
    kind: AzurePodIdentityException
    metadata: {name: ex}
`,
      errors: [
        { line: 5, column: 11, message: "AzureIdentity api-identity is an object of aad-pod-identity (deprecated since 2022); with Workload Identity the identity's client ID goes into the azure.workload.identity/client-id annotation of the pod's ServiceAccount, with a federated credential for that ServiceAccount.", suggestions: [] },
        { line: 9, column: 11, message: 'AzureIdentityBinding api-binding is an object of aad-pod-identity (deprecated since 2022); with Workload Identity the pod opts in with the label azure.workload.identity/use: "true" instead.' },
        { line: 13, column: 11, message: 'AzurePodIdentityException ex is an object of aad-pod-identity (deprecated since 2022); Workload Identity needs no exceptions, so it can go once aad-pod-identity is uninstalled.' },
      ],
      output: null,
    },
    {
      name: 'the deprecated serviceAccount field names the ServiceAccount to annotate',
      code: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    aadpodidbinding: api\nspec:\n  serviceAccount: legacy\n  containers: []\n',
      errors: [{ line: 6, column: 5, message: 'The pod label aadpodidbinding belongs to aad-pod-identity (deprecated since 2022); Workload Identity uses the pod label azure.workload.identity/use: "true" and the client-id annotation of ServiceAccount legacy instead.', suggestions: [{ title: 'Replace aadpodidbinding with azure.workload.identity/use: "true" (then annotate ServiceAccount legacy with the identity\'s client ID)', output: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  serviceAccount: legacy\n  containers: []\n' }] }],
      output: null,
    },
  ],
});
