// `npm run package`: the installable extension, dist/workload-identity-doctor-<version>.vsix.
//
//   1. the rule registry check and the production bundles (what `npm run build:prod` does):
//      minified, no source maps; the Azure SDK (dist/azure.js) and the Kubernetes client
//      (dist/kube.js) stay separate bundles, loaded on demand;
//   2. the files `.vscodeignore` allows (an allowlist), as vsce itself selects them, copied to a
//      staging folder, with the README's relative images embedded as data: URIs (below);
//   3. @vscode/vsce packages the staging folder with --no-dependencies (everything the extension
//      runs is bundled: no `npm install` at run time).
//
// Why the README is rewritten: VS Code shows a local extension's README in a webview whose
// Content-Security-Policy allows `img-src https: data:` only, so a relative image such as
// `media/screenshots/hover.png` is blank there, and vsce refuses relative images unless it can
// turn them into https URLs of a public repository, which this project does not name. Embedding
// them (vsce's --no-rewrite-relative-links, so it leaves data: URIs alone) makes the details page
// show them; the screenshots themselves then need not be in the package. Relative links to
// docs/*.md stay as they are: the docs are in the package, but the details page only follows
// http(s) links.
//
// Other scripts (the demo, the UI tests) import packageExtension(); run as a script it prints the
// path and the size.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** dist/<name>-<version>.vsix, from package.json. */
export function vsixPath(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return path.join(root, 'dist', `${pkg.name}-${pkg.version}.vsix`);
}

/**
 * The files that go into the package, relative to `root`, exactly as vsce selects them:
 * `.vscodeignore` (an allowlist) without node_modules (`--no-dependencies`).
 */
export async function packagedFiles(root = ROOT) {
  const { listFiles, PackageManager } = await import('@vscode/vsce');
  return (await listFiles({ cwd: root, packageManager: PackageManager.None })).sort();
}

const IMAGE_TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif' };

/**
 * The README with every relative Markdown image (`![alt](path)`) replaced by a data: URI of the
 * file. SVG is refused (vsce rejects SVG data: URIs; VS Code would not show them either).
 */
export function embedReadmeImages(markdown, readFile) {
  return markdown.replace(/(!\[[^\]]*\]\()([^)\s]+)(\s+"[^"]*")?\)/g, (all, open, link, title = '') => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) return all;
    const type = IMAGE_TYPES[path.extname(link).toLowerCase()];
    if (!type) throw new Error(`README.md: cannot embed the image ${link} (only ${Object.keys(IMAGE_TYPES).join(', ')}).`);
    return `${open}data:${type};base64,${readFile(link).toString('base64')}${title})`;
  });
}

function run(what, args, log) {
  log(`[package] ${what}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code})`))));
  });
}

/**
 * Builds the production bundles and writes dist/<name>-<version>.vsix. Resolves to its absolute
 * path. `log` receives the progress lines (vsce prints its own summary to the console).
 */
export async function packageExtension({ log = (line) => console.log(line) } = {}) {
  await run('checking the rule registry', ['--import', 'tsx', 'scripts/check-rules.ts'], log);
  await run('building the production bundles', ['esbuild.mjs', '--production'], log);

  const files = await packagedFiles(ROOT);
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-doctor-vsix-'));
  try {
    for (const f of files) {
      const to = path.join(stage, f);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (f === 'README.md') {
        const readme = embedReadmeImages(fs.readFileSync(path.join(ROOT, f), 'utf8'), (p) => fs.readFileSync(path.join(ROOT, p)));
        fs.writeFileSync(to, readme);
      } else fs.copyFileSync(path.join(ROOT, f), to);
    }
    // The same allowlist in the staging folder, so vsce selects the same files there.
    fs.copyFileSync(path.join(ROOT, '.vscodeignore'), path.join(stage, '.vscodeignore'));

    const out = vsixPath(ROOT);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    log(`[package] packaging ${files.length} files with @vscode/vsce`);
    const { createVSIX } = await import('@vscode/vsce');
    await createVSIX({
      cwd: stage,
      packagePath: out,
      dependencies: false, // --no-dependencies: the bundles carry every dependency
      rewriteRelativeLinks: false, // --no-rewrite-relative-links: keeps the data: images (see above)
      allowMissingRepository: true, // no public repository to link to (vsce would ask interactively)
    });
    return out;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  packageExtension().then(
    (file) => {
      const bytes = fs.statSync(file).size;
      console.log(`${file}\n${bytes.toLocaleString('en-US')} bytes (${(bytes / 1024 / 1024).toFixed(2)} MiB)`);
    },
    (err) => {
      console.error(`[package] ${err?.message ?? err}`);
      process.exit(1);
    },
  );
}
