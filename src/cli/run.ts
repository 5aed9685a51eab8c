// The command-line tool: argument parsing and orchestration, with the process
// (argv, streams, cwd, environment) passed in so tests run it in-process.
//
//   wi-doctor lint [paths or globs...] [--format text|json|sarif] [--rule id=severity]...
//                  [--max-warnings N] [--exclude glob]... [--fix] [--quiet] [--no-color]
//   wi-doctor rules [--format text|json]
//   wi-doctor diagnose [-n ns] <kind>/<name> ...   (src/cli/diagnose.ts)
//   wi-doctor workloads [-n ns] ...                (src/cli/workloads.ts)
//   wi-doctor --help | --version
//
// Exit codes: 0 nothing at error level (and warnings within --max-warnings);
// 1 an error finding, or too many warnings; 2 bad usage or unreadable input.
// User mistakes print one `wi-doctor: ...` line on stderr, never a stack trace.
// A file to lint that cannot be (missing, unreadable, not a regular file, over 50 MiB)
// is an input error, exit 2, whether named, found in a folder or matched by a glob
// (src/cli/read-input.ts); a fix that cannot be written safely is a `not fixed:` line
// and its finding stays in the report (src/cli/write-fix.ts).
//
// All files are read, parsed and put into one WorkspaceIndex before any is
// linted, so cross-file rules (a Deployment here, its ServiceAccount there) see
// everything they were given.

import { version as packageVersion } from '../../package.json';
import { parseManifestFile, ParseCache, type ManifestFile } from '../manifests/document';
import { WorkspaceIndex } from '../manifests/workspace-index';
import { compileExclude, parseRuleSetting, validateRuleSettings } from '../lint/config';
import { lintFile, RuleSet, type LintOptions } from '../lint/engine';
import { fixAll } from '../lint/fix-all';
import { ALL_RULES } from '../rules';
import type { Finding, Rule, SeveritySetting } from '../rules/types';
import { renderJson, type LintReport, type ReportFile } from '../render/json';
import { renderSarif } from '../render/sarif';
import { countSeverities, renderRulesText, renderText } from '../render/text';
import { parseArgs, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { diagnoseCommand, type AzureFn, type ConnectFn } from './diagnose';
import { workloadsCommand } from './workloads';
import { contextFiles, describeFsError, displayPath, expandInputs, inputRoots, InputError, readInputs } from './files';
import { FixWriter } from './write-fix';
import { protect, type CliIO, type SafeIO } from './output';
import { neutralise } from '../util/terminal';

export type { CliIO, Output } from './output';

/** Asks on the terminal; anything but y/yes is no. */
function terminalQuestion(io: SafeIO): (question: string) => Promise<boolean> {
  return async (question) => {
    io.stderr.write(`${question} [y/N] `);
    const line = await new Promise<string>((resolve) => {
      const onData = (d: Buffer | string) => {
        io.stdin!.removeListener('data', onData);
        (io.stdin as NodeJS.ReadStream).pause?.();
        resolve(String(d));
      };
      io.stdin!.on('data', onData);
    });
    return /^\s*y(es)?\s*$/i.test(line);
  };
}

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

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export const HELP = `Usage: wi-doctor <command> [options]

Finds Azure Workload Identity mistakes in Kubernetes manifests.

Commands:
  lint [paths or globs...]        Lint YAML files; directories are searched for *.yaml,
                                  *.yml, Kustomization and Helm helpers (*.tpl) (default:
                                  the current directory). The charts and kustomizations
                                  they belong to are read too, for context
  rules                           List the rules: id, default severity, title
  diagnose [-n ns] <kind>/<name>  Check a live workload's Workload Identity chain against
                                  the kubeconfig's cluster (see "wi-doctor diagnose --help")
  workloads [-n ns]               Every workload's Workload Identity state, as the editor's
                                  sidebar shows it (see "wi-doctor workloads --help")

Options for lint:
  -f, --format <text|json|sarif>  Output format (default: text)
  --rule <id>=<severity>          Set a rule's severity: off, hint, info, warning or
                                  error (repeatable; or comma-separated)
  --max-warnings <n>              Exit 1 when there are more than n warnings
  --exclude <glob>                Skip paths matching the glob, relative to the current
                                  directory; a folder excludes all below it (repeatable)
  --fix                           Apply the safe fixes in place, then report what remains.
                                  Writes only UTF-8 files (a BOM and CRLF kept), only inside
                                  the folders given (never through a link out of them), and
                                  only a file unchanged since it was read; others are left
                                  as they are, with a "not fixed:" line saying why
  --quiet                         Report errors only
  --verbose                       Also print the notes on kustomizations and charts that
                                  could not be read completely (a missing resource…)
  --no-color                      No colours in text output (also when NO_COLOR is set)

Options for rules:
  -f, --format <text|json>        Output format (default: text)

  -h, --help                      Show this help
  -v, --version                   Show the version

Exit codes: 0 no errors (and warnings within --max-warnings); 1 errors, or more
warnings than --max-warnings; 2 bad usage or unreadable input: a missing file, one
that is not a regular file (a FIFO, a socket, a device), or one larger than 50 MiB.

Examples:
  wi-doctor lint k8s/
  wi-doctor lint 'deploy/**/*.yaml' --exclude 'deploy/charts' --rule use-label-value=warning
  wi-doctor lint --format sarif > wi-doctor.sarif
`;

/** One `wi-doctor: …` line on stderr: a newline in the message (a file name, a server's words) is shown as `\n`. */
function say(io: SafeIO, msg: string): void {
  io.stderr.write(`wi-doctor: ${neutralise(msg)}\n`);
}

const LINT_SPEC: Record<string, OptionSpec> = {
  '--format': { value: true },
  '--rule': { value: true, repeat: true },
  '--max-warnings': { value: true },
  '--exclude': { value: true, repeat: true },
  '--fix': {},
  '--quiet': {},
  '--verbose': {},
  '--no-color': {},
  '--help': {},
};

const RULES_SPEC: Record<string, OptionSpec> = { '--format': { value: true }, '--help': {} };

export async function run(argv: readonly string[], rawIO: CliIO, deps: RunDeps = {}): Promise<number> {
  // From here on, nothing is written but through the guard (src/cli/output.ts).
  const io = protect(rawIO);
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
      io.stdout.write(`${deps.version ?? packageVersion}\n`);
      return EXIT_OK;
    }
    if (command === 'lint') return await lintCommand(rest, io, deps);
    if (command === 'rules') return rulesCommand(rest, io, deps);
    if (command === 'diagnose') return await diagnoseCommand(rest, io, { version: deps.version ?? packageVersion, connect: deps.connect, azure: deps.azure, ask: deps.ask ?? (io.stdin ? terminalQuestion(io) : undefined) });
    if (command === 'workloads') return await workloadsCommand(rest, io);
    throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}" (commands: lint, rules, diagnose, workloads)`);
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

