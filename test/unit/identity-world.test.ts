// The identity graph's world as the workspace shows it (src/manifests/identity-world.ts): the
// lookups the graph makes go through the workspace index, each in the asking object's project.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveIdentity } from '../../src/consumers/index';
import { parseManifestFile } from '../../src/manifests/document';
import { workspaceWorld } from '../../src/manifests/identity-world';
import { usesOf } from '../../src/manifests/objects';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';

const CLIENT = '0b9a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const app = (name: string, annotations: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}, azure.workload.identity/use: "true"}
      annotations: {${annotations}}
    spec:
      serviceAccountName: ${name}
      containers: [{name: app, image: contoso.azurecr.io/${name}:1}]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: shop
  annotations: {azure.workload.identity/client-id: ${CLIENT}}
`;

const COMPONENT = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: secrets, namespace: shop}
spec:
  type: secretstores.azure.keyvault
  version: v1
  metadata:
  - {name: vaultName, value: kv-shop}
scopes: [checkout]
`;

describe('the workspace as the identity graph sees it', () => {
  it('Dapr: the apps whose pod template asks for the sidecar ("True" as the injector compares), by the app IDs the scopes name', () => {
    const index = new WorkspaceIndex();
    index.setWorkspaceFolders(['/w']);
    index.update(parseManifestFile('/w/checkout.yaml', app('checkout', 'dapr.io/enabled: "True", dapr.io/app-id: checkout')));
    index.update(parseManifestFile('/w/cart.yaml', app('cart', 'dapr.io/enabled: "true", dapr.io/app-id: cart')));
    index.update(parseManifestFile('/w/plain.yaml', app('plain', 'dapr.io/app-id: plain')));
    const file = parseManifestFile('/w/component.yaml', COMPONENT);
    index.update(file);
    const component = index.viewsOf(file.docs[0]!)[0]!;
    const world = workspaceWorld(index);
    const names = (ids: string[]) => index.scoped(component, () => world.daprApps('shop', ids).map((p) => p.name));
    assert.deepEqual(names(['checkout']), ['checkout']);
    assert.deepEqual(names([]).sort(), ['cart', 'checkout']);
    assert.deepEqual(names(['plain']), []);
    const resolved = index.scoped(component, () => resolveIdentity(usesOf(component)[0]!, world));
    assert.deepEqual(resolved.subjects.map((s) => s.subject), ['system:serviceaccount:shop:checkout']);
    assert.equal(resolved.clientId?.value, CLIENT);
  });
});
