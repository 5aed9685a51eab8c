// Which container logs pod-logs reads: a bounded, representative sample, so a diagnosis makes the
// same few requests whatever the number of pods and containers (a log is one request per container,
// and each costs a round trip on a slow link). Pods are grouped by what makes their logs differ —
// the pod template they were made from (`pod-template-hash`, `controller-revision-hash`), whether
// the webhook injected them, whether they are ready — and the newest pod of each group stands for
// it; a restarted container's previous log (written up to its crash) is read too. Only the
// containers that matter are read: the app containers the webhook acts on, not the Workload
// Identity proxy sidecars nor the containers the pod's skip-containers annotation names (they get
// no Workload Identity). What is not read is named, so the report can say so.

import type { Container, Pod } from '../cluster/types';
import { podInjection, skippedContainers } from './evaluate';

/** At most this many container logs are read per diagnosis. */
export const MAX_LOG_READS = 3;

const PROXY_CONTAINERS = new Set(['azwi-proxy', 'azwi-proxy-init']);
const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

export interface LogTarget {
  pod: string;
  container: string;
  previous: boolean;
  /** Why this log stands for others: "newest pod of the 6 pods with template 6cjgpmj69k, ready". */
  why: string;
  /** The same container of the next pod of the same group: read instead when this log cannot be (a 500, a timeout). */
  alternate?: LogTarget;
}

export interface LogSample {
  /** The logs to read, most telling first (at most MAX_LOG_READS). */
  read: LogTarget[];
  /** Logs of containers that matter that are not read (current, and previous of restarted containers). */
  notRead: { pod: string; container: string; previous: boolean }[];
  /** Containers not read because they do not use Workload Identity, `name (reason)`, each once. */
  ignored: string[];
  /** Every pod considered. */
  pods: number;
}

interface Group {
  key: string;
  /** The group's pods, newest first. */
  pods: Pod[];
  description: string;
}

/** The containers of a pod whose logs can hold a Workload Identity error, the primary one first. */
export function containersThatMatter(pod: Pod): { containers: Container[]; ignored: string[] } {
  const skip = skippedContainers(pod);
  const ignored: string[] = [];
  const containers: Container[] = [];
  for (const c of pod.spec.containers ?? []) {
    if (PROXY_CONTAINERS.has(c.name)) ignored.push(`${c.name} (the Workload Identity proxy sidecar)`);
    else if (skip.has(c.name)) ignored.push(`${c.name} (named in azure.workload.identity/skip-containers: not injected)`);
    else containers.push(c);
  }
  const primary = pod.metadata.annotations?.[DEFAULT_CONTAINER];
  containers.sort((a, b) => Number(b.name === primary) - Number(a.name === primary));
  return { containers, ignored };
}

function templateOf(pod: Pod): string {
  const l = pod.metadata.labels ?? {};
  return l['pod-template-hash'] ?? l['controller-revision-hash'] ?? '';
}

function stateOf(pod: Pod): string {
  const injected = podInjection(pod, false).state !== 'not-injected';
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r);
  const ready = statuses.length > 0 && statuses.every((s) => s.ready);
  const readiness = waiting ? `not ready: ${waiting}` : ready ? 'ready' : pod.status?.phase && pod.status.phase !== 'Running' ? pod.status.phase : 'not ready';
  return injected ? readiness : `${readiness}, not injected`;
}

const newestFirst = (a: Pod, b: Pod): number => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);

function groupsOf(pods: readonly Pod[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const pod of [...pods].sort(newestFirst)) {
    const template = templateOf(pod);
    const state = stateOf(pod);
    const key = `${template}\n${state}`;
    const g = byKey.get(key) ?? { key, pods: [], description: '' };
    g.pods.push(pod);
    g.description = `${template ? `template ${template}` : 'the template'}, ${state}`;
    byKey.set(key, g);
  }
  // Groups in the order of their newest pod (the Map keeps insertion order, and pods came newest first).
  return [...byKey.values()];
}

