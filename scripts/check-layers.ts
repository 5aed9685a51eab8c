// Keeps the architecture of src/ what CONTRIBUTING.md draws: no import cycle between files, no
// cycle between folders (the folders of src/, and the subfolders inside any folder), every import
// allowed by the layers table below, `vscode` only in the editor, and no source file over 500 lines. Every import counts: static, type-only
// (`import type`, `import('x').T`), `export ... from`, dynamic `import()` and `require()` — a
// cycle of types is still a cycle between modules. Imports are resolved by the TypeScript
// compiler, as tsc and esbuild see them.
//
//   npx tsx scripts/check-layers.ts          fail (exit 1) on any problem, naming the files and the chain
//   npx tsx scripts/check-layers.ts --graph  also print which folder imports which (to update the table)
//
// test/unit/layers.test.ts runs it, so `npm test` enforces it.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layers, as CONTRIBUTING.md draws them: each folder of src/ (and each file directly in src/)
 * with the folders right below it. A folder may import its own files and every folder it reaches
 * down these arrows (tree → render → checkpoints → azure → cluster → util: tree may import
 * cluster), nothing else. A folder that is not in this table is a violation: a new folder must say
 * where it sits. The arrows must not form a cycle.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  util: [],
  consumers: ['util'],
  manifests: ['consumers'],
  rules: ['manifests'],
  lint: ['rules'],
  cluster: ['util'],
  azure: ['cluster'],
  checkpoints: ['azure', 'manifests'],
  render: ['checkpoints', 'rules'],
  tree: ['render'],
  cli: ['tree', 'lint'],
  editor: ['tree', 'lint'],
  'extension.ts': ['editor'],
};

/** Packages only some layers may import (a package name; `@scope/*` covers a scope). */
export const PACKAGES: Readonly<Record<string, readonly string[]>> = {
  // The core runs in plain Node (the CLI, the unit tests): only the VS Code adapters see VS Code.
  vscode: ['editor', 'extension.ts'],
  // Bundled apart (dist/azure.js, dist/kube.js) and loaded on first use: the rest reaches them
  // through src/azure and src/cluster (the editor's sign-in hands @azure/core-auth credentials over).
  '@azure/*': ['azure', 'editor'],
  '@kubernetes/client-node': ['cluster'],
};

export const MAX_LINES = 500;

export interface Options {
  layers?: Readonly<Record<string, readonly string[]>>;
  packages?: Readonly<Record<string, readonly string[]>>;
  maxLines?: number;
}

/** One resolved import: `from` imports `to` (both paths relative to the project root, `/`-separated). */
export interface Edge {
  from: string;
  to: string;
  /** The specifier as written, and its line. */
  specifier: string;
  line: number;
}

export interface Graph {
  files: string[];
  /** Imports of files under src/, by importing file. */
  internal: Map<string, Edge[]>;
  /** Imports of packages (and of anything outside src/), by importing file. */
  external: Map<string, { specifier: string; line: number }[]>;
  lines: Map<string, number>;
}

const posix = (p: string) => p.split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return sourceFiles(p);
      return /\.(ts|tsx|mts|cts)$/.test(n) ? [p] : [];
    });
}

