// The sidebar's consumer objects (issue 18): the SecretProviderClasses, KEDA
// TriggerAuthentications, External Secrets stores and cert-manager issuers the live cluster
// serves, each with a state from the identity graph (src/consumers) resolved in the cluster's
// world — an IdentityWorld over the tree's own caches: ServiceAccounts, the workloads whose pod
// templates mount a SecretProviderClass, and the controllers' workloads found by image. Nothing
// here sends a request; the consumer kinds are listed by LiveCluster (src/tree/live-cluster.ts).
//
// The states use the workloads' vocabulary (src/tree/workload-status.ts): error when the
// object's own status says Ready False; warning when the graph cannot see it work (the
// controller not found, its pod without the use label where the label is needed, no client ID
// anywhere, the ServiceAccount it names not found, a class no pod mounts); muted when it does not
// use Workload Identity (the description says with what it authenticates); ok otherwise.
//
// Everything is worked out on demand and kept until the next change of any cache (few objects:
// the cost is the resolution, not the scan); a cluster without consumers costs nothing here.

import { toWorkload } from '../cluster/workloads';
import { consumerTypes, ConsumerKinds, type ConsumerKind } from '../cluster/resources';
import type { KubeObject, ResourceType } from '../cluster/types';
import { useLabelState } from '../checkpoints/evaluate';
import { CONTROLLERS, controllerOfContainer, describeConsumer, readyCondition, resolveIdentity, type ConsumerUse, type ControllerId, type IdentityWorld, type PodOwner, type ResolvedIdentity } from '../consumers';
import { CSI_DRIVER } from '../consumers/secrets-store-csi';
import { DAPR_APP_ID, daprEnabled } from '../consumers/dapr';
import { CLIENT_ID, TENANT_ID } from '../manifests/workload-identity';
import { capitalize } from '../util/words';
import { filtersActive, NO_FILTERS, type ObjectSource, type TreeFilters, type TreeModel, type WorkloadEntry } from './model';
import type { StatusLevel } from './workload-status';

/** Whether a consumer kind could be read: listed, not served by the cluster (absent), refused (403), or still coming. */
export type ConsumerKindState = 'listed' | 'absent' | 'refused' | 'pending';

export interface ConsumerSource extends ObjectSource {
  kindState(kind: ConsumerKind): ConsumerKindState;
}

export interface ConsumerLine {
  level: StatusLevel;
  text: string;
}

export interface ConsumerEntry {
  kind: ConsumerKind;
  name: string;
  /** Undefined for the cluster-wide kinds (ClusterIssuer, ClusterSecretStore, ClusterTriggerAuthentication). */
  namespace: string | undefined;
  object: KubeObject;
  uses: readonly ConsumerUse[];
  resolved: readonly ResolvedIdentity[];
  level: StatusLevel;
  /** A few words, as a workload's: `Workload Identity as web (the pods that mount it)`, `KEDA operator not found`. */
  short: string;
  /** Whose identity, what is wrong, the Ready condition: the tooltip and the node's children. */
  lines: readonly ConsumerLine[];
  /** The workloads whose ServiceAccount's token it exchanges, as the graph found them (`namespace/Kind/name`). */
  carriers: ReadonlySet<string>;
}

const ORDER: Record<StatusLevel, number> = { error: 0, warning: 1, ok: 2, muted: 3 };

/** The type a consumer kind is cached under: its first (newest) version; the cache may serve an older one. */
export function consumerType(kind: ConsumerKind): ResourceType {
  return consumerTypes[kind][0]!;
}

/** Every consumer type the live tree lists, with the older versions to try when the newest is not served. */
export const CONSUMER_TYPES: readonly ResourceType[] = ConsumerKinds.map(consumerType);

export function olderVersions(type: ResourceType): readonly ResourceType[] | undefined {
  const kind = ConsumerKinds.find((k) => consumerType(k).group === type.group && consumerType(k).plural === type.plural);
  return kind ? consumerTypes[kind].slice(1) : undefined;
}

function podTemplateOf(w: WorkloadEntry): ReturnType<typeof toWorkload>['template'] {
  return toWorkload({ namespace: w.namespace, kind: w.kind, name: w.name }, w.object).template;
}

/** The SecretProviderClasses a workload's pod template mounts (CSI volumes of the Secrets Store driver). */
export function mountedClasses(w: WorkloadEntry): string[] {
  const volumes = (podTemplateOf(w).spec as { volumes?: { csi?: { driver?: string; volumeAttributes?: Record<string, string> } }[] }).volumes ?? [];
  const names = volumes.filter((v) => v.csi?.driver === CSI_DRIVER).map((v) => v.csi?.volumeAttributes?.secretProviderClass ?? '');
  return [...new Set(names.filter(Boolean))];
}

