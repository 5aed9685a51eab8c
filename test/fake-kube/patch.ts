// The patch formats of the Kubernetes API: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902), strategic merge patch, and server-side apply (approximated: the applied
// configuration is merged like a strategic patch; field ownership is not tracked). The strategic one is merge patch plus the schema's
// list merge keys (containers by name, volumeMounts by mountPath...) and the `$patch`,
// `$setElementOrder/...`, `$deleteFromPrimitiveList/...` and `$retainKeys` directives that
// kubectl emits. The merge keys are looked up by field name, which is exact for the pod
// and workload types the fake server stores.

import { isDeepStrictEqual } from 'node:util';

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const CONTENT_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  return CONTENT_TYPES[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];
}

export class PatchError extends Error {}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function applyPatch(target: unknown, patch: unknown, type: PatchType): any {
  switch (type) {
    case 'merge':
      return mergePatch(target, patch);
    case 'strategic':
    case 'apply':
      return strategicMergePatch(target, patch);
    case 'json':
      return jsonPatch(target, patch);
  }
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else (lists too) replaces. */
export function mergePatch(target: unknown, patch: unknown): any {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---- Strategic merge patch -----------------------------------------------------------

/** patchMergeKey per list field, from the core/apps/batch Go types. */
const MERGE_KEYS: Record<string, string | ((items: any[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  // Container ports merge on containerPort, Service ports on port.
  ports: (items) => (items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port'),
};
/** Lists of scalars whose strategy is `merge` (set union) rather than replace. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: unknown, patch: unknown): any {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return stripDirectives(rest);
  }
  const out: Record<string, any> = isObject(target) ? clone(target) : {};
  const orders: [string, any[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (k === '$retainKeys') continue; // applied below, after the merge
    if (k.startsWith('$setElementOrder/')) {
      orders.push([k.slice('$setElementOrder/'.length), v as any[]]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field])) out[field] = out[field].filter((x: unknown) => !(v as unknown[]).includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v);
    } else {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  for (const [field, order] of orders) if (Array.isArray(out[field])) out[field] = reorder(field, out[field], order);
  if (Array.isArray(patch.$retainKeys)) {
    for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
  }
  return out;
}

function mergeKeyFor(field: string, items: any[]): string | undefined {
  const k = MERGE_KEYS[field];
  return typeof k === 'function' ? k(items) : k;
}

function mergeList(field: string, current: unknown, patch: any[]): any[] {
  const cur = Array.isArray(current) ? current : [];
  // A `{$patch: replace}` element means "the rest of this list replaces the old one".
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return stripDirectives(patch.filter((p) => !(isObject(p) && p.$patch === 'replace')));
  if (MERGED_PRIMITIVE_LISTS.has(field)) return [...cur, ...patch.filter((p) => !cur.includes(p))];
  const key = mergeKeyFor(field, [...cur, ...patch]);
  if (!key) return stripDirectives(patch);
  const out = clone(cur);
  for (const p of patch) {
    if (!isObject(p) || !(key in p)) {
      out.push(stripDirectives(p));
      continue;
    }
    const i = out.findIndex((c: any) => isObject(c) && c[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) {
      out[i] = strategicMergePatch(out[i], p);
    } else {
      out.push(strategicMergePatch(undefined, p));
    }
  }
  return out;
}

/** `$setElementOrder`: items named in the order first, in that order; the others keep theirs after. */
function reorder(field: string, items: any[], order: any[]): any[] {
  const key = mergeKeyFor(field, items);
  const id = (x: any): unknown => (key && isObject(x) ? x[key] : x);
  const wanted = order.map(id);
  const ranked = items.filter((x) => wanted.includes(id(x))).sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  return [...ranked, ...items.filter((x) => !wanted.includes(id(x)))];
}

function stripDirectives(v: any): any {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, any> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

// ---- JSON patch ----------------------------------------------------------------------

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: any, tokens: string[], path: string): any {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function getAt(doc: any, path: string): unknown {
  let cur = doc;
  for (const t of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function removeAt(doc: any, path: string): unknown {
  const tokens = pointer(path);
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw new PatchError(`Unable to remove nonexistent key: ${last}: missing value`);
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !(last in parent)) throw new PatchError(`Unable to remove nonexistent key: ${last}: missing value`);
  const old = parent[last];
  delete parent[last];
  return old;
}

function addAt(doc: any, path: string, value: unknown, replace: boolean): any {
  const tokens = pointer(path);
  if (!tokens.length) return clone(value);
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) throw new PatchError(`Unable to access invalid index: ${last}: invalid index referenced`);
    parent.splice(i, replace ? 1 : 0, clone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw new PatchError(`doc is missing key: ${path}: missing value`);
    parent[last] = clone(value);
  } else {
    throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): any {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be a list of operations');
  let doc = clone(target);
  for (const raw of ops as Op[]) {
    if (!isObject(raw) || typeof raw.path !== 'string') throw new PatchError('invalid JSON patch operation');
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, raw.value, false);
        break;
      case 'replace':
        doc = addAt(doc, raw.path, raw.value, true);
        break;
      case 'remove':
        removeAt(doc, raw.path);
        break;
      case 'move': {
        const v = removeAt(doc, raw.from ?? '');
        doc = addAt(doc, raw.path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, getAt(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (!isDeepStrictEqual(getAt(doc, raw.path), raw.value)) throw new PatchError(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}
