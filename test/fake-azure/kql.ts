// A small subset of the Kusto Query Language, as Azure Resource Graph runs it: a table, then
// `where`, `project`, `extend`, `limit`/`take`, `order by` and `join kind=leftouter|inner|innerunique
// (<query>) on <column>` (Kusto names a right-hand column that clashes `<name>1`), over rows of JSON. Scalar
// expressions: `==`, `!=`, `=~`, `!~`, `in`, `in~`, `!in`, `!in~`, `contains`, `has`,
// `startswith`, `and`, `or`, parentheses, literals (adjacent string literals concatenate, as in
// KQL), dotted and bracketed property paths (case-sensitive, like dynamic values in Kusto) and
// a few functions (tostring, tolower, toupper, tobool, isempty, isnotempty, isnull, isnotnull,
// not, strcat). Anything else is a KqlError, which the ARM server turns into Resource Graph's
// InvalidQuery answer.

type Json = Record<string, any>;

export class KqlError extends Error {
  constructor(
    message: string,
    /** Resource Graph's detail code: ParserFailure, UnknownFunction, FailedToResolveScalarExpression, ... */
    readonly code: string,
    readonly position: number,
    readonly token: string,
  ) {
    super(message);
  }
}

// ---- Tokens ---------------------------------------------------------------------------------------

interface Tok {
  kind: 'ident' | 'string' | 'number' | 'op' | 'eof';
  value: string;
  pos: number;
  /** For strings: the decoded value. */
  text?: string;
}

const OPS = ['==', '!=', '=~', '!~', '<=', '>=', '|', '(', ')', ',', '.', '[', ']', '=', '<', '>', '!', '-'];

