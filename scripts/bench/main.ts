// The linter's throughput benchmark (`npm run bench`). Not a test: it measures and
// prints, and writes bench/results/latest.json (git-ignored) for comparison.
//
//   1. bare `yaml` parse (parseAllDocuments per file): the floor we compare against;
//   2. the full in-process lint: parseManifestFile + WorkspaceIndex + lintFile with ALL_RULES;
//   3. the CLI end to end (`node dist/cli.js lint <dir> --format json`), process start included;
//   4. the editor's re-lint of one large file after an edit (scripts/bench/editor.ts): a value
//      edit and Enter through the editor's whole path per change (targets editor.value-edit and
//      editor.enter), an edit in a ServiceAccount, and the lint part alone.
//
//   5. the linter in bulk (scripts/bench/lint-throughput.ts): the CLI as a process against a
//      parse-only process, the GitOps shape at several sizes, repository-shaped corpora
//      (targets lint.process-ratio, gitops.rules-vs-parse, gitops.linear).
//
// Every measurement runs once to warm up, then `--reps` times; we report the median
// and the best. Options: --sizes 100,1000,10000  --reps 5  --seed 20240601
// --incremental-docs 5000  --no-cli  --keep (leave the corpora in the temp dir)
// --process-files 1000  --gitops-sizes 300,1000,3000  --repo-sizes 100,1000
// --write (the tables into docs/benchmarks.md, between <!-- bench:lint:start/end -->).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { parseManifestFile } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../src/lint/engine';
import { ALL_RULES } from '../../src/rules/index';
import { generateCorpus, type CorpusFile } from './generate';
import { benchArgs, ensureCli, fmt, machineInfo, stats, targetLines, writeDocsSection, writeResults, type Stats } from './shared';
import { incrementalSuite, incrementalTable } from './editor';
import { throughputSuite } from './lint-throughput';


interface Options {
  sizes: number[];
  reps: number;
  seed: number;
  incrementalDocs: number;
  cli: boolean;
  keep: boolean;
  processFiles: number;
  gitopsSizes: number[];
  repoSizes: number[];
  write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const a = benchArgs(argv, ['--sizes', '--reps', '--seed', '--incremental-docs', '--process-files', '--gitops-sizes', '--repo-sizes'], ['--no-cli', '--keep', '--write']);
  return {
    sizes: a.numbers('--sizes', [100, 1000, 10000]),
    reps: a.number('--reps', 5, 1),
    seed: a.number('--seed', 20240601),
    incrementalDocs: a.number('--incremental-docs', 5000),
    cli: !a.flag('--no-cli'),
    keep: a.flag('--keep'),
    processFiles: a.number('--process-files', 1000, 1),
    gitopsSizes: a.numbers('--gitops-sizes', [300, 1000, 3000]),
    repoSizes: a.numbers('--repo-sizes', [100, 1000]),
    write: a.flag('--write'),
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

const LINT_START = '<!-- bench:lint:start -->';
const LINT_END = '<!-- bench:lint:end -->';

const rules = new RuleSet(ALL_RULES);

function bareParse(files: CorpusFile[]): number {
  let n = 0;
  for (const f of files) n += parseAllDocuments(f.text).length;
  return n;
}

interface LintPhases {
  parse: number;
  index: number;
  lint: number;
  findings: number;
}

function fullLint(files: CorpusFile[]): LintPhases {
  const t0 = performance.now();
  const parsed = files.map((f) => parseManifestFile(f.name, f.text));
  const t1 = performance.now();
  const index = new WorkspaceIndex();
  for (const p of parsed) index.update(p);
  const t2 = performance.now();
  let findings = 0;
  for (const p of parsed) findings += lintFile(p, index, rules).length;
  const t3 = performance.now();
  return { parse: t1 - t0, index: t2 - t1, lint: t3 - t2, findings };
}

// ---- CLI ----------------------------------------------------------------------


interface CliRun {
  ms: Stats;
  exitCode: number | null;
  findings: number | undefined;
  error?: string;
}

function runCli(cli: string, dir: string, reps: number): CliRun {
  const args = [cli, 'lint', dir, '--format', 'json'];
  let last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    last = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    samples.push(performance.now() - t0);
  }
  let findings: number | undefined;
  let error: string | undefined;
  try {
    const json = JSON.parse(last.stdout) as unknown;
    findings = countFindings(json);
  } catch {
    error = (last.stderr || last.stdout || '').split('\n').find((l) => l.trim())?.slice(0, 200) ?? 'no output';
  }
  // A lint that finds errors exits 1; anything else (2 = usage, crash) is a failure to report.
  if (last.status !== 0 && last.status !== 1 && !error) error = `exit code ${last.status}`;
  return { ms: stats(samples), exitCode: last.status, findings, error };
}

/** The CLI's JSON shape is its author's; count findings whether it is a list or { files/findings }. */
function countFindings(json: unknown): number | undefined {
  if (Array.isArray(json)) return json.reduce((n: number, x) => n + (countFindings(x) ?? 1), 0);
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (Array.isArray(o.findings)) return o.findings.length;
    if (Array.isArray(o.files)) return o.files.reduce((n: number, f) => n + (countFindings(f) ?? 0), 0);
  }
  return undefined;
}