function finishedAt(pod: Pod, container: string): string {
  return pod.status?.containerStatuses?.find((s) => s.name === container)?.lastState?.terminated?.finishedAt ?? '';
}

/** One log's identity: the pod, the container, current or previous. */
const id = (t: { pod: string; container: string; previous: boolean }): string => `${t.pod}\n${t.container}\n${t.previous}`;

/** The sample of logs to read among `pods` (any order); at most `max` reads. */
export function sampleLogs(pods: readonly Pod[], max = MAX_LOG_READS): LogSample {
  const groups = groupsOf(pods);
  const candidates: LogTarget[] = [];
  const ignored = new Set<string>();
  const all: { pod: string; container: string; previous: boolean }[] = [];
  const restarted: { pod: Pod; container: string; count: number }[] = [];
  for (const pod of [...pods].sort(newestFirst)) {
    const { containers, ignored: ign } = containersThatMatter(pod);
    for (const i of ign) ignored.add(i);
    for (const c of containers) {
      all.push({ pod: pod.metadata.name, container: c.name, previous: false });
      const count = pod.status?.containerStatuses?.find((s) => s.name === c.name)?.restartCount ?? 0;
      if (count > 0) {
        all.push({ pod: pod.metadata.name, container: c.name, previous: true });
        restarted.push({ pod, container: c.name, count });
      }
    }
  }
  const describe = (g: Group): string => `newest pod of ${g.pods.length === 1 ? 'the 1 pod' : `the ${g.pods.length} pods`} with ${g.description}`;
  const current = (g: Group, container: string): LogTarget => {
    const next = g.pods.slice(1).find((p) => containersThatMatter(p).containers.some((c) => c.name === container));
    const alternate = next ? { pod: next.metadata.name, container, previous: false, why: `next newest pod with ${g.description}, read because ${g.pods[0]!.metadata.name}/${container} could not be` } : undefined;
    return { pod: g.pods[0]!.metadata.name, container, previous: false, why: describe(g), ...(alternate ? { alternate } : {}) };
  };
  // 1. The primary container of each group's newest pod.
  for (const g of groups) {
    const first = containersThatMatter(g.pods[0]!).containers[0];
    if (first) candidates.push(current(g, first.name));
  }
  // 2. Restarted containers' previous logs, the most recent crash first.
  restarted.sort((a, b) => finishedAt(b.pod, b.container).localeCompare(finishedAt(a.pod, a.container)) || newestFirst(a.pod, b.pod));
  for (const r of restarted) {
    const at = finishedAt(r.pod, r.container);
    candidates.push({ pod: r.pod.metadata.name, container: r.container, previous: true, why: `restarted ${r.count}×${at ? `, last ended at ${at}` : ''}: its log up to then` });
  }
  // 3. The other containers of each group's newest pod.
  for (const g of groups) {
    for (const c of containersThatMatter(g.pods[0]!).containers.slice(1)) candidates.push(current(g, c.name));
  }
  const read: LogTarget[] = [];
  const seen = new Set<string>();
  for (const t of candidates) {
    if (read.length >= max) break;
    if (seen.has(id(t))) continue;
    seen.add(id(t));
    read.push(t);
  }
  // An alternate is only worth its request if it is not read anyway.
  for (const t of read) if (t.alternate && seen.has(id(t.alternate))) delete t.alternate;
  return { read, notRead: all.filter((t) => !seen.has(id(t))), ignored: [...ignored], pods: pods.length };
}

/** The sample as it went: `read` only the logs that were read; what was tried and failed is in neither list (the caller names it). */
export function settled(sample: LogSample, tried: readonly LogTarget[], ok: readonly boolean[]): LogSample {
  const triedIds = new Set(tried.map(id));
  return { ...sample, read: tried.filter((_, i) => ok[i]), notRead: sample.notRead.filter((t) => !triedIds.has(id(t))) };
}
