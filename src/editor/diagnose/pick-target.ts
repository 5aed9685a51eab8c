// Chooses the workload to diagnose when the command got no arguments and the editor shows none:
// a namespace (from the cluster, or typed when listing namespaces is forbidden, which is common
// for namespace-scoped users), then a workload of that namespace. A listing that fails becomes
// one clear message; nothing here throws.

import * as vscode from 'vscode';
import { Resources, WorkloadKinds, workloadType, type WorkloadKind } from '../../cluster/resources';
import type { ClusterApi, KubeFailure, KubeObject } from '../../cluster/types';
import type { WorkloadRef } from '../../checkpoints/types';
import type { DiagnosePrompts } from '../prompts';
import { workloadWords } from '../../util/words';
import { workloadAtLine, type ManifestWorkload } from './manifest-workloads';

/** The last item of the palette's quick pick over a manifest's workloads. */
export const PICK_FROM_CLUSTER = 'Pick from the cluster…';

/** What the palette's pick diagnoses: a workload, or a consumer object of the manifest (a SecretProviderClass, …). */
export interface PickedTarget {
  namespace: string;
  kind: string;
  name: string;
}

interface ChoiceItem extends vscode.QuickPickItem {
  ref?: PickedTarget;
}

/**
 * The palette's question when a manifest is focused: the workload under the cursor first, the
 * file's other workloads, then "Pick from the cluster…" (the namespace and workload pickers).
 * Nothing is chosen for the user; a cancel at any step resolves to undefined. A file without a
 * workload goes straight to the cluster's pickers.
 */
export async function pickFromManifestOrCluster(
  cluster: ClusterApi,
  prompts: DiagnosePrompts,
  file: { workloads: readonly ManifestWorkload[]; cursorLine: number; name: string },
): Promise<PickedTarget | undefined> {
  const { workloads } = file;
  if (!workloads.length) return pickTarget(cluster, prompts);
  const id = cluster.identity;
  const underCursor = workloadAtLine(workloads, file.cursorLine);
  const ordered = underCursor ? [underCursor, ...workloads.filter((w) => w !== underCursor)] : [...workloads];
  const items: ChoiceItem[] = ordered.map((w) => {
    const ref: PickedTarget = { namespace: w.namespace ?? id.namespace, kind: w.kind, name: w.name };
    const cursorIn = file.cursorLine >= w.startLine && file.cursorLine <= w.endLine;
    const where = cursorIn ? 'under the cursor' : `line ${w.line + 1}`;
    if (w.clusterScoped) return { label: workloadWords({ kind: w.kind, name: w.name }), description: where, ref };
    return { label: workloadWords(ref), description: w.namespace ? where : `${where} · the manifest names no namespace, so the context's`, ref };
  });
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: PICK_FROM_CLUSTER, description: `a workload of context ${id.context}` });
  const pick = await prompts.pick(items, {
    title: `Diagnose Workload Identity (context ${id.context})`,
    placeHolder: `A workload of ${file.name}, or one from the cluster`,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  return pick.ref ?? pickTarget(cluster, prompts, underCursor?.namespace ? { namespace: underCursor.namespace } : {});
}

/** A namespace name (an RFC 1123 label). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `opts.namespace`: the namespace to list (and pre-fill) first, e.g. the one a manifest names. */
export async function pickTarget(cluster: ClusterApi, prompts: DiagnosePrompts, opts: { namespace?: string } = {}): Promise<WorkloadRef | undefined> {
  const namespace = await pickNamespace(cluster, prompts, opts.namespace);
  return namespace ? pickWorkload(cluster, namespace, prompts) : undefined;
}

async function listing<T>(title: string, work: () => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, work);
}

