// The lint engine: runs every rule that applies to each object of a file, then
// applies the configuration (per-rule severity or off) and the suppressions.
// The objects are the index's views (an object as its Kustomize build or chart makes it),
// each rule runs with lookups scoped to the object's project, and a finding is kept by the
// document its node comes from (see lintDoc). Raw findings of a document depend only on its
// text, its position and the workspace index, so LintCache can keep them across edits of
// other documents.

import { isNode, isPair } from 'yaml';
import { currentOf, docRange, hostOf, isCurrent, originOf, parseManifestFile, rangeOrigin, shiftedRange, templateSpans, unmask, type ManifestDoc, type ManifestFile, type ParseCache } from '../manifests/document';
import { comparePositions } from '../manifests/text';
import type { Range } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';
import type { K8sObject } from '../manifests/objects';
import type { Finding, Fix, Report, Rule, RuleContext, SeveritySetting, Target } from '../rules/types';
import { collectSuppressions, isSuppressed } from './suppression';

export interface LintOptions {
  /** Per-rule severity; a rule not named keeps its default. */
  rules?: Readonly<Record<string, SeveritySetting>>;
}

/**
 * The range a target points at: a Pair's key (its value when the key has no position), any
 * other node's value span (without the line break a block scalar's or block collection's
 * range runs on to), or the explicit range. Undefined when the target has no source position
 * (a node built in code, not parsed): a rule bug, which the rule tester fails on.
 */
export function targetRange(doc: ManifestDoc, target: Target): Range | undefined {
  if (isPair(target)) return spanOf(doc, target.key) ?? spanOf(doc, target.value);
  if (isNode(target)) return spanOf(doc, target);
  const r = (target as { range?: unknown } | null | undefined)?.range;
  return r && typeof r === 'object' && 'start' in r && 'end' in r ? (r as Range) : undefined;
}

function spanOf(doc: ManifestDoc, node: unknown): Range | undefined {
  const r = isNode(node) ? node.range : undefined;
  if (!r) return undefined;
  let end = r[1];
  while (end > r[0] && /\s/.test(doc.text[end - 1])) end--;
  return docRange(doc, r[0], end);
}

/**
 * Where a finding about `obj` lands when its target cannot be located: the object's own
 * start. Only for robustness on a user's file (a rule bug must not break the linter); the
 * rule tester fails when this is reached.
 */
