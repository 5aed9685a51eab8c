// Starts one of the fake servers' command lines (test/fake-kube/cli.ts, test/fake-azure/cli.ts)
// for the demo (scripts/demo.mjs) and the screenshots (scripts/screenshots.mjs): one process
// (TypeScript through tsx's loader, no wrapper process) in a process group of its own, so stop()
// ends it whole and a Ctrl+C in the terminal reaches only the parent; ready once it prints the
// JSON line its caller waits for. If the parent exits without stop(), the group is killed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../support/wait.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @param {{ script: string, args: string[], what: string, isReady(info: any): boolean,
 *   env?: Record<string, string>, startTimeoutMs?: number, stopGraceMs?: number, onOutput?: (line: string) => void }} opts
 *   script: relative to the repository; what: names it in errors ("the demo's fake servers");
 *   isReady: whether a JSON line the CLI printed is the one that says it is ready;
 *   onOutput: receives every line it prints (stdout and stderr), e.g. for a log file
 * @returns {Promise<{ info: any, pid: number, exited: Promise<number | string | null>, stop(): Promise<void> }>}
 */
export async function startFakeServer({ script, args, what, isReady, env = {}, startTimeoutMs = 60_000, stopGraceMs = 5_000, onOutput }) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  if (onOutput) {
    readline.createInterface({ input: child.stderr }).on('line', onOutput);
    readline.createInterface({ input: child.stdout }).on('line', onOutput);
  }
  let exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exitCode = code ?? signal))));

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (exitCode === undefined) {
        killGroup('SIGTERM');
        const gone = await waitUntil('the fake server to exit', () => exitCode !== undefined, { timeoutMs: stopGraceMs, pollMs: 0, on: (wake) => (child.on('exit', wake), () => child.off('exit', wake)) }).then(
          () => true,
          () => false,
        );
        if (!gone) {
          killGroup('SIGKILL');
          await exited;
        }
      }
      process.off('exit', onExit);
    })());

  try {
    // Ready once it prints the JSON line isReady takes; an exit before that fails at once.
    let info;
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (info !== undefined || !line.startsWith('{')) return;
      try {
        const parsed = JSON.parse(line);
        if (isReady(parsed)) info = parsed;
      } catch {
        /* not the JSON line */
      }
    });
    await waitUntil(
      `${what} to start`,
      () => {
        if (info !== undefined) return true;
        if (exitCode !== undefined) throw new Error(`${what} exited (${exitCode}) before ready:\n${stderr}`);
        return false;
      },
      {
        timeoutMs: startTimeoutMs,
        pollMs: 0,
        on: [(wake) => (lines.on('line', wake), () => lines.off('line', wake)), (wake) => (child.on('exit', wake), () => child.off('exit', wake))],
        show: () => ({ stderr }),
      },
    );
    return { info, pid: child.pid, exited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
