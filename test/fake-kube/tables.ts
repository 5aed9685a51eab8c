// Server-side printing: the `meta.k8s.io/v1 Table` a real API server returns when kubectl
// asks for `application/json;as=Table;v=v1;g=meta.k8s.io` (plain `kubectl get`). Columns and
// cells follow the built-in printers closely enough that `kubectl get pods` here reads like
// `kubectl get pods` on AKS (READY 1/1, STATUS CrashLoopBackOff, RESTARTS 1 (5m ago), AGE 2d).

import type { KubeObject } from './store';

type Json = Record<string, any>;

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (o: KubeObject, now: number) => unknown;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const d = Math.floor(hours / 24) % 365;
    return d === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${d}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const since = (t: string | undefined, now: number): string => (t ? humanDuration(now - Date.parse(t)) : '<unknown>');
const age: Column = { name: 'Age', type: 'string', cell: (o, now) => since(o.metadata.creationTimestamp, now) };
const nameCol: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const none = (v: unknown): unknown => (v === undefined || v === null || v === '' ? '<none>' : v);

function containersOf(o: KubeObject): Json[] {
  const t = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  return (t?.spec?.containers as Json[] | undefined) ?? [];
}
const containerCols: Column[] = [
  { name: 'Containers', type: 'string', priority: 1, cell: (o) => containersOf(o).map((c) => c.name).join(',') },
  { name: 'Images', type: 'string', priority: 1, cell: (o) => containersOf(o).map((c) => c.image).join(',') },
];
function selectorString(sel: Json | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? sel ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(',') : '<none>';
}

