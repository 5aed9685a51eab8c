// Wires the linter into VS Code: document events, settings, the workspace index,
// code actions and commands. Returns the pieces the extension's test API exposes.

import * as vscode from 'vscode';
import { RuleSet } from '../lint/engine';
import { ParseCache } from '../manifests/document';
import { WorkspaceIndex } from '../manifests/workspace-index';
import { ALL_RULES } from '../rules';
import { WorkloadIdentityCodeActions } from './code-actions';
import { registerLintCommands } from './commands';
import { EditorLinter } from './linting';
import { readLintSettings, type LintSettings } from './settings';
import { isHelpersFile, WorkspaceManifests } from './workspace-manifests';
import { notify, type SafeLog } from './safe-output';
import { inBackground } from '../util/log';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'helm' },
  { pattern: '**/{*.yaml,*.yml,Kustomization}' },
];

export function registerLinting(context: vscode.ExtensionContext, log: SafeLog): { linter: EditorLinter; manifests: WorkspaceManifests } {
  const rules = new RuleSet(ALL_RULES);
  let settings: LintSettings = readLintSettings();
  const reportSettingsProblems = () => {
    for (const p of settings.problems) {
      log.warn(p);
      void notify.warn(`Workload Identity Doctor: ${p}`);
    }
  };
  reportSettingsProblems();

  const manifests = new WorkspaceManifests(new WorkspaceIndex(), new ParseCache(), (m) => log.info(m));
  manifests.setExclude(settings.exclude);
  const docsUri = (id: string) => vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
  const linter = new EditorLinter(manifests, rules, () => settings, docsUri);

  context.subscriptions.push(
    manifests,
    linter,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new WorkloadIdentityCodeActions(linter, manifests, rules, () => settings), {
      providedCodeActionKinds: WorkloadIdentityCodeActions.kinds,
    }),
    vscode.workspace.onDidOpenTextDocument((d) => linter.shouldLint(d) && linter.schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!e.contentChanges.length) return;
      // A Helm helper being edited: the chart's templates read its defines.
      if (isHelpersFile(e.document.uri) && !manifests.isExcluded(e.document.uri)) {
        if (manifests.updateHelpersFromDocument(e.document)) linter.relintAll();
        return;
      }
      if (!linter.shouldLint(e.document)) return;
      linter.noteChange(e);
      linter.schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      linter.forget(d.uri);
      inBackground(log, `re-reading ${d.uri.toString()} after its editor closed failed`, manifests.documentClosed(d));
    }),
    manifests.onDidChangeIndex(() => linter.relintAll()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('wiDoctor') && !e.affectsConfiguration('files.exclude')) return;
      settings = readLintSettings();
      reportSettingsProblems();
      manifests.setExclude(settings.exclude);
      if (e.affectsConfiguration('wiDoctor.lint.exclude') || e.affectsConfiguration('files.exclude')) inBackground(log, 'indexing the workspace failed', manifests.scan());
      linter.relintAll();
    }),
  );
  registerLintCommands(context, linter, manifests, docsUri);

  for (const d of vscode.workspace.textDocuments) if (linter.shouldLint(d)) linter.lintNow(d);
  inBackground(log, 'indexing the workspace failed', manifests.scan());
  return { linter, manifests };
}