function readString(q: string, start: number): { text: string; end: number } {
  let i = start;
  let verbatim = false;
  if (q[i] === '@') {
    verbatim = true;
    i++;
  }
  const quote = q[i]!;
  i++;
  let out = '';
  for (;;) {
    if (i >= q.length) throw new KqlError('Unterminated string literal', 'ParserFailure', start, q.slice(start, start + 10));
    const c = q[i]!;
    if (verbatim && c === quote && q[i + 1] === quote) {
      out += quote;
      i += 2;
      continue;
    }
    if (c === quote) return { text: out, end: i + 1 };
    if (!verbatim && c === '\\') {
      const n = q[i + 1];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : (n ?? '');
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
}

export function tokenize(q: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && q[i + 1] === '/') {
      while (i < q.length && q[i] !== '\n') i++;
      continue;
    }
    if (c === "'" || c === '"' || (c === '@' && (q[i + 1] === "'" || q[i + 1] === '"'))) {
      const s = readString(q, i);
      toks.push({ kind: 'string', value: q.slice(i, s.end), pos: i, text: s.text });
      i = s.end;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(q.slice(i))!;
      toks.push({ kind: 'number', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(q.slice(i))!;
      let v = m[0];
      // `in~`, `contains_cs`-style operators are one token in KQL.
      if ((v === 'in' || v === 'has' || v === 'contains' || v === 'startswith') && q[i + v.length] === '~') v += '~';
      toks.push({ kind: 'ident', value: v, pos: i });
      i += v.length;
      continue;
    }
    const op = OPS.find((o) => q.startsWith(o, i));
    if (!op) throw new KqlError(`Unexpected character '${c}'`, 'ParserFailure', i, c);
    toks.push({ kind: 'op', value: op, pos: i });
    i += op.length;
  }
  toks.push({ kind: 'eof', value: '<EOF>', pos: q.length });
  return toks;
}

// ---- Syntax -----------------------------------------------------------------------------------------

export type Expr =
  | { k: 'lit'; v: unknown }
  | { k: 'path'; root: string; segs: string[]; pos: number }
  | { k: 'call'; fn: string; args: Expr[]; pos: number }
  | { k: 'cmp'; op: string; l: Expr; r: Expr }
  | { k: 'in'; neg: boolean; ci: boolean; l: Expr; list: Expr[] }
  | { k: 'and' | 'or'; l: Expr; r: Expr };

export interface ProjectItem {
  name: string;
  expr: Expr;
}

export type Stage =
  | { op: 'where'; expr: Expr }
  | { op: 'project' | 'extend'; items: ProjectItem[] }
  | { op: 'limit'; n: number }
  | { op: 'order'; keys: { expr: Expr; desc: boolean }[] }
  | { op: 'join'; kind: 'leftouter' | 'inner' | 'innerunique'; right: Query; on: { name: string; pos: number }[] };

export interface Query {
  table: string;
  tablePos: number;
  stages: Stage[];
}

const CMP = new Set(['==', '!=', '=~', '!~', '<', '>', '<=', '>=', 'contains', 'contains~', '!contains', 'has', 'has~', '!has', 'startswith', 'startswith~', '!startswith', 'contains_cs', 'has_cs']);
const FUNCTIONS = new Set(['tostring', 'tolower', 'toupper', 'tobool', 'toboolean', 'isempty', 'isnotempty', 'isnull', 'isnotnull', 'not', 'strcat']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }

  private next(): Tok {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private fail(t: Tok = this.peek()): never {
    throw new KqlError(`Syntax error near '${t.value}'`, 'ParserFailure', t.pos, t.value);
  }

  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'op' && t.value === v;
  }

  private isWord(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'ident' && t.value === v;
  }

  private expectOp(v: string): Tok {
    if (!this.isOp(v)) this.fail();
    return this.next();
  }

  private ident(): Tok {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail();
    return this.next();
  }

  query(): Query {
    const q = this.pipeline();
    if (this.peek().kind !== 'eof') this.fail();
    return q;
  }

  /** A table and its stages, up to the end or a closing parenthesis (a join's right side). */
  private pipeline(): Query {
    const table = this.ident();
    const stages: Stage[] = [];
    while (this.isOp('|')) {
      this.next();
      stages.push(this.stage());
    }
    return { table: table.value, tablePos: table.pos, stages };
  }

  /** `join [kind=leftouter|inner|innerunique] (<query>) on col[, col]`; Kusto's default kind is innerunique. */
  private join(): Stage {
    let kind: 'leftouter' | 'inner' | 'innerunique' = 'innerunique';
    if (this.isWord('kind')) {
      this.next();
      this.expectOp('=');
      const k = this.ident();
      if (k.value !== 'leftouter' && k.value !== 'inner' && k.value !== 'innerunique') throw new KqlError(`Unsupported join kind '${k.value}'`, 'ParserFailure', k.pos, k.value);
      kind = k.value;
    }
    this.expectOp('(');
    const right = this.pipeline();
    this.expectOp(')');
    if (!this.isWord('on')) this.fail();
    this.next();
    const on: { name: string; pos: number }[] = [];
    do {
      if (on.length) this.next();
      const c = this.ident();
      on.push({ name: c.value, pos: c.pos });
    } while (this.isOp(','));
    return { op: 'join', kind, right, on };
  }

  private stage(): Stage {
    const t = this.ident();
    switch (t.value) {
      case 'where':
        return { op: 'where', expr: this.expr() };
      case 'join':
        return this.join();
      case 'project':
      case 'extend':
        return { op: t.value, items: this.projectList(t.value) };
      case 'limit':
      case 'take': {
        const n = this.next();
        if (n.kind !== 'number') this.fail(n);
        return { op: 'limit', n: Number(n.value) };
      }
      case 'order':
      case 'sort': {
        if (!this.isWord('by')) this.fail();
        this.next();
        const keys: { expr: Expr; desc: boolean }[] = [];
        do {
          if (keys.length) this.next();
          const expr = this.expr();
          let desc = true; // Kusto sorts descending unless told otherwise
          if (this.isWord('asc') || this.isWord('desc')) desc = this.next().value === 'desc';
          keys.push({ expr, desc });
        } while (this.isOp(','));
        return { op: 'order', keys };
      }
      default:
        throw new KqlError(`Unsupported or unknown query operator '${t.value}'`, 'ParserFailure', t.pos, t.value);
    }
  }

  private projectList(op: string): ProjectItem[] {
    const items: ProjectItem[] = [];
    do {
      if (items.length) this.next();
      if (this.peek().kind === 'ident' && this.isOp('=', 1)) {
        const name = this.next().value;
        this.next();
        items.push({ name, expr: this.expr() });
      } else {
        const start = this.peek();
        const expr = this.expr();
        if (op === 'extend' && expr.k !== 'path') this.fail(start);
        items.push({ name: columnName(expr, items.length), expr });
      }
    } while (this.isOp(','));
    return items;
  }

  expr(): Expr {
    return this.chain('or', () => this.and());
  }

  private and(): Expr {
    return this.chain('and', () => this.comparison());
  }

  /** `operand (word operand)*`, grouped from the left. */
  private chain(word: 'and' | 'or', operand: () => Expr): Expr {
    let l = operand();
    while (this.isWord(word)) {
      this.next();
      l = { k: word, l, r: operand() };
    }
    return l;
  }

  private comparison(): Expr {
    const l = this.primary();
    const t = this.peek();
    // `!in`, `!in~`, `!contains`, ...: a `!` token followed by the word.
    if (t.kind === 'op' && t.value === '!' && this.peek(1).kind === 'ident') {
      const w = this.peek(1).value;
      if (w === 'in' || w === 'in~') {
        this.next();
        this.next();
        return { k: 'in', neg: true, ci: w === 'in~', l, list: this.list() };
      }
      if (CMP.has(`!${w}`)) {
        this.next();
        this.next();
        return { k: 'cmp', op: `!${w}`, l, r: this.primary() };
      }
      this.fail(this.peek(1));
    }
    if (t.kind === 'ident' && (t.value === 'in' || t.value === 'in~')) {
      this.next();
      return { k: 'in', neg: false, ci: t.value === 'in~', l, list: this.list() };
    }
    if ((t.kind === 'op' || t.kind === 'ident') && CMP.has(t.value)) {
      this.next();
      return { k: 'cmp', op: t.value, l, r: this.primary() };
    }
    return l;
  }

  /** `(a, b, ...)`, possibly empty. */
  private list(item: () => Expr = () => this.primary()): Expr[] {
    this.expectOp('(');
    const out: Expr[] = [];
    if (!this.isOp(')')) {
      do {
        if (out.length) this.next();
        out.push(item());
      } while (this.isOp(','));
    }
    this.expectOp(')');
    return out;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.value === '(') {
      this.next();
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'string') {
      // Adjacent string literals are one string in KQL: 'it''s' is "its", not "it's".
      let s = '';
      while (this.peek().kind === 'string') s += this.next().text!;
      return { k: 'lit', v: s };
    }
    if (t.kind === 'number') {
      this.next();
      return { k: 'lit', v: Number(t.value) };
    }
    if (t.kind === 'op' && t.value === '-' && this.peek(1).kind === 'number') {
      this.next();
      return { k: 'lit', v: -Number(this.next().value) };
    }
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') {
        this.next();
        return { k: 'lit', v: t.value === 'true' };
      }
      if (t.value === 'null') {
        this.next();
        return { k: 'lit', v: null };
      }
      if (this.isOp('(', 1)) {
        if (!FUNCTIONS.has(t.value)) throw new KqlError(`Unknown function: '${t.value}'.`, 'UnknownFunction', t.pos, t.value);
        this.next();
        return { k: 'call', fn: t.value, args: this.list(() => this.expr()), pos: t.pos };
      }
      this.next();
      const segs: string[] = [];
      for (;;) {
        if (this.isOp('.') && this.peek(1).kind === 'ident') {
          this.next();
          segs.push(this.next().value);
        } else if (this.isOp('[')) {
          this.next();
          const k = this.next();
          if (k.kind === 'string') segs.push(k.text!);
          else if (k.kind === 'number') segs.push(k.value);
          else this.fail(k);
          this.expectOp(']');
        } else break;
      }
      return { k: 'path', root: t.value, segs, pos: t.pos };
    }
    this.fail();
  }
}

