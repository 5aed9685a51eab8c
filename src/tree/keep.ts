// What the sidebar tree keeps of each listed or watched object: only what its statuses, counts
// and actions read. At 5,000 workloads and 15,000 pods, the rest (a pod's node, tolerations,
// probes, resources and status conditions, a Deployment's rollout status...) is most of the
// memory, and the informer applies this to each object as it is parsed, so the full objects
// never accumulate. Live YAML of any object is read from the API server, not from this cache.
//
// The reads it serves (src/checkpoints/evaluate.ts, src/cluster/workloads.ts, src/tree/workload-status.ts):
//   workloads  labels; the selector; the pod template's labels and annotations, ServiceAccount and
//              containers' name, env (values too: hard-coded AZURE_CLIENT_ID) and envFrom;
//              paused/suspend for the actions; the status counts (readyReplicas: webhook up)
//   pods       labels, the skip-containers annotation, owner (kind, name, uid), creation and
//              deletion times;
//              the containers' names and which injected variables they have (injection); the
//              projected token volume's audience; the ServiceAccount; the phase — the parts
//              alike across a workload's pods shared (treeKeeper)
//   ServiceAccounts  listed as metadata only (live-cluster.ts); of it the name, the annotations
//              (the client ID, and the near-misses of its key) and the resourceVersion
//   workloads, for the identity graph (src/tree/consumers.ts): the pod template's Secrets Store
//              CSI volumes (their SecretProviderClass), and a container's image only when it is a
//              controller's (controllerOfImage: KEDA, External Secrets, cert-manager, ExternalDNS…),
//              so a workload that is neither costs nothing more
//   consumer objects (SecretProviderClass, TriggerAuthentication, SecretStore, Issuer and their
//              cluster-wide kinds): the spec parts describeConsumer reads and the Ready condition
//   others     kept whole, but for managedFields and last-applied (the informer's slim())
//
// Namespaces and timestamps, the same for many objects, are kept as one string each (flat.ts).

import type { Container, EnvVar, KubeObject, ResourceType } from '../cluster/types';
import { Resources } from '../cluster/resources';
import { SKIP_CONTAINERS } from '../manifests/workload-identity';
import { INJECTED_ENV } from '../checkpoints/evaluate';
import { flat } from '../util/flat';
import { controllerOfImage } from '../consumers';
import { CSI_DRIVER } from '../consumers/secrets-store-csi';
import { keepConsumer, CONSUMER_GROUPS } from './consumer-keep';

type Spec = Record<string, unknown>;
interface TemplateLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { serviceAccountName?: string; serviceAccount?: string; containers?: Container[]; initContainers?: Container[]; volumes?: VolumeLike[] };
}
interface VolumeLike {
  name: string;
  projected?: { sources?: { serviceAccountToken?: { audience?: string } }[] };
  csi?: { driver?: string; volumeAttributes?: Record<string, string> };
}

const WORKLOADS = new Set([Resources.deployments, Resources.statefulSets, Resources.daemonSets, Resources.jobs].map((t) => t.plural));

/** A keep() for one live cluster's caches: what the tree keeps of each object, pods' alike parts shared. */
export function treeKeeper(): (type: ResourceType, o: KubeObject) => KubeObject {
  const sharing = new Sharing();
  return (type, o) => keepForTree(type, o, sharing);
}

export function keepForTree(type: ResourceType, o: KubeObject, sharing = new Sharing()): KubeObject {
  if (type.plural === Resources.pods.plural) return keepPod(o, sharing);
  if (type.plural === Resources.serviceAccounts.plural) return keepServiceAccount(o);
  if (CONSUMER_GROUPS.has(type.group)) return keepConsumer(type, o);
  if (WORKLOADS.has(type.plural)) return { ...head(o), spec: keepWorkloadSpec((o.spec ?? {}) as Spec), ...scalarStatus(o) } as KubeObject;
  if (type.plural === Resources.cronJobs.plural) {
    const spec = (o.spec ?? {}) as Spec & { jobTemplate?: { metadata?: unknown; spec?: Spec } };
    const jt = spec.jobTemplate;
    const kept: Spec = pick(spec, ['suspend', 'schedule']);
    if (jt) kept.jobTemplate = { ...(jt.metadata ? { metadata: jt.metadata } : {}), spec: keepWorkloadSpec(jt.spec ?? {}) };
    return { ...head(o), spec: kept, ...scalarStatus(o) } as KubeObject;
  }
  return o;
}

function head(o: KubeObject): KubeObject {
  const m = o.metadata;
  const metadata = { ...m };
  if (m.namespace !== undefined) metadata.namespace = flat(m.namespace);
  if (m.creationTimestamp !== undefined) metadata.creationTimestamp = flat(m.creationTimestamp);
  return { ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}), ...(o.kind ? { kind: o.kind } : {}), metadata } as KubeObject;
}

function keepServiceAccount(o: KubeObject): KubeObject {
  const m = o.metadata;
  const metadata: KubeObject['metadata'] = { name: m.name };
  if (m.namespace !== undefined) metadata.namespace = flat(m.namespace);
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.annotations) metadata.annotations = m.annotations;
  const out = { metadata } as KubeObject;
  if (o.apiVersion) out.apiVersion = o.apiVersion;
  if (o.kind) out.kind = o.kind;
  return out;
}

/** A workload's status counts (readyReplicas: is the webhook up), not its conditions. */
function scalarStatus(o: KubeObject): { status?: Spec } {
  if (!o.status || typeof o.status !== 'object') return {};
  const out: Spec = {};
  for (const [k, v] of Object.entries(o.status as Spec)) if (v === null || typeof v !== 'object') out[k] = v;
  return { status: out };
}

