import { runRuleTests } from '../rule-tester';
import { secretProviderClassNotFound } from '../../../src/rules/secret-provider-class-not-found';

const spc = (name: string, ns = 'web') => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  provider: azure
  parameters:
    keyvaultName: kv
    clientID: "00000000-0000-0000-0000-000000000001"
    tenantID: "00000000-0000-0000-0000-000000000002"
`;

const deploy = (className: string, driver = 'secrets-store.csi.k8s.io') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: web:1
      volumes:
        - name: secrets
          csi:
            driver: ${driver}
            readOnly: true
            volumeAttributes:
              secretProviderClass: ${className}
`;

const MSG = (name: string, list: string) => `Deployment web mounts SecretProviderClass ${name} (volume secrets), which is not among the SecretProviderClasses of namespace web in this workspace (${list}): the CSI driver cannot find it and the volume never mounts, so the pod stays in ContainerCreating.`;

runRuleTests(secretProviderClassNotFound, {
  valid: [
    { name: 'the class is there', code: deploy('kv-secrets'), files: { 'spc.yaml': spc('kv-secrets') } },
    { name: 'no SecretProviderClass of the namespace in the workspace: applied from elsewhere', code: deploy('kv-secrets') },
    { name: 'classes of other namespaces only', code: deploy('kv-secrets'), files: { 'spc.yaml': spc('kv-secrets', 'other') } },
    { name: 'another CSI driver', code: deploy('nope', 'file.csi.azure.com'), files: { 'spc.yaml': spc('kv-secrets') } },
    { name: 'a Helm expression', code: deploy('"{{ .Values.spc }}"'), files: { 'spc.yaml': spc('kv-secrets') } },
    { name: 'a placeholder', code: deploy('<your-spc>'), files: { 'spc.yaml': spc('kv-secrets') } },
  ],
  invalid: [
    {
      name: 'a typo: suggestion to the near name',
      code: deploy('kv-secret'),
      files: { 'spc.yaml': spc('kv-secrets') + '---\n' + spc('tls-certs') },
      errors: [{
        line: 19,
        column: 36,
        endColumn: 45,
        severity: 'warning',
        message: MSG('kv-secret', 'kv-secrets, tls-certs'),
        related: [{ file: 'spc.yaml', line: 4 }],
        suggestions: [{ title: 'Mount SecretProviderClass kv-secrets', output: deploy('kv-secrets') }],
      }],
      output: null,
    },
    {
      name: 'nothing near: no suggestion',
      code: deploy('database'),
      files: { 'spc.yaml': spc('kv-secrets') },
      errors: [{ line: 19, column: 36, endColumn: 44, message: MSG('database', 'kv-secrets'), related: [], suggestions: [] }],
      output: null,
    },
  ],
});
