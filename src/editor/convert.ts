// Core positions and edits -> VS Code objects. The only place that knows both.

import * as vscode from 'vscode';
import type { Range, TextEdit } from '../manifests/text';
import type { Finding, Severity } from '../rules/types';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'wi-doctor';

export function toDiagnostic(f: Finding, docsUri: (ruleId: string) => vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.ruleId, target: docsUri(f.ruleId) };
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(r.file), toRange(r.range)), r.message));
  }
  return d;
}

/** A fix as a WorkspaceEdit; edits in `docUri` that carry a snippet become snippet edits (tab stops). */
export function toWorkspaceEdit(edits: readonly TextEdit[], docUri?: vscode.Uri): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, list] of byFile) {
    const uri = vscode.Uri.parse(file);
    const isDoc = docUri && uri.toString() === docUri.toString();
    we.set(uri, list.map((e) => (isDoc && e.snippet !== undefined ? new vscode.SnippetTextEdit(toRange(e.range), new vscode.SnippetString(e.snippet)) : new vscode.TextEdit(toRange(e.range), e.newText))));
  }
  return we;
}

export function sameFinding(d: vscode.Diagnostic, f: Finding): boolean {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return code === f.ruleId && d.message === f.message && d.range.isEqual(toRange(f.range));
}
