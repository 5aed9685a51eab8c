// The lint engine: runs every rule that applies to each object of a file, then
// applies the configuration (per-rule severity or off) and the suppressions.
// Raw findings of a document depend only on its text, its position and the
// workspace index, so LintCache can keep them across edits of other documents.

import { isPair } from 'yaml';
import { docRange, parseManifestFile, type ManifestDoc, type ManifestFile, type ParseCache } from '../manifests/document';
import { objectsOfDoc } from '../manifests/objects';
import type { Range } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';
import type { Finding, Report, Rule, RuleContext, SeveritySetting, Target } from '../rules/types';
import { collectSuppressions, isSuppressed } from './suppression';

export interface LintOptions {
  /** Per-rule severity; a rule not named keeps its default. */
  rules?: Readonly<Record<string, SeveritySetting>>;
}

function isRange(t: unknown): t is { range: Range } {
  const r = (t as { range?: unknown } | null)?.range;
  return !!r && typeof r === 'object' && !Array.isArray(r) && 'start' in (r as object);
}

export function targetRange(doc: ManifestDoc, target: Target): Range {
  if (isRange(target)) return target.range;
  // A Pair points at its key; any other node at its value span.
  const node = isPair(target) ? target.key : target;
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? docRange(doc, r[0], r[1]) : docRange(doc, 0, 0);
}

export class RuleSet {
  private byKind = new Map<string, Rule[]>();
  constructor(readonly rules: readonly Rule[]) {
    for (const r of rules) {
      for (const k of r.meta.kinds) {
        const list = this.byKind.get(k) ?? [];
        list.push(r);
        this.byKind.set(k, list);
      }
    }
  }
  /** Rules for a kind: those naming it, then those declaring `'*'` (every object, custom resources included). */
  forKind(kind: string): readonly Rule[] {
    let list = this.cache.get(kind);
    if (!list) {
      list = [...(this.byKind.get(kind) ?? []), ...(kind === '*' ? [] : this.byKind.get('*') ?? [])];
      this.cache.set(kind, list);
    }
    return list;
  }
  private cache = new Map<string, Rule[]>();
  get(id: string): Rule | undefined {
    return this.rules.find((r) => r.meta.id === id);
  }
}

/** Raw findings of one document: every rule, default severities, no suppression. */
export function lintDoc(doc: ManifestDoc, index: WorkspaceIndex, rules: RuleSet): Finding[] {
  if (!doc.yaml) return [];
  const out: Finding[] = [];
  for (const obj of objectsOfDoc(doc)) {
    for (const rule of rules.forKind(obj.kind)) {
      const ctx: RuleContext = {
        doc,
        index,
        rangeOf: (target, inDoc) => targetRange(inDoc ?? doc, target),
        report: (r: Report) => {
          out.push({
            ruleId: rule.meta.id,
            severity: r.severity ?? rule.meta.defaultSeverity,
            message: r.message,
            file: doc.file,
            range: targetRange(doc, r.at),
            related: r.related ?? [],
            fixes: r.fixes ?? [],
          });
        },
      };
      try {
        rule.check(obj, ctx);
      } catch (e) {
        // A rule bug must not take the other rules (or the editor) down with it; it
        // surfaces as a finding so it gets reported rather than hidden.
        out.push({
          ruleId: rule.meta.id,
          severity: 'error',
          message: `Internal error in rule ${rule.meta.id}: ${(e as Error).message}. Please report this.`,
          file: doc.file,
          range: targetRange(doc, obj.map),
          related: [],
          fixes: [],
        });
      }
    }
  }
  return out;
}

export function applyOptions(findings: Finding[], file: ManifestFile, options: LintOptions): Finding[] {
  const sup = collectSuppressions(file);
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = options.rules?.[f.ruleId];
    if (setting === 'off') continue;
    if (isSuppressed(f, sup)) continue;
    out.push(setting ? { ...f, severity: setting } : f);
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Keeps raw findings per document between runs (the editor's incremental re-lint). */
export class LintCache {
  private files = new Map<string, Map<string, Finding[]>>();
  hits = 0;
  misses = 0;
  lint(file: ManifestFile, index: WorkspaceIndex, rules: RuleSet): Finding[] {
    const old = this.files.get(file.file);
    const next = new Map<string, Finding[]>();
    const out: Finding[] = [];
    for (const doc of file.docs) {
      const key = `${index.version}\u0000${doc.startLine}\u0000${doc.text}`;
      let f = old?.get(key);
      if (f) this.hits++;
      else {
        this.misses++;
        f = lintDoc(doc, index, rules);
      }
      next.set(key, f);
      out.push(...f);
    }
    this.files.set(file.file, next);
    return out;
  }
  delete(file: string): void {
    this.files.delete(file);
  }
}

export function lintFile(file: ManifestFile, index: WorkspaceIndex, rules: RuleSet, options: LintOptions = {}, cache?: LintCache): Finding[] {
  const raw = cache ? cache.lint(file, index, rules) : file.docs.flatMap((d) => lintDoc(d, index, rules));
  return applyOptions(raw, file, options);
}

/** Convenience for tests and the CLI: parse, index and lint a set of in-memory files. */
export function lintTexts(files: { file: string; text: string }[], index: WorkspaceIndex, rules: RuleSet, options: LintOptions = {}, parseCache?: ParseCache): Map<string, Finding[]> {
  const parsed = files.map((f) => parseManifestFile(f.file, f.text, parseCache));
  for (const p of parsed) index.update(p);
  const out = new Map<string, Finding[]>();
  for (const p of parsed) out.set(p.file, lintFile(p, index, rules, options));
  return out;
}
