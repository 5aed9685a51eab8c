// Simulated kube-controller-manager, scheduler and kubelet: just enough for the cluster to
// react to writes the way a doctor's user would see it react on AKS.
//
//   - Deployment: a template change (rollout restart, a label patch on the template) makes a
//     new ReplicaSet with a new pod-template-hash; old ReplicaSets are scaled down as the new
//     pods become available, so when the webhook is down the old pods stay, as on AKS.
//   - ReplicaSet: creates/deletes pods to match replicas. Every pod goes through admission
//     (ServiceAccount + the simulated WI webhook); a refused pod becomes a FailedCreate
//     Warning event, aggregated by count like the real event recorder does.
//   - Scheduler + kubelet: new pods are placed on the AKS nodes and run (Pending, then Running
//     and Ready, after `podStartDelayMs`).
//   - StatefulSet/DaemonSet: pods replaced on template change; Endpoints follow pod readiness;
//     the garbage collector deletes dependents (Deployment -> ReplicaSet -> Pod...).
//
// Controllers react only to changes after start: a scenario's objects are taken as they are,
// so a "broken" scenario stays broken until a test changes something.
// Everything runs synchronously inside the store's dispatch of the triggering write, so by
// the time the API answers a PATCH the new pods exist (with podStartDelayMs 0).

import { isDeepStrictEqual } from 'node:util';
import { admitPod } from './admission';
import { randomSuffix, type KubeObject, type Store, type StoreEvent } from './store';
import {
  deploymentStatus,
  endpointsSubsets,
  event,
  iso,
  isPodReady,
  NODE_IPS,
  NODES,
  pendingStatus,
  podFromTemplate,
  podSetRevision,
  podSetStatus,
  replicaSetFor,
  replicaSetStatus,
  runningStatus,
  templatesEqual,
  type EventSpec,
} from './workloads';
import { webhookState } from './wi-webhook';

type Json = Record<string, any>;

export interface ControllerOptions {
  /** Time from a pod's creation to Running/Ready. 0 (default): at once, inside the same write. */
  podStartDelayMs?: number;
}

