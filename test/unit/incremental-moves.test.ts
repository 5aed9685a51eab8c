// Documents that only move (a line inserted or removed above them, a document added above them)
// keep their parse and their findings: the ParseCache cuts the text again only around the edit,
// and the LintCache shifts a moved document's findings, their related locations and their fix
// edits by the lines it moved, instead of linting it again. What comes out must be exactly what a
// cold lint of the new text gives; documents that were reordered are linted again.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { currentOf, diffHint, parseManifestFile, ParseCache, splitDocuments } from '../../src/manifests/document';
import { splitAround } from '../../src/manifests/split';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { ALL_RULES } from '../../src/rules';
import type { Finding } from '../../src/rules/types';
import { manifestWorkloads } from '../../src/editor/diagnose/manifest-workloads';
import { generateCorpus } from '../../scripts/bench/generate';

const rules = new RuleSet(ALL_RULES);

function cold(name: string, text: string): Finding[] {
  const index = new WorkspaceIndex();
  const p = parseManifestFile(name, text);
  index.update(p);
  return lintFile(p, index, rules);
}

/** The editor's caches on one file: `run(text)` parses with the edited span and lints. */
function editor(name: string, text: string) {
  const pc = new ParseCache();
  const lc = new LintCache();
  const index = new WorkspaceIndex();
  let base: string | undefined;
  const run = (t: string) => {
    const p = parseManifestFile(name, t, pc, base === undefined ? undefined : diffHint(base, t));
    base = t;
    index.update(p);
    return { file: p, findings: lintFile(p, index, rules, {}, lc) };
  };
  run(text);
  return { pc, lc, run };
}

const insertLine = (text: string, at: number, line: string) => {
  const l = text.split('\n');
  l.splice(at, 0, line);
  return l.join('\n');
};

describe('splitAround', () => {
  const line = fc.constantFrom('---', '--- # doc', '...', 'a: 1', '  b: x', '', '-', '--', '----', '.. ', 'c: |', '---\r', '# c');
  const text = fc.array(line, { maxLength: 30 }).map((l) => l.join('\n'));
  it('cuts exactly as splitDocuments does, after any edit', () => {
    fc.assert(
      fc.property(text, text, fc.nat(), fc.nat(), fc.nat(40), (a, ins, at, del, widen) => {
        const start = at % (a.length + 1);
        const oldEnd = Math.min(a.length, start + (del % 12));
        const b = a.slice(0, start) + ins.slice(0, 1 + (del % 20)) + a.slice(oldEnd);
        const h = diffHint(a, b);
        // The editor's span may be wider than the smallest one (several changes accumulated).
        const before = Math.min(h.start, widen % 7);
        const after = Math.min(a.length - h.oldEnd, b.length - h.newEnd, widen >> 3);
        const r = splitAround(b, splitDocuments(a), h.start - before, h.oldEnd + after, h.newEnd + after);
        assert.deepEqual(r.chunks.map((c) => ({ ...c })), splitDocuments(b).map((c) => ({ ...c })));
      }),
      { seed: 15, numRuns: 2000 },
    );
  });
});

describe('documents that move', () => {
  const [file] = generateCorpus(120, 11, 120);
  const lines = file.text.split('\n');
  const at = lines.findIndex((l, i) => i > lines.length / 4 && /^\s+image: /.test(l));
  const indent = /^\s*/.exec(lines[at])![0];

  it('Enter above them: one document re-parsed and re-linted, the later ones moved, the findings and fixes those of a cold lint', () => {
    const e = editor(file.name, file.text);
    const before = cold(file.name, file.text);
    // Below the edit: findings with fixes, and findings related to another place of this file (a moved document of its own).
    const below = before.filter((f) => f.range.start.line > at);
    assert.ok(below.some((f) => f.fixes.some((x) => x.edits.length)), 'fixes below the edit');
    assert.ok(below.some((f) => f.related.some((r) => r.file === file.name && r.range.start.line > at)), 'related locations below the edit');
    for (let i = 0; i < 4; i++) {
      const text = i % 2 === 0 ? insertLine(file.text, at, indent) : file.text;
      const [pm, lm, mv] = [e.pc.misses, e.lc.misses, e.lc.moved];
      const { findings } = e.run(text);
      assert.deepEqual(findings, cold(file.name, text));
      assert.ok(e.pc.misses - pm <= 1, `re-parsed ${e.pc.misses - pm}`);
      assert.ok(e.lc.misses - lm <= 2, `re-linted ${e.lc.misses - lm}`);
      assert.ok(e.lc.moved - mv > 10, `moved ${e.lc.moved - mv}`);
    }
  });

  it('a document added above them: the later documents keep their findings, moved by lines and index', () => {
    const e = editor(file.name, file.text);
    const docs = file.text.split('\n---\n');
    const text = [...docs.slice(0, 10), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added-here\n  namespace: nowhere', ...docs.slice(10)].join('\n---\n');
    const [lm, mv] = [e.lc.misses, e.lc.moved];
    const { findings } = e.run(text);
    assert.deepEqual(findings, cold(file.name, text));
    assert.ok(e.lc.misses - lm <= 3, `re-linted ${e.lc.misses - lm}`);
    assert.ok(e.lc.moved - mv > 50, `moved ${e.lc.moved - mv}`);
  });

  it('documents reordered (one cut and pasted further down) are linted again, not moved', () => {
    const e = editor(file.name, file.text);
    const docs = file.text.split('\n---\n');
    const text = [...docs.slice(0, 5), ...docs.slice(6, 40), docs[5], ...docs.slice(40)].join('\n---\n');
    const mv = e.lc.moved;
    const { file: parsed, findings } = e.run(text);
    assert.deepEqual(findings, cold(file.name, text));
    assert.equal(e.lc.moved - mv, 0);
    // No document of the new parse is taken for where an old one moved.
    assert.ok(parsed.docs.every((d) => currentOf(d) === d));
  });

  it('a duplicated document is linted on its own, the findings those of a cold lint', () => {
    const e = editor(file.name, file.text);
    const docs = file.text.split('\n---\n');
    const text = [...docs.slice(0, 8), docs[7], ...docs.slice(8)].join('\n---\n');
    assert.deepEqual(e.run(text).findings, cold(file.name, text));
    assert.deepEqual(e.run(file.text).findings, cold(file.name, file.text));
  });

  it("the CodeLens's workloads move with their documents", () => {
    const e = editor(file.name, file.text);
    const text = insertLine(file.text, at, indent);
    const { file: parsed } = e.run(text);
    assert.deepEqual(manifestWorkloads(parsed), manifestWorkloads(parseManifestFile(file.name, text)));
  });
});
