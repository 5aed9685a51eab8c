// Kustomize as the linter reads it: kustomization fields, which files a build takes in,
// strategic-merge and JSON 6902 patches applied to the YAML tree, findings located in the
// file the user wrote (base, patch or kustomization.yaml), and what goes wrong gracefully.
//
//   node scripts/run-unit-tests.mjs kustomize

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMap, isSeq } from 'yaml';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { fixAll } from '../../src/lint/fix-all';
import { applyEdits } from '../../src/manifests/text';
import { parseManifestFile } from '../../src/manifests/document';
import { expandBuilds, isRemote, readKustomization, type Kustomization } from '../../src/manifests/kustomize';
import { findPair, getMap, getNode, getSeq, getString, items, keyOf } from '../../src/manifests/nodes';
import { applyJson6902, setPairs, strategicMerge } from '../../src/manifests/strategic-merge';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { ALL_RULES } from '../../src/rules';
import { missingServiceAccount } from '../../src/rules/missing-service-account';
import { missingUseLabel } from '../../src/rules/missing-use-label';
import { indexProject, lintProject, messages, of } from './project-lint';

const doc = (text: string, file = 'x.yaml') => parseManifestFile(file, text).docs[0];
const map = (text: string, file = 'x.yaml') => {
  const d = doc(text, file);
  assert.ok(isMap(d.yaml?.contents), `${file} is a mapping`);
  return { d, m: d.yaml!.contents as never };
};
const kust = (text: string, file = 'app/kustomization.yaml') => readKustomization(parseManifestFile(file, text))!;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: api:1
          env:
            - name: LOG_LEVEL
              value: info
`;
const SA = (annotations = '') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
${annotations}`;
const CLIENT = '  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n';
const LABEL_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        azure.workload.identity/use: "true"
`;

describe('reading a kustomization', () => {
  it('reads resources, bases, components, every kind of patch and the transformers', () => {
    const k = kust(`resources:
  - deploy.yaml
  - ../base
  - https://github.com/contoso/platform//base?ref=v1
bases: [../legacy]
components: [../../components/wi]
namespace: prod
namePrefix: p-
nameSuffix: -v2
commonLabels:
  team: a
labels:
  - pairs: {tier: web}
    includeTemplates: true
  - pairs: {azure.workload.identity/use: "true"}
    includeSelectors: true
commonAnnotations:
  owner: shop
patches:
  - path: p1.yaml
    target: {kind: Deployment, name: "api|web"}
  - patch: |-
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: api}
patchesStrategicMerge:
  - p2.yaml
patchesJson6902:
  - target: {kind: Deployment, name: api}
    path: ops.yaml
