import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { LintEvent } from '../../src/editor/linting';
import type { TreeNode } from '../../src/tree/nodes';
import { waitForEvent, waitUntil as waitUntilShared, type Probed, type WaitOptions } from '../support/wait.mjs';

export { waitForEvent };

export const EXTENSION_ID = 'wi-doctor.workload-identity-doctor';

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** The extension host is slower than a unit test (and shares 2 cores): its waits get 15 s unless told. */
export const HOST_TIMEOUT_MS = 15_000;

/** The shared waitUntil (test/support/wait.mjs) with the host's deadline; re-checked on every diagnostics change too. */
export function waitUntil<T>(what: string, probe: () => Probed<T>, options: WaitOptions = {}): Promise<T> {
  return waitUntilShared(what, probe, { timeoutMs: HOST_TIMEOUT_MS, on: vscode.languages.onDidChangeDiagnostics, ...options });
}

/** What the extension tells tests of its linting (src/extension.ts). */
export interface LintApi {
  onDidLint: vscode.Event<LintEvent>;
  lastLint(uri: vscode.Uri): LintEvent | undefined;
}

const sameUri = (a: vscode.Uri, b: vscode.Uri) => a.toString() === b.toString();

/**
 * The extension's lint of `doc` at its current version (or a later one), its diagnostics
 * published: the last lint if it already ran, else the next. Fails at the deadline if none comes.
 */
export function linted(api: LintApi, doc: vscode.TextDocument, timeoutMs = HOST_TIMEOUT_MS): Promise<LintEvent> {
  const version = doc.version;
  const done = api.lastLint(doc.uri);
  if (done && done.version >= version) return Promise.resolve(done);
  return waitForEvent(`the lint of ${vscode.workspace.asRelativePath(doc.uri)} at version ${version}`, api.onDidLint, (e) => sameUri(e.uri, doc.uri) && e.version >= version, {
    timeoutMs,
    show: () => ({ lastLint: api.lastLint(doc.uri) }),
  });
}

/**
 * The next lint of `uri` after which `holds()` is true (a re-lint keeps the version: another file
 * changed, or a setting). Call it before doing what should re-lint the file; fails at the
 * deadline with the file's diagnostics then.
 */
export function lintWhere(api: LintApi, uri: vscode.Uri, what: string, holds: () => boolean, timeoutMs = HOST_TIMEOUT_MS): Promise<LintEvent> {
  return waitForEvent(`a lint of ${vscode.workspace.asRelativePath(uri)} after which ${what}`, api.onDidLint, (e) => sameUri(e.uri, uri) && holds(), {
    timeoutMs,
    show: () => ({ diagnostics: wiDiagnostics(uri).map(diagnosticSpan) }),
  });
}

export function wiDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'wi-doctor');
}

export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** A diagnostic as `code@line:col-line:col`. */
export function diagnosticSpan(d: vscode.Diagnostic): string {
  return `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The sidebar's node at a label path below its context node (as VS Code walks the provider), or undefined. */
export function treeNodeAt(tree: { getChildren(node?: TreeNode): TreeNode[] | Thenable<TreeNode[]> | undefined | null }, ...path: string[]): TreeNode | undefined {
  const children = (node?: TreeNode): TreeNode[] => (tree.getChildren(node) as TreeNode[] | undefined) ?? [];
  let node: TreeNode | undefined = children()[0];
  for (const label of path) {
    if (!node) return undefined;
    node = children(node).find((n) => n.label === label);
  }
  return node;
}

/** The next report onDidDiagnose fires that `accept` takes; fails at the deadline. */
export function nextReport(api: { onDidDiagnose: vscode.Event<DiagnosisReport> }, accept: (r: DiagnosisReport) => boolean = () => true, timeoutMs = 30_000): Promise<DiagnosisReport> {
  return waitForEvent('a diagnosis report', api.onDidDiagnose, accept, { timeoutMs });
}