function formatOf(parsed: ParsedArgs, allowed: readonly string[]): string {
  const f = parsed.options.get('--format')?.[0] ?? 'text';
  if (!allowed.includes(f)) throw new UsageError(`invalid --format "${f}": expected one of ${allowed.join(', ')}`);
  return f;
}

function rulesCommand(argv: readonly string[], io: SafeIO, deps: RunDeps): number {
  const parsed = parseArgs(argv, RULES_SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}" for rules`);
  const format = formatOf(parsed, ['text', 'json']);
  const rules = deps.rules ?? ALL_RULES;
  if (format === 'json') {
    const list = rules.map((r) => ({ id: r.meta.id, title: r.meta.title, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, kinds: r.meta.kinds, fixable: r.meta.fixable ?? null }));
    io.stdout.json(JSON.stringify({ rules: list }, null, 2) + '\n');
  } else {
    io.stdout.write(renderRulesText(rules));
  }
  return EXIT_OK;
}

function ruleSettings(values: readonly string[], rules: readonly Rule[]): Record<string, SeveritySetting> {
  const record: Record<string, string> = {};
  const problems: string[] = [];
  for (const v of values.flatMap((x) => x.split(',')).filter((x) => x.trim() !== '')) {
    const p = parseRuleSetting(v);
    if (p.ok) record[p.id] = p.severity;
    else problems.push(p.problem);
  }
  const validated = validateRuleSettings(record, rules);
  for (const p of validated.problems) problems.push(p);
  // At most 20 lines: `--rule` can be one argument of a million comma-separated entries.
  const shown = problems.slice(0, 20).map((p) => `--rule: ${p}`);
  if (problems.length > shown.length) shown.push(`--rule: ${problems.length - shown.length} more problems`);
  if (problems.length) throw new UsageError(...shown);
  return validated.rules;
}

