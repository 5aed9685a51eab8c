// A large AKS-shaped cluster for benchmarks and for browsing at scale: N namespaces holding W
// workloads and P pods, on top of the `aks-addon` base (the Workload Identity webhook's
// MutatingWebhookConfiguration and its ready Deployment in kube-system). Deterministic: the same
// sizes always give the same objects (names, uids, placement), only the times move with "now".
//
//   const kube = await startFakeKube({ scenario: scaleScenario({ namespaces: 200, workloads: 5000, pods: 15000 }), controllers: false });
//   npx tsx test/fake-kube/cli.ts --scale 200,5000,15000 --kubeconfig /tmp/kc.yaml
//
// Workloads are dealt round-robin to the namespaces. The kinds: about 72% Deployments (each with
// its ReplicaSet `<name>-<hash>` and pods owned by it), 10% StatefulSets (pods `<name>-0`, ...),
// 3% DaemonSets (one pod per node), 10% CronJobs (with their last Job and its finished pod), 5%
// Jobs (one running pod, labelled `job-name`). DaemonSets, CronJobs and Jobs have fixed pod
// counts; the rest of P is shared out over the Deployments and StatefulSets as replicas.
//
// Workload Identity, per workload (about): 45% wired (use label on the pod template, its own
// ServiceAccount with a client-id, pods injected by the webhook), 35% plain (no label; half run as
// `default`, half as an unannotated ServiceAccount of their own), 7% a ServiceAccount without a
// client-id (pods injected without AZURE_CLIENT_ID), 7% the use label on the workload's own
// metadata instead of the template (nothing injected), 6% AZURE_CLIENT_SECRET set from a Secret.
// Every pod goes through the same admission (ServiceAccount plugin, then the simulated webhook)
// as the other scenarios' pods.

import { ClusterBuilder } from './builder';
import { CLIENT_ID_ANNOTATION, USE_LABEL, webhookState } from './wi-webhook';
import type { Scenario } from './scenarios';
import type { KubeObject } from './store';
import { applyDefaults } from './defaults';
import {
  DAY,
  deployment,
  deploymentStatus,
  HOUR,
  MINUTE,
  NODES,
  podSetRevision,
  podSetStatus,
  replicaSetFor,
  replicaSetStatus,
  safeString,
  stableUid,
  iso,
  type ContainerSpec,
} from './workloads';

type Json = Record<string, any>;

export interface ScaleOptions {
  namespaces: number;
  workloads: number;
  pods: number;
}

export const DEFAULT_SCALE: ScaleOptions = { namespaces: 200, workloads: 5000, pods: 15000 };

export type ScaleKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job';

/** How a workload uses Workload Identity. */
export type ScaleWiState = 'wired' | 'plain' | 'sa-without-client-id' | 'label-on-workload' | 'client-secret';

export interface PlannedWorkload {
  namespace: string;
  kind: ScaleKind;
  name: string;
  /** Pods it has (a CronJob: its last Job's one pod). */
  pods: number;
  wi: ScaleWiState;
  serviceAccount: string;
}

export interface ScalePlan {
  options: ScaleOptions;
  namespaces: string[];
  workloads: PlannedWorkload[];
  /** ServiceAccounts made besides each namespace's `default`. */
  serviceAccounts: number;
  byKind: Record<ScaleKind, number>;
  byState: Record<ScaleWiState, number>;
}