/** The STATUS column of `kubectl get pods` (printPod, simplified). */
export function podStatusReason(p: KubeObject): string {
  const st = (p.status ?? {}) as Json;
  let reason: string = st.reason ?? st.phase ?? 'Pending';
  let initializing = false;
  const inits = (st.initContainerStatuses as Json[] | undefined) ?? [];
  inits.forEach((c, i) => {
    if (initializing || c.state?.terminated?.exitCode === 0) return;
    initializing = true;
    if (c.state?.terminated) reason = `Init:${c.state.terminated.reason || `ExitCode:${c.state.terminated.exitCode}`}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...((st.containerStatuses as Json[] | undefined) ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
    if (st.phase === 'Pending' && !st.containerStatuses && p.spec?.nodeName) reason = 'ContainerCreating';
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRestarts(p: KubeObject, now: number): string {
  let restarts = 0;
  let last: number | undefined;
  for (const c of (p.status?.containerStatuses as Json[] | undefined) ?? []) {
    restarts += c.restartCount ?? 0;
    const f = c.lastState?.terminated?.finishedAt;
    if (f && (last === undefined || Date.parse(f) > last)) last = Date.parse(f);
  }
  return last !== undefined && restarts > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function servicePorts(o: KubeObject): string {
  const ports = (o.spec?.ports as Json[] | undefined) ?? [];
  return ports.length ? ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') : '<none>';
}

function endpointsList(o: KubeObject): string {
  const out: string[] = [];
  for (const s of (o.subsets as Json[] | undefined) ?? []) {
    for (const a of (s.addresses as Json[] | undefined) ?? []) for (const p of (s.ports as Json[] | undefined) ?? [{}]) out.push(p.port ? `${a.ip}:${p.port}` : a.ip);
  }
  if (!out.length) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function nodeStatus(o: KubeObject): string {
  const ready = ((o.status?.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return o.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

function jobStatus(o: KubeObject): string {
  const conds = (o.status?.conditions as Json[] | undefined) ?? [];
  const has = (t: string): boolean => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.spec?.suspend) return 'Suspended';
  return 'Running';
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      cell: (p) => {
        const cs = (p.status?.containerStatuses as Json[] | undefined) ?? [];
        return `${cs.filter((c) => c.ready).length}/${(p.spec?.containers as Json[] | undefined)?.length ?? 0}`;
      },
    },
    { name: 'Status', type: 'string', cell: (p) => podStatusReason(p) },
    { name: 'Restarts', type: 'string', cell: (p, now) => podRestarts(p, now) },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (p) => none(p.status?.podIP) },
    { name: 'Node', type: 'string', priority: 1, cell: (p) => none(p.spec?.nodeName) },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: (p) => none(p.status?.nominatedNodeName) },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  Deployment: [
    nameCol,
    { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    age,
    ...containerCols,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => selectorString(o.spec?.selector) },
  ],
  ReplicaSet: [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 1 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    age,
    ...containerCols,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => selectorString(o.spec?.selector) },
  ],
  StatefulSet: [nameCol, { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` }, age, ...containerCols],
  DaemonSet: [
    nameCol,
    { name: 'Desired', type: 'integer', cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', cell: (o) => selectorString(o.spec?.template?.spec?.nodeSelector) },
    age,
    ...containerCols,
  ],
  Job: [
    nameCol,
    { name: 'Status', type: 'string', cell: (o) => jobStatus(o) },
    { name: 'Completions', type: 'string', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
    {
      name: 'Duration',
      type: 'string',
      cell: (o, now) => (o.status?.startTime ? humanDuration((o.status.completionTime ? Date.parse(o.status.completionTime) : now) - Date.parse(o.status.startTime)) : ''),
    },
    age,
    ...containerCols,
  ],
  CronJob: [
    nameCol,
    { name: 'Schedule', type: 'string', cell: (o) => o.spec?.schedule },
    { name: 'Timezone', type: 'string', cell: (o) => none(o.spec?.timeZone) },
    { name: 'Suspend', type: 'boolean', cell: (o) => !!o.spec?.suspend },
    { name: 'Active', type: 'integer', cell: (o) => (o.status?.active as unknown[] | undefined)?.length ?? 0 },
    { name: 'Last Schedule', type: 'string', cell: (o, now) => (o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>') },
    age,
    ...containerCols,
  ],
  Service: [
    nameCol,
    { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => none(o.spec?.clusterIP) },
    { name: 'External-IP', type: 'string', cell: (o) => none((o.status?.loadBalancer?.ingress as Json[] | undefined)?.map((i) => i.ip).join(',')) },
    { name: 'Port(s)', type: 'string', cell: (o) => servicePorts(o) },
    age,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => selectorString(o.spec?.selector) },
  ],
  Endpoints: [nameCol, { name: 'Endpoints', type: 'string', cell: (o) => endpointsList(o) }, age],
  ConfigMap: [nameCol, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, age],
  Secret: [nameCol, { name: 'Type', type: 'string', cell: (o) => o.type ?? 'Opaque' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length }, age],
  ServiceAccount: [nameCol, { name: 'Secrets', type: 'integer', cell: (o) => (o.secrets as unknown[] | undefined)?.length ?? 0 }, age],
  Namespace: [nameCol, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, age],
  Node: [
    nameCol,
    { name: 'Status', type: 'string', cell: (o) => nodeStatus(o) },
    {
      name: 'Roles',
      type: 'string',
      cell: (o) =>
        none(
          Object.keys(o.metadata.labels ?? {})
            .filter((k) => k.startsWith('node-role.kubernetes.io/'))
            .map((k) => k.slice('node-role.kubernetes.io/'.length))
            .join(','),
        ),
    },
    age,
    { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => none((o.status?.addresses as Json[] | undefined)?.find((a) => a.type === 'InternalIP')?.address) },
    { name: 'External-IP', type: 'string', priority: 1, cell: (o) => none((o.status?.addresses as Json[] | undefined)?.find((a) => a.type === 'ExternalIP')?.address) },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => o.status?.nodeInfo?.osImage ?? '' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '' },
    { name: 'Container-Runtime', type: 'string', priority: 1, cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '' },
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: (o, now) => since(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now) },
    { name: 'Type', type: 'string', cell: (o) => o.type },
    { name: 'Reason', type: 'string', cell: (o) => o.reason },
    { name: 'Object', type: 'string', cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Subobject', type: 'string', priority: 1, cell: (o) => o.involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, cell: (o) => [o.source?.component, o.source?.host].filter(Boolean).join(', ') },
    { name: 'Message', type: 'string', cell: (o) => o.message },
    { name: 'First Seen', type: 'string', priority: 1, cell: (o, now) => since(o.firstTimestamp ?? o.metadata.creationTimestamp, now) },
    { name: 'Count', type: 'string', priority: 1, cell: (o) => String(o.count ?? 1) },
    { name: 'Name', type: 'string', priority: 1, cell: (o) => o.metadata.name },
  ],
  MutatingWebhookConfiguration: [nameCol, { name: 'Webhooks', type: 'integer', cell: (o) => (o.webhooks as unknown[] | undefined)?.length ?? 0 }, age],
  ValidatingWebhookConfiguration: [nameCol, { name: 'Webhooks', type: 'integer', cell: (o) => (o.webhooks as unknown[] | undefined)?.length ?? 0 }, age],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Does this Accept header ask for server-side printing? */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

export function toTable(
  kind: string,
  objects: KubeObject[],
  opts: { includeObject?: IncludeObject; listMeta?: Json; noHeaders?: boolean; now?: number } = {},
): Json {
  const cols = COLUMNS[kind] ?? [nameCol, age];
  const now = opts.now ?? Date.now();
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.noHeaders
      ? null
      : cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: `${c.name} of the ${kind}`, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      ...(include === 'None'
        ? {}
        : { object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}
