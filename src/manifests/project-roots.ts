// Which project each file belongs to, and how it reaches a cluster. A monorepo holds
// independent apps: a workload must be matched with a ServiceAccount of its own app, not
// with a same-named one of another. The rules (docs/helm-and-kustomize.md has the prose):
//
//   - A file that a Kustomize build takes in (through `resources`, nested kustomizations
//     and `components`) belongs to that build: its project is the folder of the top
//     kustomization (the overlay). A file two overlays build has two contexts.
//   - Otherwise its project is its nearest root: the nearest folder above it holding a
//     kustomization or a Chart.yaml (a subchart belongs to the chart above it), else the
//     workspace folder holding it (the CLI's current directory), else the whole input.
//     In a chart, only `templates/` and `crds/` are the chart's: a folder Helm does not
//     render with it (tests/, ci/, rendered snapshots) is a project of its own.
//   - A patch file (named by `patches` & co.) is no object of its own: it is linted as part
//     of the objects it patches.
//
// Recomputed as a whole when a kustomization, a chart's Chart.yaml / values.yaml / .tpl,
// or a patch changes — rare next to edits of manifests, which reuse the result.

import type { YAMLSeq } from 'yaml';
import type { ManifestDoc, ManifestFile } from './document';
import { hostOf, registerTree } from './document';
import { parseDefines, readChartYaml, readValues, type ChartInfo } from './chart-info';
import { getString } from './nodes';
import { expandBuilds, isKustomizationFile, readKustomization, type Kustomization } from './kustomize';
import { ancestors, basename, dirname, isWithin, resolvePath, shortPath } from './paths';
import { patchMaps, patchOps, type FileContext, type ResolvedPatch } from './views';

export type FileRole = 'kustomization' | 'chart' | 'values' | 'helpers' | 'manifest';

export function fileRole(key: string): FileRole {
  const name = basename(key);
  if (isKustomizationFile(key)) return 'kustomization';
  if (name === 'Chart.yaml') return 'chart';
  if (name === 'values.yaml' || name === 'values.yml') return 'values';
  if (/\.tpl$/i.test(name)) return 'helpers';
  return 'manifest';
}

export interface StructureFile {
  readonly key: string;
  readonly parsed?: ManifestFile;
  /** The text of a helpers (.tpl) file. */
  readonly text?: string;
}

export interface Structure {
  /** How a file (by path key) reaches a cluster; [] for a file that is only a patch. */
  contexts(key: string): readonly FileContext[];
  /** Every path a kustomization names: a file appearing or vanishing there changes the structure. */
  readonly referenced: ReadonlySet<string>;
  readonly patchFiles: ReadonlySet<string>;
  readonly chartRoots: ReadonlySet<string>;
  /** The patches each document holds (a patch file's, or a kustomization's inline ones), for telling which patched nothing. */
  readonly patchesIn: ReadonlyMap<ManifestDoc, readonly ResolvedPatch[]>;
  /** Path key -> problems worth a note (a missing resource, a cycle, a malformed Chart.yaml). */
  readonly notes: ReadonlyMap<string, readonly string[]>;
}

let serials = 0;

/** The folder a file falls back to: the longest workspace folder holding it, else '' (everything given). */
function workspaceFolderOf(key: string, folders: readonly string[]): string {
  let best = '';
  for (const f of folders) if (isWithin(key, f) && f.length > best.length) best = f;
  return best;
}

export function scopeLabel(kind: 'kustomization' | 'chart' | 'folder', dir: string, folders: readonly string[]): string {
  const base = workspaceFolderOf(dir, folders);
  if (kind === 'folder' && dir === base) return 'the workspace folder';
  return `${kind} ${shortPath(dir, base)}`;
}

