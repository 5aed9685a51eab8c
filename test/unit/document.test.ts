import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskTemplates, parseManifestFile, ParseCache, splitDocuments, unmask } from '../../src/manifests/document';
import { aliasOn, bindAnchors, entries, findPair, getNode, getString, items, keyOf, pairs } from '../../src/manifests/nodes';
import { objectsOfFile, podTemplate, serviceAccountName } from '../../src/manifests/objects';
import { isDummyGuid, isGuid, isPlaceholder, isPlaceholderId, isStandIn } from '../../src/manifests/placeholders';

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
    assert.match(masked, /name: __[a-z0-9]+__\n/);
    assert.match(masked, /\n {20}\n/);
    const f = parseManifestFile('t.yaml', 'apiVersion: apps/v1\nkind: Deployment\n' + src);
    assert.equal(f.docs[0].parseError, false);
    assert.ok(isPlaceholder(objectsOfFile(f)[0].name!));
  });
  it('masks the same expression alike (spacing aside) and unmasks it for messages', () => {
    const a = maskTemplates('name: {{ include "x.sa" . }}\n');
    const b = maskTemplates('name: {{ include  "x.sa" . }}\n');
    const c = maskTemplates('name: {{ include "y.sa" . }}\n');
    assert.equal(a.length, 'name: {{ include "x.sa" . }}\n'.length);
    assert.notEqual(a, c, 'different expressions of one length get different masks');
    assert.notEqual(a, b, 'different lengths cannot share a mask');
    const f = parseManifestFile('t.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "x.sa" . }}-extra\n');
    const masked = /name: (\S+)/.exec(maskTemplates(f.text))![1];
    assert.equal(unmask(f.docs[0], `ServiceAccount ${masked}`), 'ServiceAccount {{ include "x.sa" . }}-extra');
    assert.equal(objectsOfFile(f)[0].name, '{{ include "x.sa" . }}-extra');
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
    for (const p of ['${CLIENT_ID}', '$CLIENT_ID', '<client-id>', '__TOKEN__', '#{clientId}#', '{{ .Values.id }}', '{client_id}', '@CLIENT_ID@']) assert.ok(isPlaceholder(p), p);
    for (const p of ['6f1c3b5e-8a2d-4c1e-9b7a-1234567890ab', 'true', 'my-app', '{abcdef12-8a2d-4c1e-9b7a-1234567890ab}']) assert.ok(!isPlaceholder(p), p);
  });
  it('stand-ins: masks and instruction words, for values only', () => {
    for (const v of ['xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', '7d8cdf74-xxxx-xxxx-xxxx-274d963d358b', 'XXXXXXXX-cd79-4859-858d-XXXXXXX', 'xxx', '********', 'YOUR_CLIENT_ID', 'your-client-secret', 'CLIENT_ID_HERE', 'REPLACE_ME', 'changeme', 'TODO']) assert.ok(isStandIn(v), v);
    // Names and ordinary values are not: a ServiceAccount may be called my-app, a secret may be long.
    for (const v of ['my-app', 'api', 'hunter2', 'workload-identity', '6f1c3b5e-8a2d-4c1e-9b7a-1234567890ab', 'see the docs here']) assert.ok(!isStandIn(v), v);
  });
  it('placeholder IDs: dummy GUIDs and values that only name the field', () => {
    for (const v of ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000002', '11111111-1111-1111-1111-111111111111', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', '12345678-1234-1234-1234-123456789abc']) {
      assert.ok(isDummyGuid(v) && isPlaceholderId(v), v);
    }
    // Microsoft Graph's app ID is no stand-in; neither is a random GUID that happens to hold a run.
    for (const v of ['00000003-0000-0000-c000-000000000000', '6f1c3b5e-8a2d-4c1e-9b7a-111111111111', 'b6d8b871-a12a-431a-8e1a-3d5c687614bd']) assert.ok(!isDummyGuid(v), v);
    for (const v of ['CLIENT_ID', 'client-id', 'clientId', 'AZURE_CLIENT_ID', 'MANAGED_IDENTITY_CLIENT_ID', 'TENANT_ID', 'app-id']) assert.ok(isPlaceholderId(v), v);
    // An identity's name where its client ID belongs is a real mistake, not a stand-in.
    for (const v of ['workload-identity', 'api-identity', 'orders-mi', 'contoso.onmicrosoft.com']) assert.ok(!isPlaceholderId(v), v);
  });
});

describe('YAML merge keys and aliases', () => {
  const doc = (text: string) => {
    const f = parseManifestFile('m.yaml', text);
    bindAnchors(f.docs[0]);
    return f;
  };

  it('a merged map has the keys of its sources it does not set itself; the first source wins', () => {
    const f = doc('a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n');
    const c = getNode(f.docs[0].yaml!.contents, 'c');
    assert.deepEqual(pairs(c).map((p) => `${keyOf(p)}=${String((p.value as { value: unknown }).value)}`), ['x=3', 'y=1', 'z=2']);
    assert.equal(findPair(c, '<<'), undefined, 'the merge key itself is not a key');
    assert.deepEqual(entries(c).map((e) => (e.via ? (e.via as { source: string }).source : 'own')), ['own', 'a', 'b']);
  });

  it('aliases resolve as values and as list items; the alias written here is reported', () => {
    const f = doc('env: &env\n  - {name: A}\nc:\n  env: *env\nd:\n  env:\n    - *first\n');
    const root = f.docs[0].yaml!.contents;
    assert.deepEqual(items(getNode(root, 'c', 'env')).map((e) => getString(e, 'name')), ['A']);
    assert.equal((aliasOn(root, 'c', 'env') as { source: string }).source, 'env');
    // `*first` has no anchor: it reads as absent, not as an error.
    assert.deepEqual(items(getNode(root, 'd', 'env')), []);
  });

  it('a pod template inherits labels, and its spec a ServiceAccount name, through merge keys', () => {
    const f = parseManifestFile('d.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: &labels {app: api, azure.workload.identity/use: "true"}
spec:
  template:
    metadata:
      labels: {<<: *labels, tier: web}
    spec:
      <<: {serviceAccountName: runner}
      containers: []
`);
    const t = podTemplate(objectsOfFile(f)[0])!;
    // serviceAccountName binds the document's anchors (the index calls it before any rule).
    assert.equal(serviceAccountName(t), 'runner');
    assert.equal(getString(t.labels, 'azure.workload.identity/use'), 'true');
    assert.equal(getString(t.labels, 'tier'), 'web');
  });

  it('the deprecated serviceAccount field; serviceAccountName wins unless it is empty', () => {
    const name = (spec: string) => serviceAccountName(podTemplate(objectsOfFile(parseManifestFile('p.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n${spec}  containers: []\n`))[0])!);
    assert.equal(name('  serviceAccount: old\n'), 'old');
    assert.equal(name('  serviceAccountName: new\n  serviceAccount: old\n'), 'new');
    assert.equal(name('  serviceAccountName: ""\n  serviceAccount: old\n'), 'old');
    assert.equal(name(''), undefined);
  });
});
