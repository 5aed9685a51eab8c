// The editor's write points, as the CLI has src/cli/output.ts: what goes into an output channel,
// onto the clipboard or into the report view passes through here, and nothing in the extension
// writes to those surfaces another way. Text is redacted (src/util/redact.ts) and its control
// characters shown as `\x1b` (src/util/terminal.ts plainText): a pod's log line cannot put a
// secret or an escape sequence into the channel, a copied command or the copied Markdown. The
// report view's HTML is escaped value by value by its renderer; here it is redacted once more
// as a whole (the page's own markup holds nothing the redaction touches; a unit test keeps it so).

import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import { redact } from '../util/redact';
import { notificationText, plainText } from '../util/terminal';

/** An output channel that only takes safe text. */
export interface SafeChannel extends vscode.Disposable {
  appendLine(text: string): void;
  show(preserveFocus?: boolean): void;
}

export function safeChannel(channel: vscode.OutputChannel): SafeChannel {
  return {
    appendLine: (text) => channel.appendLine(plainText(text)),
    show: (preserveFocus) => channel.show(preserveFocus),
    dispose: () => channel.dispose(),
  };
}

/**
 * A log channel (the extension's own log) that only takes safe text. It is the editor's sink for
 * the core's Logger (src/util/log.ts): what the informers and the live cluster log reaches the
 * channel only through here.
 */
export type SafeLog = Logger;

export function safeLog(log: vscode.LogOutputChannel): SafeLog {
  return {
    info: (m) => log.info(plainText(m)),
    warn: (m) => log.warn(plainText(m)),
    error: (m) => log.error(plainText(m)),
  };
}

/** Copies text (a command, the report's Markdown, a federated credential subject) to the clipboard. */
export function copyToClipboard(text: string): Thenable<void> {
  return vscode.env.clipboard.writeText(plainText(text));
}

/** Sets a webview's page. */
export function setWebviewHtml(webview: vscode.Webview, html: string): string {
  const safe = redact(html);
  webview.html = safe;
  return safe;
}

/** Notifications and modal dialogs, every one through notificationText. */
export const notify = {
  info: (message: string, ...actions: string[]): Thenable<string | undefined> => vscode.window.showInformationMessage(notificationText(message), ...actions),
  warn: (message: string, ...actions: string[]): Thenable<string | undefined> => vscode.window.showWarningMessage(notificationText(message), ...actions),
  error: (message: string, ...actions: string[]): Thenable<string | undefined> => vscode.window.showErrorMessage(notificationText(message), ...actions),
  /** A modal warning with one action besides Cancel. */
  confirm: (message: string, detail: string, action: string): Thenable<string | undefined> =>
    vscode.window.showWarningMessage(notificationText(message), { modal: true, detail: notificationText(detail) }, action),
};
