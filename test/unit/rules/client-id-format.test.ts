import { runRuleTests } from '../rule-tester';
import { clientIdFormat } from '../../../src/rules/client-id-format';

const GUID = '0a1b2c3d-1111-2222-3333-444455556666';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const sa = (annotations: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
  annotations:
${annotations}`;

runRuleTests(clientIdFormat, {
  valid: [
    sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/tenant-id: "${TENANT}"\n`),
    sa(`    azure.workload.identity/client-id: ${GUID.toUpperCase()}\n`),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n',
    // Not a ServiceAccount: annotation-on-wrong-object's business, not this rule's.
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    azure.workload.identity/client-id: nope\nspec:\n  containers: []\n`,
    {
      name: 'kind: List with a flow-style map',
      code: `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ServiceAccount\n    metadata: {name: a, annotations: {azure.workload.identity/client-id: '${GUID}'}}\n`,
    },
  ],
  invalid: [
    {
      name: 'white space around the GUID (safe fix) and an empty tenant-id (suggestion only)',
      code: sa(`    azure.workload.identity/client-id: " ${GUID} "\n    azure.workload.identity/tenant-id: ""\n`),
      errors: [
        {
          line: 7,
          column: 40,
          endColumn: 80,
          severity: 'error',
          message: `The azure.workload.identity/client-id value " ${GUID} " on ServiceAccount "api" wraps the GUID in white space, which the webhook passes on unchanged, so Entra does not recognise the client ID.`,
          suggestions: [{ title: `Keep only the GUID ${GUID}`, output: sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/tenant-id: ""\n`) }],
        },
        {
          line: 8,
          column: 5,
          severity: 'error',
          message: /tenant-id annotation on ServiceAccount "api" is empty, yet its mere presence overrides the webhook's default tenant/,
          suggestions: [{ title: "Remove the empty tenant-id annotation (the webhook's default tenant applies)", output: sa(`    azure.workload.identity/client-id: " ${GUID} "\n`) }],
        },
      ],
      output: sa(`    azure.workload.identity/client-id: "${GUID}"\n    azure.workload.identity/tenant-id: ""\n`),
    },
    {
      name: 'braces inside single quotes keep the single quotes',
      code: sa(`    azure.workload.identity/client-id: '{${GUID}}' # from the portal\n`),
      errors: [{ line: 7, column: 40, message: /wraps the GUID in braces/, suggestions: [{ title: `Keep only the GUID ${GUID}`, output: sa(`    azure.workload.identity/client-id: '${GUID}' # from the portal\n`) }] }],
      output: sa(`    azure.workload.identity/client-id: '${GUID}' # from the portal\n`),
    },
    {
      name: 'urn:uuid: prefix, plain scalar stays plain',
      code: sa(`    azure.workload.identity/tenant-id: urn:uuid:${TENANT}\n`),
      errors: [{ line: 7, column: 40, message: /wraps the GUID in a urn:uuid: prefix, which the webhook passes on unchanged, so Entra does not recognise the tenant ID/ }],
      output: sa(`    azure.workload.identity/tenant-id: ${TENANT}\n`),
    },
    {
      name: 'unquoted braces are a YAML map',
      code: sa(`    azure.workload.identity/client-id: {${GUID}}\n`),
      errors: [{ line: 7, column: 40, message: `The azure.workload.identity/client-id annotation on ServiceAccount "api" is the braced GUID {${GUID}}, which YAML reads as a map, not a string; write the bare client ID.` }],
      output: sa(`    azure.workload.identity/client-id: "${GUID}"\n`),
    },
    {
      name: 'empty client-id: no fix (never guess a GUID)',
      code: sa(`    azure.workload.identity/client-id: ""\n`),
      errors: [{ line: 7, column: 5, message: 'The azure.workload.identity/client-id annotation on ServiceAccount "api" is empty, so pods that run as it get no usable AZURE_CLIENT_ID; set the identity\'s client ID (a GUID).', suggestions: [] }],
      output: null,
    },
    {
      name: 'client-id with no value at all',
      code: sa(`    azure.workload.identity/client-id:\n    other: x\n`),
      errors: [{ line: 7, column: 5, message: /client-id annotation on ServiceAccount "api" is empty/ }],
      output: null,
    },
    {
      name: 'a YAML number',
      code: sa(`    azure.workload.identity/client-id: 12345\n`),
      errors: [{ line: 7, column: 40, endColumn: 45, message: 'The azure.workload.identity/client-id value 12345 on ServiceAccount "api" is a YAML number, not a string, so the API server rejects the ServiceAccount; it must be the identity\'s client ID (a GUID).' }],
      output: null,
    },
    {
      name: 'the identity\'s resource ID instead of its client ID',
      code: sa(`    azure.workload.identity/client-id: /subscriptions/${TENANT}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/api\n`),
      errors: [{ line: 7, column: 40, message: /looks like the identity's resource ID, not its client ID; use the identity's clientId/, suggestions: [] }],
      output: null,
    },
    {
      name: 'placeholders are info only (envsubst and Helm, shown as written)',
      code: sa(`    azure.workload.identity/client-id: "\${CLIENT_ID}"\n    azure.workload.identity/tenant-id: {{ .Values.tenantId }}\n`),
      errors: [
        { line: 7, column: 40, severity: 'info', message: 'The azure.workload.identity/client-id value "${CLIENT_ID}" on ServiceAccount "api" is a placeholder, so it cannot be checked until filled in; it must become the client ID (a GUID).' },
        { line: 8, column: 40, severity: 'info', message: /tenant-id value \{\{ \.Values\.tenantId \}\} on ServiceAccount "api" is a placeholder/ },
      ],
      output: null,
    },
    {
      name: 'a tenant domain name is a warning',
      code: sa(`    azure.workload.identity/tenant-id: contoso.onmicrosoft.com\n`),
      errors: [{ line: 7, column: 40, severity: 'warning', message: /"contoso\.onmicrosoft\.com" on ServiceAccount "api" is a domain name, not the tenant ID/ }],
      output: null,
    },
    {
      name: 'not a GUID, quoted key',
      code: sa(`    "azure.workload.identity/client-id": "my-identity"\n`),
      errors: [{ line: 7, column: 42, message: 'The azure.workload.identity/client-id value "my-identity" on ServiceAccount "api" is not a GUID, so Entra cannot find the client ID and token requests fail; set the identity\'s client ID.' }],
      output: null,
    },
    {
      name: 'a client secret is not echoed back',
      code: sa(`    azure.workload.identity/client-id: "abc8Q~Zy1xWv2uTs3rQp4oNm5lKj6iHg7fEd8cBa"\n`),
      errors: [{ line: 7, column: 40, message: 'The azure.workload.identity/client-id value on ServiceAccount "api" looks like a client secret, not a client ID; remove it from the manifest, rotate the secret, and set the client ID (a GUID).' }],
      output: null,
    },
    {
      name: 'kind: List item with a flow-style annotations map',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: a, annotations: {azure.workload.identity/client-id: "{${GUID}}"}}
`,
      errors: [{ line: 6, column: 74, message: /ServiceAccount "a" wraps the GUID in braces/ }],
      output: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: a, annotations: {azure.workload.identity/client-id: "${GUID}"}}
`,
    },
  ],
});
