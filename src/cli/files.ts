// Turns the CLI's path arguments into the list of files to lint: a file is taken
// as given, a directory is walked for *.yaml / *.yml, `Kustomization` files and Helm
// helpers (*.tpl) (skipping node_modules, .git and dot-folders), anything else with
// glob characters is matched with minimatch against paths relative to the current
// directory. Every problem the user can fix (a missing path, an unreadable folder, a
// glob matching nothing) is an InputError with a one-line message naming the argument;
// the CLI exits 2 on it.
//
// `contextFiles` then finds what those files need to be understood but were not given:
// the Chart.yaml, values.yaml and helpers of the chart a template belongs to, the
// kustomizations above a folder, and the bases and patches a kustomization names.

import { promises as fs, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { parseManifestFile } from '../manifests/document';
import { KUSTOMIZATION_NAMES, readKustomization } from '../manifests/kustomize';
import { MAX_CONTEXT_FILE_BYTES, MAX_LINT_FILE_BYTES } from '../lint/limits';
import { NotLintable, readTextFile, type FileText } from './read-input';

export class InputError extends Error {}

const YAML_FILE = /\.ya?ml$/i;

/** A file the linter reads: YAML, a `Kustomization` file without extension, or Helm helpers. */
function isInputFile(name: string): boolean {
  return YAML_FILE.test(name) || name === 'Kustomization' || /\.tpl$/i.test(name);
}
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

/** Every input file below `dir` (see `isInputFile`), pruning skipped and excluded folders. */
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
      } else if (isInputFile(e.name) && (e.isFile() || (e.isSymbolicLink() && (await isFile(p))))) {
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
  const { glob, absolute, base } = globBase(pattern, cwd);
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

/** A glob in forward-slash form, and the folder its literal prefix names (where its walk starts). */
function globBase(pattern: string, cwd: string): { glob: string; absolute: boolean; base: string } {
  const glob = (path.sep === '\\' ? pattern.replace(/\\/g, '/') : pattern).replace(/^\.\//, '');
  const absolute = path.isAbsolute(pattern);
  const literal: string[] = [];
  for (const part of glob.split('/').slice(0, -1)) {
    if (hasGlobMagic(part)) break;
    literal.push(part);
  }
  return { glob, absolute, base: path.resolve(cwd, literal.join('/') || (absolute ? '/' : '.')) };
}

/**
 * The folders the arguments name, resolved with realpath: a directory argument itself, a
 * file argument's folder (the folder the link is in, for a symbolic link), a glob's
 * literal prefix; the current directory when there is no argument. `lint --fix` writes only
 * below these (src/cli/write-fix.ts). Call after expandInputs (which reports bad arguments).
 */
export async function inputRoots(args: readonly string[], cwd: string): Promise<string[]> {
  const roots = new Set<string>();
  for (const arg of args.length ? args : ['.']) {
    const abs = path.resolve(cwd, arg);
    let folder: string;
    try {
      folder = (await fs.stat(abs)).isDirectory() ? abs : path.dirname(abs);
    } catch {
      folder = globBase(arg, cwd).base;
    }
    try {
      roots.add(await fs.realpath(folder));
    } catch {
      // a glob's base that does not exist matched nothing: no root needed
    }
  }
  return [...roots].sort();
}

/**
 * Reads the files to lint (see readTextFile). A file that cannot be read or linted is an
 * InputError (exit 2) naming it, whether it was given by name, found in a folder or matched
 * by a glob: a file left out would pass unchecked. (A FIFO or device in a folder is never
 * found: walks take regular files only.)
 */
export function readInputs(files: readonly string[], cwd: string): Map<string, FileText> {
  const out = new Map<string, FileText>();
  for (const file of files) {
    try {
      out.set(file, readTextFile(file, MAX_LINT_FILE_BYTES));
    } catch (e) {
      if (e instanceof NotLintable) throw new InputError(`cannot lint ${displayPath(file, cwd)}: ${e.reason}${e.why === 'size' ? '; --exclude skips it' : ''}`);
      throw new InputError(`cannot read ${displayPath(file, cwd)}: ${describeFsError(e)}`);
    }
  }
  return out;
}

/** Context files above this many are not read (a generated tree); a note says so. */
const MAX_CONTEXT_FILES = 5000;
const ANCESTOR_LEVELS = 12;

async function exists(p: string): Promise<'file' | 'dir' | undefined> {
  try {
    const st = await fs.stat(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** A context file's text (at most MAX_CONTEXT_FILE_BYTES, the editor's index limit too), or a note saying why not. */
async function readSmall(p: string, notes: string[], cwd: string): Promise<string | undefined> {
  try {
    return readTextFile(p, MAX_CONTEXT_FILE_BYTES).text;
  } catch (e) {
    notes.push(`${displayPath(p, cwd)}: ${e instanceof NotLintable ? e.reason : describeFsError(e)}; skipped`);
    return undefined;
  }
}

/** The .tpl helpers below a chart's templates folder. */
async function helpersOf(chartDir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return; // a chart without templates/ has no helpers
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !skipDir(e.name) && depth < 8) await visit(p, depth + 1);
      else if (e.isFile() && /\.tpl$/i.test(e.name)) out.push(p);
    }
  };
  await visit(path.join(chartDir, 'templates'), 0);
  return out;
}

/**
 * The files that the given ones need to be understood, and were not given: for every
 * folder of a given file and its ancestors (up to the repository's root, a folder with
 * `.git`), a Chart.yaml with its values.yaml and helpers, and a kustomization; then, for
 * every kustomization, what it names (resources, components, patches), recursively.
 * Returns absolute paths with their texts, and notes on what could not be read.
 */
export async function contextFiles(given: readonly string[], cwd: string): Promise<{ files: Map<string, string>; notes: string[] }> {
  const have = new Set(given);
  const files = new Map<string, string>();
  const notes: string[] = [];
  const queue: string[] = [];
  let full = false;
  const add = async (p: string): Promise<void> => {
    if (have.has(p) || files.has(p) || full) return;
    if (files.size >= MAX_CONTEXT_FILES) {
      full = true;
      notes.push(`more than ${MAX_CONTEXT_FILES} files would be read for context; the rest is skipped`);
      return;
    }
    const text = await readSmall(p, notes, cwd);
    if (text === undefined) return;
    files.set(p, text);
    queue.push(p);
  };
  const folders = new Set<string>();
  for (const f of given) {
    let d = path.dirname(f);
    for (let i = 0; i < ANCESTOR_LEVELS && !folders.has(d); i++) {
      folders.add(d);
      if ((await exists(path.join(d, '.git'))) || path.dirname(d) === d) break;
      d = path.dirname(d);
    }
  }
  for (const d of [...folders].sort()) {
    if ((await exists(path.join(d, 'Chart.yaml'))) === 'file') {
      await add(path.join(d, 'Chart.yaml'));
      for (const v of ['values.yaml', 'values.yml']) if ((await exists(path.join(d, v))) === 'file') await add(path.join(d, v));
      for (const h of await helpersOf(d)) await add(h);
    }
    for (const k of KUSTOMIZATION_NAMES) if ((await exists(path.join(d, k))) === 'file') await add(path.join(d, k));
  }
  // Follow kustomizations (given or found) to what they name.
  for (const f of given) if ((KUSTOMIZATION_NAMES as readonly string[]).includes(path.basename(f))) queue.push(f);
  const followed = new Set<string>();
  while (queue.length && !full) {
    const f = queue.shift()!;
    if (followed.has(f) || !(KUSTOMIZATION_NAMES as readonly string[]).includes(path.basename(f))) continue;
    followed.add(f);
    const text = files.get(f) ?? (await readSmall(f, notes, cwd));
    if (text === undefined) continue;
    const k = readKustomization(parseManifestFile(f, text));
    if (!k) continue;
    const targets = [...k.resources.map((r) => r.path), ...k.patches.map((p) => p.path)].filter((p): p is string => p !== undefined).map((p) => path.resolve(p));
    for (const t of targets) {
      const kind = await exists(t);
      if (kind === 'file') await add(t);
      else if (kind === 'dir') {
        for (const name of KUSTOMIZATION_NAMES) {
          const kf = path.join(t, name);
          if ((await exists(kf)) === 'file') {
            if (have.has(kf)) queue.push(kf);
            else await add(kf);
            break;
          }
        }
      }
      // A missing target is the index's note (it knows which kustomization names it).
    }
  }
  return { files, notes };
}
