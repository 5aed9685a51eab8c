// The workspace index keeps the entries of documents that only moved (Enter or Backspace above
// them, a document added or removed above them): copied to point to the current documents, in
// the same places of the same buckets, without a version bump of any lookup key. Every answer of
// the index must be exactly that of an index built from scratch on the new text: the objects, in
// order, at their new lines; the related locations of cross-file findings; the suppressions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffHint, docPosition, parseManifestFile, ParseCache, type ManifestFile } from '../../src/manifests/document';
import { objectsOfDoc, type K8sObject } from '../../src/manifests/objects';
import { WorkspaceIndex, type WorkloadSummary } from '../../src/manifests/workspace-index';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { collectSuppressions } from '../../src/lint/suppression';
import { ALL_RULES } from '../../src/rules';
import type { Finding } from '../../src/rules/types';
import { generateCorpus } from '../../scripts/bench/generate';

const rules = new RuleSet(ALL_RULES);

/** The editor's caches over several files: `run(name, text)` re-parses one file with the edited span, re-indexes and re-lints every file. */
function editor(files: Map<string, string>) {
  const pc = new ParseCache();
  const lc = new LintCache();
  const index = new WorkspaceIndex();
  const texts = new Map<string, string>();
  const parsed = new Map<string, ManifestFile>();
  const parse = (name: string, text: string) => {
    const base = texts.get(name);
    texts.set(name, text);
    const p = parseManifestFile(name, text, pc, base === undefined ? undefined : diffHint(base, text));
    parsed.set(name, p);
    index.update(p);
  };
  for (const [name, text] of files) parse(name, text);
  const lintAll = () => new Map([...parsed].map(([name, p]) => [name, lintFile(p, index, rules, {}, lc)]));
  lintAll();
  return { index, lc, parsed, parse, lintAll };
}

function scratch(files: Map<string, string>) {
  const index = new WorkspaceIndex();
  const parsed = new Map([...files].map(([name, text]) => [name, parseManifestFile(name, text)]));
  for (const p of parsed.values()) index.update(p);
  const lintAll = () => new Map([...parsed].map(([name, p]) => [name, lintFile(p, index, rules)]));
  return { index, parsed, lintAll };
}

/** An object as a rule sees it: where it is (from its own document) and what it is. */
function describeObject(o: K8sObject): unknown {
  const r = (o.map as { range?: [number, number, number] }).range;
  return {
    file: o.doc.file,
    index: o.doc.index,
    startLine: o.doc.startLine,
    at: r && docPosition(o.doc, r[0]),
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    scope: o.context?.scope,
    baseLine: o.context?.base.doc.startLine,
  };
}

function describeValue(v: K8sObject | WorkloadSummary | undefined): unknown {
  if (!v) return v;
  return 'serviceAccount' in v ? { workload: describeObject(v.obj), sa: v.serviceAccount, wi: v.wantsWorkloadIdentity } : describeObject(v);
}

/**
 * Every lookup the rules make, for every object of the workspace (asked from that object's
 * project), described; the keys they read are recorded. Checks on the way that every object
 * the index hands out points to a current document of its file.
 */
