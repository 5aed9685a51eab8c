// Factories for realistic AKS objects: namespaces with their default ServiceAccount and
// kube-root-ca.crt, Deployments with their ReplicaSets and pods (ownerReferences,
// pod-template-hash, node placement, container statuses), Events. The fixture generator,
// the scenarios and the simulated controllers all build objects here, so an object made by
// a controller at run time looks like one loaded from a fixture.
//
// Everything is deterministic given a seed, so fixtures and scenario names are stable.

import { createHash } from 'node:crypto';
import { applyDefaults } from './defaults';
import type { KubeObject, OwnerReference } from './store';

type Json = Record<string, any>;

export const NODE_POOL = 'nodepool1';
export const NODES = ['aks-nodepool1-12345678-vmss000000', 'aks-nodepool1-12345678-vmss000001', 'aks-nodepool1-12345678-vmss000002'];
export const NODE_IPS = ['10.224.0.4', '10.224.0.5', '10.224.0.6'];
export const KUBERNETES_VERSION = 'v1.30.6';

/** Kubernetes' name-safe alphabet (no vowels, no 0/1/3), used for hashes and generateName. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

export function safeString(seed: string, length: number): string {
  return [...digest(seed).subarray(0, length)].map((b) => SAFE[b % SAFE.length]).join('');
}

export function hex(seed: string, length: number): string {
  return digest(seed).toString('hex').slice(0, length);
}

/** A v4-shaped UUID derived from a seed. */
export function stableUid(seed: string): string {
  const h = hex(`uid:${seed}`, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Number.parseInt(h[16]!, 16) % 4]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** RFC 3339 with seconds, as metadata timestamps are. */
export function iso(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d+Z$/, 'Z');
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The pod-template-hash of a template (the real controller uses FNV; any stable hash will do). */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  return safeString(`${sortedJson(template)}#${collisionCount}`, 10);
}

function withoutHashLabel(t: Json | undefined): Json {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels['pod-template-hash'];
    delete c.metadata.labels['controller-revision-hash'];
  }
  return c;
}

/** Are two pod templates the same, ignoring the hash label the controller adds? */
export function templatesEqual(a: Json | undefined, b: Json | undefined): boolean {
  return sortedJson(withoutHashLabel(a)) === sortedJson(withoutHashLabel(b));
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

// ---- Namespaces --------------------------------------------------------------------------

export function namespace(name: string, created: Date | number, labels: Record<string, string> = {}, annotations?: Record<string, string>): KubeObject {
  const o: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: stableUid(`ns/${name}`),
      creationTimestamp: iso(created),
      labels: { ...labels, 'kubernetes.io/metadata.name': name },
      ...(annotations ? { annotations } : {}),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
  return o;
}

export function serviceAccount(ns: string, name: string, created: Date | number, annotations?: Record<string, string>, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace: ns,
      uid: stableUid(`sa/${ns}/${name}`),
      creationTimestamp: iso(created),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
  };
}

/** The CA bundle every namespace gets (its content only matters for kube-api-access). */
export function rootCaConfigMap(ns: string, created: Date | number, caPem: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'kube-root-ca.crt',
      namespace: ns,
      uid: stableUid(`cm/${ns}/kube-root-ca.crt`),
      creationTimestamp: iso(created),
      annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' },
    },
    data: { 'ca.crt': caPem },
  };
}

/** The namespace, its `default` ServiceAccount and its kube-root-ca.crt ConfigMap. */
export function namespaceWithDefaults(name: string, created: Date | number, caPem: string, labels: Record<string, string> = {}): KubeObject[] {
  return [namespace(name, created, labels), serviceAccount(name, 'default', created), rootCaConfigMap(name, created, caPem)];
}

// ---- Workloads ---------------------------------------------------------------------------

export interface ContainerSpec {
  name: string;
  image: string;
  env?: Json[];
  envFrom?: Json[];
  ports?: Json[];
  args?: string[];
  command?: string[];
  resources?: Json;
  readinessProbe?: Json;
  livenessProbe?: Json;
  volumeMounts?: Json[];
}

export interface DeploymentSpec {
  namespace: string;
  name: string;
  replicas?: number;
  serviceAccountName?: string;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  /** The Deployment's own labels (where a misplaced `azure.workload.identity/use` goes). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Extra pod template labels, besides `app: <name>`. */
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  volumes?: Json[];
  /** The selector (and its labels on the template); default `app: <name>`. */
  selector?: Record<string, string>;
  /** Further pod spec fields: nodeSelector, tolerations, priorityClassName, securityContext... */
  podSpec?: Json;
  created: Date | number;
}

