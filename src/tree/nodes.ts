// The sidebar tree's nodes, without `vscode`: what each node shows (label, description,
// tooltip lines, level for the icon), what it offers (contextValue flags: diagnose, YAML, copy
// subject, the three certain fixes), and its children. src/editor/tree maps these to TreeItems.
// A workload just diagnosed shows that diagnosis's verdict instead of its own state until the
// cluster changes it (src/tree/overlay.ts); counts, filters and fixes stay on the tree's own.
//
//   <context> (<cluster>)                       the kube context, switchable from the title bar
//     ⚠ Not live: ... Retrying.                  stale / fallback / forbidden / pods-listing notes, when any
//     <namespace>  1 ✗ 2 ! · 12 workloads          broken and warning counts first (they survive a narrow sidebar)
//       Deployments  4 · 1 ✗
//         api  no client ID on the ServiceAccount              status icon; tooltip lists the findings
//           ServiceAccount api-sa  <client ID>
//           Pod api-7c9d-x  injected · Running
//           ✗ ServiceAccount payments/api-sa has no ... annotation
//       Secrets & controllers  2 · 1 !            consumer objects (src/tree/consumer-nodes.ts)
//       ServiceAccounts  3
//     Cluster-wide  1                             cluster-scoped consumer objects

import type { ClusterIdentity } from '../cluster/types';
import { namespaceExcluded } from '../checkpoints/evaluate';
import type { LiveCluster, TreeAction } from './live-cluster';
import type { DiagnosisOverlay, DiagnosisOverlays } from './overlay';
import { plural } from '../util/words';
import { localTime } from '../util/time-words';
import { displayUrl } from '../util/url';
import { countOf, federatedSubject, filtersActive, TREE_KINDS, type NamespaceCounts, type PodEntry, type ServiceAccountEntry, type TreeFilters, type WorkloadEntry } from './model';
import type { FindingId, StatusFinding, StatusLevel, TreeWorkloadKind } from './workload-status';
import { CONSUMER_FOLDER, consumerFolderChildren, consumerFolderNode, consumerLines, workloadConsumerNodes, type ConsumerTreeNode, type NodeBase } from './consumer-nodes';

export type MessageLevel = 'info' | 'warning' | 'error' | 'loading';

type Base = NodeBase;

export type TreeNode =
  | (Base & { type: 'context'; identity: ClusterIdentity })
  | (Base & { type: 'message'; level: MessageLevel; action?: TreeAction })
  | (Base & { type: 'namespace'; namespace: string; counts: NamespaceCounts; level: StatusLevel })
  | (Base & { type: 'folder'; namespace: string; kind: TreeWorkloadKind | 'ServiceAccount'; level: StatusLevel })
  /** `overlay`: the last diagnosis of the workload, shown instead of the tree's own state until the cluster changes it. */
  | (Base & { type: 'workload'; entry: WorkloadEntry; level: StatusLevel; context: string; overlay?: DiagnosisOverlay })
  | (Base & { type: 'serviceAccount'; namespace: string; name: string; entry?: ServiceAccountEntry; level: StatusLevel; context: string; workload?: WorkloadEntry })
  | (Base & { type: 'pod'; entry: PodEntry; level: StatusLevel })
  | (Base & { type: 'finding'; finding: StatusFinding; level: StatusLevel })
  | ConsumerTreeNode;

/** The view's roots: the context node, or one message when there is no kubeconfig to watch. */
export function rootNodes(live: LiveCluster | undefined, contextName?: string): TreeNode[] {
  if (!live) return [];
  const s = live.state;
  if (s.phase === 'unavailable') {
    return [message(`unavailable:${contextName ?? ''}`, 'error', s.issue.message, s.issue.action, [s.issue.message])];
  }
  const id = live.identity!;
  return [
    {
      type: 'context',
      id: `ctx:${id.context}`,
      label: id.context,
      description: id.cluster === id.context ? displayUrl(id.server) : `${id.cluster} · ${displayUrl(id.server)}`,
      tooltip: [`Context: ${id.context}`, `Cluster: ${id.cluster}`, `Server: ${displayUrl(id.server)}`, `Authentication: ${id.auth}`, `Default namespace: ${id.namespace}`, `Kubeconfig: ${id.files.join(', ') || '(in-cluster)'}`],
      contextValue: 'context',
      collapsible: 'expanded',
      identity: id,
    },
  ];
}

/**
 * The children of a node; the context node's depend on the live state. `overlays`: the diagnoses
 * to show over their workloads' own states (see src/tree/overlay.ts).
 */
