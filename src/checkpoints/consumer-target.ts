// A diagnosis that starts from a consumer object (a SecretProviderClass, a KEDA
// TriggerAuthentication, an External Secrets store, a cert-manager issuer): read it, say what
// identity it uses (src/consumers), and find in the cluster WHOSE ServiceAccount token is
// exchanged and the workload that carries it — the pods that mount the class, the controller's
// Deployment — so the checkpoint chain runs on that workload (see consumer-identity.ts).

import { CONTROLLERS, controllerOfContainer, describeConsumer, resolveIdentity, type ConsumerUse, type ControllerId, type IdentityWorld, type PodOwner, type ResolvedIdentity, type ServiceAccountFacts } from '../consumers/index';
import { CSI_DRIVER } from '../consumers/secrets-store-csi';
import { DAPR_APP_ID, daprEnabled } from '../consumers/dapr';
import { fluxControllerOf } from '../consumers/flux';
import { diagnosableTypes, Resources, type DiagnosableKind, type WorkloadKind } from '../cluster/resources';
import type { ClusterApi, KubeObject, KubeResult, Pod } from '../cluster/types';
import type { WorkloadRef } from '../cluster/workloads';
import { CLIENT_ID, TENANT_ID, USE_LABEL } from '../manifests/workload-identity';
import { capitalize } from '../util/words';
import type { KedaScaler } from '../azure/resource-endpoints';

export interface ConsumerRef {
  readonly kind: DiagnosableKind;
  /** Undefined for the cluster-scoped kinds. */
  readonly namespace: string | undefined;
  readonly name: string;
}

export interface ConsumerTarget {
  readonly ref: ConsumerRef;
  readonly object: KubeObject;
  readonly use: ConsumerUse;
  readonly identity: ResolvedIdentity;
  /** The workload whose pods' ServiceAccount token is exchanged (the chain runs on it). */
  readonly carrier?: WorkloadRef;
  /** How the carrier was chosen, or why there is none. */
  readonly carrierNote: string;
  /** For a SecretProviderClass: the pods that mount it and the names of the volumes that do (their events name those). */
  readonly mountingPods?: readonly { readonly name: string; readonly volumes: readonly string[] }[];
  /**
   * For a KEDA (Cluster)TriggerAuthentication: the Azure resources the triggers that use it read
   * (from the ScaledObjects and ScaledJobs whose authenticationRef names it), and the triggers of
   * a type whose resource is not judged.
   */
  readonly scalers?: { readonly resources: readonly ScalerResource[]; readonly notJudged: readonly string[] };
}

/** An Azure resource a KEDA trigger reads: what its scaler calls there (resource-endpoints.ts KedaScaler). */
export interface ScalerResource {
  readonly scaler: KedaScaler;
  /** The Service Bus or Event Hubs namespace, or the storage account. */
  readonly name: string;
  /** The queue, container or hub below it, when the trigger names it (assignments there count). */
  readonly entity?: { readonly path: string; readonly label: string };
  /** `ScaledObject app/queue-worker (azure-servicebus, queue orders)`. */
  readonly seenIn: string;
}

export type ConsumerResolution =
  | { readonly ok: true; readonly target: ConsumerTarget }
  /** Nothing to diagnose: the object or its type is missing, or no workload carries its identity. `fault`: the cluster could not answer. */
  | { readonly ok: false; readonly message: string; readonly fault: boolean; readonly target?: Omit<ConsumerTarget, 'carrier'> };

const WORKLOAD_TYPES = { Deployment: Resources.deployments, StatefulSet: Resources.statefulSets, DaemonSet: Resources.daemonSets } as const;

