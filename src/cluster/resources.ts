// The resource types the extension reads or writes, and the REST paths for them.

import type { ResourceType } from './types';

const t = (group: string, version: string, plural: string, kind: string, namespaced = true): ResourceType => ({ group, version, plural, kind, namespaced });

export const Resources = {
  namespaces: t('', 'v1', 'namespaces', 'Namespace', false),
  pods: t('', 'v1', 'pods', 'Pod'),
  serviceAccounts: t('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  services: t('', 'v1', 'services', 'Service'),
  endpoints: t('', 'v1', 'endpoints', 'Endpoints'),
  configMaps: t('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: t('', 'v1', 'secrets', 'Secret'),
  events: t('', 'v1', 'events', 'Event'),
  deployments: t('apps', 'v1', 'deployments', 'Deployment'),
  replicaSets: t('apps', 'v1', 'replicasets', 'ReplicaSet'),
  statefulSets: t('apps', 'v1', 'statefulsets', 'StatefulSet'),
  daemonSets: t('apps', 'v1', 'daemonsets', 'DaemonSet'),
  jobs: t('batch', 'v1', 'jobs', 'Job'),
  cronJobs: t('batch', 'v1', 'cronjobs', 'CronJob'),
  mutatingWebhookConfigurations: t('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false),
  /** cert-manager's ACME challenges: where a DNS-01 solver's Azure error shows (an issuer's Ready is about its ACME account). */
  challenges: t('acme.cert-manager.io', 'v1', 'challenges', 'Challenge'),
  /** KEDA's scalers: their triggers name the Azure resources a TriggerAuthentication's identity reads. */
  scaledObjects: t('keda.sh', 'v1alpha1', 'scaledobjects', 'ScaledObject'),
  scaledJobs: t('keda.sh', 'v1alpha1', 'scaledjobs', 'ScaledJob'),
} as const;

/** The workload kinds a diagnosis can target, by kind and by the names users type (`deploy/api`). */
export const WorkloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;
export type WorkloadKind = (typeof WorkloadKinds)[number];

/**
 * What a diagnosis's chain runs on: a workload, or — for a consumer object whose controller
 * requests a ServiceAccount's token itself (External Secrets' `serviceAccountRef`, Flux's
 * object-level identity) — that ServiceAccount alone, with no pod to inject.
 */
export type TargetKind = WorkloadKind | 'ServiceAccount';

const workloadTypes: Record<TargetKind, ResourceType> = {
  ServiceAccount: Resources.serviceAccounts,
  Deployment: Resources.deployments,
  StatefulSet: Resources.statefulSets,
  DaemonSet: Resources.daemonSets,
  Job: Resources.jobs,
  CronJob: Resources.cronJobs,
  Pod: Resources.pods,
};

export function workloadType(kind: TargetKind): ResourceType {
  return workloadTypes[kind];
}

const aliases: Record<string, WorkloadKind> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  job: 'Job', jobs: 'Job',
  cronjob: 'CronJob', cronjobs: 'CronJob', cj: 'CronJob',
  pod: 'Pod', pods: 'Pod', po: 'Pod',
};

/** `deploy`, `Deployment`, `deployments.apps` → 'Deployment'; undefined for anything else. */
export function parseWorkloadKind(s: string): WorkloadKind | undefined {
  return aliases[s.toLowerCase().replace(/\.(apps|batch)$/, '')];
}

export function resourcePath(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const n = name ? `/${encodeURIComponent(name)}` : '';
  const sub = subresource ? `/${subresource}` : '';
  return `${base}${ns}/${type.plural}${n}${sub}`;
}

/** `deployments.apps`, `pods` — how kubectl and RBAC messages name a resource. */
export function qualifiedResource(type: ResourceType, subresource?: string): string {
  const r = type.group ? `${type.plural}.${type.group}` : type.plural;
  return subresource ? `${r}/${subresource}` : r;
}

/**
 * The consumer objects a diagnosis can start from (the identity graph, src/consumers): objects a
 * controller acts on with an Azure identity. Each with the API versions to try, newest first (an
 * older installation serves only an older one).
 */
export const ConsumerKinds = ['SecretProviderClass', 'TriggerAuthentication', 'ClusterTriggerAuthentication', 'SecretStore', 'ClusterSecretStore', 'Issuer', 'ClusterIssuer', 'GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'ImageRepository', 'Component'] as const;
export type ConsumerKind = (typeof ConsumerKinds)[number];

export const consumerTypes: Readonly<Record<ConsumerKind, readonly ResourceType[]>> = {
  SecretProviderClass: [t('secrets-store.csi.x-k8s.io', 'v1', 'secretproviderclasses', 'SecretProviderClass')],
  TriggerAuthentication: [t('keda.sh', 'v1alpha1', 'triggerauthentications', 'TriggerAuthentication')],
  ClusterTriggerAuthentication: [t('keda.sh', 'v1alpha1', 'clustertriggerauthentications', 'ClusterTriggerAuthentication', false)],
  SecretStore: [t('external-secrets.io', 'v1', 'secretstores', 'SecretStore'), t('external-secrets.io', 'v1beta1', 'secretstores', 'SecretStore')],
  ClusterSecretStore: [t('external-secrets.io', 'v1', 'clustersecretstores', 'ClusterSecretStore', false), t('external-secrets.io', 'v1beta1', 'clustersecretstores', 'ClusterSecretStore', false)],
  Issuer: [t('cert-manager.io', 'v1', 'issuers', 'Issuer')],
  ClusterIssuer: [t('cert-manager.io', 'v1', 'clusterissuers', 'ClusterIssuer', false)],
  // Flux's sources with `provider: azure` (v1 since Flux 2.0 for GitRepository, 2.3 HelmRepository, 2.6 OCIRepository and Bucket; v1beta2 before).
  GitRepository: [t('source.toolkit.fluxcd.io', 'v1', 'gitrepositories', 'GitRepository'), t('source.toolkit.fluxcd.io', 'v1beta2', 'gitrepositories', 'GitRepository')],
  OCIRepository: [t('source.toolkit.fluxcd.io', 'v1', 'ocirepositories', 'OCIRepository'), t('source.toolkit.fluxcd.io', 'v1beta2', 'ocirepositories', 'OCIRepository')],
  HelmRepository: [t('source.toolkit.fluxcd.io', 'v1', 'helmrepositories', 'HelmRepository'), t('source.toolkit.fluxcd.io', 'v1beta2', 'helmrepositories', 'HelmRepository')],
  Bucket: [t('source.toolkit.fluxcd.io', 'v1', 'buckets', 'Bucket'), t('source.toolkit.fluxcd.io', 'v1beta2', 'buckets', 'Bucket')],
  ImageRepository: [t('image.toolkit.fluxcd.io', 'v1', 'imagerepositories', 'ImageRepository'), t('image.toolkit.fluxcd.io', 'v1beta2', 'imagerepositories', 'ImageRepository')],
  // Dapr components (dapr/dapr charts/dapr/crds/components.yaml: v1alpha1 only, namespaced, no short name).
  Component: [t('dapr.io', 'v1alpha1', 'components', 'Component')],
};

const consumerAliases: Record<string, ConsumerKind> = {
  secretproviderclass: 'SecretProviderClass', secretproviderclasses: 'SecretProviderClass', spc: 'SecretProviderClass',
  triggerauthentication: 'TriggerAuthentication', triggerauthentications: 'TriggerAuthentication', ta: 'TriggerAuthentication', triggerauth: 'TriggerAuthentication',
  clustertriggerauthentication: 'ClusterTriggerAuthentication', clustertriggerauthentications: 'ClusterTriggerAuthentication', cta: 'ClusterTriggerAuthentication', clustertriggerauth: 'ClusterTriggerAuthentication',
  secretstore: 'SecretStore', secretstores: 'SecretStore', ss: 'SecretStore',
  clustersecretstore: 'ClusterSecretStore', clustersecretstores: 'ClusterSecretStore', css: 'ClusterSecretStore',
  issuer: 'Issuer', issuers: 'Issuer',
  clusterissuer: 'ClusterIssuer', clusterissuers: 'ClusterIssuer', ciss: 'ClusterIssuer',
  gitrepository: 'GitRepository', gitrepositories: 'GitRepository', gitrepo: 'GitRepository',
  ocirepository: 'OCIRepository', ocirepositories: 'OCIRepository', ocirepo: 'OCIRepository',
  helmrepository: 'HelmRepository', helmrepositories: 'HelmRepository', helmrepo: 'HelmRepository',
  bucket: 'Bucket', buckets: 'Bucket',
  imagerepository: 'ImageRepository', imagerepositories: 'ImageRepository', imagerepo: 'ImageRepository',
  component: 'Component', components: 'Component',
};

/** `spc`, `secretproviderclasses.secrets-store.csi.x-k8s.io`, `ClusterIssuer` → the consumer kind; undefined for anything else. */
export function parseConsumerKind(s: string): ConsumerKind | undefined {
  const lower = s.toLowerCase();
  const dot = lower.indexOf('.');
  return consumerAliases[dot === -1 ? lower : lower.slice(0, dot)];
}

export function isConsumerKind(kind: string): kind is ConsumerKind {
  return (ConsumerKinds as readonly string[]).includes(kind);
}

/**
 * Objects a diagnosis can start from that the sidebar does not list: ExternalDNS's `azure.json` is
 * in a Secret or a ConfigMap (only those holding one are diagnosed; a Secret's values are read for
 * the IDs in azure.json and never kept or shown).
 */
export const ConfigHolderKinds = ['Secret', 'ConfigMap'] as const;
export type DiagnosableKind = ConsumerKind | (typeof ConfigHolderKinds)[number];

export const diagnosableTypes: Readonly<Record<DiagnosableKind, readonly ResourceType[]>> = { ...consumerTypes, Secret: [Resources.secrets], ConfigMap: [Resources.configMaps] };

const holderAliases: Record<string, (typeof ConfigHolderKinds)[number]> = { secret: 'Secret', secrets: 'Secret', configmap: 'ConfigMap', configmaps: 'ConfigMap', cm: 'ConfigMap' };

/** parseConsumerKind, plus `secret` and `configmap` (`cm`) for ExternalDNS's azure.json. */
export function parseDiagnosableKind(s: string): DiagnosableKind | undefined {
  return parseConsumerKind(s) ?? holderAliases[s.toLowerCase()];
}

export function isDiagnosableKind(kind: string): kind is DiagnosableKind {
  return isConsumerKind(kind) || (ConfigHolderKinds as readonly string[]).includes(kind);
}
