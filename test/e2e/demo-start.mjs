// `npm start`, as a user (or an IDE's stop button) runs and stops it: the real `npm start`, in a
// demo folder of its own (WI_DEMO_DIR, a temp folder) on a free port (PORT=0).
//   1. a first start builds the .vsix and installs it, prints the URL; SIGTERM to npm's pid only
//      (npm forwards it to its `sh -c`, which dies without passing it on) stops everything;
//   2. a second start rebuilds and reinstalls nothing (its own lines say so) and prints the URL:
//      the time is printed (the goal is under 20 s; the deadline is well above it for busy
//      machines); SIGKILL to npm's pid (nobody is told) stops everything;
//   3. and 4. SIGINT, then SIGHUP (npm does not forward it, and dies) to npm's pid only.
// After each stop: npm has exited, every process the demo started (code-server, its extension
// host, the fake servers) is gone, and every port they listened on is closed.
//
//   node test/e2e/demo-start.mjs        prints "demo-start: N passed, M failed" last
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageInputsHash } from '../../scripts/package.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIRST_START_DEADLINE_MS = 240_000;
// The issue's goal is 20 s; on a busy 2-core machine the same start can take twice that.
const SECOND_START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 20_000;

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${!ok && detail ? `\n    ${detail.split('\n').join('\n    ')}` : ''}`);
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Processes and ports, from /proc.

function procTable() {
  const table = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(f[1]), state: f[0], start: f[19] });
    } catch {
      /* gone meanwhile */
    }
  }
  return table;
}

/** Every process below `pid` (not `pid` itself), with its start time, so a reused pid is not taken for it. */
function descendants(pid) {
  const table = procTable();
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const [child, info] of table) {
      if (info.ppid === p) {
        found.push({ pid: child, start: info.start });
        queue.push(child);
      }
    }
  }
  return found;
}

function alive({ pid, start }) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return f[19] === start && f[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The TCP ports the processes listen on (socket inodes of their fds, matched in /proc/net/tcp{,6}). */
function listeningPorts(procs) {
  const inodes = new Set();
  for (const { pid } of procs) {
    let fds = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const ports = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
      if (inodes.has(f[9])) ports.add(parseInt(f[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------
// One `npm start`.

function npmStart(demoDir) {
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    // Its own process group: a Ctrl+C of this test does not reach it, and the cleanup can kill it whole.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WI_DEMO_DIR: demoDir, PORT: '0', FORCE_COLOR: '0' },
  });
  let output = '';
  const waiters = new Set();
  const onData = (c) => {
    output += c;
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exitCode = code ?? signal))));
  exited.then(() => {
    for (const w of waiters) w();
  });
  return {
    pid: child.pid,
    exited,
    output: () => output,
    /** Resolves with the URL once the banner is printed; rejects at the deadline or if npm exits. */
    waitForUrl(deadlineMs) {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const look = () => {
          const m = /(http:\/\/127\.0\.0\.1:(\d+)\/\?folder=\S+)[\s\S]*Ctrl\+C stops everything/.exec(output);
          if (m) return done(() => resolve({ url: m[1], port: Number(m[2]), ms: Date.now() - t0 }));
          if (exitCode !== undefined) return done(() => reject(new Error(`npm start exited (${exitCode}) before the URL:\n${output}`)));
          return undefined;
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no URL within ${deadlineMs / 1000} s:\n${output}`))), deadlineMs);
        const done = (fn) => {
          clearTimeout(timer);
          waiters.delete(look);
          fn();
        };
        waiters.add(look);
        look();
      });
    },
  };
}

/** Every process still running from a start: killed at the end whatever happened. */
const leftovers = [];

/**
 * Starts the demo, waits for its URL, sends `signal` to npm's pid alone and checks that everything
 * stops. Returns the start's output and its time to the URL.
 */
async function startAndStop(demoDir, { label, signal, deadlineMs, expect }) {
  const t0 = Date.now();
  const npm = npmStart(demoDir);
  const npmProc = { pid: npm.pid, start: procTable().get(npm.pid)?.start, group: true };
  leftovers.push(npmProc);
  let ready;
  try {
    ready = await npm.waitForUrl(deadlineMs);
  } catch (e) {
    check(false, `${label}: prints the URL within ${deadlineMs / 1000} s`, String(e.message ?? e));
    return undefined;
  }
  const ms = Date.now() - t0;
  check(true, `${label}: prints the URL (${(ms / 1000).toFixed(1)} s after npm start)`);
  expect?.(npm.output());

  const procs = descendants(npm.pid);
  for (const p of procs) leftovers.push(p);
  const ports = listeningPorts(procs);
  const named = [ready.port, ...[...npm.output().matchAll(/(?:API server|ARM|Entra ID) https:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]))];
  check(named.length === 4 && named.every((p) => ports.includes(p)), `${label}: code-server and the fake servers listen (ports ${ports.join(', ')})`, `the ports printed: ${named.join(', ')}`);

  process.kill(npm.pid, signal);
  const stopDeadline = Date.now() + STOP_DEADLINE_MS;
  let exited = false;
  npm.exited.then(() => (exited = true));
  let still = procs;
  let open = ports;
  while (Date.now() < stopDeadline) {
    still = procs.filter(alive);
    open = [];
    for (const p of ports) if (await portOpen(p)) open.push(p);
    if (exited && still.length === 0 && open.length === 0) break;
    await sleep(200);
  }
  check(exited, `${label}: ${signal} to npm's pid alone: npm exits`);
  check(still.length === 0, `${label}: ${signal}: all ${procs.length} processes of the demo are gone`, `still running: ${still.map((p) => p.pid).join(', ')}`);
  check(open.length === 0, `${label}: ${signal}: every port is closed (${ports.join(', ')})`, `still open: ${open.join(', ')}`);
  return { output: npm.output(), ms };
}

