// Wires the live diagnosis into VS Code: the commands (diagnose, copy the report, apply a fix,
// sign in to Azure), the CodeLens, the output channel, report view and sidebar overlay (through
// the Diagnoser), and the part of the extension API the integration tests use. Design: the core
// (checkpoints, runner, renderers, apply-fix) knows nothing of VS Code; everything here only
// adapts it.

import * as vscode from 'vscode';
import { allCheckpoints } from '../../checkpoints';
import type { DiagnosisReport, WorkloadRef } from '../../checkpoints/types';
import type { ClusterApi } from '../../cluster/types';
import { ConfigHolderKinds, ConsumerKinds, diagnosableTypes, parseDiagnosableKind, parseWorkloadKind } from '../../cluster/resources';
import { parseManifestFile } from '../../manifests/document';
import type { DiagnosisOverlays } from '../../tree/overlay';
import type { AzureAccess, AzureOverride } from '../azure/azure-access';
import type { EditorLinter } from '../linting';
import { isYamlDocument, type WorkspaceManifests } from '../workspace-manifests';
import { DIAGNOSE_COMMAND, DiagnoseCodeLens, type PickFromClusterArg, type PresenceSource } from './code-lens';
import { Diagnoser } from './diagnoser';
import { manifestWorkloads } from './manifest-workloads';
import { pickFromManifestOrCluster, pickTarget } from './pick-target';
import { workloadWords } from '../../util/words';
import type { DiagnosePrompts, PromptSeam } from '../prompts';
import { readDiagnoseSettings } from './settings';
import type { Logger } from '../../util/log';

export const COPY_MARKDOWN_COMMAND = 'wiDoctor.copyReportMarkdown';
export const APPLY_FIX_COMMAND = 'wiDoctor.applyFix';
export const SIGN_IN_COMMAND = 'wiDoctor.signInToAzure';

/** A workload as the command takes it (from a CodeLens, the tree, a test). No namespace = the context's default. */
export interface DiagnoseTarget {
  namespace?: string;
  kind: string;
  name: string;
  /** A kubeconfig context other than the configured one (the kubeconfig is not changed). */
  context?: string;
}

/** `wiDoctor.applyFix`'s argument: a fix of the last report of that workload, by its id or its remediation index. */
export interface ApplyFixArgs {
  namespace: string;
  kind: string;
  name: string;
  context?: string;
  checkpoint: string;
  fix: string | number;
}

export interface DiagnoseApi {
  /** Fires after each diagnosis, and after the re-check that follows a fix. */
  onDidDiagnose: vscode.Event<DiagnosisReport>;
  /** Diagnoses a workload as the command does (progress, output, report view); rejects on a target it cannot understand. */
  diagnose(target: DiagnoseTarget, options?: { signal?: AbortSignal }): Promise<DiagnosisReport>;
  /**
   * FOR TESTS: replaces the dialogs of the diagnose commands (quick picks, input boxes, the fix
   * confirmation, error and information messages); `undefined` restores VS Code's own.
   */
  setPrompts(prompts: Partial<DiagnosePrompts> | undefined): void;
  /**
   * FOR TESTS: the Azure endpoints and credential to use instead of VS Code's Microsoft account
   * (diagnoses, "Sign in to Azure", "Pick a managed identity from Azure"); `undefined` restores it.
   */
  setAzure(override: AzureOverride | undefined): void;
  /**
   * FOR TESTS: what the report view of a workload shows now (its report and page), from its last
   * diagnosis in that context (or any); undefined when it has no report view.
   */
  shownReport(target: { namespace: string; kind: string; name: string; context?: string }): { report: DiagnosisReport; html: string } | undefined;
}

export interface DiagnoseRegistration {
  api: DiagnoseApi;
  /** For the sidebar: fixes it applies are changes the next diagnosis of those workloads knows of. */
  diagnoser: Diagnoser;
  /** The CodeLens says what the sidebar's live cluster knows of each manifest's object. */
  usePresence: (source: PresenceSource) => void;
}

const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { language: 'helm' }, { pattern: '**/*.{yaml,yml}' }];

