// The "Get started with Workload Identity Doctor" walkthrough (package.json
// `contributes.walkthroughs`). Each step completes on the event it teaches, however it happened,
// never on a click of its button: its `completionEvents` is `onContext:<key> && activeEditor ==
// 'gettingStartedPage'`, and this module, the one place that knows the keys, sets a key only when
// the thing really happened —
//   signIn        an interactive Azure sign-in succeeded (not one that failed or was cancelled);
//   pickContext   the sidebar tree listed a kube context's workloads, the kubeconfig's or the one
//                 picked (not an unreadable kubeconfig or an unreachable cluster);
//   openManifest  a Kubernetes manifest (a YAML document with `apiVersion` and `kind`: what the
//                 linter checks) was linted and is shown in an editor; a GitHub workflow, a Helm
//                 values.yaml or any other YAML without a Kubernetes object is not one;
//   diagnose      a diagnosis reached the cluster and produced its report, whatever its verdict (a
//                 broken link and "not found" count: the step is "run a diagnosis", not "pass one");
//                 not one that was cancelled, could not connect, or never started.
//
// Why `activeEditor == 'gettingStartedPage'` (VS Code's own key for the Welcome and walkthrough
// page): VS Code (1.100) registers the walkthrough's completion expressions only when it first
// needs the walkthroughs (the Welcome page or a walkthrough opened), and an expression already
// true then is marked as seen without ticking its step; nothing ticks it again in that session.
// A step done before the walkthrough was opened (the usual order: a manifest opened, the sidebar
// shown, a diagnosis run, then "Get started") would stay unticked. With the page's own key in the
// expression, it is false while the walkthroughs are registered (the page is not active yet) and
// turns true when the page is shown with the step done: the step ticks as the user looks at it.
// VS Code keeps a completed step completed across sessions; the keys only say "it happened in this
// session". The other adapters report events here (`complete`) or are observed through the events
// they already expose.

import * as vscode from 'vscode';
import type { DiagnosisReport } from '../checkpoints/types';
import { parseManifestFile, type ManifestFile } from '../manifests/document';
import { objectsOfDoc } from '../manifests/objects';
import type { EditorLinter } from './linting';
import type { WorkloadsTree } from './tree/workloads-tree';
import type { WorkspaceManifests } from './workspace-manifests';

export const WALKTHROUGH_STEPS = ['signIn', 'pickContext', 'openManifest', 'diagnose'] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

/** The context key each step's `completionEvents` waits on (`onContext:<key>` in package.json). */
export const STEP_CONTEXT_KEYS: Readonly<Record<WalkthroughStep, string>> = {
  signIn: 'wiDoctor.walkthrough.signedIn',
  pickContext: 'wiDoctor.walkthrough.contextShown',
  openManifest: 'wiDoctor.walkthrough.manifestLinted',
  diagnose: 'wiDoctor.walkthrough.diagnosed',
};

/** VS Code's context key of the Welcome and walkthrough page, active (see the header). */
export const WALKTHROUGH_PAGE_SHOWN = "activeEditor == 'gettingStartedPage'";

/** A step's `completionEvents` entry in package.json. */
export function completionEvent(step: WalkthroughStep): string {
  return `onContext:${STEP_CONTEXT_KEYS[step]} && ${WALKTHROUGH_PAGE_SHOWN}`;
}

export const OPEN_EXAMPLE_COMMAND = 'wiDoctor.openExampleManifest';
/** The "Pick a Kube Context" button: shows the sidebar (so the context picked is listed there), then the tree's context picker. */
export const PICK_CONTEXT_COMMAND = 'wiDoctor.walkthrough.pickKubeContext';
const TREE_VIEW_CONTAINER_COMMAND = 'workbench.view.extension.wiDoctor';
const TREE_SWITCH_CONTEXT_COMMAND = 'wiDoctor.tree.switchContext';

/** What the extension's API tells about the walkthrough (tests wait on it). */
export interface WalkthroughApi {
  /** The steps completed in this session, in the order they completed. */
  completedSteps(): WalkthroughStep[];
  /** Fires once per step, after its context key is set. */
  onDidCompleteStep: vscode.Event<WalkthroughStep>;
  readonly contextKeys: Readonly<Record<WalkthroughStep, string>>;
  /** The value this window last gave each step's context key through `setContext` (what VS Code's expression reads). */
  contextValue(step: WalkthroughStep): boolean;
  /** Each step's `completionEvents` entry, as package.json must spell it. */
  completionEvent(step: WalkthroughStep): string;
  /** FOR TESTS: forgets this session's completions and clears the keys (VS Code's own record of the steps stays). */
  reset(): Promise<void>;
}

export class WalkthroughProgress implements vscode.Disposable {
  private readonly done: WalkthroughStep[] = [];
  private readonly keyValues = new Map<WalkthroughStep, boolean>();
  private readonly emitter = new vscode.EventEmitter<WalkthroughStep>();
  readonly onDidCompleteStep = this.emitter.event;

  has(step: WalkthroughStep): boolean {
    return this.done.includes(step);
  }

