// `npm start`: the whole product on a DEMO, in a real VS Code (code-server 4.100.3 = VS Code
// 1.100.3) in your browser, from a fresh clone. One line per stage, with its time; the full output
// of every step (npm, the build, vsce, code-server's install, the servers) goes to .demo/start.log.
//   1. dependencies: `npm ci` when node_modules is missing or does not match package-lock.json
//      (only Node's own modules are used until then);
//   2. the extension: built and packaged (scripts/package.mjs) into .demo/cache/, reused while
//      its inputs (the sources, the docs, the build scripts, the lock file; packageInputsHash())
//      are unchanged;
//   3. code-server and Chromium's libraries, if missing (scripts/ensure-code-server.sh);
//   4. the .vsix installed into the demo's VS Code (.demo/extensions), as `code --install-extension`
//      would, unless that very .vsix is already installed there;
//   5. the demo (scripts/demo.mjs): a fake AKS cluster and a fake Azure on 127.0.0.1 with working
//      and broken workloads, kube context `wi-doctor-demo` — your own kubeconfig is never read or
//      written;
//   6. code-server on 127.0.0.1 with a fresh copy of examples/workspace, and the URL.
//
// Stopping: Ctrl+C, SIGTERM or SIGHUP stops whatever runs (a build, code-server, the fake servers,
// each in a process group of its own) and exits 0. So does the end of the npm process that started
// this script, however it ends (what an IDE's stop button does): npm forwards SIGINT and SIGTERM
// to the `sh -c` it runs the script with, and a SIGTERMed sh dies without passing it on; npm dies
// of a SIGHUP; a SIGKILLed npm tells nobody. So this script watches its parent and, under npm, the
// shell and npm above it, and stops when one of them is gone (test/e2e/demo-start.mjs). A SIGINT
// to npm alone reaches this script only if the shell `exec`s it ("start": "exec node
// scripts/start.mjs"): sh waits for its child and keeps a SIGINT to itself. If code-server or the
// fake servers die, the other is stopped, and it says which (exit 1).
//
//   PORT=8080 npm start          the port (default: 8080, or a free one if taken; 0: a free one)
//   WI_DEMO_DIR=/tmp/d npm start  another folder than .demo for everything the demo writes

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_DIR = path.resolve(REPO_ROOT, process.env.WI_DEMO_DIR || '.demo');
const CACHE_DIR = path.join(DEMO_DIR, 'cache');
const EXTENSIONS_DIR = path.join(DEMO_DIR, 'extensions');
const LOG_FILE = path.join(DEMO_DIR, 'start.log');
const rel = (p) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p) || '.');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Output: short lines on the console, everything in the log file.

fs.mkdirSync(DEMO_DIR, { recursive: true });
const logFd = fs.openSync(LOG_FILE, 'w');
const toLog = (text) => {
  try {
    fs.writeSync(logFd, text.endsWith('\n') ? text : `${text}\n`);
  } catch {
    /* the log is best effort */
  }
};
// Whoever read our output may be gone (an IDE's stopped task): stop writing there, carry on.
let consoleOpen = true;
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => (consoleOpen = false));
const say = (line = '', stream = process.stdout) => {
  toLog(line);
  if (consoleOpen) stream.write(`${line}\n`);
};
const status = (line) => say(`[start] ${line}`);
toLog(`npm start, ${new Date().toISOString()}, node ${process.version}, pid ${process.pid}, in ${REPO_ROOT}`);

/** Runs one stage: prints "<what>… " when it has work to do, then "<what>: <result> (time)". */
async function stage(what, fn) {
  const t0 = performance.now();
  toLog(`\n=== ${what}`);
  const result = await fn({ working: (doing) => status(`${what}: ${doing}…`) });
  status(`${what}: ${result} (${seconds(performance.now() - t0)})`);
}

// ---------------------------------------------------------------------------------------------
// Children: each in a process group of its own, its output in the log; all killed when we stop.

/** @type {Set<(signal: NodeJS.Signals) => void>} */
const running = new Set();

/**
 * Runs a command, its output to the log; `progress` lines (those `relay` keeps) are shown on the
 * console, indented. Rejects when it fails, with the end of its output.
 */
