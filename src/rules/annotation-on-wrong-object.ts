import { isScalar } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import { ensurePathAndInsert, pairSource, removePair, replaceNode } from '../manifests/edits';
import { findPair, getMap, scalarText, type Pair, type YAMLMap } from '../manifests/nodes';
import { isWorkloadKind, podTemplate, serviceAccountName, type K8sObject } from '../manifests/objects';
import { isGuid } from '../manifests/placeholders';
import type { TextEdit } from '../manifests/text';
import { CLIENT_ID, INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT, SKIP_CONTAINERS, TENANT_ID, TOKEN_EXPIRATION, USE_IDENTITY_BINDING } from '../manifests/workload-identity';
import type { Fix, RelatedLocation, Rule, RuleContext } from './types';
import { METADATA_KINDS } from './unknown-annotation';
import { defineRule, named, objectTarget, shownNamespace, shownServiceAccount } from './shared';

// The webhook reads client-id and tenant-id from the ServiceAccount's annotations
// only, and the pod-level keys from the pod's annotations only. Anywhere else they
// are silently ignored. The fix moves the key where it is read: for client-id and
// tenant-id that is the ServiceAccount the workload runs as (looked up in the
// workspace index, possibly in another file); for the pod keys, the pod template.

const SA_KEYS = [CLIENT_ID, TENANT_ID] as const;
/** Read from the pod's annotations (token expiration also from the ServiceAccount's). */
const POD_KEYS = [TOKEN_EXPIRATION, SKIP_CONTAINERS, INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT, USE_IDENTITY_BINDING] as const;
const POD_ONLY_KEYS = [SKIP_CONTAINERS, INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT, USE_IDENTITY_BINDING] as const;

type Kind = 'label' | 'annotation';

interface Place {
  map: YAMLMap;
  /** The `labels:`/`annotations:` pair (and, in a template, its `metadata:` pair) removed when emptied. */
  parent: { map: YAMLMap; pair: Pair; parent?: { map: YAMLMap; pair: Pair } } | undefined;
  kind: Kind;
  where: string;
  /** A workload's own (or a CronJob's job template) metadata: pod keys here belong in the pod template. */
  aboveTemplate: boolean;
}

function places(obj: K8sObject): Place[] {
  const out: Place[] = [];
  // `owner` holds `metadata` in a template, which may go too when emptied (never an object's own).
  const add = (owner: YAMLMap | undefined, where: string, aboveTemplate: boolean, template: boolean) => {
    const meta = getMap(owner, 'metadata');
    const metaPair = findPair(owner, 'metadata');
    for (const kind of ['label', 'annotation'] as const) {
      const key = kind === 'label' ? 'labels' : 'annotations';
      const map = getMap(meta, key);
      const pair = findPair(meta, key);
      if (!map || !meta || !pair || out.some((p) => p.map === map)) continue;
      const up = template && owner && metaPair ? { map: owner, pair: metaPair } : undefined;
      out.push({ map, parent: { map: meta, pair, ...(up ? { parent: up } : {}) }, kind, where, aboveTemplate });
    }
  };
  const workload = isWorkloadKind(obj.kind) && obj.kind !== 'Pod';
  add(obj.map, named(obj), workload, false);
  if (obj.kind === 'CronJob') add(getMap(obj.map, 'spec', 'jobTemplate'), `the job template of ${named(obj)}`, true, true);
  const t = podTemplate(obj);
  if (t && obj.kind !== 'Pod') add(t.template, `the pod template of ${named(obj)}`, false, true);
  return out;
}

/** The value's source text, for moving it (an empty value moves as ""). */
function valueSource(doc: ManifestDoc, pair: Pair): string {
  const v = pairSource(doc, pair).value;
  return v === '' ? '""' : v;
}

function sameValue(a: unknown, b: unknown): boolean {
  const x = (scalarText(a) ?? '').trim();
  const y = (scalarText(b) ?? '').trim();
  return isGuid(x) && isGuid(y) ? x.toLowerCase() === y.toLowerCase() : x === y;
}

/** Replace an existing value; an empty `key:` gets a space before the new value. */
function replaceValue(doc: ManifestDoc, pair: Pair, text: string): TextEdit[] {
  const v = pair.value;
  const r = (v as { range?: [number, number, number] } | null)?.range;
  if (isScalar(v) && r && r[0] < r[1]) return replaceNode(doc, v, text);
  if (isScalar(v) && r) return replaceNode(doc, v, ' ' + text);
  return [];
}

