import { runRuleTests } from '../rule-tester';
import { identityBindingClusterRole } from '../../../src/rules/identity-binding-cluster-role';

const CLIENT = '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f';
const role = (rule: string, kind = 'ClusterRole') => `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata:
  name: use-mi
${kind === 'Role' ? '  namespace: payments\n' : ''}rules:
${rule}`;
const RULE = (resources: string, verbs = '["use-managed-identity"]', extra = '') => `  - verbs: ${verbs}\n    apiGroups: ["cid.wi.aks.azure.com"]\n    resources: ${resources}\n${extra}`;
const sa = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api-sa\n  annotations:\n    azure.workload.identity/client-id: "${CLIENT}"\n`;

runRuleTests(identityBindingClusterRole, {
  valid: [
    { name: "Microsoft's docs", code: role(RULE(`["${CLIENT}"]`)), files: { 'sa.yaml': sa } },
    { name: 'a client ID with no ServiceAccount in the workspace at all (nothing to compare with)', code: role(RULE(`["${CLIENT}"]`)) },
    { name: 'another API group', code: role('  - verbs: ["get"]\n    apiGroups: [""]\n    resources: ["pods"]\n') },
    { name: 'a templated client ID', code: role(RULE('["{{ .Values.clientId }}"]')) },
  ],
  invalid: [
    { name: 'a resource that is not a client ID', code: role(RULE('["my-identity"]')), errors: [{ line: 8, column: 17, message: /^The resource "my-identity" of ClusterRole "use-mi" is not a client ID/ }] },
    { name: 'the client ID in resourceNames', code: role(RULE('["*"]', '["use-managed-identity"]', `    resourceNames: ["${CLIENT}"]\n`)), errors: [{ line: 9, column: 5, message: /restricts cid\.wi\.aks\.azure\.com to resourceNames/ }] },
    { name: 'no use-managed-identity verb', code: role(RULE(`["${CLIENT}"]`, '["get", "list"]')), files: { 'sa.yaml': sa }, errors: [{ line: 6, column: 5, message: /without the verb use-managed-identity/ }] },
    { name: 'a client ID no ServiceAccount of the workspace carries (info)', code: role(RULE('["0b9a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"]')), files: { 'sa.yaml': sa }, errors: [{ line: 8, column: 17, severity: 'info', message: /which no ServiceAccount of this workspace carries/ }] },
    { name: 'a namespaced Role (info)', code: role(RULE(`["${CLIENT}"]`), 'Role'), files: { 'sa.yaml': sa }, errors: [{ line: 8, column: 5, severity: 'info', message: /grants cid\.wi\.aks\.azure\.com in one namespace/ }] },
  ],
});
