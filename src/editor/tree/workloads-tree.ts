// The sidebar's "Workloads" view: a TreeDataProvider over a LiveCluster (src/tree). It starts
// watching only once the view is visible, follows the tree's own context choice (kept in VS
// Code's global state; the kubeconfig is never rewritten), keeps the filters per workspace, and
// turns every failure into a node of the tree — never a notification. A workload just diagnosed
// shows that diagnosis's verdict until the cluster changes it (src/tree/overlay.ts).

import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { watchSource } from '../../cluster/connect';
import { kubeconfigFiles } from '../../cluster/kubeconfig-files';
import { LiveCluster } from '../../tree/live-cluster';
import { describeFilters, NO_FILTERS, type TreeFilters } from '../../tree/model';
import { childNodes, rootNodes, type TreeNode } from '../../tree/nodes';
import type { DiagnosisOverlay, DiagnosisOverlays } from '../../tree/overlay';
import type { StatusLevel } from '../../tree/workload-status';
import { readDiagnoseSettings } from '../diagnose/settings';
import { inBackground, type Logger } from '../../util/log';
import { plainText } from '../../util/terminal';

export const VIEW_ID = 'wiDoctor.workloads';
const CONTEXT_KEY = 'wiDoctor.tree.context';
const FILTERS_KEY = 'wiDoctor.tree.filters';
const NAMESPACE_KEY = 'wiDoctor.tree.fallbackNamespace';

