// Suppression by rule id, never by message text:
//   # wi-doctor-disable-next-line <id>[, <id>]   the next non-comment line
//   # wi-doctor-disable <id>[, <id>]             the whole file
//   metadata.annotations["wi-doctor.io/ignore"]: "<id>,<id>"   that object
// `all` is accepted in place of ids for the comment forms, as in eslint.

import { isMap } from 'yaml';
import type { ManifestDoc, ManifestFile } from '../manifests/document';
import { docRange } from '../manifests/document';
import { objectsOfDoc } from '../manifests/objects';
import { comparePositions, LineIndex, type Range } from '../manifests/text';
import { getString } from '../manifests/nodes';
import { IGNORE_ANNOTATION } from '../manifests/workload-identity';
import type { Finding } from '../rules/types';

const DIRECTIVE = /#\s*wi-doctor-(disable-next-line|disable)\b[ \t]*([^\n#]*)/;

export interface Suppressions {
  file: Set<string>;
  lines: Map<number, Set<string>>;
  objects: { range: Range; ids: Set<string> }[];
}

function idList(text: string): Set<string> {
  return new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean));
}

/** One document's directives and ignore annotations, relative to the document (lines of its chunk, offsets in its text). */
interface DocDirectives {
  file: Set<string>;
  lines: Map<number, Set<string>>;
  objects: { start: number; end: number; ids: Set<string> }[];
}

/** By the document's parse (`doc.lines`): a document that only moved (see `currentOf`) reads none again. */
const perParse = new WeakMap<object, DocDirectives | null>();
const perDoc = new WeakMap<ManifestDoc, Suppressions>();

function readDirectives(doc: ManifestDoc): DocDirectives | null {
  let s = null as DocDirectives | null;
  const make = (): DocDirectives => (s ??= { file: new Set(), lines: new Map(), objects: [] });
  if (doc.text.includes('wi-doctor-disable')) {
    const index = new LineIndex(doc.text);
    for (let line = 0; line < index.lineCount; line++) {
      const text = index.lineText(line);
      if (!text.includes('wi-doctor-disable')) continue;
      const m = DIRECTIVE.exec(text);
      if (!m) continue;
      const ids = idList(m[2]);
      if (ids.size === 0) continue; // by id only: a bare directive suppresses nothing
      if (m[1] === 'disable') {
        for (const id of ids) make().file.add(id);
        continue;
      }
      let target = line + 1;
      while (target < index.lineCount && /^\s*(#.*)?$/.test(index.lineText(target))) target++;
      const set = make().lines.get(target) ?? new Set<string>();
      for (const id of ids) set.add(id);
      make().lines.set(target, set);
    }
  }
  if (doc.text.includes(IGNORE_ANNOTATION)) {
    for (const o of objectsOfDoc(doc)) {
      const v = getString(o.map, 'metadata', 'annotations', IGNORE_ANNOTATION);
      const r = (o.map as { range?: [number, number, number] }).range;
      if (v && r && isMap(o.map)) make().objects.push({ start: r[0], end: r[1], ids: idList(v) });
    }
  }
  return s;
}

/** One document's directives and ignore annotations (null: none), cached with the parse and placed at the document's lines. */
function docSuppressions(doc: ManifestDoc): Suppressions | null {
  const cached = perDoc.get(doc);
  if (cached !== undefined) return cached;
  let rel = perParse.get(doc.lines);
  if (rel === undefined) perParse.set(doc.lines, (rel = readDirectives(doc)));
  if (rel === null) return null; // most documents: nothing to place
  const lines = new Map<number, Set<string>>();
  for (const [line, ids] of rel.lines) lines.set(doc.startLine + line, ids);
  const s: Suppressions = { file: rel.file, lines, objects: rel.objects.map((o) => ({ range: docRange(doc, o.start, o.end), ids: o.ids })) };
  perDoc.set(doc, s);
  return s;
}

export function collectSuppressions(file: ManifestFile): Suppressions {
  const all: Suppressions = { file: new Set(), lines: new Map(), objects: [] };
  for (const doc of file.docs) {
    const s = docSuppressions(doc);
    if (!s) continue;
    for (const id of s.file) all.file.add(id);
    for (const [line, ids] of s.lines) {
      const set = all.lines.get(line) ?? new Set<string>();
      for (const id of ids) set.add(id);
      all.lines.set(line, set);
    }
    for (const o of s.objects) all.objects.push(o);
  }
  return all;
}

function has(ids: Set<string> | undefined, id: string): boolean {
  return !!ids && (ids.has(id) || ids.has('all'));
}

export function isSuppressed(f: Finding, s: Suppressions): boolean {
  if (has(s.file, f.ruleId)) return true;
  if (has(s.lines.get(f.range.start.line), f.ruleId)) return true;
  for (const o of s.objects) {
    if (has(o.ids, f.ruleId) && comparePositions(o.range.start, f.range.start) <= 0 && comparePositions(f.range.start, o.range.end) <= 0) return true;
  }
  return false;
}

/**
 * The edit behind "Disable <rule> for this line": a `# wi-doctor-disable-next-line`
 * comment above the finding's line at its indentation, or the rule id appended to
 * such a comment that is already there.
 */
export function disableForLineEdit(fileName: string, text: string, finding: Finding): import('../manifests/text').TextEdit {
  const index = new LineIndex(text);
  const line = finding.range.start.line;
  const prev = line > 0 ? index.lineText(line - 1) : '';
  const m = /^(\s*#\s*wi-doctor-disable-next-line\b[ \t]*)([^\n#]*?)\s*$/.exec(prev);
  if (m) {
    const end = { line: line - 1, character: prev.replace(/\s+$/, '').length };
    return { file: fileName, range: { start: end, end }, newText: (m[2].trim() ? ', ' : '') + finding.ruleId };
  }
  const current = index.lineText(line);
  const indent = /^[ \t]*(- )?/.exec(current)?.[0].replace('- ', '  ') ?? '';
  const at = { line, character: 0 };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { file: fileName, range: { start: at, end: at }, newText: `${indent}# wi-doctor-disable-next-line ${finding.ruleId}${eol}` };
}

/** The edit behind "Disable <rule> for this file": extends a leading `# wi-doctor-disable` or adds one at the top. */
export function disableForFileEdit(fileName: string, text: string, ruleId: string): import('../manifests/text').TextEdit {
  const index = new LineIndex(text);
  for (let line = 0; line < index.lineCount; line++) {
    const t = index.lineText(line);
    if (!/^\s*#/.test(t)) break;
    const m = /^(\s*#\s*wi-doctor-disable(?!-)\b[ \t]*)([^\n#]*?)\s*$/.exec(t);
    if (m) {
      const end = { line, character: t.replace(/\s+$/, '').length };
      return { file: fileName, range: { start: end, end }, newText: (m[2].trim() ? ', ' : ' ') + ruleId };
    }
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const at = { line: 0, character: 0 };
  return { file: fileName, range: { start: at, end: at }, newText: `# wi-doctor-disable ${ruleId}${eol}` };
}