/** The column name Kusto gives an unnamed projection: `properties.clientId` -> properties_clientId. */
function columnName(e: Expr, index: number): string {
  if (e.k === 'path') return [e.root, ...e.segs].join('_');
  if (e.k === 'call') {
    const inner = e.args.find((a) => a.k === 'path');
    if (inner) return columnName(inner, index);
  }
  return `Column${index + 1}`;
}

export function parseQuery(text: string): Query {
  return new Parser(tokenize(text)).query();
}

// ---- Evaluation ------------------------------------------------------------------------------------

/** tostring(): null and missing values are "", objects their JSON. */
export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as number | boolean | bigint | symbol);
}

function lookup(row: Json, root: string, segs: string[]): unknown {
  let v: unknown = row[root];
  for (const s of segs) {
    if (v === null || v === undefined || typeof v !== 'object') return null;
    // Kusto's dynamic property access is case-sensitive: properties.issuerUrl is not issuerURL.
    v = Array.isArray(v) ? v[Number(s)] : Object.prototype.hasOwnProperty.call(v, s) ? (v as Json)[s] : null;
  }
  return v === undefined ? null : v;
}

function equal(a: unknown, b: unknown, ci: boolean): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  const x = str(a);
  const y = str(b);
  return ci ? x.toLowerCase() === y.toLowerCase() : x === y;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function hasTerm(hay: string, term: string): boolean {
  if (!term) return true;
  const h = hay.toLowerCase();
  const t = term.toLowerCase();
  let i = h.indexOf(t);
  while (i !== -1) {
    const before = i === 0 ? '' : h[i - 1]!;
    const after = h[i + t.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    i = h.indexOf(t, i + 1);
  }
  return false;
}

export function evaluate(e: Expr, row: Json): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'path':
      return lookup(row, e.root, e.segs);
    case 'and':
      return evaluate(e.l, row) === true && evaluate(e.r, row) === true;
    case 'or':
      return evaluate(e.l, row) === true || evaluate(e.r, row) === true;
    case 'in': {
      const l = evaluate(e.l, row);
      const hit = e.list.some((x) => equal(l, evaluate(x, row), e.ci));
      return e.neg ? !hit : hit;
    }
    case 'cmp': {
      const l = evaluate(e.l, row);
      const r = evaluate(e.r, row);
      switch (e.op) {
        case '==':
          return equal(l, r, false);
        case '!=':
          return !equal(l, r, false);
        case '=~':
          return equal(l, r, true);
        case '!~':
          return !equal(l, r, true);
        case '<':
          return compare(l, r) < 0;
        case '>':
          return compare(l, r) > 0;
        case '<=':
          return compare(l, r) <= 0;
        case '>=':
          return compare(l, r) >= 0;
        case 'contains':
        case 'contains~':
          return str(l).toLowerCase().includes(str(r).toLowerCase());
        case '!contains':
          return !str(l).toLowerCase().includes(str(r).toLowerCase());
        case 'contains_cs':
          return str(l).includes(str(r));
        case 'has':
        case 'has~':
          return hasTerm(str(l), str(r));
        case '!has':
          return !hasTerm(str(l), str(r));
        case 'has_cs':
          return str(l).includes(str(r)) && hasTerm(str(l), str(r));
        case 'startswith':
        case 'startswith~':
          return str(l).toLowerCase().startsWith(str(r).toLowerCase());
        case '!startswith':
          return !str(l).toLowerCase().startsWith(str(r).toLowerCase());
      }
      return false;
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, row));
      const [a] = args;
      switch (e.fn) {
        case 'tostring':
          return str(a);
        case 'tolower':
          return str(a).toLowerCase();
        case 'toupper':
          return str(a).toUpperCase();
        case 'tobool':
        case 'toboolean':
          return typeof a === 'boolean' ? a : str(a).toLowerCase() === 'true' ? true : str(a).toLowerCase() === 'false' ? false : null;
        case 'isempty':
          return a === null || a === undefined || a === '';
        case 'isnotempty':
          return !(a === null || a === undefined || a === '');
        case 'isnull':
          return a === null || a === undefined;
        case 'isnotnull':
          return !(a === null || a === undefined);
        case 'not':
          return a !== true;
        case 'strcat':
          return args.map(str).join('');
      }
      return null;
    }
  }
}

