// The sidebar tree's model, without `vscode`: from the objects an informer cache holds, the
// nodes of the tree — namespaces with counts, a folder per workload kind and one for
// ServiceAccounts, workloads with their Workload Identity status (src/tree/workload-status.ts,
// the diagnosis's own predicates), and what a workload expands to (its ServiceAccount with the
// client ID, its pods injected or not, its findings). Filters apply here too.
//
// Statuses are computed once per namespace and kept until a change in that namespace (or a
// cluster-wide change: the webhook) invalidates them, so a batch of watch events re-computes
// only the namespaces it touched. Nothing here sends a request.

import type { KubeObject, Pod, ResourceType } from '../cluster/types';
import { Resources } from '../cluster/resources';
import { clientIdState, podInjection, useLabelState, type ClientIdState } from '../checkpoints/evaluate';
import { toWorkload } from '../cluster/workloads';
import { CLIENT_ID, USE_LABEL, WEBHOOK_CONFIGURATION } from '../manifests/workload-identity';
import { fingerprintOf, type WorkloadFingerprint } from './overlay';
import { podsOf, workloadStatus, type StatusLevel, type TreeWorkloadKind, type WorkloadStatus } from './workload-status';

/** What the model reads: a ResourceCache satisfies it. */
export interface ObjectSource {
  values<T extends KubeObject = KubeObject>(type: ResourceType): Iterable<T>;
}

export const TREE_KINDS: readonly { kind: TreeWorkloadKind; type: ResourceType; folder: string }[] = [
  { kind: 'Deployment', type: Resources.deployments, folder: 'Deployments' },
  { kind: 'StatefulSet', type: Resources.statefulSets, folder: 'StatefulSets' },
  { kind: 'DaemonSet', type: Resources.daemonSets, folder: 'DaemonSets' },
  { kind: 'CronJob', type: Resources.cronJobs, folder: 'CronJobs' },
  { kind: 'Job', type: Resources.jobs, folder: 'Jobs' },
];

/** The kinds the tree lists and watches, besides the optional webhook configuration. */
export const TREE_TYPES: readonly ResourceType[] = [...TREE_KINDS.map((k) => k.type), Resources.pods, Resources.serviceAccounts];

/** Where the webhook's Deployment runs: the AKS add-on, then the Helm chart's namespace. */
const WEBHOOK_DEPLOYMENTS = [
  { namespace: 'kube-system', name: 'azure-wi-webhook-controller-manager' },
  { namespace: 'azure-workload-identity-system', name: 'azure-wi-webhook-controller-manager' },
];

export interface TreeFilters {
  /** Only workloads that use (or try to use) Workload Identity: every status but muted. */
  onlyWorkloadIdentity: boolean;
  /** Only workloads with an error or a warning. */
  onlyProblems: boolean;
  /** A case-insensitive substring of the workload's name (or `namespace/name`). */
  text: string;
}

export const NO_FILTERS: TreeFilters = { onlyWorkloadIdentity: false, onlyProblems: false, text: '' };

export function filtersActive(f: TreeFilters): boolean {
  return f.onlyWorkloadIdentity || f.onlyProblems || !!f.text.trim();
}

/** Words for the view's message line: what the filters hide. */
export function describeFilters(f: TreeFilters): string | undefined {
  const parts: string[] = [];
  if (f.onlyWorkloadIdentity) parts.push('only Workload Identity workloads');
  if (f.onlyProblems) parts.push('only problems');
  if (f.text.trim()) parts.push(`names containing "${f.text.trim()}"`);
  return parts.length ? `Showing ${parts.join(', ')}.` : undefined;
}

export interface WorkloadEntry {
  namespace: string;
  kind: TreeWorkloadKind;
  name: string;
  object: KubeObject;
  serviceAccountName: string;
  status: WorkloadStatus;
  pods: Pod[];
}

export interface ServiceAccountEntry {
  namespace: string;
  name: string;
  object: KubeObject;
  clientId: ClientIdState;
  /** The workloads that run as it. */
  usedBy: WorkloadEntry[];
  level: StatusLevel;
  /** A few words: the client ID, or what is wrong with it. */
  short: string;
}

