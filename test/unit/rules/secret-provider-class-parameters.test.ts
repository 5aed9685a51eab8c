import { runRuleTests } from '../rule-tester';
import { secretProviderClassParameters } from '../../../src/rules/secret-provider-class-parameters';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '5e4a3b2c-1d0e-4f9a-8b7c-6d5e4f3a2b1c';

/** A SecretProviderClass with the given parameter lines (4-space indented), its parameters starting on line 8. */
const spc = (params: string, provider = 'azure') => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: kv
  namespace: app
spec:
  provider: ${provider}
  parameters:
${params}`;

const OBJECTS = `    objects: |
      array:
        - |
          objectName: db-password
          objectType: secret
`;

const WI = `    keyvaultName: "kv-prod"
    clientID: "${CLIENT}"
    tenantID: "${TENANT}"
${OBJECTS}`;

const KV = 'SecretProviderClass "kv"';

runRuleTests(secretProviderClassParameters, {
  valid: [
    spc(WI),
    // Pod identity off, an explicit cloud: read as written.
    spc(`    keyvaultName: kv-prod\n    tenantID: ${TENANT}\n    usePodIdentity: "false"\n    cloudName: AzurePublicCloud\n${OBJECTS}`),
    // Keys the provider does not know (and that are no case-variant of one): providers add keys.
    spc(`${WI}    keyvault-name: kv\n    filePermission: "0644"\n`),
    // Placeholders stand for values filled in later.
    spc(`    keyvaultName: \${KEYVAULT_NAME}\n    clientID: <client-id>\n    tenantID: __TENANT_ID__\n${OBJECTS}`),
    // Another provider: its parameters are its own business.
    spc('    keyVaultName: kv\n    TenantID: t\n', 'gcp'),
    // Another API group's kind of the same name.
    'apiVersion: example.com/v1\nkind: SecretProviderClass\nmetadata:\n  name: x\nspec:\n  provider: azure\n  parameters:\n    keyVaultName: kv\n',
    {
      name: 'Kustomize: a patch of a base outside the workspace sets only the client ID',
      code: spc(`    clientID: "${CLIENT}"\n`),
      files: { 'kustomization.yaml': 'resources:\n  - https://github.com/example/platform//secrets?ref=v1.0.0\npatches:\n  - path: test.yaml\n' },
    },
    // Helm: a masked value is a value; parameters from the chart's values are unknown.
    {
      name: 'Helm: masked values, and parameters filled from values',
      code: `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ include "app.fullname" . }}
spec:
  provider: azure
  parameters:
    keyvaultName: {{ .Values.keyVault.name }}
    tenantID: {{ .Values.tenantId | quote }}
    clientID: {{ .Values.clientId | quote }}
    objects: |
      array:
        - |
          objectName: {{ .Values.secretName }}
          objectType: secret
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: from-values
spec:
  provider: azure
  parameters:
    {{- toYaml .Values.secretProviderClass.parameters | nindent 4 }}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: any-provider
spec:
  provider: {{ .Values.provider }}
  parameters:
    keyVaultName: kv
