// Turns the CLI's path arguments into the list of files to lint: a file is taken
// as given, a directory is walked for *.yaml / *.yml (skipping node_modules, .git
// and dot-folders), anything else with glob characters is matched with minimatch
// against paths relative to the current directory. Every problem the user can fix
// (a missing path, an unreadable folder, a glob matching nothing) is an InputError
// with a one-line message naming the argument; the CLI exits 2 on it.

import { promises as fs, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';

export class InputError extends Error {}

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['node_modules']);

/** `path` relative to `cwd`, with forward slashes: how files are shown and matched. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** A short reason for a file system error, e.g. "no such file or directory". */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return (e as Error | null)?.message ?? String(e);
  }
}

function skipDir(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith('.');
}

function hasGlobMagic(arg: string): boolean {
  return /[*?[\]{}]/.test(arg) || /(^|[^\\])[!+@]\(/.test(arg);
}

export interface ExpandOptions {
  cwd: string;
  /** Relative path (forward slashes) -> excluded. */
  isExcluded?: (relativePath: string) => boolean;
}

/**
 * Expands path arguments (files, directories, globs) into absolute file paths,
 * deduplicated and sorted. No argument means the current directory.
 */
export async function expandInputs(args: readonly string[], options: ExpandOptions): Promise<string[]> {
  const { cwd } = options;
  const excluded = options.isExcluded ?? (() => false);
  const found = new Set<string>();
  for (const arg of args.length ? args : ['.']) {
    const abs = path.resolve(cwd, arg);
    let stat: Stats;
    try {
      stat = await fs.stat(abs);
    } catch (e) {
      // A name that does not exist but looks like a glob is a glob.
      if (hasGlobMagic(arg) && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        const matches = await expandGlob(arg, cwd, excluded);
        if (matches.length === 0) throw new InputError(`no files match the pattern "${arg}"`);
        for (const m of matches) found.add(m);
        continue;
      }
      throw new InputError(`cannot read ${arg}: ${describeFsError(e)}`);
    }
    if (stat.isDirectory()) {
      for (const f of await walk(abs, cwd, excluded, arg)) found.add(f);
    } else if (!excluded(displayPath(abs, cwd))) {
      found.add(abs);
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every *.yaml / *.yml below `dir`, pruning skipped and excluded folders. */
async function walk(dir: string, cwd: string, excluded: (rel: string) => boolean, arg: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch (e) {
      throw new InputError(`cannot read ${d === dir ? arg : displayPath(d, cwd)}: ${describeFsError(e)}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(d, e.name);
      const rel = displayPath(p, cwd);
      if (excluded(rel)) continue;
      if (e.isDirectory()) {
        // Symbolic links to folders are not followed (no cycles, no escaping the tree).
        if (!skipDir(e.name)) await visit(p);
      } else if (YAML_FILE.test(e.name) && (e.isFile() || (e.isSymbolicLink() && (await isFile(p))))) {
        out.push(p);
      }
    }
  };
  await visit(dir);
  return out;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false; // a dangling link in a folder is not an argument the user gave: skip it
  }
}

/**
 * Files matching a glob. The walk starts at the pattern's literal prefix (`k8s/`
 * for `k8s/**\/*.yaml`) and, like a directory walk, skips node_modules and
 * dot-folders unless the pattern itself names them.
 */
async function expandGlob(pattern: string, cwd: string, excluded: (rel: string) => boolean): Promise<string[]> {
  const glob = (path.sep === '\\' ? pattern.replace(/\\/g, '/') : pattern).replace(/^\.\//, '');
  const absolute = path.isAbsolute(pattern);
  const parts = glob.split('/');
  const literal: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (hasGlobMagic(part)) break;
    literal.push(part);
  }
  const base = path.resolve(cwd, literal.join('/') || (absolute ? '/' : '.'));
  const mm = new minimatch.Minimatch(glob, { dot: true });
  const allowDir = (name: string): boolean => !skipDir(name) || glob.includes(name);
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (d === base && (code === 'ENOENT' || code === 'ENOTDIR')) return; // no match, reported by the caller
      throw new InputError(`cannot read ${displayPath(d, cwd)} (while expanding "${pattern}"): ${describeFsError(e)}`);
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      const rel = displayPath(p, cwd);
      const subject = absolute ? p.split(path.sep).join('/') : rel;
      if (excluded(rel)) continue;
      if (e.isDirectory()) {
        if (allowDir(e.name) && mm.match(subject, true)) await visit(p);
      } else if ((e.isFile() || (e.isSymbolicLink() && (await isFile(p)))) && mm.match(subject)) {
        out.push(p);
      }
    }
  };
  await visit(base);
  return out;
}