async function lintCommand(argv: readonly string[], io: SafeIO, deps: RunDeps): Promise<number> {
  const parsed = parseArgs(argv, LINT_SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const format = formatOf(parsed, FORMATS) as Format;
  const rules = deps.rules ?? ALL_RULES;
  const settings = ruleSettings(parsed.options.get('--rule') ?? [], rules);
  const maxText = parsed.options.get('--max-warnings')?.[0];
  if (maxText !== undefined && !/^\d+$/.test(maxText)) throw new UsageError(`invalid --max-warnings "${maxText}": expected a whole number (0 or more)`);
  const maxWarnings = maxText === undefined ? undefined : Number(maxText);
  const fix = parsed.flags.has('--fix');
  const quiet = parsed.flags.has('--quiet');
  const env = io.env;
  const color = io.stdout.isTTY && !parsed.flags.has('--no-color') && !env.NO_COLOR;

  const inputs = await expandInputs(parsed.positionals, { cwd: io.cwd, isExcluded: compileExclude(parsed.options.get('--exclude') ?? []) });
  // Helm helpers are read for the charts' labels; they are not manifests and are not reported.
  const files = inputs.filter((f) => !isHelpers(f));
  // Not an error (an empty folder is a valid workspace), but worth a word: a wrong
  // path in CI would otherwise pass silently.
  if (files.length === 0) say(io, 'no YAML files to lint (folders are searched for *.yaml and *.yml)');

  // Read and index everything first: cross-file rules need the whole set. Regular files of
  // at most 50 MiB only; anything else is exit 2 (src/cli/read-input.ts).
  const read = readInputs(inputs, io.cwd);
  const texts = new Map<string, string>();
  for (const [file, r] of read) texts.set(file, r.text);
  // The charts and kustomizations the files belong to, and the bases and patches those
  // name: read for the index only (findings are reported for the files asked for).
  const context = await contextFiles(inputs, io.cwd);
  const ruleSet = new RuleSet(rules);
  const options: LintOptions = { rules: settings };
  const index = new WorkspaceIndex();
  // Files outside every chart and kustomization form one project: the current directory.
  index.setWorkspaceFolders([io.cwd]);
  const cache = new ParseCache();
  const parsedOnce = new Map<string, ManifestFile>();
  for (const [file, text] of [...texts, ...context.files]) {
    if (isHelpers(file)) index.updateHelpers(file, text);
    else {
      const p = parseManifestFile(file, text, cache);
      parsedOnce.set(file, p);
      index.update(p);
    }
  }
  for (const f of inputs) if (isHelpers(f)) texts.delete(f);
  const notes = [...context.notes, ...[...index.notes()].flatMap(([file, list]) => list.map((n) => `${displayPath(file, io.cwd)}: ${n}`))];
  if (notes.length && parsed.flags.has('--verbose')) for (const n of notes) say(io, `note: ${n}`);
  else if (notes.length) say(io, `${notes.length} note${notes.length === 1 ? '' : 's'} on kustomizations and charts the linter could not read completely (--verbose shows them)`);

  const applied = new Map<string, number>();
  if (fix) {
    // Written only inside the folders given, only if unchanged since read (src/cli/write-fix.ts).
    const writer = new FixWriter(await inputRoots(parsed.positionals, io.cwd));
    for (const [file, text] of texts) {
      const before = read.get(file)!;
      const already = writer.writtenAs(before); // the same file by another path (a link), fixed already
      if (already !== undefined) {
        texts.set(file, already);
        continue;
      }
      const result = fixAll(file, text, index, ruleSet, options, cache);
      if (result.text === text) continue;
      let refusal: string | undefined;
      try {
        refusal = await writer.write(file, before, result.text);
      } catch (e) {
        throw new InputError(`cannot write ${displayPath(file, io.cwd)}: ${describeFsError(e)}`);
      }
      if (refusal !== undefined) {
        say(io, `not fixed: ${displayPath(file, io.cwd)} ${refusal}`);
        index.update(parseManifestFile(file, text, cache)); // the index goes back to what is on disk
        continue;
      }
      texts.set(file, result.text);
      applied.set(file, result.applied);
    }
  }

  // The parse of the indexing pass when the text is still that (no fix written), else the fixed text's.
  const parsedFiles: ManifestFile[] = [...texts].map(([file, text]) => {
    const p = parsedOnce.get(file);
    return p && p.text === text ? p : parseManifestFile(file, text, cache);
  });
  for (const p of parsedFiles) index.update(p);
  const reportFiles: ReportFile[] = parsedFiles.map((p) => {
    const findings = lintFile(p, index, ruleSet, options).map((f) => toDisplay(f, io.cwd));
    return {
      path: displayPath(p.file, io.cwd),
      text: p.text,
      documents: p.docs.filter((d) => d.yaml || d.parseError).length,
      skippedDocuments: p.docs.filter((d) => d.parseError).length,
      fixesApplied: applied.get(p.file) ?? 0,
      findings,
    };
  });

  const counts = countSeverities(reportFiles.flatMap((f) => f.findings));
  const shown = quiet ? reportFiles.map((f) => ({ ...f, findings: f.findings.filter((x) => x.severity === 'error') })) : reportFiles;
  const report: LintReport = { files: shown, rules, settings, toolVersion: deps.version ?? packageVersion };
  if (format === 'json') io.stdout.json(renderJson(report));
  else if (format === 'sarif') io.stdout.json(renderSarif(report));
  else io.stdout.write(renderText(report, { color, quiet, fixed: fix }));

  if (counts.error > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && counts.warning > maxWarnings) {
    say(io, `${counts.warning} warning${counts.warning === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings} allows`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function isHelpers(file: string): boolean {
  return /\.tpl$/i.test(file);
}

/** The finding with every path (its own, related locations', fix edits') relative to cwd. */
function toDisplay(f: Finding, cwd: string): Finding {
  const d = (file: string): string => displayPath(file, cwd);
  return {
    ...f,
    file: d(f.file),
    related: f.related.map((r) => ({ ...r, file: d(r.file) })),
    fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, file: d(e.file) })) })),
  };
}
