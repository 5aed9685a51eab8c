// `npm start`: the whole product on a DEMO, in a real VS Code (code-server 4.100.3 = VS Code
// 1.100.3) in your browser, from a fresh clone:
//   1. `npm ci` when node_modules is missing or does not match package-lock.json (only Node's
//      own modules are used until then);
//   2. builds and packages the extension (scripts/package.mjs) and installs the .vsix into the
//      demo's VS Code, as `code --install-extension` would;
//   3. installs code-server and Chromium's libraries if missing (scripts/ensure-code-server.sh);
//   4. starts the demo (scripts/demo.mjs): a fake AKS cluster and a fake Azure on 127.0.0.1 with
//      working and broken workloads, kube context `wi-doctor-demo` — your own kubeconfig is never
//      read or written;
//   5. starts code-server on 127.0.0.1 with a fresh copy of examples/workspace and prints the URL.
// Ctrl+C (SIGINT) or SIGTERM stops code-server and the fake servers and exits 0; if one of them
// dies, the other is stopped, and it says which (exit 1).
//
//   PORT=8080 npm start    to choose the port (default: 8080, or a free one if taken)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => console.log(`[start] ${line}`);

function step(what, cmd, args) {
  log(what);
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
    process.exit(1);
  }
}

/**
 * Why node_modules must be (re)installed, or undefined when it matches package-lock.json: every
 * package the lock file installs on this machine (optional ones for other platforms aside) is in
 * npm's own record of node_modules (node_modules/.package-lock.json) at the same version.
 */
function dependenciesStale(root = REPO_ROOT) {
  const lockFile = path.join(root, 'package-lock.json');
  const hidden = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  if (!fs.existsSync(hidden)) return 'node_modules was not installed by npm from the lock file';
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages ?? {};
  const installed = JSON.parse(fs.readFileSync(hidden, 'utf8')).packages ?? {};
  for (const [where, p] of Object.entries(lock)) {
    if (!where || p.optional || p.link) continue;
    const have = installed[where];
    if (!have || !fs.existsSync(path.join(root, where))) return `${where.replace(/^node_modules\//, '')} is not installed`;
    if (have.version !== p.version) return `${where.replace(/^node_modules\//, '')} is ${have.version}, the lock file says ${p.version}`;
  }
  return undefined;
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function main() {
  const stale = dependenciesStale();
  if (stale) step(`installing the dependencies with npm ci (${stale})`, 'npm', ['ci']);

  // From here on the dependencies are there.
  const { CODE_SERVER_VERSION, installExtension, leaveSignalsToCaller, startCodeServer } = await import('../test/e2e/code-server.mjs');
  const { startDemo } = await import('./demo.mjs');
  // This script stops everything itself on Ctrl+C, and exits 0.
  leaveSignalsToCaller();

  // What runs in the demo is what a user installs: the packaged .vsix.
  log('building and packaging the extension (npm run package)');
  const { packageExtension } = await import('./package.mjs');
  const vsix = await packageExtension({ log: (line) => console.log(line) });
  log(`packaged: ${path.relative(REPO_ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  step('making sure code-server and its system packages are installed', 'bash', ['scripts/ensure-code-server.sh']);

  const demoDir = path.join(REPO_ROOT, '.demo');
  fs.rmSync(demoDir, { recursive: true, force: true });
  const extensionsDir = path.join(demoDir, 'extensions');
  log('installing the .vsix into the demo VS Code (code-server --install-extension)');
  await installExtension({ vsix, extensionsDir });

  // From here on a signal stops what has started (a process still starting is killed when this one exits).
  let demo;
  let server;
  let stopping = false;
  const stopAll = async () => {
    await Promise.allSettled([server?.stop(), demo?.stop()]);
  };
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${signal}: stopping code-server and the demo's fake servers…`);
    await stopAll();
    log('stopped.');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));

  log('starting the DEMO cluster and Azure (fake servers on 127.0.0.1)');
  demo = await startDemo({ dir: demoDir });
  if (stopping) return;
  try {
    const wanted = Number(process.env.PORT ?? 8080);
    const free = await portFree(wanted);
    if (!free) log(`port ${wanted} is taken: using a free one`);
    server = await startCodeServer({ workspace: demo.workspace, extensionsDir, userSettings: demo.userSettings, env: demo.env, port: free ? wanted : undefined });
  } catch (e) {
    await demo.stop();
    throw e;
  }
  if (stopping) return;

  const i = demo.info;
  const url = server.url(demo.workspace);
  const broken = i.workloads.filter((w) => w.firstFailure);
  console.log(`
========================================================================================
  Workload Identity Doctor — DEMO, in a real VS Code (code-server ${CODE_SERVER_VERSION}). Open in your browser:

      ${url}

  A demo: a fake AKS cluster (kube context ${i.context}, ${i.kubeServer}) and the
  ${i.azureLabel} (ARM ${i.arm}, Entra ${i.entra}),
  all on 127.0.0.1 and gone when you stop. Your own kubeconfig and Azure are not touched.

  Try:
   - a file with squiggles: 01-label-in-the-wrong-place.yaml (Ctrl+. on the squiggle for the fix);
   - the "Workload Identity" entry in the activity bar: the demo cluster's workloads, broken ones marked;
   - "Diagnose Workload Identity" (F1, or a workload's context menu in that tree) on
${broken.map((w) => `       ${`${w.target.namespace}/${w.target.name}`.padEnd(30)} ${w.why} (fails at ${w.firstFailure})`).join('\n')}
     and on payments/api, which passes every checkpoint, the token exchange included.

  The workspace is a fresh copy in ${path.relative(REPO_ROOT, demo.workspace)}/. Ctrl+C stops everything.
========================================================================================
`);

  const which = await Promise.race([server.exited.then((code) => ({ what: 'code-server', code })), demo.exited.then((code) => ({ what: "the demo's fake servers (test/fake-azure/cli.ts)", code }))]);
  if (stopping) return;
  stopping = true;
  console.error(`[start] ${which.what} exited unexpectedly (exit ${which.code}); stopping the rest.`);
  await stopAll();
  process.exit(1);
}

main().catch((e) => {
  console.error(`[start] ${e?.stack ?? e}`);
  process.exit(1);
});
