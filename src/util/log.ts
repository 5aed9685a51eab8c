// How the core says something that is no one's result: a listener that threw, an informer loop
// that died. The core never writes to the console; it is handed a Logger by whoever runs it. The
// editor's writes to its output channel (src/editor/safe-output.ts safeLog), the CLI's to stderr
// under --verbose only (src/cli/output.ts cliLogger). Given none, the core says nothing.
//
// A Logger takes plain messages; making them safe (redaction, control characters) is the sink's
// job, at the one choke point each surface has.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Something went wrong that must not stop the rest (a bug caught at a boundary). */
  error(message: string): void;
}

/** The default: nothing is written anywhere. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** "what: the error's stack" (or its text when it is not an Error): the message for a caught bug. */
export function bugMessage(what: string, err: unknown): string {
  return `${what}: ${(err as Error | undefined)?.stack ?? String(err)}`;
}

/**
 * Lets `work` run without waiting for it (a listener that cannot be async, a dispose): a
 * rejection is a bug said to `log`, never an unhandled rejection that stops a CLI or goes unseen.
 */
export function inBackground(log: Logger | undefined, what: string, work: Promise<unknown>): void {
  work.catch((e: unknown) => (log ?? silentLogger).error(bugMessage(what, e)));
}