export function computeStructure(files: readonly StructureFile[], folders: readonly string[], previous?: Map<string, FileContext>): { structure: Structure; plainContexts: Map<string, FileContext> } {
  const byKey = new Map(files.map((f) => [f.key, f]));
  const notes = new Map<string, string[]>();
  const noteOn = (key: string, msg: string) => {
    const list = notes.get(key) ?? [];
    if (!list.includes(msg)) list.push(msg);
    notes.set(key, list);
  };

  // Kustomizations; their documents' nodes are registered so findings on their labels point there.
  const kustomizations = new Map<string, Kustomization>();
  const kustDirs = new Map<string, Kustomization>();
  for (const f of files) {
    if (fileRole(f.key) !== 'kustomization' || !f.parsed) continue;
    const k = readKustomization(f.parsed);
    if (!k) continue;
    registerDoc(k.doc);
    kustomizations.set(k.path, k);
    // Two kustomization files in one folder: kustomize refuses; the first (sorted) one is used here.
    if (!kustDirs.has(k.dir)) kustDirs.set(k.dir, k);
    else noteOn(k.path, `${basename(kustDirs.get(k.dir)!.path)} is in the same folder; kustomize refuses two kustomization files, the linter reads that one`);
  }

  // Charts: every folder with a Chart.yaml; defines are shared by a chart and its subcharts.
  const chartDirs = new Set<string>();
  for (const f of files) if (fileRole(f.key) === 'chart') chartDirs.add(dirname(f.key));
  const topChart = (dir: string): string => {
    let top = dir;
    for (const a of ancestors(dir)) if (chartDirs.has(a)) top = a;
    return top;
  };
  const defines = new Map<string, Map<string, string>>();
  for (const f of [...files].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    if (fileRole(f.key) !== 'helpers' || f.text === undefined) continue;
    // Helm loads helpers from a chart's templates/ only.
    const chart = ancestors(f.key).find((a) => chartDirs.has(a));
    if (chart === undefined || !isWithin(f.key, resolvePath(chart, 'templates'))) continue;
    const top = topChart(chart);
    const map = defines.get(top) ?? new Map<string, string>();
    for (const [name, body] of parseDefines(f.text)) if (!map.has(name)) map.set(name, body);
    defines.set(top, map);
  }
  const charts = new Map<string, ChartInfo>();
  for (const dir of chartDirs) {
    const chartFile = byKey.get(resolvePath(dir, 'Chart.yaml'));
    const meta = chartFile?.parsed ? readChartYaml(chartFile.parsed.text) : {};
    if (meta.problem) noteOn(chartFile!.key, `Chart.yaml ${meta.problem}; the folder is still read as a chart`);
    const valuesFile = byKey.get(resolvePath(dir, 'values.yaml')) ?? byKey.get(resolvePath(dir, 'values.yml'));
    const v = valuesFile?.parsed ? readValues(valuesFile.parsed.text) : { values: {} };
    if (v.problem) noteOn(valuesFile!.key, `values.yaml ${v.problem}`);
    charts.set(dir, { root: dir, name: meta.name, defines: defines.get(topChart(dir)) ?? new Map(), values: v.values, serial: ++serials });
  }

  // Kustomize builds.
  const folderSet = new Set<string>();
  for (const f of files) for (const a of ancestors(f.key)) {
    if (folderSet.has(a)) break;
    folderSet.add(a);
  }
  const all = [...kustomizations.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const expansion = expandBuilds(all, (key) => (byKey.has(key) ? 'file' : folderSet.has(key) ? 'folder' : undefined), (dir) => kustDirs.get(dir));
  for (const [k, list] of expansion.notes) for (const n of list) noteOn(k, n);

  const referenced = new Set<string>();
  const patchFiles = new Set<string>();
  const resolved = new Map<string, ResolvedPatch[]>();
  const patchesIn = new Map<ManifestDoc, ResolvedPatch[]>();
  for (const k of all) {
    for (const r of k.resources) if (r.path !== undefined) referenced.add(r.path);
    const list: ResolvedPatch[] = [];
    for (const entry of k.patches) {
      let docs: readonly ManifestDoc[];
      if (entry.inline) docs = [entry.inline];
      else {
        referenced.add(entry.path!);
        patchFiles.add(entry.path!);
        const f = byKey.get(entry.path!);
        if (!f?.parsed) {
          noteOn(k.path, `the patch ${shortPath(entry.path!, k.dir)} does not exist (kustomize build would fail)`);
          continue;
        }
        docs = f.parsed.docs;
      }
      const maps: ResolvedPatch['maps'][number][] = [];
      let ops: ResolvedPatch['ops'];
      for (const d of docs) {
        registerDoc(d);
        const o = patchOps(d);
        if (o) ops = o;
        else for (const m of patchMaps(d)) maps.push(m);
      }
      if ((entry.json6902 || ops) && !entry.target) noteOn(k.path, 'a JSON patch without a `target` applies to nothing');
      for (const op of ops ? unsupportedOps(ops.seq) : []) noteOn(k.path, `the JSON patch operation "${op}" is not applied by the linter`);
      const rp: ResolvedPatch = ops ? { entry, kustomization: k, maps: [], ops } : { entry, kustomization: k, maps };
      list.push(rp);
      for (const d of new Set(docs.map(hostOf))) {
        const held = patchesIn.get(d) ?? [];
        held.push(rp);
        patchesIn.set(d, held);
      }
    }
    resolved.set(k.path, list);
  }
  const patchesOf = (k: Kustomization) => resolved.get(k.path) ?? [];

  const builds = new Map<string, FileContext[]>();
  for (const m of expansion.members) {
    const list = builds.get(m.file) ?? [];
    if (list.some((c) => c.scope === m.build.dir)) continue;
    list.push({ scope: m.build.dir, scopeLabel: scopeLabel('kustomization', m.build.dir, folders), chain: m.chain, patchesOf });
    builds.set(m.file, list);
  }

  const plainContexts = new Map<string, FileContext>();
  const plain = (key: string): FileContext => {
    let ctx: FileContext;
    let sig: string;
    const marker = ancestors(key).find((a) => chartDirs.has(a) || kustDirs.has(a));
    const inChart = marker !== undefined && chartDirs.has(marker);
    const template = inChart && isWithin(key, resolvePath(marker, 'templates'));
    if (inChart && !template && dirname(key) !== marker && !isWithin(key, resolvePath(marker, 'crds'))) {
      // Inside a chart but not rendered with it (tests/, ci/, examples/, rendered snapshots):
      // each folder stands alone, as one rendering of the chart does.
      const dir = dirname(key);
      sig = `folder\u0000${dir}`;
      ctx = { scope: dir, scopeLabel: scopeLabel('folder', dir, folders) };
    } else if (inChart) {
      const top = topChart(marker);
      const chart = charts.get(marker)!;
      sig = `chart\u0000${top}\u0000${marker}\u0000${chart.serial}\u0000${template}`;
      ctx = { scope: top, scopeLabel: scopeLabel('chart', top, folders), chart, template };
    } else if (marker !== undefined) {
      sig = `kustomization\u0000${marker}`;
      ctx = { scope: marker, scopeLabel: scopeLabel('kustomization', marker, folders) };
    } else {
      const folder = workspaceFolderOf(key, folders);
      sig = `folder\u0000${folder}`;
      ctx = { scope: folder, scopeLabel: folder === '' ? 'the workspace' : scopeLabel('folder', folder, folders) };
    }
    // The same context object as before when nothing about it changed: the index then keeps its views.
    const reused = plainContexts.get(sig) ?? previous?.get(sig) ?? ctx;
    plainContexts.set(sig, reused);
    return reused;
  };

  const structure: Structure = {
    contexts(key) {
      const b = builds.get(key);
      if (b) return b;
      if (patchFiles.has(key)) return [];
      return [plain(key)];
    },
    referenced,
    patchFiles,
    chartRoots: chartDirs,
    patchesIn,
    notes,
  };
  return { structure, plainContexts };
}

function unsupportedOps(seq: YAMLSeq): string[] {
  const out: string[] = [];
  for (const item of seq.items) {
    const op = getString(item, 'op');
    if (op !== undefined && op !== 'add' && op !== 'replace' && op !== 'remove' && !out.includes(op)) out.push(op);
  }
  return out;
}

const registered = new WeakSet<ManifestDoc>();

function registerDoc(doc: ManifestDoc): void {
  if (registered.has(doc) || !doc.yaml) return;
  registered.add(doc);
  registerTree(doc.yaml.contents, doc);
}
