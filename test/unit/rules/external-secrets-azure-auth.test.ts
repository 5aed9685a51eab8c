import { runRuleTests } from '../rule-tester';
import { externalSecretsAzureAuth } from '../../../src/rules/external-secrets-azure-auth';

/** A SecretStore in namespace apps; `kv` is the body of spec.provider.azurekv (6 spaces in). */
const store = (kv: string, { kind = 'SecretStore', api = 'external-secrets.io/v1', ns = '\n  namespace: apps' } = {}) => `apiVersion: ${api}
kind: ${kind}
metadata:
  name: vault${ns}
spec:
  provider:
    azurekv:
      vaultUrl: https://example.vault.azure.net
${kv}`;

const sa = (annotations = '', name = 'eso-reader', ns = 'apps') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}${annotations}
`;
const CLIENT = '\n  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd';
const CLIENT_TENANT = CLIENT + '\n    azure.workload.identity/tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47';

const WI = '      authType: WorkloadIdentity\n';
/** The store as "Add authType: WorkloadIdentity" leaves it: the key first in azurekv. */
const fixedStore = (kv: string) => store(kv).replace('    azurekv:\n', '    azurekv:\n' + WI);

const SA_REF = '      serviceAccountRef:\n        name: eso-reader\n';
const SECRET_CLIENT_ID = '      authSecretRef:\n        clientId:\n          name: umi\n          key: clientId\n';
const MISSING_CLIENT = "missing clientID: either serviceAccountRef or service account annotation 'azure.workload.identity/client-id' is missing";

runRuleTests(externalSecretsAzureAuth, {
  valid: [
    { name: 'WorkloadIdentity, the ServiceAccount has a client ID', code: store(WI + SA_REF), files: { 'sa.yaml': sa(CLIENT) } },
    { name: 'v1beta1 alike', code: store(WI + SA_REF, { api: 'external-secrets.io/v1beta1' }), files: { 'sa.yaml': sa(CLIENT) } },
    { name: 'WorkloadIdentity, the client ID from authSecretRef (legacy SDK)', code: store(WI + SA_REF + SECRET_CLIENT_ID), files: { 'sa.yaml': sa() } },
    { name: 'WorkloadIdentity without serviceAccountRef: the operator pod (not this rule)', code: store(WI) },
    { name: 'the ServiceAccount is not in the workspace', code: store(WI + SA_REF) },
    {
      name: 'ClusterSecretStore without a namespace: referent authentication, cannot know',
      code: store(WI + SA_REF, { kind: 'ClusterSecretStore', ns: '' }),
      files: { 'sa.yaml': sa() },
    },
    { name: 'a service principal without serviceAccountRef', code: store('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n      authSecretRef:\n        clientId: {name: sp, key: id}\n        clientSecret: {name: sp, key: secret}\n') },
    { name: 'authType from a Helm expression', code: store('      authType: {{ .Values.eso.authType }}\n' + SA_REF) },
    { name: 'authType placeholder', code: store('      authType: ${AUTH_TYPE}\n' + SA_REF) },
    {
      name: 'a chart may add authType from its values',
      code: store('      {{- with .Values.auth }}\n      {{- toYaml . | nindent 6 }}\n      {{- end }}\n' + SA_REF),
    },
    {
      name: "the ServiceAccount's annotations come from the chart's values",
      code: store(WI + SA_REF),
      files: {
        'chart/Chart.yaml': 'apiVersion: v2\nname: eso\nversion: 0.1.0\n',
        'chart/values.yaml': 'annotations: {}\n',
        'chart/templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: eso-reader\n  namespace: apps\n  annotations:\n    {{- toYaml .Values.annotations | nindent 4 }}\n',
      },
    },
    { name: 'useAzureSDK: tenant from the store, client ID from the annotation', code: store(WI + '      useAzureSDK: true\n      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF), files: { 'sa.yaml': sa(CLIENT) } },
    { name: 'useAzureSDK: tenant from the annotation', code: store(WI + '      useAzureSDK: true\n' + SA_REF), files: { 'sa.yaml': sa(CLIENT_TENANT) } },
    { name: 'legacy SDK: tenant only from the annotation', code: store(WI + SA_REF), files: { 'sa.yaml': sa(CLIENT_TENANT) } },
    { name: 'useAzureSDK from a Helm expression: which SDK reads the store is not known', code: store(WI + '      useAzureSDK: {{ .Values.newSdk }}\n' + SA_REF + SECRET_CLIENT_ID), files: { 'sa.yaml': sa(CLIENT) } },
    { name: 'another API group', code: store('      authType: Bogus\n', { api: 'example.com/v1' }) },
    { name: 'no azurekv provider', code: 'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: v\nspec:\n  provider:\n    vault:\n      server: https://vault\n' },
  ],
  invalid: [
    {
      name: 'no authType, serviceAccountRef and nothing else: safe fix adds authType',
      code: store(SA_REF),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{
        line: 10,
        column: 7,
        endColumn: 24,
        severity: 'error',
        message: 'SecretStore vault has no authType, so ESO uses the default ServicePrincipal, which ignores serviceAccountRef and fails with "missing tenantID in store config"; set authType: WorkloadIdentity to authenticate with the ServiceAccount\'s token.',
        related: [],
        suggestions: [{ title: 'Add authType: WorkloadIdentity', output: fixedStore(SA_REF) }],
      }],
      output: fixedStore(SA_REF),
    },
    {
      name: 'no authType, a tenantId but no authSecretRef',
      code: store('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF),
      errors: [{
        line: 11,
        column: 7,
        message: 'SecretStore vault has no authType, so ESO uses the default ServicePrincipal, which ignores serviceAccountRef and fails with "missing secretRef in provider config"; set authType: WorkloadIdentity to authenticate with the ServiceAccount\'s token.',
        suggestions: [{ title: 'Add authType: WorkloadIdentity', output: fixedStore('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF) }],
      }],
      output: fixedStore('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF),
    },
    {
      name: 'no authType, authSecretRef with only the client ID (meant for Workload Identity)',
      code: store('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF + SECRET_CLIENT_ID),
      errors: [{
        line: 11,
        column: 7,
        message: 'SecretStore vault has no authType, so ESO uses the default ServicePrincipal, which ignores serviceAccountRef and fails with "missing accessKeyID/secretAccessKey in store config"; set authType: WorkloadIdentity to authenticate with the ServiceAccount\'s token.',
        suggestions: [{ title: 'Add authType: WorkloadIdentity', output: fixedStore('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF + SECRET_CLIENT_ID) }],
      }],
      output: fixedStore('      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF + SECRET_CLIENT_ID),
    },
    {
      name: 'explicit ServicePrincipal with serviceAccountRef: a suggestion only',
      code: store("      authType: 'ServicePrincipal'\n" + SA_REF),
      errors: [{
        line: 11,
        column: 7,
        message: 'authType ServicePrincipal of SecretStore vault ignores serviceAccountRef and fails with "missing tenantID in store config"; set authType: WorkloadIdentity to authenticate with the ServiceAccount\'s token.',
        suggestions: [{ title: 'Use WorkloadIdentity', output: store("      authType: 'WorkloadIdentity'\n" + SA_REF) }],
      }],
      output: null,
    },
    {
      name: 'a working service principal: serviceAccountRef is ignored',
      code: store(SA_REF + '      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n      authSecretRef:\n        clientId: {name: sp, key: id}\n        clientSecret: {name: sp, key: secret}\n'),
      errors: [{
        line: 10,
        column: 7,
        severity: 'warning',
        message: "SecretStore vault has no authType, so it authenticates with the service principal's credential from authSecretRef, and ESO ignores serviceAccountRef. To use the ServiceAccount's token, set authType: WorkloadIdentity and drop the credential.",
      }],
    },
    {
      name: 'ManagedIdentity: warning, suggestion',
      code: store('      authType: ManagedIdentity\n      identityId: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n'),
      errors: [{
        line: 10,
        column: 17,
        endColumn: 32,
        severity: 'warning',
        message: "authType ManagedIdentity makes ESO authenticate SecretStore vault with a managed identity of its own pod, from the instance metadata endpoint (aad-pod-identity, deprecated, or the node's identity), not with Workload Identity. With Workload Identity use authType: WorkloadIdentity.",
        suggestions: [{ title: 'Use WorkloadIdentity', output: store('      authType: WorkloadIdentity\n      identityId: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n') }],
      }],
      output: null,
    },
    {
      name: 'ManagedIdentity with serviceAccountRef says it is ignored',
      code: store('      authType: ManagedIdentity\n' + SA_REF, { kind: 'ClusterSecretStore', ns: '' }),
      errors: [{
        line: 9,
        column: 17,
        severity: 'warning',
        message: "authType ManagedIdentity makes ESO authenticate ClusterSecretStore vault with a managed identity of its own pod, from the instance metadata endpoint (aad-pod-identity, deprecated, or the node's identity), not with Workload Identity; serviceAccountRef is ignored. With Workload Identity use authType: WorkloadIdentity.",
        suggestions: [{ title: 'Use WorkloadIdentity', output: store(WI + SA_REF, { kind: 'ClusterSecretStore', ns: '' }) }],
      }],
    },
    {
      name: 'a case variant of an auth type: safe fix',
      code: store('      authType: "workloadIdentity"\n' + SA_REF),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{
        line: 10,
        column: 17,
        endColumn: 35,
        message: 'authType "workloadIdentity" is not one ESO knows, so the API server rejects SecretStore vault (the CRD allows only ServicePrincipal, ManagedIdentity, WorkloadIdentity; the values are case-sensitive).',
        suggestions: [{ title: 'Write WorkloadIdentity', output: store('      authType: "WorkloadIdentity"\n' + SA_REF) }],
      }],
      output: store('      authType: "WorkloadIdentity"\n' + SA_REF),
    },
    {
      name: 'an unknown auth type: no fix',
      code: store('      authType: PodIdentity\n'),
      errors: [{ line: 10, column: 17, message: /^authType PodIdentity is not one ESO knows, so the API server rejects SecretStore vault/, suggestions: [] }],
    },
    {
      name: 'an empty auth type',
      code: store('      authType: ""\n'),
      errors: [{ line: 10, column: 17, message: /^authType is empty, so the API server rejects SecretStore vault/ }],
    },
    {
      name: 'WorkloadIdentity: the ServiceAccount has no client ID, nor does the store',
      code: store(WI + SA_REF),
      files: { 'sa.yaml': sa() },
      errors: [{
        line: 12,
        column: 15,
        endColumn: 25,
        severity: 'error',
        message: `ServiceAccount eso-reader (namespace apps) has no azure.workload.identity/client-id annotation and SecretStore vault sets no authSecretRef.clientId, so ESO fails with "${MISSING_CLIENT}".`,
        related: [{ file: 'sa.yaml', line: 4 }],
      }],
    },
    {
      name: 'an empty client-id annotation is no client ID',
      code: store(WI + SA_REF),
      files: { 'sa.yaml': sa('\n  annotations:\n    azure.workload.identity/client-id: ""') },
      errors: [{ line: 12, column: 15, message: /^ServiceAccount eso-reader \(namespace apps\) has no azure.workload.identity\/client-id annotation/, related: [{ file: 'sa.yaml', line: 7 }] }],
    },
    {
      name: 'legacy SDK: client ID in both places',
      code: store(WI + SA_REF + SECRET_CLIENT_ID),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{
        line: 14,
        column: 9,
        endColumn: 17,
        severity: 'error',
        message: 'SecretStore vault sets authSecretRef.clientId and ServiceAccount eso-reader (namespace apps) has an azure.workload.identity/client-id annotation, so ESO fails with "multiple clientID found. Check secretRef and serviceAccountRef"; keep only one of them.',
        related: [{ file: 'sa.yaml', line: 7 }],
        suggestions: [{ title: "Remove authSecretRef (the ServiceAccount's client-id annotation gives the client ID)", output: store(WI + SA_REF) }],
      }],
      output: null,
    },
    {
      name: 'legacy SDK: client ID in both places, authSecretRef holds more: no fix',
      code: store(WI + SA_REF + SECRET_CLIENT_ID + '        tenantId:\n          name: umi\n          key: tenantId\n'),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{ line: 14, column: 9, message: /^SecretStore vault sets authSecretRef.clientId and ServiceAccount eso-reader/, suggestions: [] }],
    },
    {
      name: 'legacy SDK: authSecretRef without clientId fails',
      code: store(WI + SA_REF + '      authSecretRef:\n        tenantId: {name: umi, key: tenantId}\n'),
      errors: [{
        line: 13,
        column: 7,
        message: 'With authType WorkloadIdentity and serviceAccountRef, ESO reads authSecretRef of SecretStore vault for the client ID, and an authSecretRef without clientId fails with "missing accessKeyID/secretAccessKey in store config"; remove authSecretRef (a tenantId can go in spec.provider.azurekv.tenantId) or add clientId.',
      }],
    },
    {
      name: 'useAzureSDK: authSecretRef.clientId is not read, the annotation is missing',
      code: store(WI + '      useAzureSDK: true\n      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF + SECRET_CLIENT_ID),
      files: { 'sa.yaml': sa() },
      errors: [{
        line: 14,
        column: 15,
        message: `ServiceAccount eso-reader (namespace apps) has no azure.workload.identity/client-id annotation, and with useAzureSDK: true ESO reads the client ID only from it (authSecretRef.clientId is ignored), so ESO fails with "${MISSING_CLIENT}".`,
        related: [{ file: 'sa.yaml', line: 4 }],
      }],
    },
    {
      name: 'useAzureSDK: both, authSecretRef.clientId ignored (warning)',
      code: store(WI + '      useAzureSDK: true\n      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF + SECRET_CLIENT_ID),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{
        line: 16,
        column: 9,
        severity: 'warning',
        message: 'With useAzureSDK: true ESO reads the client ID only from the azure.workload.identity/client-id annotation of ServiceAccount eso-reader (namespace apps): authSecretRef.clientId of SecretStore vault is ignored.',
        related: [{ file: 'sa.yaml', line: 7 }],
        suggestions: [{ title: 'Remove authSecretRef.clientId', output: store(WI + '      useAzureSDK: true\n      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF) }],
      }],
      output: null,
    },
    {
      name: 'legacy SDK: tenant ID in the store and on the ServiceAccount',
      code: store(WI + '      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n' + SA_REF),
      files: { 'sa.yaml': sa(CLIENT_TENANT) },
      errors: [{
        line: 11,
        column: 7,
        endColumn: 15,
        message: 'SecretStore vault sets spec.provider.azurekv.tenantId and ServiceAccount eso-reader (namespace apps) has an azure.workload.identity/tenant-id annotation, so ESO fails with "multiple tenantID found. Check secretRef, \'spec.provider.azurekv.tenantId\', and serviceAccountRef"; keep only one of them.',
        related: [{ file: 'sa.yaml', line: 8 }],
        suggestions: [{ title: "Remove spec.provider.azurekv.tenantId (the ServiceAccount's tenant-id annotation gives the tenant)", output: store(WI + SA_REF) }],
      }],
      output: null,
    },
    {
      name: 'legacy SDK: tenant ID in authSecretRef (its only key besides clientId) and on the ServiceAccount',
      code: store(WI + SA_REF + '      authSecretRef:\n        tenantId: {name: umi, key: tenantId}\n        clientId: {name: umi, key: clientId}\n'),
      files: { 'sa.yaml': sa('\n  annotations:\n    azure.workload.identity/tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47') },
      errors: [{
        line: 14,
        column: 9,
        message: /^SecretStore vault sets authSecretRef.tenantId and ServiceAccount eso-reader \(namespace apps\) has an azure.workload.identity\/tenant-id annotation, so ESO fails with "multiple tenantID found/,
        related: [{ file: 'sa.yaml', line: 7 }],
        suggestions: [{
          title: "Remove authSecretRef.tenantId (the ServiceAccount's tenant-id annotation gives the tenant)",
          output: store(WI + SA_REF + '      authSecretRef:\n        clientId: {name: umi, key: clientId}\n'),
        }],
      }],
    },
    {
      name: 'useAzureSDK: no tenant anywhere',
      code: store(WI + '      useAzureSDK: true\n' + SA_REF),
      files: { 'sa.yaml': sa(CLIENT) },
      errors: [{
        line: 13,
        column: 15,
        message: 'ServiceAccount eso-reader (namespace apps) has no azure.workload.identity/tenant-id annotation and SecretStore vault sets no spec.provider.azurekv.tenantId, so ESO fails with "missing tenantID in store config".',
        related: [{ file: 'sa.yaml', line: 4 }],
      }],
    },
    {
      name: "a SecretStore's serviceAccountRef in another namespace is rejected",
      code: store(WI + SA_REF + '          namespace: other\n'.replace('          ', '        ')),
      errors: [{
        line: 13,
        column: 20,
        message: 'serviceAccountRef.namespace other is not the namespace of SecretStore vault (apps), so ESO rejects it: "namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore".',
      }],
    },
    {
      name: 'ClusterSecretStore with a namespace: the ServiceAccount of that namespace',
      code: store(WI + SA_REF + '        namespace: eso\n', { kind: 'ClusterSecretStore', ns: '' }),
      files: { 'sa.yaml': sa('', 'eso-reader', 'eso') + '---\n' + sa(CLIENT, 'eso-reader', 'apps') },
      errors: [{
        line: 11,
        column: 15,
        message: `ServiceAccount eso-reader (namespace eso) has no azure.workload.identity/client-id annotation and ClusterSecretStore vault sets no authSecretRef.clientId, so ESO fails with "${MISSING_CLIENT}".`,
        related: [{ file: 'sa.yaml', line: 4 }],
      }],
    },
    {
      name: 'the ServiceAccount only in another project: info',
      code: store(WI + SA_REF),
      files: { 'other/kustomization.yaml': 'resources: [sa.yaml]\n', 'other/sa.yaml': sa() },
      errors: [{
        line: 12,
        column: 15,
        severity: 'info',
        message: `ServiceAccount eso-reader (namespace apps, in another project (kustomization other)) has no azure.workload.identity/client-id annotation and SecretStore vault sets no authSecretRef.clientId, so ESO fails with "${MISSING_CLIENT}".`,
        related: [{ file: 'other/sa.yaml', line: 4 }],
      }],
    },
    {
      name: 'Kustomize puts the store and the ServiceAccount in one namespace',
      code: store(WI + SA_REF),
      files: { 'app/kustomization.yaml': 'namespace: team\nresources: [../test.yaml, sa.yaml]\n', 'app/sa.yaml': sa('', 'eso-reader', 'elsewhere') },
      errors: [{
        line: 12,
        column: 15,
        severity: 'error',
        message: `ServiceAccount eso-reader (namespace team) has no azure.workload.identity/client-id annotation and SecretStore vault (as built by kustomization app) sets no authSecretRef.clientId, so ESO fails with "${MISSING_CLIENT}".`,
        related: [{ file: 'app/sa.yaml', line: 4 }],
      }],
    },
    {
      name: 'kind: List, v1beta1, flow style',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: reader, namespace: apps}
  - apiVersion: external-secrets.io/v1beta1
    kind: SecretStore
    metadata: {name: kv, namespace: apps}
    spec:
      provider:
        azurekv: {vaultUrl: "https://example.vault.azure.net", serviceAccountRef: {name: reader}}
`,
      errors: [{
        line: 12,
        column: 64,
        message: /^SecretStore kv has no authType, so ESO uses the default ServicePrincipal/,
        suggestions: [{
          title: 'Add authType: WorkloadIdentity',
          output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: reader, namespace: apps}
  - apiVersion: external-secrets.io/v1beta1
    kind: SecretStore
    metadata: {name: kv, namespace: apps}
    spec:
      provider:
        azurekv: {vaultUrl: "https://example.vault.azure.net", serviceAccountRef: {name: reader}, authType: WorkloadIdentity}
`,
        }],
      }],
      output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: reader, namespace: apps}
  - apiVersion: external-secrets.io/v1beta1
    kind: SecretStore
    metadata: {name: kv, namespace: apps}
    spec:
      provider:
        azurekv: {vaultUrl: "https://example.vault.azure.net", serviceAccountRef: {name: reader}, authType: WorkloadIdentity}
`,
    },
    {
      name: 'a provider shared through an anchor: each store reports at its own text, no fix edits the anchor',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: external-secrets.io/v1
    kind: ClusterSecretStore
    metadata: {name: a}
    spec:
      provider:
        azurekv: &kv
          vaultUrl: https://example.vault.azure.net
          serviceAccountRef: {name: reader, namespace: eso}
  - apiVersion: external-secrets.io/v1
    kind: ClusterSecretStore
    metadata: {name: b}
    spec:
      provider:
        azurekv: *kv
`,
      errors: [
        { line: 11, column: 11, message: /^ClusterSecretStore a has no authType/, suggestions: [] },
        { line: 17, column: 18, message: /^ClusterSecretStore b has no authType/, suggestions: [] },
      ],
    },
    {
      name: 'Helm template: the ServiceAccount name from an expression matches the same expression in the chart',
      code: `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault
  namespace: apps
spec:
  provider:
    azurekv:
      authType: WorkloadIdentity
      vaultUrl: {{ .Values.vaultUrl | quote }}
      serviceAccountRef:
        name: {{ include "eso.sa" . }}
`,
      files: {
        'Chart.yaml': 'apiVersion: v2\nname: eso\nversion: 0.1.0\n',
        'templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "eso.sa" . }}\n  namespace: apps\n',
      },
      errors: [{
        line: 12,
        column: 15,
        message: /^ServiceAccount \{\{ include "eso.sa" \. \}\} \(namespace apps\) has no azure.workload.identity\/client-id annotation/,
        related: [{ file: 'templates/sa.yaml', line: 4 }],
      }],
    },
  ],
});