const shown = (ref: ConsumerRef) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** Reads the consumer (trying its API versions newest first). */
async function readConsumer(cluster: ClusterApi, ref: ConsumerRef, signal: AbortSignal): Promise<KubeResult<KubeObject> | { missingType: true }> {
  let last: KubeResult<KubeObject> | undefined;
  for (const type of diagnosableTypes[ref.kind]) {
    last = await cluster.get<KubeObject>(type, ref.namespace, ref.name, signal);
    // A 404 on a version may be the version (the CRD serves another) or the object: the next version says which.
    if (last.ok || last.failure.kind !== 'not-found') return last;
  }
  // Tell "no such object" from "no such resource type" by listing each version: a list of a type the server does not serve is 404 too.
  for (const type of diagnosableTypes[ref.kind]) {
    const listed = await cluster.list(type, ref.namespace, { limit: 1 }, signal);
    if (listed.ok || listed.failure.kind !== 'not-found') return last!;
  }
  return { missingType: true };
}

/** The workload that owns a pod (through its ReplicaSet or Job), or the pod itself. */
async function ownerOf(cluster: ClusterApi, pod: Pod, signal: AbortSignal): Promise<{ kind: WorkloadKind; name: string }> {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return { kind: 'Pod', name: pod.metadata.name };
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return { kind: owner.kind, name: owner.name };
  const parentType = owner.kind === 'ReplicaSet' ? Resources.replicaSets : owner.kind === 'Job' ? Resources.jobs : undefined;
  if (!parentType) return { kind: 'Pod', name: pod.metadata.name };
  const parent = await cluster.get<KubeObject>(parentType, pod.metadata.namespace, owner.name, signal);
  const top = parent.ok ? (parent.value.metadata.ownerReferences?.find((o) => o.controller) ?? parent.value.metadata.ownerReferences?.[0]) : undefined;
  if (top && (top.kind === 'Deployment' || top.kind === 'CronJob')) return { kind: top.kind, name: top.name };
  return owner.kind === 'Job' ? { kind: 'Job', name: owner.name } : { kind: 'Pod', name: pod.metadata.name };
}

interface Template { metadata?: { labels?: Record<string, string> }; spec?: { serviceAccountName?: string; serviceAccount?: string; containers?: { image?: string; args?: string[] }[]; volumes?: { name?: string; csi?: { driver?: string; volumeAttributes?: Record<string, string> }; secret?: { secretName?: string }; configMap?: { name?: string } }[] } }

/** The pod template mounts the Secret or ConfigMap `holder` as a volume (ExternalDNS reads only the azure.json its pod mounts). */
function mounts(t: Template | undefined, holder: { kind: string; name: string }): boolean {
  return (t?.spec?.volumes ?? []).some((v) => (holder.kind === 'Secret' ? v.secret?.secretName : v.configMap?.name) === holder.name);
}

const podOwner = (kind: string, name: string | undefined, namespace: string, t: Template | undefined): PodOwner => ({
  kind,
  name,
  namespace,
  serviceAccount: t?.spec?.serviceAccountName || t?.spec?.serviceAccount || 'default',
  labelled: t?.metadata?.labels?.[USE_LABEL] === 'true',
});

