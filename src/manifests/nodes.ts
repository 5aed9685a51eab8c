// Small, allocation-light accessors over the yaml library's node tree. Rules use
// these instead of `toJS()` so that every value keeps its exact source range.
//
// YAML aliases and merge keys are followed as Kubernetes reads them: `env: *common`
// is the anchored list, and a map with `<<: *defaults` (or `<<: [*a, *b]`) has every
// key of the merged maps that it does not set itself (the first source wins among
// several). An alias can only be resolved within its own document, so a document's
// aliases are bound once with `bindAnchors` before its nodes are read (the rules do it
// through `defineRule`, the index through `serviceAccountName`); an unbound alias reads
// as absent, as if the YAML had no aliases. `aliasOn` and `entries` tell which alias a
// node was reached through, so a finding can point at the `*alias` the user wrote in this
// object rather than at the anchor, and a fix can stay away from text aliases share.

import { isAlias, isDocument, isMap, isPair, isScalar, isSeq, Pair, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import type { Document, Node as YNode } from 'yaml';
import { yamlScalarText } from '../util/scalar-text';

export type AnyNode = YNode;
export type { Pair, Scalar, YAMLMap, YAMLSeq };

/** Alias node -> the anchored node it stands for, for every bound document. */
const aliasTargets = new WeakMap<object, unknown>();
/** Per bound document: the anchored nodes that at least one alias refers to. */
const sharedAnchors = new WeakMap<object, YNode[]>();

/** What `bindAnchors` needs of a parsed document: its yaml Document, and its source text when known (a quick "no alias here"). */
export interface AnchorSource {
  readonly yaml?: Document | null;
  readonly text?: string;
}

/**
 * Resolves every alias of a document (the last node with that anchor before the alias,
 * as the YAML spec and the yaml library's own `Alias.resolve` read it). Idempotent, and
 * free for the usual document without a `*`.
 */
export function bindAnchors(doc: AnchorSource | Document | undefined | null): void {
  const { document, text } = documentOf(doc);
  if (!document || sharedAnchors.has(document)) return;
  if (text !== undefined && !text.includes('*')) {
    sharedAnchors.set(document, []);
    return;
  }
  const latest = new Map<string, YNode>();
  const shared = new Set<YNode>();
  visit(document, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = latest.get(node.source);
        if (target) {
          aliasTargets.set(node, target);
          shared.add(target);
        }
      } else if (node.anchor) {
        latest.set(node.anchor, node);
      }
    },
  });
  sharedAnchors.set(document, [...shared]);
}

function documentOf(doc: AnchorSource | Document | undefined | null): { document: Document | undefined; text: string | undefined } {
  if (!doc) return { document: undefined, text: undefined };
  if (isDocument(doc)) return { document: doc, text: undefined };
  return { document: doc.yaml ?? undefined, text: doc.text };
}

/** The anchored nodes of a bound document that aliases refer to (an edit inside one changes every user). */
export function aliasedAnchors(doc: AnchorSource | Document | undefined | null): readonly YNode[] {
  const { document } = documentOf(doc);
  return (document && sharedAnchors.get(document)) ?? [];
}

/** An alias's anchored node (through chains of aliases); any other node as it is; undefined for an unbound alias. */
export function deref(node: unknown): unknown {
  let cur = node;
  for (let i = 0; i < 8 && isAlias(cur); i++) cur = aliasTargets.get(cur);
  return isAlias(cur) ? undefined : cur;
}

