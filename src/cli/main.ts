// The `wi-doctor` executable (bundled to dist/cli.js): everything happens in run();
// this only binds it to the process. process.exitCode rather than process.exit()
// lets piped output drain before the process ends.

import { terminalText } from '../util/terminal';
import { run } from './run';

// `wi-doctor lint | head` closes the pipe early: stop quietly instead of crashing.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// Ctrl+C stops a running diagnosis promptly (it prints what it has); a second one exits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: interrupt.signal, stdin: process.stdin.isTTY ? process.stdin : undefined }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(terminalText(`wi-doctor: internal error: ${(e as Error)?.stack ?? String(e)}\n`));
    process.exitCode = 2;
  },
);