/** Every column name an expression reads, with its position, for "Failed to resolve" errors. */
function columnsOf(e: Expr, out: { name: string; pos: number }[] = []): { name: string; pos: number }[] {
  switch (e.k) {
    case 'path':
      out.push({ name: e.root, pos: e.pos });
      break;
    case 'call':
      e.args.forEach((a) => columnsOf(a, out));
      break;
    case 'cmp':
    case 'and':
    case 'or':
      columnsOf(e.l, out);
      columnsOf(e.r, out);
      break;
    case 'in':
      columnsOf(e.l, out);
      e.list.forEach((a) => columnsOf(a, out));
      break;
    case 'lit':
      break; // a literal reads no column
  }
  return out;
}

function checkColumns(e: Expr, schema: Set<string>): void {
  for (const c of columnsOf(e)) {
    if (!schema.has(c.name)) throw new KqlError(`Failed to resolve scalar expression named '${c.name}'`, 'FailedToResolveScalarExpression', c.pos, c.name);
  }
}

export interface Table {
  columns: readonly string[];
  rows: Json[];
}

export interface QueryResult {
  columns: string[];
  rows: Json[];
}

/** Run a parsed query against the tables (names matched case-insensitively, as Resource Graph does). */
export function run(q: Query, tables: Record<string, Table>): QueryResult {
  const tableName = Object.keys(tables).find((k) => k.toLowerCase() === q.table.toLowerCase());
  if (!tableName) throw new KqlError(`Failed to resolve table or column expression named '${q.table}'`, 'FailedToResolveTableOrColumnExpression', q.tablePos, q.table);
  const table = tables[tableName]!;
  let columns = [...table.columns];
  let rows = table.rows;
  for (const s of q.stages) {
    const schema = new Set(columns);
    switch (s.op) {
      case 'where':
        checkColumns(s.expr, schema);
        rows = rows.filter((r) => evaluate(s.expr, r) === true);
        break;
      case 'project':
      case 'extend': {
        s.items.forEach((it) => checkColumns(it.expr, schema));
        const names = s.items.map((it) => it.name);
        rows = rows.map((r) => {
          const out: Json = s.op === 'extend' ? { ...r } : {};
          for (const it of s.items) out[it.name] = evaluate(it.expr, r);
          return out;
        });
        columns = s.op === 'extend' ? [...columns, ...names.filter((n) => !schema.has(n))] : names;
        break;
      }
      case 'limit':
        rows = rows.slice(0, s.n);
        break;
      case 'join': {
        const right = run(s.right, tables);
        for (const k of s.on) {
          if (!schema.has(k.name) || !right.columns.includes(k.name)) throw new KqlError(`Failed to resolve column named '${k.name}'`, 'FailedToResolveScalarExpression', k.pos, k.name);
        }
        // Kusto renames a right-hand column whose name the left already has: subscriptionId -> subscriptionId1.
        const rename = new Map(right.columns.map((c) => [c, schema.has(c) ? `${c}1` : c]));
        const key = (r: Json): string => JSON.stringify(s.on.map((k) => r[k.name] ?? null));
        const byKey = new Map<string, Json[]>();
        for (const r of right.rows) byKey.set(key(r), [...(byKey.get(key(r)) ?? []), r]);
        const joined: Json[] = [];
        // innerunique (Kusto's default) keeps one left row per key before matching.
        const seenLeft = new Set<string>();
        for (const l of rows) {
          if (s.kind === 'innerunique') {
            if (seenLeft.has(key(l))) continue;
            seenLeft.add(key(l));
          }
          const matches = byKey.get(key(l)) ?? [];
          if (!matches.length && s.kind === 'leftouter') joined.push({ ...l, ...Object.fromEntries([...rename.values()].map((c) => [c, null])) });
          for (const m of matches) joined.push({ ...l, ...Object.fromEntries(right.columns.map((c) => [rename.get(c)!, m[c]])) });
        }
        rows = joined;
        columns = [...columns, ...rename.values()];
        break;
      }
      case 'order':
        s.keys.forEach((k) => checkColumns(k.expr, schema));
        rows = [...rows].sort((a, b) => {
          for (const k of s.keys) {
            const c = compare(evaluate(k.expr, a), evaluate(k.expr, b));
            if (c) return k.desc ? -c : c;
          }
          return 0;
        });
        break;
    }
  }
  // A row carries exactly the schema's columns (missing values as null, as Kusto prints them).
  return { columns, rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] === undefined ? null : r[c]]))) };
}
