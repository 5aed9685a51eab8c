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

const LIST_FIXED = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: a, annotations: {azure.workload.identity/client-id: "${GUID}"}}
`;

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
      errors: [{ line: 7, column: 40, message: /wraps the GUID in a urn:uuid: prefix, which the webhook passes on unchanged, so Entra does not recognise the tenant ID/, suggestions: [{ title: `Keep only the GUID ${TENANT}`, output: sa(`    azure.workload.identity/tenant-id: ${TENANT}\n`) }] }],
      output: sa(`    azure.workload.identity/tenant-id: ${TENANT}\n`),
    },
    {
      name: 'unquoted braces are a YAML map',
      code: sa(`    azure.workload.identity/client-id: {${GUID}}\n`),
      errors: [{ line: 7, column: 40, message: `The azure.workload.identity/client-id annotation on ServiceAccount "api" is the braced GUID {${GUID}}, which YAML reads as a map, not a string; write the bare client ID.`, suggestions: [{ title: `Keep only the GUID ${GUID}`, output: sa(`    azure.workload.identity/client-id: "${GUID}"\n`) }] }],
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
      errors: [{ line: 6, column: 74, message: /ServiceAccount "a" wraps the GUID in braces/, suggestions: [{ title: `Keep only the GUID ${GUID}`, output: LIST_FIXED }] }],
      output: LIST_FIXED,
    },
    // Placeholder spellings found in public manifests, docs and charts (issue 13; see
    // docs/rules/client-id-format.md): never more than info.
    ...[
      'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      'xxxxxxxx-xxxx-xxxx-xxx-xxxxxxxxxxxx',
      '7d8cdf74-xxxx-xxxx-xxxx-274d963d358b',
      'XXXXXXXX-cd79-4859-858d-XXXXXXX',
      'xxx',
      'YOUR_CLIENT_ID',
      'YOUR-USER-ASSIGNED-IDENTITY-CLIENT-ID',
      'your-client-id',
      'YOUR_CLIENT_ID_HERE',
      'CLIENT_ID_HERE',
      'REPLACE_ME',
      'REPLACE_WITH_MANAGED_IDENTITY_CLIENT_ID',
      'changeme',
      'CLIENT_ID',
      'client-id',
      'MANAGED_IDENTITY_CLIENT_ID',
      '<AZURE CLIENT ID>',
      '{{UAMI_CLIENT_ID}}',
      '{client_id}',
      '__MANAGED_IDENTITY_CLIENT_ID__',
      '$USER_ASSIGNED_CLIENT_ID',
      '#{clientId}#',
      // Masks from issue threads: one character repeated, and a note that the value was taken out.
      'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ',
      'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
      'ACTUAL_CLIENT_ID (hidden for privacy)',
      'redacted',
    ].map((value) => ({
      name: `placeholder ${value}: info`,
      code: sa(`    azure.workload.identity/client-id: "${value}"\n`),
      errors: [{ line: 7, column: 40, severity: 'info' as const, message: `The azure.workload.identity/client-id value "${value}" on ServiceAccount "api" is a placeholder, so it cannot be checked until filled in; it must become the client ID (a GUID).` }],
      output: null,
    })),
    // GUIDs no Entra identity has: well-formed, but stand-ins (the nil GUID included).
    ...['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', '12345678-1234-1234-1234-123456789012', '12345678-abcd-1234-ab12-123456abcdef'].map((value) => ({
      name: `stand-in GUID ${value}: info`,
      code: sa(`    azure.workload.identity/tenant-id: ${value}\n`),
      errors: [{ line: 7, column: 40, severity: 'info' as const, message: `The azure.workload.identity/tenant-id value ${value} on ServiceAccount "api" is a stand-in GUID that no Entra identity has (docs use it as a placeholder); it must become the tenant ID before pods can authenticate.` }],
      output: null,
    })),
    {
      name: 'an identity name is not a placeholder: still an error',
      code: sa(`    azure.workload.identity/client-id: workload-identity\n    azure.workload.identity/tenant-id: contoso-tenant\n`),
      errors: [
        { line: 7, column: 40, severity: 'error', message: /value "workload-identity" on ServiceAccount "api" is not a GUID/ },
        { line: 8, column: 40, severity: 'error', message: /value "contoso-tenant" on ServiceAccount "api" is not a GUID/ },
      ],
      output: null,
    },
  ],
});