`);
    assert.deepEqual(k.resources.map((r) => [r.ref, r.path, r.component]), [
      ['deploy.yaml', 'app/deploy.yaml', false],
      ['../base', 'base', false],
      ['https://github.com/contoso/platform//base?ref=v1', undefined, false],
      ['../legacy', 'legacy', false],
      ['../../components/wi', 'components/wi', true],
    ]);
    assert.equal(k.namespace, 'prod');
    assert.equal(k.namePrefix, 'p-');
    assert.equal(k.nameSuffix, '-v2');
    assert.deepEqual(k.labels.map((l) => [l.pairs.map((p) => keyOf(p)), l.templates, l.selectors]), [
      [['team'], true, true],
      [['tier'], true, false],
      [['azure.workload.identity/use'], true, true],
    ]);
    assert.deepEqual(k.annotations.map((p) => keyOf(p)), ['owner']);
    assert.deepEqual(k.patches.map((p) => [p.path ?? 'inline', p.target?.name, p.json6902]), [
      ['app/p1.yaml', 'api|web', false],
      ['inline', undefined, false],
      ['app/p2.yaml', undefined, false],
      ['app/ops.yaml', 'api', true],
    ]);
    // The inline patch is a document of its own whose positions are the kustomization's.
    const inline = k.patches[1].inline!;
    assert.equal(getString(inline.yaml?.contents, 'kind'), 'ServiceAccount');
    const kindPair = findPair(inline.yaml?.contents, 'kind')!;
    assert.equal(inline.lines.linePos((kindPair.key as { range: number[] }).range[0]).line, 24);
    assert.deepEqual(k.problems, []);
  });

  it('says what it does not read, and reads no further into what it cannot', () => {
    const k = kust('resources: deploy.yaml\npatches:\n  - patch: "apiVersion: v1"\nvars: []\n');
    assert.deepEqual(k.resources, []);
    assert.ok(k.problems.some((p) => /`resources` is not a list/.test(p)));
    assert.ok(k.problems.some((p) => /quoted string: it is not read/.test(p)));
    assert.ok(k.problems.some((p) => /`vars` is not applied/.test(p)));
  });

  it('tells remote references from local paths', () => {
    for (const r of ['https://github.com/a/b', 'github.com/a/b//x?ref=v1', 'git@github.com:a/b.git', 'ssh://git@x/y', '../base?ref=main']) assert.ok(isRemote(r), r);
    for (const r of ['../base', 'deploy.yaml', 'sub/dir', './x.yaml']) assert.ok(!isRemote(r), r);
  });
});

describe('expanding builds', () => {
  const world = (ks: Record<string, string>, files: string[]) => {
    const all = Object.entries(ks).map(([f, t]) => kust(t, f));
    const dirs = new Map(all.map((k) => [k.dir, k]));
    const folders = new Set<string>();
    for (const f of [...files, ...Object.keys(ks)]) {
      const parts = f.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    const kindOf = (key: string) => (files.includes(key) || ks[key] !== undefined ? 'file' as const : folders.has(key) ? 'folder' as const : undefined);
    return expandBuilds(all, kindOf, (d) => dirs.get(d));
  };
  const members = (e: ReturnType<typeof expandBuilds>) => e.members.map((m) => `${m.build.dir}:${m.chain.map((c: Kustomization) => c.dir).join('>')}:${m.file}`).sort();

  it('follows overlays into their bases; a base is built by each overlay, not on its own', () => {
    const e = world({
      'base/kustomization.yaml': 'resources: [deploy.yaml, sa.yaml]',
      'overlays/prod/kustomization.yaml': 'resources: [../../base, extra.yaml]',
      'overlays/dev/kustomization.yaml': 'resources: [../../base]',
    }, ['base/deploy.yaml', 'base/sa.yaml', 'overlays/prod/extra.yaml']);
    assert.deepEqual(members(e), [
      'overlays/dev:overlays/dev>base:base/deploy.yaml',
      'overlays/dev:overlays/dev>base:base/sa.yaml',
      'overlays/prod:overlays/prod:overlays/prod/extra.yaml',
      'overlays/prod:overlays/prod>base:base/deploy.yaml',
      'overlays/prod:overlays/prod>base:base/sa.yaml',
    ]);
    assert.equal(e.notes.size, 0);
  });

  it('notes a cycle, a missing file, a folder without a kustomization and a remote base, and still ends', () => {
    const e = world({
      'a/kustomization.yaml': 'resources: [../b, missing.yaml, ../plain, https://example.com/x.yaml]',
      'b/kustomization.yaml': 'resources: [../a, deploy.yaml]',
    }, ['b/deploy.yaml', 'plain/notes.yaml']);
    // a and b refer to each other: neither is a top build, yet what they hold is built (once).
    assert.deepEqual(members(e), ['a:a>b:b/deploy.yaml']);
    const notes = [...e.notes.values()].flat().join('\n');
    assert.match(notes, /a cycle/);
    assert.match(notes, /missing\.yaml does not exist/);
    assert.match(notes, /\.\.\/plain is a folder without a kustomization\.yaml/);
    assert.match(notes, /remote resource https:\/\/example\.com\/x\.yaml is not read/);
  });
});

describe('applying patches to the YAML tree', () => {
  it('merges maps, containers and env by name; null deletes; the base is not touched', () => {
    const base = map(DEPLOY, 'base.yaml');
    const patch = map(`kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata:
      labels:
        app: null
        azure.workload.identity/use: "true"
    spec:
      containers:
        - name: api
          env:
            - name: LOG_LEVEL
              value: debug
            - name: EXTRA
              value: "1"
        - name: sidecar
          image: s:1
