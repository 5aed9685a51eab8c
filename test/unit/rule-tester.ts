// Table tests for rules, as strict as eslint's RuleTester.
//
//   runRuleTests(rule, {
//     valid: [yamlText, { code, files }],
//     invalid: [{ code, files?, errors: [{ line, column, message, severity?, related?, suggestions? }], output? }],
//   });
//
// `code` is linted as `test.yaml`; `files` are other workspace files (for the index).
// Lines and columns are 1-based. What the tester holds every table to:
//
// - every expected finding states its `message` (a string, or a RegExp);
// - a finding that offers fixes lists every one of them in `suggestions`, in order, with
//   its title and its exact result: `output` (test.yaml) and/or `outputs` (the other files
//   it edits). An offered fix not listed, or listed but not offered, fails. Each fix is
//   applied alone to the original text; every file it edits must parse, and the rule is run
//   again on the result: the finding must be gone (a fix that is knowingly a partial step
//   says so with `partial: 'why'`, and fails once it removes the finding after all);
// - `output` is the text after fix-all (every SAFE fix, repeated until stable): required
//   when a finding offers a safe fix (`null` when fix-all changes nothing), never equal to
//   `code`; fix-all's result must parse, leave no safe-fixable finding, and be stable;
// - a rule offering a safe fix must declare `meta.fixable: 'safe'`, a suggestion
//   `'safe'` or `'suggestion'`; a rule declaring one that its table never offers fails
//   (stale meta);
// - every target a rule reports at or asks a range of (`report({ at })`, `rangeOf`) has a
//   source position: at runtime the engine places an unlocatable one at its object, so that
//   a user's file never breaks the linter, and here that is a failure.
//
// The checks are plain functions that throw (`checkValid`, `checkInvalid`, `checkFixable`),
// so test/unit/rules/rule-tester.test.ts can show each of them failing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskTemplates, parseManifestFile } from '../../src/manifests/document';
import { applyEdits, comparePositions, LineIndex, type Position, type TextEdit } from '../../src/manifests/text';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { lintFile, RuleSet, targetRange } from '../../src/lint/engine';
import { fixAll } from '../../src/lint/fix-all';
import type { Finding, Fix, Rule, Severity, Target } from '../../src/rules/types';
import { parseAllDocuments } from 'yaml';

export const FILE = 'test.yaml';

export interface SuggestionCase {
  title: string | RegExp;
  /** Text of test.yaml after applying only this fix to the original; required when the fix edits test.yaml. */
  output?: string;
  /** For fixes that edit other files: the expected text of each file it edits. */
  outputs?: Record<string, string>;
  /** Why this fix is only a step and leaves the finding in place (prefer a fix that removes it). */
  partial?: string;
}

export interface ErrorCase {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string | RegExp;
  severity?: Severity;
  /** Related locations expected on the finding (file name and 1-based line). */
  related?: { file: string; line: number }[];
  /** Every fix the finding offers, in order (safe and suggestions); required when it offers any. */
  suggestions?: SuggestionCase[];
}

export interface InvalidCase {
  name?: string;
  code: string;
  files?: Record<string, string>;
  errors: ErrorCase[];
  /** The text after fix-all; `null`: fix-all changes nothing. Required when a finding offers a safe fix. */
  output?: string | null;
}

export type ValidCase = string | { name?: string; code: string; files?: Record<string, string> };

interface Linted {
  findings: Finding[];
  index: WorkspaceIndex;
  rules: RuleSet;
}

const show = (f: Finding) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`;

/**
 * `rule`, with every target it reports at or asks a range of checked for a source position.
 * The engine would place an unlocatable one at its object; here it is recorded as a failure.
 */
function located(rule: Rule, unlocated: string[]): Rule {
  return {
    meta: rule.meta,
    check(obj, ctx) {
      const need = (t: Target, what: string) => {
        if (!targetRange(ctx.doc, t)) unlocated.push(`${what} (in ${obj.kind} ${obj.name ?? '(unnamed)'}) has a target without a source position`);
      };
      rule.check(obj, {
        doc: ctx.doc,
        index: ctx.index,
        report: (r) => {
          need(r.at, `the finding "${r.message}"`);
          ctx.report(r);
        },
        rangeOf: (t, inDoc) => {
          need(t, 'a range asked with rangeOf');
          return ctx.rangeOf(t, inDoc);
        },
      });
    },
  };
}

function lintWith(rule: Rule, code: string, files: Record<string, string> = {}): Linted {
  const unlocated: string[] = [];
  const index = new WorkspaceIndex();
  const rules = new RuleSet([located(rule, unlocated)]);
  for (const [name, text] of Object.entries(files)) index.update(parseManifestFile(name, text));
  const parsed = parseManifestFile(FILE, code);
  index.update(parsed);
  const findings = lintFile(parsed, index, rules).filter((f) => f.ruleId === rule.meta.id);
  assert.deepEqual(unlocated, [], 'every target must have a source position');
  return { findings, index, rules };
}

function assertParses(text: string, what: string): void {
  // Helm templates parse as the linter parses them: with the expressions masked.
  for (const d of parseAllDocuments(maskTemplates(text)) as unknown as { errors: { message: string }[] }[]) {
    assert.deepEqual(d.errors.map((e) => e.message), [], `${what} does not parse:\n${text}`);
  }
}

function label(c: { name?: string; code: string }, i: number): string {
  return c.name ?? `#${i + 1}: ${c.code.split('\n').find((l) => l.trim() && !l.startsWith('apiVersion'))?.trim().slice(0, 60) ?? ''}`;
}

