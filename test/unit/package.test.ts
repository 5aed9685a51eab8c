// What `npm run package` puts in the .vsix, checked without building it: vsce's own file
// selection (`listFiles`, as with `vsce ls --no-dependencies`) runs on a copy of the repository
// made of empty files, plus the bundles a build would write and files a build or a run leaves
// behind (source maps, the test bundle, a .vsix, node_modules, the demo's workspace). It checks:
//   - every packaged file is on the allowlist (package.json, README, CHANGELOG, LICENSE, the
//     shipped bundles, docs/, media icons and walkthrough media, syntaxes/): no source map, no
//     test code, no source, no node_modules, no .vsix;
//   - every file the extension loads at run time is packaged: package.json's `main` and `bin`,
//     every bundle esbuild.mjs builds for shipping and every bundle the sources require next to
//     themselves (dist/azure.js, dist/kube.js), each file package.json's contributions name
//     (grammars, icons, walkthrough media), the docs pages (opened from diagnostics), and each
//     literal `Uri.joinPath(context.extensionUri, ...)`;
//   - and that these checks catch a broken .vscodeignore (dist/kube.js dropped, `!dist/**`).
// Also: the README's images embed (the packaged README shows them; scripts/package.mjs).
//
//   node scripts/run-unit-tests.mjs package

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { embedReadmeImages, packagedFiles } from '../../scripts/package.mjs';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  bin?: Record<string, string>;
  icon?: string;
  contributes: unknown;
};

/** Folders git ignores (build output, caches, the demo): not copied, the decoys below stand in for them. */
const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '.code-server', '.test-output', '.demo', join('bench', 'results')]);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = join(dir, name);
    const rel = relative(ROOT, abs);
    if (SKIP.has(rel)) return [];
    return statSync(abs).isDirectory() ? walk(abs) : [rel.split(sep).join('/')];
  });
}