`, 'patch.yaml');
    const merged = strategicMerge(base.m, base.d, patch.m);
    assert.deepEqual(getMap(merged, 'spec', 'template', 'metadata', 'labels')!.items.map((p) => keyOf(p as never)), ['azure.workload.identity/use']);
    const containers = items(getSeq(merged, 'spec', 'template', 'spec', 'containers'));
    assert.deepEqual(containers.map((c) => getString(c, 'name')), ['api', 'sidecar']);
    assert.equal(getString(containers[0], 'image'), 'api:1', 'the base container keeps its image');
    assert.deepEqual(items(getSeq(containers[0], 'env')).map((e) => `${getString(e, 'name')}=${getString(e, 'value')}`), ['LOG_LEVEL=debug', 'EXTRA=1']);
    assert.equal(getString(merged, 'spec', 'template', 'spec', 'serviceAccountName'), 'api');
    // The parsed base is unchanged (the merge copies what it changes).
    assert.deepEqual(getMap(base.m, 'spec', 'template', 'metadata', 'labels')!.items.map((p) => keyOf(p as never)), ['app']);
    // `kind` and `name`, repeated by the patch to find its target, stay the base's nodes.
    assert.equal(getNode(merged, 'kind'), getNode(base.m, 'kind'));
  });

  it('honours $patch: delete in a list and $patch: replace on a map', () => {
    const base = map(DEPLOY, 'base.yaml');
    const patch = map(`spec:
  template:
    metadata:
      labels:
        $patch: replace
        only: this
    spec:
      containers:
        - name: api
          $patch: delete
`, 'patch.yaml');
    const merged = strategicMerge(base.m, base.d, patch.m);
    assert.deepEqual(getMap(merged, 'spec', 'template', 'metadata', 'labels')!.items.map((p) => keyOf(p as never)), ['only']);
    assert.deepEqual(items(getSeq(merged, 'spec', 'template', 'spec', 'containers')), []);
  });

  it('applies JSON 6902 add, replace and remove, with ~1 in keys and - for appending', () => {
    const base = map(DEPLOY, 'base.yaml');
    const ops = doc(`- op: add
  path: /spec/template/metadata/labels/azure.workload.identity~1use
  value: "true"
- op: replace
  path: /spec/template/spec/serviceAccountName
  value: api-wi
- op: add
  path: /spec/template/spec/containers/0/env/-
  value: {name: A, value: b}
- op: remove
  path: /spec/selector
- op: add
  path: /metadata/annotations/x
  value: y
