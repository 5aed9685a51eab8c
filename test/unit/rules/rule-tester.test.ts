// The rule tester's own checks, each shown failing on a toy rule: a table that omits a
// message, leaves a fix unasserted, asserts a fix that is not offered, expects the wrong
// text, keeps a finding its fix should remove, or a rule whose meta.fixable lies, or whose
// target has no source position. And the engine's runtime fallback for such a target.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isScalar, Scalar } from 'yaml';
import { lintTexts, RuleSet } from '../../../src/lint/engine';
import { replaceNode } from '../../../src/manifests/edits';
import { getMap, pairs } from '../../../src/manifests/nodes';
import { WorkspaceIndex } from '../../../src/manifests/workspace-index';
import type { Fix, Rule, RuleMeta, Target } from '../../../src/rules/types';
import { checkFixable, checkInvalid, checkValid, type InvalidCase } from '../rule-tester';

const code = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  key: bad # keep me\n';
const good = code.replace('bad', 'good');

/** Reports every `data` value "bad" at the value, with the fixes `fixes` makes for it. */
function toy(fixes: (ctx: Parameters<Rule['check']>[1], node: Scalar) => Fix[], meta: Partial<RuleMeta> = {}, at?: (node: Scalar) => Target): Rule {
  return {
    meta: { id: 'toy', title: 'toy', description: 'toy', defaultSeverity: 'error', kinds: ['ConfigMap'], fact: '', fixable: 'safe', ...meta },
    check(obj, ctx) {
      for (const p of pairs(getMap(obj.map, 'data'))) {
        if (isScalar(p.value) && p.value.value === 'bad') ctx.report({ at: at ? at(p.value) : p.value, message: 'bad value', fixes: fixes(ctx, p.value) });
      }
    },
  };
}

const setGood = toy((ctx, node) => [{ title: 'Set to good', safe: true, edits: replaceNode(ctx.doc, node, 'good') }]);
const passing: InvalidCase = { code, errors: [{ line: 6, column: 8, message: 'bad value', suggestions: [{ title: 'Set to good', output: good }] }], output: good };

describe('rule tester', () => {
  it('passes a complete case', () => {
    checkInvalid(setGood, passing);
    checkValid(setGood, good);
    checkFixable(setGood, [passing]);
  });

  it('fails an expected finding without its message', () => {
    const c = { ...passing, errors: [{ line: 6, column: 8, suggestions: passing.errors[0].suggestions }] } as unknown as InvalidCase;
    assert.throws(() => checkInvalid(setGood, c), /state its `message`/);
  });

  it('fails a finding whose offered fixes are not asserted', () => {
    assert.throws(() => checkInvalid(setGood, { ...passing, errors: [{ line: 6, column: 8, message: 'bad value' }] }), /offers 1 fix\(es\) \("Set to good" \(safe\)\): list each in `suggestions`/);
  });

  it('fails a suggestion listed but not offered', () => {
    const none = toy(() => [], { fixable: undefined });
    assert.throws(() => checkInvalid(none, { code, errors: [{ line: 6, column: 8, message: 'bad value', suggestions: [{ title: 'Set to good', output: good }] }] }), /1 suggestion\(s\) listed, 0 offered/);
  });

  it('fails a fix listed without its output, or with the wrong one', () => {
    assert.throws(() => checkInvalid(setGood, { ...passing, errors: [{ ...passing.errors[0], suggestions: [{ title: 'Set to good' }] }] }), /state the text of every file it edits/);
    assert.throws(() => checkInvalid(setGood, { ...passing, errors: [{ ...passing.errors[0], suggestions: [{ title: 'Set to good', output: code.replace(' # keep me', '').replace('bad', 'good') }] }] }), /test\.yaml after "Set to good"/);
  });

  it('fails a fix that leaves its finding, unless marked partial; and a partial mark that is stale', () => {
    const same = toy((ctx, node) => [{ title: 'Set to bad', safe: false, edits: replaceNode(ctx.doc, node, '"bad"') }], { fixable: 'suggestion' });
    const step = code.replace('bad', '"bad"');
    const c: InvalidCase = { code, errors: [{ line: 6, column: 8, message: 'bad value', suggestions: [{ title: 'Set to bad', output: step }] }] };
    assert.throws(() => checkInvalid(same, c), /"Set to bad" does not remove the finding/);
    checkInvalid(same, { ...c, errors: [{ ...c.errors[0], suggestions: [{ title: 'Set to bad', output: step, partial: 'a step' }] }] });
    assert.throws(() => checkInvalid(setGood, { ...passing, errors: [{ ...passing.errors[0], suggestions: [{ title: 'Set to good', output: good, partial: 'a step' }] }] }), /marked partial \(a step\) but removes the finding/);
  });

  it('fails a fix whose result does not parse', () => {
    const broken = toy((ctx, node) => [{ title: 'Break', safe: false, edits: replaceNode(ctx.doc, node, '"good') }], { fixable: 'suggestion' });
    assert.throws(() => checkInvalid(broken, { code, errors: [{ line: 6, column: 8, message: 'bad value', suggestions: [{ title: 'Break', output: code.replace('bad', '"good') }] }] }), /does not parse/);
  });

  it('requires `output` when a safe fix is offered, and never equal to `code`', () => {
    assert.throws(() => checkInvalid(setGood, { ...passing, output: undefined }), /state `output`/);
    const suggestion = toy((ctx, node) => [{ title: 'Set to good', safe: false, edits: replaceNode(ctx.doc, node, 'good') }], { fixable: 'suggestion' });
    assert.throws(() => checkInvalid(suggestion, { ...passing, output: code }), /`output` equals `code`/);
  });

  it('fails a fix the meta does not declare, and a declaration the table never shows', () => {
    const undeclared = toy((ctx, node) => [{ title: 'Set to good', safe: true, edits: replaceNode(ctx.doc, node, 'good') }], { fixable: 'suggestion' });
    assert.throws(() => checkInvalid(undeclared, passing), /offers the safe fix "Set to good" but declares meta\.fixable "suggestion"/);
    assert.throws(() => checkFixable(undeclared, [passing]), /declares meta\.fixable "suggestion"/);
    const stale = toy(() => [], { fixable: 'safe' });
    assert.throws(() => checkFixable(stale, [{ code, errors: [{ line: 6, column: 8, message: 'bad value' }] }]), /meta\.fixable is 'safe' but no case of the table is offered a safe fix/);
  });

  it('fails a target without a source position', () => {
    const lost = toy(() => [], { fixable: undefined }, () => new Scalar('bad'));
    assert.throws(() => checkInvalid(lost, { code, errors: [{ line: 4, column: 9, message: 'bad value' }] }), /has a target without a source position/);
  });
});

describe('lint engine: a target without a source position', () => {
  it('lands at its object, never at the top of the file (the CLI and the editor keep going)', () => {
    const lost = toy(() => [], { fixable: undefined }, () => new Scalar('bad'));
    // The second document's ConfigMap is an item of a List: its object starts at line 8, column 5.
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: cfg\n    data:\n      key: bad\n';
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\n${list}`;
    const [f] = lintTexts([{ file: 'test.yaml', text }], new WorkspaceIndex(), new RuleSet([lost])).get('test.yaml')!;
    assert.equal(f.message, 'bad value');
    assert.deepEqual(f.range.start, { line: 8, character: 4 });
  });
});