export function childNodes(live: LiveCluster, node: TreeNode, filters: TreeFilters, now = Date.now(), overlays?: DiagnosisOverlays): TreeNode[] {
  const ctx = live.identity?.context ?? '';
  const model = live.model;
  const wl = (w: WorkloadEntry, idPrefix?: string): TreeNode => workloadNode(ctx, w, idPrefix, overlayFor(live, w, overlays));
  switch (node.type) {
    case 'context':
      return contextChildren(live, filters, now);
    case 'namespace': {
      if (!model) return [];
      const folders: TreeNode[] = [];
      for (const k of TREE_KINDS) {
        const items = model.workloads(node.namespace, k.kind, filters);
        if (!items.length) continue;
        const c = countOf(items);
        folders.push({
          type: 'folder',
          id: `folder:${ctx}/${node.namespace}/${k.kind}`,
          label: k.folder,
          description: [String(items.length), problemsShort(c)].filter(Boolean).join(' · '),
          tooltip: [`${k.folder}: ${countsSentence(c)}`],
          contextValue: 'folder',
          collapsible: 'collapsed',
          namespace: node.namespace,
          kind: k.kind,
          level: levelOf(c),
        });
      }
      const consumerFolder = live.consumers && consumerFolderNode(ctx, node.namespace, live.consumers, filters);
      if (consumerFolder) folders.push(consumerFolder);
      const sas = model.serviceAccounts(node.namespace, filters);
      if (sas.length) {
        const broken = sas.filter((s) => s.level === 'error').length;
        folders.push({
          type: 'folder',
          id: `folder:${ctx}/${node.namespace}/ServiceAccount`,
          label: 'ServiceAccounts',
          description: [String(sas.length), broken ? `${broken} ✗` : ''].filter(Boolean).join(' · '),
          tooltip: [`ServiceAccounts: ${sas.length}${broken ? `, ${broken} broken` : ''}`],
          contextValue: 'folder',
          collapsible: 'collapsed',
          namespace: node.namespace,
          kind: 'ServiceAccount',
          level: broken ? 'error' : sas.some((s) => s.level === 'ok') ? 'ok' : 'muted',
        });
      }
      if (!folders.length || (folders.length === 1 && consumerFolder)) return [message(`empty:${ctx}/${node.namespace}`, 'info', filtersActive(filters) ? 'No workload here matches the filters.' : 'No workloads.'), ...folders];
      return folders;
    }
    case 'folder': {
      if (!model) return [];
      if (node.kind === 'ServiceAccount') return model.serviceAccounts(node.namespace, filters).map((sa) => serviceAccountNode(ctx, sa.namespace, sa.name, sa));
      return model.workloads(node.namespace, node.kind, filters).map((w) => wl(w));
    }
    case 'workload': {
      if (!model) return [];
      const w = node.entry;
      const sa = model.serviceAccount(w.namespace, w.serviceAccountName);
      // Children's ids hang off the node's own: a workload shows under its kind's folder and its ServiceAccount.
      const out: TreeNode[] = [serviceAccountNode(ctx, w.namespace, w.serviceAccountName, sa, w, node.id)];
      for (const p of model.pods(w)) out.push(podNode(node.id, p));
      if (w.status.pending) out.push(message(`podspending:${node.id}`, 'loading', 'Listing pods…'));
      else if (!w.pods.length) out.push(message(`nopods:${node.id}`, 'info', w.kind === 'CronJob' ? 'No pods: no Job of this CronJob is running.' : 'No pods.'));
      // The consumer objects it depends on: the classes it mounts, or, for a controller, those using its identity.
      if (live.consumers) for (const n of workloadConsumerNodes(ctx, node.id, w, live.consumers)) out.push(n);
      // What is wrong, worst first (what is right is the ServiceAccount and pod rows above, and the tooltip).
      const order: Record<StatusLevel, number> = { error: 0, warning: 1, muted: 2, ok: 3 };
      w.status.findings
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => f.level !== 'ok')
        .sort((a, b) => order[a.f.level] - order[b.f.level] || a.i - b.i)
        .forEach(({ f, i }) => out.push(findingNode(`${node.id}#${i}`, f)));
      return out;
    }
    case 'serviceAccount': {
      if (!node.entry) return [];
      return node.entry.usedBy.map((w) => wl(w, `${node.id}/wl:`));
    }
    case 'consumerFolder':
      return live.consumers ? consumerFolderChildren(ctx, node, live.consumers, filters) : [];
    case 'consumer':
      return consumerLines(node.id, node.entry.lines);
    default:
      return [];
  }
}