interface Target {
  /** The name and namespace as the user wrote them, for messages (a Helm expression as written). */
  name: string;
  namespace: string;
  /** Found in the workspace; undefined when the object is not there. */
  sa: K8sObject | undefined;
}

function targetServiceAccount(obj: K8sObject, ctx: RuleContext): Target | undefined {
  let name: string | undefined;
  let shown: string | undefined;
  if (isWorkloadKind(obj.kind)) {
    const t = podTemplate(obj);
    name = (t && serviceAccountName(t)) || 'default';
    shown = shownServiceAccount(obj);
  } else if (obj.kind === 'Service') {
    name = shown = obj.name;
  }
  if (!name || !shown) return undefined;
  const found = ctx.index.serviceAccounts(name, obj.namespace);
  // The one declared in the same file (looked up there, not by scanning every copy of the name).
  const sa = ctx.index.serviceAccountInFile(name, obj.namespace, obj.doc.file) ?? (found.length === 1 ? found[0] : undefined);
  return { name: shown, namespace: shownNamespace(obj), sa };
}

function nameRange(ctx: RuleContext, o: K8sObject): RelatedLocation['range'] {
  return ctx.rangeOf(objectTarget(o), o.doc);
}

/**
 * Fixes that move `pair` (in `place`, of ctx.doc) to `key` in the annotations of `dest`
 * (a map in `destDoc`, reached from `root` by `path`).
 */
function moveFixes(
  ctx: RuleContext,
  place: Place,
  pair: Pair,
  key: string,
  dest: { doc: ManifestDoc; root: YAMLMap; path: string[]; label: string; showOld: boolean; atStart?: boolean },
): { fixes: Fix[]; existing: Pair | undefined; same: boolean } {
  const existing = findPair(getMap(dest.root, ...dest.path), key) as Pair | undefined;
  // Only a scalar value can be moved as text onto one line of the ServiceAccount.
  if (!isScalar(pair.value)) return { fixes: [], existing, same: false };
  const removal = removePair(ctx.doc, place.map, pair, place.parent);
  if (!removal.length) return { fixes: [], existing, same: false };
  if (!existing) {
    const insert = ensurePathAndInsert(dest.doc, dest.root, dest.path, key, valueSource(ctx.doc, pair), { atStart: dest.atStart });
    return { fixes: insert.length ? [{ title: `Move to ${dest.label}`, safe: true, edits: [...removal, ...insert] }] : [], existing, same: false };
  }
  if (sameValue(existing.value, pair.value)) {
    return { fixes: [{ title: `Remove the duplicate ${place.kind}`, safe: true, edits: removal }], existing, same: true };
  }
  const old = scalarText(existing.value)?.trim() ?? '';
  const replace = replaceValue(dest.doc, existing, valueSource(ctx.doc, pair));
  const fixes: Fix[] = replace.length
    ? [{ title: `Move to ${dest.label} (replaces ${dest.showOld && isGuid(old) ? old : 'its current value'})`, safe: false, edits: [...removal, ...replace] }]
    : [];
  return { fixes, existing, same: false };
}

export const annotationOnWrongObject: Rule = defineRule({
  meta: {
    id: 'annotation-on-wrong-object',
    title: 'Workload Identity annotation on the wrong object',
    description: 'The `azure.workload.identity/client-id` or `tenant-id` key sits on a Pod, a workload, a pod template, a Service or as a label, not in the ServiceAccount\'s annotations; or a pod annotation sits on the workload instead of its pod template: either way the webhook never reads it.',
    defaultSeverity: 'error',
    kinds: METADATA_KINDS,
    fact: 'the annotation on a `Service` instead of the `ServiceAccount` silently yields no `AZURE_CLIENT_ID`. Read only from the ServiceAccount; on a Pod it is ignored.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    if (obj.kind === 'ServiceAccount') return checkServiceAccount(obj, ctx);
    const target = targetServiceAccount(obj, ctx);
    for (const place of places(obj)) {
      for (const key of SA_KEYS) {
        const pair = findPair(place.map, key) as Pair | undefined;
        if (!pair) continue;
        const head = `The ${key} ${place.kind} on ${place.where} is ignored: the webhook reads it only from the annotations of the ServiceAccount a pod runs as`;
        if (!target) {
          ctx.report({ at: pair, message: `${head}; put it on that ServiceAccount.` });
          continue;
        }
        const sa = target.sa;
        if (!sa) {
          ctx.report({ at: pair, message: `${head}; it belongs on ServiceAccount "${target.name}" in namespace "${target.namespace}", which is not in the workspace.` });
          continue;
        }
        const m = moveFixes(ctx, place, pair, key, { doc: sa.doc, root: sa.map, path: ['metadata', 'annotations'], label: `ServiceAccount ${target.name}`, showOld: true });
        const related: RelatedLocation[] = [
          m.existing
            ? { file: sa.doc.file, range: ctx.rangeOf(m.existing, sa.doc), message: `${key} on ServiceAccount "${target.name}"` }
            : { file: sa.doc.file, range: nameRange(ctx, sa), message: `ServiceAccount "${target.name}"` },
        ];
        const tail = !m.existing
          ? `; move it to ServiceAccount "${target.name}".`
          : m.same
            ? `; ServiceAccount "${target.name}" already carries the same value, so this copy can go.`
            : `; ServiceAccount "${target.name}" carries a different value, which is the one pods get.`;
        ctx.report({ at: pair, message: head + tail, related, fixes: m.fixes });
      }
      if (place.aboveTemplate && place.kind === 'annotation') checkPodKeysAboveTemplate(obj, ctx, place);
    }
  },
});