function run(cmd, args, { relay = () => undefined, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    toLog(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* gone */
      }
    };
    running.add(kill);
    const tail = [];
    const onLine = (line) => {
      toLog(line);
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const shown = relay(line);
      if (shown) status(`  ${shown}`);
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (e) => {
      running.delete(kill);
      reject(e);
    });
    child.on('close', (code, signal) => {
      running.delete(kill);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${tail.join('\n')}`));
    });
  });
}

let stopping = false;
/** Stops the demo's servers (set once they run). */
let stopServers = async () => {};

async function shutdown(why, code = 0) {
  if (stopping) return;
  stopping = true;
  say('', process.stdout);
  status(`${why}: stopping…`);
  for (const kill of running) kill('SIGTERM');
  await stopServers();
  for (const kill of running) kill('SIGKILL');
  status('stopped.');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
process.on('exit', () => {
  for (const kill of running) kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------------
// The parent watch: when the npm that started us is gone, so are we.

function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), start: f[19], comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')) };
  } catch {
    return undefined;
  }
}

/** Our parent and, under npm (`npm start` runs `sh -c 'node scripts/start.mjs'`), every shell above it up to npm. */
function ancestorsToWatch() {
  const watched = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 5 && pid > 1; depth++) {
    const st = procStat(pid);
    if (!st) break;
    watched.push({ pid, start: st.start });
    if (!process.env.npm_lifecycle_event || !/^(sh|dash|bash|zsh|ash|busybox)$/.test(st.comm)) break;
    pid = st.ppid;
  }
  return watched;
}

function watchParent() {
  const firstParent = process.ppid;
  const watched = fs.existsSync('/proc/self/stat') ? ancestorsToWatch() : [];
  toLog(`watching the parent processes ${watched.map((w) => w.pid).join(', ') || firstParent}`);
  const timer = setInterval(() => {
    const gone =
      process.ppid !== firstParent ||
      watched.some((w) => {
        const st = procStat(w.pid);
        return !st || st.start !== w.start || st.state === 'Z';
      });
    if (gone) {
      clearInterval(timer);
      void shutdown('the npm process that started the demo has ended');
    }
  }, 500);
  timer.unref();
}
watchParent();

// ---------------------------------------------------------------------------------------------
// The stages.

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

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function main() {
  const started = performance.now();
  status(`starting the Workload Identity Doctor demo; full log: ${rel(LOG_FILE)}`);

  await stage('dependencies', async ({ working }) => {
    const stale = dependenciesStale();
    if (!stale) return 'node_modules matches package-lock.json';
    working(`installing with npm ci (${stale})`);
    await run('npm', ['ci', '--no-audit', '--no-fund']);
    return 'installed (npm ci)';
  });
  if (stopping) return;

  // From here on the dependencies are there.
  const { CODE_SERVER_ENTRY, CODE_SERVER_VERSION, installExtension, leaveSignalsToCaller, startCodeServer } = await import('../test/e2e/code-server.mjs');
  const { demoLayout, startDemo } = await import('./demo.mjs');
  const { describeVsix, fileSha256, packageInputs, packageInputsHash, vsixPath } = await import('./package.mjs');
  // This script stops everything itself on a signal, and exits 0.
  leaveSignalsToCaller();

  // What runs in the demo is what a user installs: the packaged .vsix, rebuilt only when an input changed.
  const vsix = path.join(CACHE_DIR, path.basename(vsixPath()));
  await stage('extension', async ({ working }) => {
    const files = packageInputs();
    const inputs = packageInputsHash(REPO_ROOT, files);
    const stamp = path.join(CACHE_DIR, 'vsix.json');
    const last = readJson(stamp);
    if (last?.inputs === inputs && fs.existsSync(vsix)) return `reused ${rel(vsix)}, built from the same sources: ${describeVsix(vsix).text}`;
    const changed = last?.files && fs.existsSync(vsix) ? [...new Set([...Object.keys(files), ...Object.keys(last.files)])].filter((f) => files[f] !== last.files[f]) : [];
    const why = !last || !fs.existsSync(vsix) ? 'no .vsix built yet' : changed.length ? `${changed.slice(0, 2).join(', ')}${changed.length > 2 ? ` and ${changed.length - 2} more` : ''} changed since the last build` : 'the sources changed since the last build';
    working(`building and packaging (${why})`);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.rmSync(stamp, { force: true });
    const building = path.join(CACHE_DIR, `building-${process.pid}.vsix`);
    try {
      await run(process.execPath, ['scripts/package.mjs', '--out', building], { relay: (line) => /^\[package\] (checking|building|packaging with)/.test(line) && line.replace(/^\[package\] /, '').replace(/ \(.*/, '') });
      fs.renameSync(building, vsix);
    } finally {
      fs.rmSync(building, { force: true });
    }
    fs.writeFileSync(stamp, `${JSON.stringify({ inputs, built: new Date().toISOString(), files }, null, 2)}\n`);
    return `built ${rel(vsix)}: ${describeVsix(vsix).text}`;
  });
  if (stopping) return;

  await stage(`code-server ${CODE_SERVER_VERSION}`, async ({ working }) => {
    // The script's stamp is written once the install has answered --version: trusted as is.
    const stamp = path.join(REPO_ROOT, '.code-server', `.installed-${CODE_SERVER_VERSION}`);
    if (fs.existsSync(stamp) && fs.existsSync(CODE_SERVER_ENTRY)) return 'already installed in .code-server';
    working('installing it and the system packages it needs into .code-server (npm, apt-get)');
    let installed = false;
    await run('bash', ['scripts/ensure-code-server.sh'], {
      env: { WI_FULL_OUTPUT: '1' },
      relay: (line) => {
        const m = /^\[ensure-code-server\] (.*)$/.exec(line);
        if (!m || /already installed/.test(m[1])) return undefined;
        installed = true;
        return m[1];
      },
    });
    return installed ? 'installed what was missing' : 'already installed in .code-server';
  });
  if (stopping) return;

  await stage("extension in the demo's VS Code", async ({ working }) => {
    const key = `${fileSha256(vsix)} code-server ${CODE_SERVER_VERSION}`;
    const stamp = path.join(CACHE_DIR, 'extensions.json');
    const installedDir = readJson(stamp)?.key === key ? readJson(stamp).dir : undefined;
    if (installedDir && fs.existsSync(path.join(EXTENSIONS_DIR, installedDir, 'package.json'))) return `reused: ${rel(EXTENSIONS_DIR)} holds this very .vsix`;
    working(`installing the .vsix into ${rel(EXTENSIONS_DIR)} (code-server --install-extension)`);
    fs.rmSync(stamp, { force: true });
    fs.rmSync(EXTENSIONS_DIR, { recursive: true, force: true });
    const dir = await installExtension({ vsix, extensionsDir: EXTENSIONS_DIR, onLog: toLog });
    fs.writeFileSync(stamp, `${JSON.stringify({ key, dir: path.basename(dir) }, null, 2)}\n`);
    return `installed in ${rel(EXTENSIONS_DIR)}`;
  });
  if (stopping) return;

  let demo;
  let server;
  stopServers = async () => {
    await Promise.allSettled([server?.stop(), demo?.stop()]);
  };
  // The fake servers and code-server start side by side: code-server's settings only name the
  // demo's files, which startDemo() writes (the workspace at once, the rest before it resolves).
  const layout = demoLayout(DEMO_DIR);
  const wanted = Number(process.env.PORT || 8080);
  const free = wanted !== 0 && (await portFree(wanted));
  await Promise.all([
    stage('demo cluster and Azure', async () => {
      demo = await startDemo({ dir: DEMO_DIR, onOutput: (line) => toLog(`[fake servers] ${line}`) });
      return `fake servers on 127.0.0.1 (kube context ${demo.info.context})`;
    }),
    stage("the demo's VS Code", async () => {
      server = await startCodeServer({
        workspace: layout.workspace,
        extensionsDir: EXTENSIONS_DIR,
        userSettings: layout.userSettings,
        env: layout.env,
        port: free ? wanted : undefined,
        onLog: (line) => toLog(`[code-server] ${line}`),
      });
      return `listening on ${server.baseUrl}${wanted !== 0 && !free ? ` (port ${wanted} is taken)` : ''}`;
    }),
  ]);
  if (stopping) return;

  const i = demo.info;
  const url = server.url(demo.workspace);
  const broken = i.workloads.filter((w) => w.firstFailure);
  // The demo cluster's own manifests, when the workspace has them: their CodeLens diagnoses them there.
  const gitopsExample = ['gitops/checkout/cart.yaml'].find((f) => fs.existsSync(path.join(demo.workspace, f)));
  const rule = '='.repeat(90);
  say(`
${rule}
  Workload Identity Doctor, DEMO, in a real VS Code (code-server ${CODE_SERVER_VERSION}).
  Ready in ${seconds(performance.now() - started)}. Open in your browser:

      ${url}

  The demo cluster: kube context ${i.context}, API server ${i.kubeServer}
  The demo Azure:   ARM ${i.arm}, Entra ID ${i.entra} (local, not a real tenant)
  Both are fake servers on 127.0.0.1 that stop with this command. Your own kubeconfig and Azure
  are not touched.

  Try:
   - 01-label-in-the-wrong-place.yaml: hover the squiggle, then Ctrl+. for the fix;
${gitopsExample ? `   - ${gitopsExample}, a manifest of the demo cluster: the CodeLens "Diagnose Workload Identity";\n` : ''}   - Workload Identity in the activity bar: the demo cluster's workloads, the broken ones marked;
   - Diagnose Workload Identity (F1, or right-click a workload in that view) on
${broken.map((w) => `       ${`${w.target.name} in ${w.target.namespace}`.padEnd(32)}${w.why}; fails at ${w.firstFailure}`).join('\n')}
     and on api in payments, which passes every checkpoint, the token exchange included.

  Workspace: ${rel(demo.workspace)}/ (a fresh copy of examples/workspace). Full log: ${rel(LOG_FILE)}
  Ctrl+C stops everything.
${rule}
`);

  const which = await Promise.race([server.exited.then((code) => ({ what: 'code-server', code })), demo.exited.then((code) => ({ what: "the demo's fake servers (test/fake-azure/cli.ts)", code }))]);
  if (stopping) return;
  await shutdown(`${which.what} exited unexpectedly (exit ${which.code}); see ${rel(LOG_FILE)}`, 1);
}

main().catch((e) => {
  if (stopping) return;
  toLog(String(e?.stack ?? e));
  say(`[start] failed: ${e?.message ?? e}`, process.stderr);
  say(`[start] full log: ${rel(LOG_FILE)}`, process.stderr);
  void shutdown('after that failure', 1);
});
