// Splits a YAML file into its documents and parses each one on its own, so that
// (1) a document that does not parse is skipped while the others are linted, and
// (2) the editor can re-parse only the documents an edit touched (see ParseCache).
//
// Helm template expressions are masked before parsing with text of the SAME
// length, so every offset the parser reports is an offset into the real text.

import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Position, Range } from './text';
import { splitAround, splitDocuments, type Chunk, type PlacedChunk } from './split';

export { splitDocuments, type Chunk } from './split';

export interface ManifestDoc {
  readonly file: string;
  /** Position of this document in the file (0-based). */
  readonly index: number;
  /** First line of the document's chunk in the file. */
  readonly startLine: number;
  /** The chunk's original text (not masked). */
  readonly text: string;
  /** Undefined when the chunk is empty or does not parse. */
  readonly yaml: Document.Parsed | undefined;
  readonly lines: LineCounter;
  readonly parseError: boolean;
  /** True when Helm expressions were masked in this chunk. */
  readonly templated: boolean;
  /** Each mask that stands in a value, with the expression it replaced (see `unmask`). */
  readonly masks?: ReadonlyMap<string, string>;
}

export interface ManifestFile {
  readonly file: string;
  readonly text: string;
  readonly docs: readonly ManifestDoc[];
}

/**
 * What an edit changed, from the editor: the text the cache last parsed (`base`), and
 * the edited span — [start, oldEnd) of `base` became [start, newEnd) of the new text.
 * Chunks outside the span are matched by offset without comparing their text.
 */
export interface ChangeHint {
  base: string;
  start: number;
  oldEnd: number;
  newEnd: number;
}

// A comment action first: its text may hold `{{ … }}` of its own (found in cert-manager's chart).
const HELM = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}|\{\{[\s\S]*?\}\}/g;

/**
 * Replaces Helm/Go-template expressions with same-length text: an expression that
 * is alone on its line (a control directive such as `{{- if }}`) becomes spaces;
 * one inside a value becomes `__…__`, which `isPlaceholder` recognises. The middle of a
 * value's mask is a hash of the expression (written the same way, the same mask), so
 * `unmask` can give messages the user's own expression back.
 */
export function templateSpans(text: string): [number, number][] {
  if (!text.includes('{{')) return [];
  return [...text.matchAll(HELM)].map((m) => [m.index!, m.index! + m[0].length]);
}

export function maskTemplates(text: string): string {
  return maskWithTable(text).masked;
}

/** `{{- include "x" . -}}` and `{{ include  "x" . }}` alike: trim markers dropped, white space collapsed. */
export function normalizeExpression(expr: string): string {
  const inner = expr.replace(/^\{\{-?/, '').replace(/-?\}\}$/, '').trim().replace(/\s+/g, ' ');
  return `{{ ${inner} }}`;
}

// FNV-1a, rendered in [a-z0-9]: masks must stay plain YAML scalars of a fixed length.
function hashChars(text: string, length: number): string {
  let out = '';
  let seed = 0x811c9dc5;
  while (out.length < length) {
    let h = seed;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(36);
    seed = (seed + 0x9e3779b9) >>> 0;
  }
  return out.slice(0, length);
}

function maskWithTable(text: string): { masked: string; table: Map<string, string> | undefined } {
  if (!text.includes('{{')) return { masked: text, table: undefined };
  const table = new Map<string, string>();
  const masked = text.replace(HELM, (expr, offset: number) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const endIdx = offset + expr.length;
    const nl = text.indexOf('\n', endIdx);
    const lineEnd = nl === -1 ? text.length : nl;
    const before = text.slice(lineStart, offset);
    const after = text.slice(endIdx, lineEnd);
    const standalone = /^[\s-]*$/.test(before) && /^\s*(#.*)?$/.test(after);
    if (standalone) return expr.replace(/[^\n]/g, ' ');
    let mask: string;
    // In a value, even across lines: `__`…`__` with white space kept, so the value reads
    // as a (multi-line plain) placeholder scalar rather than as empty.
    if (expr.includes('\n')) mask = '__' + expr.slice(2, -2).replace(/[^\s]/g, 'h') + '__';
    else if (expr.length < 5) mask = 'x'.repeat(expr.length);
    else mask = '__' + hashChars(normalizeExpression(expr), expr.length - 4) + '__';
    // The first expression keeps a mask (two expressions hashing alike in one document would
    // show the first one's text; with 32-bit hashes of 3+ characters that is rare, and only a
    // message). The `x` masks of tiny expressions are too common a text to put back.
    if (mask.startsWith('__') && !table.has(mask)) table.set(mask, expr);
    return mask;
  });
  return { masked, table: table.size ? table : undefined };
}

