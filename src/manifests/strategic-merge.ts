// Applies Kustomize's changes to an object's YAML tree without touching the parsed
// documents: strategic-merge patches, JSON 6902 operations and the kustomization's labels
// and annotations. The result shares every node it does not change with the documents it
// came from, so a finding on it still points at the exact text the user wrote — in the
// base, in the patch, or in kustomization.yaml (document.ts `originOf`). Maps it had to
// rebuild are new nodes that carry the base map's range.
//
// Strategic merge as far as the rules read it: maps merge key by key (`null` deletes,
// `$patch: replace` / `$patch: delete` are honoured), the pod spec's lists merge by their
// keys (containers and env by `name`, volumeMounts by `mountPath`...), other lists and
// scalars are replaced.

import { isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { originOf, registerOrigin, type ManifestDoc } from './document';
import { yamlScalarText } from '../util/scalar-text';
import { deref, entries, keyOf, stringValue } from './nodes';

/** Lists Kubernetes merges by a key rather than replacing (the API's `patchMergeKey`). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  tolerations: 'key',
};

function withRange<T extends YAMLMap | YAMLSeq>(node: T, like: unknown, doc: ManifestDoc): T {
  const r = (like as { range?: [number, number, number] } | undefined)?.range;
  if (r) node.range = r;
  registerOrigin(node, originOf(like) ?? doc);
  return node;
}

/** A shallow copy of a map: its own pairs plus those merge keys bring in (`<<: *defaults`). */
function copyMap(map: YAMLMap, doc: ManifestDoc): YAMLMap {
  const m = withRange(new YAMLMap(), map, doc);
  for (const e of entries(map)) m.items.push(e.pair);
  return m;
}

function directive(map: YAMLMap): string | undefined {
  for (const p of map.items) if (isPair(p) && keyOf(p as Pair) === '$patch') return stringValue(p.value);
  return undefined;
}

function withoutDirectives(map: YAMLMap, doc: ManifestDoc): YAMLMap {
  if (!map.items.some((p) => (keyOf(p as Pair) ?? '').startsWith('$'))) return map;
  const m = withRange(new YAMLMap(), map, doc);
  for (const p of map.items) if (!(keyOf(p as Pair) ?? '').startsWith('$')) m.items.push(p);
  return m;
}

function isNull(node: unknown): boolean {
  return isScalar(node) && node.value === null;
}

/** The strategic merge of `patch` onto `base` (either may be absent). `field` names the list being merged. */
function merge(base: unknown, patch: unknown, field: string | undefined, baseDoc: ManifestDoc): unknown {
  const b = deref(base);
  const p = deref(patch);
  if (isMap(p)) {
    const dir = directive(p);
    if (dir === 'delete') return undefined;
    if (!isMap(b) || dir === 'replace') return withoutDirectives(p, baseDoc);
    const out = copyMap(b, baseDoc);
    for (const pe of entries(p)) {
      const key = keyOf(pe.pair);
      if (key === undefined || key.startsWith('$')) continue;
      const i = out.items.findIndex((x) => keyOf(x as Pair) === key);
      if (isNull(pe.pair.value)) {
        if (i !== -1) out.items.splice(i, 1);
        continue;
      }
      if (i === -1) {
        out.items.push(pe.pair);
        continue;
      }
      const old = out.items[i] as Pair;
      // The same scalar again (a patch repeats `kind` and `name` to find its target): the
      // base's stays, so findings about it point at the object, not at the patch.
      if (sameScalar(old.value, pe.pair.value)) continue;
      const value = merge(old.value, pe.pair.value, key, baseDoc);
      if (value === undefined) out.items.splice(i, 1);
      // A replaced scalar is the patch's pair (its key and value both point into the patch).
      else if (value === deref(pe.pair.value)) out.items[i] = pe.pair;
      else out.items[i] = new Pair(old.key, value);
    }
    return out;
  }
  if (isSeq(p) && isSeq(b) && field && MERGE_KEYS[field]) {
    const mk = MERGE_KEYS[field];
    const keyOfItem = (n: unknown) => {
      const v = deref(n);
      return isMap(v) ? scalarKey(v, mk) : undefined;
    };
    const out = withRange(new YAMLSeq(), b, baseDoc);
    for (const item of b.items) out.items.push(item);
    for (const item of p.items) {
      const k = keyOfItem(item);
      const at = k === undefined ? -1 : out.items.findIndex((x) => keyOfItem(x) === k);
      const v = deref(item);
      if (isMap(v) && directive(v) === 'delete') {
        if (at !== -1) out.items.splice(at, 1);
      } else if (at === -1) out.items.push(item);
      else out.items[at] = merge(out.items[at], item, undefined, baseDoc) as never;
    }
    return out;
  }
  return p;
}

function sameScalar(a: unknown, b: unknown): boolean {
  const x = deref(a);
  const y = deref(b);
  return isScalar(x) && isScalar(y) && x.value !== null && x.value === y.value;
}

function scalarKey(map: YAMLMap, key: string): string | undefined {
  for (const e of entries(map)) {
    if (keyOf(e.pair) !== key) continue;
    const v = deref(e.pair.value);
    return isScalar(v) && v.value !== null ? yamlScalarText(v.value) : undefined;
  }
  return undefined;
}

/** `base` with a strategic-merge patch applied. */
export function strategicMerge(base: YAMLMap, baseDoc: ManifestDoc, patch: YAMLMap): YAMLMap {
  const out = merge(base, patch, undefined, baseDoc);
  return isMap(out) ? out : base;
}

/**
 * `base` with JSON 6902 operations applied (`add`, `replace`, `remove`; `copy`, `move` and
 * `test` are left out). Paths are JSON pointers (`~1` is `/`).
 */
export function applyJson6902(base: YAMLMap, baseDoc: ManifestDoc, ops: YAMLSeq): YAMLMap {
  let root: YAMLMap = base;
  for (const opNode of ops.items) {
    const op = deref(opNode);
    if (!isMap(op)) continue;
    const kind = scalarKey(op, 'op');
    const path = scalarKey(op, 'path');
    if (!kind || path === undefined) continue;
    // copy, move and test: noted by the structure (project-roots.ts), skipped here.
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') continue;
    const tokens = path.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (tokens.length === 0) continue;
    const value = entries(op).find((e) => keyOf(e.pair) === 'value');
    const next = setAt(root, tokens, kind, value?.pair, baseDoc);
    if (isMap(next)) root = next;
  }
  return root;
}

/** A copy of `node` along `tokens` with the last one added, replaced or removed. */
function setAt(node: unknown, tokens: string[], op: 'add' | 'replace' | 'remove', value: Pair | undefined, doc: ManifestDoc): unknown {
  const n = deref(node);
  const [head, ...rest] = tokens;
  if (isMap(n)) {
    const out = copyMap(n, doc);
    const i = out.items.findIndex((x) => keyOf(x as Pair) === head);
    if (rest.length === 0) {
      if (op === 'remove') {
        if (i !== -1) out.items.splice(i, 1);
      } else if (value) {
        // The new pair's key has no text of its own: it points at the operation's value.
        const key = new Scalar(head);
        const r = (value.value as { range?: [number, number, number] } | null)?.range;
        if (r) key.range = r;
        registerOrigin(key, originOf(value.value) ?? doc);
        const pair = new Pair(key, value.value);
        if (i === -1) out.items.push(pair);
        else out.items[i] = pair;
      }
      return out;
    }
    if (i === -1) {
      if (op !== 'add') return out;
      // `add` creates the parent maps it needs (kustomize does too).
      const child = withRange(new YAMLMap(), n, doc);
      out.items.push(new Pair(new Scalar(head), setAt(child, rest, op, value, doc)));
      return out;
    }
    const old = out.items[i] as Pair;
    out.items[i] = new Pair(old.key, setAt(old.value, rest, op, value, doc));
    return out;
  }
  if (isSeq(n)) {
    const out = withRange(new YAMLSeq(), n, doc);
    for (const item of n.items) out.items.push(item);
    const idx = head === '-' ? out.items.length : Number(head);
    if (!Number.isInteger(idx) || idx < 0 || idx > out.items.length) return out;
    if (rest.length === 0) {
      if (op === 'remove') out.items.splice(idx, 1);
      else if (value && op === 'add') out.items.splice(idx, 0, value.value as never);
      else if (value) out.items[idx] = value.value as never;
      return out;
    }
    if (idx < out.items.length) out.items[idx] = setAt(out.items[idx], rest, op, value, doc) as never;
    return out;
  }
  return node;
}

/**
 * `map` with `pairs` set in the map at `path` (creating the maps on the way when `create`).
 * The pairs are the kustomization's own nodes, so findings about them point into it.
 */
export function setPairs(map: YAMLMap, path: readonly string[], pairs: readonly Pair[], create: boolean, doc: ManifestDoc): YAMLMap {
  if (pairs.length === 0) return map;
  const go = (node: unknown, i: number): unknown => {
    const n = deref(node);
    if (!isMap(n)) return node;
    const out = copyMap(n, doc);
    if (i === path.length) {
      for (const p of pairs) {
        const k = keyOf(p);
        const at = out.items.findIndex((x) => keyOf(x as Pair) === k);
        if (at === -1) out.items.push(p);
        else out.items[at] = p;
      }
      return out;
    }
    const at = out.items.findIndex((x) => keyOf(x as Pair) === path[i]);
    if (at === -1) {
      if (!create) return n;
      out.items.push(new Pair(new Scalar(path[i]), go(withRange(new YAMLMap(), n, doc), i + 1)));
      return out;
    }
    const old = out.items[at] as Pair;
    const child = deref(old.value);
    // `labels:` written with no value is an empty map to Kubernetes.
    const value = isMap(child) ? child : isNull(child) && create ? withRange(new YAMLMap(), n, doc) : undefined;
    if (!value) return n;
    out.items[at] = new Pair(old.key, go(value, i + 1));
    return out;
  };
  const out = go(map, 0);
  return isMap(out) ? out : map;
}