/** A fix the rule's meta does not allow: a safe fix needs `fixable: 'safe'`, a suggestion any `fixable`. */
function assertDeclared(rule: Rule, fix: Fix): void {
  const declared = rule.meta.fixable;
  if (fix.safe) assert.equal(declared, 'safe', `the rule offers the safe fix "${fix.title}" but declares meta.fixable ${JSON.stringify(declared)}`);
  else assert.ok(declared !== undefined, `the rule offers the suggestion "${fix.title}" but declares no meta.fixable`);
}

/**
 * Where `at` (a position of `code`) is once `edits` are applied: its new offset (the start of
 * the edit's text when an edit covers it), and whether an edit removed the text it starts.
 */
function mapPosition(code: string, edits: readonly TextEdit[], at: Position): { offset: number; removed: boolean } {
  const idx = new LineIndex(code);
  const o = idx.offsetAt(at);
  let delta = 0;
  let hit: { start: number; removed: boolean } | undefined;
  for (const e of [...edits].map((x) => ({ s: idx.offsetAt(x.range.start), e: idx.offsetAt(x.range.end), text: x.newText })).sort((a, b) => a.s - b.s)) {
    if (e.e <= o) delta += e.text.length - (e.e - e.s);
    else if (e.s <= o && o < e.e) hit = { start: e.s + delta, removed: e.text === '' };
  }
  return hit ? { offset: hit.start, removed: hit.removed } : { offset: o + delta, removed: false };
}

/**
 * The findings after a fix that are still the finding `f` (of `before`, the original
 * findings): the same message on the line it moved to, or any finding at the very place it
 * moved to (the node still there, or replaced by the fix, and still wrong), unless that
 * one is another original finding at the same place (one node, two problems).
 */
function survivors(f: Finding, before: readonly Finding[], after: readonly Finding[], code: string, fixed: string, edits: readonly TextEdit[]): Finding[] {
  const m = mapPosition(code, edits, f.range.start);
  const pos = new LineIndex(fixed).positionAt(m.offset);
  const same = (a: Position, b: Position) => comparePositions(a, b) === 0;
  const twins = new Set(before.filter((x) => x !== f && same(x.range.start, f.range.start)).map((x) => x.message));
  return after.filter((x) => (x.message === f.message && x.range.start.line === pos.line) || (!m.removed && same(x.range.start, pos) && !twins.has(x.message)));
}

function checkSuggestions(rule: Rule, c: InvalidCase, e: ErrorCase, f: Finding, j: number, findings: readonly Finding[]): void {
  const titles = f.fixes.map((x) => `"${x.title}"${x.safe ? ' (safe)' : ''}`).join(', ');
  if (f.fixes.length && !e.suggestions) assert.fail(`finding ${j} offers ${f.fixes.length} fix(es) (${titles}): list each in \`suggestions\` with its title and output`);
  const listed = e.suggestions ?? [];
  assert.equal(f.fixes.length, listed.length, `finding ${j}: ${listed.length} suggestion(s) listed, ${f.fixes.length} offered (${titles || 'none'})`);
  const all: Record<string, string> = { ...(c.files ?? {}), [FILE]: c.code };
  listed.forEach((s, k) => {
    const fix = f.fixes[k];
    if (s.title instanceof RegExp) assert.match(fix.title, s.title, `finding ${j}, fix ${k} title`);
    else assert.equal(fix.title, s.title, `finding ${j}, fix ${k} title`);
    assertDeclared(rule, fix);
    assert.ok(fix.edits.length > 0, `"${fix.title}" edits nothing`);
    const touched = [...new Set(fix.edits.map((ed) => ed.file))].sort();
    const result: Record<string, string> = {};
    for (const file of touched) {
      assert.ok(file in all, `"${fix.title}" edits ${file}, which is not a file of the case`);
      result[file] = applyEdits(all[file], fix.edits.filter((ed) => ed.file === file));
      assert.notEqual(result[file], all[file], `"${fix.title}" leaves ${file} as it was`);
      assertParses(result[file], `${file} after "${fix.title}"`);
    }
    const expected: Record<string, string> = { ...(s.outputs ?? {}), ...(s.output !== undefined ? { [FILE]: s.output } : {}) };
    assert.deepEqual(Object.keys(expected).sort(), touched, `"${fix.title}": state the text of every file it edits (\`output\` for ${FILE}, \`outputs\` for others), and only those`);
    for (const file of touched) assert.equal(result[file], expected[file], `${file} after "${fix.title}"`);
    // Re-lint the fixed workspace: the finding this fix addresses is gone.
    const others = Object.fromEntries(Object.entries(result).filter(([k]) => k !== FILE));
    const fixed = result[FILE] ?? c.code;
    const after = lintWith(rule, fixed, { ...(c.files ?? {}), ...others });
    const left = survivors(f, findings, after.findings, c.code, fixed, fix.edits.filter((ed) => ed.file === FILE));
    if (s.partial !== undefined) assert.ok(left.length > 0, `"${fix.title}" is marked partial (${s.partial}) but removes the finding: drop \`partial\``);
    else assert.deepEqual(left.map(show), [], `"${fix.title}" does not remove the finding it is offered for`);
  });
}

