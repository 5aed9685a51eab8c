// What a Helm template's maps hold once rendered with the chart's defaults: whether the pod
// template's labels include `azure.workload.identity/use` when they come from
// `{{- include "x.labels" . | nindent 8 }}`, whether a ServiceAccount's annotations carry a
// client ID when they come from `{{- toYaml .Values.serviceAccount.annotations }}`. The
// templates are parsed with their expressions masked (document.ts), so the YAML shows only
// the literal keys; this module reads the actions around them (chart-info.ts) to add the
// keys that helpers and values bring, and to say "unknown" where it cannot tell.

import type { ChartInfo, Rendered } from './chart-info';
import { actionKind, actions, evalCondition, renderedAt, valueAt, valuesPath } from './chart-info';
import { findPair, getNode, nodeRange, pairs } from './nodes';
import type { K8sObject } from './objects';

/** A key of a template's map: certainly there, certainly not, or not knowable before install. */
export type Presence = 'present' | 'absent' | 'unknown';

export interface KeyState {
  readonly state: Presence;
  /**
   * The key itself is written somewhere for this map (in the template, a helper it includes,
   * or the values' defaults), even if only in a branch: the author means it. An `unknown`
   * without it only says that the map takes text the linter cannot read.
   */
  readonly written?: boolean;
  /**
   * For `absent`: absent whatever the values (no branch writes the key, nothing the linter
   * cannot read fills the map) — not merely absent with the chart's defaults.
   */
  readonly never?: boolean;
  /**
   * Offsets (in the object's document text) of the first action that fills the map from a
   * helper or from values — where a finding about a missing key points.
   */
  readonly site?: [number, number];
}

interface Frame {
  state: Rendered;
  taken: boolean;
  unsure: boolean;
  /** With `with .Values.a.b`, what `.` stands for; null when it is not a values path. */
  dot: string[] | null | undefined;
}

interface Scan {
  keys: Map<string, Rendered>;
  /** Something in the region renders text the linter cannot read. */
  open: boolean;
  /** …or would, with other values (it sits in a branch the defaults leave out). */
  openElsewhere: boolean;
  site?: [number, number];
}

const MAX_DEPTH = 10;
const MAX_LINE = 2000;
const KEY_LINE = /^[ \t]*(?:-[ \t]+)?("([^"]*)"|'([^']*)'|([^\s:#'"{][^:#]*?))[ \t]*:(?:[ \t]|$)/;

function combine(a: Rendered, b: Rendered): Rendered {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return 'yes';
}

function note(scan: Scan, key: string, state: Rendered): void {
  const prev = scan.keys.get(key);
  // The strongest claim wins: rendered beats maybe beats not rendered.
  if (!prev || prev === 'no' || (prev === 'unknown' && state === 'yes')) scan.keys.set(key, state);
}

function frameState(stack: Frame[]): Rendered {
  let s: Rendered = 'yes';
  for (const f of stack) s = combine(s, f.state);
  return s;
}

function currentDot(stack: Frame[], outer: string[] | null | undefined): string[] | null | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].dot !== undefined) return stack[i].dot;
  return outer;
}

/**
 * The keys that `text` renders inside [from, to): literal `key:` lines, and those of every
 * helper it includes and every values map it `toYaml`s there. Actions outside the range
 * still open and close blocks, so a key inside `{{- if .Values.x }}` gets that condition.
 */
function scan(text: string, from: number, to: number, chart: ChartInfo | undefined, depth: number, seen: Set<string>, outerDot: string[] | null | undefined, outerState: Rendered, holes: readonly [number, number][] = []): Scan {
  const out: Scan = { keys: new Map(), open: false, openElsewhere: false };
  const inHole = (o: number) => holes.some(([s, e]) => o >= s && o < e);
  const values = chart?.values;
  const stack: Frame[] = [];
  let pos = 0;
  const literal = (start: number, end: number) => {
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (s >= e) return;
    const state = combine(outerState, frameState(stack));
    // Only whole lines can hold a key: a fragment after an inline action continues a value.
    let lineStart = text.lastIndexOf('\n', s - 1) + 1;
    if (lineStart < start) lineStart = text.indexOf('\n', s) + 1 || e;
    while (lineStart < e) {
      const nl = text.indexOf('\n', lineStart);
      const lineEnd = nl === -1 || nl > e ? e : nl;
      // A label or annotation key is short; a huge line is data, and not worth a regex's time.
      const m = inHole(lineStart) || lineEnd - lineStart > MAX_LINE ? null : KEY_LINE.exec(text.slice(lineStart, lineEnd));
      if (m) note(out, (m[2] ?? m[3] ?? m[4]).trim(), state);
      if (nl === -1) break;
      lineStart = nl + 1;
    }
  };
  for (const a of actions(text)) {
    literal(pos, a.start);
    pos = a.end;
    const inside = a.start >= from && a.start < to && !inHole(a.start);
    const kind = actionKind(a.inner);
    if (kind === 'open') {
      const m = /^(if|with|range)\s+([\s\S]*)$/.exec(a.inner);
      const define = !m;
      let state: Rendered = define ? (a.inner.startsWith('define') ? 'no' : 'unknown') : 'unknown';
      let dot: string[] | null | undefined;
      if (m) {
        const cond = m[1] === 'range' ? m[2].replace(/^\$\w+\s*(,\s*\$\w+\s*)?:=\s*/, '') : m[2];
        const v = evalCondition(cond, values);
        state = v === undefined ? 'unknown' : v ? 'yes' : 'no';
        if (m[1] === 'with') dot = valuesPath(cond) ?? null;
        if (m[1] === 'range') dot = null;
      }
      stack.push({ state, taken: state === 'yes', unsure: state === 'unknown', dot });
    } else if (kind === 'else') {
      const f = stack[stack.length - 1];
      if (f) {
        const rest = a.inner.replace(/^else\s*/, '').replace(/^(if|with)\s+/, '');
        const v = rest ? evalCondition(rest, values) : true;
        const st: Rendered = v === undefined ? 'unknown' : v ? 'yes' : 'no';
        f.state = f.taken ? 'no' : f.unsure ? (st === 'no' ? 'no' : 'unknown') : st;
        f.taken ||= f.state === 'yes';
        f.unsure ||= st === 'unknown';
      }
    } else if (kind === 'end') {
      stack.pop();
    } else if (kind === 'other' && inside) {
      const state = combine(outerState, frameState(stack));
      const block = a.standalone || /\|\s*n?indent\b/.test(a.inner);
      if (!block) continue;
      const skipped = state === 'no';
      // What a branch the defaults leave out would render still counts for "whatever the values".
      const opens = () => (skipped ? (out.openElsewhere = true) : (out.open = true));
      if (!skipped) out.site ??= [a.start, a.end];
      const inc = /^(?:include|template)\s+"([^"]+)"/.exec(a.inner);
      const yaml = /^toYaml\s+(\S+)/.exec(a.inner);
      if (inc) {
        const body = chart?.defines.get(inc[1]);
        if (body === undefined || depth >= MAX_DEPTH || seen.has(inc[1])) {
          opens();
          continue;
        }
        const sub = scan(body, 0, body.length, chart, depth + 1, new Set([...seen, inc[1]]), currentDot(stack, outerDot), state);
        for (const [k, st] of sub.keys) note(out, k, st);
        if (sub.open) opens();
        out.openElsewhere ||= sub.openElsewhere;
      } else if (yaml) {
        const path = yaml[1] === '.' ? currentDot(stack, outerDot) : valuesPath(yaml[1]);
        const v = path && values !== undefined ? valueAt(values, path) : undefined;
        if (v && typeof v === 'object' && !Array.isArray(v)) for (const k of Object.keys(v)) note(out, k, state);
        // A values map is a default: whoever installs the chart can add to it.
        opens();
      } else {
        opens();
      }
    }
  }
  literal(pos, text.length);
  return out;
}

