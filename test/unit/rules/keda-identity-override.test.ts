import { runRuleTests } from '../rule-tester';
import { kedaIdentityOverride } from '../../../src/rules/keda-identity-override';

const ta = (identity: string, kind = 'TriggerAuthentication') => `apiVersion: keda.sh/v1alpha1
kind: ${kind}
metadata:
  name: queue-auth
  namespace: app
spec:
  podIdentity:
    provider: azure-workload
${identity}`;

const sa = (clientId: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: keda-operator
  namespace: keda
  annotations:
    azure.workload.identity/client-id: "${clientId}"
`;

const operator = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-op
  namespace: autoscale
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: keda-op
      containers:
        - name: keda-operator
          image: ghcr.io/kedacore/keda:2.16.0
`;

const ID = '    identityId: "b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"\n';

runRuleTests(kedaIdentityOverride, {
  valid: [
    { name: 'no override: the operator\'s own identity', code: ta('') },
    { name: 'the override is the operator\'s own client ID', code: ta(ID), files: { 'sa.yaml': sa('b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d') } },
    { name: 'a placeholder', code: ta('    identityId: <identity-client-id>\n') },
    { name: 'a stand-in GUID', code: ta('    identityId: 00000000-0000-0000-0000-000000000012\n') },
    { name: 'a Helm value', code: ta('    identityId: "{{ .Values.identity }}"\n') },
  ],
  invalid: [
    {
      name: 'the operator is not in the workspace: the default installation\'s subject',
      code: ta(ID),
      errors: [{ line: 9, column: 5, endColumn: 15, severity: 'info', message: 'TriggerAuthentication queue-auth makes the KEDA operator exchange its own token for identity b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d: that identity needs a federated credential with subject system:serviceaccount:keda:keda-operator (the default installation\'s ServiceAccount; the KEDA operator is not in this workspace) and the cluster\'s issuer, besides the operator\'s own.' }],
    },
    {
      name: 'the operator in the workspace runs as another ServiceAccount',
      code: ta(ID, 'ClusterTriggerAuthentication'),
      files: { 'op.yaml': operator },
      errors: [{ line: 9, column: 5, endColumn: 15, severity: 'info', message: /with subject system:serviceaccount:autoscale:keda-op and the cluster's issuer/ }],
    },
  ],
});
