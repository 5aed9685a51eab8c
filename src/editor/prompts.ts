// Every question and message the diagnose commands put to the user goes through this interface,
// so the integration tests can answer them (the extension API's `setPrompts`): VS Code's own
// quick picks and modal dialogs cannot be driven from inside the extension host.

import * as vscode from 'vscode';
import { notify } from './safe-output';

export interface DiagnosePrompts {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  /** A modal warning with one action besides Cancel; resolves to `action` only when the user chose it. */
  confirm(message: string, detail: string, action: string): Thenable<string | undefined>;
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
}

// Messages quote servers and clusters (a failure's sentence, a name): they go through
// safe-output.ts notify (redacted, control characters shown, no link).
export const vscodePrompts: DiagnosePrompts = {
  pick: (items, options) => vscode.window.showQuickPick(items, options),
  input: (options) => vscode.window.showInputBox(options),
  confirm: notify.confirm,
  error: notify.error,
  warn: notify.warn,
  info: notify.info,
};

/** The prompts in force: VS Code's, with whatever a test replaced. */
export class PromptSeam {
  private overrides: Partial<DiagnosePrompts> = {};

  /** For tests only: replaces some prompts; `undefined` restores VS Code's. */
  set(overrides: Partial<DiagnosePrompts> | undefined): void {
    this.overrides = overrides ?? {};
  }

  get current(): DiagnosePrompts {
    return { ...vscodePrompts, ...this.overrides };
  }
}
