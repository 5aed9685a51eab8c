import { runRuleTests } from '../rule-tester';
import { excludedNamespace } from '../../../src/rules/excluded-namespace';

const deploy = (ns: string, label = '"true"') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ${ns}
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: ${label}
    spec:
      serviceAccountName: agent
      containers: []
`;

const namespace = (name: string, labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
${labels}`;

runRuleTests(excludedNamespace, {
  valid: [
    deploy('prod'),
    { name: 'opt-out in kube-system', code: deploy('kube-system', '"false"') },
    { name: 'no WI label in kube-system', code: deploy('kube-system').replace('azure.workload.identity/use: "true"', 'app: agent') },
    { name: 'Namespace object without control-plane', code: deploy('ops'), files: { 'ns.yaml': namespace('ops', '    team: ops\n') } },
    { name: 'implicit namespace', code: deploy('prod').replace('  namespace: prod\n', '') },
  ],
  invalid: [
    {
      name: 'kube-system',
      code: deploy('kube-system'),
      errors: [{
        line: 5,
        column: 14,
        endColumn: 25,
        severity: 'warning',
        message: 'Deployment agent asks for Workload Identity but is in namespace kube-system, whose pods the webhook does not mutate on AKS (the admissions enforcer excludes it), so nothing is injected.',
        related: [],
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'cross-file: a Namespace labelled control-plane',
      code: deploy('platform'),
      files: { 'ns.yaml': namespace('platform', '    control-plane: "true"\n') },
      errors: [{
        line: 5,
        column: 14,
        message: 'Deployment agent asks for Workload Identity but is in namespace platform, which is labelled control-plane, so on AKS the webhook does not mutate its pods (the admissions enforcer excludes such namespaces) and nothing is injected.',
        related: [{ file: 'ns.yaml', line: 6 }],
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'CronJob in kube-system',
      code: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: "kube-system"
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          containers: []
`,
      errors: [{ line: 5, column: 14, message: /^CronJob nightly asks for Workload Identity but is in namespace kube-system/ }],
      output: null,
    },
    {
      name: 'Pod with flow-style metadata; Namespace in the same file, flow labels',
      code: `apiVersion: v1
kind: Namespace
metadata: {name: sys, labels: {control-plane: ""}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: sys, labels: {azure.workload.identity/use: "true"}}
spec: {containers: []}
`,
      errors: [{ line: 7, column: 32, message: /^Pod p asks for Workload Identity but is in namespace sys, which is labelled control-plane/, related: [{ file: 'test.yaml', line: 3 }] }],
    },
    {
      name: 'kind: List',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: agent
      namespace: kube-system
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
        spec:
          containers: []
`,
      errors: [{ line: 8, column: 18, message: /^DaemonSet agent/ }],
    },
  ],
});