function nodeStartup(reps: number): Stats {
  const samples: number[] = [];
  spawnSync(process.execPath, ['-e', '0']);
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

// ---- incremental: scripts/bench/editor.ts (the editor's path per change, and its targets) ----

// ---- report -----------------------------------------------------------------------

const rate = (docs: number, ms: number) => fmt((docs / ms) * 1000);

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  // The command as typed (scripts/bench.mjs passes it: `--only lint` does not reach this script).
  const command = process.env.WI_BENCH_COMMAND ?? `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const machine = { ...machineInfo(), gcBetweenRuns: !!gc };
  const rulesUsed = ALL_RULES.map((r) => r.meta.id);
  console.log(`Workload Identity Doctor benchmark — ${rulesUsed.length} rules, seed ${opts.seed}, ${opts.reps} reps after a warm-up`);
  console.log(`node ${machine.node}, nproc ${machine.nproc}, ${machine.cpu}\n`);

  const work = mkdtempSync(join(tmpdir(), 'wi-doctor-bench-'));
  const cli = opts.cli ? ensureCli() : { note: 'skipped (--no-cli)' };
  const startup = cli.path ? nodeStartup(opts.reps) : undefined;
  console.log(`CLI: ${cli.note}\n`);

  // Warm the JIT on both paths first, so the first corpus measured is not the one that pays for it.
  const warm = generateCorpus(300, opts.seed + 1);
  for (let i = 0; i < 5; i++) {
    bareParse(warm);
    fullLint(warm);
  }

  const corpora = [];
  for (const size of opts.sizes) {
    const files = generateCorpus(size, opts.seed);
    const dir = join(work, `corpus-${size}`);
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
    process.stdout.write(`corpus ${fmt(size)} docs (${files.length} files, ${fmt(bytes / 1024 / 1024, 1)} MiB): parse`);
    // Parse and lint runs alternate (after one warm-up of each), so drift on a busy
    // machine (other processes, thermal) hits both sides of the ratio alike.
    process.stdout.write(' + lint');
    const parseSamples: number[] = [];
    const phaseSamples: LintPhases[] = [];
    bareParse(files);
    fullLint(files);
    for (let i = 0; i < opts.reps; i++) {
      gc?.();
      const t0 = performance.now();
      bareParse(files);
      parseSamples.push(performance.now() - t0);
      gc?.();
      phaseSamples.push(fullLint(files));
    }
    const total = (p: LintPhases) => p.parse + p.index + p.lint;
    const parse = stats(parseSamples);
    const lint = stats(phaseSamples.map(total));
    // Phase split of the median lint run, for the "where does the time go" line.
    const phases = [...phaseSamples].sort((a, b) => total(a) - total(b))[phaseSamples.length >> 1];
    let cliRun: CliRun | undefined;
    if (cli.path) {
      process.stdout.write(', cli');
      cliRun = runCli(cli.path, dir, opts.reps);
    }
    process.stdout.write('\n');
    corpora.push({ size, files: files.length, bytes, dir, parse, lint, ratio: lint.median / parse.median, phases, findings: phases.findings, cli: cliRun });
  }

  // The linter in bulk: the CLI as a process, the GitOps shape, repository shapes (lint-throughput.ts).
  const bulk = throughputSuite({ seed: opts.seed, reps: opts.reps, cli: cli.path, cliNote: cli.note, work, processFiles: opts.processFiles, gitopsSizes: opts.gitopsSizes, repoSizes: opts.repoSizes, command });
  console.log(targetLines(bulk.targets).join('\n'));

  process.stdout.write(`incremental: ${fmt(opts.incrementalDocs)}-document file...\n`);
  const inc = incrementalSuite(opts.incrementalDocs, opts.seed, opts.reps, command);
  console.log(targetLines(inc.targets).join('\n'));

  // ---- Markdown --------------------------------------------------------------------
  const out: string[] = [];
  out.push(`Measured with \`${command}\` on ${machine.platform}, nproc ${machine.nproc} (${machine.cpu}), node ${machine.node}; ${rulesUsed.length} rules; median of ${opts.reps} runs after a warm-up, time per run in brackets; best and worst runs are in bench/results/latest.json.`, '');
  out.push('| documents (files) | bare `yaml` parse | full lint (in-process) | lint / parse | CLI end to end (`lint --format json`) | findings |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of corpora) {
    const cliCell = !c.cli
      ? cli.note.startsWith('CLI not built') ? 'CLI not built' : 'skipped'
      : c.cli.error
        ? `failed: ${c.cli.error.replace(/\|/g, '\\|')}`
        : `${rate(c.size, c.cli.ms.median)} docs/s (${fmt(c.cli.ms.median)} ms)${c.cli.findings !== undefined && c.cli.findings !== c.findings ? ` — ${fmt(c.cli.findings)} findings, not ${fmt(c.findings)}` : ''}`;
    out.push(
      `| ${fmt(c.size)} (${c.files}) | ${rate(c.size, c.parse.median)} docs/s (${fmt(c.parse.median, 1)} ms) | ${rate(c.size, c.lint.median)} docs/s (${fmt(c.lint.median, 1)} ms) | ${fmt(c.ratio, 2)}× | ${cliCell} | ${fmt(c.findings)} |`,
    );
  }
  out.push('');
  out.push(`Where the full lint's time goes (median run): ${corpora.map((c) => `${fmt(c.size)} docs — parse ${fmt(c.phases.parse, 1)} ms, index ${fmt(c.phases.index, 1)} ms, rules ${fmt(c.phases.lint, 1)} ms`).join('; ')}.`);
  if (startup) out.push(`\`node -e 0\` alone takes ${fmt(startup.median)} ms on this machine (part of every CLI number).`);
  out.push('');
  out.push(`In the editor: one ${fmt(inc.docs)}-document file (${fmt(inc.lines)} lines, ${fmt(inc.bytes / 1024 / 1024, 1)} MiB; a cold lint takes ${fmt(inc.fullMs.median)} ms) after an edit. Path \`editor\` is what the editor runs per change (the ParseCache with the edited span, \`index.update\`, \`lintFile\` with the LintCache, the CodeLens's \`manifestWorkloads\`, \`DiagnosticsMemo.update\`); \`lint\` is the lint part alone:`, '');
  out.push(...incrementalTable(inc));
  out.push('');
  out.push(...targetLines(inc.targets).map((l) => `${l}  `));
  out.push('');
  out.push(`Where a value edit's time goes (each step timed alone, median): ${Object.entries(inc.breakdown).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join('; ')}.`);
  out.push(`Where Enter's time goes: ${Object.entries(inc.enterBreakdown).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join('; ')}.`);
  out.push('');
  out.push(...bulk.markdown, '');
  out.push(`CLI: ${cli.note}.`);
  const table = out.join('\n');
  console.log('\n' + table + '\n');

  const misses: string[] = [];
  for (const t of [...inc.targets, ...bulk.targets]) if (!t.pass) misses.push(`${t.what}: ${t.measured} (target ${t.target})`);
  console.log(misses.length ? `Targets missed: ${misses.join('; ')}.` : 'All targets met.');

  const json = {
    date: new Date().toISOString(),
    command,
    machine,
    options: opts,
    rules: rulesUsed,
    cli: { note: cli.note, startupMs: startup },
    corpora: corpora.map(({ dir: _dir, ...c }) => c),
    incremental: inc,
    targetsMissed: misses,
    targets: [...inc.targets, ...bulk.targets],
    bulk: { process: bulk.process, gitops: bulk.gitops.map(({ samples: _s, ...g }) => g), repo: bulk.repo.map(({ samples: _s, ...r }) => r) },
    markdown: table,
  };
  console.log(`Wrote ${writeResults('latest.json', json)}${opts.keep ? `; corpora kept in ${work}` : ''}.`);
  if (opts.write) {
    writeDocsSection(LINT_START, LINT_END, table);
    console.log('Wrote its tables into docs/benchmarks.md.');
  }
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
