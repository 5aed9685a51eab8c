// A yes/no question on the terminal (diagnose's consent to the token exchange), asked on stderr
// so stdout stays the report.

import type { SafeIO } from './output';

/** Asks on the terminal; anything but y/yes is no. */
export function terminalQuestion(io: SafeIO, stdin: NodeJS.ReadableStream): (question: string) => Promise<boolean> {
  return async (question) => {
    io.stderr.write(`${question} [y/N] `);
    const line = await new Promise<string>((resolve) => {
      const onData = (d: Buffer | string) => {
        stdin.removeListener('data', onData);
        (stdin as NodeJS.ReadStream).pause?.();
        resolve(String(d));
      };
      stdin.on('data', onData);
    });
    return /^\s*y(es)?\s*$/i.test(line);
  };
}