  /** Marks a step done: sets its context key (VS Code then ticks the step), then fires. */
  async complete(step: WalkthroughStep): Promise<void> {
    if (this.has(step)) return;
    this.done.push(step);
    await vscode.commands.executeCommand('setContext', STEP_CONTEXT_KEYS[step], true);
    this.keyValues.set(step, true);
    this.emitter.fire(step);
  }

  api(): WalkthroughApi {
    return {
      completedSteps: () => [...this.done],
      onDidCompleteStep: this.onDidCompleteStep,
      contextKeys: STEP_CONTEXT_KEYS,
      contextValue: (step) => this.keyValues.get(step) ?? false,
      completionEvent,
      reset: async () => {
        this.done.length = 0;
        for (const step of WALKTHROUGH_STEPS) {
          await vscode.commands.executeCommand('setContext', STEP_CONTEXT_KEYS[step], false);
          this.keyValues.set(step, false);
        }
      },
    };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export interface WalkthroughDeps {
  linter: EditorLinter;
  manifests: WorkspaceManifests;
  onDidDiagnose: vscode.Event<DiagnosisReport>;
  tree: WorkloadsTree;
}

/** Watches the events that complete the manifest, context and diagnosis steps, and registers the example command. */
export function registerWalkthrough(context: vscode.ExtensionContext, progress: WalkthroughProgress, deps: WalkthroughDeps): void {
  const { linter, manifests } = deps;
  // "Open a manifest": a Kubernetes manifest linted that an editor shows. A
  // document can be linted without being shown (re-linted after another file changed, or still
  // loaded after its editor closed), and shown before its first lint: either event may come last.
  const manifestUris = new Set<string>();
  const checkShown = (): void => {
    if (!progress.has('openManifest') && vscode.window.visibleTextEditors.some((e) => manifestUris.has(e.document.uri.toString()))) void progress.complete('openManifest');
  };
  // Kept even once the step is done: cheap (the objects are read once per parse), and the record is right after a reset.
  const noteLinted = (document: vscode.TextDocument, file: ManifestFile): void => {
    if (isKubernetesManifest(file)) manifestUris.add(document.uri.toString());
    else manifestUris.delete(document.uri.toString());
    checkShown();
  };
  context.subscriptions.push(
    progress,
    linter.onDidLintFile(({ document, file }) => noteLinted(document, file)),
    vscode.window.onDidChangeVisibleTextEditors(checkShown),
    vscode.workspace.onDidCloseTextDocument((d) => manifestUris.delete(d.uri.toString())),
    deps.onDidDiagnose((report) => {
      if (!progress.has('diagnose') && reachedCluster(report)) void progress.complete('diagnose');
    }),
    deps.tree.onDidRefresh(() => {
      const live = deps.tree.cluster;
      if (!progress.has('pickContext') && live?.identity && live.state.phase === 'ready') void progress.complete('pickContext');
    }),
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, openExample),
    vscode.commands.registerCommand(PICK_CONTEXT_COMMAND, pickKubeContext),
  );
  // Opening a YAML file is what activates the extension, and its first lint ran before this listened:
  // look at the documents open now (their parses come from the cache: the text is the one just linted).
  for (const d of vscode.workspace.textDocuments) if (linter.shouldLint(d)) noteLinted(d, parseManifestFile(d.uri.toString(), d.getText(), manifests.parseCache));
}

/** A Kubernetes manifest: at least one document with `apiVersion` and `kind`, what the linter's rules read. */
function isKubernetesManifest(file: ManifestFile): boolean {
  return file.docs.some((d) => objectsOfDoc(d).length > 0);
}

/** Shows the Workload Identity view first: a context picked while the view is closed would be listed only once it is opened. */
async function pickKubeContext(): Promise<void> {
  await vscode.commands.executeCommand(TREE_VIEW_CONTAINER_COMMAND);
  await vscode.commands.executeCommand(TREE_SWITCH_CONTEXT_COMMAND);
}

/**
 * A report of a diagnosis that ran against a cluster: not cancelled, and the connection checkpoint
 * passed. Whatever it found (a broken link, a workload not found) counts: the step is to run one.
 */
function reachedCluster(report: DiagnosisReport): boolean {
  return !report.cancelled && report.checkpoints.some((c) => c.id === 'cluster-connection' && c.status === 'pass');
}

/** An unsaved example manifest with one mistake the linter underlines, for a user without one at hand. */
async function openExample(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: EXAMPLE_MANIFEST });
  return vscode.window.showTextDocument(doc);
}

export const EXAMPLE_MANIFEST = `# An example (not saved, not applied): a Deployment meant to use Azure Workload Identity, and its
# ServiceAccount. The label below sits on the Deployment, where the webhook never looks: hover
# the underlined key, then press Ctrl+. (Cmd+. on macOS) for the fix.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders-sa
  namespace: shop
  annotations:
    azure.workload.identity/client-id: 3f2b8c1e-7d4a-4e9b-a6c5-0b1d2e3f4a5b
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
  labels:
    azure.workload.identity/use: "true"
spec:
  replicas: 1
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
    spec:
      serviceAccountName: orders-sa
      containers:
        - name: orders
          image: mcr.microsoft.com/azure-cli:latest
          command: ["sleep", "infinity"]
`;
