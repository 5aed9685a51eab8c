// The resource types the fake API server knows, and the discovery documents built from
// them (legacy APIResourceList/APIGroupList and aggregated APIGroupDiscoveryList v2).
// Names, short names, verbs and subresources follow a real v1.30 API server, because
// kubectl resolves `deploy`, `sa`, `po`... and picks verbs from discovery.

export interface SubresourceType {
  name: string;
  /** The kind the subresource reads and writes (Scale, TokenRequest...). */
  kind: string;
  /** Only when it differs from the parent's group/version. */
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources?: SubresourceType[];
  /** The API server bumps metadata.generation when anything outside metadata/status changes. */
  hasGeneration?: boolean;
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status = (kind: string): SubresourceType => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: SubresourceType = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export const RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], verbs: CRUD, subresources: [status('Node')] },
  {
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: CRUD,
    subresources: [status('Pod'), { name: 'log', kind: 'Pod', verbs: ['get'] }, { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] }],
  },
  {
    group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], verbs: CRUD,
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('Service')] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], verbs: CRUD },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], verbs: CRUD },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, verbs: CRUD },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'], verbs: CRUD },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs: CRUD, subresources: [status('Deployment'), scale], hasGeneration: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], verbs: CRUD, subresources: [status('ReplicaSet'), scale], hasGeneration: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], verbs: CRUD, subresources: [status('StatefulSet'), scale], hasGeneration: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], verbs: CRUD, subresources: [status('DaemonSet')], hasGeneration: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'], verbs: CRUD, subresources: [status('Job')], hasGeneration: true },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], verbs: CRUD, subresources: [status('CronJob')], hasGeneration: true },
  { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration', namespaced: false, categories: ['api-extensions'], verbs: CRUD, hasGeneration: true },
  // Served by every API server; the custom resources a cluster serves are the ones its stored
  // CustomResourceDefinitions define (crdTypes below, Store.types()).
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', singular: 'customresourcedefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], verbs: CRUD, subresources: [status('CustomResourceDefinition')], hasGeneration: true },
  { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', singular: 'validatingwebhookconfiguration', namespaced: false, categories: ['api-extensions'], verbs: CRUD, hasGeneration: true },
  // Create-only review APIs: nothing is stored, the server answers from its own state
  // (`kubectl auth whoami`, `kubectl auth can-i`).
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false, verbs: ['create'] },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', plural: 'tokenreviews', singular: 'tokenreview', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', singular: 'subjectaccessreview', namespaced: false, verbs: ['create'] },
  // RBAC: stored, and read by SubjectAccessReview (rbac.ts).
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, verbs: CRUD },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, verbs: CRUD },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true, verbs: CRUD },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true, verbs: CRUD },
];

/** Resources that are answered, not stored. */
export const REVIEW_KINDS = new Set(['SelfSubjectReview', 'TokenReview', 'SelfSubjectAccessReview', 'SubjectAccessReview']);

export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `deployments.apps`, `pods`: how the API server names a resource in its messages. */
export function qualifiedName(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** Kubernetes' version order (v1 > v1beta2 > v1beta1 > v1alpha1): what a group's preferredVersion is. */
function versionPriority(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return 0;
  return Number(m[1]) * 1_000_000 + (m[2] === undefined ? 900_000 : m[2] === 'beta' ? 500_000 : 100_000) + Number(m[3] ?? 0);
}

/**
 * The resource types a CustomResourceDefinition object defines: one per served version, as a real
 * API server serves them once the CRD is Established (a version with `served: false` is a 404).
 */
export function crdTypes(crd: { spec?: unknown; [key: string]: unknown }): ResourceType[] {
  const spec = (crd.spec ?? {}) as Record<string, any>;
  const names = spec.names ?? {};
  if (!spec.group || !names.plural || !names.kind) return [];
  return ((spec.versions ?? []) as any[])
    .filter((v) => v.served !== false)
    .sort((a, b) => versionPriority(b.name) - versionPriority(a.name))
    .map((v) => ({
      group: spec.group as string,
      version: v.name as string,
      kind: names.kind as string,
      plural: names.plural as string,
      singular: (names.singular as string | undefined) ?? (names.kind as string).toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      ...(names.shortNames?.length ? { shortNames: [...names.shortNames] as string[] } : {}),
      ...(names.categories?.length ? { categories: [...names.categories] as string[] } : {}),
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      ...(v.subresources?.status ? { subresources: [status(names.kind as string)] } : {}),
      hasGeneration: true,
    }));
}

/** Find a type by Kind, plural, singular or short name (case-insensitive), optionally `plural.group`. */
export function resolveResource(name: string, types: readonly ResourceType[] = RESOURCES): ResourceType | undefined {
  const n = name.toLowerCase();
  return types.find((r) => r.kind.toLowerCase() === n || r.plural === n || r.singular === n || qualifiedName(r) === n || (r.shortNames ?? []).includes(n));
}

export function findResource(group: string, version: string, plural: string, types: readonly ResourceType[] = RESOURCES): ResourceType | undefined {
  return types.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForObject(apiVersion: string, kind: string, types: readonly ResourceType[] = RESOURCES): ResourceType | undefined {
  return types.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

/** The groups, core first, in the order a real server lists them (custom resources' groups after the built-in ones). */
export function groups(types: readonly ResourceType[] = RESOURCES): { name: string; versions: string[] }[] {
  const out: { name: string; versions: string[] }[] = [];
  for (const r of types) {
    let g = out.find((x) => x.name === r.group);
    if (!g) out.push((g = { name: r.group, versions: [] }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return out;
}

// ---- Legacy discovery --------------------------------------------------------------

export function apiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.224.0.4:443' }] };
}

function legacyGroup(g: { name: string; versions: string[] }): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(types: readonly ResourceType[] = RESOURCES): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(types).filter((g) => g.name !== '').map(legacyGroup) };
}

export function apiGroup(name: string, types: readonly ResourceType[] = RESOURCES): object | undefined {
  const g = groups(types).find((x) => x.name === name && name !== '');
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...legacyGroup(g) };
}

export function apiResourceList(group: string, version: string, types: readonly ResourceType[] = RESOURCES): object | undefined {
  const rs = types.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources ?? []) {
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

// ---- Aggregated discovery (apidiscovery.k8s.io/v2, what kubectl >= 1.30 asks first) ---

function discoveryResource(r: ResourceType): object {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** `core` true: the document for `/api`; false: for `/apis`. */
export function aggregatedDiscovery(core: boolean, apiVersion: string, types: readonly ResourceType[] = RESOURCES): object {
  const items = groups(types)
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: types.filter((r) => r.group === g.name && r.version === v).map(discoveryResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
