import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskTemplates, parseManifestFile, ParseCache, splitDocuments } from '../../src/manifests/document';
import { objectsOfFile, podTemplate } from '../../src/manifests/objects';
import { isGuid, isPlaceholder } from '../../src/manifests/placeholders';

describe('document model', () => {
  it('splits at --- and keeps line numbers', () => {
    const chunks = splitDocuments('a: 1\n---\nb: 2\n--- # c\nc: 3\n');
    assert.deepEqual(chunks.map((c) => c.startLine), [0, 1, 3]);
    assert.equal(chunks.map((c) => c.text).join(''), 'a: 1\n---\nb: 2\n--- # c\nc: 3\n');
  });
  it('a document that does not parse is skipped; the others are read', () => {
    const f = parseManifestFile('x.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\n');
    assert.deepEqual(f.docs.map((d) => d.parseError), [false, true, false]);
    assert.deepEqual(objectsOfFile(f).map((o) => o.name), ['a', 'b']);
  });
  it('kind: List items are objects with their own namespace', () => {
    const f = parseManifestFile('l.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a, namespace: x}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n');
    const objs = objectsOfFile(f);
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.namespace}/${o.name}`), ['ServiceAccount/x/a', 'Deployment/default/d']);
  });
  it('non-manifests yield no objects', () => {
    for (const text of ['on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n', 'services:\n  web:\n    image: nginx\n', 'replicaCount: 1\nimage:\n  repository: x\n', '']) {
      assert.equal(objectsOfFile(parseManifestFile('n.yaml', text)).length, 0);
    }
  });
  it('masks Helm expressions with same-length text', () => {
    const src = 'metadata:\n  name: {{ include "x.fullname" . }}\n{{- if .Values.wi }}\n  labels: {}\n{{- end }}\n';
    const masked = maskTemplates(src);
    assert.equal(masked.length, src.length);
    assert.match(masked, /name: __h+__\n/);
    assert.match(masked, /\n {20}\n/);
    const f = parseManifestFile('t.yaml', 'apiVersion: apps/v1\nkind: Deployment\n' + src);
    assert.equal(f.docs[0].parseError, false);
    assert.ok(isPlaceholder(objectsOfFile(f)[0].name!));
  });
  it('CronJob pod template is spec.jobTemplate.spec.template', () => {
    const f = parseManifestFile('c.yaml', 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {a: b}\n');
    const t = podTemplate(objectsOfFile(f)[0])!;
    assert.deepEqual(t.path, ['spec', 'jobTemplate', 'spec', 'template']);
    assert.ok(t.labels);
  });
  it('ParseCache re-parses only changed documents and follows moved ones', () => {
    const cache = new ParseCache();
    const a = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n';
    const b = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b}\n';
    parseManifestFile('f.yaml', `${a}---\n${b}`, cache);
    assert.equal(cache.misses, 2);
    const f = parseManifestFile('f.yaml', `# new line\n${a}---\n${b}`, cache);
    assert.equal(cache.misses, 3); // the first chunk changed text; the second only moved
    assert.equal(f.docs[1].startLine, 4);
  });
  it('GUIDs and placeholders', () => {
    assert.ok(isGuid('6f1c3b5e-8a2d-4c1e-9b7a-1234567890ab'));
    assert.ok(!isGuid('6f1c3b5e8a2d4c1e9b7a1234567890ab'));
    for (const p of ['${CLIENT_ID}', '$CLIENT_ID', '<client-id>', '__TOKEN__', '#{clientId}#', '{{ .Values.id }}']) assert.ok(isPlaceholder(p), p);
    for (const p of ['6f1c3b5e-8a2d-4c1e-9b7a-1234567890ab', 'true', 'my-app']) assert.ok(!isPlaceholder(p), p);
  });
});
