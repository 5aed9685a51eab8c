// The composition root: builds the parts and registers them. Logic lives in the
// core (manifests, rules, lint) and the editor adapters (src/editor).

import * as vscode from 'vscode';
import { registerDiagnoseCommands, type DiagnoseApi } from './editor/diagnose/register-diagnose';
import { registerLinting } from './editor/register-linting';

/** What the extension returns from activate(): used by the integration tests to wait on events instead of sleeping. */
export interface WorkloadIdentityDoctorApi extends DiagnoseApi {
  onDidLint: vscode.Event<vscode.Uri>;
  whenIndexed(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): WorkloadIdentityDoctorApi {
  const log = vscode.window.createOutputChannel('Workload Identity Doctor', { log: true });
  context.subscriptions.push(log);
  const { linter, manifests } = registerLinting(context, log);
  const diagnosis = registerDiagnoseCommands(context, { linter, manifests });
  return { ...diagnosis, onDidLint: linter.onDidLint, whenIndexed: () => manifests.whenScanned() };
}

export function deactivate(): void {}