const isOwnedBy = (o: KubeObject, uid: string | undefined): boolean => !!uid && (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
const revisionOf = (o: KubeObject): number => Number(o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

/** Record an event, or bump the count of the same one (same object, reason and message). */
export function recordEvent(store: Store, spec: Omit<EventSpec, 'first'>, now = Date.now()): void {
  const ns = spec.involved.metadata.namespace ?? 'default';
  const same = store
    .list('Event', ns)
    .find((e) => e.involvedObject?.uid === spec.involved.metadata.uid && e.reason === spec.reason && e.message === spec.message && e.type === spec.type);
  if (same) {
    same.count = (same.count ?? 1) + 1;
    same.lastTimestamp = iso(now);
    store.update(same, { checkResourceVersion: false });
  } else {
    store.create(event({ ...spec, first: now }));
  }
}

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ipCounters = NODES.map(() => 100);
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly opts: ControllerOptions = {},
  ) {}

  start(): void {
    this.unsubscribe ??= this.store.subscribe((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onEvent(ev: StoreEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace;
    switch (o.kind) {
      case 'Deployment':
        if (ev.type !== 'DELETED') this.syncDeployment(ns!, o.metadata.name, ev);
        break;
      case 'ReplicaSet':
        if (ev.type !== 'DELETED') this.syncReplicaSet(ns!, o.metadata.name);
        this.syncOwner(o);
        break;
      case 'StatefulSet':
      case 'DaemonSet':
        if (ev.type !== 'DELETED') this.syncPodSet(o.kind, ns!, o.metadata.name, ev);
        break;
      case 'Pod':
        // The scheduler and kubelet pick up every new pod, whoever created it.
        if (ev.type === 'ADDED' && o.status?.phase === 'Pending' && !o.spec?.nodeName) this.startPod(o);
        this.syncOwner(o, ev);
        this.syncEndpointsForPod(o, ev.oldObject);
        break;
      case 'Service':
        if (ev.type !== 'DELETED') this.syncEndpoints(ns!, o.metadata.name);
        break;
      case 'Namespace':
        if (ev.type === 'DELETED') this.deleteNamespaceContents(o.metadata.name);
        break;
    }
    if (ev.type === 'DELETED') this.collectGarbage(o);
  }

  /** Let the owning controller react to a change in one of its objects. */
  private syncOwner(o: KubeObject, ev?: StoreEvent): void {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
    if (!ref || !o.metadata.namespace) return;
    if (ref.kind === 'Deployment') this.syncDeployment(o.metadata.namespace, ref.name);
    else if (ref.kind === 'ReplicaSet') this.syncReplicaSet(o.metadata.namespace, ref.name);
    else if ((ref.kind === 'StatefulSet' || ref.kind === 'DaemonSet') && ev) this.syncPodSet(ref.kind, o.metadata.namespace, ref.name);
  }

  private now(): number {
    return Date.now();
  }

  private record(spec: Omit<EventSpec, 'first'>): void {
    recordEvent(this.store, spec, this.now());
  }

  // ---- Deployments -------------------------------------------------------------------------

  private syncDeployment(ns: string, name: string, ev?: StoreEvent): void {
    const d = this.store.get('Deployment', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = () => this.store.list('ReplicaSet', ns).filter((rs) => isOwnedBy(rs, d.metadata.uid));
    const all = owned();
    let current = all.find((rs) => templatesEqual(rs.spec.template, d.spec.template));
    const old = ev?.oldObject;
    const triggered =
      ev?.type === 'ADDED' || all.length === 0 || (!!old && !templatesEqual(old.spec?.template, d.spec.template)) || (!!old?.spec?.paused && !d.spec.paused);

    if (d.spec.paused) {
      this.updateDeploymentStatus(d, current, all);
      return;
    }
    if (!current) {
      // No ReplicaSet for this template and nothing changed it: a scenario's hand-made state, left alone.
      if (!triggered) return;
      const revision = Math.max(0, ...all.map(revisionOf)) + 1;
      let collisionCount: number = d.status?.collisionCount ?? 0;
      let rs = replicaSetFor(d, { revision, created: this.now(), collisionCount });
      while (this.store.get('ReplicaSet', ns, rs.metadata.name)) rs = replicaSetFor(d, { revision, created: this.now(), collisionCount: ++collisionCount });
      delete rs.metadata.uid; // a fresh object: let the store assign one
      rs.metadata.creationTimestamp = iso(this.now());
      current = this.store.create(rs);
      this.record({ involved: d, type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.metadata.name} to ${rs.spec.replicas}`, component: 'deployment-controller' });
    } else {
      const desired = d.spec.replicas ?? 1;
      const maxRevision = Math.max(0, ...all.map(revisionOf));
      const needsRevision = revisionOf(current) < maxRevision; // a rollback to an older template
      if (current.spec.replicas !== desired || needsRevision) {
        const from = current.spec.replicas;
        current.spec.replicas = desired;
        current.metadata.annotations = {
          ...(current.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(desired),
          ...(needsRevision ? { 'deployment.kubernetes.io/revision': String(maxRevision + 1) } : {}),
        };
        current = this.store.update(current, { checkResourceVersion: false });
        if (from !== desired) {
          const verb = desired > from ? 'up' : 'down';
          this.record({ involved: d, type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${verb} replica set ${current.metadata.name} to ${desired}${verb === 'down' ? ` from ${from}` : ''}`, component: 'deployment-controller' });
        }
      }
    }

    // Old pods may stay only while the new ones are not available yet (maxUnavailable 0 at
    // 3 replicas): when the webhook rejects the new pods, the old ones keep serving.
    const fresh = this.store.get('ReplicaSet', ns, current.metadata.name) ?? current;
    let budget = Math.max(0, (d.spec.replicas ?? 1) - (fresh.status?.availableReplicas ?? 0));
    for (const rs of owned().filter((x) => x.metadata.uid !== fresh.metadata.uid).sort((a, b) => revisionOf(b) - revisionOf(a))) {
      const keep = Math.min(rs.spec.replicas ?? 0, budget);
      budget -= keep;
      if ((rs.spec.replicas ?? 0) !== keep) {
        const from = rs.spec.replicas;
        rs.spec.replicas = keep;
        this.store.update(rs, { checkResourceVersion: false });
        this.record({ involved: d, type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled down replica set ${rs.metadata.name} to ${keep} from ${from}`, component: 'deployment-controller' });
      }
    }
    this.updateDeploymentStatus(d, fresh, owned());
  }

  private updateDeploymentStatus(d: KubeObject, current: KubeObject | undefined, all: KubeObject[]): void {
    const latest = this.store.get('Deployment', d.metadata.namespace, d.metadata.name);
    if (!latest) return;
    const status = deploymentStatus(latest, current, all, this.now(), latest.status);
    const revision = current ? current.metadata.annotations?.['deployment.kubernetes.io/revision'] : undefined;
    const annotations = { ...(latest.metadata.annotations ?? {}), ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}) };
    if (isDeepStrictEqual(status, latest.status) && isDeepStrictEqual(annotations, latest.metadata.annotations ?? {})) return;
    latest.status = status;
    latest.metadata.annotations = annotations;
    this.store.update(latest, { checkResourceVersion: false });
  }

  // ---- ReplicaSets ---------------------------------------------------------------------------

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.store.list('Pod', owner.metadata.namespace).filter((p) => isOwnedBy(p, owner.metadata.uid) && !p.metadata.deletionTimestamp);
  }

  private syncReplicaSet(ns: string, name: string): void {
    const rs = this.store.get('ReplicaSet', ns, name);
    if (!rs) return;
    const pods = this.podsOf(rs);
    const desired: number = rs.spec.replicas ?? 1;
    let failure: string | undefined;
    if (pods.length < desired) {
      failure = this.createPods(rs, rs.spec.template, desired - pods.length, 'replicaset-controller', () => `${rs.metadata.name}-${randomSuffix()}`);
    } else if (pods.length > desired) {
      // Like the real controller: not-ready pods go first, then the newest.
      const victims = pods
        .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))
        .slice(0, pods.length - desired);
      for (const p of victims) {
        this.terminatePod(p);
        this.record({ involved: rs, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name}`, component: 'replicaset-controller' });
      }
    }
    const latest = this.store.get('ReplicaSet', ns, name);
    if (!latest) return;
    const status: Json = replicaSetStatus(latest, this.podsOf(latest));
    const prevFailure = (latest.status?.conditions as Json[] | undefined)?.find((c) => c.type === 'ReplicaFailure');
    if (failure) status.conditions = [{ lastTransitionTime: prevFailure?.lastTransitionTime ?? iso(this.now()), message: failure, reason: 'FailedCreate', status: 'True', type: 'ReplicaFailure' }];
    else if (prevFailure && status.replicas < desired) status.conditions = [prevFailure];
    if (!isDeepStrictEqual(status, latest.status)) {
      latest.status = status;
      this.store.update(latest, { checkResourceVersion: false });
    }
  }

  /** Create `count` pods from a template; returns the admission failure message, if any. */
  private createPods(owner: KubeObject, template: Json, count: number, component: string, nameFor: (i: number) => string, extraLabels: Record<string, string> = {}): string | undefined {
    const state = webhookState(this.store);
    for (let i = 0; i < count; i++) {
      const pod = podFromTemplate(owner, template, nameFor(i));
      pod.metadata.labels = { ...(pod.metadata.labels ?? {}), ...extraLabels };
      const admitted = admitPod(this.store, pod, { webhookState: state });
      if (!admitted.allowed) {
        const message = `Error creating: ${admitted.message}`;
        this.record({ involved: owner, type: 'Warning', reason: 'FailedCreate', message, component });
        return message; // the real controllers stop the batch at the first failure
      }
      const created = this.store.create({ ...admitted.pod, status: pendingStatus() });
      this.record({ involved: owner, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}`, component });
    }
    return undefined;
  }

  // ---- Scheduler and kubelet -------------------------------------------------------------------

  private pickNode(): number {
    const load = NODES.map((n) => this.store.list('Pod').filter((p) => p.spec?.nodeName === n).length);
    return load.indexOf(Math.min(...load));
  }

  private startPod(pod: KubeObject): void {
    const run = (): void => {
      const p = this.store.get('Pod', pod.metadata.namespace, pod.metadata.name);
      if (!p || p.metadata.deletionTimestamp || p.status?.phase !== 'Pending') return;
      const n = this.pickNode();
      const node = NODES[n]!;
      const podIP = `10.244.${n}.${this.ipCounters[n]!++ % 250}`;
      p.spec.nodeName = node;
      p.status = runningStatus(p, { node, podIP, hostIP: NODE_IPS[n]!, started: this.now() });
      this.store.update(p, { checkResourceVersion: false });
      this.record({ involved: p, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${p.metadata.namespace}/${p.metadata.name} to ${node}`, component: 'default-scheduler' });
      for (const c of p.spec.containers as Json[]) {
        const fieldPath = `spec.containers{${c.name}}`;
        this.record({ involved: p, type: 'Normal', reason: 'Pulled', message: `Container image "${c.image}" already present on machine`, component: 'kubelet', host: node, fieldPath });
        this.record({ involved: p, type: 'Normal', reason: 'Created', message: `Created container ${c.name}`, component: 'kubelet', host: node, fieldPath });
        this.record({ involved: p, type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, component: 'kubelet', host: node, fieldPath });
      }
    };
    const delay = this.opts.podStartDelayMs ?? 0;
    if (delay <= 0) run();
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        run();
      }, delay);
      this.timers.add(t);
    }
  }

  /** Graceful deletion, compressed: a MODIFIED with deletionTimestamp, then the DELETED. */
  terminatePod(pod: KubeObject): void {
    const p = this.store.get('Pod', pod.metadata.namespace, pod.metadata.name);
    if (!p) return;
    if (!p.metadata.deletionTimestamp) {
      p.metadata.deletionTimestamp = iso(this.now() + 30_000);
      p.metadata.deletionGracePeriodSeconds = 30;
      this.store.update(p, { checkResourceVersion: false });
      if (p.spec?.nodeName) {
        for (const c of p.spec.containers as Json[]) {
          this.record({ involved: p, type: 'Normal', reason: 'Killing', message: `Stopping container ${c.name}`, component: 'kubelet', host: p.spec.nodeName, fieldPath: `spec.containers{${c.name}}` });
        }
      }
    }
    this.store.delete('Pod', p.metadata.namespace, p.metadata.name);
  }

  // ---- StatefulSets and DaemonSets ---------------------------------------------------------------

  private syncPodSet(kind: 'StatefulSet' | 'DaemonSet', ns: string, name: string, ev?: StoreEvent): void {
    const set = this.store.get(kind, ns, name);
    if (!set) return;
    const revision = podSetRevision(set);
    const old = ev?.oldObject;
    const templateChanged = ev?.type === 'ADDED' || (!!old && !templatesEqual(old.spec?.template, set.spec.template));
    let pods = this.podsOf(set);
    if (templateChanged) {
      for (const p of pods.filter((x) => x.metadata.labels?.['controller-revision-hash'] !== revision)) this.terminatePod(p);
      pods = this.podsOf(set);
    }
    const component = kind === 'StatefulSet' ? 'statefulset-controller' : 'daemonset-controller';
    if (kind === 'StatefulSet') {
      const replicas: number = set.spec.replicas ?? 1;
      const names = Array.from({ length: replicas }, (_, i) => `${name}-${i}`);
      for (const p of pods.filter((x) => !names.includes(x.metadata.name))) this.terminatePod(p);
      const missing = names.filter((n) => !pods.some((p) => p.metadata.name === n));
      this.createPods(set, set.spec.template, missing.length, component, (i) => missing[i]!, { 'controller-revision-hash': revision });
      for (const n of missing) {
        const p = this.store.get('Pod', ns, n);
        if (!p) continue;
        p.metadata.labels = { ...(p.metadata.labels ?? {}), 'statefulset.kubernetes.io/pod-name': n, 'apps.kubernetes.io/pod-index': n.slice(name.length + 1) };
        this.store.update(p, { checkResourceVersion: false });
      }
    } else {
      const missing = Math.max(0, NODES.length - pods.length);
      this.createPods(set, set.spec.template, missing, component, () => `${name}-${randomSuffix()}`, { 'controller-revision-hash': revision });
    }
    const latest = this.store.get(kind, ns, name);
    if (!latest) return;
    const status = podSetStatus(latest, this.podsOf(latest), revision);
    if (!isDeepStrictEqual(status, latest.status)) {
      latest.status = status;
      this.store.update(latest, { checkResourceVersion: false });
    }
  }

  // ---- Endpoints ---------------------------------------------------------------------------------

  private syncEndpointsForPod(pod: KubeObject, old?: KubeObject): void {
    const ns = pod.metadata.namespace!;
    for (const svc of this.store.list('Service', ns)) {
      const sel: Record<string, string> | undefined = svc.spec?.selector;
      if (!sel || !Object.keys(sel).length) continue;
      const matches = (p?: KubeObject): boolean => !!p && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v);
      if (matches(pod) || matches(old)) this.syncEndpoints(ns, svc.metadata.name);
    }
  }

  private syncEndpoints(ns: string, name: string): void {
    const svc = this.store.get('Service', ns, name);
    const sel: Record<string, string> | undefined = svc?.spec?.selector;
    if (!svc || !sel || !Object.keys(sel).length) return;
    const pods = this.store.list('Pod', ns).filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    const subsets = endpointsSubsets(svc, pods);
    const ep = this.store.get('Endpoints', ns, name);
    if (ep && isDeepStrictEqual(ep.subsets, subsets)) return;
    const next: KubeObject = ep ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}) } };
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'endpoints.kubernetes.io/last-change-trigger-time': iso(this.now()) };
    if (subsets) next.subsets = subsets;
    else delete next.subsets;
    this.store.put(next);
  }

  // ---- Garbage collection ------------------------------------------------------------------------

  private collectGarbage(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    for (const r of this.store.types()) {
      if (!r.namespaced) continue;
      const dependents = this.store.list(r, owner.metadata.namespace).filter((o) => isOwnedBy(o, uid));
      for (const d of dependents) {
        if (d.kind === 'Pod') this.terminatePod(d);
        else this.store.delete(r, d.metadata.namespace, d.metadata.name);
      }
    }
  }

  private deleteNamespaceContents(ns: string): void {
    for (const r of this.store.types()) {
      if (!r.namespaced) continue;
      for (const o of this.store.list(r, ns)) this.store.delete(r, ns, o.metadata.name);
    }
  }
}
