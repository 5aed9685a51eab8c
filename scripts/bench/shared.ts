// What both benchmarks (lint: main.ts, live diagnosis: diagnose.ts) need: sample statistics,
// number formatting, and a CLI bundle that is never older than the sources it measures.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';

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

/** Writes bench/results/<name> (pretty JSON); returns its path relative to the project. */
export function writeResults(name: string, json: unknown): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify(json, null, 2) + '\n');
  return `bench/results/${name}`;
}
