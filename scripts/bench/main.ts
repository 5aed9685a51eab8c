// The linter's throughput benchmark (`npm run bench`). Not a test: it measures and
// prints, and writes bench/results/latest.json (git-ignored) for comparison.
//
//   1. bare `yaml` parse (parseAllDocuments per file): the floor we compare against;
//   2. the full in-process lint: parseManifestFile + WorkspaceIndex + lintFile with ALL_RULES;
//   3. the CLI end to end (`node dist/cli.js lint <dir> --format json`), process start included;
//   4. the editor's incremental re-lint of one large file after a one-character edit,
//      an edit in a ServiceAccount, and a line insertion.
//
// Every measurement runs once to warm up, then `--reps` times; we report the median
// and the best. Options: --sizes 100,1000,10000  --reps 5  --seed 20240601
// --incremental-docs 5000  --no-cli  --keep (leave the corpora in the temp dir).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { diffHint, parseManifestFile, ParseCache, splitDocuments } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { applyOptions, lintFile, LintCache, RuleSet } from '../../src/lint/engine';
import { collectSuppressions } from '../../src/lint/suppression';
import { ALL_RULES } from '../../src/rules/index';
import { generateCorpus, generateDocuments, joinDocuments, type CorpusFile } from './generate';
import { ensureCli, fmt, machineInfo, stats, writeResults, type Stats } from './shared';


interface Options {
  sizes: number[];
  reps: number;
  seed: number;
  incrementalDocs: number;
  cli: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [100, 1000, 10000], reps: 5, seed: 20240601, incrementalDocs: 5000, cli: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i] ?? '';
    if (a === '--sizes') o.sizes = v().split(',').map(Number).filter((n) => n > 0);
    else if (a === '--reps') o.reps = Math.max(1, Number(v()));
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--incremental-docs') o.incrementalDocs = Number(v());
    else if (a === '--no-cli') o.cli = false;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** One warm-up run, then `reps` timed runs (ms). A GC before each run keeps one run's garbage out of the next. */
function measure(reps: number, run: () => void, setup?: () => void): Stats {
  setup?.();
  run();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    setup?.();
    gc?.();
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

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

// ---- incremental ----------------------------------------------------------------

interface EditResult {
  name: string;
  description: string;
  ms: Stats;
  parseMisses: number;
  lintMisses: number;
  indexChanged: boolean;
}

/** The editor's caches after the file was opened (parsed, indexed and linted once). */
function warmEditor(file: string, text: string): { pc: ParseCache; lc: LintCache; index: WorkspaceIndex } {
  const pc = new ParseCache();
  const lc = new LintCache();
  const index = new WorkspaceIndex();
  const first = parseManifestFile(file, text, pc);
  index.update(first);
  lintFile(first, index, rules, {}, lc);
  return { pc, lc, index };
}

/**
 * The editor's path on a keystroke: parse with the ParseCache, update the index,
 * lint with the LintCache. `edit(text, i)` returns the i-th edited text; successive
 * edits alternate so each one really changes the text the caches last saw.
 */
function incremental(text: string, reps: number, name: string, description: string, edit: (i: number) => string): EditResult {
  const file = 'big.yaml';
  const { pc, lc, index } = warmEditor(file, text);
  const samples: number[] = [];
  let parseMisses = 0;
  let lintMisses = 0;
  let indexChanged = false;
  const runs = reps * 4; // edits are cheap; more samples give a steadier median
  let base = text;
  for (let i = 0; i < runs + 2; i++) {
    const next = edit(i);
    // The editor knows the edited span from VS Code's contentChanges; here it is computed
    // outside the timed region.
    const hint = diffHint(base, next);
    base = next;
    // No forced GC here: a full collection right before a keystroke leaves every cache
    // cold (2-5x slower for a moment) and the editor never does that; the natural GCs
    // still happen and show in the worst case.
    const pm = pc.misses;
    const lm = lc.misses;
    const t0 = performance.now();
    const parsed = parseManifestFile(file, next, pc, hint);
    const changed = index.update(parsed);
    lintFile(parsed, index, rules, {}, lc);
    const dt = performance.now() - t0;
    if (i >= 2) {
      // the first two edits warm the JIT on the edit path
      samples.push(dt);
      parseMisses = pc.misses - pm;
      lintMisses = lc.misses - lm;
      indexChanged ||= changed;
    }
  }
  return { name, description, ms: stats(samples), parseMisses, lintMisses, indexChanged };
}

/**
 * The same keystroke as `incremental`, with each step of the editor's path timed on
 * its own (median ms), to show where an incremental re-lint spends its time.
 */
function incrementalBreakdown(text: string, reps: number, edit: (i: number) => string): Record<string, number> {
  const file = 'big.yaml';
  const { pc, lc, index } = warmEditor(file, text);
  const steps: Record<string, number[]> = {};
  const time = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    (steps[name] ??= []).push(performance.now() - t0);
    return r;
  };
  let base = text;
  for (let i = 0; i < reps * 4 + 2; i++) {
    const next = edit(i);
    const hint = diffHint(base, next);
    base = next;
    // No forced GC here: a full collection right before a keystroke leaves every cache
    // cold (2-5x slower for a moment) and the editor never does that; the natural GCs
    // still happen and show in the worst case.
    time('splitDocuments (inside parseManifestFile)', () => splitDocuments(next));
    const parsed = time('parseManifestFile with ParseCache (and the edit span)', () => parseManifestFile(file, next, pc, hint));
    time('WorkspaceIndex.update', () => index.update(parsed));
    const raw = time('LintCache.lint (cache look-ups + changed documents)', () => lc.lint(parsed, index, rules));
    time('collectSuppressions (inside applyOptions)', () => collectSuppressions(parsed));
    time('applyOptions (suppressions, settings, sort)', () => applyOptions(raw, parsed, {}));
  }
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v.slice(2)).median]));
}