const TEAMS = ['payments', 'checkout', 'inventory', 'billing', 'orders', 'search', 'analytics', 'identity', 'shipping', 'catalog', 'media', 'notifications', 'pricing', 'reviews', 'loyalty', 'fraud', 'support', 'reporting', 'platform', 'data'];
const ROLES: Record<ScaleKind, string[]> = {
  Deployment: ['api', 'web', 'worker', 'gateway', 'auth', 'search', 'notifier', 'reports', 'frontend', 'admin'],
  StatefulSet: ['postgres', 'redis', 'kafka', 'rabbitmq', 'elastic'],
  DaemonSet: ['log-agent', 'node-exporter'],
  CronJob: ['nightly-export', 'cleanup', 'backup', 'report-mailer'],
  Job: ['migrate', 'seed-data', 'reindex'],
};
/** Cumulative shares of the kinds and of the Workload Identity states. */
const KIND_SHARES: [ScaleKind, number][] = [
  ['Deployment', 0.72],
  ['StatefulSet', 0.82],
  ['DaemonSet', 0.85],
  ['CronJob', 0.95],
  ['Job', 1],
];
const WI_SHARES: [ScaleWiState, number][] = [
  ['wired', 0.45],
  ['plain', 0.8],
  ['sa-without-client-id', 0.87],
  ['label-on-workload', 0.94],
  ['client-secret', 1],
];
/** Pods of the kinds whose count does not follow from P. */
const FIXED_PODS: Partial<Record<ScaleKind, number>> = { DaemonSet: NODES.length, CronJob: 1, Job: 1 };

/** A well-spread, deterministic sequence in [0, 1): the fractional parts of i·α (Weyl). */
const weyl = (i: number, alpha: number): number => (i * alpha) % 1;
/** 0 to n-1 for workload i, spread independently of which namespace i falls in. */
const spread = (i: number, n: number, alpha: number): number => Math.floor(weyl(i + 1, alpha) * n);
const pick = <T>(shares: [T, number][], x: number): T => shares.find(([, upTo]) => x < upTo)![0];

export function namespaceName(j: number): string {
  return `${TEAMS[j % TEAMS.length]}-${String(j).padStart(3, '0')}`;
}

