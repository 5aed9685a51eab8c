// Small, allocation-light accessors over the yaml library's node tree. Rules use
// these instead of `toJS()` so that every value keeps its exact source range.

import { isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YNode } from 'yaml';

export type AnyNode = YNode;
export type { Pair, Scalar, YAMLMap, YAMLSeq };

export function keyOf(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value == null ? undefined : String(k.value);
  return undefined;
}

export function findPair(map: unknown, key: string): Pair<unknown, unknown> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (keyOf(item as Pair) === key) return item as Pair<unknown, unknown>;
  }
  return undefined;
}

export function getNode(map: unknown, ...path: string[]): unknown {
  let cur: unknown = map;
  for (const key of path) {
    const pair = findPair(cur, key);
    if (!pair) return undefined;
    cur = pair.value;
  }
  return cur;
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
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.value == null) return undefined;
  return node.source ?? String(node.value);
}

/** The value of a scalar only when it is a YAML string. */
export function stringValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export function getString(map: unknown, ...path: string[]): string | undefined {
  return stringValue(getNode(map, ...path));
}

export function pairs(map: unknown): Pair<Scalar, unknown>[] {
  if (!isMap(map)) return [];
  return map.items.filter((p) => isPair(p) && isScalar(p.key)) as Pair<Scalar, unknown>[];
}

export function items(seq: unknown): unknown[] {
  return isSeq(seq) ? seq.items : [];
}

/** A node's source range [start, value end, node end] in its document's text, if it has one. */
export function nodeRange(node: unknown): [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range ?? undefined;
}

export { isMap, isPair, isScalar, isSeq };
