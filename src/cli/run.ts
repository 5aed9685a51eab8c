// The command-line tool's dispatcher: the first argument picks the command, each in its own file,
// with the process (argv, streams, cwd, environment) passed in so tests run it in-process.
//
//   wi-doctor lint [paths or globs...] [--format text|json|sarif] [--rule id=severity]...
//                  [--max-warnings N] [--exclude glob]... [--fix] [--quiet] [--no-color]   (src/cli/lint.ts)
//   wi-doctor rules [--format text|json]                                                   (src/cli/rules.ts)
//   wi-doctor diagnose [-n ns] <kind>/<name> ...                                           (src/cli/diagnose.ts)
//   wi-doctor workloads [-n ns] ...                                                        (src/cli/workloads.ts)
//   wi-doctor --help | --version                                                           (src/cli/usage.ts)
//
// Exit codes: 0 nothing at error level (and warnings within --max-warnings);
// 1 an error finding, or too many warnings; 2 bad usage or unreadable input.
// User mistakes print one `wi-doctor: ...` line on stderr, never a stack trace.
// The commands import nothing from here: what they share is in args.ts, output.ts and usage.ts.

import { version as packageVersion } from '../../package.json';
import type { Rule } from '../rules/types';
import { UsageError } from './args';
import { terminalQuestion } from './ask';
import { diagnoseCommand, type AzureFn, type ConnectFn } from './diagnose';
import { InputError } from './files';
import { lintCommand } from './lint';
import { protect, say, type CliIO } from './output';
import { rulesCommand } from './rules';
import { EXIT_OK, EXIT_USAGE, HELP } from './usage';
import { workloadsCommand } from './workloads';
import { identityCommand } from './identity';
import { connect as connectCluster } from '../cluster/connect';

export type { CliIO, Output } from './output';
export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, HELP } from './usage';

/** Seams for tests; the real CLI passes none. */
export interface RunDeps {
  rules?: readonly Rule[];
  version?: string;
  /** Builds the cluster client for `diagnose` (tests count requests through it). */
  connect?: ConnectFn;
  /** Reaches Azure for `diagnose` (tests point it at the local fake Azure). */
  azure?: AzureFn;
  /** Answers a yes/no question (the token exchange consent); default: the terminal, when there is one. */
  ask?: (question: string) => Promise<boolean>;
}

export async function run(argv: readonly string[], rawIO: CliIO, deps: RunDeps = {}): Promise<number> {
  // From here on, nothing is written but through the guard (src/cli/output.ts).
  const io = protect(rawIO);
  const version = deps.version ?? packageVersion;
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.stderr.write(HELP);
      return EXIT_USAGE;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(HELP);
      return EXIT_OK;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(`${version}\n`);
      return EXIT_OK;
    }
    if (command === 'lint') return await lintCommand(rest, io, { rules: deps.rules, version });
    if (command === 'rules') return rulesCommand(rest, io, { rules: deps.rules });
    if (command === 'diagnose') return await diagnoseCommand(rest, io, { version, connect: deps.connect, azure: deps.azure, ask: deps.ask ?? (io.stdin ? terminalQuestion(io, io.stdin) : undefined) });
    if (command === 'workloads') return await workloadsCommand(rest, io);
    if (command === 'identity') return await identityCommand(rest, io, { connect: deps.connect ?? connectCluster, azure: deps.azure, ask: deps.ask ?? (io.stdin ? terminalQuestion(io, io.stdin) : undefined) });
    throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}" (commands: lint, rules, diagnose, workloads, identity)`);
  } catch (e) {
    if (e instanceof UsageError) {
      for (const m of e.messages) say(io, m);
      io.stderr.write('Run "wi-doctor --help" for usage.\n');
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      say(io, e.message);
      return EXIT_USAGE;
    }
    // A bug, not a user mistake: this is where a stack trace helps (its lines kept).
    io.stderr.write(`wi-doctor: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}