function contextChildren(live: LiveCluster, filters: TreeFilters, now: number): TreeNode[] {
  const ctx = live.identity?.context ?? '';
  const s = live.state;
  const notes: TreeNode[] = [];
  // When nothing can be listed in the fallback namespace either, the failure node alone says so (with the same action).
  const failedInFallback = s.phase === 'failed' && s.issue.action === 'pick-namespace';
  if ('fallback' in s && s.fallback && !failedInFallback) notes.push(message(`fallback:${ctx}`, 'warning', s.fallback.reason, 'pick-namespace', [s.fallback.reason, 'Choose another namespace from this node.']));
  if (s.phase === 'loading') return [...notes, message(`loading:${ctx}`, 'loading', 'Listing workloads…')];
  if (s.phase === 'failed') return [...notes, message(`failed:${ctx}`, 'error', s.issue.message, s.issue.action, [s.issue.message, 'The tree keeps retrying with backoff.'])];
  if (s.phase !== 'ready') return notes;
  if (s.stale) {
    const mins = Math.max(0, Math.round((now - s.stale.since) / 60_000));
    const since = mins < 1 ? 'just now' : `${mins} min ago`;
    notes.push({ ...message(`stale:${ctx}`, 'warning', `Not live since ${since} — retrying`, s.stale.action, [`The tree shows the cluster as it was ${since}.`, s.stale.message]), description: s.stale.message });
  }
  for (const f of s.forbidden ?? []) notes.push(message(`forbidden:${ctx}/${f.resource}`, 'warning', f.message, undefined, [f.message]));
  // A consumer kind refused is a quiet note (the rest is shown); one failing otherwise, only while the tree itself is live.
  for (const f of s.consumersUnreadable ?? []) {
    if (f.status === 403) notes.push(message(`consumers:${ctx}/${f.resource}`, 'info', `${f.resource}: not readable (403), left out of ${CONSUMER_FOLDER}`, undefined, [f.message, 'The workloads are not affected. Refresh asks again.']));
    else if (!s.stale) notes.push(message(`consumers:${ctx}/${f.resource}`, 'warning', `${f.resource}: could not be listed — retrying`, undefined, [f.message]));
  }
  if (s.podsPending) notes.push(message(`podspending:${ctx}`, 'loading', 'Listing pods… (their injection states follow)', undefined, ['The workloads and ServiceAccounts are listed; the pods are still being listed.', 'Until they are, a wired workload says "checking pods…" and the counts leave out what only the pods can show (pods not injected, pods older than the label).']));
  const model = live.model!;
  const webhookUp = model.webhookUp();
  const namespaces = model.namespaceNames();
  const rows: TreeNode[] = [];
  let wiAnywhere = false;
  for (const ns of namespaces) {
    const counts = model.counts(ns, filters);
    if (counts.workloadIdentity) wiAnywhere = true;
    // A namespace shown only for its ServiceAccounts would be noise under a name filter (every namespace has "default").
    if (filtersActive(filters) && counts.workloads === 0 && (filters.text.trim() || !model.serviceAccounts(ns, filters).length) && !live.consumers?.consumers(ns, filters).length) continue;
    const excluded = namespaceExcluded(ns, model.namespaceLabels(ns));
    rows.push({
      type: 'namespace',
      id: `ns:${ctx}/${ns}`,
      label: ns,
      description: namespaceDescription(counts),
      tooltip: [`Namespace ${ns}`, counts.workloads ? countsSentence(counts) : 'No workloads', ...consumersSentence(live, ns), ...(excluded && counts.workloadIdentity ? [`AKS never sends pods of this namespace to the webhook (${excluded}).`] : [])],
      contextValue: 'namespace',
      collapsible: 'collapsed',
      namespace: ns,
      counts,
      level: levelOf(counts),
    });
  }
  // The cluster-scoped consumer objects: one node after the namespaces.
  const clusterWide = live.consumers && consumerFolderNode(ctx, undefined, live.consumers, filters);
  if (clusterWide) rows.push(clusterWide);
  if (webhookUp === false && wiAnywhere) notes.push(message(`webhook:${ctx}`, 'error', 'The Workload Identity webhook is not installed or has no ready replica: no pod gets a token.', undefined, ['Diagnose a workload for the details and the fix.']));
  if (!rows.length) notes.push(message(`none:${ctx}`, 'info', filtersActive(filters) ? 'No workload matches the filters.' : 'No namespaces with workloads.'));
  return [...notes, ...rows];
}

