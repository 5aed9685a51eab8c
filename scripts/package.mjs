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
// path, the number of files and the size of the .vsix (`--out FILE` writes it elsewhere than dist/).
// `npm start` runs it as a child process, its output in .demo/start.log, and reuses the .vsix while
// packageInputsHash() is unchanged.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
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
 * Every file whose content goes into the .vsix or into building it, relative to `root`: the
 * sources, the packaged files, the build scripts and the lock file of the bundled dependencies.
 */
const PACKAGE_INPUTS = ['src', 'docs', 'media', 'syntaxes', 'package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'esbuild.mjs', 'tsconfig.json', 'scripts/package.mjs', 'scripts/kube-slim.mjs', 'scripts/check-rules.ts'];

/** The SHA-256 of a file's content (hex). */
export function fileSha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Each file of PACKAGE_INPUTS (relative path, sorted) with the SHA-256 of its content. */
export function packageInputs(root = ROOT) {
  /** @type {Record<string, string>} */
  const files = {};
  const add = (rel) => {
    const abs = path.join(root, rel);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) add(path.posix.join(rel, name));
    } else if (st.isFile()) {
      files[rel] = fileSha256(abs);
    }
  };
  for (const rel of PACKAGE_INPUTS) add(rel);
  return files;
}

/** One SHA-256 of packageInputs(): the same hash, the same .vsix. */
export function packageInputsHash(root = ROOT, inputs = packageInputs(root)) {
  return crypto.createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/**
 * What a .vsix holds, as one set of numbers: its entries (vsce's extension.vsixmanifest and
 * [Content_Types].xml included, as vsce counts them) from the zip's central directory, and its
 * size in bytes; `text` says both, e.g. "56 files, 1.84 MiB".
 */
export function describeVsix(file) {
  const bytes = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  let files;
  try {
    const tail = Buffer.alloc(Math.min(bytes, 22 + 0xffff));
    fs.readSync(fd, tail, 0, tail.length, bytes - tail.length);
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        files = tail.readUInt16LE(i + 10);
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (files === undefined) throw new Error(`${file} is not a zip file`);
  return { files, bytes, text: `${files} files, ${(bytes / 1024 / 1024).toFixed(2)} MiB` };
}

/**
 * Builds the production bundles and writes dist/<name>-<version>.vsix (or `out`). Resolves to its
 * absolute path. `log` receives the progress lines (vsce prints its own list of files to the console).
 */
export async function packageExtension({ log = (line) => console.log(line), out: outFile } = {}) {
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

    const out = outFile ? path.resolve(outFile) : vsixPath(ROOT);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    log(`[package] packaging with @vscode/vsce (${files.length} files of the extension, plus vsce's manifest and [Content_Types].xml)`);
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
  const at = process.argv.indexOf('--out');
  packageExtension({ out: at > 0 ? process.argv[at + 1] : undefined }).then(
    (file) => {
      console.log(`[package] ${path.relative(process.cwd(), file)}: ${describeVsix(file).text}`);
    },
    (err) => {
      console.error(`[package] ${err?.message ?? err}`);
      process.exit(1);
    },
  );
}