export interface NamespaceCounts {
  workloads: number;
  /** Workloads not muted: they use, or try to use, Workload Identity. */
  workloadIdentity: number;
  errors: number;
  warnings: number;
}

interface NamespaceIndex {
  workloads: WorkloadEntry[];
  byKey: Map<string, WorkloadEntry>;
  serviceAccounts: ServiceAccountEntry[];
  counts: NamespaceCounts;
}

export interface PodEntry {
  name: string;
  namespace: string;
  /** injected / not injected / created before the label / not labelled / injected without a client ID. */
  state: 'injected' | 'not-injected' | 'not-labelled' | 'injected-without-client-id';
  level: StatusLevel;
  short: string;
  phase: string;
}

export class TreeModel {
  private buckets: Map<string, Map<string, KubeObject[]>> | undefined;
  private readonly indexes = new Map<string, NamespaceIndex>();
  /** The listed Namespace objects by name, read on demand; undefined after a change. */
  private namespaceObjects: Map<string, KubeObject> | undefined;
  private webhook: boolean | undefined;
  /** Buckets or indexes were made while the pods were still being listed. */
  private builtWithoutPods = false;

  /**
   * `namespaces`: the Namespace objects when they may be listed; `scope`: the one namespace shown
   * when they may not (the RBAC fallback). `webhookKnown`: whether the webhook configuration was
   * listed (else the webhook's state is unknown, never "down").
   */
  constructor(
    private readonly source: ObjectSource,
    private readonly opts: { scope?: string; namespaces?: ObjectSource; webhookKnown?: () => boolean; serviceAccountsKnown?: () => boolean; podsKnown?: () => boolean } = {},
  ) {}

  /**
   * Forget what `keys` (objectKey()s) affect: their namespaces' statuses, or everything when a
   * cluster-scoped object changed (or no keys are given).
   */
  invalidate(keys?: Iterable<string>): void {
    this.buckets = undefined;
    if (!keys) {
      this.indexes.clear();
      this.namespaceObjects = undefined;
      this.webhook = undefined;
      return;
    }
    for (const key of keys) {
      const parts = key.split('/');
      if (parts.length >= 3) this.indexes.delete(parts[1]!);
      else {
        // namespaces/<name> (labels: the control-plane exclusion) or the webhook configuration.
        if (parts[0] === 'namespaces') {
          this.indexes.delete(parts[1]!);
          this.namespaceObjects = undefined; // read again: the cache holds a new object
        } else {
          this.indexes.clear();
          this.webhook = undefined;
        }
      }
    }
  }

  /** The namespaces to show: listed ones, the scope's one, and any that holds a listed object; sorted. */
  namespaceNames(): string[] {
    if (this.opts.scope) return [this.opts.scope];
    const names = new Set(this.namespaceMap().keys());
    for (const ns of this.bucketsByNamespace().keys()) names.add(ns);
    return [...names].sort();
  }

  /** A namespace's labels, when the namespaces are listed (for the control-plane exclusion). */
  namespaceLabels(namespace: string): Record<string, string> {
    return this.namespaceMap().get(namespace)?.metadata.labels ?? {};
  }

  private namespaceMap(): Map<string, KubeObject> {
    return (this.namespaceObjects ??= new Map([...(this.opts.namespaces?.values(Resources.namespaces) ?? [])].map((ns) => [ns.metadata.name, ns])));
  }

  get scope(): string | undefined {
    return this.opts.scope;
  }

