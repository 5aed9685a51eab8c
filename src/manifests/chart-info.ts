// What the linter knows of a Helm chart beyond the templates themselves: the `define`
// blocks of its `.tpl` helpers and the defaults of its `values.yaml`, plus the small
// reader of Go-template actions both need. A leaf module (no Kubernetes objects here):
// helm.ts uses it to say what a template's labels or annotations are.
//
// The semantics are those of `helm template` with the chart's own defaults, as far as a
// simple expression decides it: `if .Values.a.b`, `with .Values.a.b`, `toYaml .Values.a.b`,
// `not` / `and` / `or` / `eq` / `ne` of those. Anything else (a function, a variable, a
// value the user passes at install) is unknown, and rules say at most "info" about it.

import { parse as parseYaml } from 'yaml';

export interface ChartInfo {
  /** The chart's folder (a path key). */
  readonly root: string;
  /** `name` from Chart.yaml, when it parses. */
  readonly name: string | undefined;
  /** `define` name -> its body text, from every `.tpl` of the chart (and of charts above it). */
  readonly defines: ReadonlyMap<string, string>;
  /** values.yaml as data; undefined when the chart has none or it does not parse. */
  readonly values: unknown;
  /** Changes whenever any of the above does (what the index compares instead of the texts). */
  readonly serial: number;
}

/** values.yaml larger than this is not read (its defaults are then unknown). */
const MAX_VALUES_BYTES = 1024 * 1024;

/** Chart.yaml's name, or a reason it cannot be read. */
export function readChartYaml(text: string): { name?: string; problem?: string } {
  try {
    const data = parseYaml(text, { prettyErrors: false }) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return { problem: 'is not a mapping' };
    const name = (data as Record<string, unknown>).name;
    return typeof name === 'string' ? { name } : { problem: 'has no name' };
  } catch (e) {
    return { problem: `does not parse (${(e as Error).message.split('\n')[0]})` };
  }
}

export function readValues(text: string): { values?: unknown; problem?: string } {
  if (text.length > MAX_VALUES_BYTES) return { problem: `is larger than ${MAX_VALUES_BYTES / 1024} KiB; its defaults are not read` };
  try {
    const values = parseYaml(text, { prettyErrors: false, maxAliasCount: 1000 }) as unknown;
    return { values: values ?? {} };
  } catch (e) {
    return { problem: `does not parse (${(e as Error).message.split('\n')[0]}); its defaults are not read` };
  }
}

export interface Action {
  /** Offsets of `{{` and just after `}}` in the text scanned. */
  readonly start: number;
  readonly end: number;
  /** The action without its braces, trim markers and surrounding white space. */
  readonly inner: string;
  /** Nothing but white space shares its line: it renders a block of its own, not a value. */
  readonly standalone: boolean;
}

const ACTION = /\{\{-?(\s*\/\*[\s\S]*?\*\/\s*)-?\}\}|\{\{-?([\s\S]*?)-?\}\}/g;

export function actions(text: string): Action[] {
  if (!text.includes('{{')) return [];
  const out: Action[] = [];
  for (const m of text.matchAll(ACTION)) {
    const start = m.index!;
    const end = start + m[0].length;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', end);
    const before = text.slice(lineStart, start);
    const after = text.slice(end, nl === -1 ? text.length : nl);
    out.push({ start, end, inner: (m[1] ?? m[2]).trim(), standalone: /^\s*$/.test(before) && /^\s*(#.*)?$/.test(after) });
  }
  return out;
}

export type ActionKind = 'open' | 'else' | 'end' | 'comment' | 'other';

/** What an action does to the block structure: `if`/`with`/`range`/`define`/`block` open one, `end` closes it. */
export function actionKind(inner: string): ActionKind {
  if (inner.startsWith('/*')) return 'comment';
  const word = /^[a-z]+/.exec(inner)?.[0];
  if (word === 'if' || word === 'with' || word === 'range' || word === 'define' || word === 'block') return 'open';
  if (word === 'else') return 'else';
  if (word === 'end') return 'end';
  return 'other';
}

/** Every `define "name"` of a helpers text, with its body (nested blocks kept). Unbalanced text yields what closed. */
export function parseDefines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const acts = actions(text);
  for (let i = 0; i < acts.length; i++) {
    const m = /^define\s+"([^"]+)"/.exec(acts[i].inner);
    if (!m) continue;
    let depth = 1;
    let j = i + 1;
    for (; j < acts.length && depth > 0; j++) {
      const k = actionKind(acts[j].inner);
      if (k === 'open') depth++;
      else if (k === 'end') depth--;
    }
    if (depth !== 0) break; // an unclosed define: the rest of the file is its body, and unreliable
    out.set(m[1], text.slice(acts[i].end, acts[j - 1].start));
    i = j - 1;
  }
  return out;
}

/** `.Values.a.b` (or `$.Values.a.b`) as a path, else undefined. */
export function valuesPath(expr: string): string[] | undefined {
  const m = /^\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/.exec(expr.trim());
  return m ? m[1].split('.').filter(Boolean) : undefined;
}