/** The controller a workload runs, by its containers' images (kept only when they are a controller's: src/tree/keep.ts). */
export function controllerOf(w: WorkloadEntry): ControllerId | undefined {
  for (const c of podTemplateOf(w).spec.containers ?? []) {
    const id = typeof c.image === 'string' ? controllerOfContainer(c.image, c.args) : undefined;
    if (id) return id;
  }
  return undefined;
}

/**
 * The Dapr app ID of a workload whose pod template asks for the sidecar: its `dapr.io/app-id`
 * annotation, else '' (the injector then uses each pod's name, which no scope names).
 */
export function daprAppOf(w: WorkloadEntry): string | undefined {
  const a = podTemplateOf(w).metadata?.annotations;
  return daprEnabled(a) ? (a?.[DAPR_APP_ID] ?? '') : undefined;
}

function podOwner(w: WorkloadEntry): PodOwner {
  return { kind: w.kind, name: w.name, namespace: w.namespace, serviceAccount: w.serviceAccountName, labelled: useLabelState(toWorkload({ namespace: w.namespace, kind: w.kind, name: w.name }, w.object)).state === 'template' };
}

const ownerKey = (o: { namespace: string; kind: string; name: string | undefined }): string => `${o.namespace}/${o.kind}/${o.name ?? ''}`;

/** The cluster as the identity graph sees it, from the tree's caches. */
function clusterWorld(tree: TreeModel): IdentityWorld {
  let controllers: Map<ControllerId, PodOwner[]> | undefined;
  return {
    where: tree.scope ? `namespace ${tree.scope}` : 'the cluster',
    serviceAccount: (name, namespace) => {
      const sa = tree.serviceAccount(namespace, name);
      if (!sa) return undefined;
      const a = sa.object.metadata.annotations ?? {};
      return { name, namespace, ...(a[CLIENT_ID] ? { clientId: a[CLIENT_ID] } : {}), ...(a[TENANT_ID] ? { tenantId: a[TENANT_ID] } : {}) };
    },
    podsMounting: (name, namespace) => tree.workloads(namespace).filter((w) => mountedClasses(w).includes(name)).map(podOwner),
    daprApps: (namespace, appIds) => tree.workloads(namespace).filter((w) => {
      const app = daprAppOf(w);
      return app !== undefined && (appIds.length === 0 || appIds.includes(app));
    }).map(podOwner),
    controllers: (id) => {
      if (!controllers) {
        controllers = new Map();
        for (const ns of tree.namespaceNames()) {
          for (const w of tree.workloads(ns)) {
            const c = controllerOf(w);
            if (!c) continue;
            const list = controllers.get(c);
            if (list) list.push(podOwner(w));
            else controllers.set(c, [podOwner(w)]);
          }
        }
      }
      return controllers.get(id) ?? [];
    },
  };
}

