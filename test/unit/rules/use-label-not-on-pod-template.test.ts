import { runRuleTests } from '../rule-tester';
import { useLabelNotOnPodTemplate } from '../../../src/rules/use-label-not-on-pod-template';

runRuleTests(useLabelNotOnPodTemplate, {
  valid: [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    azure.workload.identity/use: "true"
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      containers: []
`,
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  labels:\n    azure.workload.identity/use: "true"\n',
  ],
  invalid: [
    {
      name: 'on the Deployment metadata: moved into existing template labels',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
    azure.workload.identity/use: "true" # opt in
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers: []
`,
      errors: [{ line: 7, column: 5, endColumn: 32, message: "The azure.workload.identity/use label is on the Deployment's own metadata.labels, where the webhook never looks; it must be in spec.template.metadata.labels." }],
      output: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
        azure.workload.identity/use: "true"
    spec:
      containers: []
`,
    },
    {
      name: 'in the selector only: template gets the label, selector untouched; template metadata created',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      azure.workload.identity/use: "true"
  template:
    spec:
      containers: []
`,
      errors: [{ line: 8, column: 7, suggestions: [{ title: 'Add the label to spec.template.metadata.labels (the selector is left as it is)', output: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      azure.workload.identity/use: "true"
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      containers: []
` }] }],
    },
    {
      name: 'as a pod annotation, the only annotation: annotations removed',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    azure.workload.identity/use: "true"
spec:
  containers: []
`,
      errors: [{ line: 6, column: 5, message: /a pod annotation/ }],
      output: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
spec:
  containers: []
`,
    },
    {
      name: 'both metadata and selector: two findings, one fix-all result',
      code: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  labels: {azure.workload.identity/use: "true"}
spec:
  selector:
    matchLabels:
      azure.workload.identity/use: "true"
  template:
    metadata:
      labels:
        app: db
    spec:
      containers: []
`,
      errors: [{ line: 5, column: 12 }, { line: 9, column: 7 }],
      output: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector:
    matchLabels:
      azure.workload.identity/use: "true"
  template:
    metadata:
      labels:
        app: db
        azure.workload.identity/use: "true"
    spec:
      containers: []
`,
    },
  ],
});
