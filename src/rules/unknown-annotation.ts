import { removePair, replaceKey } from '../manifests/edits';
import { entries, findPair, getMap, keyOf, pairs, type Pair, type YAMLMap } from '../manifests/nodes';
import { podTemplate, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { editDistance } from '../util/edit-distance';
import { KNOWN_KEYS, PREFIX, USE_IDENTITY_BINDING } from '../manifests/workload-identity';
import { defineRule, named } from './shared';
import type { Fix, Rule, Target } from './types';

// The webhook reads a handful of exact keys; anything else under its prefix (or a
// near-miss of the prefix) is silently ignored. The intended key is found by
// normalising both sides (case, `_`, camelCase, separators) and then, in order:
// equality, a small edit distance, or the key's words being part of a known key's.

/** Every object: a Workload Identity key can land on any kind by mistake, custom resources included. */
export const METADATA_KINDS: readonly string[] = ['*'];

/**
 * Keys under the prefix that the webhook reads but the facts sheet (v0.1.0 to v1.6.0) does
 * not list: `use-identity-binding` is AKS identity bindings (preview, newer webhooks).
 */
const NOT_REPORTED = new Set([USE_IDENTITY_BINDING]);

const KNOWN_SUFFIXES: readonly string[] = KNOWN_KEYS.map((k) => k.slice(PREFIX.length));

/** `clientID` -> [client, id]; `tenant_id` -> [tenant, id]. */
export function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Words that are the same, or share a long stem (`expiry`/`expiration`, `container`/`containers`). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n >= 5;
}

/** `part` occurs in `whole` in order (not necessarily adjacent). */
function within(part: string[], whole: string[]): boolean {
  let i = 0;
  for (const w of whole) if (i < part.length && sameWord(part[i], w)) i++;
  return part.length > 0 && i === part.length;
}

/** The known suffixes (`client-id`, ...) a mistyped suffix probably means. */
export function intendedSuffixes(suffix: string): string[] {
  const w = words(suffix);
  const n = w.join('');
  if (!n) return [];
  const exact = KNOWN_SUFFIXES.filter((k) => words(k).join('') === n);
  if (exact.length) return exact;
  // Short names (`use`) only by their words: `user` is not a typo of `use`.
  const near = KNOWN_SUFFIXES.filter((k) => {
    const kn = words(k).join('');
    return kn.length >= 6 && editDistance(n, kn) <= 2;
  });
  if (near.length) return near;
  return KNOWN_SUFFIXES.filter((k) => {
    const kw = words(k);
    // `token-expiration` in `service-account-token-expiration`; `use` at the start of `use-label`.
    return within(w, kw) || (kw.length < w.length && kw.every((x, i) => sameWord(x, w[i])));
  });
}

/**
 * Prefixes that look like `azure.workload.identity/` but belong to a real project, with
 * who uses them. Their keys are not ours to judge, except a key named exactly like one the
 * webhook reads (`azure-workload-identity.io/client-id`): that is the webhook's key with
 * the wrong prefix. Upstream's own manifests and Helm chart label every object of the
 * webhook `azure-workload-identity.io/system: "true"` (so do the AKS add-on's objects and
 * OpenShift's pod-identity-webhook); `mutation.azure-workload-identity.io` is the webhook's
 * name and never normalises to ours.
 */
export const FOREIGN_PREFIXES: readonly string[] = ['azure-workload-identity.io/'];

export interface SplitKey {
  /** The prefix is exactly `azure.workload.identity/`. */
  exactPrefix: boolean;
  /** The prefix is one a real project uses (see FOREIGN_PREFIXES). */
  foreign: boolean;
  suffix: string;
}

/** For a key under the prefix or a near-miss of it: how the prefix compares, and its suffix. Else undefined. */
export function splitKey(key: string): SplitKey | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const prefix = key.slice(0, slash + 1);
  const norm = prefix.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (norm !== 'azureworkloadidentity' && norm !== 'azureworkloadidentityio') return undefined;
  return { exactPrefix: prefix === PREFIX, foreign: FOREIGN_PREFIXES.includes(prefix), suffix: key.slice(slash + 1) };
}

/** The suffix is one of the webhook's own names, spelled with other case or separators (`clientId`, `client_id`). */
function namesAKnownKey(suffix: string): boolean {
  const n = words(suffix).join('');
  return KNOWN_SUFFIXES.some((k) => words(k).join('') === n);
}

interface Place {
  map: YAMLMap;
  /** The `labels:`/`annotations:` pair and its map, so an emptied map goes too. */
  parent: { map: YAMLMap; pair: Pair } | undefined;
  kind: 'label' | 'annotation';
  where: string;
}