export class WorkloadsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly settled = new vscode.EventEmitter<void>();
  /** Fires whenever the tree was redrawn with live data (tests wait on it). */
  readonly onDidRefresh = this.settled.event;
  readonly view: vscode.TreeView<TreeNode>;
  private live: LiveCluster | undefined;
  private offLive: (() => void) | undefined;
  private filters: TreeFilters;
  private noKubeconfig = false;
  private readonly disposables: vscode.Disposable[] = [];
  private staleTimer: NodeJS.Timeout | undefined;
  private fileWatchers: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly version: string,
    private readonly overlays: DiagnosisOverlays,
    /** Where the live cluster tells of a bug it caught (the extension's output channel). */
    private readonly log?: Logger,
  ) {
    this.filters = { ...NO_FILTERS, ...context.workspaceState.get<Partial<TreeFilters>>(FILTERS_KEY, {}) };
    // What the tree holds of a workload when a diagnosis of it is recorded (the watch may lag it).
    overlays.source = (at, w) => {
      const live = this.live;
      if (!live?.identity || live.identity.context !== at.context || live.identity.server !== at.server || w.kind === 'Pod' || w.kind === 'ServiceAccount') return undefined;
      const entry = live.model?.workload(w.namespace, w.kind, w.name);
      return entry && live.model!.fingerprint(entry);
    };
    const offOverlays = overlays.onDidChange(() => this.changed.fire(undefined));
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: false });
    this.disposables.push(
      this.view,
      this.changed,
      this.settled,
      this.view.onDidChangeVisibility((e) => e.visible && this.ensureStarted()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('wiDoctor.kubeconfig') || e.affectsConfiguration('wiDoctor.context') || e.affectsConfiguration('wiDoctor.diagnose.timeoutSeconds')) this.reconnectInBackground();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reconnectInBackground()),
      { dispose: offOverlays },
      { dispose: () => (overlays.source = undefined) },
    );
    this.updateFilterState();
    if (this.view.visible) this.ensureStarted();
  }

  /** The live cluster of the tree (started on first use). */
  get cluster(): LiveCluster | undefined {
    return this.live;
  }

  get currentFilters(): TreeFilters {
    return this.filters;
  }

  /** The context the tree shows: its own choice, else the wiDoctor.context setting, else the kubeconfig's current-context. */
  get chosenContext(): string | undefined {
    return this.context.globalState.get<string>(CONTEXT_KEY) || readDiagnoseSettings().context;
  }

  /** The context actually shown (after loading the kubeconfig). */
  get shownContext(): string | undefined {
    return this.live?.identity?.context ?? this.chosenContext;
  }

  async setContext(name: string | undefined): Promise<void> {
    await this.context.globalState.update(CONTEXT_KEY, name);
    await this.reconnect();
  }

  async setFallbackNamespace(namespace: string | undefined): Promise<void> {
    const ctx = this.shownContext ?? '';
    const all = { ...this.context.globalState.get<Record<string, string>>(NAMESPACE_KEY, {}) };
    if (namespace) all[ctx] = namespace;
    else delete all[ctx];
    await this.context.globalState.update(NAMESPACE_KEY, all);
    await this.reconnect();
  }

  async setFilters(f: Partial<TreeFilters>): Promise<void> {
    this.filters = { ...this.filters, ...f };
    await this.context.workspaceState.update(FILTERS_KEY, this.filters);
    this.updateFilterState();
    this.changed.fire(undefined);
  }

  private updateFilterState(): void {
    void vscode.commands.executeCommand('setContext', 'wiDoctor.tree.onlyWorkloadIdentity', this.filters.onlyWorkloadIdentity);
    void vscode.commands.executeCommand('setContext', 'wiDoctor.tree.onlyProblems', this.filters.onlyProblems);
    void vscode.commands.executeCommand('setContext', 'wiDoctor.tree.textFilter', !!this.filters.text.trim());
    this.view.message = describeFilters(this.filters);
  }

  /** Starts watching the cluster, once. */
  ensureStarted(): void {
    if (this.live || this.noKubeconfig) return;
    this.start();
  }

  /** Everything again: a new kubeconfig read, new lists and watches. */
  async reconnect(): Promise<void> {
    const old = this.live;
    this.offLive?.();
    this.live = undefined;
    this.noKubeconfig = false;
    this.view.badge = undefined;
    await old?.stop();
    if (this.view.visible || old) this.start();
    else this.changed.fire(undefined);
  }

  /** reconnect() for a listener (a setting, trust granted, a kubeconfig file): nobody awaits it, so a failure is logged, not left unhandled. */
  private reconnectInBackground(): void {
    inBackground(this.log, 'reconnecting the Workload Identity view failed', this.reconnect());
  }

  /** Lists again (Refresh, Retry): new lists and watches, the same kubeconfig. */
  async refresh(): Promise<void> {
    if (!this.live || this.live.state.phase === 'unavailable') return this.reconnect();
    await this.live.restart();
  }

  /**
   * Follows the kubeconfig files: `az aks get-credentials` or `kubectl config use-context` changes
   * what the tree should show (when it follows the current-context), and a kubeconfig that
   * appears ends the "no kubeconfig" view.
   */
  private watchKubeconfig(files: readonly string[]): void {
    for (const w of this.fileWatchers) w.dispose();
    this.fileWatchers = files.map((f) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(f)), basename(f)));
      const changed = (): void => {
        if (this.noKubeconfig || !this.context.globalState.get<string>(CONTEXT_KEY)) this.reconnectInBackground();
      };
      watcher.onDidCreate(changed);
      watcher.onDidChange(changed);
      watcher.onDidDelete(changed);
      return watcher;
    });
  }

  private start(): void {
    const s = readDiagnoseSettings();
    const files = kubeconfigFiles({ kubeconfig: s.kubeconfig });
    this.watchKubeconfig(files);
    this.noKubeconfig = !files.some((f) => existsSync(f));
    void vscode.commands.executeCommand('setContext', 'wiDoctor.tree.noKubeconfig', this.noKubeconfig);
    if (this.noKubeconfig) {
      this.changed.fire(undefined);
      return;
    }
    const context = this.chosenContext;
    const namespaces = this.context.globalState.get<Record<string, string>>(NAMESPACE_KEY, {});
    const live = new LiveCluster({
      open: () => watchSource({ kubeconfig: s.kubeconfig, context, timeoutMs: s.timeoutMs, userAgent: `wi-doctor-vscode/${this.version} (tree)` }),
      ...(namespaces[context ?? ''] ? { fallbackNamespace: namespaces[context ?? ''] } : {}),
      ...(this.log ? { log: this.log } : {}),
      // The "Secrets & controllers" folders: the consumer kinds the cluster serves.
      consumers: true,
    });
    this.live = live;
    this.offLive = live.onDidChange(() => {
      if (this.live !== live) return;
      this.updateBadge(live);
      void vscode.commands.executeCommand('setContext', 'wiDoctor.tree.fallback', 'fallback' in live.state && !!live.state.fallback);
      this.changed.fire(undefined);
      this.settled.fire();
      this.scheduleStaleRedraw(live);
    });
    live.start();
    // A fallback namespace chosen for this context is kept in the live cluster's options.
    this.changed.fire(undefined);
    if (live.state.phase !== 'loading') this.settled.fire();
  }

  /** The activity-bar badge: how many workloads are broken (error level) in the shown context. */
  private updateBadge(live: LiveCluster): void {
    const errors = live.state.phase === 'ready' ? live.model?.totals().errors ?? 0 : 0;
    this.view.badge = errors ? { value: errors, tooltip: `${errors} workload${errors === 1 ? '' : 's'} with broken Workload Identity in ${live.identity?.context ?? 'this context'}` } : undefined;
  }

  /** While stale, redraw once a minute so "since N min" stays true. */
  private scheduleStaleRedraw(live: LiveCluster): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    if (live.state.phase !== 'ready' || !live.state.stale || this.live !== live) return;
    this.staleTimer = setTimeout(() => {
      if (this.live !== live) return;
      this.changed.fire(undefined);
      this.scheduleStaleRedraw(live);
    }, 60_000);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(plainText(node.label), node.collapsible === 'none' ? vscode.TreeItemCollapsibleState.None : node.collapsible === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    if (node.description) item.description = plainText(node.description);
    if (node.tooltip?.length) {
      const md = new vscode.MarkdownString(undefined, true);
      node.tooltip.forEach((line, i) => md.appendText(plainText(line) + (i < node.tooltip!.length - 1 ? '\n\n' : '')));
      item.tooltip = md;
    }
    item.contextValue = node.contextValue;
    item.iconPath = iconOf(node);
    if (node.type === 'message' && node.action) item.command = { command: 'wiDoctor.tree.runAction', title: 'Run', arguments: [node] };
    if (node.type === 'workload') item.accessibilityInformation = { label: plainText(`${node.entry.kind} ${node.entry.name}: ${node.description ?? node.entry.status.short}`) };
    if (node.type === 'consumer') item.accessibilityInformation = { label: plainText(`${node.label}: ${node.entry.short}`) };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      if (this.noKubeconfig) return []; // the viewsWelcome content explains it
      return rootNodes(this.live, this.chosenContext);
    }
    return this.live ? childNodes(this.live, node, this.filters, Date.now(), this.overlays) : [];
  }

  /** Resolves when the live cluster is no longer loading (started if needed). */
  async whenSettled(): Promise<void> {
    this.ensureStarted();
    await this.live?.whenSettled();
  }

  dispose(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    for (const w of this.fileWatchers) w.dispose();
    this.offLive?.();
    if (this.live) inBackground(this.log, 'stopping the Workload Identity view failed', this.live.stop());
    for (const d of this.disposables) d.dispose();
  }
}