export function deployment(s: DeploymentSpec): KubeObject {
  const selector = s.selector ?? { app: s.name };
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      uid: stableUid(`deploy/${s.namespace}/${s.name}`),
      generation: 1,
      creationTimestamp: iso(s.created),
      labels: { ...selector, ...(s.labels ?? {}) },
      annotations: { 'deployment.kubernetes.io/revision': '1', ...(s.annotations ?? {}) },
    },
    spec: {
      replicas: s.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...selector, ...(s.podLabels ?? {}) },
          ...(s.podAnnotations ? { annotations: s.podAnnotations } : {}),
        },
        spec: {
          ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}),
          ...(s.initContainers ? { initContainers: structuredClone(s.initContainers) } : {}),
          containers: structuredClone(s.containers),
          ...(s.volumes ? { volumes: structuredClone(s.volumes) } : {}),
          ...structuredClone(s.podSpec ?? {}),
        },
      },
    },
  };
  applyDefaults(d);
  return d;
}

/** The ReplicaSet the deployment controller makes for the Deployment's current template. */
export function replicaSetFor(d: KubeObject, opts: { revision: number; created: Date | number; replicas?: number; collisionCount?: number }): KubeObject {
  const template = structuredClone(d.spec.template) as Json;
  const hash = podTemplateHash(template, opts.collisionCount ?? 0);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
  const replicas = opts.replicas ?? d.spec.replicas ?? 1;
  const name = `${d.metadata.name}-${hash}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      uid: stableUid(`rs/${d.metadata.namespace}/${name}`),
      generation: 1,
      creationTimestamp: iso(opts.created),
      labels: { ...template.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + 1),
        'deployment.kubernetes.io/revision': String(opts.revision),
      },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
      template,
    },
    status: { replicas: 0, observedGeneration: 1 },
  };
}

/** A pod as its controller submits it: template copy, generateName, controller ownerReference. */
export function podFromTemplate(owner: KubeObject, template: Json, name: string): KubeObject {
  const t = structuredClone(template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: t.metadata?.labels ?? {},
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: t.spec ?? {},
  };
}

export interface RunningOptions {
  node: string;
  podIP: string;
  hostIP: string;
  /** When the pod was scheduled and its containers started. */
  started: Date | number;
  ready?: boolean;
  /** Per container name: restarts, with the last termination. */
  restarts?: Record<string, { count: number; lastExitCode?: number; lastReason?: string; lastFinished?: Date | number }>;
  /** Per container name: a waiting reason instead of running (CrashLoopBackOff, ImagePullBackOff). */
  waiting?: Record<string, { reason: string; message?: string }>;
}

function imageId(image: string): string {
  const repo = image.replace(/:[^/:@]+$/, '');
  return `${repo}@sha256:${hex(`image:${image}`, 64)}`;
}

/** A scheduled, started pod's status (what the kubelet reports a few seconds after start). */
export function runningStatus(pod: KubeObject, o: RunningOptions): Json {
  const t = iso(o.started);
  const started = new Date(o.started).getTime();
  const spec = pod.spec as Json;
  const containerStatuses = (spec.containers as Json[]).map((c) => {
    const r = o.restarts?.[c.name];
    const w = o.waiting?.[c.name];
    const lastFinished = r?.lastFinished ?? started + 60_000;
    const ready = !w && o.ready !== false;
    return {
      containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/${r?.count ?? 0}`, 64)}`,
      image: c.image,
      imageID: imageId(c.image),
      lastState: r?.count
        ? {
            terminated: {
              containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/${r.count - 1}`, 64)}`,
              exitCode: r.lastExitCode ?? 1,
              finishedAt: iso(lastFinished),
              reason: r.lastReason ?? 'Error',
              startedAt: iso(new Date(lastFinished).getTime() - 30_000),
            },
          }
        : {},
      name: c.name,
      ready,
      restartCount: r?.count ?? 0,
      started: !w,
      state: w ? { waiting: { reason: w.reason, ...(w.message ? { message: w.message } : {}) } } : { running: { startedAt: r?.count ? iso(new Date(lastFinished).getTime() + 1_000) : t } },
    };
  });
  const allReady = containerStatuses.every((c) => c.ready);
  const cond = (type: string, ok: boolean, reason?: string): Json => ({
    lastProbeTime: null,
    lastTransitionTime: t,
    ...(reason && !ok ? { reason } : {}),
    status: ok ? 'True' : 'False',
    type,
  });
  return {
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('Ready', allReady, 'ContainersNotReady'),
      cond('ContainersReady', allReady, 'ContainersNotReady'),
      cond('PodScheduled', true),
    ],
    containerStatuses,
    ...(spec.initContainers?.length
      ? {
          initContainerStatuses: (spec.initContainers as Json[]).map((c) => ({
            containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/init`, 64)}`,
            image: c.image,
            imageID: imageId(c.image),
            lastState: {},
            name: c.name,
            ready: true,
            restartCount: 0,
            started: false,
            state: { terminated: { containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/init`, 64)}`, exitCode: 0, finishedAt: t, reason: 'Completed', startedAt: t } },
          })),
        }
      : {}),
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    phase: 'Running',
    podIP: o.podIP,
    podIPs: [{ ip: o.podIP }],
    qosClass: (spec.containers as Json[]).some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort',
    startTime: t,
  };
}

/** Status of a pod that is created but not yet scheduled. */
export function pendingStatus(): Json {
  return { phase: 'Pending', qosClass: 'BestEffort' };
}

export function replicaSetStatus(rs: KubeObject, pods: KubeObject[]): Json {
  const ready = pods.filter(isPodReady).length;
  return {
    availableReplicas: ready,
    fullyLabeledReplicas: pods.length,
    observedGeneration: rs.metadata.generation ?? 1,
    readyReplicas: ready,
    replicas: pods.length,
  };
}

/** The controller-revision-hash of a StatefulSet's or DaemonSet's current pod template. */
export function podSetRevision(set: KubeObject): string {
  return `${set.metadata.name}-${safeString(JSON.stringify(set.spec.template), 10)}`;
}

/** A StatefulSet's or DaemonSet's status, from its pods (all of `revision`). */
export function podSetStatus(set: KubeObject, pods: KubeObject[], revision: string): Json {
  const ready = pods.filter(isPodReady).length;
  const generation = set.metadata.generation;
  return set.kind === 'StatefulSet'
    ? { availableReplicas: ready, collisionCount: 0, currentReplicas: pods.length, currentRevision: revision, observedGeneration: generation, readyReplicas: ready, replicas: pods.length, updateRevision: revision, updatedReplicas: pods.length }
    : { currentNumberScheduled: pods.length, desiredNumberScheduled: NODES.length, numberAvailable: ready, numberMisscheduled: 0, numberReady: ready, observedGeneration: generation, updatedNumberScheduled: pods.length };
}

export function isPodReady(p: KubeObject): boolean {
  return !p.metadata.deletionTimestamp && ((p.status?.conditions as Json[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function deploymentStatus(d: KubeObject, current: KubeObject | undefined, all: KubeObject[], at: Date | number, previous?: Json): Json {
  const desired: number = d.spec.replicas ?? 1;
  const replicas = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
  const ready = all.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
  const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
  const updated: number = current?.status?.replicas ?? 0;
  const maxUnavailable = Math.floor(desired * 0.25);
  const isAvailable = available >= desired - maxUnavailable;
  const complete = !!current && updated === desired && available >= desired && replicas === desired;
  const prevCond = (type: string): Json | undefined => (previous?.conditions as Json[] | undefined)?.find((c) => c.type === type);
  const cond = (type: string, status: boolean, reason: string, message: string): Json => {
    const p = prevCond(type);
    const s = status ? 'True' : 'False';
    const same = p && p.status === s && p.reason === reason;
    return {
      lastTransitionTime: p && p.status === s ? p.lastTransitionTime : iso(at),
      lastUpdateTime: same ? p.lastUpdateTime : iso(at),
      message,
      reason,
      status: s,
      type,
    };
  };
  const conditions = [
    cond('Available', isAvailable, isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', isAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
    d.spec.paused
      ? { ...cond('Progressing', true, 'DeploymentPaused', 'Deployment is paused'), status: 'Unknown' }
      : cond(
          'Progressing',
          true,
          complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          complete ? `ReplicaSet "${current!.metadata.name}" has successfully progressed.` : `ReplicaSet "${current?.metadata.name ?? d.metadata.name}" is progressing.`,
        ),
  ];
  const failure = all.map((rs) => (rs.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')).find(Boolean);
  if (failure) conditions.push({ lastTransitionTime: failure.lastTransitionTime, lastUpdateTime: failure.lastTransitionTime, message: failure.message, reason: failure.reason, status: 'True', type: 'ReplicaFailure' });
  return {
    ...(available ? { availableReplicas: available } : {}),
    conditions,
    observedGeneration: d.metadata.generation ?? 1,
    ...(ready ? { readyReplicas: ready } : {}),
    ...(replicas ? { replicas } : {}),
    ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
    ...(updated ? { updatedReplicas: updated } : {}),
  };
}

// ---- Events ------------------------------------------------------------------------------

export interface EventSpec {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
  first: Date | number;
  last?: Date | number;
  count?: number;
  fieldPath?: string;
}

export function event(e: EventSpec): KubeObject {
  const io = e.involved;
  const ns = io.metadata.namespace ?? 'default';
  const seed = `${ns}/${io.metadata.name}/${e.reason}/${e.message}/${iso(e.first)}/${e.fieldPath ?? ''}`;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${io.metadata.name}.${hex(seed, 16)}`,
      namespace: ns,
      uid: stableUid(`event/${seed}`),
      creationTimestamp: iso(e.first),
    },
    involvedObject: {
      apiVersion: io.apiVersion,
      kind: io.kind,
      name: io.metadata.name,
      namespace: ns,
      ...(io.metadata.resourceVersion ? { resourceVersion: io.metadata.resourceVersion } : {}),
      uid: io.metadata.uid,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    firstTimestamp: iso(e.first),
    lastTimestamp: iso(e.last ?? e.first),
    count: e.count ?? 1,
    type: e.type,
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? '',
  };
}

