// Kustomize, as far as Workload Identity needs it: which files a kustomization builds
// (`resources`, the deprecated `bases`, `components`), which of them are patches
// (`patches`, `patchesStrategicMerge`, `patchesJson6902`), and what it changes on the way
// (`namespace`, `namePrefix` / `nameSuffix`, `commonLabels`, `labels`, `commonAnnotations`).
// Pure: reading a kustomization needs only its document; expanding builds asks the caller
// which paths exist. Remote resources (URLs, git refs) cannot be read and are noted as such.

import { isMap, isScalar, isSeq, type Pair } from 'yaml';
import { parseEmbedded, type ManifestDoc, type ManifestFile } from './document';
import { getMap, getNode, getString, items, keyOf, nodeRange, pairs, stringValue } from './nodes';
import { basename, dirname, pathKey, resolvePath } from './paths';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationFile(key: string): boolean {
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(basename(key));
}

export interface PatchTarget {
  readonly kind?: string;
  /** Kustomize reads the name as a regular expression (anchored). */
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

export interface PatchEntry {
  /** The patch file (a path key), for a patch kept in a file of its own. */
  readonly path?: string;
  /** The patch document, for a patch written inline in the kustomization. */
  readonly inline?: ManifestDoc;
  readonly target?: PatchTarget;
  /** From `patchesJson6902` (a `patches` entry tells by its content: a list of operations). */
  readonly json6902: boolean;
}

export interface LabelEntry {
  /** The pairs as written in the kustomization (findings about them point there). */
  readonly pairs: readonly Pair[];
  readonly templates: boolean;
  readonly selectors: boolean;
}

export interface Reference {
  /** As written. */
  readonly ref: string;
  /** Resolved against the kustomization's folder (a path key); undefined for a remote one. */
  readonly path: string | undefined;
  readonly component: boolean;
}

export interface Kustomization {
  readonly file: string;
  /** Path key of the kustomization file, and of its folder. */
  readonly path: string;
  readonly dir: string;
  readonly doc: ManifestDoc;
  readonly resources: readonly Reference[];
  readonly patches: readonly PatchEntry[];
  readonly namespace: string | undefined;
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly labels: readonly LabelEntry[];
  readonly annotations: readonly Pair[];
  /** What could not be read, for a note. */
  readonly problems: readonly string[];
  /** A stable text of everything above, to tell a change that matters from an edit of a comment. */
  readonly signature: string;
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|git::|(?:github|gitlab|bitbucket)\.(?:com|org)\/)|\?ref=|\/\/(?!\/)/i;

export function isRemote(ref: string): boolean {
  return REMOTE.test(ref);
}

/** A string field, or a string list, of the kustomization. */
function strings(node: unknown): { value: string; node: unknown }[] {
  return items(node)
    .map((n) => ({ value: stringValue(n), node: n }))
    .filter((x): x is { value: string; node: unknown } => x.value !== undefined);
}

function target(node: unknown): PatchTarget | undefined {
  if (!isMap(node)) return undefined;
  const t: Record<string, string> = {};
  for (const k of ['kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const v = getString(node, k);
    if (v !== undefined) t[k] = v;
  }
  return t as PatchTarget;
}

/**
 * The document of an inline patch. Only block scalars (`patch: |-`) keep a one-to-one map
 * between their lines and the file's; a quoted one-line patch is not read.
 */
function embedded(doc: ManifestDoc, node: unknown, problems: string[], what: string): ManifestDoc | undefined {
  const r = nodeRange(node);
  if (!isScalar(node) || !r || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')) {
    problems.push(`${what} is written as a quoted string: it is not read (write it as a block, \`patch: |-\`)`);
    return undefined;
  }
  const start = doc.text.indexOf('\n', r[0]) + 1;
  if (start === 0 || start >= r[1]) return undefined;
  return parseEmbedded(doc, start, r[1]);
}

/** The kustomization of a kustomization file: its first document that is a mapping. */
export function readKustomization(file: ManifestFile): Kustomization | undefined {
  const doc = file.docs.find((d) => isMap(d.yaml?.contents));
  if (!doc) return undefined;
  const root = doc.yaml!.contents;
  const key = pathKey(file.file);
  const dir = dirname(key);
  const problems: string[] = [];
  const resources: Reference[] = [];
  const ref = (value: string, component: boolean) => resources.push({ ref: value, path: isRemote(value) ? undefined : resolvePath(dir, value), component });
  for (const field of ['resources', 'bases'] as const) for (const s of strings(getNode(root, field))) ref(s.value, false);
  for (const s of strings(getNode(root, 'components'))) ref(s.value, true);

  const patches: PatchEntry[] = [];
  items(getNode(root, 'patches')).forEach((p, i) => {
    const t = target(getNode(p, 'target'));
    const file = getString(p, 'path');
    if (file !== undefined) patches.push({ path: resolvePath(dir, file), target: t, json6902: false });
    else if (getNode(p, 'patch') !== undefined) {
      const inline = embedded(doc, getNode(p, 'patch'), problems, `patches[${i}].patch`);
      if (inline) patches.push({ inline, target: t, json6902: false });
    }
  });
  items(getNode(root, 'patchesStrategicMerge')).forEach((p, i) => {
    const v = stringValue(p);
    if (v === undefined) return;
    // An entry is a path, or (in the older form) the patch itself as a string.
    if (!v.includes('\n') && !/^\s*(apiVersion|kind|metadata)\s*:/.test(v)) patches.push({ path: resolvePath(dir, v.trim()), json6902: false });
    else {
      const inline = embedded(doc, p, problems, `patchesStrategicMerge[${i}]`);
      if (inline) patches.push({ inline, json6902: false });
    }
  });
  items(getNode(root, 'patchesJson6902')).forEach((p, i) => {
    const t = target(getNode(p, 'target'));
    const file = getString(p, 'path');
    if (file !== undefined) patches.push({ path: resolvePath(dir, file), target: t, json6902: true });
    else if (getNode(p, 'patch') !== undefined) {
      const inline = embedded(doc, getNode(p, 'patch'), problems, `patchesJson6902[${i}].patch`);
      if (inline) patches.push({ inline, target: t, json6902: true });
    }
  });

  const labels: LabelEntry[] = [];
  const common = getMap(root, 'commonLabels');
  // commonLabels reach selectors and pod templates too (that is why it is deprecated).
  if (common) labels.push({ pairs: pairs(common), templates: true, selectors: true });
  for (const l of items(getNode(root, 'labels'))) {
    const m = getMap(l, 'pairs');
    if (!m) continue;
    const selectors = isTrue(getNode(l, 'includeSelectors'));
    labels.push({ pairs: pairs(m), selectors, templates: selectors || isTrue(getNode(l, 'includeTemplates')) });
  }
  const annotations = pairs(getMap(root, 'commonAnnotations'));
  const namespace = getString(root, 'namespace') || undefined;
  const namePrefix = getString(root, 'namePrefix') ?? '';
  const nameSuffix = getString(root, 'nameSuffix') ?? '';
  for (const f of ['helmCharts', 'replacements', 'vars']) if (getNode(root, f) !== undefined) problems.push(`\`${f}\` is not applied by the linter`);
  if (getNode(root, 'resources') !== undefined && !isSeq(getNode(root, 'resources'))) problems.push('`resources` is not a list');

  const sig = JSON.stringify([
    resources.map((r) => [r.ref, r.component]),
    patches.map((p) => [p.path ?? p.inline?.text, p.target, p.json6902]),
    namespace, namePrefix, nameSuffix,
    labels.map((l) => [l.pairs.map(pairText), l.templates, l.selectors]),
    annotations.map(pairText),
  ]);
  return { file: file.file, path: key, dir, doc, resources, patches, namespace, namePrefix, nameSuffix, labels, annotations, problems, signature: sig };
}

function pairText(p: Pair): string {
  return `${keyOf(p as Pair) ?? ''}=${isScalar(p.value) ? String(p.value.value) : ''}`;
}

function isTrue(node: unknown): boolean {
  return isScalar(node) && (node.value === true || node.value === 'true');
}

/** What a resource reference names, as the caller's file set knows it. */
export type PathKind = 'file' | 'folder' | undefined;

export interface BuildMember {
  /** The top kustomization (the build), and the chain from it down to the one listing the file. */
  readonly build: Kustomization;
  readonly chain: readonly Kustomization[];
  /** Path key of the resource file. */
  readonly file: string;
}

export interface Expansion {
  readonly members: BuildMember[];
  /** Kustomization path key -> notes about it. */
  readonly notes: Map<string, string[]>;
}

/** Above this many (file, build) pairs the expansion stops: a generated or pathological tree. */
const MAX_MEMBERS = 200_000;
const MAX_DEPTH = 30;

/**
 * Every file each build takes in, through nested kustomizations. A build is a kustomization
 * no other one refers to (an overlay); kustomizations only reachable through a cycle are
 * builds too, so that nothing is silently dropped. `kindOf` says whether a path is a file,
 * a folder (and `kustomizationIn` finds the kustomization of a folder).
 */
export function expandBuilds(all: readonly Kustomization[], kindOf: (key: string) => PathKind, kustomizationIn: (dir: string) => Kustomization | undefined): Expansion {
  const notes = new Map<string, string[]>();
  const noteOn = (k: Kustomization, msg: string) => {
    const list = notes.get(k.path) ?? [];
    if (!list.includes(msg)) list.push(msg);
    notes.set(k.path, list);
  };
  const referenced = new Set<string>();
  for (const k of all) {
    for (const p of k.problems) noteOn(k, p);
    for (const r of k.resources) {
      if (r.path === undefined) continue;
      const sub = kindOf(r.path) === 'folder' ? kustomizationIn(r.path) : undefined;
      if (sub) referenced.add(sub.path);
    }
  }
  const members: BuildMember[] = [];
  let stopped = false;
  const visited = new Set<string>();
  const expand = (top: Kustomization, chain: Kustomization[], seenFiles: Set<string>) => {
    const k = chain[chain.length - 1];
    visited.add(k.path);
    for (const r of k.resources) {
      if (stopped) return;
      if (r.path === undefined) {
        noteOn(k, `the remote resource ${r.ref} is not read: objects from it are unknown to the linter`);
        continue;
      }
      const kind = kindOf(r.path);
      if (kind === 'file') {
        if (seenFiles.has(r.path)) continue; // kustomize refuses the same object twice; one is enough here
        seenFiles.add(r.path);
        if (members.length >= MAX_MEMBERS) {
          stopped = true;
          noteOn(top, `the build takes in more than ${MAX_MEMBERS} files: the rest is not read`);
          return;
        }
        members.push({ build: top, chain, file: r.path });
      } else if (kind === 'folder') {
        const sub = kustomizationIn(r.path);
        if (!sub) noteOn(k, `${r.ref} is a folder without a kustomization.yaml`);
        else if (chain.some((c) => c.path === sub.path)) noteOn(k, `${r.ref} leads back to a kustomization already on the way (a cycle): not followed again`);
        else if (chain.length >= MAX_DEPTH) noteOn(k, `${r.ref} is nested more than ${MAX_DEPTH} kustomizations deep: not followed`);
        else expand(top, [...chain, sub], seenFiles);
      } else {
        noteOn(k, `${r.ref} does not exist (kustomize build would fail)`);
      }
    }
  };
  const tops = all.filter((k) => !referenced.has(k.path));
  for (const k of tops) expand(k, [k], new Set());
  // Kustomizations reached by nothing but a cycle.
  for (const k of all) if (!visited.has(k.path)) expand(k, [k], new Set());
  return { members, notes };
}
