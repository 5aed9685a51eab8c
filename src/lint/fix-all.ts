// Fix-all (the CLI's --fix and VS Code's source.fixAll.wiDoctor): apply every
// SAFE fix, re-lint, and repeat until nothing changes, as eslint does. Only fixes
// whose edits all stay in the file being fixed are applied; fixes in one pass must
// not overlap (a later pass picks up the rest). Suggestions are never applied.

import { parseManifestFile, type ManifestFile, type ParseCache } from '../manifests/document';
import { applyEdits, comparePositions, type TextEdit } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';
import { lintFile, type LintOptions, type RuleSet } from './engine';

const MAX_PASSES = 10;

function overlaps(a: TextEdit, b: TextEdit): boolean {
  return comparePositions(a.range.start, b.range.end) < 0 && comparePositions(b.range.start, a.range.end) < 0 ||
    (comparePositions(a.range.start, b.range.start) === 0);
}

/**
 * The edits chosen in a pass, by the lines they cover: two edits that overlap (or start at
 * one point) share a line, so an edit is compared only with those on its lines, not with
 * every edit chosen so far (200,000 fixes in one file grew as the square).
 */
class ChosenEdits {
  readonly all: TextEdit[] = [];
  private byLine = new Map<number, TextEdit[]>();

  clashes(e: TextEdit): boolean {
    for (let l = e.range.start.line; l <= e.range.end.line; l++) if (this.byLine.get(l)?.some((c) => overlaps(c, e))) return true;
    return false;
  }

  add(e: TextEdit): void {
    this.all.push(e);
    for (let l = e.range.start.line; l <= e.range.end.line; l++) {
      const list = this.byLine.get(l);
      if (list) list.push(e);
      else this.byLine.set(l, [e]);
    }
  }
}

export interface FixAllResult {
  text: string;
  /** How many fixes were applied in total. */
  applied: number;
}

export function fixAll(file: string, text: string, index: WorkspaceIndex, rules: RuleSet, options: LintOptions = {}, cache?: ParseCache): FixAllResult {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const parsed = parseManifestFile(file, current, cache);
    index.update(parsed);
    const chosen = new ChosenEdits();
    let n = 0;
    let first: readonly TextEdit[] = [];
    for (const f of lintFile(parsed, index, rules, options)) {
      const fix = f.fixes.find((x) => x.safe && x.edits.length > 0 && x.edits.every((e) => e.file === file));
      if (!fix) continue;
      if (fix.edits.some((e) => chosen.clashes(e))) continue;
      if (n === 0) first = fix.edits;
      for (const e of fix.edits) chosen.add(e);
      n++;
    }
    if (n === 0) break;
    let next = applyEdits(current, chosen.all);
    // Fixes that do not overlap can still conflict (one adds the `use` label, another
    // renames `azure.workload.identity/Use` to it: a duplicate key). When a pass breaks a
    // document that parsed, apply only its first fix; the next pass re-lints (found by
    // test/unit/fuzz.test.ts).
    if (n > 1 && parseFailures(parseManifestFile(file, next, cache)) > parseFailures(parsed)) {
      next = applyEdits(current, first);
      n = 1;
    }
    if (next === current) break;
    current = next;
    applied += n;
  }
  if (current !== text) index.update(parseManifestFile(file, current, cache));
  return { text: current, applied };
}

function parseFailures(file: ManifestFile): number {
  return file.docs.filter((d) => d.parseError).length;
}

/** The smallest single edit turning `before` into `after` (common prefix/suffix trimmed). */
export function minimalReplacement(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let s = 0;
  while (s < before.length && s < after.length && before[s] === after[s]) s++;
  let eb = before.length;
  let ea = after.length;
  while (eb > s && ea > s && before[eb - 1] === after[ea - 1]) {
    eb--;
    ea--;
  }
  return { start: s, end: eb, text: after.slice(s, ea) };
}
