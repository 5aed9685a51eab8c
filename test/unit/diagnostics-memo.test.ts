// The editor converts a finding to a diagnostic once and publishes only what changed
// (src/editor/diagnostics-memo.ts): a re-lint that finds the same things sends nothing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticsMemo } from '../../src/editor/diagnostics-memo';
import type { Finding } from '../../src/rules/types';

const finding = (line: number, message = 'm', related: Finding['related'] = []): Finding => ({
  ruleId: 'r',
  severity: 'warning',
  message,
  file: 'file:///a.yaml',
  range: { start: { line, character: 2 }, end: { line, character: 5 } },
  related,
  fixes: [],
});

describe('DiagnosticsMemo', () => {
  const convert = (f: Finding) => ({ line: f.range.start.line, message: f.message });

  it('converts each finding once and reports no change for the same findings', () => {
    const m = new DiagnosticsMemo<{ line: number; message: string }>();
    const a = [finding(1), finding(4)];
    const first = m.update(a, convert);
    assert.equal(m.converted, 2);
    assert.ok(first.changed);
    const again = m.update(a, convert);
    assert.equal(m.converted, 0);
    assert.equal(again.changed, false);
    assert.deepEqual(again.list, first.list);
  });

  it('a re-linted document that finds the same things keeps its diagnostics (nothing to publish)', () => {
    const m = new DiagnosticsMemo<{ line: number; message: string }>();
    const first = m.update([finding(1), finding(4)], convert);
    const next = m.update([finding(1), finding(4)], convert);
    assert.equal(m.converted, 0);
    assert.equal(next.changed, false);
    assert.equal(next.list[0], first.list[0]);
  });

  it('a moved, new or changed finding is converted, and the list published', () => {
    const m = new DiagnosticsMemo<{ line: number; message: string }>();
    const kept = finding(1);
    m.update([kept, finding(4)], convert);
    const moved = m.update([kept, finding(5)], convert);
    assert.equal(m.converted, 1);
    assert.ok(moved.changed);
    assert.deepEqual(moved.list, [{ line: 1, message: 'm' }, { line: 5, message: 'm' }]);
    const other = m.update([kept, finding(5, 'other')], convert);
    assert.ok(other.changed);
    assert.equal(other.list[1].message, 'other');
    const related = m.update([kept, finding(5, 'other', [{ file: 'file:///b.yaml', range: kept.range, message: 'there' }])], convert);
    assert.ok(related.changed, 'a related location is part of what a diagnostic shows');
    const fewer = m.update([kept], convert);
    assert.ok(fewer.changed);
    assert.equal(fewer.list.length, 1);
  });

  it('two findings that show the same get a diagnostic each', () => {
    const m = new DiagnosticsMemo<{ line: number; message: string }>();
    m.update([finding(1)], convert);
    const twice = m.update([finding(1), finding(1)], convert);
    assert.equal(new Set(twice.list).size, 2);
    assert.ok(twice.changed);
    // A kept finding and a new one that shows the same: still one diagnostic each.
    const kept = finding(3);
    m.update([kept], convert);
    const both = m.update([finding(3), kept], convert);
    assert.equal(new Set(both.list).size, 2);
    assert.ok(both.changed);
  });

  it('after clear, everything is converted and published again', () => {
    const m = new DiagnosticsMemo<{ line: number; message: string }>();
    const a = [finding(1)];
    m.update(a, convert);
    m.clear();
    const r = m.update(a, convert);
    assert.equal(m.converted, 1);
    assert.ok(r.changed);
  });
});
