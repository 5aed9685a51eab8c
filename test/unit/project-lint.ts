// Lints a small workspace given as `{ path: text }`, the way the CLI and the editor feed
// the index: Helm helpers (*.tpl) as helpers, everything else parsed as YAML. For the
// tests of Kustomize, Helm and project roots, where findings land in several files.

import { lintFile, RuleSet } from '../../src/lint/engine';
import { parseManifestFile, type ManifestFile } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { ALL_RULES } from '../../src/rules';
import type { Finding, Rule } from '../../src/rules/types';

export interface Linted {
  index: WorkspaceIndex;
  files: Map<string, ManifestFile>;
  /** Findings per file (only files with findings), in file order. */
  findings: Map<string, Finding[]>;
  /** Every finding as `file:line rule severity`, sorted: compact to assert on. */
  summary: string[];
}

export function indexProject(files: Record<string, string>, folders: string[] = []): { index: WorkspaceIndex; parsed: Map<string, ManifestFile> } {
  const index = new WorkspaceIndex();
  index.setWorkspaceFolders(folders);
  const parsed = new Map<string, ManifestFile>();
  for (const [name, text] of Object.entries(files)) {
    if (name.endsWith('.tpl')) index.updateHelpers(name, text);
    else {
      const p = parseManifestFile(name, text);
      parsed.set(name, p);
      index.update(p);
    }
  }
  return { index, parsed };
}

export function lintProject(files: Record<string, string>, rules: readonly Rule[] = ALL_RULES, folders: string[] = []): Linted {
  const { index, parsed } = indexProject(files, folders);
  const set = new RuleSet(rules);
  const findings = new Map<string, Finding[]>();
  for (const [name, p] of parsed) {
    const f = lintFile(p, index, set);
    if (f.length) findings.set(name, f);
  }
  const summary = [...findings].flatMap(([file, list]) => list.map((f) => `${file}:${f.range.start.line + 1} ${f.ruleId} ${f.severity}`)).sort();
  return { index, files: parsed, findings, summary };
}

/** The findings of one rule, as `file:line severity`. */
export function of(l: Linted, ruleId: string): string[] {
  return [...l.findings].flatMap(([file, list]) => list.filter((f) => f.ruleId === ruleId).map((f) => `${file}:${f.range.start.line + 1} ${f.severity}`)).sort();
}

export function messages(l: Linted, ruleId?: string): string[] {
  return [...l.findings.values()].flat().filter((f) => ruleId === undefined || f.ruleId === ruleId).map((f) => f.message);
}
