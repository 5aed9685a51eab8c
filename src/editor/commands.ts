// Palette commands of the linter. Every command has a category and the prefix.

import * as vscode from 'vscode';
import { ALL_RULES } from '../rules';
import { SHOW_DOCS_COMMAND } from './code-actions';
import type { EditorLinter } from './linting';
import { notify } from './safe-output';
import type { WorkspaceManifests } from './workspace-manifests';

export function registerLintCommands(context: vscode.ExtensionContext, linter: EditorLinter, manifests: WorkspaceManifests, docsUri: (id: string) => vscode.Uri): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_DOCS_COMMAND, async (ruleId?: string) => {
      const id = ruleId ?? (await pickRule());
      if (!id) return;
      await vscode.commands.executeCommand('markdown.showPreview', docsUri(id));
    }),
    vscode.commands.registerCommand('wiDoctor.listRules', async () => {
      const id = await pickRule();
      if (id) await vscode.commands.executeCommand('markdown.showPreview', docsUri(id));
    }),
    vscode.commands.registerCommand('wiDoctor.relint', async () => {
      await manifests.scan();
      linter.relintAll();
    }),
    vscode.commands.registerCommand('wiDoctor.fixAll', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void notify.info('Workload Identity Doctor: open a YAML manifest to fix.');
        return;
      }
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.wiDoctor');
      const mine = actions?.find((a) => a.title.startsWith('Fix all safe Workload Identity problems'));
      if (!mine?.edit) {
        void notify.info('Workload Identity Doctor: nothing to fix safely in this file.');
        return;
      }
      await vscode.workspace.applyEdit(mine.edit);
    }),
  );
}

async function pickRule(): Promise<string | undefined> {
  const pick = await vscode.window.showQuickPick(
    ALL_RULES.map((r) => ({ label: r.meta.id, description: `${r.meta.defaultSeverity}${r.meta.fixable ? ' · ' + (r.meta.fixable === 'safe' ? 'safe fix' : 'suggestion') : ''}`, detail: r.meta.description })),
    { title: 'Workload Identity Doctor rules', matchOnDetail: true, placeHolder: 'Pick a rule to read its documentation' },
  );
  return pick?.label;
}
