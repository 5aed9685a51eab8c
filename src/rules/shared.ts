// Helpers several rules share: the rule definition (and the guarantees it adds to
// every rule), the one predicate for "this pod uses Workload Identity", the one place
// that knows how to add the trigger label to a pod template, and how messages show
// what the user wrote.

import { isMap, isNode, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { docRange, originOf, rangeOrigin, type ManifestDoc } from '../manifests/document';
import { ensurePathAndInsert, quote } from '../manifests/edits';
import { aliasedAnchors, aliasOn, bindAnchors, findPair, getMap, getNode, getSeq, getString, items, nodeRange } from '../manifests/nodes';
import { containers, podTemplate, serviceAccountName, WORKLOAD_KINDS, type K8sObject, type PodTemplate } from '../manifests/objects';
import { comparePositions, type TextEdit } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';
import { CLIENT_ID, USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import type { Fix, Rule, Target } from './types';

export const WORKLOADS: readonly string[] = WORKLOAD_KINDS;

/**
 * Every rule is defined through here, so that two guarantees hold for all of them:
 * the document's YAML aliases are bound before the rule reads it (an env list or a
 * label inherited through `<<: *defaults` is found like any other), and no fix edits
 * text inside an anchor that aliases share (that would change every other user of the
 * anchor as well: such a fix is dropped, and the rule's message says where to edit).
 */
export function defineRule(rule: Rule): Rule {
  return {
    meta: rule.meta,
    check(obj, ctx) {
      bindAnchors(obj.doc);
      rule.check(obj, {
        doc: ctx.doc,
        index: ctx.index,
        rangeOf: (target, inDoc) => ctx.rangeOf(target, inDoc),
        report: (r) => ctx.report(r.fixes?.length ? { ...r, fixes: r.fixes.filter((f) => !editsSharedAnchor(f, ctx.doc)) } : r),
      });
    },
  };
}

/** True when an edit of the fix lies inside (or swallows) an anchored node that an alias refers to. */
function editsSharedAnchor(fix: Fix, self: ManifestDoc): boolean {
  return fix.edits.some((e) => {
    const doc = rangeOrigin(e.range) ?? (e.file === self.file ? self : undefined);
    if (!doc?.yaml) return false;
    bindAnchors(doc);
    return aliasedAnchors(doc).some((node) => {
      const r = nodeRange(node);
      if (!r) return false;
      const span = docRange(doc, r[0], r[1]);
      if (comparePositions(e.range.start, span.end) < 0 && comparePositions(e.range.end, span.start) > 0) return true;
      // An insertion just outside a block map's span still adds to it when it is written at the map's
      // indentation: before its first key (at that line's start) or right after its last entry.
      if (!isMap(node) || comparePositions(e.range.start, e.range.end) !== 0) return false;
      const at = e.range.start;
      const head = at.line === span.start.line && at.character <= span.start.character;
      const tail = comparePositions(at, span.end) === 0;
      return (head || tail) && /^ */.exec(e.newText)![0].length >= span.start.character;
    });
  });
}

/** Why a pod counts as a Workload Identity pod, for messages. */
export type WiReason = 'label' | 'service-account';

export interface WiPod {
  /**
   * The webhook mutates this pod, or is meant to: its template carries the
   * `azure.workload.identity/use` label with any value but "false" (a wrong value is
   * use-label-value's finding, and still states the intent), or it runs as a ServiceAccount
   * of the workspace that carries a client-id annotation (missing-use-label's finding).
   */
  readonly wi: boolean;
  readonly reason: WiReason | undefined;
}

/**
 * The one predicate for "this pod uses Workload Identity", shared by every rule that is
 * about pods the webhook mutates. It reads the workspace through the index's
 * `serviceAccounts(name, namespace)` lookup, so the lint cache re-checks the pod when
 * that ServiceAccount changes.
 */
export function workloadIdentityPod(obj: K8sObject, t: PodTemplate | undefined, index: WorkspaceIndex): WiPod {
  if (!t) return { wi: false, reason: undefined };
  const label = findPair(t.labels, USE_LABEL);
  if (label) return useLabelOptsOut(label.value) ? { wi: false, reason: undefined } : { wi: true, reason: 'label' };
  const name = serviceAccountName(t) || 'default';
  const annotated = index.firstServiceAccount(name, obj.namespace, writesClientId) !== undefined;
  return annotated ? { wi: true, reason: 'service-account' } : { wi: false, reason: undefined };
}

/** The ServiceAccount has a client-id annotation key (any value). A pure test: the index remembers its answer per name. */
function writesClientId(sa: K8sObject): boolean {
  bindAnchors(sa.doc);
  return findPair(getMap(sa.map, 'metadata', 'annotations'), CLIENT_ID) !== undefined;
}

/** Why a pod-annotation finding is only a note in a pod the webhook does not mutate. */
export const NOT_WI_POD = 'the webhook reads it only in the pods it mutates, and this pod does not use Workload Identity (no azure.workload.identity/use label, and no ServiceAccount with a client ID in the workspace)';

/**
 * Edits that add `azure.workload.identity/use: "true"` to the pod template's labels,
 * creating `metadata` / `labels` when absent. [] when the template is not a plain map,
 * or when its metadata or labels come through an alias or merge key: a key written next
 * to `<<: *labels` would replace the whole inherited map, not add to it.
 */
export function addUseLabelEdits(t: PodTemplate): TextEdit[] {
  const doc = t.owner.doc;
  if (!t.template || aliasOn(t.template, 'metadata', 'labels') || aliasOn(t.template, 'metadata')) return [];
  return ensurePathAndInsert(doc, t.template, ['metadata', 'labels'], USE_LABEL, quote(doc, 'true'), { atStart: true });
}

/** `node` when it is a parsed YAML node (so a finding can point at it); undefined when absent or a plain value. */
export function nodeTarget(node: unknown): YamlNode | undefined {
  return isNode(node) ? node : undefined;
}

/** Where a finding about an object as a whole points: its metadata.name value, else its kind, else the object's map. */
export function objectTarget(obj: K8sObject): Target {
  const name = getNode(obj.map, 'metadata', 'name');
  return (isScalar(name) ? name : nodeTarget(getNode(obj.map, 'kind'))) ?? obj.map;
}

/** Where a finding about a workload's ServiceAccount points: its serviceAccountName value, else the workload (see objectTarget). */
export function serviceAccountNameNode(obj: K8sObject): Target {
  const t = podTemplate(obj);
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const v = getNode(t?.spec, key);
    if (isScalar(v) && typeof v.value === 'string' && v.value !== '') return v;
  }
  return objectTarget(obj);
}

/** The ServiceAccount a workload runs as, as the user wrote it (a Helm expression shows as written), or `default`. */
export function shownServiceAccount(obj: K8sObject): string {
  const t = podTemplate(obj);
  const name = t && serviceAccountName(t);
  if (!name) return 'default';
  return shownName(obj.doc, serviceAccountNameNode(obj)) ?? name;
}

/** The workload's namespace as the user wrote it, or `default`. */
export function shownNamespace(obj: K8sObject): string {
  return (obj.namespaceExplicit && shownName(obj.doc, getNode(obj.map, 'metadata', 'namespace'))) || obj.namespace;
}

/**
 * A name as the user wrote it, for messages: a scalar's string value, or, when the value
 * was masked for parsing (a Helm expression), its source text without quotes. Never the
 * parser's stand-in for an expression.
 */
export function shownName(doc: ManifestDoc, node: unknown): string | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  if (!(originOf(node) ?? doc).templated) return node.value;
  const src = sourceText(doc, node).trim();
  return src.includes('{{') ? src.replace(/^(["'])([\s\S]*)\1$/, '$2') : node.value;
}

/**
 * A value as the user wrote it, for messages: the original source (so a Helm expression
 * shows as `{{ … }}`, not as its mask), on one line and clipped; `empty`, `a mapping`
 * or `a list` where there is no scalar to show.
 */
export function shownValue(doc: ManifestDoc, node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const raw = sourceText(doc, node).trim();
  if (!raw || (isScalar(node) && node.value === null)) return 'empty';
  const one = raw.replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > 60 ? one.slice(0, 57) + '…' : one;
}

/** `Deployment "api"`, or `Deployment (unnamed)`: how messages name an object. */
export function named(o: K8sObject): string {
  return `${o.kind} ${o.name ? `"${o.name}"` : '(unnamed)'}`;
}

/**
 * A node's source text exactly as written (Helm expressions unmasked), for messages. In an
 * object assembled from several documents (a Kustomize base and its patches) a node is read
 * from the document it came from.
 */
export function sourceText(doc: ManifestDoc, node: unknown): string {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? (originOf(node) ?? doc).text.slice(r[0], r[1]) : '';
}

/**
 * `text` as a replacement for scalar `node`, in the node's own quote style: single or
 * double quotes as written, plain when it was plain and `plainOk` accepts the text.
 */
export function restyle(doc: ManifestDoc, node: unknown, text: string, plainOk: RegExp): string {
  const type = isScalar(node) ? node.type : undefined;
  if (type === 'QUOTE_SINGLE' && !text.includes("'")) return `'${text}'`;
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(text);
  if (type === 'PLAIN' && plainOk.test(text)) return text;
  return quote(doc, text);
}

/** Every container sets AZURE_CLIENT_ID in its env, which wins over the ServiceAccount's annotation. */
export function allContainersSetClientId(t: PodTemplate): boolean {
  const cs = containers(t);
  return cs.length > 0 && cs.every((c) => items(getSeq(c.node, 'env')).some((e) => getString(e, 'name') === 'AZURE_CLIENT_ID'));
}
