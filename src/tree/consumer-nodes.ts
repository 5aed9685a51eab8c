// The sidebar's nodes for consumer objects (src/tree/consumers.ts), without `vscode`:
//
//     <namespace>  1 ✗ · 12 workloads
//       Deployments  …
//       Secrets & controllers  2 · 1 !                 only when the namespace has consumer objects
//         SecretProviderClass kv  Workload Identity as web (the pods that mount it)
//           ✓ SecretProviderClass kv authenticates as …  what the identity graph says, one line each
//       ServiceAccounts  …
//     Cluster-wide  1 · 1 ✗                             ClusterIssuers, ClusterSecretStores, ClusterTriggerAuthentications
//
// and, under a workload, a line per consumer it depends on: each SecretProviderClass its pod
// template mounts, each Dapr Component its Dapr app loads, and for a controller's own workload
// (KEDA, External Secrets, cert-manager, Flux, ExternalDNS… by image) the consumer objects whose
// token is its ServiceAccount's.

import { CONTROLLERS, type ControllerId } from '../consumers';
import type { ConsumerKind } from '../cluster/resources';
import { capitalize, plural } from '../util/words';
import { controllerOf, daprAppOf, mountedClasses, type ConsumerEntry, type ConsumerLine, type ConsumerModel } from './consumers';
import type { TreeFilters, WorkloadEntry } from './model';
import type { StatusLevel } from './workload-status';

/** What every node of the tree has (src/tree/nodes.ts TreeNode). */
export interface NodeBase {
  /** Stable across refreshes, so VS Code keeps what is expanded and selected. */
  id: string;
  label: string;
  description?: string;
  /** Markdown-free lines for the tooltip. */
  tooltip?: string[];
  /** Space-separated flags for `viewItem` in menus (see package.json). */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}

/** The consumer nodes, part of TreeNode. */
export type ConsumerTreeNode =
  /** A namespace's "Secrets & controllers" (namespace undefined: the cluster-wide node), or under a controller's workload (`carrier`) the objects using its identity. */
  | (NodeBase & { type: 'consumerFolder'; namespace: string | undefined; level: StatusLevel; carrier?: WorkloadEntry })
  | (NodeBase & { type: 'consumer'; entry: ConsumerEntry; level: StatusLevel; context: string })
  /** One line of what the identity graph says (a consumer's children, a workload's mounted class). */
  | (NodeBase & { type: 'detail'; level: StatusLevel });

type TreeNode = ConsumerTreeNode;

export const CONSUMER_FOLDER = 'Secrets & controllers';
export const CLUSTER_WIDE = 'Cluster-wide';

/** What every consumer's tooltip ends with. */
export const CONSUMER_SCOPE =
  "The sidebar resolves whose ServiceAccount token this object's controller exchanges from what the cluster's objects show (the controller found by its image, the pods that mount a class) — not Azure, the token or the logs. Diagnose Workload Identity checks the whole chain for that ServiceAccount.";

const ORDER: Record<StatusLevel, number> = { error: 0, warning: 1, ok: 2, muted: 3 };

export function mark(level: StatusLevel): string {
  return level === 'error' ? '✗' : level === 'warning' ? '!' : level === 'ok' ? '✓' : '·';
}

/** `1 ✗ 1 !`; empty when nothing is broken or warns. */
function problemsShort(entries: readonly ConsumerEntry[]): string {
  const errors = entries.filter((e) => e.level === 'error').length;
  const warnings = entries.filter((e) => e.level === 'warning').length;
  return [errors ? `${errors} ✗` : '', warnings ? `${warnings} !` : ''].filter(Boolean).join(' ');
}

/** `3 · 1 ✗ 1 !`: how many, then the errors and warnings, as the workload folders count. */
function countShort(entries: readonly ConsumerEntry[]): string {
  return [String(entries.length), problemsShort(entries)].filter(Boolean).join(' · ');
}

function countSentence(entries: readonly ConsumerEntry[]): string {
  const n = (l: StatusLevel): number => entries.filter((e) => e.level === l).length;
  const wi = entries.length - n('muted');
  const problems = [n('error') ? `${n('error')} broken` : '', n('warning') ? `${n('warning')} with a warning` : ''].filter(Boolean).join(', ');
  return `${plural(entries.length, 'object')}, ${wi || 'none'} using Workload Identity${problems ? `: ${problems}` : ''}`;
}

