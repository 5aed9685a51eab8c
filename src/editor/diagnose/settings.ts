// The `wiDoctor.*` settings of the live diagnosis. The kubeconfig and context settings only choose
// what to read: the user's kubeconfig is never written (no `kubectl config use-context`).
// A kubeconfig can run programs (exec credential plugins), so in an untrusted workspace the
// workspace's own value of `wiDoctor.kubeconfig`/`wiDoctor.context` is ignored: only the user's; the
// same for `wiDoctor.diagnose.tokenExchange`, so a workspace cannot skip the consent.

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';

export interface DiagnoseSettings {
  /** An explicit kubeconfig file; undefined = KUBECONFIG or ~/.kube/config, as kubectl. */
  kubeconfig?: string;
  /** A context other than the kubeconfig's current-context. */
  context?: string;
  timeoutMs: number;
  codeLens: boolean;
  /** Whether the token-exchange checkpoint may exchange a pod's token at Entra ID: ask each time, always, or never. */
  tokenExchange: 'ask' | 'always' | 'never';
}

const EXCHANGE_MODES = ['ask', 'always', 'never'] as const;

export function readDiagnoseSettings(): DiagnoseSettings {
  const c = vscode.workspace.getConfiguration('wiDoctor');
  const userOnly = (key: string): string => {
    if (vscode.workspace.isTrusted) return c.get<string>(key) ?? '';
    const i = c.inspect<string>(key);
    return i?.globalValue ?? i?.defaultValue ?? '';
  };
  const seconds = c.get<number>('diagnose.timeoutSeconds') ?? 10;
  return {
    kubeconfig: resolvePath(userOnly('kubeconfig')),
    context: userOnly('context').trim() || undefined,
    timeoutMs: Math.round(Math.max(1, Math.min(300, Number.isFinite(seconds) ? seconds : 10)) * 1000),
    codeLens: c.get<boolean>('diagnose.codeLens') ?? true,
    // An untrusted workspace must not turn the consent off for you: only your own setting counts there.
    tokenExchange: EXCHANGE_MODES.find((m) => m === userOnly('diagnose.tokenExchange')) ?? 'ask',
  };
}

/** `~/x` → home; a relative path is taken from the first workspace folder, as a user would expect of a workspace setting. */
function resolvePath(raw: string): string | undefined {
  const p = raw.trim();
  if (!p) return undefined;
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  if (isAbsolute(p)) return p;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && folder.uri.scheme === 'file' ? join(folder.uri.fsPath, p) : p;
}
