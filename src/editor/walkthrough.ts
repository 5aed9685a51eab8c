// The "Get started with Workload Identity Doctor" walkthrough (package.json
// `contributes.walkthroughs`). Each step completes on the event it teaches, never on a click of its
// button: its `completionEvents` is `onContext:<key>`, and this module, the one place that knows the
// keys, sets a key only when the thing really happened —
//   signIn        an interactive Azure sign-in succeeded (not one that failed or was cancelled);
//   pickContext   the sidebar tree listed a kube context's workloads (not an unreadable kubeconfig
//                 or an unreachable cluster);
//   openManifest  a YAML document with a workload or a ServiceAccount was linted and is shown in an
//                 editor;
//   diagnose      a diagnosis reached the cluster and produced its report (not one that was
//                 cancelled, could not connect, or never started).
// VS Code keeps a completed step completed across sessions; the keys only say "it happened in this
// session". The other adapters report events here (`complete`) or are observed through the events
// they already expose.

import * as vscode from 'vscode';
import type { DiagnosisReport } from '../checkpoints/types';
import { parseManifestFile, type ManifestFile } from '../manifests/document';
import { isWorkloadKind, objectsOfFile } from '../manifests/objects';
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

export const OPEN_EXAMPLE_COMMAND = 'wiDoctor.openExampleManifest';

/** What the extension's API tells about the walkthrough (tests wait on it). */
export interface WalkthroughApi {
  /** The steps completed in this session, in the order they completed. */
  completedSteps(): WalkthroughStep[];
  /** Fires once per step, after its context key is set. */
  onDidCompleteStep: vscode.Event<WalkthroughStep>;
  readonly contextKeys: Readonly<Record<WalkthroughStep, string>>;
  /** FOR TESTS: forgets this session's completions and clears the keys (VS Code's own record of the steps stays). */
  reset(): Promise<void>;
}

export class WalkthroughProgress implements vscode.Disposable {
  private readonly done: WalkthroughStep[] = [];
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
    this.emitter.fire(step);
  }

  api(): WalkthroughApi {
    return {
      completedSteps: () => [...this.done],
      onDidCompleteStep: this.onDidCompleteStep,
      contextKeys: STEP_CONTEXT_KEYS,
      reset: async () => {
        this.done.length = 0;
        for (const key of Object.values(STEP_CONTEXT_KEYS)) await vscode.commands.executeCommand('setContext', key, false);
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
  // "Open a manifest": a document linted with a workload or ServiceAccount that an editor shows. A
  // document can be linted without being shown (re-linted after another file changed, or still
  // loaded after its editor closed), and shown before its first lint: either event may come last.
  const withIdentity = new Set<string>();
  const checkShown = (): void => {
    if (!progress.has('openManifest') && vscode.window.visibleTextEditors.some((e) => withIdentity.has(e.document.uri.toString()))) void progress.complete('openManifest');
  };
  const noteLinted = (document: vscode.TextDocument, file: ManifestFile): void => {
    if (progress.has('openManifest')) return;
    if (isManifestWithIdentity(file)) withIdentity.add(document.uri.toString());
    else withIdentity.delete(document.uri.toString());
    checkShown();
  };
  context.subscriptions.push(
    progress,
    linter.onDidLintFile(({ document, file }) => noteLinted(document, file)),
    vscode.window.onDidChangeVisibleTextEditors(checkShown),
    vscode.workspace.onDidCloseTextDocument((d) => withIdentity.delete(d.uri.toString())),
    deps.onDidDiagnose((report) => {
      if (!progress.has('diagnose') && reachedCluster(report)) void progress.complete('diagnose');
    }),
    deps.tree.onDidRefresh(() => {
      const live = deps.tree.cluster;
      if (!progress.has('pickContext') && live?.identity && live.state.phase === 'ready') void progress.complete('pickContext');
    }),
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, openExample),
  );
  // Opening a YAML file is what activates the extension, and its first lint ran before this listened:
  // look at the documents open now (their parses come from the cache: the text is the one just linted).
  for (const d of vscode.workspace.textDocuments) if (linter.shouldLint(d)) noteLinted(d, parseManifestFile(d.uri.toString(), d.getText(), manifests.parseCache));
}

/** A workload (Deployment, CronJob, Pod…) or a ServiceAccount: what the linter and the diagnosis are about. */
function isManifestWithIdentity(file: ManifestFile): boolean {
  return objectsOfFile(file).some((o) => isWorkloadKind(o.kind) || o.kind === 'ServiceAccount');
}

/** A report of a diagnosis that ran against a cluster: not cancelled, and the connection checkpoint passed. */
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
