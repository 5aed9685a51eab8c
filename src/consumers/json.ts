// Reading plain JSON objects — a manifest's document as `toJSON()` makes it, or an object as the
// API server returns it — without trusting their shape: every accessor answers undefined for a
// value that is absent or of another type. The consumer model (this folder) reads only these.

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path`, when every step is a record. */
export function at(obj: unknown, ...path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of path) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** A string at `path` (numbers and booleans as YAML would write them: a manifest may write `port: 8080`). */
export function str(obj: unknown, ...path: readonly string[]): string | undefined {
  const v = at(obj, ...path);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function rec(obj: unknown, ...path: readonly string[]): Json | undefined {
  const v = at(obj, ...path);
  return isRecord(v) ? v : undefined;
}

export function list(obj: unknown, ...path: readonly string[]): readonly unknown[] {
  const v = at(obj, ...path);
  return Array.isArray(v) ? v : [];
}

/** A status condition as controllers write them. */
export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The object's `Ready` condition, when its controller writes one (External Secrets stores, cert-manager issuers). */
export function readyCondition(obj: unknown): Condition | undefined {
  return list(obj, 'status', 'conditions').find((c): c is Condition => isRecord(c) && c.type === 'Ready');
}

/** A string that is present and not blank. */
export function given(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** `"true"` / `true` as Go's strconv.ParseBool reads true (1, t, T, TRUE, true, True). */
export function goTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v));
}
