import { runRuleTests } from '../rule-tester';
import { externalDnsAzureConfig } from '../../../src/rules/external-dns-azure-config';

const SUB = 'a1b2c3d4-0000-4000-8000-000000000001';
const CID = '5f3c9a8e-1d2b-4c6e-9f7a-2b8d4e6c1a90';
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** A ConfigMap whose azure.json is a literal block of `json` lines (each indented 4). */
const configMap = (json: string, header = '|') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: external-dns-azure
  namespace: external-dns
data:
  azure.json: ${header}
${json.split('\n').map((l) => (l ? '    ' + l : l)).join('\n')}`;

const wiJson = (extra: string) => `{
  "tenantId": "${TID}",
  "subscriptionId": "${SUB}",
  "resourceGroup": "dns-rg",
  "useWorkloadIdentityExtension": true${extra}
}
`;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const USE_AAD = 'The azure.json of ConfigMap "external-dns-azure" sets useWorkloadIdentityExtension with userAssignedIdentityID, which ExternalDNS reads only for a managed identity: in Workload Identity mode the client ID comes from aadClientId, else from the pod\'s AZURE_CLIENT_ID (its ServiceAccount\'s client-id annotation), so without that it fails ("no client ID specified") and with another identity\'s ID Entra answers AADSTS700016 (ExternalDNS issue 4898). Use aadClientId.';

runRuleTests(externalDnsAzureConfig, {
  valid: [
    { name: 'Workload Identity, the client ID from the ServiceAccount', code: configMap(wiJson('')) },
    { name: 'Workload Identity with aadClientId', code: configMap(wiJson(`,\n  "aadClientId": "${CID}"`)) },
    { name: 'a managed identity with userAssignedIdentityID', code: configMap(`{"subscriptionId": "${SUB}", "resourceGroup": "dns-rg", "useManagedIdentityExtension": true, "userAssignedIdentityID": "${CID}"}\n`) },
    { name: 'a service principal alone', code: configMap(`{"tenantId": "${TID}", "subscriptionId": "${SUB}", "resourceGroup": "rg", "aadClientId": "${CID}", "aadClientSecret": "s3cr3t"}\n`) },
    { name: '"msi" stands for no service principal', code: configMap(wiJson(',\n  "aadClientId": "msi",\n  "aadClientSecret": "msi"')) },
    { name: 'another key is not ExternalDNS\'s', code: configMap(wiJson(`,\n  "userAssignedIdentityID": "${CID}"`)).replace('azure.json', 'settings.json') },
    { name: 'not JSON and not an Azure config', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  azure.json: hello\n' },
    {
      name: 'Helm: the mode is a value',
      code: configMap(`{\n  "useWorkloadIdentityExtension": {{ .Values.azure.useWorkloadIdentityExtension }},\n  "userAssignedIdentityID": "${CID}"\n}\n`),
    },
    {
      name: 'Helm: aadClientId is a value that may be set',
      code: configMap(wiJson(`,\n  "aadClientId": "{{ .Values.azure.aadClientId }}",\n  "userAssignedIdentityID": "${CID}"`)),
    },
    {
      name: 'Helm: the whole file from values',
      code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: azure-config-file\nstringData:\n  azure.json: {{ .Values.azure | toJson | quote }}\n',
    },
    { name: 'a Secret\'s base64 data, fine', code: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: azure-config-file\ndata:\n  azure.json: ${b64(wiJson(`,\n  "aadClientId": "${CID}"`))}\n` },
    {
      name: 'Helm: if/else branches choose the identity keys (never rendered together)',
      code: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
stringData:
  azure.json: |
    {
      "subscriptionId": "{{ .Values.azure.subscriptionId }}",
      {{- if .Values.azure.useWorkloadIdentityExtension }}
      "useWorkloadIdentityExtension": true,
      {{- else }}
      "useManagedIdentityExtension": true,
      {{- end }}
      "userAssignedIdentityID": "${CID}"
    }
`,
    },
    {
      name: 'Helm: a trailing comma left by a branch is not reported as unreadable',
      code: configMap(`{\n  "tenantId": "${TID}",\n  {{- if .Values.rg }}\n  "resourceGroup": "{{ .Values.rg }}",\n  {{- end }}\n}\n`),
    },
    { name: 'an envsubst stand-in for the mode is unknown, not unreadable', code: configMap(`{"useWorkloadIdentityExtension": \${USE_WI}, "userAssignedIdentityID": "\${CLIENT_ID}"}\n`) },
  ],
  invalid: [
    {
      name: 'userAssignedIdentityID in Workload Identity mode (the tutorial mistake): exact position in the block, renamed',
      code: configMap(wiJson(`,\n  "userAssignedIdentityID": "${CID}"`)),
      errors: [{
        line: 13, column: 7, endColumn: 31, severity: 'warning',
        message: USE_AAD,
        suggestions: [{ title: 'Rename userAssignedIdentityID to aadClientId', output: configMap(wiJson(`,\n  "aadClientId": "${CID}"`)) }],
      }],
      output: configMap(wiJson(`,\n  "aadClientId": "${CID}"`)),
    },
    {
      name: 'a service-principal secret wins over Workload Identity: a Secret, stringData, |- with deeper indentation',
      code: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
type: Opaque
stringData:
  azure.json: |-
      {"tenantId": "${TID}", "subscriptionId": "${SUB}", "resourceGroup": "dns-rg",
       "aadClientId": "${CID}", "aadClientSecret": "not-a-real-secret",
       "useWorkloadIdentityExtension": true}
`,
      errors: [{
        line: 9, column: 63, endColumn: 80, severity: 'warning',
        message: 'The azure.json of Secret "azure-config-file" sets useWorkloadIdentityExtension, but also aadClientId with aadClientSecret, and ExternalDNS tries the service principal first: it authenticates with the client secret and never uses Workload Identity. Remove aadClientSecret (aadClientId then names the identity to federate).',
      }],
    },
    {
      name: 'a Secret\'s base64 data: at the key, no fix',
      code: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: azure-config-file\ndata:\n  azure.json: ${b64(wiJson(`,\n  "userAssignedIdentityID": "${CID}"`))}\n`,
      errors: [{ line: 6, column: 3, endColumn: 13, message: USE_AAD.replace('ConfigMap "external-dns-azure"', 'Secret "azure-config-file"') }],
      output: null,
    },
    {
      name: 'a double-quoted JSON string: at the key, no fix; key names match case-insensitively',
      code: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: external-dns-azure\ndata:\n  azure.json: "{\\"subscriptionId\\": \\"${SUB}\\", \\"resourceGroup\\": \\"rg\\", \\"useworkloadidentityextension\\": true, \\"UserAssignedIdentityId\\": \\"${CID}\\"}"\n`,
      errors: [{ line: 6, column: 3, message: USE_AAD }],
      output: null,
    },
    {
      name: 'a quoted boolean stops ExternalDNS at start-up; fix-all unquotes it, then the identity key is renamed',
      code: configMap(`{\n  "subscriptionId": "${SUB}",\n  "resourceGroup": "dns-rg",\n  "useWorkloadIdentityExtension": "true",\n  "userAssignedIdentityID": "${CID}"\n}\n`),
      errors: [{
        line: 11, column: 39, endColumn: 45,
        message: '"useWorkloadIdentityExtension" in the azure.json of ConfigMap "external-dns-azure" is a JSON string, not a boolean: ExternalDNS cannot load the file and exits at start-up ("failed to parse Azure config file …: json: cannot unmarshal string into Go struct field config.useWorkloadIdentityExtension of type bool").',
        suggestions: [{
          title: 'Write true without quotes',
          output: configMap(`{\n  "subscriptionId": "${SUB}",\n  "resourceGroup": "dns-rg",\n  "useWorkloadIdentityExtension": true,\n  "userAssignedIdentityID": "${CID}"\n}\n`),
        }],
      }],
      output: configMap(`{\n  "subscriptionId": "${SUB}",\n  "resourceGroup": "dns-rg",\n  "useWorkloadIdentityExtension": true,\n  "aadClientId": "${CID}"\n}\n`),
    },
    {
      name: 'a number where a string belongs',
      code: configMap(`{"subscriptionId": "${SUB}", "resourceGroup": 42}\n`),
      errors: [{ line: 8, column: 81, endColumn: 83, message: /^"resourceGroup" in the azure\.json of ConfigMap "external-dns-azure" is a JSON number, not a string: .*cannot unmarshal number into Go struct field config\.resourceGroup of type string"\)\.$/ }],
    },
    {
      name: 'JSON that does not parse: an info at the key',
      code: configMap(`{\n  "tenantId": "${TID}",\n  "subscriptionId": "${SUB}",\n  "useWorkloadIdentityExtension": true,\n}\n`),
      errors: [{
        line: 7, column: 3, severity: 'info',
        message: 'The azure.json in ConfigMap "external-dns-azure" could not be read as JSON (line 5 of the value: expected a quoted key, found "}"); ExternalDNS reads it with Go\'s encoding/json and, when it does not parse, exits with "failed to parse Azure config file".',
      }],
    },
    {
      name: 'Helm: a masked value on another line does not move the position; the fix applies',
      code: `apiVersion: v1
kind: Secret
metadata:
  name: {{ include "external-dns.fullname" . }}
stringData:
  azure.json: |
    {
      "tenantId": "{{ .Values.azure.tenantId }}",
      "subscriptionId": {{ .Values.azure.subscriptionId | quote }},
      "useWorkloadIdentityExtension": true, "userAssignedIdentityID": "${CID}"
    }
`,
      errors: [{ line: 10, column: 45, endColumn: 69, message: /^The azure\.json of Secret "\{\{ include "external-dns\.fullname" \. \}\}" sets useWorkloadIdentityExtension with userAssignedIdentityID, / , suggestions: [{ title: 'Rename userAssignedIdentityID to aadClientId', output: `apiVersion: v1
kind: Secret
metadata:
  name: {{ include "external-dns.fullname" . }}
stringData:
  azure.json: |
    {
      "tenantId": "{{ .Values.azure.tenantId }}",
      "subscriptionId": {{ .Values.azure.subscriptionId | quote }},
      "useWorkloadIdentityExtension": true, "aadClientId": "${CID}"
    }
` }] }],
      output: `apiVersion: v1
kind: Secret
metadata:
  name: {{ include "external-dns.fullname" . }}
stringData:
  azure.json: |
    {
      "tenantId": "{{ .Values.azure.tenantId }}",
      "subscriptionId": {{ .Values.azure.subscriptionId | quote }},
      "useWorkloadIdentityExtension": true, "aadClientId": "${CID}"
    }
`,
    },
    {
      name: 'a List whose second ConfigMap shares the first one\'s azure.json through an alias',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: external-dns-azure}
    data:
      azure.json: &azure |
        {"useWorkloadIdentityExtension": true, "userAssignedIdentityID": "${CID}"}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: external-dns-azure-private}
    data:
      azure.json: *azure
`,
      errors: [
        { line: 9, column: 48, endColumn: 72, message: USE_AAD },
        { line: 14, column: 19, endColumn: 25, message: USE_AAD.replace('external-dns-azure"', 'external-dns-azure-private"') },
      ],
      output: null,
    },
    {
      name: 'the tutorial\'s Secret: plain JSON under data (rejected), and userAssignedIdentityID',
      code: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
  namespace: external-dns
data:
  azure.json: |
    {
      "subscriptionId": "${SUB}",
      "resourceGroup": "dns-rg",
      "useWorkloadIdentityExtension": true,
      "userAssignedIdentityID": "${CID}"
    }
`,
      errors: [
        {
          line: 7, column: 3, endColumn: 13, severity: 'error',
          message: 'The azure.json under data in Secret "azure-config-file" is plain JSON, but a Secret\'s data values must be base64: the API server rejects the Secret ("illegal base64 data at input byte 0"); put it under stringData, which takes plain text.',
          suggestions: [{ title: 'Rename data to stringData', output: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
  namespace: external-dns
stringData:
  azure.json: |
    {
      "subscriptionId": "${SUB}",
      "resourceGroup": "dns-rg",
      "useWorkloadIdentityExtension": true,
      "userAssignedIdentityID": "${CID}"
    }
` }],
        },
        {
          line: 12, column: 7, message: /^The azure\.json of Secret "azure-config-file" sets useWorkloadIdentityExtension with userAssignedIdentityID, /,
          suggestions: [{ title: 'Rename userAssignedIdentityID to aadClientId', output: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
  namespace: external-dns
data:
  azure.json: |
    {
      "subscriptionId": "${SUB}",
      "resourceGroup": "dns-rg",
      "useWorkloadIdentityExtension": true,
      "aadClientId": "${CID}"
    }
` }],
        },
      ],
      output: `apiVersion: v1
kind: Secret
metadata:
  name: azure-config-file
  namespace: external-dns
stringData:
  azure.json: |
    {
      "subscriptionId": "${SUB}",
      "resourceGroup": "dns-rg",
      "useWorkloadIdentityExtension": true,
      "aadClientId": "${CID}"
    }
`,
    },
    {
      name: 'plain JSON under data next to real base64: no rename',
      code: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: azure-config-file\ndata:\n  other: aGVsbG8=\n  azure.json: '{"tenantId": "${TID}", "subscriptionId": "${SUB}"}'\n`,
      errors: [{ line: 7, column: 3, message: /^The azure\.json under data in Secret "azure-config-file" is plain JSON, / }],
      output: null,
    },
    {
      name: 'CRLF line ends and an explicit indentation indicator: still the exact position',
      code: configMap(`{\n  "useWorkloadIdentityExtension": true,\n  "userAssignedIdentityID": "${CID}"\n}\n`, '|2').replace(/\n/g, '\r\n'),
      errors: [{
        line: 10, column: 7, endColumn: 31, message: USE_AAD,
        suggestions: [{ title: 'Rename userAssignedIdentityID to aadClientId', output: configMap(`{\n  "useWorkloadIdentityExtension": true,\n  "aadClientId": "${CID}"\n}\n`, '|2').replace(/\n/g, '\r\n') }],
      }],
      output: configMap(`{\n  "useWorkloadIdentityExtension": true,\n  "aadClientId": "${CID}"\n}\n`, '|2').replace(/\n/g, '\r\n'),
    },
  ],
});
