// Projects: which files a workload's references may resolve to. The nearest chart or
// kustomization is a project; so is each workspace folder for the files outside them; a
// Kustomize build takes in its bases. A match across projects is at most an info, and says
// where it came from.
//
//   node scripts/run-unit-tests.mjs project-roots

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestFile } from '../../src/manifests/document';
import { ancestors, basename, dirname, isWithin, pathKey, resolvePath, shortPath } from '../../src/manifests/paths';
import { fileRole } from '../../src/manifests/project-roots';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { missingUseLabel } from '../../src/rules/missing-use-label';
import { serviceAccountNamespaceMismatch } from '../../src/rules/service-account-namespace-mismatch';
import { indexProject, lintProject, messages } from './project-lint';

const SA = (name: string, ns: string, client = true) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
${client ? '  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n' : ''}`;
const DEPLOY = (sa: string, ns: string, label = false) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  template:
    metadata:
      labels:
        app: web${label ? '\n        azure.workload.identity/use: "true"' : ''}
    spec:
      serviceAccountName: ${sa}
      containers: []
`;

describe('paths of every kind the feeders use', () => {
  it('works on bare names, absolute paths, Windows paths and percent-encoded URIs alike', () => {
    assert.equal(pathKey('file:///home/u/my%20app/deploy.yaml'), 'file:///home/u/my app/deploy.yaml');
    assert.equal(pathKey('C:\\repo\\k8s\\a.yaml'), 'C:/repo/k8s/a.yaml');
    assert.equal(dirname('file:///home/u/app/deploy.yaml'), 'file:///home/u/app');
    assert.equal(dirname('/repo/app/deploy.yaml'), '/repo/app');
    assert.equal(dirname('deploy.yaml'), '');
    assert.equal(dirname('C:/repo/a.yaml'), 'C:/repo');
    assert.equal(basename('file:///x/Kustomization'), 'Kustomization');
    assert.equal(resolvePath('file:///repo/overlays/prod', '../../base'), 'file:///repo/base');
    assert.equal(resolvePath('/repo/app', './sub/../x.yaml'), '/repo/app/x.yaml');
    assert.equal(resolvePath('app', '../../../x.yaml'), 'x.yaml', 'climbing above the top stays at the top');
    assert.equal(resolvePath('', 'base'), 'base');
    assert.deepEqual(ancestors('/repo/app/x.yaml'), ['/repo/app', '/repo', '/']);
    assert.deepEqual(ancestors('app/x.yaml'), ['app', '']);
    assert.ok(isWithin('/repo/app/x.yaml', '/repo'));
    assert.ok(!isWithin('/repository/x.yaml', '/repo'));
    assert.equal(shortPath('/repo/apps/a', '/repo'), 'apps/a');
    assert.equal(shortPath('/elsewhere/apps/a', '/repo'), 'apps/a');
  });

  it('tells the files the index reads apart by name', () => {
    assert.deepEqual(['a/kustomization.yaml', 'a/kustomization.yml', 'a/Kustomization', 'c/Chart.yaml', 'c/values.yaml', 'c/templates/_helpers.tpl', 'a/deploy.yaml'].map(fileRole), ['kustomization', 'kustomization', 'kustomization', 'chart', 'values', 'helpers', 'manifest']);
  });
});

describe('which project a file belongs to', () => {
  const scopes = (files: Record<string, string>, folders: string[] = []) => {
    const { index, parsed } = indexProject(files, folders);
    return Object.fromEntries([...parsed].map(([name, p]) => [name, index.viewsOf(p.docs[0]).map((o) => o.context?.scopeLabel).join(' | ')]));
  };
  const obj = SA('a', 'x', false);

  it('the nearest kustomization or chart, the workspace folder, a subchart in its parent chart', () => {
    const s = scopes({
      'apps/a/kustomization.yaml': 'resources: [sa.yaml]\n',
      'apps/a/sa.yaml': obj,
      'apps/a/stray/notes.yaml': obj,
      'charts/top/Chart.yaml': 'name: top\n',
      'charts/top/templates/sa.yaml': obj,
      'charts/top/charts/sub/Chart.yaml': 'name: sub\n',
      'charts/top/charts/sub/templates/sa.yaml': obj,
      'charts/top/ci/rendered.yaml': obj,
      'k8s/sa.yaml': obj,
    });
    assert.deepEqual(s, {
      'apps/a/kustomization.yaml': '',
      'apps/a/sa.yaml': 'kustomization apps/a',
      'apps/a/stray/notes.yaml': 'kustomization apps/a',
      'charts/top/Chart.yaml': '',
      'charts/top/templates/sa.yaml': 'chart charts/top',
      'charts/top/charts/sub/Chart.yaml': '',
      'charts/top/charts/sub/templates/sa.yaml': 'chart charts/top',
      'charts/top/ci/rendered.yaml': 'folder charts/top/ci',
      'k8s/sa.yaml': 'the workspace',
    });
  });

  it('each workspace folder of a multi-root workspace is a project of its own', () => {
    const s = scopes({ 'file:///w/one/sa.yaml': obj, 'file:///w/two/sa.yaml': obj }, ['file:///w/one', 'file:///w/two']);
    assert.deepEqual(s, { 'file:///w/one/sa.yaml': 'the workspace folder', 'file:///w/two/sa.yaml': 'the workspace folder' });
    const { index, parsed } = indexProject({ 'file:///w/one/sa.yaml': obj, 'file:///w/two/sa.yaml': obj }, ['file:///w/one', 'file:///w/two']);
    const [one] = index.viewsOf(parsed.get('file:///w/one/sa.yaml')!.docs[0]);
    assert.deepEqual(index.scoped(one, () => index.serviceAccounts('a', 'x')).map((o) => o.doc.file), ['file:///w/one/sa.yaml']);
  });
});

