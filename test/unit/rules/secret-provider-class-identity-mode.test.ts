import { runRuleTests } from '../rule-tester';
import { secretProviderClassIdentityMode } from '../../../src/rules/secret-provider-class-identity-mode';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '5e4a3b2c-1d0e-4f9a-8b7c-6d5e4f3a2b1c';

/** A SecretProviderClass whose parameters hold keyvaultName, tenantID (lines 9, 10), then `params` from line 11, then objects. */
const spc = (params: string, provider = 'azure') => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: kv
  namespace: app
spec:
  provider: ${provider}
  parameters:
    keyvaultName: "kv-prod"
    tenantID: "${TENANT}"
${params}    objects: |
      array:
        - |
          objectName: db-password
          objectType: secret
`;

const KV = 'SecretProviderClass "kv"';
const CLIENT_LINE = `    clientID: "${CLIENT}"\n`;
const POD_DEPRECATED = `"usePodIdentity" is true, so ${KV} uses pod identity mode (aad-pod-identity), which is deprecated; move to Workload Identity: set "clientID" to the identity's client ID, federate it with the ServiceAccount of the pods that mount the volume, and remove "usePodIdentity".`;
const ONE_MODE = '"only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy"';

runRuleTests(secretProviderClassIdentityMode, {
  valid: [
    spc(CLIENT_LINE),
    spc(`${CLIENT_LINE}    usePodIdentity: "false"\n    useVMManagedIdentity: "False"\n    useAzureTokenProxy: "0"\n`),
    // Identity binding authenticates as clientID: both belong together.
    spc(`${CLIENT_LINE}    useAzureTokenProxy: "true"\n`),
    spc('    useVMManagedIdentity: "true"\n    userAssignedIdentityID: "0b7c5e1a-3d2f-4a6b-9c8d-7e6f5a4b3c2d"\n'),
    // An empty flag is read as false; " TRUE " is trimmed and parsed.
    spc(`${CLIENT_LINE}    usePodIdentity: ""\n    useAzureTokenProxy: " TRUE "\n`),
    // Placeholders are filled in later.
    spc(`${CLIENT_LINE}    useVMManagedIdentity: \${USE_VM_IDENTITY}\n`),
    // Another provider's parameters are its own business.
    spc('    usePodIdentity: yes\n    useVMManagedIdentity: true\n', 'gcp'),
    {
      name: 'Kustomize: a patch of a base outside the workspace turns on the token proxy (the base may set clientID)',
      code: 'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: kv\nspec:\n  provider: azure\n  parameters:\n    useAzureTokenProxy: "true"\n',
      files: { 'kustomization.yaml': 'resources:\n  - https://github.com/example/platform//secrets?ref=v1.0.0\npatches:\n  - path: test.yaml\n' },
    },
    {
      name: 'Helm: a masked flag, and a clientID that may come from the values',
      code: `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ .Release.Name }}-kv
spec:
  provider: azure
  parameters:
    keyvaultName: {{ .Values.keyVault.name | quote }}
    tenantID: {{ .Values.tenantId | quote }}
    usePodIdentity: {{ .Values.podIdentity.enabled | quote }}
    useAzureTokenProxy: "true"
    {{- with .Values.extraParameters }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    objects: |
      array: []
`,
    },
  ],
  invalid: [
    {
      name: 'usePodIdentity: true unquoted is a YAML boolean, and pod identity is deprecated',
      code: spc('    usePodIdentity: true\n'),
      errors: [
        { line: 11, column: 5, endColumn: 19, severity: 'warning', message: POD_DEPRECATED },
        {
          line: 11, column: 21, endColumn: 25, severity: 'error',
          message: `"usePodIdentity" of ${KV} is the YAML boolean true, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it as "true".`,
          suggestions: [{ title: 'Quote the value as "true"', output: spc('    usePodIdentity: "true"\n') }],
        },
      ],
      output: spc('    usePodIdentity: "true"\n'),
    },
    {
      name: 'useVMManagedIdentity: false unquoted, in a document that prefers single quotes',
      code: spc(`    useVMManagedIdentity: false\n    clientID: '${CLIENT}'\n    cloudName: 'AzurePublicCloud'\n    cloudEnvFileName: '/etc/kubernetes/custom.json'\n`),
      errors: [{
        line: 11, column: 27,
        message: `"useVMManagedIdentity" of ${KV} is the YAML boolean false, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it as "false".`,
        suggestions: [{ title: 'Quote the value as "false"', output: spc(`    useVMManagedIdentity: 'false'\n    clientID: '${CLIENT}'\n    cloudName: 'AzurePublicCloud'\n    cloudEnvFileName: '/etc/kubernetes/custom.json'\n`) }],
      }],
      output: spc(`    useVMManagedIdentity: 'false'\n    clientID: '${CLIENT}'\n    cloudName: 'AzurePublicCloud'\n    cloudEnvFileName: '/etc/kubernetes/custom.json'\n`),
    },
    {
      name: 'numbers: 0 is quoted as it reads, 2 has no reading',
      code: spc(`${CLIENT_LINE}    usePodIdentity: 0\n    useAzureTokenProxy: 2\n`),
      errors: [
        {
          line: 12, column: 21,
          message: `"usePodIdentity" of ${KV} is the YAML number 0, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it as "0".`,
          suggestions: [{ title: 'Quote the value as "0"', output: spc(`${CLIENT_LINE}    usePodIdentity: "0"\n    useAzureTokenProxy: 2\n`) }],
        },
        { line: 13, column: 25, message: `"useAzureTokenProxy" of ${KV} is the YAML number 2, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; write "true" or "false".` },
      ],
      output: spc(`${CLIENT_LINE}    usePodIdentity: "0"\n    useAzureTokenProxy: 2\n`),
    },
    {
      name: '"yes" quoted: the provider cannot parse it',
      code: spc(`${CLIENT_LINE}    useVMManagedIdentity: "no"\n`),
      errors: [{
        line: 12, column: 27, endColumn: 31,
        message: `"useVMManagedIdentity" of ${KV} is "no", which the Azure provider cannot read as a boolean (Go's strconv.ParseBool takes true/false, True/False, TRUE/FALSE, t/f, 1/0): the volume mount fails with "failed to parse useVMManagedIdentity flag, error: strconv.ParseBool: parsing "no": invalid syntax"; write "false".`,
        suggestions: [{ title: 'Set the value to "false"', output: spc(`${CLIENT_LINE}    useVMManagedIdentity: "false"\n`) }],
      }],
      output: spc(`${CLIENT_LINE}    useVMManagedIdentity: "false"\n`),
    },
    {
      name: 'an unreadable word: no fix',
      code: spc(`${CLIENT_LINE}    usePodIdentity: "maybe"\n`),
      errors: [{
        line: 12, column: 21,
        message: `"usePodIdentity" of ${KV} is "maybe", which the Azure provider cannot read as a boolean (Go's strconv.ParseBool takes true/false, True/False, TRUE/FALSE, t/f, 1/0): the volume mount fails with "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing "maybe": invalid syntax".`,
      }],
    },
    {
      name: 'off unquoted: a YAML 1.1 boolean for kubectl',
      code: spc(`${CLIENT_LINE}    usePodIdentity: off\n`),
      errors: [{
        line: 12, column: 21, endColumn: 24,
        message: `"usePodIdentity" of ${KV} is an unquoted off, which Kubernetes' YAML 1.1 parser (kubectl, Helm) reads as a boolean, so the API server rejects the object (parameters are strings); write "false".`,
        suggestions: [{ title: 'Set the value to "false"', output: spc(`${CLIENT_LINE}    usePodIdentity: "false"\n`) }],
      }],
      output: spc(`${CLIENT_LINE}    usePodIdentity: "false"\n`),
    },
    {
      name: 'a list where a flag belongs',
      code: spc(`${CLIENT_LINE}    useAzureTokenProxy: ["true"]\n`),
      errors: [{ line: 12, column: 25, message: `"useAzureTokenProxy" of ${KV} is a YAML list, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; write "true" or "false".` }],
    },
    {
      name: 'two modes at once: reported on the second, the first related',
      code: spc('    usePodIdentity: "true"\n    useVMManagedIdentity: "True"\n'),
      errors: [
        { line: 11, column: 5, severity: 'warning', message: POD_DEPRECATED },
        {
          line: 12, column: 5, endColumn: 25, severity: 'error',
          message: `${KV} sets both "usePodIdentity" and "useVMManagedIdentity" to true, and the Azure provider allows one identity mode at a time: the volume mount fails with ${ONE_MODE}; keep one.`,
          related: [{ file: 'test.yaml', line: 11 }],
        },
      ],
    },
    {
      name: 'three modes at once',
      code: spc(`${CLIENT_LINE}    useVMManagedIdentity: "1"\n    useAzureTokenProxy: "t"\n    usePodIdentity: "TRUE"\n`),
      errors: [
        { line: 13, column: 5, message: `${KV} sets both "useVMManagedIdentity" and "useAzureTokenProxy" to true, and the Azure provider allows one identity mode at a time: the volume mount fails with ${ONE_MODE}; keep one.`, related: [{ file: 'test.yaml', line: 12 }] },
        { line: 14, column: 5, message: `${KV} sets both "useVMManagedIdentity" and "usePodIdentity" to true, and the Azure provider allows one identity mode at a time: the volume mount fails with ${ONE_MODE}; keep one.`, related: [{ file: 'test.yaml', line: 12 }] },
        { line: 14, column: 5, severity: 'warning', message: POD_DEPRECATED },
      ],
    },
    {
      name: "clientID with the VM's managed identity: the flag wins",
      code: spc(`${CLIENT_LINE}    useVMManagedIdentity: "true"\n`),
      errors: [{
        line: 11, column: 5, endColumn: 13, severity: 'warning',
        message: `"clientID" of ${KV} is not used to authenticate: "useVMManagedIdentity" is true, and the Azure provider lets that flag win over Workload Identity, so it uses the node's managed identity (userAssignedIdentityID); remove one of the two.`,
        related: [{ file: 'test.yaml', line: 12 }],
      }],
    },
    {
      name: 'clientID with pod identity: the flag wins, and is deprecated',
      code: spc(`    usePodIdentity: "true"\n${CLIENT_LINE}`),
      errors: [
        { line: 11, column: 5, severity: 'warning', message: POD_DEPRECATED },
        {
          line: 12, column: 5, severity: 'warning',
          message: `"clientID" of ${KV} is not used to authenticate: "usePodIdentity" is true, and the Azure provider lets that flag win over Workload Identity, so it asks aad-pod-identity (its NMI) for the token; remove one of the two.`,
          related: [{ file: 'test.yaml', line: 11 }],
        },
      ],
    },
    {
      name: 'the token proxy without clientID',
      code: spc('    useAzureTokenProxy: "true"\n'),
      errors: [{
        line: 11, column: 5, endColumn: 23,
        message: `"useAzureTokenProxy" is true but ${KV} has no "clientID": identity binding authenticates as that client ID, and the Azure provider fails the volume mount with "clientID is required for identity binding".`,
      }],
    },
    {
      name: 'the token proxy with an empty clientID',
      code: spc('    useAzureTokenProxy: "true"\n    clientID: ""\n'),
      errors: [{
        line: 11, column: 5,
        message: `"useAzureTokenProxy" is true but ${KV} leaves "clientID" empty: identity binding authenticates as that client ID, and the Azure provider fails the volume mount with "clientID is required for identity binding".`,
      }],
    },
    {
      name: 'a List whose items share flags through an anchor: the alias is where the second one is found, the anchor is not edited',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata:
      name: a
    spec:
      provider: azure
      parameters: &vm
        keyvaultName: kv-prod
        tenantID: "${TENANT}"
        useVMManagedIdentity: true
        objects: |
          array: []
  - apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata:
      name: b
    spec:
      provider: azure
      parameters:
        <<: *vm
        clientID: "${CLIENT}"
`,
      errors: [
        { line: 13, column: 31, message: '"useVMManagedIdentity" of SecretProviderClass "a" is the YAML boolean true, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it as "true".' },
        { line: 23, column: 13, endColumn: 16, message: '"useVMManagedIdentity" of SecretProviderClass "b" is the YAML boolean true, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it as "true".' },
        {
          line: 24, column: 9, severity: 'warning',
          message: `"clientID" of SecretProviderClass "b" is not used to authenticate: "useVMManagedIdentity" is true, and the Azure provider lets that flag win over Workload Identity, so it uses the node's managed identity (userAssignedIdentityID); remove one of the two.`,
          related: [{ file: 'test.yaml', line: 23 }],
        },
      ],
      output: null,
    },
  ],
});
