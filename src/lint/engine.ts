// The lint engine: runs every rule that applies to each object of a file, then
// applies the configuration (per-rule severity or off) and the suppressions.
// Raw findings of a document depend only on its text, its position and the
// workspace index, so LintCache can keep them across edits of other documents.

import { isPair } from 'yaml';
import { docRange, isCurrent, parseManifestFile, rangeOrigin, templateSpans, type ManifestDoc, type ManifestFile, type ParseCache } from '../manifests/document';
import { comparePositions } from '../manifests/text';
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
  // A Pair points at its key; any other node at its value span (without the line break
  // a block scalar's or block collection's range runs on to).
  const node = isPair(target) ? target.key : target;
  const r = (node as { range?: [number, number, number] } | null)?.range;
  if (!r) return docRange(doc, 0, 0);
  let end = r[1];
  while (end > r[0] && /\s/.test(doc.text[end - 1])) end--;
  return docRange(doc, r[0], end);
}

/**
 * Fixes never edit inside a Helm expression: what it renders to is unknown, and an edit
 * there would corrupt the template (or repeat on every fix-all pass).
 */
function dropFixesInTemplates(doc: ManifestDoc, findings: Finding[], from: number): void {
  if (!doc.templated) return;
  const spans = templateSpans(doc.text).map(([s, e]) => docRange(doc, s, e));
  const within = (p: Range['start'], sp: Range) => comparePositions(p, sp.start) > 0 && comparePositions(p, sp.end) < 0;
  // Harmful: an edit boundary strictly inside an expression, or an expression replaced by
  // literal text. Deleting whole expressions (with the entry they sit in) is fine.
  const harms = (e: { range: Range; newText: string }) =>
    spans.some((sp) => within(e.range.start, sp) || within(e.range.end, sp) || (e.newText !== '' && comparePositions(e.range.start, sp.start) <= 0 && comparePositions(e.range.end, sp.end) >= 0));
  for (let i = from; i < findings.length; i++) {
    const f = findings[i];
    const kept = f.fixes.filter((fix) => !fix.edits.some((e) => e.file === doc.file && harms(e)));
    if (kept.length !== f.fixes.length) findings[i] = { ...f, fixes: kept };
  }
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
  dropFixesInTemplates(doc, out, 0);
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

interface CacheEntry {
  findings: Finding[];
  /** The index keys the rules read, with their versions at the time. */
  deps: [string, number][];
  /** Other documents the findings point into (related locations, fix edits). */
  points: ManifestDoc[];
}

/**
 * Keeps raw findings per document between runs (the editor's incremental re-lint).
 * An entry holds while its document is the same parse (ParseCache hands back the same
 * ManifestDoc for untouched text), the index keys its rules read are unchanged, and
 * the documents its findings point into have not moved or changed.
 */
export class LintCache {
  private entries = new WeakMap<ManifestDoc, CacheEntry>();
  hits = 0;
  misses = 0;

  lint(file: ManifestFile, index: WorkspaceIndex, rules: RuleSet): Finding[] {
    const out: Finding[] = [];
    for (const doc of file.docs) {
      let e = this.entries.get(doc);
      if (e && valid(e, index)) {
        this.hits++;
      } else {
        this.misses++;
        index.startRecording();
        let findings: Finding[] = [];
        let keys: string[] = [];
        try {
          findings = lintDoc(doc, index, rules); // rule errors are caught inside, per rule
        } finally {
          keys = index.stopRecording();
        }
        e = { findings, deps: keys.map((k) => [k, index.keyVersion(k)]), points: pointsInto(findings, doc) };
        this.entries.set(doc, e);
      }
      for (const f of e.findings) out.push(f);
    }
    return out;
  }
}

function valid(e: CacheEntry, index: WorkspaceIndex): boolean {
  for (let i = 0; i < e.deps.length; i++) if (index.keyVersion(e.deps[i][0]) !== e.deps[i][1]) return false;
  for (let i = 0; i < e.points.length; i++) if (!isCurrent(e.points[i])) return false;
  return true;
}

function pointsInto(findings: Finding[], self: ManifestDoc): ManifestDoc[] {
  const docs = new Set<ManifestDoc>();
  const note = (r: Range) => {
    const o = rangeOrigin(r);
    if (o && o !== self) docs.add(o);
  };
  for (const f of findings) {
    for (const r of f.related) note(r.range);
    for (const fix of f.fixes) for (const e of fix.edits) note(e.range);
  }
  return [...docs];
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
