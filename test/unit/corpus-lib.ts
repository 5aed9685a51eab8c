// The real-manifest corpus (test/corpus/): each source repository's folder is linted on its own,
// with the CLI in-process (`wi-doctor lint . --format json` from that folder), and its findings
// are compared with the expectations written down — from the facts sheet, before the linter ran
// on them — in the folder's SOURCE.json. Only error and warning findings count: info and hints
// are what the linter says when it cannot know, which the corpus does not grade.
//
// Shared by test/unit/corpus.test.ts (fails on any unexpected error/warning or missed expected
// one) and scripts/corpus-report.ts (the precision and recall in the README).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run, type CliIO } from '../../src/cli/run';

export const CORPUS = join(__dirname, '..', 'corpus');

export interface Expected {
  rule: string;
  /** 1-based line of the key or value the rule points at. */
  line: number;
  severity: 'error' | 'warning';
  reason: string;
}

export interface SourceFile {
  path: string;
  source: string;
  expected?: Expected[];
  notes?: string;
}

export interface Source {
  repository: string;
  commit: string | null;
  license: string;
  url: string;
  files: SourceFile[];
}

export interface Actual {
  file: string;
  rule: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface RepoResult {
  dir: string;
  source: Source;
  /** Expected and found (file, rule, line). */
  matched: (Expected & { file: string })[];
  /** Expected but not found. */
  missed: (Expected & { file: string })[];
  /** Found (error or warning) but not expected. */
  unexpected: Actual[];
  /** Files listed in SOURCE.json that the folder does not hold. */
  absent: string[];
}

/** The corpus folders that carry a SOURCE.json, sorted. */
export function corpusFolders(root = CORPUS): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && existsSync(join(root, d, 'SOURCE.json')))
    .sort();
}

export function readSource(dir: string): Source {
  return JSON.parse(readFileSync(join(dir, 'SOURCE.json'), 'utf8')) as Source;
}

/** Lints one folder as a project of its own and compares with its SOURCE.json. */
export async function checkFolder(dir: string): Promise<RepoResult> {
  const source = readSource(dir);
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} };
  const code = await run(['lint', '.', '--format', 'json'], io);
  if (code === 2) throw new Error(`wi-doctor lint failed in ${dir}: ${err}`);
  const findings = (JSON.parse(out) as { findings: { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }[] }).findings;
  const actual: Actual[] = findings
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => ({ file: f.file, rule: f.ruleId, line: f.range.start.line, severity: f.severity as 'error' | 'warning', message: f.message }));
  const expected = source.files.flatMap((f) => (f.expected ?? []).map((e) => ({ ...e, file: f.path })));
  const key = (x: { file: string; rule: string; line: number }) => `${x.file}\u0000${x.rule}\u0000${x.line}`;
  const found = new Map(actual.map((a) => [key(a), a]));
  const wanted = new Set(expected.map(key));
  return {
    dir,
    source,
    matched: expected.filter((e) => found.has(key(e))),
    missed: expected.filter((e) => !found.has(key(e))),
    unexpected: actual.filter((a) => !wanted.has(key(a))),
    absent: source.files.map((f) => f.path).filter((p) => !existsSync(join(dir, p))),
  };
}

export interface Totals {
  folders: number;
  files: number;
  repositories: number;
  expected: number;
  matched: number;
  unexpected: number;
  /** Of the error/warning findings reported, the share that were expected. */
  precision: number;
  /** Of the expected findings, the share that were reported. */
  recall: number;
}

export function totals(results: readonly RepoResult[]): Totals {
  const expected = results.reduce((n, r) => n + r.matched.length + r.missed.length, 0);
  const matched = results.reduce((n, r) => n + r.matched.length, 0);
  const unexpected = results.reduce((n, r) => n + r.unexpected.length, 0);
  const reported = matched + unexpected;
  return {
    folders: results.length,
    files: results.reduce((n, r) => n + r.source.files.length, 0),
    repositories: new Set(results.map((r) => r.source.repository.toLowerCase())).size,
    expected,
    matched,
    unexpected,
    precision: reported ? matched / reported : 1,
    recall: expected ? matched / expected : 1,
  };
}

/** One line per difference, for a test failure or the report. */
export function describe(r: RepoResult): string[] {
  return [
    ...r.absent.map((p) => `  listed but absent: ${p}`),
    ...r.missed.map((m) => `  missed ${m.severity} ${m.rule} at ${m.file}:${m.line} — ${m.reason}`),
    ...r.unexpected.map((u) => `  unexpected ${u.severity} ${u.rule} at ${u.file}:${u.line} — ${u.message}`),
  ];
}
