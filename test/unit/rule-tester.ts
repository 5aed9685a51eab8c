// Table tests for rules in the style of eslint's RuleTester.
//
//   runRuleTests(rule, {
//     valid: [yamlText, { code, files }],
//     invalid: [{ code, files?, errors: [{ line, column, message?, severity?, suggestions? }], output? }],
//   });
//
// `code` is linted as `test.yaml`; `files` are other workspace files (for the
// index). Lines and columns are 1-based. `output` is the text after fix-all (all
// SAFE fixes, repeated until stable); `null` asserts there is no safe fix.
// After every fix the harness re-parses the text (it must parse) and re-runs the
// rule to show the finding is gone.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskTemplates, parseManifestFile } from '../../src/manifests/document';
import { applyEdits } from '../../src/manifests/text';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../src/lint/engine';
import { fixAll } from '../../src/lint/fix-all';
import type { Finding, Rule, Severity } from '../../src/rules/types';
import { parseAllDocuments } from 'yaml';

export const FILE = 'test.yaml';

export interface SuggestionCase {
  title: string | RegExp;
  /** Text of test.yaml after applying only this fix to the original. */
  output?: string;
  /** For fixes that edit other files: expected text per file name. */
  outputs?: Record<string, string>;
}

export interface ErrorCase {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message?: string | RegExp;
  severity?: Severity;
  /** Related locations expected on the finding (file name and 1-based line). */
  related?: { file: string; line: number }[];
  /** Every fix the finding offers, in order (safe and suggestions). */
  suggestions?: SuggestionCase[];
}

export interface InvalidCase {
  name?: string;
  code: string;
  files?: Record<string, string>;
  errors: ErrorCase[];
  output?: string | null;
}

export type ValidCase = string | { name?: string; code: string; files?: Record<string, string> };

function lintWith(rule: Rule, code: string, files: Record<string, string> = {}): { findings: Finding[]; index: WorkspaceIndex; rules: RuleSet } {
  const index = new WorkspaceIndex();
  const rules = new RuleSet([rule]);
  for (const [name, text] of Object.entries(files)) index.update(parseManifestFile(name, text));
  const parsed = parseManifestFile(FILE, code);
  index.update(parsed);
  return { findings: lintFile(parsed, index, rules).filter((f) => f.ruleId === rule.meta.id), index, rules };
}

function assertParses(text: string, what: string): void {
  // Helm templates parse as the linter parses them: with the expressions masked.
  for (const d of parseAllDocuments(maskTemplates(text)) as unknown as { errors: unknown[] }[]) {
    assert.equal(d.errors.length, 0, `${what} does not parse:\n${text}`);
  }
}

function label(c: { name?: string; code: string }, i: number): string {
  return c.name ?? `#${i + 1}: ${c.code.split('\n').find((l) => l.trim() && !l.startsWith('apiVersion'))?.trim().slice(0, 60) ?? ''}`;
}

export function runRuleTests(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    cases.valid.forEach((v, i) => {
      const c = typeof v === 'string' ? { code: v } : v;
      it(`valid ${label(c, i)}`, () => {
        const { findings } = lintWith(rule, c.code, c.files);
        assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`), []);
      });
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid ${label(c, i)}`, () => {
        const { findings, index, rules } = lintWith(rule, c.code, c.files);
        assert.equal(findings.length, c.errors.length, `expected ${c.errors.length} finding(s), got:\n${findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`).join('\n')}`);
        c.errors.forEach((e, j) => {
          const f = findings[j];
          assert.equal(f.range.start.line + 1, e.line, `finding ${j} line`);
          assert.equal(f.range.start.character + 1, e.column, `finding ${j} column`);
          if (e.endLine !== undefined) assert.equal(f.range.end.line + 1, e.endLine, `finding ${j} end line`);
          if (e.endColumn !== undefined) assert.equal(f.range.end.character + 1, e.endColumn, `finding ${j} end column`);
          if (e.message instanceof RegExp) assert.match(f.message, e.message);
          else if (e.message !== undefined) assert.equal(f.message, e.message);
          if (e.severity) assert.equal(f.severity, e.severity, `finding ${j} severity`);
          if (e.related) assert.deepEqual(f.related.map((r) => ({ file: r.file, line: r.range.start.line + 1 })), e.related);
          if (e.suggestions) {
            assert.deepEqual(f.fixes.map((x) => x.title).length, e.suggestions.length, `fixes offered: ${f.fixes.map((x) => x.title).join(' | ')}`);
            e.suggestions.forEach((s, k) => {
              const fix = f.fixes[k];
              if (s.title instanceof RegExp) assert.match(fix.title, s.title);
              else assert.equal(fix.title, s.title);
              const all: Record<string, string> = { ...(c.files ?? {}), [FILE]: c.code };
              const touched = new Set(fix.edits.map((ed) => ed.file));
              const result: Record<string, string> = {};
              for (const file of touched) {
                result[file] = applyEdits(all[file], fix.edits.filter((ed) => ed.file === file));
                assertParses(result[file], `${file} after "${fix.title}"`);
              }
              if (s.output !== undefined) assert.equal(result[FILE] ?? c.code, s.output, `text after "${fix.title}"`);
              if (s.outputs) for (const [file, text] of Object.entries(s.outputs)) assert.equal(result[file], text, `${file} after "${fix.title}"`);
              // The fixed workspace no longer has this finding at this place.
              const after = lintWith(rule, result[FILE] ?? c.code, { ...(c.files ?? {}), ...Object.fromEntries(Object.entries(result).filter(([k]) => k !== FILE)) });
              const same = after.findings.filter((x) => x.message === f.message && x.range.start.line === f.range.start.line);
              if (fix.safe) assert.equal(same.length, 0, `"${fix.title}" did not remove the finding`);
            });
          }
        });
        if (c.output !== undefined) {
          const fixed = fixAll(FILE, c.code, index, rules);
          if (c.output === null) {
            assert.equal(fixed.text, c.code, 'expected no safe fix');
          } else {
            assert.equal(fixed.text, c.output);
            assertParses(fixed.text, 'fixed text');
            const again = lintWith(rule, fixed.text, c.files);
            assert.equal(again.findings.filter((x) => x.fixes.some((fx) => fx.safe)).length, 0, 'safe-fixable findings remain after fix-all');
            assert.equal(fixAll(FILE, fixed.text, again.index, again.rules).text, fixed.text, 'fix-all is not idempotent');
          }
        }
      });
    });
  });
}