`,
    },
  ],
  invalid: [
    {
      name: 'keyVaultName: a case-variant the provider never reads',
      code: spc(WI.replace('keyvaultName', 'keyVaultName')),
      errors: [{
        line: 9, column: 5, endColumn: 17, severity: 'error',
        message: `The parameter key "keyVaultName" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "keyvaultName", so the volume mount fails with "keyvaultName is not provided".`,
        suggestions: [{ title: 'Rename the key to keyvaultName', output: spc(WI) }],
      }],
      output: spc(WI),
    },
    {
      name: 'clientId and Objects: case-variants, each renamed',
      code: spc(WI.replace('clientID', 'clientId').replace('objects:', 'Objects:')),
      errors: [
        {
          line: 10, column: 5, endColumn: 13,
          message: `The parameter key "clientId" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "clientID", so Workload Identity is not used: with no identity-mode flag the provider looks for a service principal in the volume's nodePublishSecretRef instead.`,
          suggestions: [{ title: 'Rename the key to clientID', output: spc(WI.replace('objects:', 'Objects:')) }],
        },
        {
          line: 12, column: 5, endColumn: 12,
          message: `The parameter key "Objects" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "objects", so the volume mount fails with "objects is not set".`,
          suggestions: [{ title: 'Rename the key to objects', output: spc(WI.replace('clientID', 'clientId')) }],
        },
      ],
      output: spc(WI),
    },
    {
      name: 'usepodidentity: a flag in the wrong case is read as false',
      code: spc(`${WI}    usepodidentity: "true"\n`),
      errors: [{
        line: 17, column: 5,
        message: `The parameter key "usepodidentity" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "usePodIdentity", so the flag is read as false.`,
        suggestions: [{ title: 'Rename the key to usePodIdentity', output: spc(`${WI}    usePodIdentity: "true"\n`) }],
      }],
      output: spc(`${WI}    usePodIdentity: "true"\n`),
    },
    {
      name: 'tenantId: deprecated, still read, renamed',
      code: spc(WI.replace('tenantID', 'tenantId')),
      errors: [{
        line: 11, column: 5, endColumn: 13, severity: 'warning',
        message: `The parameter "tenantId" of ${KV} is the deprecated spelling: the Azure provider still reads it when "tenantID" is absent or empty, but it is due to be removed; rename it to "tenantID".`,
        suggestions: [{ title: 'Rename the key to tenantID', output: spc(WI) }],
      }],
      output: spc(WI),
    },
    {
      name: 'tenantId next to tenantID: ignored',
      code: spc(`${WI}    tenantId: "${TENANT}"\n`),
      errors: [{
        line: 17, column: 5, severity: 'warning',
        message: `The parameter "tenantId" of ${KV} is ignored: "tenantID" is also set, and the Azure provider reads it first; remove the deprecated "tenantId".`,
      }],
    },
    {
      name: 'tenantId next to an empty tenantID: read, but no rename (the key is taken)',
      code: spc(WI.replace(`tenantID: "${TENANT}"`, `tenantID: ""\n    tenantId: "${TENANT}"`)),
      errors: [{
        line: 12, column: 5, severity: 'warning',
        message: `The parameter "tenantId" of ${KV} is the deprecated spelling: the Azure provider still reads it when "tenantID" is absent or empty, but it is due to be removed; rename it to "tenantID".`,
      }],
    },
    {
      name: 'TenantID next to tenantId: which one is meant is not certain, so only a suggestion',
      code: spc(WI.replace(`tenantID: "${TENANT}"`, `TenantID: "${TENANT}"\n    tenantId: "${TENANT}"`)),
      errors: [
        {
          line: 11, column: 5,
          message: `The parameter key "TenantID" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "tenantID", so the deprecated "tenantId" is read instead.`,
          suggestions: [{ title: 'Rename the key to tenantID', output: spc(WI.replace(`tenantID: "${TENANT}"`, `tenantID: "${TENANT}"\n    tenantId: "${TENANT}"`)) }],
        },
        {
          line: 12, column: 5, severity: 'warning',
          message: `The parameter "tenantId" of ${KV} is the deprecated spelling: the Azure provider still reads it when "tenantID" is absent or empty, but it is due to be removed; rename it to "tenantID".`,
          suggestions: [{ title: 'Rename the key to tenantID', output: spc(WI.replace(`tenantID: "${TENANT}"`, `TenantID: "${TENANT}"\n    tenantID: "${TENANT}"`)) }],
        },
      ],
      output: spc(WI.replace(`tenantID: "${TENANT}"`, `TenantID: "${TENANT}"\n    tenantID: "${TENANT}"`)),
    },
    {
      name: 'a case-variant next to the right key: never read, no fix',
      code: spc(`${WI}    KeyvaultName: kv-old\n`),
      errors: [{
        line: 17, column: 5, endColumn: 17,
        message: `The parameter key "KeyvaultName" of ${KV} is never read: the Azure provider's keys are case-sensitive, and it reads "keyvaultName", which is also set; remove "KeyvaultName".`,
      }],
    },
    {
      name: 'no keyvaultName: the mount fails',
      code: spc(WI.replace('    keyvaultName: "kv-prod"\n', '')),
      errors: [{
        line: 8, column: 3, endColumn: 13,
        message: `${KV} has no "keyvaultName" in its parameters, so the Azure provider fails the volume mount with "keyvaultName is not provided".`,
      }],
    },
    {
      name: 'no tenant ID in either spelling',
      code: spc(WI.replace(`    tenantID: "${TENANT}"\n`, '')),
      errors: [{
        line: 8, column: 3,
        message: `${KV} has no "tenantID" (nor the deprecated "tenantId") in its parameters, so the Azure provider fails the volume mount with "tenantId is not provided".`,
      }],
    },
    {
      name: 'an empty keyvaultName and a blank tenantID',
      code: spc(WI.replace('"kv-prod"', '""').replace(`"${TENANT}"`, '"  "')),
      errors: [
        { line: 9, column: 5, message: `The parameter "keyvaultName" of ${KV} is empty, so the Azure provider fails the volume mount with "keyvaultName is not provided".` },
        { line: 11, column: 5, message: `The parameter "tenantID" of ${KV} is empty, so the Azure provider fails the volume mount with "tenantId is not provided".` },
      ],
    },
    {
      name: 'no parameters at all: pointed at the name',
      code: 'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: bare\nspec:\n  provider: azure\n',
      errors: [
        { line: 4, column: 9, message: 'SecretProviderClass "bare" has no "keyvaultName" in its parameters, so the Azure provider fails the volume mount with "keyvaultName is not provided".' },
        { line: 4, column: 9, message: 'SecretProviderClass "bare" has no "tenantID" (nor the deprecated "tenantId") in its parameters, so the Azure provider fails the volume mount with "tenantId is not provided".' },
        { line: 4, column: 9, message: 'SecretProviderClass "bare" has no "objects" in its parameters, so the Azure provider fails the volume mount with "objects is not set".' },
      ],
    },
    {
      name: 'values that are not strings: the API server rejects the object',
      code: spc(`${WI}    cloudName: 42\n    userAssignedIdentityID: {id: x}\n`),
      errors: [
        {
          line: 17, column: 16, endColumn: 18,
          message: `The value of parameter "cloudName" of ${KV} is a YAML number, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; quote it.`,
          suggestions: [{ title: 'Quote the value of cloudName', output: spc(`${WI}    cloudName: "42"\n    userAssignedIdentityID: {id: x}\n`) }],
        },
        { line: 18, column: 29, message: `The value of parameter "userAssignedIdentityID" of ${KV} is a YAML mapping, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; write it as a string.` },
      ],
      output: spc(`${WI}    cloudName: "42"\n    userAssignedIdentityID: {id: x}\n`),
    },
    {
      name: 'objects written as a YAML list instead of a string',
      code: spc(`    keyvaultName: kv-prod\n    tenantID: ${TENANT}\n    objects:\n      - objectName: db-password\n        objectType: secret\n`),
      errors: [{
        line: 12, column: 7,
        message: `The value of parameter "objects" of ${KV} is a YAML list, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; write it as a string: a block scalar (objects: |) holding the array.`,
      }],
    },
    {
      name: 'a List whose items share parameters through an anchor: found at the key and at the alias, the anchor is not edited',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata:
      name: a
    spec:
      provider: azure
      parameters: &common
        keyVaultName: kv-prod
        tenantID: "${TENANT}"
        objects: |
          array: []
  - apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata:
      name: b
    spec:
      provider: azure
      parameters:
        <<: *common
        clientID: "${CLIENT}"
`,
      errors: [
        { line: 11, column: 9, endColumn: 21, message: `The parameter key "keyVaultName" of SecretProviderClass "a" is never read: the Azure provider's keys are case-sensitive, and it reads "keyvaultName", so the volume mount fails with "keyvaultName is not provided".` },
        { line: 22, column: 13, endColumn: 20, message: `The parameter key "keyVaultName" of SecretProviderClass "b" is never read: the Azure provider's keys are case-sensitive, and it reads "keyvaultName", so the volume mount fails with "keyvaultName is not provided".` },
      ],
      output: null,
    },
    {
      name: 'Helm: parameters all written in the template, without a tenant ID',
      code: `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ .Release.Name }}-kv
spec:
  provider: azure
  parameters:
    keyvaultName: {{ .Values.keyVault.name | quote }}
    clientID: {{ .Values.clientId | quote }}
    objects: |
      array: []
`,
      errors: [{ line: 7, column: 3, message: 'SecretProviderClass "{{ .Release.Name }}-kv" has no "tenantID" (nor the deprecated "tenantId") in its parameters, so the Azure provider fails the volume mount with "tenantId is not provided".' }],
    },
  ],
});
