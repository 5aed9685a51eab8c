// `wi-doctor lint`: reads the files and folders given (and the charts and kustomizations they
// belong to, for context), lints them with the rules, optionally writes the safe fixes, and
// prints the findings as text, JSON or SARIF. Usage and exit codes: src/cli/usage.ts.
//
// All files are read, parsed and put into one WorkspaceIndex before any is linted, so
// cross-file rules (a Deployment here, its ServiceAccount there) see everything they were given.
// A file to lint that cannot be (missing, unreadable, not a regular file, over 50 MiB) is an
// input error, exit 2, whether named, found in a folder or matched by a glob
// (src/cli/read-input.ts); a fix that cannot be written safely is a `not fixed:` line and its
// finding stays in the report (src/cli/write-fix.ts).

import { parseManifestFile, ParseCache, type ManifestFile } from '../manifests/document';
import { WorkspaceIndex } from '../manifests/workspace-index';
import { compileExclude, parseRuleSetting, validateRuleSettings } from '../lint/config';
import { lintFile, RuleSet, type LintOptions } from '../lint/engine';
import { fixAll } from '../lint/fix-all';
import { ALL_RULES } from '../rules';
import type { Finding, Rule, SeveritySetting } from '../rules/types';
import { renderJson, type LintReport, type ReportFile } from '../render/lint/json';
import { renderSarif } from '../render/lint/sarif';
import { countSeverities, renderText } from '../render/lint/text';
import { formatOf, parseArgs, UsageError, type OptionSpec } from './args';
import { contextFiles, describeFsError, displayPath, expandInputs, inputRoots, InputError, readInputs } from './files';
import { FixWriter } from './write-fix';
import { say, type SafeIO } from './output';
import { EXIT_FINDINGS, EXIT_OK, HELP } from './usage';

/** What lint reads besides the command line; tests pass their own rules. */
export interface LintDeps {
  rules?: readonly Rule[];
  /** The version written into the JSON and SARIF reports. */
  version: string;
}

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

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

export async function lintCommand(argv: readonly string[], io: SafeIO, deps: LintDeps): Promise<number> {
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
  const report: LintReport = { files: shown, rules, settings, toolVersion: deps.version };
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
