// What the benchmarks (lint: main.ts, live diagnosis: diagnose.ts, sidebar tree: tree.ts) need:
// their options read with the CLI's own parser (src/cli/args.ts), sample statistics, number formatting, a CLI bundle that is never older than the sources it
// measures, processes run without blocking, and their sections of the README.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, UsageError, type OptionSpec } from '../../src/cli/args';

export const ROOT = resolve(__dirname, '..', '..');

export interface Stats {
  median: number;
  best: number;
  worst: number;
  samples: number[];
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, best: s[0]!, worst: s[s.length - 1]!, samples };
}

/** A benchmark's options, as read by benchArgs. */
export interface BenchArgs {
  flag(name: string): boolean;
  text(name: string): string | undefined;
  /** The option's number, at least `min`; `fallback` when it is not given. */
  number(name: string, fallback: number, min?: number): number;
  /** A comma-separated list of positive numbers (`--sizes 100,1000`); `fallback` when not given. */
  numbers(name: string, fallback: number[]): number[];
}

/**
 * Reads a benchmark's command line with the CLI's parser (src/cli/args.ts): `values` take a value
 * (`--reps 3` or `--reps=3`), `flags` do not. An unknown option, a missing value, an option given
 * twice or an argument that is not an option is an error.
 */
export function benchArgs(argv: readonly string[], values: readonly string[], flags: readonly string[]): BenchArgs {
  const spec: Record<string, OptionSpec> = {};
  for (const v of values) spec[v] = { value: true };
  for (const f of flags) spec[f] = {};
  const parsed = parseArgs(argv, spec);
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  const text = (name: string): string | undefined => parsed.options.get(name)?.[0];
  return {
    flag: (name) => parsed.flags.has(name),
    text,
    number: (name, fallback, min = -Infinity) => {
      const t = text(name);
      return t === undefined ? fallback : Math.max(min, Number(t));
    },
    numbers: (name, fallback) => {
      const t = text(name);
      return t === undefined ? fallback : t.split(',').map(Number).filter((n) => n > 0);
    },
  };
}

export const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export interface CliInfo {
  path?: string;
  note: string;
}

/**
 * dist/cli.js, (re)built with esbuild.mjs when it is missing or older than src/ (a
 * stale bundle would measure old code); undefined, with the reason, when it cannot be had.
 */
export function ensureCli(): CliInfo {
  const dist = join(ROOT, 'dist', 'cli.js');
  const stale = existsSync(dist) && statSync(dist).mtimeMs < newestSource(join(ROOT, 'src'));
  if (existsSync(dist) && !stale) return { path: dist, note: 'dist/cli.js' };
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0 && existsSync(dist)) return { path: dist, note: `dist/cli.js (${stale ? 'older than src/, rebuilt' : 'built'} by this run with \`node esbuild.mjs\`)` };
  const why = (r.stderr || r.stdout || '').split('\n').find((l) => l.trim())?.trim().slice(0, 160) ?? `exit ${r.status}`;
  if (stale) return { path: dist, note: `dist/cli.js, STALE: older than src/ and \`node esbuild.mjs\` failed (${why})` };
  return { note: `CLI not built (\`node esbuild.mjs\` failed: ${why})` };
}

/** What a figure was measured on, for the README line and the results file. */
export function machineInfo(): { nproc: number; cpu: string; node: string; platform: string } {
  return { nproc: availableParallelism(), cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** The Markdown of a report (paragraphs wrapped, table rows and blank lines as they are), printed too. */
export function printReport(lines: string[]): string {
  const text = lines.map((l) => (l.startsWith('|') ? l : wrap(l))).join('\n').replace(/\n+$/, '');
  console.log('\n' + text + '\n');
  return text;
}

/** What every results file starts with: when, with which command, on what, with which options. */
export function resultsHead<O>(command: string, machine: ReturnType<typeof machineInfo>, options: O): { date: string; command: string; machine: ReturnType<typeof machineInfo>; options: O } {
  return { date: new Date().toISOString(), command, machine, options };
}

/** Writes bench/results/<name> (pretty JSON); returns its path relative to the project. */
export function writeResults(name: string, json: unknown): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify(json, null, 2) + '\n');
  return `bench/results/${name}`;
}