const LEVEL_ICON: Record<StatusLevel, [string, string]> = {
  ok: ['pass', 'testing.iconPassed'],
  error: ['error', 'problemsErrorIcon.foreground'],
  warning: ['warning', 'problemsWarningIcon.foreground'],
  muted: ['circle-outline', 'disabledForeground'],
};

function levelIcon(level: StatusLevel): vscode.ThemeIcon {
  const [id, color] = LEVEL_ICON[level];
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

/** A diagnosis's verdict as the report view marks it: ✗ fail, ! warning or not checked, – skipped, ✓ pass. */
const VERDICT_ICON: Record<DiagnosisOverlay['kind'], [string, string]> = {
  fail: LEVEL_ICON.error,
  incomplete: LEVEL_ICON.warning,
  warn: LEVEL_ICON.warning,
  partial: ['dash', 'descriptionForeground'],
  pass: LEVEL_ICON.ok,
  // Not shown over a workload (nothing was concluded), listed for completeness.
  'not-found': LEVEL_ICON.muted,
  cancelled: LEVEL_ICON.muted,
};

function verdictIcon(o: DiagnosisOverlay): vscode.ThemeIcon {
  const [id, color] = VERDICT_ICON[o.kind];
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

function iconOf(node: TreeNode): vscode.ThemeIcon {
  switch (node.type) {
    case 'context':
      return new vscode.ThemeIcon('server-environment');
    case 'message':
      return node.level === 'loading' ? new vscode.ThemeIcon('loading~spin') : node.level === 'info' ? new vscode.ThemeIcon('info') : levelIcon(node.level);
    case 'namespace':
      return new vscode.ThemeIcon('symbol-namespace', node.level === 'muted' ? undefined : new vscode.ThemeColor(LEVEL_ICON[node.level][1]));
    case 'folder':
      return new vscode.ThemeIcon(node.kind === 'ServiceAccount' ? 'account' : 'folder', node.level === 'error' || node.level === 'warning' ? new vscode.ThemeColor(LEVEL_ICON[node.level][1]) : undefined);
    case 'serviceAccount':
      return new vscode.ThemeIcon('account', new vscode.ThemeColor(LEVEL_ICON[node.level][1]));
    case 'pod':
      return new vscode.ThemeIcon('server-process', new vscode.ThemeColor(LEVEL_ICON[node.level][1]));
    case 'consumerFolder':
      // Secrets & controllers: a key; the cluster-wide node: a globe; red or yellow as a kind folder.
      return new vscode.ThemeIcon(node.carrier ? 'references' : node.namespace === undefined ? 'globe' : 'key', node.level === 'error' || node.level === 'warning' ? new vscode.ThemeColor(LEVEL_ICON[node.level][1]) : undefined);
    case 'workload':
      if (node.overlay) return verdictIcon(node.overlay);
      // Judged without its pods while they are being listed: not a green check yet.
      return node.entry.status.pending && node.level === 'ok' ? new vscode.ThemeIcon('loading~spin') : levelIcon(node.level);
    default:
      return levelIcon(node.level);
  }
}