// ---- Services ----------------------------------------------------------------------------

function resolveTargetPort(targetPort: unknown, pods: KubeObject[]): number {
  if (typeof targetPort === 'number') return targetPort;
  for (const p of pods) {
    for (const c of (p.spec?.containers as Json[] | undefined) ?? []) {
      const port = (c.ports as Json[] | undefined)?.find((x) => x.name === targetPort);
      if (port) return port.containerPort;
    }
  }
  return Number(targetPort) || 0;
}

/** The subsets the endpoints controller computes for a Service from its pods. */
export function endpointsSubsets(svc: KubeObject, pods: KubeObject[]): Json[] | undefined {
  const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP).sort((a, b) => String(a.status.podIP).localeCompare(String(b.status.podIP)));
  if (!live.length) return undefined;
  const addr = (p: KubeObject): Json => ({
    ip: p.status.podIP,
    nodeName: p.spec.nodeName,
    targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
  });
  const ready = live.filter(isPodReady);
  const notReady = live.filter((p) => !isPodReady(p));
  return [
    {
      ...(ready.length ? { addresses: ready.map(addr) } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}),
      ports: ((svc.spec?.ports as Json[] | undefined) ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: resolveTargetPort(p.targetPort ?? p.port, live), protocol: p.protocol ?? 'TCP' })),
    },
  ];
}