/** `text` (a value read from a masked document) with every mask replaced by the expression it stands for. */
export function unmask(doc: Pick<ManifestDoc, 'masks'> | undefined, text: string): string {
  const masks = doc?.masks;
  if (!masks || !text.includes('__')) return text;
  let out = text;
  for (const [mask, expr] of masks) if (out.includes(mask)) out = out.split(mask).join(expr);
  return out;
}

/** Parses one chunk. Pure; the result depends only on (file, index, startLine, text). */
export function parseChunk(file: string, index: number, chunk: Chunk): ManifestDoc {
  const { masked, table } = maskWithTable(chunk.text);
  const lines = new LineCounter();
  let yaml: Document.Parsed | undefined;
  let parseError = false;
  if (/[^\s]/.test(stripComments(masked))) {
    try {
      // In a template, `{{- if }} key: … {{- else }} key: … {{- end }}` writes a key twice
      // on purpose: only one branch renders. Outside templates a duplicate key is an error.
      // The library's own duplicate-key check (uniqueKeys) compares each key with every
      // earlier one: a map of 50,000 keys took a minute. hasDuplicateKeys does it in linear time.
      const d = parseDocument(masked, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: false });
      if (d.errors.length > 0 || (masked === chunk.text && hasDuplicateKeys(d.contents))) parseError = true;
      else yaml = d;
    } catch {
      // The yaml library reports problems in `errors`; a throw here means input it
      // cannot represent at all. Either way the document is skipped, not the file.
      parseError = true;
    }
  }
  return { file, index, startLine: chunk.startLine, text: chunk.text, yaml, lines, parseError, templated: masked !== chunk.text, masks: table };
}

/**
 * Whether a map in the tree has the same key twice, as the yaml library's `uniqueKeys: true`
 * defines it (scalar keys with equal values; `===`, so NaN never repeats), in linear time and
 * without recursion (a deeply nested document cannot overflow the stack here).
 */
export function hasDuplicateKeys(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (isMap(n)) {
      const seen = new Set<unknown>();
      for (const p of n.items) {
        const k = p.key;
        if (isScalar(k) && !Number.isNaN(k.value)) {
          if (seen.has(k.value)) return true;
          seen.add(k.value);
        }
        stack.push(k, p.value);
      }
    } else if (isSeq(n)) {
      for (const x of n.items) stack.push(x);
    }
  }
  return false;
}