function answers(index: WorkspaceIndex, parsed: Map<string, ManifestFile>): { out: unknown[]; keys: string[] } {
  const out: unknown[] = [];
  const current = (o: K8sObject) => {
    const p = parsed.get(o.doc.file);
    assert.ok(p && p.docs[o.doc.index] === o.doc, `a stale document: ${o.doc.file} #${o.doc.index} at line ${o.doc.startLine}`);
    assert.ok(o.context === undefined || p.docs[o.context.base.doc.index] === o.context.base.doc, 'a stale base');
  };
  const note = (label: string, vs: readonly (K8sObject | WorkloadSummary | undefined)[]) => {
    for (const v of vs) if (v) current('serviceAccount' in v ? v.obj : v);
    out.push([label, vs.map(describeValue)]);
  };
  index.startRecording();
  for (const [file, p] of parsed) {
    for (const doc of p.docs) {
      const views = index.viewsOf(doc);
      note(`views ${file} #${doc.index}`, views);
      for (const o of views) {
        index.scoped(o, () => {
          const name = o.name ?? 'default';
          note(`sa ${name} ${o.namespace}`, index.serviceAccounts(name, o.namespace));
          note(`sa ${name} any ns`, index.serviceAccounts(name));
          note(`sa all in ${o.namespace}`, index.serviceAccounts(undefined, o.namespace));
          note('sa all', index.serviceAccounts());
          note(`sa anywhere ${name}`, index.serviceAccountsAnywhere(name, o.namespace));
          note(`sa in file ${name}`, [index.serviceAccountInFile(name, o.namespace, file)]);
          note(`first sa ${name}`, [index.firstServiceAccount(name, o.namespace, () => true)]);
          note(`workloads ${name}`, index.workloadsUsing(name, o.namespace));
          note(`workloads anywhere ${name}`, index.workloadsUsing(name, o.namespace, true));
          note(`configmap ${name}`, [index.configObject('ConfigMap', name, o.namespace)]);
          note(`secret ${name}`, [index.configObject('Secret', name, o.namespace)]);
          note(`namespace ${o.namespace}`, [index.namespaceObject(o.namespace)]);
        });
      }
    }
  }
  return { out, keys: index.stopRecording() };
}

function insertLines(text: string, at: number, lines: string[]): string {
  const l = text.split('\n');
  l.splice(at, 0, ...lines);
  return l.join('\n');
}

/** Findings as the editor shows them, related locations and fixes included. */
function shown(m: Map<string, Finding[]>): unknown {
  return [...m].map(([name, fs]) => [name, fs.map((f) => [f.ruleId, f.message, f.range, f.related, f.fixes])]);
}

