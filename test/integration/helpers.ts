import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { TreeNode } from '../../src/tree/nodes';

export const EXTENSION_ID = 'wi-doctor.workload-identity-doctor';

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/**
 * Resolves once `check()` returns a value (not undefined/false), re-checking on every
 * diagnostics change and at least every 100 ms; fails after `timeoutMs` with `what`.
 */
export function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error, value?: T) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(deadline);
      sub.dispose();
      if (err) reject(err);
      else resolve(value as T);
    };
    const tryIt = () => {
      try {
        const v = check();
        if (v !== undefined && v !== false) finish(undefined, v);
      } catch (e) {
        finish(e as Error);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(tryIt);
    const poll = setInterval(tryIt, 100);
    const deadline = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    tryIt();
  });
}

export function wiDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'wi-doctor');
}

export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
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

/** The next report onDidDiagnose fires that `accept` takes. */
export function nextReport(api: { onDidDiagnose: vscode.Event<DiagnosisReport> }, accept: (r: DiagnosisReport) => boolean = () => true): Promise<DiagnosisReport> {
  return new Promise((resolve) => {
    const sub = api.onDidDiagnose((r) => {
      if (!accept(r)) return;
      sub.dispose();
      resolve(r);
    });
  });
}
