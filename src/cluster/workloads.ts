// A workload as the cluster holds it, read the same way by the diagnosis (its checkpoints'
// memoised reads, src/checkpoints/context.ts) and by the sidebar (src/tree/, from the informers'
// caches): the pod template wherever the kind keeps it, the ServiceAccount it runs as, and which
// pods are its own (by selector, then by owner). Below both, so neither imports the other.

import { Resources, type TargetKind } from './resources';
import type { ClusterApi, KubeObject, KubeResult, LabelSelector, Pod, PodTemplate } from './types';

/** Which workload: a namespace, a kind and a name. */
export interface WorkloadRef {
  namespace: string;
  kind: TargetKind;
  name: string;
}

export interface Workload {
  ref: WorkloadRef;
  object: KubeObject;
  /** The pod template (for a Pod: the pod itself). */
  template: PodTemplate;
  /** Where the template lives, for messages and patches: `spec.template`, `spec.jobTemplate.spec.template`, or `` for a Pod. */
  templatePath: string[];
  serviceAccountName: string;
}

export function toWorkload(ref: WorkloadRef, object: KubeObject): Workload {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  let template: PodTemplate;
  let templatePath: string[];
  if (ref.kind === 'ServiceAccount') {
    // No pod: the controller requests the token itself (see TargetKind).
    template = { spec: { serviceAccountName: object.metadata.name, containers: [] } };
    templatePath = [];
  } else if (ref.kind === 'Pod') {
    template = { metadata: object.metadata, spec: spec as unknown as PodTemplate['spec'] };
    templatePath = [];
  } else if (ref.kind === 'CronJob') {
    const jt = (spec.jobTemplate ?? {}) as { spec?: { template?: PodTemplate } };
    template = jt.spec?.template ?? { spec: { containers: [] } };
    templatePath = ['spec', 'jobTemplate', 'spec', 'template'];
  } else {
    template = (spec.template as PodTemplate | undefined) ?? { spec: { containers: [] } };
    templatePath = ['spec', 'template'];
  }
  template.spec ??= { containers: [] };
  template.spec.containers ??= [];
  const serviceAccountName = template.spec.serviceAccountName || template.spec.serviceAccount || 'default';
  return { ref, object, template, templatePath, serviceAccountName };
}

/** `app=api,tier in (web)` from a LabelSelector. */
export function selectorString(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/**
 * The pods that belong to the workload: by its selector (one list call), then by owner, so a
 * second Deployment with an overlapping selector does not lend its pods. A CronJob's pods are
 * found through its Jobs' names (`job-name` label), one more list call.
 */
export async function listPodsOf(cluster: ClusterApi, w: Workload, signal: AbortSignal): Promise<KubeResult<Pod[]>> {
  const { namespace, name, kind } = w.ref;
  if (kind === 'Pod') return { ok: true, value: [w.object as Pod] };
  let selector: string;
  let owned: (p: Pod) => boolean;
  if (kind === 'CronJob') {
    const jobs = await cluster.list(Resources.jobs, namespace, {}, signal);
    if (!jobs.ok) return jobs;
    const mine = cronJobJobNames(name, jobs.value);
    if (!mine.length) return { ok: true, value: [] };
    selector = `job-name in (${mine.join(',')})`;
    owned = () => true;
  } else {
    selector = selectorString(workloadSelector(w));
    owned = ownedBy(w);
  }
  const r = await cluster.list<Pod>(Resources.pods, namespace, selector ? { labelSelector: selector } : {}, signal);
  if (!r.ok) return r;
  return { ok: true, value: currentPods(r.value, owned) };
}

function workloadSelector(w: Workload): LabelSelector | undefined {
  return (w.object.spec as { selector?: LabelSelector } | undefined)?.selector;
}

/** The names of the Jobs a CronJob made. */
function cronJobJobNames(cronJob: string, jobs: readonly KubeObject[]): string[] {
  return jobs.filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === cronJob)).map((j) => j.metadata.name);
}

/** Whether a pod (already matched by the selector) belongs to the workload by its owner references. */
function ownedBy(w: Workload): (p: Pod) => boolean {
  const { name, kind } = w.ref;
  const uid = w.object.metadata.uid;
  return kind === 'Deployment'
    ? // `<deployment>-<hash>`: a ReplicaSet of `web-canary` is not one of `web`'s (their selectors often overlap).
      (p) => p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name.startsWith(`${name}-`) && !o.name.slice(name.length + 1).includes('-')) ?? false
    : (p) => p.metadata.ownerReferences?.some((o) => (uid ? o.uid === uid : o.name === name)) ?? false;
}

/** Owned pods not being deleted, oldest first. */
function currentPods(pods: readonly Pod[], owned: (p: Pod) => boolean): Pod[] {
  return pods
    .filter((p) => owned(p) && !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
}

/**
 * The same pods listPodsOf finds, from pods already at hand (an informer's cache): the
 * namespace's pods and, for a CronJob, its namespace's Jobs (without them, the Jobs are
 * recognised by name, `<cronjob>-<n>`, from the pods' `job-name` label).
 */
export function podsOf(w: Workload, podsOfNamespace: readonly Pod[], jobsOfNamespace?: readonly KubeObject[]): Pod[] {
  const { namespace, name, kind } = w.ref;
  const here = podsOfNamespace.filter((p) => p.metadata.namespace === undefined || p.metadata.namespace === namespace);
  if (kind === 'Pod') return [w.object as Pod];
  if (kind === 'CronJob') {
    const jobNames = jobsOfNamespace ? new Set(cronJobJobNames(name, jobsOfNamespace.filter((j) => j.metadata.namespace === undefined || j.metadata.namespace === namespace))) : undefined;
    const mine = (p: Pod): boolean => {
      const job = p.metadata.labels?.['job-name'];
      if (job === undefined) return false;
      return jobNames ? jobNames.has(job) : job.startsWith(`${name}-`) && /^\d+$/.test(job.slice(name.length + 1));
    };
    return currentPods(here, mine);
  }
  const sel = workloadSelector(w);
  const owned = ownedBy(w);
  // An empty or missing selector lists every pod of the namespace, as listPodsOf does.
  return currentPods(here.filter((p) => !sel || selectorMatches(sel, p.metadata.labels ?? {})), owned);
}

/** Whether a LabelSelector matches a set of labels (an empty selector matches everything). */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
