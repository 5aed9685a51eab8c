import { runRuleTests } from '../rule-tester';
import { kedaAzurePodIdentity } from '../../../src/rules/keda-azure-pod-identity';

const ta = (provider: string, kind = 'TriggerAuthentication') => `apiVersion: keda.sh/v1alpha1
kind: ${kind}
metadata:
  name: queue-auth
  namespace: apps
spec:
  podIdentity:
    provider: ${provider}
`;

const kv = (provider: string) => `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: kv-auth
spec:
  azureKeyVault:
    vaultUri: https://example.vault.azure.net
    podIdentity:
      provider: ${provider}
    secrets:
      - parameter: connection
        name: queue-connection
`;

const OPERATOR = "the KEDA operator's own ServiceAccount token (keda-operator, usually in namespace keda), so its pod needs the azure.workload.identity/use label and that ServiceAccount a federated credential for the identity";
const ENUM = 'the CRD allows only azure-workload, gcp, aws, aws-eks, none';
const SUGGEST_WORKLOAD = "Use azure-workload (the KEDA operator's ServiceAccount must then be federated with the identity)";

runRuleTests(kedaAzurePodIdentity, {
  valid: [
    ta('azure-workload'),
    ta('none'),
    ta('gcp'),
    ta('aws'),
    ta('aws-eks', 'ClusterTriggerAuthentication'),
    kv('azure-workload'),
    kv('none'),
    { name: 'no podIdentity at all', code: 'apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata:\n  name: s\nspec:\n  secretTargetRef:\n    - parameter: connection\n      name: s\n      key: c\n' },
    { name: 'a Helm expression is not known before install', code: ta('{{ .Values.keda.provider }}') },
    { name: 'a quoted Helm expression', code: ta('"{{ .Values.keda.provider | default "azure-workload" }}"') },
    { name: 'an envsubst placeholder', code: ta('${KEDA_PROVIDER}') },
    { name: 'another API group with the same kind', code: ta('azure').replace('keda.sh/v1alpha1', 'example.com/v1') },
  ],
  invalid: [
    {
      name: 'provider azure (aad-pod-identity), removed in KEDA 2.15: suggestion only',
      code: ta('azure'),
      errors: [{
        line: 8,
        column: 15,
        endColumn: 20,
        severity: 'error',
        message: `KEDA 2.15 removed the aad-pod-identity provider azure: with KEDA 2.15 or later the API server rejects TriggerAuthentication queue-auth (spec.podIdentity.provider: ${ENUM}), and older KEDA needs aad-pod-identity, deprecated since 2022. For Workload Identity use azure-workload, which authenticates with ${OPERATOR}.`,
        related: [],
        suggestions: [{ title: SUGGEST_WORKLOAD, output: ta('azure-workload') }],
      }],
      output: null,
    },
    {
      name: 'ClusterTriggerAuthentication, quoted value keeps its quotes',
      code: ta('"azure"', 'ClusterTriggerAuthentication'),
      errors: [{
        line: 8,
        column: 15,
        endColumn: 22,
        message: `KEDA 2.15 removed the aad-pod-identity provider "azure": with KEDA 2.15 or later the API server rejects ClusterTriggerAuthentication queue-auth (spec.podIdentity.provider: ${ENUM}), and older KEDA needs aad-pod-identity, deprecated since 2022. For Workload Identity use azure-workload, which authenticates with ${OPERATOR}.`,
        suggestions: [{ title: SUGGEST_WORKLOAD, output: ta('"azure-workload"', 'ClusterTriggerAuthentication') }],
      }],
    },
    {
      name: 'aws-kiam was removed too: no fix',
      code: ta('aws-kiam'),
      errors: [{
        line: 8,
        column: 15,
        message: `KEDA 2.15 removed the KIAM provider aws-kiam: with KEDA 2.15 or later the API server rejects TriggerAuthentication queue-auth (spec.podIdentity.provider: ${ENUM}), and older KEDA needs KIAM.`,
        suggestions: [],
      }],
    },
    {
      name: 'the Key Vault secret source: azure',
      code: kv('azure'),
      errors: [{
        line: 9,
        column: 17,
        message: `KEDA 2.15 removed the aad-pod-identity provider azure: with KEDA 2.15 or later the API server rejects TriggerAuthentication kv-auth (spec.azureKeyVault.podIdentity.provider: ${ENUM}), and older KEDA needs aad-pod-identity, deprecated since 2022. For Workload Identity use azure-workload, which authenticates with ${OPERATOR}.`,
        suggestions: [{ title: SUGGEST_WORKLOAD, output: kv('azure-workload') }],
      }],
    },
    {
      name: 'the Key Vault secret source accepts only azure-workload and none',
      code: kv('gcp'),
      errors: [{
        line: 9,
        column: 17,
        endColumn: 20,
        message: 'The Azure Key Vault secret source of TriggerAuthentication kv-auth accepts only the pod identity providers azure-workload and none, so KEDA fails to read its secrets with "key vault does not support pod identity provider - gcp".',
      }],
    },
    {
      name: 'a case variant of a known provider: safe fix',
      code: ta('Azure-Workload'),
      errors: [{
        line: 8,
        column: 15,
        endColumn: 29,
        message: `spec.podIdentity.provider Azure-Workload is not a provider KEDA knows, so the API server rejects TriggerAuthentication queue-auth (${ENUM}; the values are case-sensitive).`,
        suggestions: [{ title: 'Write azure-workload', output: ta('azure-workload') }],
      }],
      output: ta('azure-workload'),
    },
    {
      name: 'a spelling that means Workload Identity: suggestion',
      code: ta("'azure-workload-identity'"),
      errors: [{
        line: 8,
        column: 15,
        message: `spec.podIdentity.provider 'azure-workload-identity' is not a provider KEDA knows, so the API server rejects TriggerAuthentication queue-auth (${ENUM}; the values are case-sensitive). Workload Identity is azure-workload, which authenticates with ${OPERATOR}.`,
        suggestions: [{ title: 'Use azure-workload', output: ta("'azure-workload'") }],
      }],
      output: null,
    },
    {
      name: 'an unknown provider: no fix',
      code: ta('vault'),
      errors: [{
        line: 8,
        column: 15,
        message: `spec.podIdentity.provider vault is not a provider KEDA knows, so the API server rejects TriggerAuthentication queue-auth (${ENUM}; the values are case-sensitive).`,
        suggestions: [],
      }],
    },
    {
      name: 'an empty provider points at the key',
      code: ta(''),
      errors: [{
        line: 8,
        column: 5,
        endColumn: 13,
        message: `spec.podIdentity.provider is empty, so the API server rejects TriggerAuthentication queue-auth (${ENUM}; the values are case-sensitive).`,
      }],
    },
    {
      name: 'kind: List, both sources, flow style',
      code: `apiVersion: v1
kind: List
items:
  - apiVersion: keda.sh/v1alpha1
    kind: TriggerAuthentication
    metadata: {name: a}
    spec:
      podIdentity: {provider: azure, identityId: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd}
      azureKeyVault:
        vaultUri: https://example.vault.azure.net
        podIdentity: {provider: aws}
`,
      errors: [
        {
          line: 8,
          column: 31,
          message: /^KEDA 2\.15 removed the aad-pod-identity provider azure: with KEDA 2\.15 or later the API server rejects TriggerAuthentication a \(spec\.podIdentity\.provider/,
          suggestions: [{
            title: SUGGEST_WORKLOAD,
            output: `apiVersion: v1
kind: List
items:
  - apiVersion: keda.sh/v1alpha1
    kind: TriggerAuthentication
    metadata: {name: a}
    spec:
      podIdentity: {provider: azure-workload, identityId: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd}
      azureKeyVault:
        vaultUri: https://example.vault.azure.net
        podIdentity: {provider: aws}
`,
          }],
        },
        {
          line: 11,
          column: 33,
          message: 'The Azure Key Vault secret source of TriggerAuthentication a accepts only the pod identity providers azure-workload and none, so KEDA fails to read its secrets with "key vault does not support pod identity provider - aws".',
        },
      ],
    },
    {
      name: 'inherited through an anchor: reported at the alias, and no fix edits the shared anchor',
      code: `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: anchored
spec:
  podIdentity: &legacy
    provider: azure
  azureKeyVault:
    vaultUri: https://example.vault.azure.net
    podIdentity:
      <<: *legacy
`,
      errors: [
        {
          line: 7,
          column: 15,
          message: /^KEDA 2\.15 removed the aad-pod-identity provider azure: .* \(spec\.podIdentity\.provider:/,
          suggestions: [],
        },
        {
          line: 11,
          column: 11,
          message: /^KEDA 2\.15 removed the aad-pod-identity provider azure: .* \(spec\.azureKeyVault\.podIdentity\.provider:/,
          suggestions: [],
        },
      ],
    },
  ],
});
