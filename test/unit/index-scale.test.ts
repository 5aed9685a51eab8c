// The workspace index at scale (issue 15): names that repeat in many files (the GitOps shape:
// one app rendered per cluster) must cost each lookup no more than a unique name does, and the
// answers must be exactly what the plain definitions give, in the same order, however the files
// came and went.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifestFile } from '../../src/manifests/document';
import { Bucket, type Item } from '../../src/manifests/index-bucket';
import type { K8sObject } from '../../src/manifests/objects';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { ALL_RULES } from '../../src/rules';
import type { Finding } from '../../src/rules/types';
import { generateGitOpsCorpus } from '../../scripts/bench/generate-repo';

const rules = new RuleSet(ALL_RULES);

function sa(name: string, annotated: boolean): string {
  return ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${name}`, '  namespace: shop', ...(annotated ? ['  annotations:', '    azure.workload.identity/client-id: "00000000-0000-0000-0000-000000000001"'] : []), ''].join('\n');
}

test('a bucket keeps its items in order whatever order they come and go in, and hands out its values without copying', () => {
  const items: Item[] = [];
  for (let f = 0; f < 6; f++) for (let d = 0; d < 3; d++) items.push({ key: 'k', content: `${f}/${d}`, value: { kind: `${f}/${d}` } as unknown as K8sObject, order: [f, d, -1, 0] });
  const b = new Bucket();
  // Out of order, as files re-indexed after an edit arrive.
  for (const i of [5, 0, 17, 3, 9, 1, 12, 2, 16, 4, 6, 8, 7, 10, 11, 13, 14, 15]) b.add(items[i]);
  assert.deepEqual(b.values.map((v) => (v as K8sObject).kind), items.map((it) => it.content));
  assert.equal(b.values, b.values, 'the same array every time (no copy per lookup)');
  for (const i of [9, 0, 17]) assert.equal(b.remove(items[i]), true);
  assert.equal(b.remove(items[9]), false, 'an item is removed once');
  assert.deepEqual(b.values.map((v) => (v as K8sObject).kind), items.filter((_, i) => ![0, 9, 17].includes(i)).map((it) => it.content));
});

test('firstWhere answers as find does, and again after the bucket changed', () => {
  const b = new Bucket();
  const mk = (n: number, ok: boolean): Item => ({ key: 'k', content: String(n), value: { name: String(n), ok } as unknown as K8sObject, order: [n, 0, -1, 0] });
  const test_ = (v: K8sObject & { ok?: boolean }) => v.ok === true;
  let calls = 0;
  const counted = (v: K8sObject & { ok?: boolean }) => (calls++, test_(v));
  const a = mk(1, false);
  const c = mk(3, true);
  b.add(a);
  b.add(c);
  assert.equal(b.firstWhere(counted)?.name, '3');
  assert.equal(b.firstWhere(counted)?.name, '3');
  assert.equal(calls, 2, 'the second answer is remembered, not searched again');
  const first = mk(0, true);
  b.add(first);
  assert.equal(b.firstWhere(counted)?.name, '0', 'an item that comes first is seen');
  b.remove(first);
  b.remove(c);
  assert.equal(b.firstWhere(counted), undefined);
});

test('the index lookups over a name declared in many files: the same answers as the plain definitions', () => {
  const index = new WorkspaceIndex();
  const files = Array.from({ length: 40 }, (_, i) => parseManifestFile(`/w/c${i}/api.yaml`, sa('api-sa', i % 3 !== 0) + '---\n' + sa('api-sa', false)));
  for (const f of files) index.update(f);
  const all = index.serviceAccounts('api-sa', 'shop');
  assert.equal(all.length, 80);
  // In file order, then document order.
  assert.deepEqual(all.map((s) => `${s.doc.file}#${s.doc.index}`), files.flatMap((f) => [`${f.file}#0`, `${f.file}#1`]));
  const annotated = (s: K8sObject) => s.map.toJSON().metadata.annotations !== undefined;
  index.scoped(all[0], () => {
    assert.equal(index.firstServiceAccount('api-sa', 'shop', annotated), all.find(annotated));
    for (const f of files) assert.equal(index.serviceAccountInFile('api-sa', 'shop', f.file), all.find((s) => s.doc.file === f.file));
    assert.equal(index.serviceAccountInFile('api-sa', 'shop', '/w/none.yaml'), undefined);
  });
  // Files removed and added again come back in their first-indexed place.
  index.remove(files[1].file);
  index.remove(files[0].file);
  index.update(files[0]);
  const again = index.serviceAccounts('api-sa', 'shop').map((s) => s.doc.file);
  assert.deepEqual(again, files.filter((_, i) => i !== 1).flatMap((f) => [f.file, f.file]));
  // The first annotated one is now another (file 0 is not annotated, file 1 is gone): the remembered answer is not kept.
  index.scoped(all[0], () => assert.equal(index.firstServiceAccount('api-sa', 'shop', annotated)?.doc.file, '/w/c2/api.yaml'));
});