/** The default at `path` in values (undefined: absent; the caller tells an unknown values file apart). */
export function valueAt(values: unknown, path: readonly string[]): unknown {
  let cur = values;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Go templates' truth: false, 0, nil and empty strings, maps and lists are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

type Operand = { known: true; value: unknown } | { known: false };
const UNKNOWN: Operand = { known: false };

function operand(token: string, values: unknown): Operand {
  if (/^"(?:[^"\\]|\\.)*"$/.test(token)) return { known: true, value: JSON.parse(token) as unknown };
  if (token === 'true' || token === 'false') return { known: true, value: token === 'true' };
  if (/^-?\d+$/.test(token)) return { known: true, value: Number(token) };
  const path = valuesPath(token);
  if (path && values !== undefined) return { known: true, value: valueAt(values, path) };
  return UNKNOWN;
}

/**
 * The value of a condition (`if`, `with`) under the chart's defaults, or undefined when it
 * is not a simple one. Pipelines, parentheses, variables and other functions are unknown.
 */
export function evalCondition(expr: string, values: unknown): boolean | undefined {
  if (/[|()$]/.test(expr.replace(/\$\.Values/g, '.Values')) || /:=|=/.test(expr)) return undefined;
  const tokens = expr.trim().match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const [head, ...args] = tokens;
  if (head === undefined) return undefined;
  const ops = args.map((t) => operand(t, values));
  const allKnown = ops.every((o) => o.known);
  const val = (o: Operand) => (o.known ? o.value : undefined);
  switch (head) {
    case 'not':
      return args.length === 1 && allKnown ? !truthy(val(ops[0])) : undefined;
    case 'and':
      if (ops.some((o) => o.known && !truthy(o.value))) return false;
      return allKnown ? true : undefined;
    case 'or':
      if (ops.some((o) => o.known && truthy(o.value))) return true;
      return allKnown ? false : undefined;
    case 'eq':
    case 'ne':
      if (args.length !== 2 || !allKnown) return undefined;
      return (val(ops[0]) === val(ops[1])) === (head === 'eq');
    default: {
      if (args.length) return undefined;
      const o = operand(head, values);
      return o.known ? truthy(o.value) : undefined;
    }
  }
}

/** Whether a piece of template text renders with the chart's defaults. */
export type Rendered = 'yes' | 'no' | 'unknown';

interface Frame {
  state: Rendered;
  /** An earlier branch of this if/else chain was known to render. */
  taken: boolean;
  /** An earlier branch's condition was unknown. */
  unsure: boolean;
}

function branch(cond: string, kind: 'if' | 'with' | 'range' | 'other', values: unknown): Rendered {
  if (kind === 'other') return 'unknown';
  const v = evalCondition(cond, values);
  return v === undefined ? 'unknown' : v ? 'yes' : 'no';
}

function conditionOf(inner: string): { kind: 'if' | 'with' | 'range' | 'other'; cond: string } {
  const m = /^(if|with|range)\s+([\s\S]*)$/.exec(inner);
  if (!m) return { kind: 'other', cond: '' };
  // `range $i, $x := .Values.list`: the list decides whether the body renders at all.
  const cond = m[1] === 'range' ? m[2].replace(/^\$\w+\s*(,\s*\$\w+\s*)?:=\s*/, '') : m[2];
  return { kind: m[1] as 'if' | 'with' | 'range', cond };
}

/**
 * Walks the block structure of `text` and returns, for an offset, whether that point renders
 * with the defaults. `define` bodies never render where they are written. A text with more
 * `end`s than openings sits inside a block opened elsewhere: all of it is unknown.
 */
export function renderedAt(text: string, values: unknown): (offset: number) => Rendered {
  const acts = actions(text);
  if (acts.length === 0) return () => 'yes';
  // Transitions: after action i ends, the state is states[i].
  const ends: number[] = [];
  const states: Rendered[] = [];
  const stack: Frame[] = [];
  let outer: Rendered = 'yes';
  const current = (): Rendered => {
    let s: Rendered = outer;
    for (const f of stack) {
      if (f.state === 'no') return 'no';
      if (f.state === 'unknown') s = 'unknown';
    }
    return s;
  };
  for (const a of acts) {
    const kind = actionKind(a.inner);
    if (kind === 'open') {
      if (a.inner.startsWith('define') || a.inner.startsWith('block')) stack.push({ state: a.inner.startsWith('define') ? 'no' : 'unknown', taken: false, unsure: false });
      else {
        const c = conditionOf(a.inner);
        const st = branch(c.cond, c.kind, values);
        stack.push({ state: st, taken: st === 'yes', unsure: st === 'unknown' });
      }
    } else if (kind === 'else') {
      const f = stack[stack.length - 1];
      if (f) {
        const rest = a.inner.replace(/^else\s*/, '');
        const st: Rendered = rest ? branch(conditionOf(rest).cond, conditionOf(rest).kind, values) : 'yes';
        if (f.taken) f.state = 'no';
        else if (f.unsure) f.state = st === 'no' ? 'no' : 'unknown';
        else f.state = st;
        f.taken ||= f.state === 'yes';
        f.unsure ||= st === 'unknown';
      }
    } else if (kind === 'end') {
      if (stack.length) stack.pop();
      else outer = 'unknown';
    }
    ends.push(a.end);
    states.push(current());
  }
  if (outer === 'unknown') return () => 'unknown';
  return (offset) => {
    let lo = 0;
    let hi = ends.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found === -1 ? 'yes' : states[found];
  };
}