function places(obj: K8sObject): Place[] {
  const out: Place[] = [];
  const add = (meta: YAMLMap | undefined, where: string) => {
    for (const kind of ['label', 'annotation'] as const) {
      const key = kind === 'label' ? 'labels' : 'annotations';
      const map = getMap(meta, key);
      const pair = findPair(meta, key);
      if (map && meta && pair && !out.some((p) => p.map === map)) out.push({ map, parent: { map: meta, pair }, kind, where });
    }
  };
  add(getMap(obj.map, 'metadata'), named(obj));
  if (obj.kind === 'CronJob') add(getMap(obj.map, 'spec', 'jobTemplate', 'metadata'), `the job template of ${named(obj)}`);
  const t = podTemplate(obj);
  if (t && obj.kind !== 'Pod') add(t.metadata, `the pod template of ${named(obj)}`);
  return out;
}

export const unknownAnnotation: Rule = defineRule({
  meta: {
    id: 'unknown-annotation',
    title: 'Unknown Workload Identity label or annotation key',
    description: 'A label or annotation key under `azure.workload.identity/` that the webhook does not read (`client_id`, `clientId`, `token-expiration`), or one of its keys under a near-miss of that prefix, so it is silently ignored; prefixes other projects use (`azure-workload-identity.io/`) are left alone.',
    defaultSeverity: 'error',
    kinds: METADATA_KINDS,
    fact: 'Not validated by the webhook: a typo in the key (`client_id`, `clientId`) or the annotation on a `Service` instead of the `ServiceAccount` silently yields no `AZURE_CLIENT_ID`.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    for (const place of places(obj)) {
      const found: { pair: Pair; at: Target; key: string; exactPrefix: boolean; intended: string[] }[] = [];
      for (const { pair, via } of entries(place.map)) {
        const key = keyOf(pair);
        if (key === undefined || (KNOWN_KEYS as readonly string[]).includes(key) || NOT_REPORTED.has(key)) continue;
        const split = splitKey(key);
        // A templated key (`azure.workload.identity/{{ .Values.k }}`) cannot be judged.
        if (!split || isPlaceholder(split.suffix)) continue;
        // Somebody else's key under a prefix a real project uses (`azure-workload-identity.io/system`).
        if (split.foreign && !namesAKnownKey(split.suffix)) continue;
        found.push({ pair, at: via ?? pair, key, exactPrefix: split.exactPrefix, intended: intendedSuffixes(split.suffix).map((s) => PREFIX + s) });
      }
      // Once per map, not per key: a map of 4,000 unknown keys took seconds, and grew as the square.
      const existing = new Set(pairs(place.map).map((p) => keyOf(p)));
      // Two typos of the same key in one map: renaming both would duplicate it.
      const aiming = new Map<string, number>();
      for (const o of found) if (o.intended.length === 1) aiming.set(o.intended[0], (aiming.get(o.intended[0]) ?? 0) + 1);
      for (const f of found) {
        const rivals = f.intended.length === 1 ? (aiming.get(f.intended[0]) ?? 0) - 1 : 0;
        const fixes: Fix[] = [];
        if (f.intended.length === 1) {
          const target = f.intended[0];
          if (existing.has(target)) {
            fixes.push({ title: `Remove ${f.key} (${target} is already set)`, safe: false, edits: removePair(ctx.doc, place.map, f.pair, place.parent) });
          } else {
            fixes.push({ title: `Rename to ${target}`, safe: rivals === 0, edits: replaceKey(ctx.doc, f.pair, target) });
          }
        } else {
          for (const target of f.intended) if (!existing.has(target)) fixes.push({ title: `Rename to ${target}`, safe: false, edits: replaceKey(ctx.doc, f.pair, target) });
        }
        ctx.report({ at: f.at, message: message(f, place), fixes: fixes.filter((x) => x.edits.length > 0) });
      }
    }
  },
});

function message(f: { key: string; exactPrefix: boolean; intended: string[] }, place: Place): string {
  const head = `The ${place.kind} key "${f.key}" on ${place.where}`;
  const why = f.exactPrefix ? 'is not one the Workload Identity webhook reads, so it is silently ignored' : 'has the wrong prefix (the webhook reads only azure.workload.identity/), so it is silently ignored';
  if (f.intended.length === 1) return `${head} ${why}; the intended key is probably "${f.intended[0]}".`;
  if (f.intended.length > 1) return `${head} ${why}; it may be meant as ${f.intended.map((k) => `"${k}"`).join(' or ')}.`;
  return `${head} ${why}; the keys it reads are ${KNOWN_SUFFIXES.join(', ')} (under azure.workload.identity/).`;
}