const norm = (p: string) => p.replace(/^\.\//, '');

/** The bundles esbuild.mjs writes for shipping (not the integration-test bundle). */
function shippedBundles(): string[] {
  const src = readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8');
  return [...src.matchAll(/outfile:\s*'([^']+)'/g)].map((m) => m[1]!).filter((f) => !f.startsWith('dist/test/'));
}

function sourceFiles(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every file the built extension opens at run time, relative to the extension's folder. */
function runtimeFiles(): string[] {
  const files = new Set<string>([norm(pkg.main), ...Object.values(pkg.bin ?? {}).map(norm), ...shippedBundles()]);
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    // A bundle loaded next to the running one: require(join(__dirname, 'azure.js')).
    for (const m of text.matchAll(/join\(__dirname,\s*'([\w.-]+\.js)'\)/g)) files.add(`dist/${m[1]}`);
    // A file of the extension's folder named literally: Uri.joinPath(context.extensionUri, 'media', 'x.svg').
    for (const m of text.matchAll(/joinPath\(context\.extensionUri((?:,\s*'[^']+')+)\)/g)) files.add([...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]).join('/'));
  }
  // Files package.json's contributions point at (grammars, icons, walkthrough media).
  const visit = (v: unknown, key = ''): void => {
    if (typeof v === 'string') {
      if (['path', 'icon', 'image', 'markdown', 'svg', 'light', 'dark'].includes(key) && /^(\.\/)?[\w-]+\/[\w./-]+\.\w+$/.test(v)) files.add(norm(v));
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(pkg.contributes);
  // The extension's icon (the Marketplace and the Extensions view).
  if (pkg.icon) files.add(norm(pkg.icon));
  // The docs pages: diagnostics link each rule to docs/rules/<id>.md, the report links the checkpoints'.
  for (const f of walk(join(ROOT, 'docs'))) files.add(f);
  return [...files].sort();
}

const ALLOWED: RegExp[] = [
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/,
  /^docs\/.+\.md$/,
  /^media\/[^/]+\.svg$/,
  /^media\/icon\.png$/,
  /^media\/walkthrough\/[^/]+$/,
  /^syntaxes\/[^/]+\.json$/,
];

/** What is wrong with a package of `files`: files not on the allowlist, run-time files missing. */
function problems(files: readonly string[]): string[] {
  const shipped = new Set(shippedBundles());
  const out: string[] = [];
  for (const f of files) {
    if (/\.(map|vsix|ts)$/.test(f) || /(^|\/)(node_modules|test|src)\//.test(f)) out.push(`must not be packaged: ${f}`);
    else if (!shipped.has(f) && !ALLOWED.some((r) => r.test(f))) out.push(`not on the allowlist: ${f}`);
  }
  const have = new Set(files);
  for (const f of runtimeFiles()) if (!have.has(f)) out.push(`loaded at run time but not packaged: ${f}`);
  return out;
}

describe('the packaged extension (.vscodeignore, as vsce selects files)', () => {
  let fixture: string;

  /** vsce's selection in the fixture with `ignore` as its .vscodeignore. */
  async function select(ignore: string): Promise<string[]> {
    writeFileSync(join(fixture, '.vscodeignore'), ignore);
    return packagedFiles(fixture);
  }
  const realIgnore = () => readFileSync(join(ROOT, '.vscodeignore'), 'utf8');

  before(() => {
    fixture = mkdtempSync(join(tmpdir(), 'wi-package-test-'));
    const decoys = [
      ...shippedBundles(),
      ...shippedBundles().map((b) => `${b}.map`),
      'dist/test/integration/index.js',
      'dist/test/integration/index.js.map',
      'dist/test/integration/fixtures/base.yaml',
      `dist/${pkg.name}-${pkg.version}.vsix`,
      'node_modules/yaml/dist/index.js',
      'node_modules/@kubernetes/client-node/package.json',
      '.demo/workspace/deploy.yaml',
      '.code-server/package.json',
      'bench/results/latest.json',
    ];
    for (const f of [...walk(ROOT), ...decoys]) {
      const to = join(fixture, f);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, '');
    }
    copyFileSync(join(ROOT, 'package.json'), join(fixture, 'package.json'));
  });
  after(() => rmSync(fixture, { recursive: true, force: true }));

  it('contains only allowlisted files, and every file the extension loads at run time', async () => {
    const files = await select(realIgnore());
    assert.deepEqual(problems(files), [], files.join('\n'));
    // The list the checks rely on is not trivially short: the four bundles, the grammars, the icons.
    for (const f of ['dist/extension.js', 'dist/cli.js', 'dist/azure.js', 'dist/kube.js', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/wi-doctor.svg']) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    assert.ok(!files.some((f) => f.startsWith('media/screenshots/')), 'the screenshots are embedded in the README, not shipped as files');
  });

  it('the lazily loaded bundles are among the run-time files (azure.js, kube.js)', () => {
    const rt = runtimeFiles();
    for (const f of ['dist/extension.js', 'dist/cli.js', 'dist/azure.js', 'dist/kube.js', 'syntaxes/wi-doctor-report.tmLanguage.json', 'media/wi-doctor-activity.svg']) assert.ok(rt.includes(f), `${f} in ${rt.join(', ')}`);
    for (const f of rt) assert.ok(existsSync(join(ROOT, f)) || f.startsWith('dist/'), `${f} (named by package.json or the sources) exists`);
  });

  it('fails when a lazily loaded bundle is dropped from .vscodeignore', async () => {
    const files = await select(realIgnore().replace(/^!dist\/kube\.js\n/m, ''));
    assert.ok(!files.includes('dist/kube.js'));
    assert.deepEqual(problems(files), ['loaded at run time but not packaged: dist/kube.js']);
  });

  it('fails when .vscodeignore lets source maps, the test bundle or a .vsix through', async () => {
    const found = problems(await select(`${realIgnore()}\n!dist/**\n`));
    for (const f of ['dist/extension.js.map', 'dist/test/integration/index.js', `dist/${pkg.name}-${pkg.version}.vsix`]) assert.ok(found.includes(`must not be packaged: ${f}`), found.join('\n'));
  });
});

describe("the packaged README's images", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('every relative image is embedded as a data: URI, and links stay as written', () => {
    const embedded = embedReadmeImages(readme, (p) => readFileSync(join(ROOT, p)));
    const images = [...embedded.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 1, 'the README shows screenshots');
    for (const src of images) assert.match(src, /^(https:|data:image\/(png|jpeg|gif);base64,)/, src.slice(0, 80));
    assert.ok(embedded.includes('](docs/sidebar.md)'), 'relative links to the docs are left alone');
    assert.equal(embedded.replace(/data:image\/\w+;base64,[A-Za-z0-9+/=]+/g, 'IMG').split('\n').length, readme.split('\n').length);
  });

  it('an image that cannot be embedded fails with its name', () => {
    assert.throws(() => embedReadmeImages('![logo](media/logo.svg)', () => Buffer.from('')), /media\/logo\.svg/);
    assert.equal(embedReadmeImages('![x](https://example.com/x.png)', () => assert.fail('not read')), '![x](https://example.com/x.png)');
  });
});