/** The world as the cluster shows it, read up front for one use (the identity graph's lookups are synchronous). */
async function clusterWorld(cluster: ClusterApi, use: ConsumerUse, signal: AbortSignal): Promise<{ world: IdentityWorld; carriers: { ref: WorkloadRef; note: string }[]; problems: string[]; mountingPods: { name: string; volumes: string[] }[] }> {
  const mounting: PodOwner[] = [];
  const apps: PodOwner[] = [];
  const mountingPods: { name: string; volumes: string[] }[] = [];
  const controllers: PodOwner[] = [];
  const carriers: { ref: WorkloadRef; note: string }[] = [];
  const problems: string[] = [];
  const token = use.token;
  if (token?.via === 'mounting-pods' && use.name) {
    await podCarriers(cluster, use.namespace ?? 'default', signal, { owners: mounting, carriers, problems }, (p) => {
      const volumes = ((p.spec as Template['spec'])?.volumes ?? []).filter((v) => v.csi?.driver === CSI_DRIVER && v.csi.volumeAttributes?.secretProviderClass === use.name);
      if (volumes.length === 0) return undefined;
      mountingPods.push({ name: p.metadata.name, volumes: volumes.map((v) => v.name ?? '').filter(Boolean) });
      return 'mounts it';
    });
  } else if (token?.via === 'app-pods') {
    // The pods running a Dapr sidecar whose app ID the component's scopes name (any, without scopes).
    await podCarriers(cluster, use.namespace ?? 'default', signal, { owners: apps, carriers, problems }, (p) => {
      const app = daprAppOfPod(p);
      return app === undefined || (token.appIds.length > 0 && !token.appIds.includes(app)) ? undefined : `runs Dapr app ${app} that loads it`;
    });
  } else if (token?.via === 'controller') {
    // ExternalDNS's azure.json is read only by the ExternalDNS whose pod mounts it, in the holder's namespace.
    const holder = use.type === 'external-dns' && use.name ? { kind: use.kind, name: use.name, namespace: use.namespace ?? 'default' } : undefined;
    const found = await findController(cluster, token.controller, signal, holder);
    if (found.problem) problems.push(found.problem);
    for (const f of found.owners) {
      controllers.push(f.owner);
      carriers.push({ ref: f.ref, note: `${f.ref.kind.toLowerCase()}/${f.ref.name} in ${f.ref.namespace} runs ${CONTROLLERS[token.controller].title}` });
    }
  }
  // The ServiceAccounts the answer can name: read once each.
  const wanted = new Map<string, { name: string; namespace: string }>();
  for (const o of [...mounting, ...apps, ...controllers]) wanted.set(`${o.namespace}/${o.serviceAccount}`, { name: o.serviceAccount, namespace: o.namespace });
  if (token?.via === 'service-account' && token.namespace) wanted.set(`${token.namespace}/${token.name}`, { name: token.name, namespace: token.namespace });
  if (token?.via === 'controller' && controllers.length === 0) {
    const c = CONTROLLERS[token.controller];
    wanted.set(`${c.namespace}/${c.serviceAccount}`, { name: c.serviceAccount, namespace: c.namespace });
  }
  const sas = new Map<string, ServiceAccountFacts>();
  await Promise.all([...wanted].map(async ([key, w]) => {
    const r = await cluster.get<KubeObject>(Resources.serviceAccounts, w.namespace, w.name, signal);
    if (r.ok) sas.set(key, { name: w.name, namespace: w.namespace, clientId: r.value.metadata.annotations?.[CLIENT_ID], tenantId: r.value.metadata.annotations?.[TENANT_ID] });
  }));
  const world: IdentityWorld = {
    where: 'the cluster',
    serviceAccount: (name, namespace) => sas.get(`${namespace}/${name}`),
    podsMounting: () => mounting,
    controllers: () => controllers,
    daprApps: () => apps,
  };
  return { world, carriers, problems, mountingPods };
}

/**
 * The workloads owning the pods of `ns` that `pick` selects (it says how each one carries the
 * identity: `mounts it`), one per owner (through its ReplicaSet or Job), into `into`.
 */
async function podCarriers(cluster: ClusterApi, ns: string, signal: AbortSignal, into: { owners: PodOwner[]; carriers: { ref: WorkloadRef; note: string }[]; problems: string[] }, pick: (p: Pod) => string | undefined): Promise<void> {
  const pods = await cluster.list<Pod>(Resources.pods, ns, {}, signal);
  if (!pods.ok) into.problems.push(pods.failure.message);
  const seen = new Set<string>();
  for (const p of pods.ok ? pods.value : []) {
    const how = pick(p);
    if (how === undefined) continue;
    const o = await ownerOf(cluster, p, signal);
    if (seen.has(`${o.kind}/${o.name}`)) continue;
    seen.add(`${o.kind}/${o.name}`);
    into.owners.push(podOwner(o.kind, o.name, ns, { metadata: p.metadata, spec: p.spec as Template['spec'] }));
    into.carriers.push({ ref: { namespace: ns, kind: o.kind, name: o.name }, note: `${o.kind.toLowerCase()}/${o.name} ${how}` });
  }
}

