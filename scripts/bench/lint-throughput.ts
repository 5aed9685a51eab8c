// The linter in bulk (issue 15), the part of `npm run bench -- --only lint` that judges three targets:
//
//   lint.process-ratio  `wi-doctor lint` as a process against a process that only finds, reads and
//                       parses the same files with `yaml`'s parseAllDocuments (parse-baseline.mjs),
//                       both started as `node <script> <dir>`, run in turn (A B A B …): 1,000 files of
//                       4 documents; the median of the pairwise ratios, ≤ 1.3×.
//   gitops.rules-vs-parse  the GitOps shape (generate-repo.ts: the same apps rendered once per cluster, in one
//                       namespace and one project, so every name repeats in every cluster's folder):
//                       the rules phase against the bare parse of the same files, ≤ 1.5×;
//   gitops.linear       the rules phase's cost per file at the largest size within 1.2× of that at the
//                       smallest (300 and 3,000 files by default): no lookup may grow with the copies.
//
// The shapes are generate-repo.ts's. Besides, repository-shaped corpora (4–10 documents per file, shared ServiceAccounts, Helm charts)
// linted in-process against their bare parse, phase by phase. Sizes interleave within every
// repetition, so a machine that drifts (other processes, thermal) hits every size alike; a GC is
// forced before each timed run (`--expose-gc`), never before a memory figure (none is taken here).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { parseManifestFile, type ManifestFile } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../src/lint/engine';
import { ALL_RULES } from '../../src/rules/index';
import { generateCorpus, type CorpusFile } from './generate';
import { generateGitOpsCorpus, generateRepoCorpus } from './generate-repo';
import { fmt, ROOT, stats, type Stats, type TargetVerdict } from './shared';

export interface ThroughputOptions {
  seed: number;
  reps: number;
  /** dist/cli.js, when there is one (the process ratio needs it). */
  cli?: string;
  /** The CLI's note when there is none. */
  cliNote: string;
  /** Scratch folder for the corpora the processes read. */
  work: string;
  /** Files of the process-ratio corpus (4 documents each). */
  processFiles: number;
  /** File counts of the GitOps shape; the first and the last are compared for linearity. */
  gitopsSizes: number[];
  /** File counts of the repository shape. */
  repoSizes: number[];
  /** The command line, for the verdicts. */
  command: string;
}

const gc = (globalThis as { gc?: () => void }).gc;
const rules = new RuleSet(ALL_RULES);
const ROOT_DIR = '/repo';

/** In-process phases of one full lint of a corpus (ms), as the CLI does them. */
export interface Phases {
  bare: number;
  parse: number;
  index: number;
  rules: number;
  findings: number;
}

const isHelpers = (f: CorpusFile) => f.name.endsWith('.tpl');

/** The floor: every file through parseAllDocuments, nothing kept. */
function bareParse(files: readonly CorpusFile[]): number {
  let n = 0;
  for (const f of files) if (!isHelpers(f)) n += parseAllDocuments(f.text).length;
  return n;
}

/** One bare parse and one full lint (parse, index with the project structure, every rule), each after a GC. */
function phases(files: readonly CorpusFile[]): Phases {
  gc?.();
  const t0 = performance.now();
  bareParse(files);
  const bare = performance.now() - t0;
  gc?.();
  const t1 = performance.now();
  const parsed: ManifestFile[] = [];
  for (const f of files) if (!isHelpers(f)) parsed.push(parseManifestFile(`${ROOT_DIR}/${f.name}`, f.text));
  const t2 = performance.now();
  const index = new WorkspaceIndex();
  index.setWorkspaceFolders([ROOT_DIR]);
  for (const f of files) if (isHelpers(f)) index.updateHelpers(`${ROOT_DIR}/${f.name}`, f.text);
  for (const p of parsed) index.update(p);
  index.notes(); // the project structure, read once (as the CLI does before linting)
  const t3 = performance.now();
  let findings = 0;
  for (const p of parsed) findings += lintFile(p, index, rules).length;
  const t4 = performance.now();
  return { bare, parse: t2 - t1, index: t3 - t2, rules: t4 - t3, findings };
}

export interface SizeResult {
  label: string;
  files: number;
  docs: number;
  bytes: number;
  /** Medians (ms) of each phase over the repetitions, and the findings. */
  median: Phases;
  samples: Phases[];
}

