import { runRuleTests } from '../rule-tester';
import { certManagerIssuerAmbient } from '../../../src/rules/cert-manager-issuer-ambient';

const issuer = (dns: string, kind = 'Issuer') => `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata:
  name: le
  namespace: web
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: le-key
    solvers:
      - dns01:
          azureDNS:
${dns}`;

const AMBIENT = '            subscriptionID: "00000000-0000-0000-0000-000000000003"\n            resourceGroupName: dns\n            hostedZoneName: example.com\n            managedIdentity:\n              clientID: "00000000-0000-0000-0000-000000000001"\n';
const SP = '            clientID: "00000000-0000-0000-0000-000000000001"\n            clientSecretSecretRef:\n              name: sp\n              key: secret\n            subscriptionID: s\n            tenantID: t\n            resourceGroupName: dns\n            hostedZoneName: example.com\n';

const controller = (args: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cert-manager
  namespace: cert-manager
spec:
  template:
    spec:
      serviceAccountName: cert-manager
      containers:
        - name: cert-manager-controller
          image: quay.io/jetstack/cert-manager-controller:v1.16.2
${args}`;

const ERR = 'ClientID was omitted without providing one of `--cluster-issuer-ambient-credentials` or `--issuer-ambient-credentials`. These are necessary to enable Azure Managed Identities';
const WHAT = 'Issuer le (namespace web) solves DNS-01 with Azure DNS without a top-level clientID (no service principal), so cert-manager uses its ambient credentials (Workload Identity or a managed identity), which it gives a namespaced Issuer only when its controller runs with --issuer-ambient-credentials';

runRuleTests(certManagerIssuerAmbient, {
  valid: [
    { name: 'a ClusterIssuer has ambient credentials by default', code: issuer(AMBIENT, 'ClusterIssuer') },
    { name: 'a service principal', code: issuer(SP) },
    { name: 'the controller runs with the flag', code: issuer(AMBIENT), files: { 'cm.yaml': controller('          args:\n            - --v=2\n            - --issuer-ambient-credentials\n') } },
    { name: 'the flag with =true', code: issuer(AMBIENT), files: { 'cm.yaml': controller('          args:\n            - --issuer-ambient-credentials=true\n') } },
    { name: 'the flag with =1 (a Go bool)', code: issuer(AMBIENT), files: { 'cm.yaml': controller('          args:\n            - --issuer-ambient-credentials=1\n') } },
  ],
  invalid: [
    {
      name: 'the controller is in the workspace without the flag',
      code: issuer(AMBIENT),
      files: { 'cm.yaml': controller('          args:\n            - --v=2\n            - --cluster-resource-namespace=$(POD_NAMESPACE)\n') },
      errors: [{ line: 13, column: 11, endColumn: 19, severity: 'warning', message: `${WHAT}, and the controller in this workspace runs without it: the solver fails with "${ERR}". Add --issuer-ambient-credentials to the controller's args (Helm: extraArgs), or make this a ClusterIssuer.`, related: [{ file: 'cm.yaml', line: 4 }] }],
    },
    {
      name: 'the flag turned off',
      code: issuer(AMBIENT),
      files: { 'cm.yaml': controller('          args:\n            - --issuer-ambient-credentials=false\n') },
      errors: [{ line: 13, column: 11, endColumn: 19, severity: 'warning', message: /runs without it/, related: [{ file: 'cm.yaml', line: 4 }] }],
    },
    {
      name: 'the controller is not in the workspace: an info',
      code: issuer(AMBIENT),
      errors: [{ line: 13, column: 11, endColumn: 19, severity: 'info', message: `${WHAT}; the controller's flags are not in this workspace. Without the flag the solver fails: "${ERR}". A ClusterIssuer has ambient credentials by default.`, related: [] }],
    },
    {
      name: 'the args come from a Helm value: an info',
      code: issuer(AMBIENT),
      files: { 'cm.yaml': controller('          args:\n            - "{{ .Values.extraArg }}"\n') },
      errors: [{ line: 13, column: 11, endColumn: 19, severity: 'info', message: /not in this workspace/, related: [{ file: 'cm.yaml', line: 4 }] }],
    },
  ],
});