/** A pod's Dapr app ID when it runs the sidecar: the label the injector adds, else the annotation, else the pod's name (the injector's fallback). */
function daprAppOfPod(p: Pod): string | undefined {
  if (!daprEnabled(p.metadata.annotations)) return undefined;
  return p.metadata.labels?.[DAPR_APP_ID] ?? p.metadata.annotations?.[DAPR_APP_ID] ?? p.metadata.name;
}

/** The controller's workloads, by image, in every namespace (or, without that permission, where a default installation puts them). */
async function findController(cluster: ClusterApi, id: ControllerId, signal: AbortSignal, holder?: { kind: string; name: string; namespace: string }): Promise<{ owners: { owner: PodOwner; ref: WorkloadRef }[]; problem?: string }> {
  const c = CONTROLLERS[id];
  const owners: { owner: PodOwner; ref: WorkloadRef }[] = [];
  let problem: string | undefined;
  for (const [kind, type] of Object.entries(WORKLOAD_TYPES) as [keyof typeof WORKLOAD_TYPES, (typeof WORKLOAD_TYPES)[keyof typeof WORKLOAD_TYPES]][]) {
    const all = await cluster.list<KubeObject>(type, undefined, {}, signal);
    if (!all.ok) {
      problem ??= all.failure.message;
      continue;
    }
    for (const w of all.value) {
      const t = (w.spec as { template?: Template } | undefined)?.template;
      if (!t?.spec?.containers?.some((k) => k.image && controllerOfContainer(k.image, k.args) === id)) continue;
      if (holder && ((w.metadata.namespace ?? 'default') !== holder.namespace || !mounts(t, holder))) continue;
      const ns = w.metadata.namespace ?? 'default';
      owners.push({ owner: podOwner(kind, w.metadata.name, ns, t), ref: { namespace: ns, kind, name: w.metadata.name } });
    }
    if (owners.length) break;
  }
  if (owners.length === 0 && problem) {
    // Without the right to list every namespace: where a default installation puts it.
    const where = holder?.namespace ?? c.namespace;
    const d = await cluster.get<KubeObject>(Resources.deployments, where, c.serviceAccount, signal);
    const dt = d.ok ? (d.value.spec as { template?: Template } | undefined)?.template : undefined;
    if (d.ok && (!holder || mounts(dt, holder))) {
      owners.push({ owner: podOwner('Deployment', c.serviceAccount, where, dt), ref: { namespace: where, kind: 'Deployment', name: c.serviceAccount } });
      problem = undefined;
    }
  }
  return { owners, problem };
}

interface ScalerObject extends KubeObject { spec?: { triggers?: { type?: string; metadata?: Record<string, string>; authenticationRef?: { name?: string; kind?: string } }[] } }

/**
 * The triggers of the ScaledObjects and ScaledJobs that use this (Cluster)TriggerAuthentication,
 * read for the resources its identity must reach. An unreadable list is left out (the role check
 * then names fewer resources), never an error of the diagnosis.
 */