const lines = (output) => output.split('\n').filter((l) => l.startsWith('[start]'));

const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-demo-start-'));
try {
  await startAndStop(demoDir, {
    label: 'first start',
    signal: 'SIGTERM',
    deadlineMs: FIRST_START_DEADLINE_MS,
    expect: (out) => {
      check(/^\[start\] extension: built .*: \d+ files, [\d.]+ MiB \([\d.]+ s\)$/m.test(out), 'first start: builds the .vsix, and says its files and size once', lines(out).join('\n'));
      check(/^\[start\] extension in the demo's VS Code: installed in /m.test(out), 'first start: installs the .vsix into the demo VS Code', lines(out).join('\n'));
      check(out.includes(path.join(demoDir, 'start.log')) && fs.statSync(path.join(demoDir, 'start.log')).size > 0, 'first start: names its log file, which holds the full output');
      check(!/DONE\s+Packaged|npm warn|\bWARN\b/i.test(out), "first start: neither vsce's nor npm's own output on the screen", out);
    },
  });

  // The second start must reuse everything, as long as nothing changed. Should the sources change
  // between the starts (someone editing the working tree while the test runs), the start rebuilds,
  // as it must, and the next one is the reuse trial.
  let second;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const builtFrom = JSON.parse(fs.readFileSync(path.join(demoDir, 'cache', 'vsix.json'), 'utf8')).inputs;
    if (builtFrom !== packageInputsHash()) {
      console.log('# the sources changed since the last build (the working tree is being edited): starting again, it rebuilds');
      await startAndStop(demoDir, { label: `start after a change (${attempt})`, signal: 'SIGTERM', deadlineMs: FIRST_START_DEADLINE_MS });
      continue;
    }
    second = await startAndStop(demoDir, {
      label: 'second start',
      signal: 'SIGKILL',
      deadlineMs: SECOND_START_DEADLINE_MS,
      expect: (out) => {
        const ours = lines(out);
        check(ours.some((l) => /^\[start\] extension: reused /.test(l)), 'second start: reuses the .vsix', ours.join('\n'));
        check(ours.some((l) => /^\[start\] extension in the demo's VS Code: reused: /.test(l)), 'second start: reuses the installed extension', ours.join('\n'));
        check(ours.some((l) => /^\[start\] dependencies: node_modules matches/.test(l)), 'second start: reuses node_modules', ours.join('\n'));
        const work = ours.filter((l) => /…$|: (building|built|installing|installed|packaging)\b/.test(l));
        check(work.length === 0, 'second start: builds and installs nothing', work.join('\n'));
      },
    });
    break;
  }
  if (second) console.log(`# second start: the URL ${(second.ms / 1000).toFixed(1)} s after npm start (goal: under 20 s)`);
  else check(false, 'second start: a start with unchanged sources (they kept changing)');

  // npm runs the script with `sh -c`, which waits for it and, on a SIGINT, lets it run on: only a
  // script that `exec`s node gets npm's SIGINT (package.json "start": "exec node scripts/start.mjs").
  const startScript = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.start;
  if (/^exec /.test(startScript)) await startAndStop(demoDir, { label: 'start with SIGINT', signal: 'SIGINT', deadlineMs: SECOND_START_DEADLINE_MS });
  else console.log(`# SKIP SIGINT to npm alone: package.json's start script is "${startScript}", not "exec …": sh -c keeps npm's SIGINT from it`);
  await startAndStop(demoDir, { label: 'start with SIGHUP', signal: 'SIGHUP', deadlineMs: SECOND_START_DEADLINE_MS });
} finally {
  // Whatever a failed check left running (each code-server and fake server leads a group of its own).
  for (const p of leftovers) {
    try {
      if (p.start !== undefined && alive(p)) process.kill(-p.pid, 'SIGKILL');
    } catch {
      try {
        if (alive(p)) process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  fs.rmSync(demoDir, { recursive: true, force: true });
}

console.log(`demo-start: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