/** The state of one consumer object from its uses resolved in the world. */
export function consumerEntry(kind: ConsumerKind, object: KubeObject, uses: readonly ConsumerUse[], world: IdentityWorld): ConsumerEntry {
  const lines: ConsumerLine[] = [];
  const resolved = uses.map((u) => resolveIdentity(u, world));
  const carriers = new Set<string>();
  let ok: string | undefined;
  for (const r of resolved) {
    const u = r.use;
    const at = u.part ? ` (${u.part})` : '';
    if (!u.workloadIdentity || !u.token) {
      lines.push({ level: 'muted', text: `Not Workload Identity${at}: it authenticates with ${u.mode}.` });
      continue;
    }
    // Whose identity: ✓ when nothing below is wrong with it, else a plain (·) statement.
    const summary: ConsumerLine = { level: 'ok', text: r.summary };
    lines.push(summary);
    const token = u.token;
    const before = lines.length;
    const seen = r.subjects.filter((s) => s.facts);
    for (const s of r.subjects) if (s.pod && s.pod.name !== undefined) carriers.add(ownerKey(s.pod));
    if (token.via === 'controller') {
      const c = CONTROLLERS[token.controller];
      const pods = r.subjects.flatMap((s) => (s.pod ? [s.pod] : []));
      if (!pods.length) lines.push({ level: 'warning', text: `${capitalize(c.title)} was not found in ${world.where} (looked for its image): whose token is used cannot be checked.` });
      else if (u.labelNeeded && pods.some((p) => p.labelled === false)) lines.push({ level: 'warning', text: `${capitalize(c.title)}'s pod template (${pods.filter((p) => p.labelled === false).map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')}) lacks the azure.workload.identity/use label: the webhook does not inject its token${u.certain ? '' : ', so it does not use Workload Identity'}.` });
    } else if (token.via === 'service-account' && token.namespace !== undefined && !seen.length) {
      lines.push({ level: 'warning', text: `The ServiceAccount ${token.namespace}/${token.name} (${token.field}) was not found.` });
    } else if (token.via === 'mounting-pods' && !r.subjects.length) {
      lines.push({ level: 'warning', text: `No workload in ${u.namespace ?? 'its namespace'} mounts it: no token is exchanged until a pod does.` });
    } else if (token.via === 'app-pods') {
      const pods = r.subjects.flatMap((s) => (s.pod ? [s.pod] : []));
      const unlabelled = pods.filter((p) => p.labelled === false);
      if (!pods.length) lines.push({ level: 'warning', text: `No workload in ${u.namespace ?? 'its namespace'} runs a Dapr app that loads it${token.appIds.length ? ` (scopes: ${token.appIds.join(', ')})` : ''}: no token is exchanged until one does.` });
      else if (unlabelled.length) lines.push({ level: 'warning', text: `The Dapr app${unlabelled.length === 1 ? "'s" : "s'"} pod template${unlabelled.length === 1 ? '' : 's'} (${unlabelled.map((p) => `${p.kind} ${p.namespace}/${p.name}`).join(', ')}) lack${unlabelled.length === 1 ? 's' : ''} the azure.workload.identity/use label: the sidecar gets no Workload Identity token, so it uses a managed identity if the node has one.` });
    }
    // No client ID anywhere: the object names none and the ServiceAccount whose token is used has none.
    if (lines.length === before && !r.clientId && seen.length) {
      const names = seen.map((s) => `${s.namespace}/${s.serviceAccount}`).join(', ');
      lines.push({ level: 'warning', text: `No client ID: the object names none and the ServiceAccount ${names} has no azure.workload.identity/client-id annotation.` });
    }
    const wrong = lines.length > before;
    if (wrong) summary.level = 'muted';
    if (r.clientId) lines.push({ level: wrong ? 'muted' : 'ok', text: `Client ID ${r.clientId.value} (${r.clientId.field}).` });
    if (!wrong && ok === undefined) ok = okShort(r);
  }
  const ready = readyCondition(object);
  if (ready?.status === 'False') lines.unshift({ level: 'error', text: `Ready is False${ready.reason ? ` (${ready.reason})` : ''}: ${ready.message ?? 'no message'}` });
  // The worst line's level: error (Ready False) > warning > ok (a use resolved) > muted (no Workload Identity).
  const level = lines.reduce<StatusLevel>((acc, l) => (ORDER[l.level] < ORDER[acc] ? l.level : acc), 'muted');
  return {
    kind,
    name: object.metadata.name,
    namespace: consumerType(kind).namespaced ? (object.metadata.namespace ?? 'default') : undefined,
    object,
    uses,
    resolved,
    level,
    short: shortOf(level, lines, resolved, ready, ok),
    lines,
    carriers,
  };
}

function okShort(r: ResolvedIdentity): string {
  const token = r.use.token!;
  const names = [...new Set(r.subjects.map((s) => s.serviceAccount))].join(', ');
  if (token.via === 'mounting-pods') return `Workload Identity as ${names} (the pods that mount it)`;
  if (token.via === 'controller') return `Workload Identity as ${names} (${CONTROLLERS[token.controller].title})`;
  if (token.via === 'service-account') return token.namespace === undefined ? `Workload Identity as ${token.name} (in each user's namespace)` : `Workload Identity as ${token.name}`;
  return `Workload Identity as ${names} (the Dapr app${r.subjects.length === 1 ? '' : 's'})`;
}