/** Every module specifier a file names: imports, `export from`, `import type`, `import('x')` (value or type), `require('x')`. */
export function specifiersOf(file: ts.SourceFile): { specifier: string; line: number }[] {
  const out: { specifier: string; line: number }[] = [];
  const add = (lit: ts.Node | undefined) => {
    if (lit && ts.isStringLiteralLike(lit)) out.push({ specifier: lit.text, line: file.getLineAndCharacterOfPosition(lit.getStart(file)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')))
      add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const fallback: ts.CompilerOptions = { module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true };
  // No tsconfig.json (a synthetic tree in the tests): the project's own resolution settings.
  if (!existsSync(configPath)) return fallback;
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
}

/** Reads src/ under `root` and resolves every import with the compiler's module resolution. */
export function buildGraph(root: string): Graph {
  root = resolve(root);
  const src = join(root, 'src');
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(root, (f) => host.getCanonicalFileName(f), options);
  const files = sourceFiles(src).map((f) => posix(relative(root, f)));
  const known = new Set(files);
  const graph: Graph = { files, internal: new Map(), external: new Map(), lines: new Map() };
  for (const f of files) {
    const abs = join(root, f);
    const text = readFileSync(abs, 'utf8');
    graph.lines.set(f, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, false);
    const internal: Edge[] = [];
    const external: { specifier: string; line: number }[] = [];
    for (const { specifier, line } of specifiersOf(sf)) {
      const resolved = ts.resolveModuleName(specifier, abs, options, host, cache).resolvedModule;
      const target = resolved && !resolved.isExternalLibraryImport ? posix(relative(root, resolved.resolvedFileName)) : undefined;
      if (target && known.has(target)) internal.push({ from: f, to: target, specifier, line });
      else if (specifier.startsWith('.')) {
        // A relative import that leaves src/ (or does not resolve): not ours to layer, but an unresolved one is a mistake tsc reports.
        if (target?.startsWith('src/')) internal.push({ from: f, to: target, specifier, line });
      } else external.push({ specifier, line });
    }
    graph.internal.set(f, internal);
    graph.external.set(f, external);
  }
  return graph;
}

/** The layer a file of src/ belongs to: its top folder, or its own name for a file directly in src/ (`extension.ts`). */
export function layerOf(file: string): string {
  return file.split('/')[1]!;
}

/**
 * Where an import crosses folders: the deepest folder holding both files, and the child of that
 * folder each sits in (`name/` for a subfolder, the file's name for a file directly in it).
 * Undefined when both files are in the same folder.
 */
export function siblingsOf(from: string, to: string): [string, string, string] | [undefined] {
  const a = from.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
  if (i === a.length - 1 && i === b.length - 1) return [undefined];
  const unit = (parts: string[]) => (i < parts.length - 1 ? `${parts[i]}/` : parts[i]!);
  return [a.slice(0, i).join('/'), unit(a), unit(b)];
}

/** Strongly connected components (Tarjan), each as its members in first-seen order; only those with a cycle. */
function cycles(nodes: string[], next: (n: string) => string[]): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || next(v).includes(v)) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);
  return out;
}

/** The shortest cycle through `start` inside a component: start → … → start. */
function shortestCycle(start: string, members: Set<string>, next: (n: string) => string[]): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of next(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** What each layer may import: every layer its arrows reach, nearest first. */
export function reachable(layers: Readonly<Record<string, readonly string[]>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const start of Object.keys(layers)) {
    const seen = new Set<string>();
    const queue = [...(layers[start] ?? [])];
    while (queue.length) {
      const l = queue.shift()!;
      if (seen.has(l) || l === start) continue;
      seen.add(l);
      queue.push(...(layers[l] ?? []));
    }
    out.set(start, seen);
  }
  return out;
}

/** The table itself: no cycle among its arrows, no row or arrow naming a folder src/ does not have. */
function tableProblems(layers: Readonly<Record<string, readonly string[]>>, folders: string[]): string[] {
  const problems: string[] = [];
  const present = new Set(folders);
  for (const [l, below] of Object.entries(layers)) {
    for (const name of [l, ...below]) {
      if (!present.has(name)) problems.push(`the layers table names src/${name}, which src/ does not have: update LAYERS in scripts/check-layers.ts and CONTRIBUTING.md`);
    }
  }
  const next = (l: string) => [...(layers[l] ?? [])];
  for (const comp of cycles(Object.keys(layers).sort(), next)) {
    problems.push(`the layers table has a cycle: ${shortestCycle(comp[0]!, new Set(comp), next).join(' → ')}`);
  }
  return [...new Set(problems)];
}

function allowedPackage(specifier: string, layer: string, packages: Readonly<Record<string, readonly string[]>>): string | undefined {
  for (const [pkg, layers] of Object.entries(packages)) {
    const matches = pkg.endsWith('/*') ? specifier.startsWith(pkg.slice(0, -1)) : specifier === pkg || specifier.startsWith(`${pkg}/`);
    if (matches && !layers.includes(layer)) return pkg;
  }
  return undefined;
}

/** Every problem, one sentence each naming the files (and the chain, for a cycle). Empty when the tree is clean. */
export function checkLayers(root: string, opts: Options = {}): string[] {
  const layers = opts.layers ?? LAYERS;
  const packages = opts.packages ?? PACKAGES;
  const maxLines = opts.maxLines ?? MAX_LINES;
  const g = buildGraph(root);
  const problems: string[] = [];
  const firstEdge = (from: string, to: string) => g.internal.get(from)!.find((e) => e.to === to)!;

  // (a) cycles between files
  const fileNext = (f: string) => [...new Set((g.internal.get(f) ?? []).map((e) => e.to))];
  for (const comp of cycles(g.files, fileNext)) {
    const chain = shortestCycle(comp[0]!, new Set(comp), fileNext);
    const others = comp.length > chain.length - 1 ? ` (the cycle joins ${comp.length} files: ${comp.join(', ')})` : '';
    problems.push(`import cycle between files: ${chain.join(' → ')}${others}`);
  }

  // (b) cycles between folders, at every depth: inside each folder, between its subfolders (and
  // the files directly in it), by which file of one imports which file of another
  const folders = [...new Set(g.files.map(layerOf))].sort();
  const unitEdges = new Map<string, Map<string, Map<string, Edge>>>();
  for (const f of g.files) {
    for (const e of g.internal.get(f)!) {
      const [parent, a, b] = siblingsOf(e.from, e.to);
      if (!parent) continue;
      const level = unitEdges.get(parent) ?? new Map<string, Map<string, Edge>>();
      const m = level.get(a!) ?? new Map<string, Edge>();
      if (!m.has(b!)) m.set(b!, e);
      level.set(a!, m);
      unitEdges.set(parent, level);
    }
  }
  for (const [parent, level] of [...unitEdges].sort(([x], [y]) => x.localeCompare(y))) {
    const next = (u: string) => [...(level.get(u)?.keys() ?? [])].sort();
    const units = [...new Set([...level.keys(), ...[...level.values()].flatMap((m) => [...m.keys()])])].sort();
    for (const comp of cycles(units, next)) {
      // Cycles made of files alone are reported above, between files.
      if (comp.every((u) => !u.endsWith('/'))) continue;
      const chain = shortestCycle(comp[0]!, new Set(comp), next);
      const why = chain.slice(0, -1).map((a, i) => {
        const e = level.get(a)!.get(chain[i + 1]!)!;
        return `${e.from}:${e.line} imports ${e.to}`;
      });
      problems.push(`import cycle between folders: ${chain.map((u) => `${parent}/${u}`).join(' → ')} (${why.join('; ')})`);
    }
  }

  // (c) the layers table, and packages only some layers may use
  problems.push(...tableProblems(layers, folders));
  const reach = reachable(layers);
  for (const folder of folders) {
    if (!(folder in layers)) problems.push(`src/${folder} is not in the layers table (LAYERS in scripts/check-layers.ts): add it with the folders right below it, and to the picture in CONTRIBUTING.md`);
  }
  for (const f of g.files) {
    const layer = layerOf(f);
    const allowed = reach.get(layer);
    for (const to of fileNext(f)) {
      const target = layerOf(to);
      if (target === layer || !allowed || allowed.has(target)) continue;
      const e = firstEdge(f, to);
      problems.push(`layer violation: ${f}:${e.line} imports ${to}, but ${layer} may only import ${allowed.size ? [...allowed].join(', ') : 'nothing of src/'}`);
    }
    for (const { specifier, line } of g.external.get(f)!) {
      const pkg = allowedPackage(specifier, layer, packages);
      if (pkg) problems.push(`layer violation: ${f}:${line} imports '${specifier}', which only ${packages[pkg]!.join(', ')} may import`);
    }
  }

  // (d) file size
  for (const f of g.files) {
    const n = g.lines.get(f)!;
    if (n > maxLines) problems.push(`${f} has ${n} lines, over ${maxLines}: it probably does two jobs; split it`);
  }
  return problems;
}

/** Which folder imports which, for updating the table: `from → to (n files)`. */
export function folderGraph(root: string): string[] {
  const g = buildGraph(root);
  const count = new Map<string, number>();
  for (const f of g.files) for (const e of g.internal.get(f)!) {
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (a !== b) count.set(`${a} → ${b}`, (count.get(`${a} → ${b}`) ?? 0) + 1);
  }
  return [...count].sort().map(([k, n]) => `${k} (${n} imports)`);
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  if (process.argv.includes('--graph')) for (const l of folderGraph(root)) console.log(l);
  const problems = checkLayers(root);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`\ncheck-layers: ${problems.length} problem(s); the layers are drawn in CONTRIBUTING.md`);
    process.exit(1);
  }
  console.log('check-layers: no import cycle between files or folders, every import within its layer, no file over 500 lines');
}
