// Reads the `wiDoctor.*` settings. Unknown rule ids or bad severities in
// `wiDoctor.rules` are reported once (as a warning with the offending key) and
// ignored; they never stop linting.

import * as vscode from 'vscode';
import { ALL_RULES } from '../rules';
import { SEVERITIES, type SeveritySetting } from '../rules/types';

export interface LintSettings {
  enable: boolean;
  rules: Record<string, SeveritySetting>;
  exclude: string[];
  debounceMs: number;
  problems: string[];
}

export function readLintSettings(): LintSettings {
  const c = vscode.workspace.getConfiguration('wiDoctor');
  const raw = c.get<Record<string, unknown>>('rules') ?? {};
  const rules: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  const ids = new Set(ALL_RULES.map((r) => r.meta.id));
  for (const [id, sev] of Object.entries(raw)) {
    if (!ids.has(id)) problems.push(`wiDoctor.rules: "${id}" is not a rule id (see "Workload Identity Doctor: List Rules").`);
    else if (typeof sev !== 'string' || !SEVERITIES.includes(sev as SeveritySetting)) problems.push(`wiDoctor.rules: "${id}" must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(sev)}.`);
    else rules[id] = sev as SeveritySetting;
  }
  const exclude = (c.get<unknown[]>('lint.exclude') ?? []).filter((g): g is string => typeof g === 'string');
  const debounce = c.get<number>('lint.debounceMs') ?? 200;
  return { enable: c.get<boolean>('lint.enable') ?? true, rules, exclude, debounceMs: Math.max(0, Math.min(5000, debounce)), problems };
}
