// The composition root: builds the parts and registers them. Logic lives in the
// core (manifests, rules, lint, checkpoints) and the editor adapters (src/editor).
// Nothing here loads an Azure SDK: the Azure half (dist/azure.js) is loaded on first use.

import * as vscode from 'vscode';
import { AzureAccess } from './editor/azure/azure-access';
import { registerPickIdentity } from './editor/azure/pick-identity';
import { registerDiagnoseCommands, type DiagnoseApi } from './editor/diagnose/register-diagnose';
import { PromptSeam } from './editor/prompts';
import { readDiagnoseSettings } from './editor/diagnose/settings';
import type { LintEvent } from './editor/linting';
import { registerLinting } from './editor/register-linting';
import { safeLog } from './editor/safe-output';
import { registerTree, type TreeApi } from './editor/tree/register-tree';
import { presenceOf } from './tree/presence';
import { registerWalkthrough, WalkthroughProgress, type WalkthroughApi } from './editor/walkthrough';
import { DiagnosisOverlays } from './tree/overlay';

/** What the extension returns from activate(): used by the integration tests to wait on events instead of sleeping. */
export interface WorkloadIdentityDoctorApi extends DiagnoseApi, TreeApi {
  /** Fires after a document was linted and its diagnostics published: its URI, the version linted, the number of findings. */
  onDidLint: vscode.Event<LintEvent>;
  /** The last lint of an open document, or undefined if it was not linted since it was opened. */
  lastLint(uri: vscode.Uri): LintEvent | undefined;
  whenIndexed(): Promise<void>;
  /** The "Get started" walkthrough's steps completed in this session. */
  walkthrough: WalkthroughApi;
}

export function activate(context: vscode.ExtensionContext): WorkloadIdentityDoctorApi {
  const log = vscode.window.createOutputChannel('Workload Identity Doctor', { log: true });
  context.subscriptions.push(log);
  // Everything the core says that is no one's result (a listener that threw) goes to this channel, made safe there.
  const logger = safeLog(log);
  const { linter, manifests } = registerLinting(context, logger);
  // One prompts seam and one Azure access for every command, so a test's replacements reach them all.
  const prompts = new PromptSeam();
  const azure = new AzureAccess();
  const walkthrough = new WalkthroughProgress();
  const onSignedIn = () => void walkthrough.complete('signIn');
  // The last diagnosis of each workload, shown over its item in the sidebar until the cluster changes it.
  const overlays = new DiagnosisOverlays();
  const version = extensionVersion(context);
  const { api: diagnosis, diagnoser, usePresence } = registerDiagnoseCommands(context, { linter, manifests, prompts, azure, overlays, onSignedIn, version, log: logger });
  registerPickIdentity(context, { azure, prompts, linter, manifests, timeoutMs: () => readDiagnoseSettings().timeoutMs, onSignedIn });
  // The sidebar tree: it reads the cluster only once its view is shown.
  const tree = registerTree(context, {
    prompts,
    azure,
    overlays,
    version,
    log: logger,
    onChanged: (where, workloads, at) => {
      for (const w of workloads) diagnoser.noteChange(where, w, at);
    },
  });
  // The CodeLens above a manifest's workload says what the sidebar's live cluster knows of it (no request of its own).
  usePresence({
    of: (q) => {
      const live = tree.tree.cluster;
      return live && presenceOf(live, q);
    },
    onDidChange: (listener) => tree.tree.onDidChangeTreeData(() => void listener()),
  });
  registerWalkthrough(context, walkthrough, { linter, manifests, onDidDiagnose: diagnosis.onDidDiagnose, tree: tree.tree });
  return { ...diagnosis, ...tree, onDidLint: linter.onDidLint, lastLint: (uri) => linter.lastLint(uri), whenIndexed: () => manifests.whenScanned(), walkthrough: walkthrough.api() };
}

function extensionVersion(context: vscode.ExtensionContext): string {
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0';
}

export function deactivate(): void {}