async function kedaScalers(cluster: ClusterApi, ref: ConsumerRef, signal: AbortSignal): Promise<NonNullable<ConsumerTarget['scalers']>> {
  const resources: ScalerResource[] = [];
  const notJudged: string[] = [];
  const namespace = ref.kind === 'ClusterTriggerAuthentication' ? undefined : ref.namespace;
  const types = [Resources.scaledObjects, Resources.scaledJobs];
  const lists = await Promise.all(types.map((type) => cluster.list<ScalerObject>(type, namespace, {}, signal)));
  for (const [i, r] of lists.entries()) {
    const type = types[i]!;
    if (!r.ok) continue;
    for (const o of r.value) {
      for (const t of o.spec?.triggers ?? []) {
        const auth = t.authenticationRef;
        if (auth?.name !== ref.name || (auth.kind ?? 'TriggerAuthentication') !== ref.kind) continue;
        const where = `${type.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
        const found = t.type ? triggerResources(t.type, t.metadata ?? {}, where) : [];
        if (!found.length && t.type) notJudged.push(`${where} (${t.type})`);
        for (const r of found) resources.push(r);
      }
    }
  }
  return { resources, notJudged };
}

const namespaceOf = (host: string | undefined) => host?.replace(/\.servicebus\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/i, '');

/**
 * What one trigger reads, from its metadata as KEDA's scalers read it (pkg/scalers): azure-servicebus
 * `namespace`; azure-queue `accountName`, `queueName`, `queueLengthStrategy`; azure-blob
 * `accountName`, `blobContainerName`; azure-eventhub `eventHubNamespace`, `eventHubName`, and the
 * checkpoint store `storageAccountName` with `blobContainer` (`azure-webjobs-eventhub` for the Azure
 * Functions strategy or when none is named). None when what it needs is not named (the scaler then
 * fails on its own) or its type is not judged here.
 */
function triggerResources(type: string, m: Readonly<Record<string, string>>, where: string): ScalerResource[] {
  switch (type) {
    case 'azure-servicebus': {
      const ns = namespaceOf(m.namespace);
      const entity = m.queueName ? `queue ${m.queueName}` : m.topicName ? `topic ${m.topicName}` : 'its entity';
      return ns ? [{ scaler: 'servicebus', name: ns, seenIn: `${where} (azure-servicebus, ${entity})` }] : [];
    }
    case 'azure-queue': {
      if (!m.accountName || !m.queueName) return [];
      const peek = m.queueLengthStrategy?.toLowerCase() === 'visibleonly';
      return [{ scaler: peek ? 'queue-peek' : 'queue', name: m.accountName, entity: { path: `/queueServices/default/queues/${m.queueName}`, label: `queue ${m.queueName}` }, seenIn: `${where} (azure-queue, queue ${m.queueName}${peek ? ', visibleonly' : ''})` }];
    }
    case 'azure-blob':
      if (!m.accountName || !m.blobContainerName) return [];
      return [{ scaler: 'blob', name: m.accountName, entity: { path: `/blobServices/default/containers/${m.blobContainerName}`, label: `container ${m.blobContainerName}` }, seenIn: `${where} (azure-blob, container ${m.blobContainerName})` }];
    case 'azure-eventhub': {
      const ns = namespaceOf(m.eventHubNamespace);
      if (!ns) return [];
      const hub = m.eventHubName;
      const out: ScalerResource[] = [{ scaler: 'eventhub', name: ns, ...(hub ? { entity: { path: `/eventhubs/${hub}`, label: `event hub ${hub}` } } : {}), seenIn: `${where} (azure-eventhub${hub ? `, hub ${hub}` : ''})` }];
      const container = m.checkpointStrategy === 'azureFunction' || !m.blobContainer ? 'azure-webjobs-eventhub' : m.blobContainer;
      if (m.storageAccountName) out.push({ scaler: 'checkpoint', name: m.storageAccountName, entity: { path: `/blobServices/default/containers/${container}`, label: `container ${container}` }, seenIn: `${where} (azure-eventhub checkpoints, container ${container})` });
      return out;
    }
    default:
      return [];
  }
}

/** Who requests a named ServiceAccount's token, in words. */
function controllerWords(use: ConsumerUse): string {
  if (use.type === 'external-secrets') return capitalize(CONTROLLERS['external-secrets'].title);
  if (use.type === 'flux') {
    const id = fluxControllerOf(use.kind);
    return id ? CONTROLLERS[id].title : "Flux's controller";
  }
  return `The controller of ${use.kind} ${use.name ?? ''}`.trim();
}

/** The use a diagnosis follows: the first Workload Identity one (an issuer may have several solvers), else the first. */
function pickUse(uses: readonly ConsumerUse[]): ConsumerUse | undefined {
  return uses.find((u) => u.workloadIdentity) ?? uses[0];
}

export async function resolveConsumer(cluster: ClusterApi, ref: ConsumerRef, signal: AbortSignal): Promise<ConsumerResolution> {
  const read = await readConsumer(cluster, ref, signal);
  if ('missingType' in read) return { ok: false, fault: false, message: `The cluster serves no ${ref.kind} resource (${diagnosableTypes[ref.kind][0].group}): the controller that defines it is not installed in context ${cluster.identity.context}.` };
  if (!read.ok) return { ok: false, fault: read.failure.kind !== 'not-found', message: read.failure.kind === 'not-found' ? `${shown(ref)} was not found in context ${cluster.identity.context}.` : read.failure.message };
  const use = pickUse(describeConsumer(read.value as unknown as Record<string, unknown>));
  // Of a Secret or ConfigMap, nothing but its metadata is kept once azure.json is read (a Secret's values are never shown).
  const holder = ref.kind === 'Secret' || ref.kind === 'ConfigMap';
  const object: KubeObject = holder ? { apiVersion: read.value.apiVersion, kind: read.value.kind, metadata: read.value.metadata } : read.value;
  if (!use) return { ok: false, fault: false, message: holder ? `${shown(ref)} holds no ExternalDNS azure.json (a JSON object under the key azure.json): there is no Azure identity to diagnose.` : `${shown(ref)} does not authenticate to Azure (no Azure provider or solver in it): there is no Azure identity to diagnose.` };
  // The scalers' lists and the world's reads are independent: issued together.
  const [{ world, carriers, problems, mountingPods }, scalers] = await Promise.all([clusterWorld(cluster, use, signal), use.type === 'keda' && use.workloadIdentity ? kedaScalers(cluster, ref, signal) : undefined]);
  const identity = resolveIdentity(use, world);
  const base = { ref, object, use, identity, ...(use.token?.via === 'mounting-pods' ? { mountingPods } : {}), ...(scalers ? { scalers } : {}) };
  if (!use.workloadIdentity) return { ok: false, fault: false, message: identity.summary, target: { ...base, carrierNote: 'not Workload Identity' } };
  // A ServiceAccount the object names, whose token its controller requests itself (TokenRequest):
  // the chain runs on that ServiceAccount alone — no pod, so no label, injection or pod logs.
  const token = use.token;
  if (!carriers.length && token?.via === 'service-account' && token.namespace) {
    const note = `${controllerWords(use)} requests a token of ServiceAccount ${token.name} in ${token.namespace} itself (${token.field}): no pod carries it, so no label or injection is needed`;
    return { ok: true, target: { ...base, carrier: { namespace: token.namespace, kind: 'ServiceAccount', name: token.name }, carrierNote: note } };
  }
  const first = carriers[0];
  if (!first) {
    const why = problems.length ? ` (${problems[0]})` : '';
    const what = token?.via === 'mounting-pods' ? 'no pod mounts it yet' : holder && token?.via === 'controller' ? `no ${CONTROLLERS[token.controller].title} Deployment in ${use.namespace ?? 'default'} mounts it as a volume` : token?.via === 'app-pods' ? `no pod in ${use.namespace ?? 'default'} runs a Dapr sidecar${token.appIds.length ? ` with app ID ${token.appIds.join(' or ')}` : ''}` : token?.via === 'controller' ? `${CONTROLLERS[token.controller].title} was not found in the cluster` : token?.via === 'service-account' ? `the ServiceAccount is ${token.name} of whichever namespace uses it, so each such namespace needs a federated credential for system:serviceaccount:<namespace>:${token.name}` : 'no workload runs with its identity';
    return { ok: false, fault: problems.length > 0, message: `${identity.summary} Nothing to run the checkpoints on: ${what}${why}.`, target: { ...base, carrierNote: what } };
  }
  const note = carriers.length > 1 ? `${first.note} (the first of ${carriers.length}: ${carriers.slice(1, 4).map((c) => `${c.ref.kind.toLowerCase()}/${c.ref.name}`).join(', ')}${carriers.length > 4 ? ', …' : ''} as well)` : first.note;
  return { ok: true, target: { ...base, carrier: first.ref, carrierNote: note } };
}