export function checkValid(rule: Rule, v: ValidCase): void {
  const c = typeof v === 'string' ? { code: v } : v;
  const { findings } = lintWith(rule, c.code, c.files);
  assert.deepEqual(findings.map(show), []);
}

export function checkInvalid(rule: Rule, c: InvalidCase): void {
  assert.ok(c.errors.length > 0, 'an invalid case expects at least one finding');
  const { findings, index, rules } = lintWith(rule, c.code, c.files);
  assert.equal(findings.length, c.errors.length, `expected ${c.errors.length} finding(s), got:\n${findings.map(show).join('\n')}`);
  c.errors.forEach((e, j) => {
    const f = findings[j];
    assert.equal(f.range.start.line + 1, e.line, `finding ${j} line`);
    assert.equal(f.range.start.character + 1, e.column, `finding ${j} column`);
    if (e.endLine !== undefined) assert.equal(f.range.end.line + 1, e.endLine, `finding ${j} end line`);
    if (e.endColumn !== undefined) assert.equal(f.range.end.character + 1, e.endColumn, `finding ${j} end column`);
    const message = (e as { message?: string | RegExp }).message;
    if (message === undefined) assert.fail(`finding ${j} (${show(f)}): state its \`message\``);
    if (message instanceof RegExp) assert.match(f.message, message, `finding ${j} message`);
    else assert.equal(f.message, message, `finding ${j} message`);
    if (e.severity) assert.equal(f.severity, e.severity, `finding ${j} severity`);
    if (e.related) assert.deepEqual(f.related.map((r) => ({ file: r.file, line: r.range.start.line + 1 })), e.related, `finding ${j} related locations`);
    checkSuggestions(rule, c, e, f, j, findings);
  });
  const safe = findings.some((f) => f.fixes.some((x) => x.safe));
  if (safe && c.output === undefined) assert.fail('a finding offers a safe fix: state `output`, the text after fix-all (null when fix-all changes nothing)');
  if (c.output === undefined) return;
  assert.notEqual(c.output, c.code, '`output` equals `code`: write `output: null` for "fix-all changes nothing"');
  const fixed = fixAll(FILE, c.code, index, rules);
  if (c.output === null) {
    assert.equal(fixed.text, c.code, 'expected no safe fix');
    return;
  }
  assert.equal(fixed.text, c.output, 'text after fix-all');
  assertParses(fixed.text, 'fixed text');
  const again = lintWith(rule, fixed.text, c.files);
  assert.deepEqual(again.findings.filter((x) => x.fixes.some((fx) => fx.safe)).map(show), [], 'safe-fixable findings remain after fix-all');
  assert.equal(fixAll(FILE, fixed.text, again.index, again.rules).text, fixed.text, 'fix-all is not idempotent');
}

/** `meta.fixable` against what the table shows the rule doing: an undeclared fix kind fails, and so does a declared one never offered. */
export function checkFixable(rule: Rule, invalid: readonly InvalidCase[]): void {
  let safe = false;
  let suggestion = false;
  for (const c of invalid) {
    for (const f of lintWith(rule, c.code, c.files).findings) {
      for (const fix of f.fixes) {
        assertDeclared(rule, fix);
        if (fix.safe) safe = true;
        else suggestion = true;
      }
    }
  }
  if (rule.meta.fixable === 'safe') assert.ok(safe, "meta.fixable is 'safe' but no case of the table is offered a safe fix (stale meta, or a missing case)");
  if (rule.meta.fixable === 'suggestion') assert.ok(suggestion, "meta.fixable is 'suggestion' but no case of the table is offered a fix (stale meta, or a missing case)");
}

/** Every invalid case of each rule in this test file: a rule's table may come in several `runRuleTests` calls. */
const tables = new Map<string, InvalidCase[]>();

export function runRuleTests(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const table = tables.get(rule.meta.id) ?? [];
  tables.set(rule.meta.id, table);
  table.push(...cases.invalid);
  describe(`rule ${rule.meta.id}`, () => {
    cases.valid.forEach((v, i) => {
      it(`valid ${label(typeof v === 'string' ? { code: v } : v, i)}`, () => checkValid(rule, v));
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid ${label(c, i)}`, () => checkInvalid(rule, c));
    });
    // Runs after every call of the file has registered its cases (test bodies run once the module has loaded).
    it('meta.fixable matches the fixes its table offers', () => checkFixable(rule, table));
  });
}