`, 'ops.yaml');
    assert.ok(isSeq(ops.yaml?.contents));
    const out = applyJson6902(base.m, base.d, ops.yaml!.contents as never);
    assert.equal(getString(out, 'spec', 'template', 'metadata', 'labels', 'azure.workload.identity/use'), 'true');
    assert.equal(getString(out, 'spec', 'template', 'spec', 'serviceAccountName'), 'api-wi');
    const env = items(getSeq(items(getSeq(out, 'spec', 'template', 'spec', 'containers'))[0], 'env'));
    assert.deepEqual(env.map((e) => getString(e, 'name')), ['LOG_LEVEL', 'A']);
    assert.equal(getNode(out, 'spec', 'selector'), undefined);
    assert.equal(getString(out, 'metadata', 'annotations', 'x'), 'y', 'add creates the maps on its way');
  });

  it('sets labels where a kustomization puts them, creating the maps', () => {
    const base = map('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: []}\n', 'cj.yaml');
    const k = kust('commonLabels:\n  azure.workload.identity/use: "true"\n');
    const out = setPairs(base.m, ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'], k.labels[0].pairs, true, base.d);
    assert.equal(getString(out, 'spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels', 'azure.workload.identity/use'), 'true');
    assert.equal(getString(out, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'), undefined);
  });
});

describe('linting through a kustomization', () => {
  const overlay = (extra: Record<string, string> = {}) => ({
    'base/kustomization.yaml': 'resources: [deploy.yaml, sa.yaml]\n',
    'base/deploy.yaml': DEPLOY,
    'base/sa.yaml': SA(),
    'prod/kustomization.yaml': 'namespace: prod\nnamePrefix: prod-\nresources: [../base]\npatches:\n  - path: wi.yaml\n  - path: sa-patch.yaml\n',
    'prod/wi.yaml': LABEL_PATCH,
    'prod/sa-patch.yaml': SA(CLIENT),
    ...extra,
  });

  it('a strategic-merge patch is never judged as a whole workload (issue 13)', () => {
    const l = lintProject(overlay());
    assert.deepEqual(l.summary.filter((s) => !/client-id-format/.test(s)), []);
  });

  it('a patch whose base is not in the workspace is judged only on its own keys', () => {
    const l = lintProject({ 'prod/kustomization.yaml': 'resources: [https://github.com/contoso/base?ref=v1]\npatches:\n  - path: wi.yaml\n', 'prod/wi.yaml': LABEL_PATCH.replace('"true"', 'True') });
    assert.deepEqual(of(l, 'missing-service-account'), []);
    // Its own keys still count: the label value is wrong wherever it ends up.
    assert.deepEqual(of(l, 'use-label-value'), ['prod/wi.yaml:9 error']);
  });

  it('each overlay is its own build: the one that lacks the client ID is reported, naming it', () => {
    const l = lintProject(overlay({
      'dev/kustomization.yaml': 'namespace: dev\nresources: [../base]\npatchesStrategicMerge: [wi.yaml]\n',
      'dev/wi.yaml': LABEL_PATCH,
    }));
    assert.deepEqual(of(l, 'missing-client-id'), ['base/sa.yaml:4 error']);
    assert.match(messages(l, 'missing-client-id')[0], /^ServiceAccount api \(as built by kustomization dev\) has no/);
  });

  it('a finding about a node of the patch lands in the patch file, at that node', () => {
    const l = lintProject({
      'base/kustomization.yaml': 'resources: [deploy.yaml, sa.yaml]\n',
      'base/deploy.yaml': DEPLOY.replace('      serviceAccountName: api\n', ''),
      'base/sa.yaml': SA(CLIENT),
      'prod/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: sa-name.yaml\n',
      'prod/sa-name.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      serviceAccountName: api\n',
    }, [missingUseLabel]);
    assert.deepEqual(l.summary, ['prod/sa-name.yaml:8 missing-use-label warning']);
    const f = l.findings.get('prod/sa-name.yaml')![0];
    assert.deepEqual([f.range.start.character, f.range.end.character], [26, 29]);
    assert.deepEqual(f.fixes, [], 'no fix on an object assembled from two files');
    assert.deepEqual(f.related.map((r) => `${r.file}:${r.range.start.line + 1}`), ['base/sa.yaml:6']);
  });

  it("a finding in the object's own file keeps the fixes it has there, though the kustomization adds labels", () => {
    const files = {
      'app/kustomization.yaml': 'commonLabels:\n  team: shop\nresources: [deploy.yaml, sa.yaml]\n',
      'app/deploy.yaml': DEPLOY.replace('        app: api\n    spec:', '        app: api\n        azure.workload.identity/use: true\n    spec:'),
      'app/sa.yaml': SA(CLIENT),
    };
    const l = lintProject(files);
    const f = l.findings.get('app/deploy.yaml')!.find((x) => x.ruleId === 'use-label-value')!;
    assert.deepEqual(f.fixes.map((x) => [x.title, x.safe]), [['Quote the label value as "true"', true]]);
    const { index } = indexProject(files);
    const fixed = fixAll('app/deploy.yaml', files['app/deploy.yaml'], index, new RuleSet(ALL_RULES));
    assert.match(fixed.text, /azure\.workload\.identity\/use: "true"/);
    // A missing label on a merged object: the suggestion computed on the file's own nodes.
    const m = lintProject({ ...files, 'app/deploy.yaml': DEPLOY }).findings.get('app/deploy.yaml')!.find((x) => x.ruleId === 'missing-use-label')!;
    assert.deepEqual(m.fixes.map((x) => x.title), ['Add azure.workload.identity/use: "true" to spec.template.metadata.labels']);
    const after = applyEdits(DEPLOY, m.fixes[0].edits);
    assert.equal(getString(parseManifestFile('d.yaml', after).docs[0].yaml?.contents, 'spec', 'template', 'metadata', 'labels', 'azure.workload.identity/use'), 'true', after);
    assert.equal(after.split('\n').length, DEPLOY.split('\n').length + 1, 'one line added, in the file itself');
  });

  it('an inline patch and a JSON 6902 patch are applied; findings in an inline patch point into kustomization.yaml', () => {
    const l = lintProject({
      'app/kustomization.yaml': `resources: [deploy.yaml, sa.yaml]
