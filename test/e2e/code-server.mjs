// Runs a real VS Code for end-to-end tests: code-server 4.100.3 (= VS Code 1.100.3, installed
// into <repo>/.code-server by scripts/ensure-code-server.sh) driven by Debian's headless
// Chromium through playwright-core. This machine cannot download VS Code builds, so
// @vscode/test-electron is not an option; see shared/vscode-e2e-recipe.md for why each flag
// and setting is here.
//
// Every server and browser started here is registered for cleanup, so Ctrl-C (SIGINT),
// SIGTERM or an uncaught error still kills code-server's whole process group and removes the
// temp folders.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../support/wait.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_ENTRY =
  process.env.WI_CODE_SERVER_ENTRY ??
  path.join(REPO_ROOT, '.code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM_PATH = process.env.WI_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TEST_LINE_TAG = '[wi-test] ';

const HOST = '127.0.0.1';
const verbose = () => process.env.WI_E2E_VERBOSE === '1';

export const BASE_USER_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'files.autoSave': 'off', // the web build auto-saves by default: tests would write to disk
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
});

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

// ---------------------------------------------------------------------------------------------
// Cleanup on every way out of the process.

// Each entry stays registered until its own asynchronous cleanup has finished, so a
// process.exit() in the middle still runs the synchronous part (kill -9 the group, rm -rf).
/** @type {Set<{ async: () => Promise<void>, sync: () => void }>} */
const cleanups = new Set();
let signalHandlersInstalled = false;
let signalsLeftToCaller = false;
/** The signal that is ending this process, if any. */
let interruptedBy;
export const interrupted = () => interruptedBy;

/**
 * For a program that handles SIGINT/SIGTERM itself (`npm start` stops everything and exits 0 on
 * Ctrl+C): no signal handlers are installed here; the servers are still killed when the process
 * exits. Call before the first startCodeServer() or launchBrowser().
 */
export function leaveSignalsToCaller() {
  signalsLeftToCaller = true;
}

function registerCleanup(entry) {
  cleanups.add(entry);
  if (!signalHandlersInstalled) {
    signalHandlersInstalled = true;
    for (const [signal, code] of signalsLeftToCaller ? [] : [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
      process.on(signal, () => {
        if (interruptedBy) return;
        interruptedBy = signal;
        process.exitCode = code;
        process.stderr.write(`\n[e2e] ${signal}: stopping code-server and the browser\n`);
        void cleanupAll().finally(() => process.exit(code));
      });
    }
    process.on('exit', () => {
      for (const c of [...cleanups]) c.sync();
      cleanups.clear();
      // Whoever calls process.exit() while a signal is being handled, the signal's code wins.
      if (interruptedBy) process.exitCode = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[interruptedBy];
    });
  }
  return () => cleanups.delete(entry);
}

async function cleanupAll() {
  await withTimeout(Promise.allSettled([...cleanups].map((c) => c.async())), 8000);
}

/** Resolves with the promise's value, or with `fallback` after ms; the timer never outlives it (bounds a cleanup, never a test's wait). */
export function withTimeout(promise, ms, fallback = undefined) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve) => (timer = setTimeout(() => resolve(fallback), ms))),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// playwright-core: from the repo's node_modules (a devDependency), else PLAYWRIGHT_CORE_PATH
// (the package folder, or a folder whose node_modules holds it).

let playwrightCache;
export function loadPlaywright() {
  if (playwrightCache) return playwrightCache;
  const attempts = [];
  const candidates = [[path.join(REPO_ROOT, 'package.json'), 'playwright-core']];
  const envPath = process.env.PLAYWRIGHT_CORE_PATH;
  if (envPath) {
    candidates.push([path.join(path.resolve(envPath), 'package.json'), path.resolve(envPath)]);
    candidates.push([path.join(path.resolve(envPath), 'package.json'), 'playwright-core']);
  }
  for (const [from, id] of candidates) {
    try {
      playwrightCache = createRequire(from)(id);
      return playwrightCache;
    } catch (err) {
      attempts.push(`${id} from ${from}: ${err.code ?? err.message}`);
    }
  }
  throw new Error(
    `playwright-core not found (npm install in the repo, or set PLAYWRIGHT_CORE_PATH). Tried:\n  ${attempts.join('\n  ')}`,
  );
}