function incrementalSuite(docsCount: number, seed: number, reps: number): { docs: number; lines: number; bytes: number; fullMs: Stats; edits: EditResult[]; breakdown: Record<string, number> } {
  const docs = generateDocuments(docsCount, seed + 7);
  const text = joinDocuments(docs);
  const lines = text.split('\n');
  // Offsets of each document's first line.
  const docLine: number[] = [];
  let line = 0;
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) line++; // the `---`
    docLine.push(line);
    line += docs[i].text.split('\n').length - 1;
  }
  const middle = docs.length >> 1;
  const findDoc = (kind: string) => {
    for (let d = 0; d < docs.length; d++) {
      const i = (middle + d) % docs.length;
      if (docs[i].kind === kind) return i;
    }
    throw new Error(`no ${kind} in the corpus`);
  };
  const lineIn = (docIdx: number, re: RegExp) => {
    const end = docIdx + 1 < docs.length ? docLine[docIdx + 1] : lines.length;
    for (let l = docLine[docIdx]; l < end; l++) if (re.test(lines[l])) return l;
    throw new Error(`no line ${re} in document ${docIdx}`);
  };
  const withLine = (l: number, value: string) => {
    const copy = lines.slice();
    copy[l] = value;
    return copy.join('\n');
  };
  const withInserted = (l: number, value: string) => {
    const copy = lines.slice();
    copy.splice(l, 0, value);
    return copy.join('\n');
  };

  // One character of a value: the image tag's patch digit in a workload in the middle.
  const w = findDoc('Deployment');
  const imageLine = lineIn(w, /^\s+image: .*:\d+\.\d+\.\d+$/);
  const tagEdit = (i: number) => withLine(imageLine, lines[imageLine].replace(/\d$/, String(i % 10)));
  // One character of a ServiceAccount annotation: the client ID (an index-visible change).
  const s = findDoc('ServiceAccount');
  const saLine = lineIn(s, /^\s+(app\.kubernetes\.io\/name|azure\.workload\.identity\/client-id): /);
  const saEdit = (i: number) => withLine(saLine, lines[saLine].replace(/.(["]?)$/, `${'abcdef'[i % 6]}$1`));
  // A new line in the middle document: every later document moves down.
  const insertAt = lineIn(w, /^\s+imagePullPolicy: /);
  const indent = /^\s*/.exec(lines[insertAt])![0];
  // Alternate inserting and removing it, so every timed edit moves the later documents.
  const insertEdit = (i: number) => (i % 2 === 0 ? withInserted(insertAt, `${indent}# note ${i}`) : text);

  const fullMs = measure(Math.min(reps, 3), () => {
    const pc = new ParseCache();
    const lc = new LintCache();
    const index = new WorkspaceIndex();
    const p = parseManifestFile('big.yaml', text, pc);
    index.update(p);
    lintFile(p, index, rules, {}, lc);
  });
  return {
    docs: docs.length,
    lines: lines.length,
    bytes: text.length,
    fullMs,
    breakdown: incrementalBreakdown(text, reps, tagEdit),
    edits: [
      incremental(text, reps, 'value-char', `one character of the image tag on line ${imageLine + 1} (document ${w + 1}, a Deployment)`, tagEdit),
      incremental(text, reps, 'sa-char', `one character on line ${saLine + 1} (document ${s + 1}, a ServiceAccount: changes the workspace index)`, saEdit),
      incremental(text, reps, 'insert-line', `a comment line inserted (or removed) at line ${insertAt + 1} (document ${w + 1}): the ${docs.length - w - 1} later documents move`, insertEdit),
    ],
  };
}

// ---- report -----------------------------------------------------------------------

const rate = (docs: number, ms: number) => fmt((docs / ms) * 1000);

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
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

  process.stdout.write(`incremental: ${fmt(opts.incrementalDocs)}-document file...\n`);
  const inc = incrementalSuite(opts.incrementalDocs, opts.seed, opts.reps);

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
  out.push(`Incremental re-lint (the editor's path: \`parseManifestFile\` with a ParseCache + \`index.update\` + \`lintFile\` with a LintCache) of one ${fmt(inc.docs)}-document file (${fmt(inc.lines)} lines, ${fmt(inc.bytes / 1024 / 1024, 1)} MiB); a cold lint of that file takes ${fmt(inc.fullMs.median)} ms:`, '');
  out.push('| edit | median | best | worst | documents re-parsed | documents re-linted | target |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const e of inc.edits) {
    const target = e.name === 'value-char' ? (e.ms.median <= 20 ? '≤ 20 ms: met' : '≤ 20 ms: MISSED') : '—';
    out.push(`| ${e.description} | ${fmt(e.ms.median, 1)} ms | ${fmt(e.ms.best, 1)} ms | ${fmt(e.ms.worst, 1)} ms | ${fmt(e.parseMisses)} | ${fmt(e.lintMisses)} | ${target} |`);
  }
  out.push('');
  out.push(`Where the one-character re-lint's time goes (each step timed alone, median): ${Object.entries(inc.breakdown).map(([k, v]) => `${k} ${fmt(v, 1)} ms`).join('; ')}.`);
  out.push('');
  out.push(`CLI: ${cli.note}.`);
  const table = out.join('\n');
  console.log('\n' + table + '\n');

  const misses: string[] = [];
  for (const c of corpora) if (c.ratio > 1.3) misses.push(`lint/parse ratio ${fmt(c.ratio, 2)}× > 1.3× at ${c.size} documents`);
  const v = inc.edits.find((e) => e.name === 'value-char')!;
  if (v.ms.median > 20) misses.push(`incremental one-character edit ${fmt(v.ms.median, 1)} ms > 20 ms`);
  console.log(misses.length ? `Targets missed: ${misses.join('; ')}.` : 'All targets met (lint/parse ≤ 1.3×, one-character re-lint ≤ 20 ms).');

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
    markdown: table,
  };
  console.log(`Wrote ${writeResults('latest.json', json)}${opts.keep ? `; corpora kept in ${work}` : ''}.`);
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
