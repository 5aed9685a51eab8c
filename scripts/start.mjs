// `npm start`: builds the extension and opens it in a real VS Code (code-server
// 4.100.3 = VS Code 1.100.3, in your browser) on a fresh copy of
// examples/workspace — manifests with every mistake the linter knows, and
// correct ones. Prints the URL; Ctrl+C stops everything.
//
//   PORT=8080 npm start    to choose the port (default: 8080, or a free one if taken)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT, startCodeServer } from '../test/e2e/code-server.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

function step(what, cmd, args) {
  console.log(`[start] ${what}`);
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (exit ${r.status})`);
    process.exit(1);
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

step('building the extension', process.execPath, ['esbuild.mjs']);
step('making sure code-server and its system packages are installed', 'bash', ['scripts/ensure-code-server.sh']);

const demo = path.join(REPO_ROOT, '.demo');
const workspace = path.join(demo, 'workspace');
const extensionsDir = path.join(demo, 'extensions');
fs.rmSync(demo, { recursive: true, force: true });
fs.cpSync(path.join(REPO_ROOT, 'examples', 'workspace'), workspace, { recursive: true });
fs.mkdirSync(extensionsDir, { recursive: true });
// Installed as a folder named <publisher>.<name>-<version>, pointing at this checkout.
fs.symlinkSync(REPO_ROOT, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');

const wanted = Number(process.env.PORT ?? 8080);
const server = await startCodeServer({ workspace, extensionsDir, port: (await portFree(wanted)) ? wanted : undefined });
console.log(`\n[start] Workload Identity Doctor is running in VS Code ${'1.100.3'} at:\n\n    ${server.baseUrl}/?folder=${encodeURI(workspace)}\n`);
console.log('[start] Open a file of the example workspace (e.g. 01-label-in-the-wrong-place.yaml) to see the squiggles; Ctrl+Period for quick fixes.');
console.log(`[start] The workspace is a copy in ${path.relative(REPO_ROOT, workspace)}/ (recreated on every start). Ctrl+C stops.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping code-server…');
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await server.exited;
if (!stopping) {
  console.error(`[start] code-server exited unexpectedly (${code}).`);
  process.exit(1);
}
