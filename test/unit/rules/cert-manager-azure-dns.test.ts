import { runRuleTests } from '../rule-tester';
import { certManagerAzureDns } from '../../../src/rules/cert-manager-azure-dns';

const SUB = 'a1b2c3d4-0000-4000-8000-000000000001';
const CID = '5f3c9a8e-1d2b-4c6e-9f7a-2b8d4e6c1a90';
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** A ClusterIssuer whose one solver's azureDNS body is `body` (indented 12). */
const issuer = (body: string, kind = 'ClusterIssuer') => `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: letsencrypt-key
    solvers:
      - dns01:
          azureDNS:
            subscriptionID: ${SUB}
            resourceGroupName: dns-rg
            hostedZoneName: example.com
${body}`;

runRuleTests(certManagerAzureDns, {
  valid: [
    { name: 'Workload Identity with managedIdentity.clientID', code: issuer(`            managedIdentity:\n              clientID: ${CID}\n`) },
    { name: 'ambient Workload Identity, no identity named', code: issuer('            environment: AzurePublicCloud\n') },
    { name: 'a complete service principal', code: issuer(`            clientID: ${CID}\n            tenantID: ${TID}\n            clientSecretSecretRef:\n              name: azuredns-config\n              key: client-secret\n`) },
    { name: 'an empty top-level clientID is no service principal', code: issuer(`            clientID: ""\n            managedIdentity:\n              clientID: ${CID}\n`) },
    { name: 'managedIdentity clientID and tenantID', code: issuer(`            managedIdentity:\n              clientID: ${CID}\n              tenantID: ${TID}\n`) },
    { name: 'not cert-manager', code: issuer(`            clientID: ${CID}\n`).replace('cert-manager.io/v1', 'example.com/v1') },
    {
      name: 'Helm: the secret ref comes from values, the client ID from an expression',
      code: issuer(`            clientID: {{ .Values.azure.clientId | quote }}
            {{- with .Values.azure.secretRef }}
            clientSecretSecretRef: {{- toYaml . | nindent 14 }}
            {{- end }}
            tenantID: {{ .Values.azure.tenantId }}
`),
    },
    {
      name: 'Helm: managedIdentity values are unknown',
      code: issuer('            managedIdentity:\n              clientID: {{ .Values.clientId }}\n              resourceID: {{ .Values.resourceId }}\n'),
    },
    {
      name: 'Helm: keys written by an include are unknown',
      code: issuer(`            clientID: ${CID}\n            {{- include "sp.fields" . | nindent 12 }}\n`),
    },
    {
      name: 'a Kustomize patch of a remote base sets only clientID: the rest may be the base\'s',
      code: issuer(`            clientID: ${CID}\n`),
      files: { 'kustomization.yaml': 'resources: [https://github.com/contoso/issuers?ref=v1]\npatches:\n  - path: test.yaml\n' },
    },
  ],
  invalid: [
    {
      name: 'a top-level clientID without a secret: the Workload Identity mistake',
      code: issuer(`            clientID: ${CID}\n`),
      errors: [{
        line: 16, column: 13, endColumn: 21, severity: 'error',
        message: 'azureDNS sets clientID at its top level, the service-principal fields, without clientSecretSecretRef and tenantID: cert-manager\'s webhook rejects ClusterIssuer "letsencrypt" ("spec.acme.solvers[0].dns01.azureDNS.clientSecretSecretRef: Required value"). For Workload Identity, put the identity\'s client ID (and tenant ID) under managedIdentity instead.',
        suggestions: [{
          title: 'Move clientID under managedIdentity (Workload Identity)',
          output: issuer(`            managedIdentity:\n              clientID: ${CID}\n`),
        }],
      }],
    },
    {
      name: 'clientID and tenantID at the top, second solver, namespaced Issuer',
      code: issuer(`            tenantID: ${TID}\n            clientID: "${CID}"\n`, 'Issuer').replace('      - dns01:', '      - http01:\n          ingress:\n            ingressClassName: nginx\n      - dns01:'),
      errors: [{
        line: 20, column: 13,
        message: `azureDNS sets clientID and tenantID at its top level, the service-principal fields, without clientSecretSecretRef: cert-manager's webhook rejects Issuer "letsencrypt" ("spec.acme.solvers[1].dns01.azureDNS.clientSecretSecretRef: Required value"). For Workload Identity, put the identity's client ID (and tenant ID) under managedIdentity instead.`,
        suggestions: [{
          title: 'Move clientID and tenantID under managedIdentity (Workload Identity)',
          output: issuer(`            managedIdentity:\n              clientID: "${CID}"\n              tenantID: ${TID}\n`, 'Issuer').replace('      - dns01:', '      - http01:\n          ingress:\n            ingressClassName: nginx\n      - dns01:'),
        }],
      }],
    },
    {
      name: 'a secret ref with managedIdentity: one finding, at the service-principal key, whose way out keeps managedIdentity',
      code: issuer(`            clientSecretSecretRef:\n              name: azuredns-config\n              key: client-secret\n            managedIdentity:\n              clientID: ${CID}\n`),
      errors: [
        {
          line: 16, column: 13,
          message: 'azureDNS sets clientSecretSecretRef at its top level, the service-principal fields, next to managedIdentity: cert-manager\'s webhook rejects ClusterIssuer "letsencrypt" ("spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Forbidden: managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID", and "spec.acme.solvers[0].dns01.azureDNS.clientID: Required value"). For Workload Identity keep managedIdentity (its clientID, and tenantID if needed) and remove the top-level key; for a client secret, remove managedIdentity and add clientID and tenantID.',
          suggestions: [{ title: 'Remove the top-level clientSecretSecretRef (keep managedIdentity)', output: issuer(`            managedIdentity:\n              clientID: ${CID}\n`) }],
        },
      ],
    },
    {
      name: 'a complete service principal and managedIdentity: one finding, no fix (either may be meant)',
      code: issuer(`            clientID: ${CID}\n            tenantID: ${TID}\n            clientSecretSecretRef: {name: azuredns-config, key: client-secret}\n            managedIdentity: {clientID: ${CID}}\n`),
      errors: [{ line: 16, column: 13, message: /^azureDNS sets clientID, clientSecretSecretRef and tenantID at its top level, the service-principal fields, next to managedIdentity: cert-manager's webhook rejects ClusterIssuer "letsencrypt" \("spec\.acme\.solvers\[0\]\.dns01\.azureDNS\.managedIdentity: Forbidden: [^"]*"\)\. For Workload Identity keep managedIdentity .* remove the top-level keys; for a client secret, remove managedIdentity\.$/, suggestions: [] }],
    },
    {
      name: 'managedIdentity clientID and resourceID',
      code: issuer(`            managedIdentity:\n              clientID: ${CID}\n              resourceID: /subscriptions/${SUB}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cert-manager\n`),
      errors: [{
        line: 18, column: 15, endColumn: 25, severity: 'error',
        message: 'managedIdentity sets resourceID together with clientID: cert-manager\'s webhook rejects ClusterIssuer "letsencrypt" ("spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Forbidden: managedIdentityClientID and managedIdentityResourceID cannot both be specified"). With Workload Identity cert-manager never reads resourceID: keep clientID.',
        suggestions: [{ title: 'Remove managedIdentity.resourceID (keep clientID)', output: issuer(`            managedIdentity:\n              clientID: ${CID}\n`) }],
      }],
    },
    {
      name: 'managedIdentity resourceID with tenantID but no clientID',
      code: issuer(`            managedIdentity:\n              resourceID: /subscriptions/${SUB}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cm\n              tenantID: ${TID}\n`),
      errors: [
        { line: 17, column: 15, message: 'managedIdentity sets resourceID together with tenantID: cert-manager\'s webhook rejects ClusterIssuer "letsencrypt" ("spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Forbidden: managedIdentityTenantID and managedIdentityResourceID cannot both be specified"). With Workload Identity cert-manager never reads resourceID: name the identity with clientID instead.' },
        { line: 18, column: 15, message: 'managedIdentity sets tenantID without clientID: cert-manager\'s webhook rejects ClusterIssuer "letsencrypt" ("spec.acme.solvers[0].dns01.azureDNS.managedIdentity: Required value: managedIdentityClientID is required when using managedIdentityTenantID").' },
      ],
    },
    {
      name: 'resourceID alone: ignored under Workload Identity',
      code: issuer(`            managedIdentity:\n              resourceID: /subscriptions/${SUB}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cm\n`),
      errors: [{
        line: 17, column: 15, severity: 'info',
        message: 'managedIdentity.resourceID is read only for a managed identity (MSI): when cert-manager\'s pod uses Workload Identity (AZURE_FEDERATED_TOKEN_FILE is set) it ignores resourceID and authenticates as the client ID of its ServiceAccount\'s annotation; to choose the identity, set managedIdentity.clientID instead.',
      }],
    },
    {
      name: 'solvers shared through an anchor in a List: the second issuer is reported at its alias',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata: {name: staging}
    spec:
      acme:
        solvers: &solvers
          - dns01:
              azureDNS:
                subscriptionID: ${SUB}
                resourceGroupName: dns-rg
                clientID: ${CID}
                managedIdentity:
                  clientID: ${CID}
  - apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata: {name: prod}
    spec:
      acme:
        solvers: *solvers
`,
      errors: [
        { line: 14, column: 17, message: /^azureDNS sets clientID at its top level, .* next to managedIdentity: .* rejects ClusterIssuer "staging" /, suggestions: [] },
        { line: 22, column: 18, endColumn: 26, message: /^azureDNS sets clientID at its top level, .* next to managedIdentity: .* rejects ClusterIssuer "prod" /, suggestions: [] },
      ],
    },
  ],
});