describe('the index keeps documents that only moved', () => {
  // Two files; the edit is in the first, inside a document without objects (so no lookup key
  // changes: every key version must stay as it was), above most of the file.
  const [a, b] = generateCorpus(160, 21, 80);
  const extra = [
    // Suppressions below the edit: an ignore annotation, and a line directive.
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet-sa\n  namespace: ns-q\n  annotations:\n    wi-doctor.io/ignore: "all"\n    azure.workload.identity/client-id: not-a-guid',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: quiet\n  namespace: ns-q\nspec:\n  template:\n    metadata:\n      labels:\n        # wi-doctor-disable-next-line all\n        azure.workload.identity/use: "yes"\n    spec:\n      serviceAccountName: quiet-sa\n      containers:\n        - name: c\n          image: x',
    // A workload that runs, with Workload Identity, as a ServiceAccount of the other file that
    // has no client ID: that file's finding points here (a cross-file related location).
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cross\n  namespace: ns-q\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: "true"\n    spec:\n      serviceAccountName: cross-sa\n      containers:\n        - name: c\n          image: x',
  ];
  const docs = a.text.split('\n---\n');
  const aText = [...docs.slice(0, 10), 'notes:\n  first: 1\n  second: 2', ...docs.slice(10), ...extra].join('\n---\n');
  const bText = b.text + '\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cross-sa\n  namespace: ns-q';
  const start = new Map([
    [a.name, aText],
    [b.name, bText],
  ]);
  const aLines = aText.split('\n');
  const at = aLines.indexOf('  second: 2');
  const indent = '  ';

  it('the test corpus has what the checks need: cross-file related locations and suppressions below the edit', () => {
    const s = scratch(start);
    const findings = s.lintAll();
    const fromB = findings.get(b.name)!;
    assert.ok(fromB.some((f) => f.related.some((r) => r.file === a.name && r.range.start.line > at)), 'related locations in the edited file, below the edit');
    const sup = collectSuppressions(s.parsed.get(a.name)!);
    assert.ok([...sup.lines.keys()].some((l) => l > at) && sup.objects.some((o) => o.range.start.line > at), 'suppressions below the edit');
  });

  for (const [label, edit] of [
    ['Enter and Backspace', (i: number) => (i % 2 === 0 ? insertLines(aText, at, [indent]) : aText)],
    ['lines inserted and removed', (i: number) => (i % 2 === 0 ? insertLines(aText, at, ['# one', '# two', '']) : aText)],
    ['a document added and removed above', (i: number) => (i % 2 === 0 ? insertLines(aText, at + 1, ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: added']) : aText)],
  ] as const) {
    it(`${label}: every lookup, related location and suppression is that of an index built from scratch; no key version changes`, () => {
      const e = editor(start);
      const before = answers(e.index, e.parsed);
      const versions = before.keys.map((k) => [k, e.index.keyVersion(k)]);
      for (let i = 0; i < 4; i++) {
        const files = new Map(start).set(a.name, edit(i));
        e.parse(a.name, files.get(a.name)!);
        // The CodeLens reads the new documents' objects before any lookup does (on odd edits).
        if (i % 2 === 1) for (const d of e.parsed.get(a.name)!.docs) objectsOfDoc(d);
        const s = scratch(files);
        assert.deepEqual(answers(e.index, e.parsed).out, answers(s.index, s.parsed).out);
        assert.deepEqual(collectSuppressions(e.parsed.get(a.name)!), collectSuppressions(s.parsed.get(a.name)!));
        assert.deepEqual(shown(e.lintAll()), shown(s.lintAll()));
        // Not one key the rules read was bumped: the contents behind them did not change.
        assert.deepEqual(
          before.keys.map((k) => [k, e.index.keyVersion(k)]),
          versions,
        );
      }
    });
  }

  it('a real change still bumps its keys, and the answers follow it', () => {
    const e = editor(start);
    const { keys } = answers(e.index, e.parsed);
    const key = keys.find((k) => k.startsWith('SA|') && k.endsWith('|quiet-sa'))!;
    assert.ok(key);
    const v = e.index.keyVersion(key);
    // Enter above it, and the ServiceAccount renamed: both in one change.
    const text = insertLines(aText, at, [indent]).replace('name: quiet-sa\n', 'name: loud-sa\n');
    e.parse(a.name, text);
    assert.ok(e.index.keyVersion(key) > v, 'the renamed ServiceAccount\'s key was bumped');
    const files = new Map(start).set(a.name, text);
    const s = scratch(files);
    assert.deepEqual(answers(e.index, e.parsed).out, answers(s.index, s.parsed).out);
    assert.deepEqual(shown(e.lintAll()), shown(s.lintAll()));
  });

  it('documents moved to other indices keep their places: a document added among them later sorts where it belongs', () => {
    const e = editor(start);
    // A document above: every later document's index goes up by one.
    const first = insertLines(aText, at + 1, ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: added']);
    e.parse(a.name, first);
    // Then a ServiceAccount right before a ServiceAccount of the middle (the two share the bucket of every ServiceAccount).
    const parts = first.split('\n---\n');
    const sa = parts.findIndex((d, i) => i > parts.length / 2 && /^kind: ServiceAccount$/m.test(d));
    assert.ok(sa > 0);
    parts.splice(sa, 0, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet-sa\n  namespace: ns-q');
    const second = parts.join('\n---\n');
    e.parse(a.name, second);
    const s = scratch(new Map(start).set(a.name, second));
    assert.deepEqual(answers(e.index, e.parsed).out, answers(s.index, s.parsed).out);
    assert.deepEqual(shown(e.lintAll()), shown(s.lintAll()));
  });

  it('a moved document reads its objects anew: they point to it, with the same nodes', () => {
    const e = editor(start);
    const old = e.parsed.get(a.name)!;
    e.parse(a.name, insertLines(aText, at, [indent]));
    const now = e.parsed.get(a.name)!;
    const last = now.docs.length - 1;
    assert.notEqual(now.docs[last], old.docs[last]);
    assert.equal(now.docs[last].lines, old.docs[last].lines, 'the same parse');
    const [o] = objectsOfDoc(now.docs[last]);
    assert.equal(o.doc, now.docs[last]);
    assert.equal(o.map, objectsOfDoc(old.docs[last])[0].map);
    assert.equal(objectsOfDoc(now.docs[last])[0], o, 'computed once');
  });
});
