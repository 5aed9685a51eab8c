// Flux v2.6 with Workload Identity (issue 18), for diagnosing Flux sources with `provider: azure`:
//   - GitRepository flux-system/platform at CONTROLLER level: source-controller's own token (its
//     ServiceAccount annotated with client and tenant IDs, its pod labelled), Ready;
//   - OCIRepository team-b/manifests at OBJECT level (feature gate ObjectLevelWorkloadIdentity on):
//     the token of ServiceAccount team-b/flux-azure, which source-controller requests itself — and
//     which has the client-id annotation but not the tenant-id one Flux requires, so the source is
//     not Ready with Flux's own error (fluxcd/pkg auth/azure, docs/workload-identity-facts.md).
// Deployment shape from fluxcd/flux2 manifests (v2.6): namespace flux-system, ServiceAccount named
// after the controller, image ghcr.io/fluxcd/source-controller.

import type { ClusterBuilder } from './builder';
import { FLUX_CRDS } from './crds';
import { CLIENT_ID, TENANT_ID, type Scenario } from './scenarios';
import { installCrds } from './scenarios-consumers';
import { DAY, HOUR, iso, MINUTE, stableUid } from './workloads';

export const FLUX_RELEASE = 'v2.6.4';
export const FLUX_SOURCE_IMAGE = 'ghcr.io/fluxcd/source-controller:v1.6.2';
const USE = { 'azure.workload.identity/use': 'true' };
const CLIENT = 'azure.workload.identity/client-id';
const TENANT = 'azure.workload.identity/tenant-id';
/** Flux's error when the object's ServiceAccount lacks the tenant-id annotation (fluxcd/pkg auth/azure). */
export const FLUX_NO_TENANT = `failed to get credential from 'azure': azure tenant ID is not set in the service account annotation ${TENANT}`;

function installFlux(b: ClusterBuilder): void {
  const ns = 'flux-system';
  const installed = b.ago(40 * DAY);
  const labels = { 'app.kubernetes.io/instance': ns, 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/version': FLUX_RELEASE };
  b.namespace(ns, installed - MINUTE, labels);
  installCrds(b, FLUX_CRDS, installed, { ...labels, 'app.kubernetes.io/component': 'source-controller' });
  b.serviceAccount(ns, 'source-controller', installed, { [CLIENT]: CLIENT_ID, [TENANT]: TENANT_ID }, { ...labels, 'app.kubernetes.io/component': 'source-controller' });
  b.deployment({
    namespace: ns,
    name: 'source-controller',
    replicas: 1,
    serviceAccountName: 'source-controller',
    selector: { app: 'source-controller' },
    labels: { ...labels, 'app.kubernetes.io/component': 'source-controller', 'control-plane': 'controller' },
    podLabels: { app: 'source-controller', ...USE },
    containers: [
      {
        name: 'manager',
        image: FLUX_SOURCE_IMAGE,
        args: ['--events-addr=http://notification-controller.flux-system.svc.cluster.local./', '--watch-all-namespaces=true', '--log-level=info', '--log-encoding=json', '--enable-leader-election', '--storage-path=/data', '--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.', '--feature-gates=ObjectLevelWorkloadIdentity=true'],
        env: [{ name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
        ports: [{ containerPort: 9090, name: 'http', protocol: 'TCP' }],
      },
    ],
    created: installed,
    rolledOut: b.ago(9 * DAY),
    revision: 2,
  });
}

const ready = (status: 'True' | 'False', reason: string, message: string, at: number, generation: number) => ({ observedGeneration: generation, conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: iso(at), observedGeneration: generation }] });

export const FLUX_SOURCES: Scenario = {
  name: 'flux-sources',
  description: "Flux v2.6 (source-controller labelled, its ServiceAccount annotated with client and tenant IDs, object-level identity enabled); GitRepository flux-system/platform (provider azure, the controller's identity) Ready; OCIRepository team-b/manifests (provider azure, serviceAccountName flux-azure) not Ready: flux-azure has no tenant-id annotation.",
  base: 'aks-addon',
  target: { namespace: 'flux-system', kind: 'Deployment', name: 'source-controller' },
  failingCheckpoint: null,
  build(b) {
    installFlux(b);
    const created = b.ago(12 * DAY);
    b.put({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'platform', namespace: 'flux-system', uid: stableUid('gitrepo/flux-system/platform'), generation: 1, creationTimestamp: iso(created) },
      spec: { interval: '1m', url: 'https://dev.azure.com/contoso/platform/_git/platform', ref: { branch: 'main' }, provider: 'azure' },
      status: ready('True', 'Succeeded', "stored artifact for revision 'main@sha1:5b7c1e0f3d2a9c8b7a6f5e4d3c2b1a0f9e8d7c6b'", b.ago(2 * MINUTE), 1),
    });
    b.namespace('team-b', created - HOUR);
    b.serviceAccount('team-b', 'flux-azure', created, { [CLIENT]: CLIENT_ID });
    const failing = b.ago(4 * MINUTE);
    const oci = b.put({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'manifests', namespace: 'team-b', uid: stableUid('ocirepo/team-b/manifests'), generation: 3, creationTimestamp: iso(created) },
      spec: { interval: '5m', url: 'oci://contoso.azurecr.io/manifests/team-b', ref: { tag: 'latest' }, provider: 'azure', serviceAccountName: 'flux-azure' },
      status: ready('False', 'AuthenticationFailed', FLUX_NO_TENANT, b.ago(3 * HOUR), 3),
    });
    b.event({ involved: oci, type: 'Warning', reason: 'AuthenticationFailed', message: FLUX_NO_TENANT, component: 'source-controller', first: b.ago(3 * HOUR), last: failing, count: 37 });
  },
};
