// "Show Live YAML" for a node of the tree: a read-only document (a TextDocumentContentProvider,
// which VS Code never lets the user save) with the object as the API server has it now —
// from the tree's cache when it watches that context, else one GET — without managedFields, and
// redrawn when the watched object changes. Secrets are never shown: the tree has no Secret nodes.

import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { connect } from '../../cluster/connect';
import { consumerTypes, parseConsumerKind, parseWorkloadKind, Resources, workloadType, type ConsumerKind } from '../../cluster/resources';
import type { KubeObject, ResourceType } from '../../cluster/types';
import { readDiagnoseSettings } from '../diagnose/settings';
import type { WorkloadsTree } from './workloads-tree';

export const LIVE_SCHEME = 'wi-doctor-live';

/** In a live URI, the namespace of a cluster-scoped object (no namespace is named so: `_` is not in a DNS label). */
export const CLUSTER_SCOPE = '_';

/**
 * The types a live YAML document may show. A consumer kind (Secrets & controllers) in the version
 * the tree lists it in (`served`: an older installation serves only an older one), else its newest.
 */
function typeOf(kind: string, served?: (kind: ConsumerKind) => ResourceType | undefined): ResourceType | undefined {
  if (kind === 'ServiceAccount') return Resources.serviceAccounts;
  const k = parseWorkloadKind(kind);
  if (k) return workloadType(k);
  const c = parseConsumerKind(kind);
  return c ? (served?.(c) ?? consumerTypes[c][0]) : undefined;
}

/** `wi-doctor-live:/payments/Deployment/api.yaml?context=prod-aks` */
export function liveUri(context: string, namespace: string, kind: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${namespace}/${kind}/${name}.yaml`, query: new URLSearchParams({ context }).toString() });
}

function parseLiveUri(uri: vscode.Uri): { context: string; namespace: string; kind: string; name: string } | undefined {
  const m = /^\/([^/]+)\/([^/]+)\/(.+)\.yaml$/.exec(uri.path);
  const context = new URLSearchParams(uri.query).get('context');
  if (!m || context === null) return undefined;
  return { context, namespace: m[1]!, kind: m[2]!, name: m[3]! };
}

export class LiveYamlProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  /** The resourceVersion each open document was drawn from. */
  private readonly shown = new Map<string, string>();
  private readonly subscription: vscode.Disposable;

  /** The version the tree lists a consumer kind in, while it watches it. */
  private readonly served = (kind: ConsumerKind): ResourceType | undefined => this.tree.cluster?.consumerServedType(kind);

  constructor(private readonly tree: WorkloadsTree, private readonly version: string) {
    this.subscription = tree.onDidRefresh(() => this.redrawChanged());
  }

  private redrawChanged(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== LIVE_SCHEME) continue;
      const ref = parseLiveUri(doc.uri);
      const type = ref && typeOf(ref.kind, this.served);
      if (!ref || !type || ref.context !== this.tree.shownContext) continue;
      const o = this.tree.cluster?.object(type, ref.namespace, ref.name);
      if ((o?.metadata.resourceVersion ?? 'gone') !== this.shown.get(doc.uri.toString())) this.emitter.fire(doc.uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseLiveUri(uri);
    const type = ref && typeOf(ref.kind, ref.context === this.tree.shownContext ? this.served : undefined);
    if (!ref || !type) return `# Workload Identity Doctor cannot show ${uri.toString()}.\n`;
    const header = (how: string): string =>
      `# ${ref.kind} ${ref.namespace === CLUSTER_SCOPE ? '' : `${ref.namespace}/`}${ref.name} — live from context "${ref.context}", ${how}.\n# Read-only: change it in your manifests (or with kubectl), not here. managedFields are left out.\n`;
    // Always from the API server: the tree keeps only the part of each object its states read
    // (src/tree/keep.ts). While the tree watches the object, a change to it redraws this document.
    const watched = ref.context === this.tree.shownContext && this.tree.cluster?.state.phase === 'ready';
    const s = readDiagnoseSettings();
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const r = await connect({ kubeconfig: s.kubeconfig, context: ref.context, timeoutMs: s.timeoutMs, userAgent: `wi-doctor-vscode/${this.version}` }).get(type, ref.namespace, ref.name, controller.signal);
    const how = `read at ${new Date().toLocaleTimeString()}${watched ? '; it updates when the object changes' : ''}`;
    if (!r.ok) {
      // Not asked again until the watched object changes.
      this.shown.set(uri.toString(), (watched ? this.tree.cluster?.object(type, ref.namespace, ref.name)?.metadata.resourceVersion : undefined) ?? 'gone');
      return `${header(how)}\n# ${r.failure.message}\n`;
    }
    const object: KubeObject = r.value;
    this.shown.set(uri.toString(), object.metadata.resourceVersion ?? '');
    return header(how) + stringify(forDisplay(object, type), { lineWidth: 0 });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** The object as `kubectl get -o yaml` prints it: apiVersion and kind first (list items lack them), no managedFields. */
function forDisplay(o: KubeObject, type: ResourceType): Record<string, unknown> {
  const { managedFields: _drop, ...metadata } = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  const { apiVersion, kind, metadata: _m, ...rest } = o as KubeObject & { apiVersion?: string; kind?: string };
  return { apiVersion: apiVersion ?? (type.group ? `${type.group}/${type.version}` : type.version), kind: kind ?? type.kind, metadata, ...rest };
}
