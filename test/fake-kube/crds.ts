// CustomResourceDefinitions of the controllers that use an Azure identity on someone's behalf
// (issue 18): the Secrets Store CSI driver, KEDA, External Secrets and cert-manager. A scenario
// installs a project's CRDs with the project (scenarios-consumers.ts); the server then serves their
// types exactly as a real API server serves an Established CRD — discovery, CRUD, watch, short
// names — and a cluster without them answers 404 for their paths (Store.types()).
//
// Names, short names, categories, scope and versions (served, storage, deprecated) are the
// projects' own, checked against their CRD manifests: secrets-store-csi-driver v1.3 (the add-on's with provider v1.4.1),
// kedacore/keda config/crd/bases, external-secrets config/crds/bases at v0.14.0 (v1alpha1
// deprecated + v1beta1 storage) and v0.16.0 (v1 storage + v1beta1), cert-manager deploy/crds at
// v1.16.2, Flux v2.6 (source, kustomize and image CRDs), Dapr's Component. Schemas are left open
// (x-kubernetes-preserve-unknown-fields): the fake does not validate.

import type { KubeObject } from './store';
import { iso, stableUid } from './workloads';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  /** Has the status subresource. */
  status?: boolean;
}

export interface CrdDefinition {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  categories?: string[];
  versions: CrdVersion[];
}

const v = (name: string, o: Partial<CrdVersion> = {}): CrdVersion => ({ name, served: true, storage: true, status: true, ...o });

// ---- Secrets Store CSI driver (the AKS add-on azureKeyvaultSecretsProvider) ------------------------

export const SECRETS_STORE_CRDS: readonly CrdDefinition[] = [
  { group: 'secrets-store.csi.x-k8s.io', kind: 'SecretProviderClass', plural: 'secretproviderclasses', singular: 'secretproviderclass', scope: 'Namespaced', versions: [v('v1'), v('v1alpha1', { storage: false })] },
  { group: 'secrets-store.csi.x-k8s.io', kind: 'SecretProviderClassPodStatus', plural: 'secretproviderclasspodstatuses', singular: 'secretproviderclasspodstatus', scope: 'Namespaced', versions: [v('v1'), v('v1alpha1', { storage: false })] },
];

// ---- KEDA 2.16 ---------------------------------------------------------------------------------------

export const KEDA_CRDS: readonly CrdDefinition[] = [
  { group: 'keda.sh', kind: 'ScaledObject', plural: 'scaledobjects', singular: 'scaledobject', scope: 'Namespaced', shortNames: ['so'], versions: [v('v1alpha1')] },
  { group: 'keda.sh', kind: 'ScaledJob', plural: 'scaledjobs', singular: 'scaledjob', scope: 'Namespaced', shortNames: ['sj'], versions: [v('v1alpha1')] },
  { group: 'keda.sh', kind: 'TriggerAuthentication', plural: 'triggerauthentications', singular: 'triggerauthentication', scope: 'Namespaced', shortNames: ['ta', 'triggerauth'], versions: [v('v1alpha1')] },
  { group: 'keda.sh', kind: 'ClusterTriggerAuthentication', plural: 'clustertriggerauthentications', singular: 'clustertriggerauthentication', scope: 'Cluster', shortNames: ['cta', 'clustertriggerauth'], versions: [v('v1alpha1')] },
];

// ---- External Secrets Operator ------------------------------------------------------------------------

/**
 * The store CRDs as an ESO release serves them: up to v0.15 v1alpha1 (deprecated) and v1beta1
 * (storage); v0.16 v1 (storage) and v1beta1; from v0.17 v1 only.
 */
export function externalSecretsCrds(release: string): CrdDefinition[] {
  const m = /^v?0\.(\d+)\./.exec(release);
  const minor = m ? Number(m[1]) : 99;
  const versions = minor <= 15 ? [v('v1alpha1', { storage: false, deprecated: true }), v('v1beta1')] : minor === 16 ? [v('v1'), v('v1beta1', { storage: false })] : [v('v1')];
  const crd = (kind: string, plural: string, scope: 'Namespaced' | 'Cluster', shortNames: string[]): CrdDefinition => ({ group: 'external-secrets.io', kind, plural, singular: kind.toLowerCase(), scope, shortNames, categories: ['external-secrets'], versions });
  return [
    crd('ExternalSecret', 'externalsecrets', 'Namespaced', ['es']),
    crd('ClusterExternalSecret', 'clusterexternalsecrets', 'Cluster', ['ces']),
    crd('SecretStore', 'secretstores', 'Namespaced', ['ss']),
    crd('ClusterSecretStore', 'clustersecretstores', 'Cluster', ['css']),
  ];
}

// ---- cert-manager v1.16 ---------------------------------------------------------------------------------

