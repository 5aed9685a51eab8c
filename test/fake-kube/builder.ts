// Builds cluster state the way it would have come about on AKS: a Deployment, then its
// ReplicaSet, then pods admitted through the same admission chain the live server uses
// (so the WI webhook injects into them, or not, exactly as it would), scheduled on the
// nodes, with statuses to match. Used by the fixture generator and by the scenarios.

import { admitPod } from './admission';
import type { WebhookState } from './wi-webhook';
import { applyDefaults } from './defaults';
import type { KubeObject, Store } from './store';
import {
  deployment as makeDeployment,
  deploymentStatus,
  endpointsFor,
  event as makeEvent,
  iso,
  MINUTE,
  namespaceWithDefaults,
  NODE_IPS,
  NODES,
  podFromTemplate,
  replicaSetFor,
  replicaSetStatus,
  runningStatus,
  safeString,
  serviceAccount,
  stableUid,
  succeededStatus,
  templatesEqual,
  controllerRef,
  type ContainerSpec,
  type DeploymentSpec,
  type EventSpec,
  type RunningOptions,
} from './workloads';

type Json = Record<string, any>;

export interface BuiltDeployment {
  deployment: KubeObject;
  replicaSet: KubeObject;
  pods: KubeObject[];
}

export interface DeploymentBuild extends DeploymentSpec {
  /** When the current ReplicaSet and its pods were created (the last rollout). */
  rolledOut?: Date | number;
  revision?: number;
  /** How many pods exist (default: replicas). */
  pods?: number;
  /** Run the WI webhook on the pods (default true: whatever the cluster's webhook would do). */
  webhook?: boolean;
  /** Per pod index, status overrides (restarts, waiting reasons, not ready). */
  podStatus?: (index: number) => Partial<RunningOptions>;
}

export class ClusterBuilder {
  private nextNode = 0;
  private readonly ipCounters = NODES.map(() => 10);
  /**
   * The webhook's state for every pod admitted from now on, when the caller knows it stays the
   * same (a large generated cluster); unset, admission reads it from the store for each pod.
   */
  webhookState: WebhookState | undefined;

  constructor(
    readonly store: Store,
    /** The CA that kube-root-ca.crt ConfigMaps carry (the server's own). */
    readonly caPem: string,
    /** "Now" for relative times: the server's start. */
    readonly now: number = Date.now(),
  ) {}

  ago(ms: number): number {
    return this.now - ms;
  }

  put(o: KubeObject): KubeObject {
    return this.store.put(o);
  }

  namespace(name: string, created: Date | number, labels: Record<string, string> = {}): void {
    for (const o of namespaceWithDefaults(name, created, this.caPem, labels)) if (!this.store.get(o.kind, o.metadata.namespace, o.metadata.name)) this.put(o);
  }

  serviceAccount(ns: string, name: string, created: Date | number, annotations?: Record<string, string>, labels?: Record<string, string>): KubeObject {
    return this.put(serviceAccount(ns, name, created, annotations, labels));
  }