export function endpointsFor(svc: KubeObject, pods: KubeObject[], at: Date | number): KubeObject {
  const subsets = endpointsSubsets(svc, pods);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      uid: stableUid(`ep/${svc.metadata.namespace}/${svc.metadata.name}`),
      creationTimestamp: svc.metadata.creationTimestamp ?? iso(at),
      ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}),
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': iso(at) },
    },
    ...(subsets ? { subsets } : {}),
  };
}

/** Status of a pod whose containers all exited 0 (a finished Job's pod). */
export function succeededStatus(pod: KubeObject, o: { node: string; podIP: string; hostIP: string; started: Date | number; finished: Date | number }): Json {
  const t = iso(o.started);
  const f = iso(o.finished);
  const cond = (type: string, ok: boolean, at: string): Json => ({ lastProbeTime: null, lastTransitionTime: at, ...(ok ? {} : { reason: 'PodCompleted' }), status: ok ? 'True' : 'False', type });
  return {
    conditions: [cond('PodReadyToStartContainers', false, f), cond('Initialized', true, t), cond('Ready', false, f), cond('ContainersReady', false, f), cond('PodScheduled', true, t)],
    containerStatuses: (pod.spec.containers as Json[]).map((c) => ({
      containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/0`, 64)}`,
      image: c.image,
      imageID: imageId(c.image),
      lastState: {},
      name: c.name,
      ready: false,
      restartCount: 0,
      started: false,
      state: { terminated: { containerID: `containerd://${hex(`${pod.metadata.name}/${c.name}/0`, 64)}`, exitCode: 0, finishedAt: f, reason: 'Completed', startedAt: t } },
    })),
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    phase: 'Succeeded',
    podIP: o.podIP,
    podIPs: [{ ip: o.podIP }],
    qosClass: 'BestEffort',
    startTime: t,
  };
}