// ---------------------------------------------------------------------------------------------
// code-server

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a small race until code-server binds). */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Encodes an absolute POSIX path for a URI path (each segment percent-encoded). */
function uriPath(absPath) {
  return path
    .resolve(absPath)
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/**
 * Starts code-server on a free port with a fresh user-data dir.
 *
 * @param {object} opts
 * @param {string} [opts.workspace] folder opened by default (also the default of url())
 * @param {string} [opts.extensionDevelopmentPath] added to url()'s payload as a vscode-remote URI
 * @param {string} [opts.extensionsDir] defaults to a fresh temp folder
 * @param {Record<string, unknown>} [opts.userSettings] merged over BASE_USER_SETTINGS
 * @param {Record<string, string>} [opts.env] merged over this process's environment for code-server
 *   (and so its extension host), e.g. the demo's KUBECONFIG
 * @param {number} [opts.port] the port to try first (default: a free one)
 * @param {number} [opts.startTimeoutMs] default 60 s
 * @param {(line: string) => void} [opts.onLog] receives every line code-server prints (e.g. for a log file)
 * @returns {Promise<{ port: number, baseUrl: string, pid: number, userDataDir: string,
 *   extensionsDir: string, remoteUri(absPath: string): string,
 *   url(folder?: string, payload?: Array<[string, string]>): string,
 *   logs(): string[], exited: Promise<number|null>, stop(): Promise<void> }>}
 */
export async function startCodeServer(opts = {}) {
  const { workspace, extensionDevelopmentPath, userSettings = {}, startTimeoutMs = 60_000, port: preferredPort, env = {}, onLog } = opts;
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY}); run scripts/ensure-code-server.sh`);
  }
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-code-server-'));
  const userDataDir = path.join(tmpRoot, 'user-data');
  const extensionsDir = opts.extensionsDir ? path.resolve(opts.extensionsDir) : path.join(tmpRoot, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_USER_SETTINGS, ...userSettings }, null, 2),
  );
  // A config file of our own, so code-server does not write ~/.config/code-server/config.yaml.
  const configPath = path.join(tmpRoot, 'config.yaml');
  fs.writeFileSync(configPath, 'auth: none\ncert: false\n');

  let lastError;
  // The free port can be taken between picking and binding: try a few.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = attempt === 1 && preferredPort ? preferredPort : await getFreePort();
    try {
      return await spawnAndWait({ port, tmpRoot, userDataDir, extensionsDir, configPath, workspace, extensionDevelopmentPath, startTimeoutMs, env, onLog });
    } catch (err) {
      lastError = err;
      if (!err.portInUse) break;
    }
  }
  fs.rmSync(tmpRoot, { recursive: true, force: true });
  throw lastError;
}

async function spawnAndWait({ port, tmpRoot, userDataDir, extensionsDir, configPath, workspace, extensionDevelopmentPath, startTimeoutMs, env, onLog }) {
  const args = [
    CODE_SERVER_ENTRY,
    '--config', configPath,
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (workspace) args.push(path.resolve(workspace));

  // Own process group (detached), so stop() can kill code-server with its extension host,
  // pty host and file watcher in one go.
  // Without PORT: code-server takes it over --bind-addr (`PORT=9000 npm start` is the demo's).
  const childEnv = { ...process.env, ...env };
  delete childEnv.PORT;
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  const logLines = [];
  const onData = (chunk) => {
    for (const line of chunk.toString().split(/\r?\n/)) {
      if (!line) continue;
      logLines.push(line);
      if (logLines.length > 500) logLines.shift();
      onLog?.(line);
      if (verbose()) process.stderr.write(`[code-server] ${line}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const removeTmp = () => {
    try {
      fs.rmSync(tmpRoot, { recursive: true, force: true });
    } catch {
      /* a dying child may still write into it; best effort */
    }
  };
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      killGroup('SIGTERM');
      const gone = await withTimeout(exited.then(() => true), 5000, false);
      // Children of the group (extension host, watchers) may outlive the main process briefly.
      killGroup('SIGKILL');
      if (!gone) await withTimeout(exited, 2000);
      removeTmp();
      unregister();
    })());
  const unregister = registerCleanup({
    async: stop,
    sync: () => {
      killGroup('SIGKILL');
      removeTmp();
    },
  });

  const baseUrl = `http://${HOST}:${port}`;
  let exitCode;
  exited.then((c) => (exitCode = c));
  const exitedEarly = new Error('code-server exited');
  try {
    // Asked every 100 ms (each ask waits up to 2 s for its answer) until it answers or exits.
    await waitUntil(
      `code-server to answer on ${baseUrl}/healthz`,
      async () => {
        if (exitCode !== undefined) throw exitedEarly;
        const status = await httpStatus(`${baseUrl}/healthz`, 2000);
        return status >= 200 && status < 500;
      },
      {
        timeoutMs: startTimeoutMs,
        pollMs: 100,
        // An exit is told at once, not at the next ask.
        on: (wake) => {
          let live = true;
          exited.then(() => live && wake());
          return () => (live = false);
        },
        show: () => ({ log: logLines.slice(-30) }),
      },
    );
  } catch (e) {
    if (e !== exitedEarly) {
      await stop();
      throw e;
    }
    unregister();
    const out = logLines.slice(-30).join('\n');
    const err = new Error(`code-server exited (${exitCode}) before it answered on ${baseUrl}:\n${out}`);
    err.portInUse = /EADDRINUSE/.test(out);
    killGroup('SIGKILL');
    throw err;
  }

  const remoteUri = (absPath) => `vscode-remote://${HOST}:${port}${uriPath(absPath)}`;
  const url = (folder = workspace, payload = []) => {
    const entries = [...payload];
    if (extensionDevelopmentPath && !entries.some(([k]) => k === 'extensionDevelopmentPath')) {
      entries.unshift(['extensionDevelopmentPath', remoteUri(extensionDevelopmentPath)]);
    }
    const params = [];
    if (folder) params.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
    if (entries.length) params.push(`payload=${encodeURIComponent(JSON.stringify(entries))}`);
    return `${baseUrl}/${params.length ? `?${params.join('&')}` : ''}`;
  };

  return {
    port,
    baseUrl,
    pid: child.pid,
    userDataDir,
    extensionsDir,
    remoteUri,
    url,
    logs: () => [...logLines],
    exited,
    stop,
  };
}