patches:
  - target: {kind: Deployment, name: api}
    patch: |-
      - op: add
        path: /spec/template/metadata/labels/azure.workload.identity~1use
        value: "yes"
`,
      'app/deploy.yaml': DEPLOY,
      'app/sa.yaml': SA(CLIENT),
    });
    assert.deepEqual(of(l, 'missing-use-label'), [], 'the label is there (with a wrong value)');
    assert.deepEqual(of(l, 'use-label-value'), ['app/kustomization.yaml:7 error']);
  });

  it('commonLabels / labels.includeTemplates put the label on pod templates; plain labels do not', () => {
    const files = (labels: string) => ({ 'app/kustomization.yaml': `resources: [deploy.yaml, sa.yaml]\n${labels}`, 'app/deploy.yaml': DEPLOY, 'app/sa.yaml': SA(CLIENT) });
    assert.deepEqual(of(lintProject(files('labels:\n  - pairs: {azure.workload.identity/use: "true"}\n    includeTemplates: true\n')), 'missing-use-label'), []);
    assert.deepEqual(of(lintProject(files('commonLabels: {azure.workload.identity/use: "true"}\n')), 'missing-use-label'), []);
    // Without includeTemplates the label lands on the Deployment itself, which the webhook ignores.
    const plain = lintProject(files('labels:\n  - pairs: {azure.workload.identity/use: "true"}\n'));
    assert.deepEqual(of(plain, 'missing-use-label'), [], 'the misplaced label is use-label-not-on-pod-template\'s finding');
    assert.ok(of(plain, 'use-label-not-on-pod-template').some((s) => s.startsWith('app/kustomization.yaml:3')), of(plain, 'use-label-not-on-pod-template').join());
  });

  it("the kustomization's namespace and name prefix apply to the cross-file checks", () => {
    const { index, parsed } = indexProject({
      'team/kustomization.yaml': 'namespace: team-a\nnamePrefix: a-\nresources: [deploy.yaml, sa.yaml]\n',
      'team/deploy.yaml': DEPLOY.replace('        app: api\n    spec:', '        app: api\n        azure.workload.identity/use: "true"\n    spec:'),
      // Written in another namespace: the kustomization moves it to team-a.
      'team/sa.yaml': SA('  namespace: other\n'),
      // Another project refers to the ServiceAccount by its name in the cluster.
      'ops/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: team-a}\nspec:\n  template:\n    metadata:\n      labels: {azure.workload.identity/use: "true"}\n    spec:\n      serviceAccountName: a-api\n      containers: []\n',
    });
    const [deploy] = index.viewsOf(parsed.get('team/deploy.yaml')!.docs[0]);
    assert.equal(deploy.namespace, 'team-a');
    assert.equal(deploy.context?.scope, 'team');
    const sas = index.scoped(deploy, () => index.serviceAccounts('api', 'team-a'));
    assert.deepEqual(sas.map((s) => [s.name, s.namespace, s.context?.clusterName]), [['api', 'team-a', 'a-api']]);
    assert.deepEqual(index.serviceAccountsAnywhere('a-api', 'team-a').map((s) => s.doc.file), ['team/sa.yaml']);
    const l = lintProject({
      'team/kustomization.yaml': 'namespace: team-a\nnamePrefix: a-\nresources: [deploy.yaml, sa.yaml]\n',
      'team/deploy.yaml': DEPLOY.replace('        app: api\n    spec:', '        app: api\n        azure.workload.identity/use: "true"\n    spec:'),
      'team/sa.yaml': SA('  namespace: other\n'),
    });
    // Found in team-a (no namespace mismatch), and missing its client ID there.
    assert.deepEqual(l.summary, ['team/sa.yaml:4 missing-client-id error']);
  });

  it('an edit of a patch re-lints the base it patches, as a fresh lint would', () => {
    const files = overlay();
    const index = new WorkspaceIndex();
    const rules = new RuleSet(ALL_RULES);
    const cache = new LintCache();
    const lintAll = () => {
      // As the editor does: the index learns every change, then the documents are linted.
      const ps = Object.entries(files).map(([name, text]) => parseManifestFile(name, text));
      for (const p of ps) index.update(p);
      return Object.fromEntries(ps.map((p) => [p.file, lintFile(p, index, rules, {}, cache).map((f) => `${f.ruleId}:${f.range.start.line}:${f.message}`)]));
    };
    const fresh = () => {
      const i = new WorkspaceIndex();
      const ps = Object.entries(files).map(([n, t]) => parseManifestFile(n, t));
      for (const p of ps) i.update(p);
      return Object.fromEntries(ps.map((p) => [p.file, lintFile(p, i, rules).map((f) => `${f.ruleId}:${f.range.start.line}:${f.message}`)]));
    };
    lintAll();
    for (const edit of [
      () => (files['prod/sa-patch.yaml'] = SA()), // the client ID goes away
      () => (files['prod/wi.yaml'] = LABEL_PATCH.replace('"true"', 'true')), // a wrong label value
      () => (files['prod/kustomization.yaml'] += '  - path: gone.yaml\n'), // a missing patch
      () => (files['base/deploy.yaml'] = DEPLOY.replace('serviceAccountName: api', 'serviceAccountName: other')),
      () => (files['prod/sa-patch.yaml'] = SA(CLIENT)),
    ]) {
      edit();
      assert.deepEqual(lintAll(), fresh());
    }
    assert.ok(index.notes().get('prod/kustomization.yaml')?.some((n) => /gone\.yaml does not exist/.test(n)));
  });
});

describe('missing-service-account and a patch (table)', () => {
  const rules = [missingServiceAccount];
  it('the patch alone, the patch with its base, the base lacking the name', () => {
    assert.deepEqual(lintProject({ 'k/kustomization.yaml': 'resources: [../base]\npatches: [{path: p.yaml}]\n', 'k/p.yaml': LABEL_PATCH }, rules).summary, []);
    assert.deepEqual(lintProject({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'base/deploy.yaml': DEPLOY,
      'k/kustomization.yaml': 'resources: [../base]\npatches: [{path: p.yaml}]\n',
      'k/p.yaml': LABEL_PATCH,
    }, rules).summary, []);
    // The base names no ServiceAccount and the patch adds the label: reported on the base's name.
    const l = lintProject({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'base/deploy.yaml': DEPLOY.replace('      serviceAccountName: api\n', ''),
      'k/kustomization.yaml': 'resources: [../base]\npatches: [{path: p.yaml}]\n',
      'k/p.yaml': LABEL_PATCH,
    }, rules);
    assert.deepEqual(l.summary, ['base/deploy.yaml:4 missing-service-account warning']);
    assert.match(messages(l)[0], /^Deployment api \(as built by kustomization k\) asks for Workload Identity/);
  });
});

describe('the incremental path on projects', () => {
  it('after any sequence of edits to bases, patches, kustomizations and helpers, equals a fresh lint', () => {
    // Each file has a few versions; an edit swaps one file to another version (or deletes it).
    const versions: Record<string, (string | undefined)[]> = {
      'base/kustomization.yaml': ['resources: [deploy.yaml, sa.yaml]\n', 'resources: [deploy.yaml]\ncommonLabels: {azure.workload.identity/use: "true"}\n', undefined],
      'base/deploy.yaml': [DEPLOY, DEPLOY.replace('serviceAccountName: api', 'serviceAccountName: other'), DEPLOY.replace('      serviceAccountName: api\n', '')],
      'base/sa.yaml': [SA(), SA(CLIENT), undefined],
      'prod/kustomization.yaml': ['namespace: prod\nresources: [../base]\npatches: [{path: wi.yaml}]\n', 'resources: [../base, sa.yaml]\npatchesStrategicMerge: [wi.yaml, sa.yaml]\n', 'resources: [../base]\n'],
      'prod/wi.yaml': [LABEL_PATCH, LABEL_PATCH.replace('"true"', 'true'), undefined],
      'prod/sa.yaml': [SA(CLIENT), SA('  namespace: prod\n')],
      'c/Chart.yaml': ['name: c\n', undefined],
      'c/templates/_helpers.tpl': ['{{- define "c.labels" -}}\na: b\n{{- end }}\n', '{{- define "c.labels" -}}\nazure.workload.identity/use: "true"\n{{- end }}\n'],
      'c/templates/d.yaml': [DEPLOY.replace('        app: api\n    spec:', '        {{- include "c.labels" . | nindent 8 }}\n    spec:').replace('serviceAccountName: api', 'serviceAccountName: {{ .Release.Name }}')],
      'c/templates/sa.yaml': [SA(CLIENT).replace('name: api', 'name: {{ .Release.Name }}'), SA().replace('name: api', 'name: {{ .Release.Name }}')],
    };
    const names = Object.keys(versions);
    const rules = new RuleSet(ALL_RULES);
    const snap = (fs: Map<string, string>, index: WorkspaceIndex, cache?: LintCache) => {
      const ps = [...fs].filter(([n]) => !n.endsWith('.tpl')).map(([n, t]) => parseManifestFile(n, t));
      for (const p of ps) index.update(p);
      for (const [n, t] of fs) if (n.endsWith('.tpl')) index.updateHelpers(n, t);
      return Object.fromEntries(ps.map((p) => [p.file, lintFile(p, index, rules, {}, cache).map((f) => `${f.ruleId}@${f.range.start.line}:${f.severity}:${f.message}|${f.fixes.length}`)]));
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(2)), { minLength: 1, maxLength: 10 }), (edits) => {
        const files = new Map(names.map((n) => [n, versions[n][0]!]));
        const index = new WorkspaceIndex();
        const cache = new LintCache();
        snap(files, index, cache);
        for (const [f, v] of edits) {
          const name = names[f];
          const text = versions[name][v % versions[name].length];
          if (text === undefined) {
            files.delete(name);
            index.remove(name);
          } else files.set(name, text);
          const fresh = new WorkspaceIndex();
          assert.deepEqual(snap(files, index, cache), snap(files, fresh));
        }
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 1313), numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
  });
});