/** Every corpus measured once per repetition, in turn (after one warm-up each). */
function interleaved(corpora: { label: string; files: CorpusFile[] }[], reps: number, progress: (s: string) => void): SizeResult[] {
  for (const c of corpora) phases(c.files);
  const samples = corpora.map(() => [] as Phases[]);
  for (let r = 0; r < reps; r++) {
    corpora.forEach((c, i) => samples[i].push(phases(c.files)));
    progress('.');
  }
  return corpora.map((c, i) => {
    const s = samples[i];
    const med = (k: keyof Phases) => stats(s.map((p) => p[k])).median;
    return {
      label: c.label,
      files: c.files.filter((f) => !isHelpers(f)).length,
      docs: c.files.reduce((n, f) => n + f.docs, 0),
      bytes: c.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0),
      median: { bare: med('bare'), parse: med('parse'), index: med('index'), rules: med('rules'), findings: s[0].findings },
      samples: s,
    };
  });
}

// ---- the CLI as a process ------------------------------------------------------------

export interface ProcessRatio {
  files: number;
  docs: number;
  cli: Stats;
  baseline: Stats;
  /** Median of the pairwise ratios (CLI run i / baseline run i). */
  ratio: number;
  ratios: number[];
  cliExit: number | null;
  /** Documents the parse-only process parsed; findings the CLI reported. */
  baselineDocs: number | undefined;
  cliFindings: number | undefined;
  error?: string;
}

function writeCorpus(dir: string, files: readonly CorpusFile[]): void {
  for (const f of files) {
    const p = join(dir, f.name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
}

/** The findings of the CLI's JSON report (`{ findings: [...] }`); undefined when it is not that. */
function cliFindings(stdout: string): number | undefined {
  try {
    const json = JSON.parse(stdout) as { findings?: unknown };
    return Array.isArray(json.findings) ? json.findings.length : undefined;
  } catch {
    return undefined;
  }
}

/** The CLI and the parse-only process on the same folder, A B A B … after one warm-up each. */
export function processRatio(cli: string, dir: string, reps: number): Omit<ProcessRatio, 'files' | 'docs'> {
  const baselineScript = join(ROOT, 'scripts', 'bench', 'parse-baseline.mjs');
  const run = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
    return { ms: performance.now() - t0, r };
  };
  const cliArgs = [cli, 'lint', '.', '--format', 'json'];
  const baseArgs = [baselineScript, '.'];
  let lastCli = run(cliArgs).r;
  let lastBase = run(baseArgs).r;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    const x = run(cliArgs);
    const y = run(baseArgs);
    a.push(x.ms);
    b.push(y.ms);
    lastCli = x.r;
    lastBase = y.r;
  }
  const ratios = a.map((v, i) => v / b[i]);
  const findings = cliFindings(lastCli.stdout);
  const baselineDocs = lastBase.status === 0 ? Number(lastBase.stdout.trim()) : undefined;
  let error: string | undefined;
  if (lastCli.status !== 0 && lastCli.status !== 1) error = `wi-doctor lint exited ${lastCli.status}: ${(lastCli.stderr || '').split('\n')[0]?.slice(0, 160)}`;
  else if (lastBase.status !== 0) error = `the parse-only process exited ${lastBase.status}: ${(lastBase.stderr || '').split('\n')[0]?.slice(0, 160)}`;
  else if (findings === undefined) error = 'the CLI printed no JSON report of findings';
  return { cli: stats(a), baseline: stats(b), ratio: stats(ratios).median, ratios, cliExit: lastCli.status, baselineDocs, cliFindings: findings, error };
}

// ---- the suite -------------------------------------------------------------------------

export interface ThroughputResult {
  repo: SizeResult[];
  gitops: SizeResult[];
  process?: ProcessRatio;
  targets: TargetVerdict[];
  markdown: string[];
}

export const rulesVsParse = (r: SizeResult) => r.median.rules / r.median.bare;
export const perFile = (r: SizeResult) => r.median.rules / r.files;