export function worstLevel(entries: readonly { level: StatusLevel }[]): StatusLevel {
  return entries.reduce<StatusLevel>((acc, e) => (ORDER[e.level] < ORDER[acc] ? e.level : acc), 'muted');
}

/** The folder of a namespace's consumer objects (`namespace` undefined: the cluster-wide node), or undefined when there are none. */
export function consumerFolderNode(ctx: string, namespace: string | undefined, consumers: ConsumerModel, filters: TreeFilters): TreeNode | undefined {
  const entries = consumers.consumers(namespace, filters);
  if (!entries.length) return undefined;
  const kinds = [...new Set(entries.map((e) => e.kind))].map((k) => `${k}s`).join(', ');
  return {
    type: 'consumerFolder',
    id: namespace === undefined ? `consumers:${ctx}` : `folder:${ctx}/${namespace}/consumers`,
    label: namespace === undefined ? CLUSTER_WIDE : CONSUMER_FOLDER,
    description: countShort(entries),
    tooltip: [
      namespace === undefined ? `Cluster-wide objects controllers authenticate for (${kinds}): ${countSentence(entries)}` : `${CONSUMER_FOLDER} in ${namespace} (${kinds}): ${countSentence(entries)}`,
      'Objects a controller (the Secrets Store CSI driver, KEDA, External Secrets, cert-manager) authenticates to Azure for. They do not count among the workloads.',
    ],
    contextValue: 'folder consumers',
    collapsible: 'collapsed',
    namespace,
    level: worstLevel(entries),
  };
}

export function consumerNode(ctx: string, e: ConsumerEntry, parentId?: string): TreeNode {
  const where = e.namespace === undefined ? e.name : `${e.namespace}/${e.name}`;
  return {
    type: 'consumer',
    id: parentId ? `${parentId}/consumer:${e.kind}/${e.name}` : `consumer:${ctx}/${e.namespace ?? ''}/${e.kind}/${e.name}`,
    label: `${e.kind} ${e.name}`,
    description: e.short,
    tooltip: [`${e.kind} ${where}`, ...e.lines.map((l) => `${mark(l.level)} ${l.text}`), CONSUMER_SCOPE],
    contextValue: ['consumer', `kind-${e.kind}`].join(' '),
    collapsible: e.lines.length ? 'collapsed' : 'none',
    entry: e,
    level: e.level,
    context: ctx,
  };
}

function detailNode(id: string, level: StatusLevel, label: string, tooltip?: string[]): TreeNode {
  return { type: 'detail', id: `detail:${id}`, label, tooltip: tooltip ?? [label], contextValue: 'detail', collapsible: 'none', level };
}

/** A consumer's lines, worst first (what is right, the summary, last but for what is muted). */
export function consumerLines(parentId: string, lines: readonly ConsumerLine[]): TreeNode[] {
  return lines
    .map((l, i) => ({ l, i }))
    .sort((a, b) => ORDER[a.l.level] - ORDER[b.l.level] || a.i - b.i)
    .map(({ l, i }) => detailNode(`${parentId}#${i}`, l.level, l.text));
}

/** The children of a consumer folder: its objects, or, under a controller's workload, those using its identity. */
export function consumerFolderChildren(ctx: string, node: Extract<ConsumerTreeNode, { type: 'consumerFolder' }>, consumers: ConsumerModel, filters: TreeFilters): TreeNode[] {
  if (node.carrier) return consumers.usingIdentityOf(node.carrier).map((e) => consumerNode(ctx, e, node.id));
  return consumers.consumers(node.namespace, filters).map((e) => consumerNode(ctx, e));
}

/**
 * Under a workload: each SecretProviderClass its pod template mounts (and whether it uses
 * Workload Identity), and for a controller's workload how many consumer objects use its identity.
 */