export async function pickNamespace(cluster: ClusterApi, prompts: DiagnosePrompts, preferred?: string): Promise<string | undefined> {
  const id = cluster.identity;
  const first = preferred ?? id.namespace;
  const r = await listing('Listing namespaces…', () => cluster.list(Resources.namespaces, undefined));
  if (!r.ok) {
    if (r.failure.kind !== 'forbidden') {
      reportFailure(prompts, 'Could not list the namespaces', r.failure);
      return undefined;
    }
    const typed = await prompts.input({
      title: `Namespace of the workload (context ${id.context})`,
      prompt: `You may not list namespaces (${r.failure.message}) Type the workload's namespace.`,
      value: first,
      ignoreFocusOut: true,
      validateInput: (v) => (DNS_LABEL.test(v.trim()) ? undefined : 'A namespace name: lowercase letters, digits and "-".'),
    });
    return typed?.trim() || undefined;
  }
  const names = r.value.map((n) => n.metadata.name).sort((a, b) => (a === first ? -1 : b === first ? 1 : a.localeCompare(b)));
  const describe = (name: string): string | undefined =>
    [name === preferred ? 'the namespace asked for' : '', name === id.namespace ? `default namespace of ${id.context}` : ''].filter(Boolean).join(' · ') || undefined;
  const pick = await prompts.pick(
    names.map((name) => ({ label: name, description: describe(name) })),
    { title: `Diagnose Workload Identity: namespace (context ${id.context})`, placeHolder: 'The namespace of the workload', matchOnDescription: true },
  );
  return pick?.label;
}

interface WorkloadItem extends vscode.QuickPickItem {
  ref: WorkloadRef;
}

/** Pods and Jobs that a controller owns are reached through their owner: listing them too would bury the workloads. */
function ownedByController(o: KubeObject): boolean {
  return o.metadata.ownerReferences?.some((r) => r.controller) ?? false;
}

export async function pickWorkload(cluster: ClusterApi, namespace: string, prompts: DiagnosePrompts): Promise<WorkloadRef | undefined> {
  const lists = await listing(`Listing workloads in ${namespace}…`, () =>
    Promise.all(WorkloadKinds.map(async (kind) => ({ kind, r: await cluster.list(workloadType(kind), namespace) }))),
  );
  const items: WorkloadItem[] = [];
  const failed: { kind: WorkloadKind; failure: KubeFailure }[] = [];
  for (const { kind, r } of lists) {
    if (!r.ok) {
      failed.push({ kind, failure: r.failure });
      continue;
    }
    for (const o of r.value) {
      if ((kind === 'Pod' || kind === 'Job') && ownedByController(o)) continue;
      items.push({ label: o.metadata.name, description: kind, ref: { namespace, kind, name: o.metadata.name } });
    }
  }
  if (failed.length === lists.length) {
    reportFailure(prompts, `Could not list the workloads of namespace "${namespace}"`, failed[0]!.failure);
    return undefined;
  }
  const missing = failed.length ? ` (could not list ${failed.map((f) => `${f.kind}s`).join(', ')}: ${failed[0]!.failure.kind})` : '';
  if (!items.length) {
    void prompts.info(`Workload Identity Doctor: namespace "${namespace}" has no Deployment, StatefulSet, DaemonSet, CronJob, Job or Pod${missing}.`);
    return undefined;
  }
  const order = (k: string) => WorkloadKinds.indexOf(k as WorkloadKind);
  items.sort((a, b) => order(a.ref.kind) - order(b.ref.kind) || a.label.localeCompare(b.label));
  const pick = await prompts.pick(items, {
    title: `Diagnose Workload Identity: workload in ${namespace}`,
    placeHolder: `The workload to diagnose${missing}`,
    matchOnDescription: true,
  });
  return pick?.ref;
}

/** Shows the failure without waiting for the notification to close (the command returns at once). */
export function reportFailure(prompts: DiagnosePrompts, what: string, failure: KubeFailure): void {
  const settings = failure.kind === 'config' || failure.kind === 'exec-plugin' ? ['Open Settings'] : [];
  void prompts.error(`Workload Identity Doctor: ${what}. ${failure.message}`, ...settings).then((choice) => {
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'wiDoctor.kubeconfig');
  });
}