export function throughputSuite(o: ThroughputOptions): ThroughputResult {
  const progress = (s: string) => process.stdout.write(s);
  const targets: TargetVerdict[] = [];

  // 1. The CLI as a process against the parse-only process.
  let proc: ProcessRatio | undefined;
  const flat = generateCorpus(o.processFiles * 4, o.seed, 4);
  if (o.cli) {
    const dir = join(o.work, 'process');
    writeCorpus(dir, flat);
    progress(`process ratio: ${fmt(flat.length)} files × 4 documents, wi-doctor lint and the parse-only process in turn`);
    proc = { files: flat.length, docs: o.processFiles * 4, ...processRatio(o.cli, dir, o.reps) };
    if (!proc.error && proc.baselineDocs !== proc.docs) proc.error = `the parse-only process parsed ${proc.baselineDocs} documents, not ${proc.docs}`;
    progress('\n');
  }
  targets.push({
    id: 'lint.process-ratio',
    what: `\`wi-doctor lint\` as a process / a process that only parses the same files (${fmt(o.processFiles)} files × 4 documents)`,
    measured: proc ? (proc.error ? `failed: ${proc.error}` : `${fmt(proc.ratio, 2)}× (${fmt(proc.cli.median)} ms / ${fmt(proc.baseline.median)} ms)`) : `not measured (${o.cliNote})`,
    target: '≤ 1.3×',
    pass: !!proc && !proc.error && proc.ratio <= 1.3,
    command: o.command,
  });

  // 2. The GitOps shape, sizes interleaved.
  progress(`GitOps shape: ${o.gitopsSizes.map((n) => fmt(n)).join(', ')} files`);
  const gitops = interleaved(o.gitopsSizes.map((n) => ({ label: `${fmt(n)} files`, files: generateGitOpsCorpus(n, o.seed) })), Math.min(o.reps, 3), progress);
  progress('\n');
  const largest = gitops[gitops.length - 1];
  const smallest = gitops[0];
  targets.push({
    id: 'gitops.rules-vs-parse',
    what: `GitOps shape (${fmt(largest.files)} files, names repeated per cluster): rules phase / bare parse`,
    measured: `${fmt(rulesVsParse(largest), 2)}× (${fmt(largest.median.rules)} ms / ${fmt(largest.median.bare)} ms)`,
    target: '≤ 1.5×',
    pass: gitops.every((g) => rulesVsParse(g) <= 1.5),
    command: o.command,
  });
  const linear = perFile(largest) / perFile(smallest);
  targets.push({
    id: 'gitops.linear',
    what: `GitOps shape: rules phase per file at ${fmt(largest.files)} files / at ${fmt(smallest.files)} files`,
    measured: `${fmt(linear, 2)}× (${fmt(perFile(largest), 3)} / ${fmt(perFile(smallest), 3)} ms per file)`,
    target: '≤ 1.2×',
    pass: gitops.length > 1 && linear <= 1.2,
    command: o.command,
  });

  // 3. Repository-shaped corpora.
  progress(`repository shape: ${o.repoSizes.map((n) => fmt(n)).join(', ')} files`);
  const repo = interleaved(o.repoSizes.map((n) => ({ label: `${fmt(n)} files`, files: generateRepoCorpus(n, o.seed) })), o.reps, progress);
  progress('\n');

  return { repo, gitops, process: proc, targets, markdown: markdown(o, repo, gitops, proc) };
}

function phaseRow(r: SizeResult): string {
  const m = r.median;
  const lint = m.parse + m.index + m.rules;
  return `| ${r.label} | ${fmt(r.docs)} | ${fmt(m.bare)} ms | ${fmt(m.parse)} ms | ${fmt(m.index)} ms | ${fmt(m.rules)} ms | ${fmt(lint / m.bare, 2)}× | ${fmt(rulesVsParse(r), 2)}× | ${fmt(perFile(r), 3)} ms | ${fmt(m.findings)} |`;
}

function markdown(o: ThroughputOptions, repo: SizeResult[], gitops: SizeResult[], proc: ProcessRatio | undefined): string[] {
  const out: string[] = [];
  out.push('**The CLI as a process** — `wi-doctor lint . --format json` against a process that only finds, reads and parses the same files with `yaml`\'s `parseAllDocuments` (`scripts/bench/parse-baseline.mjs`), both started as `node <script>` in the corpus folder, run in turn after a warm-up each:', '');
  if (proc) {
    out.push('| corpus | `wi-doctor lint` | parse only | ratio (median of pairs) | pairs |');
    out.push('| --- | ---: | ---: | ---: | --- |');
    out.push(`| ${fmt(proc.files)} files × 4 documents | ${fmt(proc.cli.median)} ms | ${fmt(proc.baseline.median)} ms | ${fmt(proc.ratio, 2)}× | ${proc.ratios.map((r) => fmt(r, 2)).join(', ')} |`);
    if (proc.error) out.push('', `The run failed: ${proc.error}.`);
  } else out.push(`Not measured: ${o.cliNote}.`);
  out.push('');
  const head = ['| corpus | documents | bare parse | parse | index | rules | lint / parse | rules / parse | rules per file | findings |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  out.push('**GitOps shape** — the same 30 apps rendered once per cluster (`clusters/<cluster>/<app>.yaml`, 4–6 documents each) in one namespace and one project, so every ServiceAccount and workload name repeats once per cluster; in-process, sizes in turn, median of the runs:', '', ...head);
  for (const g of gitops) out.push(phaseRow(g));
  out.push('');
  out.push('**Repository shape** — apps in folders per namespace, 4–10 documents per file, a third of the apps sharing a ServiceAccount, every 25th app a Helm chart (Chart.yaml, values.yaml, helpers, three templates):', '', ...head);
  for (const r of repo) out.push(phaseRow(r));
  return out;
}