  configMap(ns: string, name: string, data: Record<string, string>, created: Date | number, labels?: Record<string, string>, annotations?: Record<string, string>): KubeObject {
    return this.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ns, uid: stableUid(`cm/${ns}/${name}`), creationTimestamp: iso(created), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
      data,
    });
  }

  /** `data` is plain text; it is stored base64-encoded, as the API does. */
  secret(ns: string, name: string, data: Record<string, string>, created: Date | number, type = 'Opaque', labels?: Record<string, string>, annotations?: Record<string, string>): KubeObject {
    return this.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: ns, uid: stableUid(`secret/${ns}/${name}`), creationTimestamp: iso(created), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
      type,
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    });
  }

  service(
    ns: string,
    name: string,
    o: { selector: Record<string, string>; ports: Json[]; clusterIP: string; created: Date | number; labels?: Record<string, string>; annotations?: Record<string, string> },
  ): KubeObject {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, uid: stableUid(`svc/${ns}/${name}`), creationTimestamp: iso(o.created), ...(o.labels ? { labels: o.labels } : {}), ...(o.annotations ? { annotations: o.annotations } : {}) },
      spec: { clusterIP: o.clusterIP, clusterIPs: [o.clusterIP], ports: o.ports, selector: o.selector },
      status: { loadBalancer: {} },
    };
    applyDefaults(svc);
    const stored = this.put(svc);
    this.syncEndpoints(ns, name);
    return stored;
  }

  /** (Re)compute a Service's Endpoints from the pods now in the store. */
  syncEndpoints(ns: string, name: string, at: Date | number = this.now): void {
    const svc = this.store.get('Service', ns, name);
    if (!svc) return;
    const sel: Record<string, string> = svc.spec.selector ?? {};
    const pods = this.store.list('Pod', ns).filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    const ep = endpointsFor(svc, pods, at);
    const old = this.store.get('Endpoints', ns, name);
    if (old) ep.metadata.creationTimestamp = old.metadata.creationTimestamp;
    this.put(ep);
  }

  event(e: EventSpec): KubeObject {
    return this.put(makeEvent(e));
  }

  /** A node slot and pod IP, round-robin over the three AKS nodes. */
  private placement(node?: number): { node: string; hostIP: string; podIP: string } {
    const n = node ?? this.nextNode++ % NODES.length;
    return { node: NODES[n]!, hostIP: NODE_IPS[n]!, podIP: `10.244.${n}.${this.ipCounters[n]!++}` };
  }

  /** Pods for an owner's template, admitted and running. */
  pods(
    owner: KubeObject,
    template: Json,
    count: number,
    o: {
      created: Date | number;
      webhook?: boolean;
      names?: string[];
      /** Labels added to every pod, or per pod index (a StatefulSet's pod-name). */
      extraLabels?: Record<string, string> | ((i: number) => Record<string, string>);
      podStatus?: (i: number) => Partial<RunningOptions>;
      node?: (i: number) => number;
    },
  ): KubeObject[] {
    const out: KubeObject[] = [];
    for (let i = 0; i < count; i++) {
      const name = o.names?.[i] ?? `${owner.metadata.name}-${safeString(`${owner.metadata.name}/${i}`, 5)}`;
      const draft = podFromTemplate(owner, template, name);
      const extra = typeof o.extraLabels === 'function' ? o.extraLabels(i) : o.extraLabels;
      draft.metadata.labels = { ...(draft.metadata.labels ?? {}), ...(extra ?? {}) };
      const created = new Date(o.created).getTime() + i * 1500;
      draft.metadata.uid = stableUid(`pod/${owner.metadata.namespace}/${name}`);
      draft.metadata.creationTimestamp = iso(created);
      const admitted = admitPod(this.store, draft, { webhook: o.webhook ?? true, ...(this.webhookState ? { webhookState: this.webhookState } : {}) });
      if (!admitted.allowed) throw new Error(`fake-kube: scenario pod ${name} refused: ${admitted.message}`);
      const pod = admitted.pod;
      const where = this.placement(o.node?.(i));
      pod.spec.nodeName = where.node;
      pod.status = runningStatus(pod, { ...where, started: created + 4000, ...(o.podStatus?.(i) ?? {}) });
      out.push(this.put(pod));
    }
    return out;
  }

  /** A Deployment with its current ReplicaSet and running pods, all consistent with each other. */
  deployment(s: DeploymentBuild): BuiltDeployment {
    const rolledOut = s.rolledOut ?? s.created;
    const revision = s.revision ?? 1;
    const d = makeDeployment(s);
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': String(revision) };
    const stored = this.put(d);
    const rs = replicaSetFor(stored, { revision, created: rolledOut });
    const storedRs = this.put(rs);
    const pods = this.pods(storedRs, storedRs.spec.template, s.pods ?? storedRs.spec.replicas, {
      created: new Date(rolledOut).getTime() + 1000,
      ...(s.webhook !== undefined ? { webhook: s.webhook } : {}),
      ...(s.podStatus ? { podStatus: s.podStatus } : {}),
    });
    return this.refreshDeployment(s.namespace, s.name, new Date(rolledOut).getTime() + 2 * MINUTE, pods);
  }

  /** Recompute ReplicaSet and Deployment status from the pods now in the store. */
  refreshDeployment(ns: string, name: string, at: Date | number, podsHint?: KubeObject[]): BuiltDeployment {
    const d = this.store.get('Deployment', ns, name)!;
    const owned = this.store.list('ReplicaSet', ns).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
    for (const rs of owned) {
      const pods = this.store.list('Pod', ns).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
      rs.status = { ...replicaSetStatus(rs, pods), ...(rs.status?.conditions ? { conditions: rs.status.conditions } : {}) };
      if (!rs.status.replicas) rs.status = { observedGeneration: rs.metadata.generation, replicas: 0 };
      this.put(rs);
    }
    const fresh = this.store.list('ReplicaSet', ns).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
    // The ReplicaSet of the Deployment's template; none while a paused Deployment's new template waits.
    const current = fresh.find((rs) => templatesEqual(rs.spec.template, d.spec.template));
    d.status = deploymentStatus(d, current, fresh, at);
    const storedD = this.put(d);
    return { deployment: storedD, replicaSet: current!, pods: podsHint ?? this.store.list('Pod', ns).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === current?.metadata.uid)) };
  }

  /** A CronJob with its last Job and that Job's completed pod (Pod -> Job -> CronJob). */
  cronJob(s: {
    namespace: string;
    name: string;
    schedule: string;
    serviceAccountName?: string;
    containers: ContainerSpec[];
    podLabels?: Record<string, string>;
    podAnnotations?: Record<string, string>;
    /** The CronJob's own labels. */
    labels?: Record<string, string>;
    created: Date | number;
    /** When the last run was scheduled; it took a minute and succeeded. */
    lastRun: number;
  }): { cronJob: KubeObject; job: KubeObject; pod: KubeObject } {
    const cj: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: s.name, namespace: s.namespace, uid: stableUid(`cj/${s.namespace}/${s.name}`), generation: 1, creationTimestamp: iso(s.created), ...(s.labels ? { labels: s.labels } : {}) },
      spec: {
        schedule: s.schedule,
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          metadata: { creationTimestamp: null },
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { app: s.name, ...(s.podLabels ?? {}) }, ...(s.podAnnotations ? { annotations: s.podAnnotations } : {}) },
              spec: { restartPolicy: 'Never', ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}), containers: structuredClone(s.containers) },
            },
          },
        },
      },
      status: { lastScheduleTime: iso(s.lastRun), lastSuccessfulTime: iso(s.lastRun + MINUTE) },
    };
    applyDefaults(cj);
    const cronJob = this.put(cj);
    const { job, pod } = this.job({
      namespace: s.namespace,
      name: `${s.name}-${Math.floor(s.lastRun / MINUTE)}`,
      jobSpec: cronJob.spec.jobTemplate.spec,
      started: s.lastRun,
      owner: cronJob,
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': iso(s.lastRun) },
    });
    return { cronJob, job, pod };
  }

  /**
   * A Job (a CronJob's when `owner` is given) and its one pod: finished a minute after `started`
   * and Succeeded, or still running (`running`).
   */
  job(s: { namespace: string; name: string; jobSpec: Json; started: number; owner?: KubeObject; annotations?: Record<string, string>; labels?: Record<string, string>; running?: boolean }): { job: KubeObject; pod: KubeObject } {
    const jobUid = stableUid(`job/${s.namespace}/${s.name}`);
    const ids = { 'batch.kubernetes.io/controller-uid': jobUid, 'batch.kubernetes.io/job-name': s.name, 'controller-uid': jobUid, 'job-name': s.name };
    const template = structuredClone(s.jobSpec.template) as Json;
    template.metadata = { ...(template.metadata ?? {}), labels: { ...ids, ...(template.metadata?.labels ?? {}) } };
    const done = s.started + MINUTE;
    const j: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: s.name,
        namespace: s.namespace,
        uid: jobUid,
        generation: 1,
        creationTimestamp: iso(s.started),
        labels: { ...ids, ...(template.metadata.labels ?? {}), ...(s.labels ?? {}) },
        ...(s.annotations ? { annotations: s.annotations } : {}),
        ...(s.owner ? { ownerReferences: [controllerRef(s.owner)] } : {}),
      },
      spec: { ...structuredClone(s.jobSpec), selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': jobUid } }, template },
      status: s.running
        ? { active: 1, ready: 1, startTime: iso(s.started), terminating: 0, uncountedTerminatedPods: {} }
        : {
            completionTime: iso(done),
            conditions: [{ lastProbeTime: iso(done), lastTransitionTime: iso(done), status: 'True', type: 'Complete' }],
            ready: 0,
            startTime: iso(s.started),
            succeeded: 1,
            terminating: 0,
            uncountedTerminatedPods: {},
          },
    };
    applyDefaults(j);
    const job = this.put(j);
    const [pod] = this.pods(job, job.spec.template, 1, { created: s.started });
    if (s.running) return { job, pod: pod! };
    pod!.status = succeededStatus(pod!, { node: pod!.spec.nodeName, podIP: pod!.status.podIP, hostIP: pod!.status.hostIP, started: s.started + 3000, finished: s.started + 55_000 });
    return { job, pod: this.put(pod!) };
  }
}