export interface DiagnoseDeps {
  manifests: WorkspaceManifests;
  linter: EditorLinter;
  prompts: PromptSeam;
  azure: AzureAccess;
  /** The sidebar's overlays, which every published report updates. */
  overlays: DiagnosisOverlays;
  /** Called after an interactive Azure sign-in succeeded. */
  onSignedIn?: () => void;
  /** The extension's version, as the reports name the tool. */
  version: string;
  /** Where a bug in work nobody awaits (a report view's button) is said. */
  log?: Logger;
}

export function registerDiagnoseCommands(context: vscode.ExtensionContext, deps: DiagnoseDeps): DiagnoseRegistration {
  const { prompts, azure, version } = deps;
  const diagnoser = new Diagnoser({
    // Cluster and Azure: without an Azure sign-in the Azure checkpoints are skipped, offering one.
    checkpoints: () => allCheckpoints,
    settings: readDiagnoseSettings,
    prompts,
    azure,
    overlays: deps.overlays,
    tool: { name: 'Workload Identity Doctor for VS Code', version },
    iconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'wi-doctor.svg'),
    onSignedIn: deps.onSignedIn,
    log: deps.log,
  });
  const lenses = new DiagnoseCodeLens(deps.manifests, deps.linter, () => readDiagnoseSettings().codeLens);

  /** `connected`: the cluster the caller already connected to (the palette's pickers), else the target's context. */
  const diagnoseTarget = async (t: DiagnoseTarget, signal?: AbortSignal, connected?: ClusterApi): Promise<DiagnosisReport> => {
    const kind = parseWorkloadKind(t.kind);
    const consumerKind = kind ? undefined : parseDiagnosableKind(t.kind);
    if (!kind && !consumerKind) throw new Error(`"${t.kind}" is not a kind Workload Identity Doctor can diagnose (a workload: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod; or an object a controller authenticates for: ${[...ConsumerKinds, ...ConfigHolderKinds].join(', ')}).`);
    if (!t.name) throw new Error(`The ${kind ?? consumerKind} has no name.`);
    const cluster = connected ?? diagnoser.connect(t.context);
    if (consumerKind) {
      // Whose identity it uses, then the chain on the workload that carries it.
      const namespaced = diagnosableTypes[consumerKind][0]!.namespaced;
      return diagnoser.runConsumer(cluster, { kind: consumerKind, namespace: namespaced ? t.namespace || cluster.identity.namespace : undefined, name: t.name }, { signal, contextOverride: t.context });
    }
    const target: WorkloadRef = { namespace: t.namespace || cluster.identity.namespace, kind: kind!, name: t.name };
    return diagnoser.run(cluster, target, { signal, contextOverride: t.context });
  };

  const diagnoseCommand = async (arg?: unknown): Promise<DiagnosisReport | undefined> => {
    const explicit = asTarget(arg);
    if (explicit) {
      try {
        return await diagnoseTarget(explicit);
      } catch (e) {
        void prompts.current.error(`Workload Identity Doctor: ${(e as Error).message}`);
        return undefined;
      }
    }
    // From the palette (no argument) or the editor's context menu (the file's URI): with a manifest
    // focused, a quick pick (the workload under the cursor first, "Pick from the cluster…" last);
    // otherwise the cluster's pickers. A CodeLens or the sidebar passes its workload (above); a
    // lens over a manifest the cluster does not run asks for the cluster's pickers of its context.
    const fromCluster = asPickFromCluster(arg);
    const cluster = diagnoser.connect(fromCluster?.context);
    const inEditor = fromCluster ? undefined : manifestInEditor(editorFor(arg), deps);
    const target = inEditor ? await pickFromManifestOrCluster(cluster, prompts.current, inEditor) : await pickTarget(cluster, prompts.current);
    if (!target) return undefined;
    const contextOverride = fromCluster?.context;
    if (parseWorkloadKind(target.kind)) return diagnoser.run(cluster, { ...target, kind: parseWorkloadKind(target.kind)! }, { contextOverride });
    try {
      return await diagnoseTarget({ ...target, ...(contextOverride ? { context: contextOverride } : {}) }, undefined, cluster);
    } catch (e) {
      void prompts.current.error(`Workload Identity Doctor: ${(e as Error).message}`);
      return undefined;
    }
  };

  const applyFixCommand = async (arg?: unknown): Promise<DiagnosisReport | undefined> => {
    const a = arg as Partial<ApplyFixArgs> | undefined;
    const kind = typeof a?.kind === 'string' ? parseWorkloadKind(a.kind) : undefined;
    if (!a || !kind || typeof a.namespace !== 'string' || typeof a.name !== 'string' || typeof a.checkpoint !== 'string' || (typeof a.fix !== 'string' && typeof a.fix !== 'number')) {
      void prompts.current.error('Workload Identity Doctor: apply a fix from the report view of a diagnosis.');
      return undefined;
    }
    const entry = diagnoser.find({ namespace: a.namespace, kind, name: a.name, context: a.context });
    if (!entry) {
      void prompts.current.error(`Workload Identity Doctor: diagnose ${workloadWords({ kind, name: a.name, namespace: a.namespace })} before applying a fix.`);
      return undefined;
    }
    return diagnoser.applyFix(entry, a.checkpoint, a.fix);
  };

  context.subscriptions.push(
    diagnoser,
    lenses,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.commands.registerCommand(DIAGNOSE_COMMAND, diagnoseCommand),
    vscode.commands.registerCommand(COPY_MARKDOWN_COMMAND, () => diagnoser.copyMarkdown()),
    vscode.commands.registerCommand(APPLY_FIX_COMMAND, applyFixCommand),
    // From the palette or the walkthrough: sign in, say who, and offer to diagnose the last workload again.
    vscode.commands.registerCommand(SIGN_IN_COMMAND, () => diagnoser.signInToAzure()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('wiDoctor.diagnose.codeLens')) lenses.refresh();
    }),
  );

  const api: DiagnoseApi = {
    onDidDiagnose: diagnoser.onDidDiagnose,
    diagnose: (target, options) => diagnoseTarget(target, options?.signal),
    setPrompts: (p) => prompts.set(p),
    setAzure: (o) => azure.setOverride(o),
    shownReport: (t) => {
      const entry = diagnoser.find(t);
      return entry && diagnoser.shown(entry);
    },
  };
  return { api, diagnoser, usePresence: (source) => lenses.usePresence(source) };
}

