// The editor's incremental path (ParseCache + WorkspaceIndex key versions + LintCache)
// must give exactly what a from-scratch lint gives, after any sequence of edits:
// typing in a value, inserting and deleting lines (documents move, their findings are
// shifted), editing a ServiceAccount in another file, deleting an annotation, adding,
// removing and reordering documents.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { accumulateChanges, diffHint, parseManifestFile, ParseCache, type EditedSpan } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { ALL_RULES } from '../../src/rules';
import type { Finding } from '../../src/rules/types';
import { generateCorpus } from '../../scripts/bench/generate';

const rules = new RuleSet(ALL_RULES);

function snapshot(findings: Finding[]): string {
  return JSON.stringify(findings.map((f) => [f.ruleId, f.severity, f.message, f.range, f.related, f.fixes]));
}

function fromScratch(files: Map<string, string>): Map<string, string> {
  const index = new WorkspaceIndex();
  const parsed = [...files].map(([name, text]) => parseManifestFile(name, text));
  for (const p of parsed) index.update(p);
  return new Map(parsed.map((p) => [p.file, snapshot(lintFile(p, index, rules))]));
}

type Edit = { file: number; kind: 'char' | 'insert-line' | 'delete-line' | 'drop-annotation' | 'duplicate-doc' | 'drop-doc' | 'move-doc' | 'insert-doc'; at: number };

function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const i = e.at % Math.max(1, lines.length - 1);
  switch (e.kind) {
    case 'char':
      lines[i] = lines[i].length ? lines[i].slice(0, -1) + (lines[i].endsWith('x') ? 'y' : 'x') : 'x';
      break;
    case 'insert-line':
      lines.splice(i, 0, '# inserted');
      break;
    case 'delete-line':
      lines.splice(i, 1);
      break;
    case 'drop-annotation': {
      const j = lines.findIndex((l, k) => k >= i && /client-id|azure\.workload\.identity\/use/.test(l));
      if (j !== -1) lines.splice(j, 1);
      break;
    }
    case 'duplicate-doc':
    case 'drop-doc':
    case 'move-doc':
    case 'insert-doc': {
      const docs = text.split('\n---\n');
      const d = e.at % docs.length;
      if (e.kind === 'duplicate-doc') docs.splice(d, 0, docs[d]);
      else if (e.kind === 'insert-doc') docs.splice(d, 0, `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${e.at % 7}\n  namespace: ns-${e.at % 3}`);
      // A document cut and pasted elsewhere: the documents between are reordered around it.
      else if (e.kind === 'move-doc') docs.splice((e.at >> 3) % docs.length, 0, ...docs.splice(d, 1));
      else if (docs.length > 1) docs.splice(d, 1);
      return docs.join('\n---\n');
    }
  }
  return lines.join('\n');
}

test('incremental re-lint equals a from-scratch lint after any sequence of edits', () => {
  const corpus = generateCorpus(60, 7, 20); // 3 files; apps span files, so the index crosses them
  const edit = fc.record({
    file: fc.integer({ min: 0, max: corpus.length - 1 }),
    kind: fc.constantFrom<Edit['kind']>('char', 'insert-line', 'delete-line', 'drop-annotation', 'duplicate-doc', 'drop-doc', 'move-doc', 'insert-doc'),
    at: fc.nat(2000),
  });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), fc.boolean(), (edits, withHints) => {
      const files = new Map(corpus.map((f) => [f.name, f.text]));
      const parsedText = new Map<string, string>();
      const index = new WorkspaceIndex();
      const parseCache = new ParseCache();
      const lintCache = new LintCache();
      const lintAll = () => {
        const parsed = [...files].map(([name, text]) => {
          const base = parsedText.get(name);
          parsedText.set(name, text);
          return parseManifestFile(name, text, parseCache, withHints && base !== undefined ? diffHint(base, text) : undefined);
        });
        for (const p of parsed) index.update(p);
        return new Map(parsed.map((p) => [p.file, snapshot(lintFile(p, index, rules, {}, lintCache))]));
      };
      lintAll();
      for (const e of edits) {
        const name = corpus[e.file].name;
        files.set(name, applyEdit(files.get(name)!, e));
        assert.deepEqual(lintAll(), fromScratch(files));
      }
    }),
    { seed: Number(process.env.FUZZ_SEED ?? 4242), numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
  );
});

test('a one-character edit re-parses one document and re-lints it and its ServiceAccount only', () => {
  const [file] = generateCorpus(200, 3, 200);
  const index = new WorkspaceIndex();
  const parseCache = new ParseCache();
  const lintCache = new LintCache();
  const run = (text: string) => {
    const p = parseManifestFile(file.name, text, parseCache);
    index.update(p);
    return lintFile(p, index, rules, {}, lintCache);
  };
  run(file.text);
  const line = file.text.split('\n').findIndex((l) => /^\s+image: /.test(l));
  const edited = file.text.split('\n').map((l, i) => (i === line ? l + 'x' : l)).join('\n');
  const [pm, lm] = [parseCache.misses, lintCache.misses];
  run(edited);
  assert.equal(parseCache.misses - pm, 1, 'documents re-parsed');
  // The Deployment, and the ServiceAccount it runs as (its rules read the workloads using it).
  assert.ok(lintCache.misses - lm <= 2, `documents re-linted: ${lintCache.misses - lm}`);
});

test('the edited span accumulated from editor events bounds every change', () => {
  const change = fc.record({ at: fc.nat(400), del: fc.nat(20), ins: fc.string({ maxLength: 12 }) });
  fc.assert(
    fc.property(fc.string({ minLength: 0, maxLength: 300 }), fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (base, events) => {
      let text = base;
      let span: EditedSpan | undefined;
      for (const ev of events) {
        // One event: non-overlapping changes, all relative to the text before it.
        const sorted = ev.map((c) => ({ ...c, at: Math.min(c.at, text.length) })).sort((a, b) => a.at - b.at);
        const changes: { rangeOffset: number; rangeLength: number; text: string }[] = [];
        let floor = 0;
        for (const c of sorted) {
          const at = Math.max(c.at, floor);
          const len = Math.min(c.del, text.length - at);
          if (at > text.length) break;
          changes.push({ rangeOffset: at, rangeLength: Math.max(0, len), text: c.ins });
          floor = at + Math.max(0, len) + 1;
        }
        let next = text;
        for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) next = next.slice(0, c.rangeOffset) + c.text + next.slice(c.rangeOffset + c.rangeLength);
        span = accumulateChanges(span, changes.map((c) => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, textLength: c.text.length })));
        text = next;
      }
      if (!span) return;
      assert.equal(base.slice(0, span.start), text.slice(0, span.start), 'prefix');
      assert.equal(base.slice(span.oldEnd), text.slice(span.newEnd), 'suffix');
      assert.equal(base.length - span.oldEnd, text.length - span.newEnd);
    }),
    { seed: 99, numRuns: 500 },
  );
});