function stripComments(text: string): string {
  if (!text.includes('#') && !text.includes('---')) return text;
  return text.replace(/^\s*#.*$/gm, '').replace(/^(---|\.\.\.)\s*$/gm, '');
}

export interface EditedSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Grows the span edited since the last parse by one editor event's changes
 * (`rangeOffset`, `rangeLength`, inserted text length), all relative to the text
 * before that event. Outside the result, the last parsed text and the current text agree.
 */
export function accumulateChanges(span: EditedSpan | undefined, changes: readonly { rangeOffset: number; rangeLength: number; textLength: number }[]): EditedSpan | undefined {
  // Applied from the end, each change leaves the offsets of the ones before it valid.
  for (const c of [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    const r = c.rangeOffset;
    const l = c.rangeLength;
    const n = c.textLength;
    if (!span) span = { start: r, oldEnd: r + l, newEnd: r + n };
    else {
      const end = Math.max(span.newEnd, r + l);
      span = { start: Math.min(span.start, r), oldEnd: end - (span.newEnd - span.oldEnd), newEnd: end + n - l };
    }
  }
  return span;
}

/** The edited span between two texts (for callers that have no editor events: tests, the bench). */
export function diffHint(base: string, next: string): ChangeHint {
  let start = 0;
  while (start < base.length && start < next.length && base.charCodeAt(start) === next.charCodeAt(start)) start++;
  let oldEnd = base.length;
  let newEnd = next.length;
  while (oldEnd > start && newEnd > start && base.charCodeAt(oldEnd - 1) === next.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { base, start, oldEnd, newEnd };
}

export function parseManifestFile(file: string, text: string, cache?: ParseCache, change?: ChangeHint): ManifestFile {
  const docs = cache ? cache.parseText(file, text, change) : splitDocuments(text).map((c, i) => parseChunk(file, i, c));
  return { file, text, docs };
}

/**
 * ManifestDocs that no longer describe their file (its text changed, or the document moved),
 * each with the document it became when it only moved and the file's documents kept their order
 * (null otherwise).
 */
const superseded = new WeakMap<ManifestDoc, ManifestDoc | null>();

/** False once the ParseCache replaced this document (edited, moved, or its file closed/deleted). */
export function isCurrent(doc: ManifestDoc): boolean {
  return !superseded.has(doc);
}

/**
 * The current document that `doc` became by moving only: the same text and parse, its lines
 * (and perhaps its index) shifted by an edit elsewhere, the documents of the file still in
 * the same order relative to each other (no document was moved past another or duplicated).
 * `doc` itself while it is current; undefined when it was edited, removed or reordered.
 * LintCache keeps such a document's findings, shifted (see engine.ts).
 */
export function currentOf(doc: ManifestDoc): ManifestDoc | undefined {
  let d: ManifestDoc | undefined = doc;
  while (d && superseded.has(d)) d = superseded.get(d) ?? undefined;
  return d;
}

/** The same parse at another place (built as parseChunk builds a document: one object shape for all). */
function movedDoc(d: ManifestDoc, startLine: number, index: number): ManifestDoc {
  return { file: d.file, index, startLine, text: d.text, yaml: d.yaml, lines: d.lines, parseError: d.parseError, templated: d.templated, masks: d.masks };
}

interface FileParse {
  docs: ManifestDoc[];
  chunks: PlacedChunk[];
  text: string;
}

/**
 * Keeps the parse of each chunk of a file so an edit re-parses only the chunks it
 * changed. With the editor's change hint, only the lines around the edit are cut again
 * (splitAround) and the other chunks are matched by position; without one, chunks are
 * matched by common prefix and suffix (a string comparison each, no hashing of the whole
 * file), then by text. A chunk that only moved is reused with its new start line and index,
 * as a new ManifestDoc (see `currentOf`).
 */
export class ParseCache {
  private files = new Map<string, FileParse>();
  hits = 0;
  misses = 0;

  /** The documents of `text`, reusing the previous parse of `file` where a chunk is unchanged. */
  parseText(file: string, text: string, change?: ChangeHint): ManifestDoc[] {
    const prev = this.files.get(file);
    // The hint holds only for the text this cache saw last (a string identity check when it is).
    const hint = change && prev && change.base === prev.text ? change : undefined;
    // The same text again (without a hint, a comparison that stops at the first difference).
    if (prev && (hint ? hint.start === hint.oldEnd && hint.start === hint.newEnd : prev.text === text)) {
      this.hits += prev.docs.length;
      return prev.docs;
    }
    if (hint && prev) {
      const { chunks, from, to, tail } = splitAround(text, prev.chunks, hint.start, hint.oldEnd, hint.newEnd);
      const oldIndex = (i: number) => (i < from ? i : i >= tail ? i - tail + to : -1);
      return this.match(file, text, chunks, prev, oldIndex, from, to);
    }
    const chunks = splitDocuments(text);
    const old = prev?.docs ?? [];
    // No (usable) hint: common prefix and suffix by position, one string comparison per chunk.
    let head = 0;
    while (head < chunks.length && head < old.length && old[head].text === chunks[head].text) head++;
    let tail = 0;
    while (tail < chunks.length - head && tail < old.length - head && old[old.length - 1 - tail].text === chunks[chunks.length - 1 - tail].text) tail++;
    const oldIndex = (i: number) => (i < head ? i : i >= chunks.length - tail ? old.length - chunks.length + i : -1);
    return this.match(file, text, chunks, prev, oldIndex, head, old.length - tail);
  }

  /**
   * The documents of `chunks`: chunk i is old document `oldIndex(i)` when that is not -1 (same
   * text by construction); the others are looked up by text among old documents [lo, hi) (a
   * moved or duplicated document), else parsed.
   */
  private match(file: string, text: string, chunks: PlacedChunk[], prev: FileParse | undefined, oldIndex: (i: number) => number, lo: number, hi: number): ManifestDoc[] {
    const old = prev?.docs ?? [];
    const middle = new Map<string, ManifestDoc>();
    for (let i = lo; i < hi; i++) middle.set(old[i].text, old[i]);
    const out = new Array<ManifestDoc>(chunks.length);
    const moved: [ManifestDoc, ManifestDoc][] = [];
    // Whether reused documents keep their relative order (old indices strictly increasing).
    let ordered = true;
    let last = -1;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      const j = oldIndex(i);
      const p = j >= 0 ? old[j] : middle.get(c.text);
      if (!p || p.text.length !== c.text.length) {
        this.misses++;
        out[i] = parseChunk(file, i, c);
        continue;
      }
      this.hits++;
      if (p.index <= last) ordered = false;
      last = p.index;
      if (p.startLine === c.startLine && p.index === i) out[i] = p;
      else moved.push([p, (out[i] = movedDoc(p, c.startLine, i))]);
    }
    // Old documents not reused as they are no longer describe the file (a document kept as it
    // is has the same index).
    if (ordered) for (const [p, d] of moved) superseded.set(p, d);
    for (const d of old) if (out[d.index] !== d && !(ordered && superseded.has(d))) superseded.set(d, null);
    this.files.set(file, { docs: out, chunks, text });
    return out;
  }

  delete(file: string): void {
    for (const d of this.files.get(file)?.docs ?? []) superseded.set(d, null);
    this.files.delete(file);
  }
}

/** Absolute position in the file of an offset inside the document's chunk. */
export function docPosition(doc: ManifestDoc, offset: number): Position {
  const p = doc.lines.linePos(offset); // 1-based line and col
  return { line: doc.startLine + p.line - 1, character: p.col - 1 };
}

/** The document each range was computed in (for LintCache: findings that point into other documents). */
const origins = new WeakMap<Range, ManifestDoc>();

export function rangeOrigin(r: Range): ManifestDoc | undefined {
  return origins.get(r);
}

export function docRange(doc: ManifestDoc, start: number, end: number): Range {
  const r = { start: docPosition(doc, start), end: docPosition(doc, end) };
  origins.set(r, doc);
  return r;
}

/** `r` (a range of a document that moved) `lines` lines further down, as a range of `doc`, its document now. */
export function shiftedRange(r: Range, doc: ManifestDoc, lines: number): Range {
  const s = { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
  origins.set(s, doc);
  return s;
}

// Objects assembled from several documents (a Kustomize base with its patches and the
// kustomization's labels) hold nodes of each. A finding must point into the file its node
// came from, so the documents of patches and kustomizations register their nodes here;
// a node not registered belongs to the document of the object it was read from.
const nodeOrigins = new WeakMap<object, ManifestDoc>();

export function registerOrigin(node: unknown, doc: ManifestDoc): void {
  if (node && typeof node === 'object') nodeOrigins.set(node, doc);
}

/** Registers `node` and every node below it. */
export function registerTree(node: unknown, doc: ManifestDoc): void {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    nodeOrigins.set(n, doc);
    if (isMap(n) || isSeq(n)) for (const it of n.items) stack.push(it);
    else if (isPair(n)) stack.push(n.key, n.value);
  }
}

export function originOf(node: unknown): ManifestDoc | undefined {
  return node && typeof node === 'object' ? nodeOrigins.get(node) : undefined;
}

/** Embedded documents (an inline `patch: |` of a kustomization) and the document holding them. */
const hosts = new WeakMap<ManifestDoc, ManifestDoc>();

/**
 * Parses `[start, end)` of `host` (offsets in its text) as a document of its own. Everything
 * outside the span is blanked (line breaks kept), so offsets and positions in the embedded
 * document are those of the host: a rule may slice the host's text with its nodes' ranges.
 */
export function parseEmbedded(host: ManifestDoc, start: number, end: number): ManifestDoc {
  const lineStart = host.text.lastIndexOf('\n', start - 1) + 1;
  const blank = (t: string) => t.replace(/[^\r\n]/g, ' ');
  const text = blank(host.text.slice(0, lineStart)) + host.text.slice(lineStart, end) + blank(host.text.slice(end));
  const doc = parseChunk(host.file, host.index, { startLine: host.startLine, text });
  hosts.set(doc, host);
  return doc;
}

/** The document of the file that `doc` is part of: itself, or its host for an embedded one. */
export function hostOf(doc: ManifestDoc): ManifestDoc {
  return hosts.get(doc) ?? doc;
}
