import { runRuleTests } from '../rule-tester';
import { skipContainersFormat } from '../../../src/rules/skip-containers-format';

const KEY = 'azure.workload.identity/skip-containers';

// A Workload Identity pod (its label after the annotations, so lines stay put) unless `wi` is false.
const deploy = (value: string, extra = '', wi = true) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      annotations:
        ${KEY}: ${value}
${extra}${wi ? '      labels: {azure.workload.identity/use: "true"}\n' : ''}    spec:
      initContainers:
        - name: istio-init
      containers:
        - name: api
        - name: istio-proxy
        - name: linkerd-proxy
`;

const CRON_SEPARATED = `apiVersion: v1
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
              annotations: {"${KEY}": "vault-agent;app"}
            spec:
              initContainers: [{name: vault-agent}]
              containers: [{name: app}]
`;

runRuleTests(skipContainersFormat, {
  valid: [
    deploy('istio-init'),
    deploy('"istio-init;istio-proxy"'),
    deploy("'istio-proxy; linkerd-proxy;'"),
    // The proxy containers the webhook adds may be skipped too.
    deploy('"azwi-proxy;api"', '        azure.workload.identity/inject-proxy-sidecar: "true"\n'),
    // Placeholders: nothing to say.
    deploy('{{ .Values.skipContainers }}'),
    deploy('"${SKIP}"'),
    // Container names that are themselves templated: cannot be checked.
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    azure.workload.identity/skip-containers: sidecar\nspec:\n  containers:\n    - name: {{ .Values.name }}\n',
  ],
  invalid: [
    {
      name: 'commas: safe fix to ";" with names trimmed',
      code: deploy('"istio-proxy, linkerd-proxy"'),
      errors: [
        {
          line: 9,
          column: 50,
          endColumn: 78,
          severity: 'warning',
          message: `The ${KEY} value "istio-proxy, linkerd-proxy" on the pod template of Deployment "api" separates container names with ",", but the webhook splits only on ";", so none of "istio-proxy", "linkerd-proxy" is skipped.`,
          suggestions: [{ title: "Separate container names with ';'", output: deploy('"istio-proxy;linkerd-proxy"') }],
        },
      ],
      output: deploy('"istio-proxy;linkerd-proxy"'),
    },
    {
      name: 'a typo: replaced by the nearest container name',
      code: deploy("'istio-init; linkerd-prxy'"),
      errors: [
        {
          line: 9,
          column: 50,
          message: `The ${KEY} annotation on the pod template of Deployment "api" names a container the pod does not have ("linkerd-prxy"), which the webhook ignores silently; its containers (init containers included) are "istio-init", "api", "istio-proxy", "linkerd-proxy".`,
          suggestions: [{ title: 'Replace "linkerd-prxy" with "linkerd-proxy"', output: deploy("'istio-init; linkerd-proxy'") }],
        },
      ],
      output: null,
    },
    {
      name: 'commas and unknown names: two findings; fix-all only separates',
      code: deploy('istio-proxy,linkerd-prxy,nginx'),
      errors: [
        { line: 9, column: 50, message: /separates container names with ","/, suggestions: [{ title: "Separate container names with ';'", output: deploy('istio-proxy;linkerd-prxy;nginx') }] },
        {
          line: 9,
          column: 50,
          message: /names containers the pod does not have \("linkerd-prxy", "nginx"\)/,
          suggestions: [
            // One finding names both unknown containers; each fix repairs one, so the other is still reported.
            { title: 'Replace "linkerd-prxy" with "linkerd-proxy"', output: deploy('istio-proxy;linkerd-proxy;nginx'), partial: '"nginx" is still unknown' },
            { title: 'Remove "nginx"', output: deploy('istio-proxy;linkerd-prxy'), partial: '"linkerd-prxy" is still unknown' },
          ],
        },
      ],
      output: deploy('istio-proxy;linkerd-prxy;nginx'),
    },
    {
      name: 'the only name is unknown: the annotation goes (with its emptied map)',
      code: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    azure.workload.identity/use: "true"
  annotations:
    ${KEY}: "nginx-sidecar"
spec:
  containers:
    - name: app
`,
      errors: [
        {
          line: 8,
          column: 46,
          message: /on Pod "p" names a container the pod does not have \("nginx-sidecar"\), .* are "app"\.$/,
          suggestions: [{ title: 'Remove the skip-containers annotation', output: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  containers:\n    - name: app\n' }],
        },
      ],
      output: null,
    },
    {
      name: 'CronJob, flow-style annotations in a kind: List',
      code: `apiVersion: v1
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
              annotations: {"${KEY}": "vault-agent,app"}
            spec:
              initContainers: [{name: vault-agent}]
              containers: [{name: app}]
`,
      errors: [{ line: 13, column: 72, message: /on the pod template of CronJob "nightly" separates container names with ","/, suggestions: [{ title: "Separate container names with ';'", output: CRON_SEPARATED }] }],
      output: CRON_SEPARATED,
    },
    {
      name: 'a pod without Workload Identity: the webhook never reads it, so info (the fix still applies)',
      code: deploy('"istio-proxy,linkerd-proxy"', '', false),
      errors: [{
        line: 9, column: 50, severity: 'info',
        message: `The ${KEY} value "istio-proxy,linkerd-proxy" on the pod template of Deployment "api" separates container names with ",", but the webhook splits only on ";", so none of "istio-proxy", "linkerd-proxy" is skipped; the webhook reads it only in the pods it mutates, and this pod does not use Workload Identity (no azure.workload.identity/use label, and no ServiceAccount with a client ID in the workspace).`,
        suggestions: [{ title: "Separate container names with ';'", output: deploy('"istio-proxy;linkerd-proxy"', '', false) }],
      }],
      output: deploy('"istio-proxy;linkerd-proxy"', '', false),
    },
  ],
});
