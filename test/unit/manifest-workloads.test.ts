// The workloads of a YAML file as the CodeLens and "diagnose the workload under the cursor" see
// them: kinds a diagnosis can target, the line of `kind:`, the lines each spans, namespaces
// only when the manifest sets them, and no lens for names that are not real yet.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestFile } from '../../src/manifests/document';
import { manifestWorkloads, workloadAtLine } from '../../src/editor/diagnose/manifest-workloads';

const TEXT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
---
# the API
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  template:
    spec:
      containers: []
---
apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata:
      name: not-a-target
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
---
apiVersion: v1
kind: Pod
metadata:
  name: <pod-name>
`;

describe('manifestWorkloads', () => {
  const list = manifestWorkloads(parseManifestFile('file:///w/a.yaml', TEXT));

  it('lists the diagnosable workloads with the line of their kind and their span', () => {
    assert.deepEqual(list, [
      { kind: 'Deployment', name: 'api', namespace: 'payments', line: 7, startLine: 6, endLine: 14 },
      { kind: 'CronJob', name: 'nightly', namespace: undefined, line: 20, startLine: 19, endLine: 22 },
    ]);
  });

  it('finds the workload under the cursor, or the only one', () => {
    assert.equal(workloadAtLine(list, 12)?.name, 'api');
    assert.equal(workloadAtLine(list, 21)?.name, 'nightly');
    assert.equal(workloadAtLine(list, 2), undefined, 'on the ServiceAccount, with two workloads in the file');
    assert.equal(workloadAtLine(list.slice(0, 1), 2)?.name, 'api', 'a single workload is taken wherever the cursor is');
  });
});

describe('consumer objects get a lens only where they use an Azure identity', () => {
  it('a Flux source with provider azure, at object or controller level; not one without a provider, nor a store of another provider', () => {
    const text = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: manifests
  namespace: team-b
spec:
  url: oci://contoso.azurecr.io/manifests
  provider: azure
  serviceAccountName: flux-azure
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  url: https://github.com/contoso/platform
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: HelmRepository
metadata:
  name: charts
spec:
  type: oci
  url: oci://contoso.azurecr.io/charts
  provider: azure
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: aws
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
`;
    const ws = manifestWorkloads(parseManifestFile('/w/flux.yaml', text));
    assert.deepEqual(ws.map((w) => `${w.kind}/${w.name}@${w.line}`), ['OCIRepository/manifests@1', 'HelmRepository/charts@19']);
    assert.equal(ws[0]!.namespace, 'team-b');
  });

  it("ExternalDNS's azure.json in a Secret (stringData) or ConfigMap gets one; a Secret or ConfigMap without it, or of another API, does not", () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: azure-config-file, namespace: external-dns}
stringData:
  azure.json: '{"tenantId": "t", "useWorkloadIdentityExtension": true}'
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: external-dns}
data: {domain: contoso.com}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: azure-json, namespace: external-dns}
data:
  azure.json: '{"useWorkloadIdentityExtension": true}'
`;
    const ws = manifestWorkloads(parseManifestFile('/w/dns.yaml', text));
    assert.deepEqual(ws.map((w) => `${w.kind}/${w.name}`), ['Secret/azure-config-file', 'ConfigMap/azure-json']);
  });
});