function shortOf(level: StatusLevel, lines: readonly ConsumerLine[], resolved: readonly ResolvedIdentity[], ready: { reason?: string; message?: string } | undefined, ok: string | undefined): string {
  if (level === 'error') return `not ready: ${ready?.message || ready?.reason || 'Ready is False'}`;
  if (level === 'muted') {
    const modes = [...new Set(resolved.map((r) => r.use.mode))];
    return `not Workload Identity: ${modes.join('; ')}`;
  }
  if (level === 'warning') {
    const text = lines.find((l) => l.level === 'warning')!.text;
    if (/was not found in .* \(looked for its image\)/.test(text)) return `${text.slice(0, text.indexOf(' was not found'))} not found`;
    if (text.startsWith('The Dapr app')) return 'app pod lacks the use label';
    if (/lacks the azure\.workload\.identity\/use label/.test(text)) return 'controller pod lacks the use label';
    if (text.startsWith('The ServiceAccount')) return `SA ${/ServiceAccount (\S+)/.exec(text)?.[1] ?? ''} not found`;
    if (text.startsWith('No workload') && text.includes('Dapr')) return 'no Dapr app loads it';
    if (text.startsWith('No workload')) return 'wired, no pod mounts it';
    if (text.startsWith('No client ID')) return 'no client ID (object or SA)';
    return text;
  }
  return ok ?? 'Workload Identity';
}

/** The consumer objects of the live cluster, with their states, by namespace (undefined: cluster-wide). */
export class ConsumerModel {
  private entries: Map<string, ConsumerEntry[]> | undefined;
  private byKey: Map<string, ConsumerEntry> | undefined;

  constructor(
    private readonly source: ConsumerSource,
    private readonly tree: () => TreeModel | undefined,
  ) {}

  invalidate(): void {
    this.entries = undefined;
    this.byKey = undefined;
  }

  kindState(kind: ConsumerKind): ConsumerKindState {
    return this.source.kindState(kind);
  }

  private all(): Map<string, ConsumerEntry[]> {
    if (this.entries) return this.entries;
    const entries = new Map<string, ConsumerEntry[]>();
    const byKey = new Map<string, ConsumerEntry>();
    const tree = this.tree();
    let world: IdentityWorld | undefined;
    for (const kind of ConsumerKinds) {
      for (const o of this.source.values(consumerType(kind))) {
        const uses = describeConsumer({ ...o, kind } as unknown as Readonly<Record<string, unknown>>);
        // Not an Azure consumer (another provider, an issuer without azureDNS): not shown.
        if (!uses.length || !tree) continue;
        const e = consumerEntry(kind, o, uses, (world ??= clusterWorld(tree)));
        const ns = e.namespace ?? '';
        const list = entries.get(ns);
        if (list) list.push(e);
        else entries.set(ns, [e]);
        byKey.set(`${ns}/${kind}/${e.name}`, e);
      }
    }
    for (const list of entries.values()) list.sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : ConsumerKinds.indexOf(a.kind) - ConsumerKinds.indexOf(b.kind)));
    this.byKey = byKey;
    return (this.entries = entries);
  }

  /** The namespaces that hold consumer objects (the cluster-wide ones are not in one). */
  namespaces(): string[] {
    return [...this.all().keys()].filter((ns) => ns !== '');
  }

  /** A namespace's consumer objects (undefined: the cluster-wide ones), filtered as workloads are. */
  consumers(namespace: string | undefined, filters: TreeFilters = NO_FILTERS): ConsumerEntry[] {
    const all = this.all().get(namespace ?? '') ?? [];
    return filtersActive(filters) ? all.filter((e) => matches(e, filters)) : all;
  }

  consumer(namespace: string | undefined, kind: ConsumerKind, name: string): ConsumerEntry | undefined {
    this.all();
    return this.byKey!.get(`${namespace ?? ''}/${kind}/${name}`);
  }

  /** The SecretProviderClass object `name` of a namespace as listed (an Azure one or not); undefined when not there. */
  classObject(namespace: string, name: string): KubeObject | undefined {
    for (const o of this.source.values(consumerType('SecretProviderClass'))) if (o.metadata.namespace === namespace && o.metadata.name === name) return o;
    return undefined;
  }

  /** The consumer objects whose token is the workload's own ServiceAccount's (it runs their controller). */
  usingIdentityOf(w: WorkloadEntry): ConsumerEntry[] {
    const key = ownerKey(w);
    return [...this.all().values()].flat().filter((e) => e.carriers.has(key));
  }
}

function matches(e: ConsumerEntry, f: TreeFilters): boolean {
  if (f.onlyWorkloadIdentity && e.level === 'muted') return false;
  if (f.onlyProblems && e.level !== 'error' && e.level !== 'warning') return false;
  const text = f.text.trim().toLowerCase();
  if (text && !e.name.toLowerCase().includes(text) && !`${e.namespace ?? ''}/${e.name}`.toLowerCase().includes(text)) return false;
  return true;
}