export interface Proc {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Spawns without blocking (a fake server may be answering from this process's event loop). */
export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  return new Promise((done) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Decoded as text by the streams, so a character split across two chunks stays whole.
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('error', (e) => done({ status: null, stdout, stderr: stderr + e.message, ms: performance.now() - t0 }));
    c.on('close', (status) => done({ status, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Wraps a paragraph at spaces, as the README's hand-written paragraphs are. */
export function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    // Never start a line with what Markdown would read as a list item, quote, heading or table.
    const safe = !/^([-+*#>|]|\d+[.)])/.test(word);
    if (line && safe && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

const BLOCK_END = '<!-- bench:end -->';

/**
 * Replaces the README's section between `start` and `end`; the first time, adds it right after
 * the `after` marker when there is one, else at the end of the bench block.
 */
export function writeReadmeSection(start: string, end: string, body: string, after?: string): void {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const section = `${start}\n${body}\n${end}`;
  let next: string;
  const s = text.indexOf(start);
  const e = text.indexOf(end);
  const a = after ? text.indexOf(after) : -1;
  if (s >= 0 && e > s) next = text.slice(0, s) + section + text.slice(e + end.length);
  else if (a >= 0) next = `${text.slice(0, a + after!.length)}\n${section}${text.slice(a + after!.length)}`;
  else {
    const b = text.indexOf(BLOCK_END);
    if (b < 0) throw new Error(`README.md has no ${BLOCK_END}`);
    next = `${text.slice(0, b)}\n${section}\n${text.slice(b)}`;
  }
  writeFileSync(file, next);
}

/**
 * One performance target (issue 15's table), judged by a benchmark in its own run: every
 * benchmark returns its targets, writes them into its results file under `targets`, and prints
 * them with PASS/FAIL; `npm run bench` gathers them into one table (README and docs/benchmarks.md).
 */
export interface TargetVerdict {
  /** Stable id, e.g. `editor.enter`, `lint.process-ratio`, `gitops.linear`, `diagnose.latency-cost`, `tree.idle-rss`. */
  id: string;
  /** What is measured, in words: "Enter (new line) in a 5,000-document file". */
  what: string;
  /** The measured figure as shown: "12.4 ms", "1.22×", "14 requests". */
  measured: string;
  /** The target as shown: "≤ 20 ms". */
  target: string;
  pass: boolean;
  /** The command that produced the figure. */
  command: string;
}

/** The targets as lines: `PASS  what: measured (target)`. */
export function targetLines(targets: readonly TargetVerdict[]): string[] {
  return targets.map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.what}: ${t.measured} (target ${t.target})`);
}

/** Where the benchmarks' full tables live (the README keeps one short table of the targets). */
export const BENCH_DOC = join(ROOT, 'docs', 'benchmarks.md');

const BENCH_DOC_HEAD = `# Benchmarks

The full tables of \`npm run bench\` (scripts/bench/): the linter (main.ts, lint-throughput.ts,
editor.ts), a live diagnosis (diagnose.ts) and the sidebar tree (tree.ts). Each benchmark rewrites
its own section with \`--write\`; \`npm run bench -- --write\` also rewrites the table of every target
below and the README's short table (scripts/bench/targets.ts).
`;

/**
 * Replaces the section of docs/benchmarks.md between `start` and `end` (creating the file, or
 * adding the section at its end, the first time).
 */
export function writeDocsSection(start: string, end: string, body: string): void {
  const text = existsSync(BENCH_DOC) ? readFileSync(BENCH_DOC, 'utf8') : BENCH_DOC_HEAD;
  const section = `${start}\n${body}\n${end}`;
  const s = text.indexOf(start);
  const e = text.indexOf(end);
  const next = s >= 0 && e > s ? text.slice(0, s) + section + text.slice(e + end.length) : `${text.replace(/\n*$/, '\n')}\n${section}\n`;
  writeFileSync(BENCH_DOC, next);
}