export function workloadConsumerNodes(ctx: string, parentId: string, w: WorkloadEntry, consumers: ConsumerModel): TreeNode[] {
  const out: TreeNode[] = [];
  for (const name of mountedClasses(w)) {
    const e = consumers.consumer(w.namespace, 'SecretProviderClass', name);
    if (e) {
      out.push(consumerNode(ctx, e, parentId));
      continue;
    }
    const id = `${parentId}/spc:${name}`;
    const label = `SecretProviderClass ${name}`;
    const state = consumers.kindState('SecretProviderClass');
    const o = state === 'listed' ? consumers.classObject(w.namespace, name) : undefined;
    if (o) {
      const provider = (o.spec as { provider?: string } | undefined)?.provider;
      out.push({ ...detailNode(id, 'muted', label, [`SecretProviderClass ${w.namespace}/${name}: provider ${provider ?? '(none)'}, not Azure.`]), description: `provider ${provider ?? '(none)'}, not Azure` });
    } else if (state === 'listed') {
      out.push({ ...detailNode(id, 'error', label, [`The pod template mounts the SecretProviderClass ${name}, which does not exist in ${w.namespace}: the volume cannot mount, and the pods stay in ContainerCreating.`]), description: `not found in ${w.namespace}` });
    } else {
      const why: Record<Exclude<typeof state, 'listed'>, string> = { absent: 'the cluster serves no SecretProviderClass (the Secrets Store CSI driver is not installed)', refused: 'SecretProviderClasses may not be listed (403)', pending: 'listing SecretProviderClasses…' };
      out.push({ ...detailNode(id, state === 'absent' ? 'warning' : 'muted', label, [`The pod template mounts the SecretProviderClass ${name}: ${why[state]}.`]), description: why[state] });
    }
  }
  // A Dapr app: the Azure components it loads, whose identity is its own pods'.
  if (daprAppOf(w) !== undefined) for (const e of consumers.usingIdentityOf(w)) if (e.kind === 'Component') out.push(consumerNode(ctx, e, parentId));
  const controller = controllerOf(w);
  if (controller && !LISTED_FOR.has(controller)) {
    // ExternalDNS's azure.json is in a Secret or ConfigMap, kustomize-controller's decryption in a Kustomization: the sidebar lists neither.
    const title = CONTROLLERS[controller].title;
    out.push({ ...detailNode(`${parentId}/identity-for`, 'muted', `Runs ${title}`, [`This ${w.kind} runs ${title}, which authenticates with its own ServiceAccount's token; the sidebar does not list what configures it (ExternalDNS's azure.json is in a Secret or ConfigMap).`]), description: 'what it authenticates for is not listed here' });
  } else if (controller) {
    const title = CONTROLLERS[controller].title;
    const using = consumers.usingIdentityOf(w);
    if (!using.length) {
      out.push({ ...detailNode(`${parentId}/identity-for`, 'muted', `Identity for no object`, [`This ${w.kind} runs ${title}: no object the sidebar lists uses its ServiceAccount's token.`]), description: title });
    } else {
      const kinds = countKinds(using.map((e) => e.kind));
      out.push({
        type: 'consumerFolder',
        id: `${parentId}/identity-for`,
        label: `Identity for ${plural(using.length, 'object')}`,
        description: [kinds, problemsShort(using)].filter(Boolean).join(' · '),
        tooltip: [`This ${w.kind} runs ${title}: ${plural(using.length, 'object')} (${kinds}) exchange the token of its ServiceAccount ${w.serviceAccountName}.`, `${capitalize(countSentence(using))}.`],
        contextValue: 'folder consumers',
        collapsible: 'collapsed',
        namespace: w.namespace,
        level: worstLevel(using),
        carrier: w,
      });
    }
  }
  return out;
}

/** The controllers whose objects the sidebar lists (the consumer kinds): KEDA, External Secrets, cert-manager, Flux's sources. */
const LISTED_FOR: ReadonlySet<ControllerId> = new Set<ControllerId>(['keda-operator', 'external-secrets', 'cert-manager', 'flux-source-controller', 'flux-image-reflector-controller']);

/** `2 TriggerAuthentications, 1 ClusterTriggerAuthentication`. */
function countKinds(kinds: readonly ConsumerKind[]): string {
  const counts = new Map<ConsumerKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => plural(n, k)).join(', ');
}
