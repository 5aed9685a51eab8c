// Reads the `wiDoctor.*` settings. Unknown rule ids or bad severities in
// `wiDoctor.rules` are reported once (as a warning with the offending key) and
// ignored; they never stop linting.

import * as vscode from 'vscode';
import { validateRuleSettings } from '../lint/config';
import type { SeveritySetting } from '../rules/types';

export interface LintSettings {
  enable: boolean;
  rules: Record<string, SeveritySetting>;
  exclude: string[];
  debounceMs: number;
  problems: string[];
}

export function readLintSettings(): LintSettings {
  const c = vscode.workspace.getConfiguration('wiDoctor');
  const { rules, problems } = validateRuleSettings(c.get<unknown>('rules') ?? {});
  const exclude = (c.get<unknown[]>('lint.exclude') ?? []).filter((g): g is string => typeof g === 'string');
  const debounce = c.get<number>('lint.debounceMs') ?? 200;
  return { enable: c.get<boolean>('lint.enable') ?? true, rules, exclude, debounceMs: Math.max(0, Math.min(5000, debounce)), problems: problems.map((p) => `wiDoctor.rules: ${p}`) };
}
