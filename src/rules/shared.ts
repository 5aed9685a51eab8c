// Helpers several rules share: the one place that knows how to add the trigger
// label to a pod template, and the kinds each family of rules looks at.

import { isMap, isScalar, isSeq } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import { ensurePathAndInsert, quote } from '../manifests/edits';
import { getNode, getSeq, getString, items } from '../manifests/nodes';
import { containers, podTemplate, WORKLOAD_KINDS, type K8sObject, type PodTemplate } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { USE_LABEL } from '../manifests/workload-identity';

export const WORKLOADS: readonly string[] = WORKLOAD_KINDS;

/**
 * Edits that add `azure.workload.identity/use: "true"` to the pod template's labels,
 * creating `metadata` / `labels` when absent. [] when the template is not a plain map.
 */
export function addUseLabelEdits(t: PodTemplate): TextEdit[] {
  const doc = t.owner.doc;
  if (!t.template) return [];
  return ensurePathAndInsert(doc, t.template, ['metadata', 'labels'], USE_LABEL, quote(doc, 'true'), { atStart: true });
}

/** Where a finding about a workload's ServiceAccount points: its serviceAccountName value, else its name, else its kind. */
export function serviceAccountNameNode(obj: K8sObject): unknown {
  const t = podTemplate(obj);
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const v = getNode(t?.spec, key);
    if (isScalar(v) && typeof v.value === 'string' && v.value !== '') return v;
  }
  const name = getNode(obj.map, 'metadata', 'name');
  return isScalar(name) ? name : getNode(obj.map, 'kind');
}

/**
 * A value as the user wrote it, for messages: the original source (so a Helm expression
 * shows as `{{ … }}`, not as its mask), on one line and clipped; `empty`, `a mapping`
 * or `a list` where there is no scalar to show.
 */
export function shownValue(doc: ManifestDoc, node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const r = (node as { range?: [number, number, number] } | null)?.range;
  const raw = r ? doc.text.slice(r[0], r[1]).trim() : '';
  if (!raw || (isScalar(node) && node.value === null)) return 'empty';
  const one = raw.replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > 60 ? one.slice(0, 57) + '…' : one;
}

/** `Deployment "api"`, or `Deployment (unnamed)`: how messages name an object. */
export function named(o: K8sObject): string {
  return `${o.kind} ${o.name ? `"${o.name}"` : '(unnamed)'}`;
}

/** A node's source text exactly as written (Helm expressions unmasked), for messages. */
export function sourceText(doc: ManifestDoc, node: unknown): string {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? doc.text.slice(r[0], r[1]) : '';
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