/** Pod annotations written on the workload (or job template) metadata: they belong in the pod template. */
function checkPodKeysAboveTemplate(obj: K8sObject, ctx: RuleContext, place: Place): void {
  const t = podTemplate(obj);
  const templ = `${(t?.path ?? ['spec', 'template']).join('.')}.metadata.annotations`;
  for (const key of POD_KEYS) {
    const pair = findPair(place.map, key) as Pair | undefined;
    if (!pair) continue;
    const reads = key === TOKEN_EXPIRATION ? "the pod's or the ServiceAccount's annotations" : "the pod's annotations";
    const m = t?.template ? moveFixes(ctx, place, pair, key, { doc: ctx.doc, root: t.template, path: ['metadata', 'annotations'], label: templ, showOld: false, atStart: true }) : undefined;
    const tail = !m?.existing
      ? `, so it belongs in ${templ}.`
      : m.same
        ? `; ${templ} already carries the same value, so this copy can go.`
        : `; ${templ} carries a different value, which is the one the webhook reads.`;
    ctx.report({
      at: pair,
      message: `The ${key} annotation on ${place.where} does nothing: the webhook reads it only from ${reads}${tail}`,
      related: m?.existing ? [{ file: ctx.doc.file, range: ctx.rangeOf(m.existing), message: `${key} in ${templ}` }] : [],
      fixes: m?.fixes ?? [],
    });
  }
}

/** On a ServiceAccount: client-id/tenant-id as labels, and pod-only annotations. */
function checkServiceAccount(obj: K8sObject, ctx: RuleContext): void {
  const sa = named(obj);
  for (const place of places(obj)) {
    if (place.kind === 'label') {
      for (const key of SA_KEYS) {
        const pair = findPair(place.map, key) as Pair | undefined;
        if (!pair) continue;
        const m = moveFixes(ctx, place, pair, key, { doc: ctx.doc, root: obj.map, path: ['metadata', 'annotations'], label: 'the ServiceAccount\'s annotations', showOld: true });
        const tail = !m.existing
          ? '; make it an annotation.'
          : m.same
            ? '; the annotation with the same value is already there, so this label can go.'
            : '; the annotation of the same key, with a different value, is the one pods get.';
        ctx.report({
          at: pair,
          message: `The ${key} label on ${sa} is ignored: the webhook reads it only from the ServiceAccount's annotations${tail}`,
          related: m.existing ? [{ file: ctx.doc.file, range: ctx.rangeOf(m.existing), message: `${key} annotation on ${sa}` }] : [],
          fixes: m.fixes,
        });
      }
    } else {
      for (const key of POD_ONLY_KEYS) {
        const pair = findPair(place.map, key) as Pair | undefined;
        if (!pair) continue;
        const users = obj.name ? ctx.index.workloadsUsing(obj.name, obj.namespace) : [];
        ctx.report({
          at: pair,
          message: `The ${key} annotation on ${sa} does nothing: the webhook reads it only from the pod's annotations, so it belongs in the pod template of each workload that runs as this ServiceAccount.`,
          related: users.map((w) => ({ file: w.obj.doc.file, range: nameRange(ctx, w.obj), message: `${named(w.obj)} runs as ${sa}` })),
        });
      }
    }
  }
}