/**
 * Installs a .vsix into an extensions folder with code-server's own CLI, as
 * `code --install-extension` does (a throwaway user-data folder, so nothing else is touched).
 * Resolves to the installed extension's folder.
 *
 * @param {{ vsix: string, extensionsDir: string, timeoutMs?: number, onLog?: (text: string) => void }} opts
 *   onLog: receives code-server's output once it has exited
 * @returns {Promise<string>}
 */
export async function installExtension({ vsix, extensionsDir, timeoutMs = 120_000, onLog }) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY}); run scripts/ensure-code-server.sh`);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}-`.toLowerCase();
  fs.mkdirSync(extensionsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-install-'));
  const configPath = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configPath, 'auth: none\ncert: false\n');
  const child = spawn(
    process.execPath,
    [CODE_SERVER_ENTRY, '--config', configPath, '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsix), '--force'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  // Killed with this process, like the servers.
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  const unregister = registerCleanup({ async: async () => kill(), sync: kill });
  try {
    const code = await withTimeout(new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? signal))), timeoutMs, 'timeout');
    if (code === 'timeout') {
      child.kill('SIGKILL');
      throw new Error(`installing ${vsix} took over ${timeoutMs / 1000} s:\n${out}`);
    }
    onLog?.(out);
    const installed = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(id));
    if (code !== 0 || !installed) throw new Error(`code-server --install-extension ${vsix} exited ${code}${installed ? '' : ' and installed nothing'}:\n${out}`);
    return path.join(extensionsDir, installed);
  } finally {
    unregister();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Browser

/** Headless Debian Chromium through playwright-core (never `npx playwright install`). */
export async function launchBrowser(options = {}) {
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    ...options,
  });
  const unregister = registerCleanup({
    async: () => browser.close().catch(() => {}),
    sync: () => {
      /* playwright kills its own browser process group on exit */
    },
  });
  browser.once('disconnected', unregister);
  return browser;
}
