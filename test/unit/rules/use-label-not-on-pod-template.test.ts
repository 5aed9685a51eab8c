import { runRuleTests } from '../rule-tester';
import { useLabelNotOnPodTemplate } from '../../../src/rules/use-label-not-on-pod-template';

const MOVED_WITH_COMMENT = `apiVersion: apps/v1
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
        azure.workload.identity/use: "true" # opt in
    spec:
      containers: []
`;

// Adding the label to the template ends the error; the label stays in the immutable selector, which
// no fix edits, so the finding there becomes the selector warning.
const SELECTOR_STAYS = 'the label stays in the selector (a warning, no fix)';

const SELECTOR_ONLY_FIXED = `apiVersion: apps/v1
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
`;

const POD_MOVED = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
spec:
  containers: []
`;

const STS = `apiVersion: apps/v1
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
`;

const STS_FIXED = `apiVersion: apps/v1
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
`;

const ALIAS_SELECTOR_FIXED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: &sel {app: api, azure.workload.identity/use: "true"}
spec:
  selector:
    matchLabels: *sel
  template:
    metadata:
      labels:
        app: api
        azure.workload.identity/use: "true"
    spec:
      containers: []
`;

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
      errors: [{ line: 7, column: 5, endColumn: 32, message: "The azure.workload.identity/use label is on the Deployment's own metadata.labels, where the webhook never looks; it must be in spec.template.metadata.labels.", suggestions: [{ title: 'Move the label to spec.template.metadata.labels', output: MOVED_WITH_COMMENT }] }],
      output: MOVED_WITH_COMMENT,
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
      errors: [{ line: 8, column: 7, message: 'The azure.workload.identity/use label is in spec.selector.matchLabels but not in spec.template.metadata.labels, where the webhook reads it (and which the selector must match); and a selector cannot be changed once the Deployment exists: removing or changing the label later fails with "field is immutable" and means deleting and recreating the Deployment.', suggestions: [{ title: 'Add the label to spec.template.metadata.labels (the selector is left as it is)', partial: SELECTOR_STAYS, output: SELECTOR_ONLY_FIXED }] }],
      output: SELECTOR_ONLY_FIXED,
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
      errors: [{ line: 6, column: 5, message: /a pod annotation/, suggestions: [{ title: "Move the label to the pod's metadata.labels", output: POD_MOVED }] }],
      output: POD_MOVED,
    },
    {
      name: 'both metadata and selector: two findings, one fix-all result',
      code: STS,
      errors: [
        {
          line: 5, column: 12,
          message: "The azure.workload.identity/use label is on the StatefulSet's own metadata.labels, where the webhook never looks; it must be in spec.template.metadata.labels.",
          suggestions: [{ title: 'Move the label to spec.template.metadata.labels', output: STS_FIXED }],
        },
        {
          line: 9, column: 7,
          message: 'The azure.workload.identity/use label is in spec.selector.matchLabels but not in spec.template.metadata.labels, where the webhook reads it (and which the selector must match); and a selector cannot be changed once the StatefulSet exists: removing or changing the label later fails with "field is immutable" and means deleting and recreating the StatefulSet.',
          suggestions: [{ title: 'Add the label to spec.template.metadata.labels (the selector is left as it is)', partial: SELECTOR_STAYS, output: STS.replace('        app: db\n', '        app: db\n        azure.workload.identity/use: "true"\n') }],
        },
      ],
      output: STS_FIXED,
    },
    {
      // The shape of Azure-Samples/azure-ad-workload-identity scripts/todolist.yml (issue 13).
      name: 'in the selector AND on the template: still a warning (the selector is immutable), no fix',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: todolist-api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: todolist-api
      azure.workload.identity/use: "true"
  template:
    metadata:
      labels:
        app: todolist-api
        azure.workload.identity/use: "true"
    spec:
      containers: []
`,
      errors: [{
        line: 10, column: 7, endColumn: 34, severity: 'warning',
        message: 'The azure.workload.identity/use label is in spec.selector.matchLabels, which cannot be changed once the Deployment exists: removing or changing the label later fails with "field is immutable" and means deleting and recreating the Deployment. The webhook reads it only from spec.template.metadata.labels, which has it too, so the selector does not need it; no fix is offered, as a selector cannot be edited in place.',
        suggestions: [],
      }],
      output: null,
    },
    {
      name: 'a matchExpressions key: warning at the key, no fix',
      code: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchExpressions:
      - {key: app, operator: In, values: [agent]}
      - key: azure.workload.identity/use
        operator: Exists
  template:
    metadata:
      labels: {app: agent, azure.workload.identity/use: "true"}
    spec:
      containers: []
`,
      errors: [{ line: 9, column: 9, severity: 'warning', message: /^The azure\.workload\.identity\/use label is in a spec\.selector\.matchExpressions key, which cannot be changed once the DaemonSet exists: .* which has it too, so the selector does not need it; no fix is offered/, suggestions: [] }],
      output: null,
    },
    {
      name: 'the template inherits the label through <<: *labels: only the selector is reported',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: &labels
    app: api
    azure.workload.identity/use: "true"
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels:
        <<: *labels
        tier: web
    spec:
      containers: []
`,
      errors: [{ line: 10, column: 18, endColumn: 25, severity: 'warning', message: /^The azure\.workload\.identity\/use label is in spec\.selector\.matchLabels, which cannot be changed/, suggestions: [] }],
      output: null,
    },
    {
      name: 'in the selector through an alias, not on the template: the error points at the alias; the label is added to the template',
      code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: &sel {app: api, azure.workload.identity/use: "true"}
spec:
  selector:
    matchLabels: *sel
  template:
    metadata:
      labels:
        app: api
    spec:
      containers: []
`,
      errors: [
        { line: 5, column: 27, message: "The azure.workload.identity/use label is on the Deployment's own metadata.labels, where the webhook never looks; it must be in spec.template.metadata.labels.", suggestions: [] },
        {
          line: 8, column: 18, severity: 'error',
          message: 'The azure.workload.identity/use label is in spec.selector.matchLabels but not in spec.template.metadata.labels, where the webhook reads it (and which the selector must match); and a selector cannot be changed once the Deployment exists: removing or changing the label later fails with "field is immutable" and means deleting and recreating the Deployment.',
          suggestions: [{ title: 'Add the label to spec.template.metadata.labels (the selector is left as it is)', partial: SELECTOR_STAYS, output: ALIAS_SELECTOR_FIXED }],
        },
      ],
      output: ALIAS_SELECTOR_FIXED,
    },
  ],
});