describe('references stay within their project', () => {
  // Two independent apps of a monorepo; only payments' ServiceAccount has a client ID.
  const monorepo = (ordersHasSa: boolean) => ({
    'apps/orders/kustomization.yaml': `resources: [deploy.yaml${ordersHasSa ? ', sa.yaml' : ''}]\n`,
    'apps/orders/deploy.yaml': DEPLOY('api', 'shop'),
    ...(ordersHasSa ? { 'apps/orders/sa.yaml': SA('api', 'shop', false) } : {}),
    'apps/payments/kustomization.yaml': 'resources: [sa.yaml]\n',
    'apps/payments/sa.yaml': SA('api', 'shop'),
  });

  it('a workload does not match a same-named ServiceAccount of another app when its own app has one', () => {
    assert.deepEqual(lintProject(monorepo(true), [missingUseLabel]).summary, []);
  });

  it('when only another app has it, the match is an info that says where it came from', () => {
    const l = lintProject(monorepo(false), [missingUseLabel]);
    assert.deepEqual(l.summary, ['apps/orders/deploy.yaml:12 missing-use-label info']);
    const f = l.findings.get('apps/orders/deploy.yaml')![0];
    assert.match(f.message, /which in another project \(kustomization apps\/payments\) has an azure\.workload\.identity\/client-id annotation/);
    assert.deepEqual(f.related.map((r) => [r.file, r.message]), [['apps/payments/sa.yaml', 'the azure.workload.identity/client-id annotation of ServiceAccount api, in another project (kustomization apps/payments)']]);
  });

  it('a ServiceAccount of another project in another namespace is an info, not an error', () => {
    const l = lintProject({
      'apps/orders/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'apps/orders/deploy.yaml': DEPLOY('api', 'shop'),
      'apps/payments/kustomization.yaml': 'resources: [sa.yaml]\n',
      'apps/payments/sa.yaml': SA('api', 'payments'),
    }, [serviceAccountNamespaceMismatch]);
    assert.deepEqual(l.summary, ['apps/orders/deploy.yaml:12 service-account-namespace-mismatch info']);
    assert.match(messages(l)[0], /which is defined only in another project \(kustomization apps\/payments\), in namespace payments/);
    // In the same project it is the error it always was.
    const same = lintProject({ 'k8s/deploy.yaml': DEPLOY('api', 'shop'), 'k8s/sa.yaml': SA('api', 'payments') }, [serviceAccountNamespaceMismatch]);
    assert.deepEqual(same.summary, ['k8s/deploy.yaml:12 service-account-namespace-mismatch error']);
  });

  it('a lookup reads one bucket: its cost does not grow with the files of other projects', () => {
    // n apps, each with its own `api` ServiceAccount and Deployment in namespace shop.
    const build = (n: number) => {
      const index = new WorkspaceIndex();
      for (let i = 0; i < n; i++) {
        index.update(parseManifestFile(`apps/a${i}/kustomization.yaml`, 'resources: [sa.yaml, deploy.yaml]\n'));
        index.update(parseManifestFile(`apps/a${i}/sa.yaml`, SA('api', 'shop')));
        index.update(parseManifestFile(`apps/a${i}/deploy.yaml`, DEPLOY('api', 'shop', true)));
      }
      const [d] = index.viewsOf(parseManifestFile('apps/a7/deploy.yaml', DEPLOY('api', 'shop', true)).docs[0]);
      return { index, d };
    };
    const big = build(1000);
    assert.deepEqual(big.index.scoped(big.d, () => big.index.serviceAccounts('api', 'shop')).map((o) => o.doc.file), ['apps/a7/sa.yaml']);
    assert.equal(big.index.scoped(big.d, () => big.index.workloadsUsing('api', 'shop')).length, 1);
    // Every project's, in the order the files were first indexed.
    const anywhere = big.index.serviceAccountsAnywhere('api', 'shop');
    assert.equal(anywhere.length, 1000);
    assert.deepEqual(anywhere.slice(0, 3).map((o) => o.doc.file), ['apps/a0/sa.yaml', 'apps/a1/sa.yaml', 'apps/a2/sa.yaml']);
    // The scoped answer is the project's bucket, not a filter over everyone's: a lookup among
    // 1,000 projects costs what it costs among 10 (a scan would be ~100 times slower).
    const small = build(10);
    const time = ({ index, d }: { index: WorkspaceIndex; d: typeof big.d }) => {
      const t0 = performance.now();
      for (let i = 0; i < 20_000; i++) index.scoped(d, () => index.serviceAccounts('api', 'shop'));
      return performance.now() - t0;
    };
    time(small);
    time(big); // warm up
    const ratio = Math.min(time(big), time(big)) / Math.max(0.5, Math.min(time(small), time(small)));
    assert.ok(ratio < 8, `a lookup among 1,000 projects took ${ratio.toFixed(1)} times as long as among 10`);
  });
});