  /** Whether the webhook is installed and has a ready replica; undefined when it could not be read. */
  webhookUp(): boolean | undefined {
    if (this.webhook !== undefined) return this.webhook;
    if (!this.opts.webhookKnown?.()) return undefined;
    const installed = [...this.source.values(Resources.mutatingWebhookConfigurations)].some((c) => c.metadata.name === WEBHOOK_CONFIGURATION);
    if (!installed) return (this.webhook = false);
    const deployments = WEBHOOK_DEPLOYMENTS.map((d) => this.bucket(d.namespace, Resources.deployments).find((o) => o.metadata.name === d.name)).filter((d): d is KubeObject => !!d);
    // The Deployment may be in a namespace we cannot see: then it is installed, and its pods are for the diagnosis to judge.
    if (!deployments.length) return (this.webhook = true);
    return (this.webhook = deployments.some((d) => ((d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0) > 0));
  }

  counts(namespace: string, filters: TreeFilters = NO_FILTERS): NamespaceCounts {
    if (!filtersActive(filters)) return this.index(namespace).counts;
    return countOf(this.workloads(namespace, undefined, filters));
  }

  /** Counts over every namespace shown (no filters): the badge, the CLI's summary line. */
  totals(): NamespaceCounts {
    const t: NamespaceCounts = { workloads: 0, workloadIdentity: 0, errors: 0, warnings: 0 };
    for (const ns of this.namespaceNames()) {
      const c = this.counts(ns);
      t.workloads += c.workloads;
      t.workloadIdentity += c.workloadIdentity;
      t.errors += c.errors;
      t.warnings += c.warnings;
    }
    return t;
  }

  /** The namespace's workloads (of one kind, or all), filtered, sorted by kind order then name. */
  workloads(namespace: string, kind?: TreeWorkloadKind, filters: TreeFilters = NO_FILTERS): WorkloadEntry[] {
    return this.index(namespace).workloads.filter((w) => (!kind || w.kind === kind) && matches(w, filters));
  }

  workload(namespace: string, kind: TreeWorkloadKind, name: string): WorkloadEntry | undefined {
    return this.index(namespace).byKey.get(`${kind}/${name}`);
  }

  /** The namespace's ServiceAccounts; with filters: those of shown workloads, or with a client-id, or broken. */
  serviceAccounts(namespace: string, filters: TreeFilters = NO_FILTERS): ServiceAccountEntry[] {
    const all = this.index(namespace).serviceAccounts;
    if (!filtersActive(filters)) return all;
    const text = filters.text.trim().toLowerCase();
    return all.filter((sa) => {
      if (filters.onlyProblems && sa.level !== 'error' && sa.level !== 'warning') return false;
      if (filters.onlyWorkloadIdentity && sa.level === 'muted') return false;
      if (text && !sa.name.toLowerCase().includes(text) && !sa.usedBy.some((w) => matches(w, { ...NO_FILTERS, text }))) return false;
      return true;
    });
  }

  serviceAccount(namespace: string, name: string): ServiceAccountEntry | undefined {
    return this.index(namespace).serviceAccounts.find((s) => s.name === name);
  }

  /**
   * The versions a workload's state rests on, as the caches hold them: what a diagnosis overlay
   * is compared with (src/tree/overlay.ts). The pods are not known while they are being listed.
   */
  fingerprint(w: WorkloadEntry): WorkloadFingerprint {
    const sa = this.serviceAccount(w.namespace, w.serviceAccountName);
    const saListed = this.opts.serviceAccountsKnown?.() ?? true;
    return fingerprintOf({ workload: w.object, serviceAccount: sa ? sa.object : saListed ? null : undefined, ...(w.status.pending ? {} : { pods: w.pods }) });
  }

  /** The pods of a workload, each with whether the webhook injected it. */
  pods(w: WorkloadEntry): PodEntry[] {
    const label = useLabelState(toWorkload({ namespace: w.namespace, kind: w.kind, name: w.name }, w.object));
    const sa = this.serviceAccount(w.namespace, w.serviceAccountName);
    const saHasClientId = !!sa?.object.metadata.annotations?.[CLIENT_ID];
    return w.pods.map((p) => {
      const phase = (p.status as { phase?: string } | undefined)?.phase ?? 'Unknown';
      const base = { name: p.metadata.name, namespace: w.namespace, phase };
      if (p.metadata.labels?.[USE_LABEL] !== 'true') {
        return label.state === 'template'
          ? { ...base, state: 'not-labelled' as const, level: 'error' as const, short: 'created before the label' }
          : { ...base, state: 'not-labelled' as const, level: 'muted' as const, short: 'not labelled' };
      }
      const inj = podInjection(p, saHasClientId);
      // Injected, but with nothing to say who it is: the ServiceAccount has no client ID for the webhook to copy.
      // sdk-environment warns for such a pod (service-account fails for the ServiceAccount itself).
      if (inj.state === 'injected' && !saHasClientId) return { ...base, state: 'injected-without-client-id' as const, level: 'warning' as const, short: 'injected, no client ID on the ServiceAccount' };
      if (inj.state === 'injected') return { ...base, state: 'injected' as const, level: 'ok' as const, short: 'injected' };
      if (inj.state === 'injected-without-client-id') return { ...base, state: 'injected-without-client-id' as const, level: 'error' as const, short: 'injected, no AZURE_CLIENT_ID' };
      return { ...base, state: 'not-injected' as const, level: 'error' as const, short: 'not injected' };
    });
  }

  // ---- Indexing ----

  private bucketsByNamespace(): Map<string, Map<string, KubeObject[]>> {
    this.dropIfPodsArrived();
    if (this.buckets) return this.buckets;
    if (!(this.opts.podsKnown?.() ?? true)) this.builtWithoutPods = true;
    const buckets = new Map<string, Map<string, KubeObject[]>>();
    for (const type of TREE_TYPES) {
      const plural = type.plural;
      for (const o of this.source.values(type)) {
        const ns = o.metadata.namespace ?? '';
        if (this.opts.scope && ns !== this.opts.scope) continue;
        let b = buckets.get(ns);
        if (!b) buckets.set(ns, (b = new Map<string, KubeObject[]>()));
        let list = b.get(plural);
        if (!list) b.set(plural, (list = []));
        list.push(o);
      }
    }
    return (this.buckets = buckets);
  }

  private bucket(namespace: string, type: ResourceType): KubeObject[] {
    return this.bucketsByNamespace().get(namespace)?.get(type.plural) ?? [];
  }

  /**
   * What was worked out while the pods were being listed is provisional: once they are in (the
   * first list makes no change events), forget it all.
   */
  private dropIfPodsArrived(): void {
    if (!this.builtWithoutPods || !(this.opts.podsKnown?.() ?? true)) return;
    this.builtWithoutPods = false;
    this.invalidate();
  }

  private index(namespace: string): NamespaceIndex {
    this.dropIfPodsArrived();
    const had = this.indexes.get(namespace);
    if (had) return had;
    const pods = this.bucket(namespace, Resources.pods) as Pod[];
    const jobs = this.bucket(namespace, Resources.jobs);
    const sas = new Map(this.bucket(namespace, Resources.serviceAccounts).map((s) => [s.metadata.name, s]));
    // A ServiceAccount is "unknown" (not "missing") while ServiceAccounts could not be listed.
    const saListed = this.opts.serviceAccountsKnown?.() ?? true;
    // While the pods are being listed, what needs them is marked as being checked (dropIfPodsArrived).
    const podsKnown = this.opts.podsKnown?.() ?? true;
    if (!podsKnown) this.builtWithoutPods = true;
    const webhookUp = this.webhookUp();
    const nsObject = this.namespaceMap().get(namespace);
    const candidates = podsByOwner(pods, jobs);
    const workloads: WorkloadEntry[] = [];
    for (const { kind, type } of TREE_KINDS) {
      // A CronJob's Jobs are shown through the CronJob (its pods are the CronJob's), not again under Jobs.
      const objects = this.bucket(namespace, type).filter((o) => kind !== 'Job' || !o.metadata.ownerReferences?.some((r) => r.kind === 'CronJob')).sort(byName);
      for (const object of objects) {
        const w = toWorkload({ namespace, kind, name: object.metadata.name }, object);
        const sa = sas.get(w.serviceAccountName) ?? (saListed ? null : undefined);
        const mine = podsOf(object, kind, candidates.get(`${kind}/${object.metadata.name}`) ?? [], jobs);
        const status = workloadStatus({ workload: object, kind, pods: mine, ...(podsKnown ? {} : { podsPending: true }), serviceAccount: sa, ...(nsObject ? { namespace: nsObject } : {}), ...(webhookUp !== undefined ? { webhookUp } : {}) });
        workloads.push({ namespace, kind, name: object.metadata.name, object, serviceAccountName: w.serviceAccountName, status, pods: mine });
      }
    }
    const serviceAccounts = [...sas.values()].sort(byName).map((object) => serviceAccountEntry(namespace, object, workloads));
    const index: NamespaceIndex = { workloads, byKey: new Map(workloads.map((w) => [`${w.kind}/${w.name}`, w])), serviceAccounts, counts: countOf(workloads) };
    this.indexes.set(namespace, index);
    return index;
  }
}

/**
 * The namespace's pods grouped by the workload that may own them — a Deployment through its
 * ReplicaSet `<deployment>-<hash>`, a CronJob through its Jobs' `job-name` label, the others by
 * their owner reference — so each workload's podsOf (which still checks selector, owner and uid)
 * looks at its own few pods, not at every pod of the namespace.
 */
function podsByOwner(pods: readonly Pod[], jobs: readonly KubeObject[]): Map<string, Pod[]> {
  const cronJobOfJob = new Map<string, string>();
  for (const j of jobs) {
    const cj = j.metadata.ownerReferences?.find((r) => r.kind === 'CronJob')?.name;
    if (cj) cronJobOfJob.set(j.metadata.name, cj);
  }
  const out = new Map<string, Pod[]>();
  const add = (key: string, p: Pod): void => {
    const list = out.get(key);
    if (list) list.push(p);
    else out.set(key, [p]);
  };
  for (const p of pods) {
    for (const ref of p.metadata.ownerReferences ?? []) add(ref.kind === 'ReplicaSet' ? `Deployment/${ref.name.replace(/-[^-]+$/, '')}` : `${ref.kind}/${ref.name}`, p);
    const job = p.metadata.labels?.['job-name'];
    const cronJob = job && (cronJobOfJob.get(job) ?? /^(.+)-\d+$/.exec(job)?.[1]);
    if (cronJob) add(`CronJob/${cronJob}`, p);
  }
  return out;
}

function byName(a: KubeObject, b: KubeObject): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export function countOf(workloads: readonly WorkloadEntry[]): NamespaceCounts {
  const c: NamespaceCounts = { workloads: workloads.length, workloadIdentity: 0, errors: 0, warnings: 0 };
  for (const w of workloads) {
    if (w.status.level !== 'muted') c.workloadIdentity++;
    if (w.status.level === 'error') c.errors++;
    if (w.status.level === 'warning') c.warnings++;
  }
  return c;
}

function matches(w: WorkloadEntry, f: TreeFilters): boolean {
  if (f.onlyWorkloadIdentity && w.status.level === 'muted') return false;
  if (f.onlyProblems && w.status.level !== 'error' && w.status.level !== 'warning') return false;
  const text = f.text.trim().toLowerCase();
  if (text && !w.name.toLowerCase().includes(text) && !`${w.namespace}/${w.name}`.toLowerCase().includes(text)) return false;
  return true;
}

function serviceAccountEntry(namespace: string, object: KubeObject, workloads: readonly WorkloadEntry[]): ServiceAccountEntry {
  const clientId = clientIdState(object);
  const usedBy = workloads.filter((w) => w.serviceAccountName === object.metadata.name);
  const labelled = usedBy.some((w) => useLabelState(toWorkload({ namespace, kind: w.kind, name: w.name }, w.object)).state !== 'none');
  const base = { namespace, name: object.metadata.name, object, clientId, usedBy };
  switch (clientId.state) {
    case 'ok':
      return { ...base, level: 'ok', short: clientId.clientId };
    case 'typo':
      return { ...base, level: 'error', short: `annotation typo: ${clientId.key}` };
    case 'not-guid':
      return { ...base, level: 'error', short: 'client ID is not a GUID' };
    default:
      return labelled ? { ...base, level: 'error', short: 'no client ID, used by labelled pods' } : { ...base, level: 'muted', short: 'no client ID' };
  }
}

/** `system:serviceaccount:<ns>:<sa>`: the federated credential's subject for a ServiceAccount. */
export function federatedSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}