/**
 * `1 ✗ 2 ! · 12 workloads`: what is broken (✗) and what warns (!) first, the marks of the
 * workloads' own icons and of the report, so a narrow sidebar cuts the total, not the problems.
 * The tooltip says it in words (countsSentence).
 */
function namespaceDescription(c: NamespaceCounts): string {
  if (!c.workloads) return '';
  return [problemsShort(c), plural(c.workloads, 'workload')].filter(Boolean).join(' · ');
}

/** `1 ✗ 2 !`; empty when nothing is broken or warns. */
function problemsShort(c: NamespaceCounts): string {
  return [c.errors ? `${c.errors} ✗` : '', c.warnings ? `${c.warnings} !` : ''].filter(Boolean).join(' ');
}

/** `12 workloads, 3 using Workload Identity: 1 broken, 2 with a warning`: the counts in words, for tooltips. */
function countsSentence(c: NamespaceCounts): string {
  const wi = `, ${c.workloadIdentity || 'none'} using Workload Identity`;
  const problems = [c.errors ? `${c.errors} broken` : '', c.warnings ? `${c.warnings} with a warning` : ''].filter(Boolean).join(', ');
  return `${plural(c.workloads, 'workload')}${wi}${problems ? `: ${problems}` : ''}`;
}

/** `Secrets & controllers: 2, 1 broken`: in the namespace's tooltip only (they are not workloads). */
function consumersSentence(live: LiveCluster, ns: string): string[] {
  const entries = live.consumers?.consumers(ns) ?? [];
  if (!entries.length) return [];
  const broken = entries.filter((e) => e.level === 'error').length;
  return [`${CONSUMER_FOLDER}: ${entries.length}${broken ? `, ${broken} broken` : ''}`];
}

function levelOf(c: NamespaceCounts): StatusLevel {
  return c.errors ? 'error' : c.warnings ? 'warning' : c.workloadIdentity ? 'ok' : 'muted';
}

function message(id: string, level: MessageLevel, label: string, action?: TreeAction, tooltip?: string[]): TreeNode {
  return { type: 'message', id: `msg:${id}`, label, level, contextValue: action ? `message action-${action}` : 'message', collapsible: 'none', ...(action ? { action } : {}), ...(tooltip ? { tooltip } : {}) };
}

/** The fixes a workload's findings call for, as contextValue flags (the menus' `when` clauses read them). */
export function fixFlags(w: WorkloadEntry): string[] {
  const flags = new Set<string>();
  const has = (...ids: FindingId[]): boolean => w.status.findings.some((f) => f.id !== undefined && ids.includes(f.id));
  // A restart makes new pods; while the webhook is down or kept from the namespace, they would not be injected (or be refused).
  const webhookBlocked = has('webhook-down', 'namespace-excluded');
  const rollable = !webhookBlocked && (w.kind === 'Deployment' || w.kind === 'StatefulSet' || w.kind === 'DaemonSet');
  // A Job's pod template cannot change after creation: no label fix for it.
  if (w.kind !== 'Job' && has('label-on-workload', 'label-as-annotation', 'label-wrong-value', 'label-missing')) flags.add('fix-label');
  if (has('sa-no-client-id', 'sa-annotation-typo', 'sa-client-id-not-guid')) flags.add('fix-annotate');
  // A paused Deployment rolls nothing out, a restart included: resuming it is the fix.
  if (rollable && has('pods-predate-label', 'pods-not-injected', 'pods-lack-client-id')) flags.add(paused(w) ? 'fix-resume' : 'fix-restart');
  return [...flags];
}

function paused(w: WorkloadEntry): boolean {
  return w.kind === 'Deployment' && !!(w.object.spec as { paused?: boolean } | undefined)?.paused;
}

/** What the tree's own state covers, said in every workload's tooltip: it is not the whole chain. */
export const TREE_SCOPE =
  "The sidebar's own state covers the cluster side only: the use label, the ServiceAccount's client ID, the pods' injection and credential variables — not Azure, the token or the logs. Diagnose This Workload checks the whole chain.";

function overlayFor(live: LiveCluster, w: WorkloadEntry, overlays: DiagnosisOverlays | undefined): DiagnosisOverlay | undefined {
  const id = live.identity;
  if (!overlays || !id || !live.model) return undefined;
  return overlays.lookup({ context: id.context, server: id.server }, w, live.model.fingerprint(w));
}