/** `200,5000,15000` → the options; throws on anything else. */
export function parseScale(text: string): ScaleOptions {
  const parts = text.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--scale takes NAMESPACES,WORKLOADS,PODS (three positive integers), not "${text}"`);
  return { namespaces: parts[0]!, workloads: parts[1]!, pods: parts[2]! };
}

/** What the cluster will hold: every workload with its kind, pods and Workload Identity state. */
export function scalePlan(o: ScaleOptions = DEFAULT_SCALE): ScalePlan {
  const namespaces = Array.from({ length: o.namespaces }, (_, j) => namespaceName(j));
  const perNamespace = new Array<number>(o.namespaces).fill(0);
  const workloads: PlannedWorkload[] = [];
  for (let i = 0; i < o.workloads; i++) {
    const j = i % o.namespaces;
    const k = perNamespace[j]!++;
    const kind = pick(KIND_SHARES, weyl(i + 1, 0.6180339887498949));
    const wi = pick(WI_SHARES, weyl(i + 1, 0.41421356237309515));
    const roles = ROLES[kind];
    const name = `${roles[k % roles.length]}-${k + 1}`;
    const serviceAccount = wi === 'plain' ? (i % 2 ? name : 'default') : `${name}-sa`;
    workloads.push({ namespace: namespaces[j]!, kind, name, pods: FIXED_PODS[kind] ?? 0, wi, serviceAccount });
  }
  // Share the pods left over after the fixed ones out over the Deployments and StatefulSets, in
  // proportion to a weight of 1 to 5 (largest remainder), so their sum is exactly P.
  const fixed = workloads.reduce((n, w) => n + w.pods, 0);
  const scalable = workloads.filter((w) => FIXED_PODS[w.kind] === undefined);
  const rest = o.pods - fixed;
  if (rest < 0 || (rest > 0 && !scalable.length)) throw new Error(`fake-kube: ${o.pods} pods do not fit ${o.workloads} workloads: their DaemonSets, CronJobs and Jobs alone have ${fixed} pods`);
  const weights = scalable.map((_, i) => 1 + ((i * 7) % 5));
  const total = weights.reduce((a, b) => a + b, 0);
  const shares = scalable.map((w, i) => {
    const exact = (rest * weights[i]!) / total;
    w.pods = Math.floor(exact);
    return { w, remainder: exact - w.pods };
  });
  let left = rest - scalable.reduce((n, w) => n + w.pods, 0);
  for (const s of [...shares].sort((a, b) => b.remainder - a.remainder)) {
    if (left-- <= 0) break;
    s.w.pods++;
  }
  const count = <K extends string>(keys: readonly K[], of: (w: PlannedWorkload) => K): Record<K, number> => {
    const r = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    for (const w of workloads) r[of(w)]++;
    return r;
  };
  return {
    options: o,
    namespaces,
    workloads,
    serviceAccounts: workloads.filter((w) => w.serviceAccount !== 'default').length,
    byKind: count(KIND_SHARES.map(([k]) => k), (w) => w.kind),
    byState: count(WI_SHARES.map(([s]) => s), (w) => w.wi),
  };
}

// ---- Building the objects ----------------------------------------------------------------------

function container(w: PlannedWorkload): ContainerSpec {
  const role = w.name.replace(/-\d+$/, '');
  return {
    name: role,
    image: `contosoprod.azurecr.io/${w.namespace}/${role}:1.${w.name.length % 9}.${w.pods % 7}`,
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      ...(w.wi === 'client-secret' ? [{ name: 'AZURE_CLIENT_SECRET', valueFrom: { secretKeyRef: { key: 'client-secret', name: `${w.name}-sp` } } }] : []),
    ],
    ...(w.kind === 'Deployment' || w.kind === 'StatefulSet' ? { ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] } : {}),
    resources: { limits: { memory: '512Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
  };
}

/** The template's and the workload's own labels for a state. */
function labelsFor(w: PlannedWorkload): { pod: Record<string, string>; own: Record<string, string> } {
  const use = { [USE_LABEL]: 'true' };
  if (w.wi === 'plain') return { pod: {}, own: {} };
  if (w.wi === 'label-on-workload') return { pod: {}, own: use };
  return { pod: use, own: {} };
}

/** A pod template for the StatefulSets, DaemonSets and Jobs (Deployments use workloads.ts's deployment()). */
function template(w: PlannedWorkload, restartPolicy?: string): Json {
  const { pod } = labelsFor(w);
  return {
    metadata: { labels: { app: w.name, ...pod } },
    spec: { ...(restartPolicy ? { restartPolicy } : {}), ...(w.serviceAccount !== 'default' ? { serviceAccountName: w.serviceAccount } : {}), containers: [container(w)] },
  };
}

function podSet(b: ClusterBuilder, w: PlannedWorkload, created: number): void {
  const { own } = labelsFor(w);
  const set: KubeObject = {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: w.namespace, uid: stableUid(`${w.kind}/${w.namespace}/${w.name}`), generation: 1, creationTimestamp: iso(created), labels: { app: w.name, ...own } },
    spec: { ...(w.kind === 'StatefulSet' ? { replicas: w.pods, serviceName: w.name } : {}), selector: { matchLabels: { app: w.name } }, template: template(w) },
  };
  applyDefaults(set);
  const revision = podSetRevision(set);
  const names = w.kind === 'StatefulSet' ? Array.from({ length: w.pods }, (_, i) => `${w.name}-${i}`) : Array.from({ length: w.pods }, (_, i) => `${w.name}-${safeString(`${w.namespace}/${w.name}/${i}`, 5)}`);
  const pods = b.pods(set, set.spec.template, w.pods, {
    created: created + MINUTE,
    names,
    extraLabels: (i): Record<string, string> => ({
      'controller-revision-hash': revision,
      ...(w.kind === 'StatefulSet' ? { 'statefulset.kubernetes.io/pod-name': names[i]!, 'apps.kubernetes.io/pod-index': String(i) } : {}),
    }),
    ...(w.kind === 'DaemonSet' ? { node: (i: number) => i % NODES.length } : {}),
  });
  set.status = podSetStatus(set, pods, revision);
  b.put(set);
}

/** One workload with everything it owns, as its controllers would have left it. */
function buildWorkload(b: ClusterBuilder, w: PlannedWorkload, index: number): void {
  const created = b.ago((10 + spread(index, 190, 0.7548776662466927)) * DAY + spread(index, 24, 0.5698402909980532) * HOUR);
  const rolledOut = b.ago((1 + spread(index, 9, 0.3247179572447460)) * DAY + spread(index, 60, 0.8191725133961645) * MINUTE);
  if (w.serviceAccount !== 'default') {
    const annotated = w.wi !== 'plain' && w.wi !== 'sa-without-client-id';
    b.serviceAccount(w.namespace, w.serviceAccount, created, annotated ? { [CLIENT_ID_ANNOTATION]: stableUid(`client-id/${w.namespace}/${w.name}`) } : undefined);
  }
  if (w.wi === 'client-secret') b.secret(w.namespace, `${w.name}-sp`, { 'client-secret': `not-a-real-secret-${safeString(w.name, 8)}` }, created);
  const { pod, own } = labelsFor(w);
  switch (w.kind) {
    case 'Deployment': {
      // deployment() → its ReplicaSet → pods, statuses from those pods (no store scan: at this size that is what costs).
      const d = deployment({
        namespace: w.namespace,
        name: w.name,
        replicas: w.pods,
        ...(w.serviceAccount !== 'default' ? { serviceAccountName: w.serviceAccount } : {}),
        labels: own,
        podLabels: pod,
        containers: [container(w)],
        created,
      });
      const rs = replicaSetFor(d, { revision: 1, created: rolledOut });
      const pods = b.pods(rs, rs.spec.template, w.pods, { created: rolledOut + 1000 });
      rs.status = replicaSetStatus(rs, pods);
      d.status = deploymentStatus(d, rs, [rs], rolledOut + 2 * MINUTE);
      b.put(rs);
      b.put(d);
      return;
    }
    case 'StatefulSet':
    case 'DaemonSet':
      return podSet(b, w, created);
    case 'CronJob': {
      const t = template(w, 'Never');
      b.cronJob({
        namespace: w.namespace,
        name: w.name,
        schedule: `${spread(index, 60, 0.8191725133961645)} ${spread(index, 24, 0.5698402909980532)} * * *`,
        ...(w.serviceAccount !== 'default' ? { serviceAccountName: w.serviceAccount } : {}),
        containers: t.spec.containers,
        podLabels: pod,
        ...(Object.keys(own).length ? { labels: own } : {}),
        created,
        lastRun: Math.floor(b.ago((1 + spread(index, 20, 0.3247179572447460)) * HOUR) / MINUTE) * MINUTE,
      });
      return;
    }
    case 'Job': {
      b.job({ namespace: w.namespace, name: w.name, jobSpec: { backoffLimit: 2, template: template(w, 'Never') }, started: b.ago((1 + spread(index, 50, 0.7548776662466927)) * MINUTE), labels: own, running: true });
      return;
    }
  }
}

/** The scenario of a generated cluster (target: its first wired Deployment). */
export function scaleScenario(o: ScaleOptions = DEFAULT_SCALE): Scenario {
  const plan = scalePlan(o);
  const first = plan.workloads.find((w) => w.kind === 'Deployment' && w.wi === 'wired') ?? plan.workloads[0];
  return {
    name: `scale-${o.namespaces}-${o.workloads}-${o.pods}`,
    description: `Generated: ${o.namespaces} namespaces, ${o.workloads} workloads, ${o.pods} pods, a mix of Workload Identity states (test/fake-kube/scale.ts).`,
    base: 'aks-addon',
    target: first ? { namespace: first.namespace, kind: first.kind, name: first.name } : { namespace: 'kube-system', kind: 'Deployment', name: 'coredns' },
    failingCheckpoint: null,
    build: (b) => buildScale(b, plan),
  };
}

function buildScale(b: ClusterBuilder, plan: ScalePlan): void {
  // The webhook does not change while the cluster is built: read its state once, not per pod.
  b.webhookState = webhookState(b.store);
  for (const [j, ns] of plan.namespaces.entries()) b.namespace(ns, b.ago((200 + (j % 100)) * DAY));
  plan.workloads.forEach((w, i) => buildWorkload(b, w, i));
  b.webhookState = undefined;
}