export function isMergeKey(pair: unknown): boolean {
  if (!isPair(pair) || !isScalar(pair.key)) return false;
  const v = pair.key.value;
  // `<<` is a plain string under YAML 1.2; a Symbol when the document enables YAML 1.1 merges.
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

export function keyOf(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value == null || typeof k.value === 'symbol' ? undefined : yamlScalarText(k.value);
  return undefined;
}

/** The maps a `<<` value merges in, in order, each with the alias (if any) written at the merge. */
function mergeSources(value: unknown): { map: YAMLMap; via: YNode | undefined }[] {
  const out: { map: YAMLMap; via: YNode | undefined }[] = [];
  const add = (n: unknown) => {
    const m = deref(n);
    if (isMap(m)) out.push({ map: m, via: isAlias(n) ? n : undefined });
  };
  const v = deref(value);
  if (isSeq(v)) for (const item of v.items) add(item);
  else add(value);
  return out;
}

export interface Entry {
  readonly pair: Pair<Scalar, unknown>;
  /** The `*alias` in the map itself through which a merged pair arrives (undefined: the map's own pair, or an inline merged map). */
  readonly via: YNode | undefined;
}

/**
 * A map's pairs as Kubernetes sees them: its own (merge keys left out), then those its
 * merge keys bring in that it does not set itself. `depth` guards against alias cycles.
 */
export function entries(map: unknown, depth = 0): Entry[] {
  const m = deref(map);
  if (!isMap(m)) return [];
  const out: Entry[] = [];
  const seen = new Set<string>();
  let merges: unknown[] | undefined;
  for (const item of m.items) {
    if (isMergeKey(item)) (merges ??= []).push(item.value);
    else if (isPair(item) && isScalar(item.key)) {
      out.push({ pair: item as Pair<Scalar, unknown>, via: undefined });
      const k = keyOf(item as Pair);
      if (k !== undefined) seen.add(k);
    }
  }
  if (!merges || depth > 8) return out;
  for (const value of merges) {
    for (const src of mergeSources(value)) {
      for (const e of entries(src.map, depth + 1)) {
        const k = keyOf(e.pair);
        if (k === undefined || seen.has(k)) continue;
        seen.add(k);
        out.push({ pair: e.pair, via: src.via ?? e.via });
      }
    }
  }
  return out;
}

/** The pair for `key` and, when it comes through a merge key, the `*alias` it arrives through. */
export function locate(map: unknown, key: string): Entry | undefined {
  const m = deref(map);
  if (!isMap(m)) return undefined;
  // One pass over the map's own pairs (this runs for every key a rule reads).
  let merges = false;
  for (const item of m.items) {
    const k = (item as Pair).key;
    if (!isScalar(k)) continue;
    const v = k.value;
    if (v === '<<' || (typeof v === 'symbol' && v.description === '<<')) merges = true;
    else if (v === key || (v != null && typeof v !== 'string' && typeof v !== 'symbol' && yamlScalarText(v) === key)) return { pair: item as Pair<Scalar, unknown>, via: undefined };
  }
  return merges ? entries(m).find((e) => keyOf(e.pair) === key) : undefined;
}

export function findPair(map: unknown, key: string): Pair<unknown, unknown> | undefined {
  return locate(map, key)?.pair;
}

export function getNode(map: unknown, ...path: string[]): unknown {
  let cur: unknown = deref(map);
  for (const key of path) {
    const pair = findPair(cur, key);
    if (!pair) return undefined;
    cur = deref(pair.value);
  }
  return cur;
}

/**
 * The first alias crossed on the way from `map` down `path` (a merge's `*alias`, or an
 * alias written as a value), i.e. the one written in `map`'s own text; undefined when the
 * whole path is the map's own text.
 */
export function aliasOn(map: unknown, ...path: string[]): YNode | undefined {
  if (isAlias(map)) return map;
  let cur: unknown = map;
  for (const key of path) {
    const e = locate(cur, key);
    if (!e) return undefined;
    if (e.via) return e.via;
    if (isAlias(e.pair.value)) return e.pair.value;
    cur = e.pair.value;
  }
  return undefined;
}

export function getMap(map: unknown, ...path: string[]): YAMLMap | undefined {
  const n = getNode(map, ...path);
  return isMap(n) ? n : undefined;
}

export function getSeq(map: unknown, ...path: string[]): YAMLSeq | undefined {
  const n = getNode(map, ...path);
  return isSeq(n) ? n : undefined;
}

/** The string form of a scalar: strings as they are, numbers/booleans as their source text. */
export function scalarText(node: unknown): string | undefined {
  const n = deref(node);
  if (!isScalar(n)) return undefined;
  if (typeof n.value === 'string') return n.value;
  if (n.value == null) return undefined;
  return n.source ?? yamlScalarText(n.value);
}

/** The value of a scalar only when it is a YAML string. */
export function stringValue(node: unknown): string | undefined {
  const n = deref(node);
  return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

export function getString(map: unknown, ...path: string[]): string | undefined {
  return stringValue(getNode(map, ...path));
}

export function pairs(map: unknown): Pair<Scalar, unknown>[] {
  return entries(map).map((e) => e.pair);
}

/** A sequence's items, aliases resolved (`- *common-env`); an alias that does not resolve is left out. */
export function items(seq: unknown): unknown[] {
  const s = deref(seq);
  if (!isSeq(s)) return [];
  const out: unknown[] = [];
  for (const item of s.items) {
    const v = isAlias(item) ? deref(item) : item;
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Each item of a sequence with the item as written (an `*alias`, or the node itself) and what it resolves to. */
export function itemsWritten(seq: unknown): { written: unknown; node: unknown }[] {
  const s = deref(seq);
  if (!isSeq(s)) return [];
  return s.items.map((written) => ({ written, node: deref(written) })).filter((x) => x.node !== undefined);
}

/** A node's source range [start, value end, node end] in its document's text, if it has one. */
export function nodeRange(node: unknown): [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range ?? undefined;
}

export { isAlias, isMap, isPair, isScalar, isSeq };
