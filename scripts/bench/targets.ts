// The end of `npm run bench`: one table of every target judged by the benchmarks, read from the
// `targets` arrays of bench/results/*.json (lint: latest.json; diagnose, tree: their own files),
// with PASS/FAIL. With --write, that table goes into docs/benchmarks.md and, shorter (what,
// measured, target, verdict, command), into README.md between <!-- bench:start --> and
// <!-- bench:end -->, the full tables staying in docs/benchmarks.md.
//
//   node --import tsx scripts/bench/targets.ts [--write]

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, writeDocsSection, type TargetVerdict } from './shared';

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';
const DOC_START = '<!-- bench:targets:start -->';
const DOC_END = '<!-- bench:targets:end -->';

export interface GatheredTarget extends TargetVerdict {
  /** The results file it came from, and that run's date. */
  file: string;
  date: string;
}

function isVerdict(x: unknown): x is TargetVerdict {
  const t = x as Partial<TargetVerdict> | null;
  return !!t && typeof t.id === 'string' && typeof t.what === 'string' && typeof t.measured === 'string' && typeof t.target === 'string' && typeof t.pass === 'boolean' && typeof t.command === 'string';
}

/** Every target of every results file; the newest run's verdict when two files judge one id. */
export function gatherTargets(dir = join(ROOT, 'bench', 'results')): { targets: GatheredTarget[]; problems: string[] } {
  const byId = new Map<string, GatheredTarget>();
  const problems: string[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  for (const f of files) {
    let json: { date?: unknown; targets?: unknown };
    try {
      json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as typeof json;
    } catch (e) {
      problems.push(`bench/results/${f}: not JSON (${(e as Error).message})`);
      continue;
    }
    if (json.targets === undefined) continue;
    if (!Array.isArray(json.targets)) {
      problems.push(`bench/results/${f}: \`targets\` is not a list`);
      continue;
    }
    const date = typeof json.date === 'string' ? json.date : '';
    for (const t of json.targets) {
      if (!isVerdict(t)) {
        problems.push(`bench/results/${f}: a target without id, what, measured, target, pass and command`);
        continue;
      }
      const had = byId.get(t.id);
      if (!had || had.date < date) byId.set(t.id, { ...t, file: `bench/results/${f}`, date });
    }
  }
  // By benchmark (the id's prefix, in the order the benchmarks run), then by id.
  const order = ['editor', 'lint', 'gitops', 'diagnose', 'tree'];
  const rank = (id: string) => {
    const i = order.indexOf(id.split('.')[0]);
    return i === -1 ? order.length : i;
  };
  const targets = [...byId.values()].sort((a, b) => rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { targets, problems };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The full table: every column, the results file and the run's date. */
export function fullTable(targets: readonly GatheredTarget[]): string[] {
  const out = ['| target | what | measured | target | verdict | command | measured on |', '| --- | --- | ---: | --- | --- | --- | --- |'];
  for (const t of targets) out.push(`| \`${t.id}\` | ${cell(t.what)} | ${cell(t.measured)} | ${cell(t.target)} | ${t.pass ? 'PASS' : '**FAIL**'} | \`${cell(t.command)}\` | ${t.date.slice(0, 10)} (${t.file}) |`);
  return out;
}

/** The README's short table: one row per target. */
export function readmeTable(targets: readonly GatheredTarget[]): string[] {
  const out = ['| what | measured | target | verdict | command |', '| --- | ---: | --- | --- | --- |'];
  for (const t of targets) out.push(`| ${cell(t.what)} | ${cell(t.measured)} | ${cell(t.target)} | ${t.pass ? 'PASS' : '**FAIL**'} | \`${cell(t.command)}\` |`);
  return out;
}

function writeReadme(body: string): void {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const s = text.indexOf(README_START);
  const e = text.indexOf(README_END);
  if (s < 0 || e < s) throw new Error(`README.md has no ${README_START} … ${README_END}`);
  writeFileSync(file, `${text.slice(0, s)}${README_START}\n${body}\n${text.slice(e)}`);
}

function main(): void {
  const write = process.argv.includes('--write');
  const { targets, problems } = gatherTargets();
  console.log('\nTargets (issue 15), from bench/results/*.json:\n');
  if (targets.length === 0) console.log('  none yet: run `npm run bench` (or one benchmark with --only).');
  const w = Math.max(0, ...targets.map((t) => t.id.length));
  for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.id.padEnd(w)}  ${t.measured} (target ${t.target}) — ${t.what}`);
  for (const p of problems) console.log(`  note: ${p}`);
  const failed = targets.filter((t) => !t.pass).length;
  console.log(`\n${targets.length - failed} of ${targets.length} targets met.`);
  if (!write) return;
  writeDocsSection(DOC_START, DOC_END, fullTable(targets).join('\n'));
  const dates = [...new Set(targets.map((t) => t.date.slice(0, 10)))].sort();
  const readme = [
    `Every performance target, as last measured by \`npm run bench\` (${dates.length ? `runs of ${dates.join(', ')}` : 'no run yet'}); the full tables, the`,
    'machine and how each figure is taken are in [docs/benchmarks.md](docs/benchmarks.md).',
    '',
    ...readmeTable(targets),
  ].join('\n');
  writeReadme(readme);
  console.log('Wrote the targets into docs/benchmarks.md and README.md.');
}

if (require.main === module) main();
