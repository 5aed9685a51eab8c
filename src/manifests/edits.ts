// Minimal text edits on YAML source. A fix never re-serialises a document: it
// replaces, inserts or removes exact spans, so comments, indentation, quoting and
// key order outside the touched span stay exactly as the user wrote them.
// Every builder returns edits with absolute file ranges (see docRange).

import { isMap, isScalar, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { docPosition, docRange, type ManifestDoc } from './document';
import type { TextEdit } from './text';
import { nodeRange } from './nodes';

export type NewValue = string | { readonly [key: string]: NewValue };

function edit(doc: ManifestDoc, start: number, end: number, newText: string, snippet?: string): TextEdit {
  const e: TextEdit = { file: doc.file, range: docRange(doc, start, end), newText };
  if (snippet !== undefined) e.snippet = snippet;
  return e;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

function column(doc: ManifestDoc, offset: number): number {
  return docPosition(doc, offset).character;
}

/** Source text of the document's chunk — masked Helm text has the same offsets. */
function src(doc: ManifestDoc): string {
  return doc.text;
}

/** End offset of a pair: the end of its value, or of its key when the value is empty. */
export function pairEnd(pair: Pair): number {
  const k = nodeRange(pair.key);
  const v = nodeRange(pair.value);
  return Math.max(k ? k[1] : 0, v && !(isScalar(pair.value) && pair.value.value === null && v[0] === v[1]) ? v[1] : 0);
}

export function pairStart(pair: Pair): number {
  return nodeRange(pair.key)?.[0] ?? 0;
}

/** Block collections' ranges run to the start of the next line: step back over trailing white space. */
function trimEnd(text: string, end: number, floor: number): number {
  while (end > floor && /\s/.test(text[end - 1])) end--;
  return end;
}

/** Replace a scalar (or any node) with new source text. */
export function replaceNode(doc: ManifestDoc, node: unknown, newText: string): TextEdit[] {
  const r = nodeRange(node);
  if (!r) return [];
  // A block scalar's (or block collection's) range runs past its line break: keep that
  // break, or the next line joins the new text (found by test/unit/fuzz.test.ts).
  // An empty value (`key:` then nothing) is a zero-width node right after the `:`: add the space.
  const end = trimEnd(src(doc), r[1], r[0]);
  const sep = end === r[0] && r[0] > 0 && !/\s/.test(src(doc)[r[0] - 1]) ? ' ' : '';
  return [edit(doc, r[0], end, sep + newText)];
}

export function replaceKey(doc: ManifestDoc, pair: Pair, newKey: string): TextEdit[] {
  const r = nodeRange(pair.key);
  if (!r) return [];
  const old = src(doc).slice(r[0], r[1]);
  const q = old.startsWith('"') ? '"' : old.startsWith("'") ? "'" : '';
  return [edit(doc, r[0], r[1], q ? q + newKey + q : quoteKeyIfNeeded(newKey))];
}

function quoteKeyIfNeeded(key: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(key) ? key : JSON.stringify(key);
}

/** Quote style used by the document for string values: double unless it only uses single quotes. */
export function preferredQuote(doc: ManifestDoc): '"' | "'" {
  const t = src(doc);
  const dq = (t.match(/:\s+"/g) ?? []).length;
  const sq = (t.match(/:\s+'/g) ?? []).length;
  return sq > dq ? "'" : '"';
}

/** A Kubernetes name as a YAML scalar: plain unless YAML would read it as something else (a number, a boolean). */
export function nameScalar(doc: ManifestDoc, name: string): string {
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) && !/^[-+.0-9eE]+$|^(true|false|null|yes|no|on|off|y|n)$/i.test(name) ? name : quote(doc, name);
}

export function quote(doc: ManifestDoc, value: string): string {
  const q = preferredQuote(doc);
  if (q === "'" && !value.includes("'")) return `'${value}'`;
  return JSON.stringify(value);
}

/** The indentation step the document uses (child column minus parent column), default 2. */
export function indentUnit(doc: ManifestDoc, root?: YAMLMap): number {
  const stack: unknown[] = [root ?? doc.yaml?.contents];
  while (stack.length) {
    const m = stack.pop();
    if (!isMap(m) || m.flow) continue;
    for (const p of m.items) {
      if (isMap(p.value) && !p.value.flow && p.value.items.length > 0) {
        const pk = nodeRange(p.key);
        const ck = nodeRange(p.value.items[0].key);
        if (pk && ck) {
          const d = column(doc, ck[0]) - column(doc, pk[0]);
          if (d > 0 && d <= 8) return d;
        }
      }
    }
  }
  return 2;
}

function renderValue(value: NewValue, indent: string, unit: string): string {
  if (typeof value === 'string') return ' ' + value;
  const keys = Object.keys(value);
  if (keys.length === 0) return ' {}';
  return keys.map((k) => '\n' + indent + unit + quoteKeyIfNeeded(k) + ':' + renderValue(value[k], indent + unit, unit)).join('');
}

/** The column at which a block map's keys sit. */
export function mapIndent(doc: ManifestDoc, map: YAMLMap): number | undefined {
  // An explicit key (`? key`) sits after its indicator: measure a plain key when there is
  // one (found by test/unit/fuzz.test.ts).
  const text = src(doc);
  const plain = map.items.find((p) => {
    const k = nodeRange(p.key);
    return k && !/\?[ \t]*$/.test(text.slice(lineStart(text, k[0]), k[0]));
  });
  const first = plain ?? map.items[0];
  const r = first && nodeRange(first.key);
  return r ? column(doc, r[0]) : undefined;
}

/**
 * Insert `key: value` into a map. Block maps get a new line at the map's indentation
 * (after the last pair, or before the first with `atStart`); flow maps get `, key: value`
 * before the closing brace.
 */
export function insertPair(doc: ManifestDoc, map: YAMLMap, key: string, value: NewValue, opts: { atStart?: boolean; snippet?: string } = {}): TextEdit[] {
  const text = src(doc);
  const unit = ' '.repeat(indentUnit(doc));
  const k = quoteKeyIfNeeded(key);
  if (map.flow || map.items.length === 0) {
    const r = nodeRange(map);
    if (!r) return [];
    // r[1] is just past this map's `}`; searching from r[1] itself would find the
    // `}` of an enclosing flow map that closes right after it (`{b: {c: 1}}`).
    const close = text.lastIndexOf('}', r[1] - 1);
    if (close < r[0]) return [];
    const flat = typeof value === 'string' ? value : flowValue(value);
    const sep = map.items.length ? ', ' : '';
    return [edit(doc, close, close, `${sep}${k}: ${flat}`, opts.snippet !== undefined ? `${sep}${k}: ${opts.snippet}` : undefined)];
  }
  const indentCol = mapIndent(doc, map) ?? 0;
  const indent = ' '.repeat(indentCol);
  const body = k + ':' + renderValue(value, indent, unit);
  const snippetBody = opts.snippet !== undefined ? k + ': ' + opts.snippet : undefined;
  if (opts.atStart) {
    const firstStart = pairStart(map.items[0]);
    const ls = lineStart(text, firstStart);
    if (/^[ \t]*$/.test(text.slice(ls, firstStart))) {
      return [edit(doc, ls, ls, indent + body + '\n', snippetBody !== undefined ? indent + snippetBody + '\n' : undefined)];
    }
  }
  // After the last pair: at the start of the following line, so an insertion never
  // lands inside a line another edit of the same fix removes.
  const last = map.items[map.items.length - 1];
  const at = lineEnd(text, Math.max(pairStart(last), trimEnd(text, pairEnd(last), pairStart(last)) - 1));
  const eol = text[at - 1] === '\r' ? '\r\n' : '\n';
  if (at < text.length) {
    return [edit(doc, at + 1, at + 1, indent + body + eol, snippetBody !== undefined ? indent + snippetBody + eol : undefined)];
  }
  return [edit(doc, at, at, eol + indent + body, snippetBody !== undefined ? eol + indent + snippetBody : undefined)];
}

function flowValue(value: NewValue): string {
  if (typeof value === 'string') return value;
  return '{' + Object.keys(value).map((k) => `${quoteKeyIfNeeded(k)}: ${flowValue(value[k])}`).join(', ') + '}';
}

/**
 * Make sure `path` exists under `map` and insert `key: value` at its end, creating the
 * missing maps (e.g. `metadata.labels` in a pod template) as block text.
 * Returns [] if a path segment exists but is not a map (a template, a list...).
 */
export function ensurePathAndInsert(doc: ManifestDoc, map: YAMLMap, path: readonly string[], key: string, value: string, opts: { atStart?: boolean } = {}): TextEdit[] {
  let cur: YAMLMap = map;
  for (let i = 0; i < path.length; i++) {
    const pair = cur.items.find((p) => isScalar(p.key) && p.key.value === path[i]);
    if (!pair) {
      let nested: NewValue = { [key]: value };
      for (let j = path.length - 1; j > i; j--) nested = { [path[j]]: nested };
      return insertPair(doc, cur, path[i], nested, { atStart: opts.atStart && i === 0 });
    }
    if (isMap(pair.value)) {
      cur = pair.value;
      continue;
    }
    // `labels:` with no value, or `labels: null`: fill it in as a block.
    if (pair.value == null || (isScalar(pair.value) && (pair.value.value === null))) {
      const keyR = nodeRange(pair.key);
      if (!keyR) return [];
      const text = src(doc);
      const colon = text.indexOf(':', keyR[1]);
      const end = pair.value && nodeRange(pair.value) ? Math.max(colon + 1, nodeRange(pair.value)![1]) : colon + 1;
      let nested: NewValue = { [key]: value };
      for (let j = path.length - 1; j > i; j--) nested = { [path[j]]: nested };
      const indent = ' '.repeat(column(doc, keyR[0]));
      const unit = ' '.repeat(indentUnit(doc));
      return [edit(doc, colon + 1, end, renderValue(nested, indent, unit))];
    }
    return [];
  }
  return insertPair(doc, cur, key, value);
}

/** True when only whitespace (and an optional `- ` for seq items when allowed) precedes `offset` on its line. */
function aloneBefore(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function aloneAfter(text: string, offset: number): boolean {
  return /^[ \t]*(#.*)?\r?$/.test(text.slice(offset, lineEnd(text, offset)));
}

/** Remove whole lines from the line of `start` through the line of `end`. */
function removeLines(doc: ManifestDoc, start: number, end: number): TextEdit {
  const text = src(doc);
  const ls = lineStart(text, start);
  const le = lineEnd(text, Math.max(start, end - 1));
  return edit(doc, ls, Math.min(le + 1, text.length), '');
}

/**
 * Remove a pair from its map. When it is the map's only pair and `parent` is given,
 * the parent pair goes too (an empty `annotations:` is noise); else the map becomes `{}`.
 */
export function removePair(doc: ManifestDoc, map: YAMLMap, pair: Pair, parent?: { map: YAMLMap; pair: Pair; parent?: { map: YAMLMap; pair: Pair } }): TextEdit[] {
  const text = src(doc);
  if (map.items.length === 1 && parent) return removePair(doc, parent.map, parent.pair, parent.parent);
  const start = pairStart(pair);
  const end = trimEnd(text, pairEnd(pair), start);
  if (map.flow) {
    const idx = map.items.indexOf(pair as never);
    if (map.items.length === 1) {
      const r = nodeRange(map)!;
      return [edit(doc, r[0], r[1], '{}')];
    }
    if (idx < map.items.length - 1) return [edit(doc, start, pairStart(map.items[idx + 1]), '')];
    return [edit(doc, pairEnd(map.items[idx - 1]), end, '')];
  }
  if (map.items.length === 1) {
    const r = nodeRange(map)!;
    return [edit(doc, r[0], trimEnd(text, r[1], r[0]), '{}')];
  }
  if (aloneBefore(text, start) && aloneAfter(text, end)) return [removeLines(doc, start, end)];
  // `- key: v` (first pair of a sequence item): keep the dash, move the next key up.
  const idx = map.items.indexOf(pair as never);
  if (idx === 0 && map.items.length > 1) return [edit(doc, start, pairStart(map.items[1]), '')];
  return [edit(doc, start, end, '')];
}

/** Remove an item from a sequence; an emptied sequence removes its parent pair when given. */
export function removeSeqItem(doc: ManifestDoc, seq: YAMLSeq, item: unknown, parent?: { map: YAMLMap; pair: Pair }): TextEdit[] {
  const text = src(doc);
  if (seq.items.length === 1 && parent) return removePair(doc, parent.map, parent.pair);
  const found = nodeRange(item);
  if (!found) return [];
  const r: [number, number] = [found[0], found[1]];
  const idx = seq.items.indexOf(item as never);
  if (seq.flow) {
    if (seq.items.length === 1) {
      const sr = nodeRange(seq)!;
      return [edit(doc, sr[0], sr[1], '[]')];
    }
    if (idx < seq.items.length - 1) return [edit(doc, r[0], nodeRange(seq.items[idx + 1])![0], '')];
    return [edit(doc, nodeRange(seq.items[idx - 1])![1], r[1], '')];
  }
  if (seq.items.length === 1) {
    const sr = nodeRange(seq)!;
    return [edit(doc, sr[0], trimEnd(text, sr[1], sr[0]), '[]')];
  }
  // The dash sits before the item on the item's first line.
  const ls = lineStart(text, r[0]);
  r[1] = trimEnd(text, r[1], r[0]);
  if (/^[ \t]*-[ \t]*$/.test(text.slice(ls, r[0])) || /^[ \t]*-[ \t]+/.test(text.slice(ls, r[0]))) {
    const le = lineEnd(text, Math.max(r[0], r[1] - 1));
    return [edit(doc, ls, Math.min(le + 1, text.length), '')];
  }
  return [edit(doc, r[0], r[1], '')];
}

/** Source text of a pair exactly as written, for moving it elsewhere. */
export function pairSource(doc: ManifestDoc, pair: Pair): { key: string; value: string } {
  const text = src(doc);
  const kr = nodeRange(pair.key)!;
  const vr = nodeRange(pair.value);
  return { key: text.slice(kr[0], kr[1]), value: vr ? text.slice(vr[0], vr[1]) : '""' };
}