/** The lines below the key at `keyStart` that belong to its value (deeper, or template actions only). */
function regionAfter(text: string, keyStart: number): [number, number] {
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = keyStart - lineStart;
  let end = text.indexOf('\n', keyStart);
  if (end === -1) return [keyStart, text.length];
  let pos = end + 1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(pos, lineEnd);
    const bare = line.replace(/\{\{[\s\S]*?\}\}/g, '').replace(/#.*$/, '');
    if (bare.trim() !== '' && /^[ \t]*/.exec(line)![0].length <= indent) break;
    end = lineEnd;
    if (nl === -1) break;
    pos = nl + 1;
  }
  return [keyStart, end];
}

/**
 * Whether `key` is in the map at `path` (from the object's root, e.g. the pod template's
 * `metadata.labels`) once rendered with the chart's defaults. Outside Helm templates that is
 * just whether the key is written there.
 */
export function keyState(obj: K8sObject, path: readonly string[], key: string): KeyState {
  const map = getNode(obj.map, ...path);
  const literal = findPair(map, key);
  const doc = obj.doc;
  if (!doc.templated) return literal ? { state: 'present', written: true } : { state: 'absent', written: false, never: true };
  const chart = obj.context?.chart;
  // The deepest pair on the path that is written: its lines are where the map's content comes
  // from. When the path stops short (no `labels:` yet), the written children of that map (a
  // pod template's `spec:`) are holes: what renders inside them cannot become its labels.
  let region: [number, number] | undefined;
  const holes: [number, number][] = [];
  for (let i = path.length; i >= 1 && !region; i--) {
    const pair = findPair(getNode(obj.map, ...path.slice(0, i - 1)), path[i - 1]);
    const r = nodeRange(pair?.key);
    if (!r) continue;
    region = regionAfter(doc.text, r[0]);
    if (i < path.length) {
      for (const child of pairs(getNode(obj.map, ...path.slice(0, i)))) {
        const cr = nodeRange(child.key);
        if (cr) holes.push(regionAfter(doc.text, cr[0]));
      }
    }
  }
  if (!region) {
    const r = nodeRange(obj.map);
    region = r ? [r[0], r[2]] : [0, doc.text.length];
  }
  const s = scan(doc.text, region[0], region[1], chart, 0, new Set(), undefined, 'yes', holes);
  const st = s.keys.get(key);
  const written = st !== undefined || !!literal;
  if (st === 'yes') return { state: 'present', written, site: s.site };
  if (st === 'unknown' || s.open) return { state: 'unknown', written, site: s.site };
  // A literal pair the scan did not see (a flow map on the key's line) is there.
  if (literal && st === undefined) return { state: 'present', written, site: s.site };
  // Inside a false `if` it is absent by default, but other values render it.
  return { state: 'absent', written, never: st === undefined && !s.openElsewhere, site: s.site };
}

/** Whether the object itself renders with the chart's defaults (a template wrapped in `{{- if }}`). */
export function objectRendered(obj: K8sObject): Rendered {
  if (!obj.doc.templated) return 'yes';
  const r = nodeRange(obj.map);
  return renderedAt(obj.doc.text, obj.context?.chart?.values)(r ? r[0] : 0);
}

/** Whether the node at `offset` of the object's document renders with the defaults. */
export function renderedNode(obj: K8sObject, node: unknown): Rendered {
  if (!obj.doc.templated) return 'yes';
  const r = nodeRange(node);
  return r ? renderedAt(obj.doc.text, obj.context?.chart?.values)(r[0]) : 'unknown';
}
