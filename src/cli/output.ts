// The CLI's only way to write: run() wraps the process's streams once, and every command gets the
// wrapped ones (SafeIO), never the raw streams. `write` is for text (help, reports, findings,
// `wi-doctor: …` messages): secrets redacted, control characters shown as `\x1b`, no GitHub
// Actions workflow command, the tool's own colours kept (src/util/terminal.ts). `json` is for a
// JSON document: every string redacted and the characters JSON leaves raw escaped, the document
// still parsing to the same (redacted) value. A command cannot reach the raw streams: SafeIO is
// branded, so the process's CliIO is not one.

import { silentLogger, type Logger } from '../util/log';
import { rememberSecretEnv } from '../util/redact';
import { neutralise, terminalJson, terminalText } from '../util/terminal';

export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  cwd: string;
  /** Defaults to process.env (read for NO_COLOR and KUBECONFIG). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl+C: a running diagnosis stops and prints what it has. */
  signal?: AbortSignal;
  /** A terminal to ask yes/no questions on (main.ts passes process.stdin when it is a TTY). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** A stream that only takes text it makes safe. */
export interface SafeOutput {
  /** Text: redacted, neutralised, CI-safe; `paint` colours kept. */
  write(text: string): void;
  /** A JSON document (as a string): redacted string by string, still valid JSON. */
  json(document: string): void;
  readonly isTTY: boolean;
}

declare const safe: unique symbol;

export interface SafeIO {
  readonly [safe]: true;
  stdout: SafeOutput;
  stderr: SafeOutput;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

function guard(raw: Output): SafeOutput {
  return {
    write: (text) => void raw.write(terminalText(text)),
    json: (document) => void raw.write(terminalJson(document)),
    isTTY: raw.isTTY === true,
  };
}

/**
 * The process's streams, wrapped. The environment's secret-named variables (AZURE_CLIENT_SECRET,
 * GITHUB_TOKEN, …) are remembered as secrets, so their values are redacted wherever they turn up.
 */
export function protect(io: CliIO): SafeIO {
  const env = io.env ?? process.env;
  rememberSecretEnv(env);
  return { stdout: guard(io.stdout), stderr: guard(io.stderr), cwd: io.cwd, env, signal: io.signal, stdin: io.stdin } as SafeIO;
}

/** One `wi-doctor: …` line on stderr: a newline in the message (a file name, a server's words) is shown as `\n`. */
export function say(io: SafeIO, msg: string): void {
  io.stderr.write(`wi-doctor: ${neutralise(msg)}\n`);
}

/**
 * The CLI's Logger for the core (src/util/log.ts): under --verbose, each message on stderr as
 * `wi-doctor: [level] …` (a caught bug keeps its stack's lines), through the guard; otherwise
 * nothing — what the core logs is not a result, and stdout and stderr stay the command's own.
 */
export function cliLogger(io: SafeIO, verbose: boolean): Logger {
  if (!verbose) return silentLogger;
  const line = (level: string) => (message: string) => io.stderr.write(`wi-doctor: [${level}] ${message.replace(/\s+$/, '')}\n`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