function pick(from: Spec, keys: readonly string[]): Spec {
  const out: Spec = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function keepWorkloadSpec(spec: Spec): Spec {
  const kept = pick(spec, ['selector', 'replicas', 'paused', 'suspend']);
  const t = spec.template as TemplateLike | undefined;
  if (t) {
    const s = t.spec ?? {};
    // The image only when it is a controller's (the identity graph finds controllers by image).
    const container = (c: Container): Container => ({ name: c.name, ...(c.env ? { env: c.env } : {}), ...(c.envFrom ? { envFrom: c.envFrom } : {}), ...(typeof c.image === 'string' && controllerOfImage(c.image) ? { image: c.image, ...(Array.isArray(c.args) ? { args: c.args.slice(0, 1) } : {}) } : {}) }) as Container;
    const csi = (s.volumes ?? []).filter((v) => v.csi?.driver === CSI_DRIVER).map((v) => ({ name: v.name, csi: { driver: CSI_DRIVER, volumeAttributes: pick(v.csi?.volumeAttributes ?? {}, ['secretProviderClass']) } }));
    kept.template = {
      ...(t.metadata ? { metadata: pick(t.metadata as Spec, ['labels', 'annotations']) } : {}),
      spec: {
        ...pick(s as Spec, ['serviceAccountName', 'serviceAccount']),
        containers: (s.containers ?? []).map(container),
        ...(s.initContainers ? { initContainers: s.initContainers.map(container) } : {}),
        ...(csi.length ? { volumes: csi } : {}),
      },
    };
  }
  return kept;
}

/**
 * Pods of one workload are alike: the same labels, owner, containers and token volume. Parsed,
 * each has its own copies; kept, identical parts are one shared (frozen) object, so 15,000 pods
 * cost little more than their names. Parts are compared as JSON, but found by a hash of it: the
 * JSON itself is not kept (as map keys, one per distinct part, it cost as much as the parts).
 * Bounded: past MAX_SHARED distinct parts it starts afresh (what was shared stays shared), so a
 * long watch over changing pods does not grow it forever.
 */
const MAX_SHARED = 50_000;

class Sharing {
  private readonly parts = new Map<number, unknown[]>();
  private size = 0;

  /** The one kept copy of a part equal to `v` (compared as JSON). */
  part<T>(v: T): T {
    const json = JSON.stringify(v);
    const h = fnv1a(json);
    for (const had of this.parts.get(h) ?? []) if (JSON.stringify(had) === json) return had as T;
    if (this.size >= MAX_SHARED) {
      this.parts.clear();
      this.size = 0;
    }
    const same = this.parts.get(h);
    if (same) same.push(Object.freeze(v));
    else this.parts.set(h, [Object.freeze(v)]);
    this.size++;
    return v;
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function keepPod(o: KubeObject, sharing: Sharing): KubeObject {
  // Plain assignments, not spreads: this runs for every pod as it is parsed.
  const m = o.metadata;
  const metadata: KubeObject['metadata'] = { name: m.name };
  if (m.namespace !== undefined) metadata.namespace = flat(m.namespace);
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.creationTimestamp !== undefined) metadata.creationTimestamp = flat(m.creationTimestamp);
  // A pod being deleted is not one of the workload's current pods, for the diagnosis as for the tree.
  const deleting = (m as { deletionTimestamp?: string }).deletionTimestamp;
  if (deleting !== undefined) (metadata as { deletionTimestamp?: string }).deletionTimestamp = deleting;
  if (m.labels) metadata.labels = sharing.part(m.labels);
  const skip = m.annotations?.[SKIP_CONTAINERS];
  if (skip !== undefined) metadata.annotations = sharing.part({ [SKIP_CONTAINERS]: skip });
  if (m.ownerReferences) {
    const refs: NonNullable<KubeObject['metadata']['ownerReferences']> = [];
    for (const r of m.ownerReferences) refs.push({ kind: r.kind, name: r.name, uid: r.uid } as (typeof refs)[number]);
    metadata.ownerReferences = sharing.part(refs);
  }
  const spec = (o.spec ?? {}) as { serviceAccountName?: string; containers?: Container[]; initContainers?: Container[]; volumes?: VolumeLike[] };
  const kept: Record<string, unknown> = {};
  if (spec.serviceAccountName !== undefined) kept.serviceAccountName = spec.serviceAccountName;
  if (spec.containers) kept.containers = spec.containers.map(podContainer);
  if (spec.initContainers) kept.initContainers = spec.initContainers.map(podContainer);
  // Of the volumes: the projected token with an audience, as the webhook adds it.
  let tokens: VolumeLike[] | undefined;
  for (const v of spec.volumes ?? []) {
    for (const src of v.projected?.sources ?? []) {
      const audience = src.serviceAccountToken?.audience;
      if (!audience) continue;
      (tokens ??= []).push({ name: v.name, projected: { sources: [{ serviceAccountToken: { audience } }] } });
      break;
    }
  }
  if (tokens) kept.volumes = tokens;
  const phase = (o.status as { phase?: string } | undefined)?.phase;
  const out: KubeObject = { metadata, spec: sharing.part(kept), status: sharing.part(phase ? { phase } : {}) } as KubeObject;
  if (o.apiVersion) out.apiVersion = o.apiVersion;
  if (o.kind) out.kind = o.kind;
  return out;
}

/**
 * Of a pod's container: its name (skip-containers) and which of the variables the webhook
 * injects it has (injection), not their values nor the others.
 */
function podContainer(c: Container): Container {
  const kept = { name: c.name } as Container;
  if (c.env) {
    const env: EnvVar[] = [];
    for (const e of c.env) if ((INJECTED_ENV as readonly string[]).includes(e.name)) env.push({ name: e.name } as EnvVar);
    kept.env = env;
  }
  return kept;
}
