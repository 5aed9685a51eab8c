// Quick fixes and fix-all. Every finding offers its own fixes (safe ones are
// preferred), then "Disable <rule> for this line", "... for this file" and "Show
// documentation for <rule>". `source.fixAll.wiDoctor` applies every safe fix of the
// file (the core's fixAll, repeated until stable) as one minimal edit, so it can run
// on save via `editor.codeActionsOnSave`.

import * as vscode from 'vscode';
import { fixAll, minimalReplacement } from '../lint/fix-all';
import type { RuleSet } from '../lint/engine';
import { disableForFileEdit, disableForLineEdit } from '../lint/suppression';
import { LineIndex } from '../manifests/text';
import { DIAGNOSTIC_SOURCE, sameFinding, toWorkspaceEdit } from './convert';
import type { EditorLinter } from './linting';
import type { LintSettings } from './settings';
import type { WorkspaceManifests } from './workspace-manifests';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('wiDoctor');
export const SHOW_DOCS_COMMAND = 'wiDoctor.showRuleDocumentation';
const FIX_ALL_TITLE = 'Fix all safe Workload Identity problems in this file';

export class WorkloadIdentityCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(
    private readonly linter: EditorLinter,
    private readonly manifests: WorkspaceManifests,
    private readonly rules: RuleSet,
    private readonly settings: () => LintSettings,
  ) {}

  private readonly pending = new WeakMap<vscode.CodeAction, vscode.TextDocument>();

  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    const doc = this.pending.get(action);
    if (doc && !doc.isClosed) action.edit = this.fixAllAction(doc)?.edit ?? new vscode.WorkspaceEdit();
    return action;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!this.linter.shouldLint(doc)) return [];
    if (context.only && FIX_ALL_KIND.intersects(context.only) && !vscode.CodeActionKind.QuickFix.intersects(context.only)) {
      const a = this.fixAllAction(doc);
      return a ? [a] : [];
    }
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const findings = this.linter.current(doc);
    const text = doc.getText();
    const file = doc.uri.toString();
    const actions: vscode.CodeAction[] = [];
    const disables: vscode.CodeAction[] = [];
    const seenRules = new Set<string>();
    for (const diag of context.diagnostics) {
      if (diag.source !== DIAGNOSTIC_SOURCE) continue;
      const f = findings.find((x) => sameFinding(diag, x));
      if (!f) continue;
      for (const fix of f.fixes) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [diag];
        a.isPreferred = fix.safe;
        a.edit = toWorkspaceEdit(fix.edits, doc.uri);
        actions.push(a);
      }
      if (seenRules.has(f.ruleId + ':' + f.range.start.line)) continue;
      seenRules.add(f.ruleId + ':' + f.range.start.line);
      const line = new vscode.CodeAction(`Disable ${f.ruleId} for this line`, vscode.CodeActionKind.QuickFix);
      line.diagnostics = [diag];
      line.edit = toWorkspaceEdit([disableForLineEdit(file, text, f)]);
      const whole = new vscode.CodeAction(`Disable ${f.ruleId} for this file`, vscode.CodeActionKind.QuickFix);
      whole.diagnostics = [diag];
      whole.edit = toWorkspaceEdit([disableForFileEdit(file, text, f.ruleId)]);
      const docs = new vscode.CodeAction(`Show documentation for ${f.ruleId}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: SHOW_DOCS_COMMAND, title: docs.title, arguments: [f.ruleId] };
      disables.push(line, whole, docs);
    }
    if (findings.filter((f) => f.fixes.some((x) => x.safe && x.edits.every((e) => e.file === file))).length > 1 && actions.length) {
      // The edit is computed in resolveCodeAction, only if the user picks it: fix-all
      // re-lints the file until stable, too much work for every lightbulb request.
      const all = new vscode.CodeAction(FIX_ALL_TITLE, vscode.CodeActionKind.QuickFix);
      this.pending.set(all, doc);
      actions.push(all);
    }
    return [...actions, ...disables];
  }

  private fixAllAction(doc: vscode.TextDocument): vscode.CodeAction | undefined {
    const before = doc.getText();
    const file = doc.uri.toString();
    const result = fixAll(file, before, this.manifests.index, this.rules, { rules: this.settings().rules }, this.manifests.parseCache);
    // fixAll indexed the fixed text; put the index back to what the editor holds until the edit lands.
    this.manifests.updateFromDocument(doc);
    const change = minimalReplacement(before, result.text);
    if (!change) return undefined;
    const lines = new LineIndex(before);
    const s = lines.positionAt(change.start);
    const e = lines.positionAt(change.end);
    const a = new vscode.CodeAction(`${FIX_ALL_TITLE} (${result.applied})`, FIX_ALL_KIND);
    a.edit = new vscode.WorkspaceEdit();
    a.edit.replace(doc.uri, new vscode.Range(s.line, s.character, e.line, e.character), change.text);
    return a;
  }
}