function workloadNode(ctx: string, w: WorkloadEntry, idPrefix = 'wl:', overlay?: DiagnosisOverlay): TreeNode {
  const findings = w.status.findings.map((f) => `${levelMark(f.level)} ${f.message}`);
  const diagnosed = overlay
    ? [
        `Diagnosed ${localTime(overlay.at.toISOString(), {}, false)}: ${overlay.verdict}`,
        `Shown until the cluster changes this ${w.kind}, its ServiceAccount or its pods; then the sidebar's own state again.`,
        `The sidebar's own state: ${w.status.short}`,
      ]
    : [];
  return {
    type: 'workload',
    id: `${idPrefix}${ctx}/${w.namespace}/${w.kind}/${w.name}`,
    label: w.name,
    description: overlay?.description ?? w.status.short,
    tooltip: [`${w.kind} ${w.namespace}/${w.name} — ServiceAccount ${w.serviceAccountName}`, ...diagnosed, ...findings, TREE_SCOPE],
    contextValue: ['workload', `kind-${w.kind}`, ...fixFlags(w)].join(' '),
    collapsible: 'collapsed',
    entry: w,
    level: overlay?.level ?? w.status.level,
    context: ctx,
    ...(overlay ? { overlay } : {}),
  };
}

function serviceAccountNode(ctx: string, namespace: string, name: string, sa: ServiceAccountEntry | undefined, workload?: WorkloadEntry, parentId?: string): TreeNode {
  const idBase = parentId ? `${parentId}/sa` : `sa:${ctx}/${namespace}/${name}`;
  const subject = federatedSubject(namespace, name);
  if (!sa) {
    return {
      type: 'serviceAccount',
      id: idBase,
      label: workload ? `ServiceAccount ${name}` : name,
      description: 'not found',
      tooltip: [`ServiceAccount ${namespace}/${name} does not exist (or could not be listed).`],
      contextValue: 'serviceAccount missing',
      collapsible: 'none',
      namespace,
      name,
      level: workload && workload.status.level !== 'muted' ? 'error' : 'muted',
      context: ctx,
      ...(workload ? { workload } : {}),
    };
  }
  const fixable = sa.clientId.state === 'missing' || sa.clientId.state === 'typo' || sa.clientId.state === 'not-guid';
  return {
    type: 'serviceAccount',
    id: idBase,
    label: workload ? `ServiceAccount ${name}` : name,
    description: workload ? sa.short : [sa.short, sa.usedBy.length ? `used by ${sa.usedBy.length}` : ''].filter(Boolean).join(' · '),
    tooltip: [`ServiceAccount ${namespace}/${name}`, `Client ID: ${sa.clientId.state === 'ok' ? sa.clientId.clientId : sa.short}`, `Federated credential subject: ${subject}`, ...(sa.usedBy.length ? [`Used by: ${sa.usedBy.map((w) => `${w.kind} ${w.name}`).join(', ')}`] : [])],
    contextValue: ['serviceAccount', fixable && (workload ? workload.status.level !== 'muted' : sa.level !== 'muted' || sa.clientId.state !== 'missing') ? 'fix-annotate' : ''].filter(Boolean).join(' '),
    collapsible: !workload && sa.usedBy.length ? 'collapsed' : 'none',
    namespace,
    name,
    entry: sa,
    level: sa.level,
    context: ctx,
    ...(workload ? { workload } : {}),
  };
}

function podNode(parentId: string, p: PodEntry): TreeNode {
  return {
    type: 'pod',
    id: `${parentId}/pod:${p.name}`,
    label: p.name,
    description: `${p.short} · ${p.phase}`,
    tooltip: [`Pod ${p.namespace}/${p.name}: ${p.short}`, `Phase: ${p.phase}`],
    contextValue: 'pod',
    collapsible: 'none',
    entry: p,
    level: p.level,
  };
}

function findingNode(id: string, f: StatusFinding): TreeNode {
  return { type: 'finding', id: `finding:${id}`, label: f.short, description: f.message, tooltip: [f.message, `Checkpoint: ${f.checkpoint} (Diagnose This Workload checks it in full)`], contextValue: 'finding', collapsible: 'none', finding: f, level: f.level };
}

function levelMark(level: StatusLevel): string {
  return level === 'error' ? '✗' : level === 'warning' ? '!' : level === 'ok' ? '✓' : '·';
}