/** The CodeLens's "pick a workload from this context's cluster" argument. */
function asPickFromCluster(arg: unknown): PickFromClusterArg | undefined {
  if (!arg || typeof arg !== 'object' || (arg as Partial<PickFromClusterArg>).pickFromCluster !== true) return undefined;
  const context = (arg as { context?: unknown }).context;
  return { pickFromCluster: true, ...(typeof context === 'string' && context ? { context } : {}) };
}

/** An explicit target argument; a URI (the editor's context menu) or nothing is not one. */
function asTarget(arg: unknown): DiagnoseTarget | undefined {
  if (!arg || typeof arg !== 'object' || arg instanceof vscode.Uri) return undefined;
  const { namespace, kind, name, context } = arg as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  return {
    kind,
    name,
    namespace: typeof namespace === 'string' && namespace ? namespace : undefined,
    context: typeof context === 'string' && context ? context : undefined,
  };
}

function editorFor(arg: unknown): vscode.TextEditor | undefined {
  if (arg instanceof vscode.Uri) {
    const key = arg.toString();
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key) ?? vscode.window.activeTextEditor;
  }
  return vscode.window.activeTextEditor;
}

/** The workloads of the YAML file an editor shows, and its cursor's line; undefined for another editor or none. */
function manifestInEditor(editor: vscode.TextEditor | undefined, deps: { manifests: WorkspaceManifests; linter: EditorLinter }) {
  const doc = editor?.document;
  if (!editor || !doc || !isYamlDocument(doc)) return undefined;
  const cache = deps.linter.shouldLint(doc) ? deps.manifests.parseCache : undefined;
  const file = parseManifestFile(doc.uri.toString(), doc.getText(), cache);
  return { workloads: manifestWorkloads(file), cursorLine: editor.selection.active.line, name: vscode.workspace.asRelativePath(doc.uri) };
}