/** How many ServiceAccount objects the rules look at per file, linting a GitOps corpus of `n` files. */
function inspections(n: number): { perFile: number; findings: Finding[] } {
  const corpus = generateGitOpsCorpus(n, 11);
  const index = new WorkspaceIndex();
  const parsed = corpus.map((f) => parseManifestFile(`/w/${f.name}`, f.text));
  for (const p of parsed) index.update(p);
  let reads = 0;
  const original = index.serviceAccounts.bind(index);
  // Count the ServiceAccounts the rules actually look at in a lookup's answer (an element read;
  // its length is free), however they walk it (find, some, filter, for…of, [0]).
  index.serviceAccounts = (name?: string, namespace?: string) =>
    new Proxy(original(name, namespace), {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver);
      },
    });
  const findings = parsed.flatMap((p) => lintFile(p, index, rules));
  return { perFile: reads / n, findings };
}

test('GitOps shape: the ServiceAccounts the rules look at per file do not grow with the copies of a name', () => {
  const small = inspections(30);
  const large = inspections(150);
  // Each name is declared once per cluster (1 → 5 copies); a rule that walked every copy per
  // workload would look at 5× as many per file.
  assert.ok(large.perFile <= small.perFile * 1.5 + 1, `${large.perFile} ServiceAccounts per file at 150 files, ${small.perFile} at 30`);
});

test('GitOps shape: the editor path (LintCache) and a from-scratch lint agree', () => {
  const corpus = generateGitOpsCorpus(90, 5);
  const snapshot = (fs: Finding[]) => JSON.stringify(fs.map((f) => [f.ruleId, f.severity, f.message, f.range, f.related, f.fixes]));
  const index = new WorkspaceIndex();
  const parsed = corpus.map((f) => parseManifestFile(`/w/${f.name}`, f.text));
  for (const p of parsed) index.update(p);
  const cache = new LintCache();
  const cached = parsed.map((p) => snapshot(lintFile(p, index, rules, {}, cache)));
  const plain = parsed.map((p) => snapshot(lintFile(p, index, rules)));
  assert.deepEqual(cached, plain);
  // Drop the client ID of one cluster's copy of a ServiceAccount: both paths still agree.
  const i = parsed.findIndex((p) => p.text.includes('azure.workload.identity/client-id'));
  const edited = parseManifestFile(parsed[i].file, parsed[i].text.replace(/azure\.workload\.identity\/client-id: .*\n/, ''));
  index.update(edited);
  parsed[i] = edited;
  const fresh = new WorkspaceIndex();
  for (const p of parsed) fresh.update(p);
  assert.deepEqual(parsed.map((p) => snapshot(lintFile(p, index, rules, {}, cache))), parsed.map((p) => snapshot(lintFile(p, fresh, rules))));
});
