// Command-line argument parsing shared by the wi-doctor commands.

/** A mistake in the command line: exit 2, each message on its own `wi-doctor:` line. */
export class UsageError extends Error {
  readonly messages: string[];
  constructor(...messages: string[]) {
    super(messages.join('; '));
    this.messages = messages;
  }
}

export interface OptionSpec {
  /** Takes a value (`--x v` or `--x=v`). */
  value?: boolean;
  repeat?: boolean;
}

export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

const ALIASES: Record<string, string> = { '-f': '--format', '-h': '--help', '-v': '--version' };

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const out: ParsedArgs = { options: new Map(), flags: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      for (const p of argv.slice(i + 1)) out.positionals.push(p);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const name = ALIASES[rawName] ?? rawName;
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option ${rawName}`);
    if (!s.value) {
      if (eq !== -1 && arg.startsWith('--')) throw new UsageError(`option ${rawName} takes no value`);
      out.flags.add(name);
      continue;
    }
    let value: string;
    if (arg.startsWith('--') && eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`option ${rawName} needs a value`);
    const list = out.options.get(name) ?? [];
    if (list.length && !s.repeat) throw new UsageError(`option ${rawName} given more than once`);
    list.push(value);
    out.options.set(name, list);
  }
  return out;
}

/** `--format <f>` (default text), one of `allowed`. */
export function formatOf(parsed: ParsedArgs, allowed: readonly string[]): string {
  const f = parsed.options.get('--format')?.[0] ?? 'text';
  if (!allowed.includes(f)) throw new UsageError(`invalid --format "${f}": expected one of ${allowed.join(', ')}`);
  return f;
}

/** The options every command that reads a cluster takes (diagnose, workloads). */
export const CLUSTER_OPTIONS: Record<string, OptionSpec> = {
  '--namespace': { value: true },
  '--context': { value: true },
  '--kubeconfig': { value: true },
  '--format': { value: true },
  '--timeout': { value: true },
  '--no-color': {},
  '--help': {},
};

/** `--timeout <seconds>` (default 10), checked. */
export function timeoutSeconds(parsed: ParsedArgs): number {
  const text = parsed.options.get('--timeout')?.[0];
  const timeout = text === undefined ? 10 : Number(text);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not "${text}"`);
  return timeout;
}