export const CERT_MANAGER_CRDS: readonly CrdDefinition[] = [
  { group: 'cert-manager.io', kind: 'Certificate', plural: 'certificates', singular: 'certificate', scope: 'Namespaced', shortNames: ['cert', 'certs'], categories: ['cert-manager'], versions: [v('v1')] },
  { group: 'cert-manager.io', kind: 'CertificateRequest', plural: 'certificaterequests', singular: 'certificaterequest', scope: 'Namespaced', shortNames: ['cr', 'crs'], categories: ['cert-manager'], versions: [v('v1')] },
  { group: 'cert-manager.io', kind: 'Issuer', plural: 'issuers', singular: 'issuer', scope: 'Namespaced', categories: ['cert-manager'], versions: [v('v1')] },
  { group: 'cert-manager.io', kind: 'ClusterIssuer', plural: 'clusterissuers', singular: 'clusterissuer', scope: 'Cluster', categories: ['cert-manager'], versions: [v('v1')] },
  { group: 'acme.cert-manager.io', kind: 'Order', plural: 'orders', singular: 'order', scope: 'Namespaced', categories: ['cert-manager', 'cert-manager-acme'], versions: [v('v1')] },
  { group: 'acme.cert-manager.io', kind: 'Challenge', plural: 'challenges', singular: 'challenge', scope: 'Namespaced', categories: ['cert-manager', 'cert-manager-acme'], versions: [v('v1')] },
];

// ---- Flux v2.6 (fluxcd/flux2 manifests/crds at v2.6): source v1 (v1beta2 still served), image v1beta2 ----------

export const FLUX_CRDS: readonly CrdDefinition[] = [
  { group: 'source.toolkit.fluxcd.io', kind: 'GitRepository', plural: 'gitrepositories', singular: 'gitrepository', scope: 'Namespaced', shortNames: ['gitrepo'], versions: [v('v1'), v('v1beta2', { storage: false, deprecated: true })] },
  { group: 'source.toolkit.fluxcd.io', kind: 'OCIRepository', plural: 'ocirepositories', singular: 'ocirepository', scope: 'Namespaced', shortNames: ['ocirepo'], versions: [v('v1'), v('v1beta2', { storage: false, deprecated: true })] },
  { group: 'source.toolkit.fluxcd.io', kind: 'HelmRepository', plural: 'helmrepositories', singular: 'helmrepository', scope: 'Namespaced', shortNames: ['helmrepo'], versions: [v('v1'), v('v1beta2', { storage: false, deprecated: true })] },
  { group: 'source.toolkit.fluxcd.io', kind: 'HelmChart', plural: 'helmcharts', singular: 'helmchart', scope: 'Namespaced', shortNames: ['hc'], versions: [v('v1'), v('v1beta2', { storage: false, deprecated: true })] },
  { group: 'source.toolkit.fluxcd.io', kind: 'Bucket', plural: 'buckets', singular: 'bucket', scope: 'Namespaced', versions: [v('v1'), v('v1beta2', { storage: false, deprecated: true })] },
  { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', plural: 'kustomizations', singular: 'kustomization', scope: 'Namespaced', shortNames: ['ks'], versions: [v('v1')] },
  // The image automation APIs reached v1 only with Flux 2.7: a 2.6 cluster serves ImageRepository in v1beta2.
  { group: 'image.toolkit.fluxcd.io', kind: 'ImageRepository', plural: 'imagerepositories', singular: 'imagerepository', scope: 'Namespaced', versions: [v('v1beta2')] },
];

// ---- Dapr (dapr/dapr charts/dapr/crds/components.yaml: v1alpha1 only, namespaced, no short name) ---------

export const DAPR_CRDS: readonly CrdDefinition[] = [
  { group: 'dapr.io', kind: 'Component', plural: 'components', singular: 'component', scope: 'Namespaced', versions: [v('v1alpha1', { status: false })] },
];

/** A CustomResourceDefinition object as `kubectl get crd -o json` shows an Established one. */
export function crdObject(d: CrdDefinition, o: { created: Date | number; labels?: Record<string, string>; annotations?: Record<string, string> }): KubeObject {
  const name = `${d.plural}.${d.group}`;
  const names = {
    kind: d.kind,
    listKind: `${d.kind}List`,
    plural: d.plural,
    singular: d.singular,
    ...(d.shortNames ? { shortNames: d.shortNames } : {}),
    ...(d.categories ? { categories: d.categories } : {}),
  };
  const t = iso(o.created);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name,
      uid: stableUid(`crd/${name}`),
      generation: 1,
      creationTimestamp: t,
      ...(o.labels ? { labels: o.labels } : {}),
      annotations: { 'controller-gen.kubebuilder.io/version': 'v0.16.5', ...(o.annotations ?? {}) },
    },
    spec: {
      group: d.group,
      names,
      scope: d.scope,
      versions: d.versions.map((x) => ({
        name: x.name,
        served: x.served,
        storage: x.storage,
        ...(x.deprecated ? { deprecated: true } : {}),
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(x.status ? { subresources: { status: {} } } : {}),
      })),
      conversion: { strategy: 'None' },
    },
    status: {
      acceptedNames: names,
      conditions: [
        { lastTransitionTime: t, message: 'no conflicts found', reason: 'NoConflicts', status: 'True', type: 'NamesAccepted' },
        { lastTransitionTime: t, message: 'the initial names have been accepted', reason: 'InitialNamesAccepted', status: 'True', type: 'Established' },
      ],
      storedVersions: d.versions.filter((x) => x.storage).map((x) => x.name),
    },
  };
}