function objectStart(home: ManifestDoc, obj: K8sObject): Range {
  return spanOf(home, obj.map) ?? docRange(home, 0, 0);
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

/** Where a report's target is: the document its node (or range) came from, if not the object's own. */
function originDoc(target: Target): ManifestDoc | undefined {
  if (isPair(target)) return originOf(target.key) ?? originOf(target);
  if (isNode(target)) return originOf(target);
  return rangeOrigin(target.range);
}

/**
 * A message with every Helm mask put back as the expression the user wrote: those of the
 * documents involved first (a mask is a hash, so this is exact), then any the index knows.
 * The one place that guarantees no message shows the parser's stand-in for `{{ … }}`.
 */
function shown(message: string, docs: readonly (ManifestDoc | undefined)[], index: WorkspaceIndex): string {
  let m = message;
  for (const d of docs) if (d?.masks) m = unmask(d, m);
  return index.unmask(m);
}

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/**
 * The fixes `rule` offers on the object as written in its own file (its map without patches
 * or kustomization labels), by the range of each finding. A finding of the assembled object
 * at the same range is the same problem at the same node, and may take these fixes: they
 * are computed on that file's own nodes only.
 */
function fixesAsWritten(rule: Rule, obj: K8sObject, index: WorkspaceIndex): Map<string, Fix[]> {
  const out = new Map<string, Fix[]>();
  const c = obj.context!;
  const plain: K8sObject = { ...obj, map: c.base.map, context: { ...c, merged: false } };
  const ctx: RuleContext = {
    doc: obj.doc,
    index,
    rangeOf: (target, inDoc) => targetRange(inDoc ?? obj.doc, target) ?? objectStart(obj.doc, obj),
    report: (r: Report) => {
      if (r.fixes?.length && (originDoc(r.at) ?? obj.doc) === obj.doc) out.set(rangeKey(targetRange(obj.doc, r.at) ?? objectStart(obj.doc, obj)), r.fixes);
    },
  };
  try {
    index.scoped(plain, () => rule.check(plain, ctx));
  } catch {
    // The rule's failure is reported by the main run on the assembled object; here it only means no fixes.
  }
  return out;
}

/**
 * Raw findings of one document: every rule, default severities, no suppression.
 *
 * The objects linted are the index's views of the document (views.ts): its own objects in
 * each of their contexts (a Kustomize build with its patches and labels, a chart, a folder),
 * and the objects whose patches or labels this document holds. A finding belongs to the
 * document its node comes from, so an object assembled from a base and a patch is linted
 * from both files and each keeps the findings that point into it. An assembled object's
 * own fixes are dropped (an edit computed on the merged tree could belong in either file);
 * a finding in the object's own file takes the fixes the rule offers on the object as
 * written there, when it finds the same thing at the same place (`fixesAsWritten`).
 */
export function lintDoc(doc: ManifestDoc, index: WorkspaceIndex, rules: RuleSet): Finding[] {
  if (!doc.yaml) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const obj of index.viewsOf(doc)) {
    // Nodes no other document registered are the object's own document's.
    const home = obj.doc;
    const merged = obj.context?.merged === true;
    for (const rule of rules.forKind(obj.kind)) {
      let asWritten: Map<string, Fix[]> | undefined;
      const fixesOf = (r: Report, origin: ManifestDoc, range: Range): Fix[] => {
        if (!merged) return r.fixes ?? [];
        if (origin !== home) return [];
        asWritten ??= fixesAsWritten(rule, obj, index);
        return asWritten.get(rangeKey(range)) ?? [];
      };
      const ctx: RuleContext = {
        doc,
        index,
        rangeOf: (target, inDoc) => {
          const d = originDoc(target) ?? inDoc ?? home;
          return targetRange(d, target) ?? (d === home ? objectStart(home, obj) : docRange(d, 0, 0));
        },
        report: (r: Report) => {
          const origin = originDoc(r.at) ?? home;
          if (hostOf(origin) !== doc) return; // reported when that document is linted
          const range = targetRange(origin, r.at) ?? objectStart(home, obj);
          // Two contexts of one object (two overlays) often find the same thing at the same place;
          // two different findings of one rule at one place (two names in one value) both stand.
          const key = `${rule.meta.id}\u0000${rangeKey(range)}\u0000${r.message}`;
          if (seen.has(key)) return;
          seen.add(key);
          const related = (r.related ?? []).map((x) => {
            const o = rangeOrigin(x.range);
            return { ...x, file: o ? o.file : x.file, message: shown(x.message, [o, home, doc], index) };
          });
          out.push({
            ruleId: rule.meta.id,
            severity: r.severity ?? rule.meta.defaultSeverity,
            message: shown(r.message, [doc, home, ...related.map((x) => rangeOrigin(x.range))], index),
            file: doc.file,
            range,
            related,
            fixes: fixesOf(r, origin, range),
          });
        },
      };
      try {
        index.scoped(obj, () => rule.check(obj, ctx));
      } catch (e) {
        // A rule bug must not take the other rules (or the editor) down with it; it
        // surfaces as a finding so it gets reported rather than hidden.
        if (hostOf(home) !== doc) continue;
        out.push({
          ruleId: rule.meta.id,
          severity: 'error',
          message: `Internal error in rule ${rule.meta.id}: ${(e as Error).message}. Please report this.`,
          file: doc.file,
          range: objectStart(home, obj),
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
  /** The document the findings were computed for: their positions are its. */
  doc: ManifestDoc;
  findings: Finding[];
  /** The index keys the rules read, with their versions at the time. */
  deps: [string, number][];
  /** Other documents the findings point into (related locations, fix edits); hosts for embedded ones. */
  points: ManifestDoc[];
  /** A range of the findings whose document is unknown (not made by docRange): they cannot be moved. */
  pinned: boolean;
}

/**
 * Keeps raw findings per document between runs (the editor's incremental re-lint).
 * An entry holds while the index keys its rules read are unchanged, and is found by the
 * document's parse (`doc.lines`, which a document that only moved keeps: see `currentOf`),
 * so a document is not re-linted because a line was inserted above it. Its findings, or the
 * parts of them that point into other documents that moved, are shifted by the lines the
 * document moved; a finding pointing into a document that was edited, removed or reordered
 * is computed again.
 */
export class LintCache {
  /** By the document's parse; the entry moves along with its document (one document per parse: a duplicate, which shares its original's parse, is linted on its own). */
  private entries = new WeakMap<object, CacheEntry>();
  hits = 0;
  misses = 0;
  /** Documents (counted in `hits`) whose findings were shifted to where they moved. */
  moved = 0;

  lint(file: ManifestFile, index: WorkspaceIndex, rules: RuleSet): Finding[] {
    const out: Finding[] = [];
    for (const doc of file.docs) {
      let e = this.entries.get(doc.lines);
      if (e && this.reuse(e, doc, index)) {
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
        e = { doc, findings, deps: keys.map((k) => [k, index.keyVersion(k)]), ...pointsInto(findings, doc) };
        this.entries.set(doc.lines, e);
      }
      for (const f of e.findings) out.push(f);
    }
    return out;
  }

  /** Whether `e` holds for `doc` now; brings it where documents moved. False when `doc` must be linted again. */
  private reuse(e: CacheEntry, doc: ManifestDoc, index: WorkspaceIndex): boolean {
    for (let i = 0; i < e.deps.length; i++) if (index.keyVersion(e.deps[i][0]) !== e.deps[i][1]) return false;
    let moves: Map<ManifestDoc, ManifestDoc> | undefined;
    if (e.doc !== doc) {
      // Another document with this parse: valid only if it is where e.doc moved to.
      if (currentOf(e.doc) !== doc) return false;
      if (e.pinned) return false;
      if (e.points.length === 0) {
        // The common case: every range of the findings is in the document itself (or embedded in it).
        this.moved++;
        const lines = doc.startLine - e.doc.startLine;
        const findings = e.findings.length ? e.findings.map((f) => movedFinding(f, (r) => shiftedRange(r, doc, lines))) : e.findings;
        e.doc = doc;
        e.findings = findings;
        return true;
      }
      moves = new Map([[e.doc, doc]]);
    }
    for (const p of e.points) {
      if (isCurrent(p)) continue;
      const now = currentOf(p);
      if (!now) return false;
      (moves ??= new Map()).set(p, now);
    }
    if (!moves) return true;
    if (e.pinned) return false;
    this.moved++;
    const findings = e.findings.length ? e.findings.map((f) => movedFinding(f, (r) => movedRange(r, moves))) : e.findings;
    Object.assign(e, { doc, findings }, pointsInto(findings, doc));
    return true;
  }
}

/** A range of a document that moved, where that document (or its host, for an embedded one) is now. */
function movedRange(r: Range, moves: ReadonlyMap<ManifestDoc, ManifestDoc>): Range {
  const o = rangeOrigin(r);
  const from = o && hostOf(o);
  const to = from && moves.get(from);
  return to ? shiftedRange(r, to, to.startLine - from.startLine) : r;
}

/** `f` with every range (its own, related locations', fix edits') moved by `move`. */
function movedFinding(f: Finding, move: (r: Range) => Range): Finding {
  return {
    ...f,
    range: move(f.range),
    related: f.related.length ? f.related.map((x) => ({ ...x, range: move(x.range) })) : f.related,
    fixes: f.fixes.length ? f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: move(e.range) })) })) : f.fixes,
  };
}

function pointsInto(findings: Finding[], self: ManifestDoc): { points: ManifestDoc[]; pinned: boolean } {
  const docs = new Set<ManifestDoc>();
  let pinned = false;
  const note = (r: Range) => {
    const o = rangeOrigin(r);
    if (!o) pinned = true;
    else if (hostOf(o) !== self) docs.add(hostOf(o));
  };
  for (const f of findings) {
    note(f.range);
    for (const r of f.related) note(r.range);
    for (const fix of f.fixes) for (const e of fix.edits) note(e.range);
  }
  return { points: [...docs], pinned };
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
