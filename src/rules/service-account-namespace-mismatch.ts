import { insertPair, quote, replaceNode } from '../manifests/edits';
import type { ManifestDoc } from '../manifests/document';
import { findPair, getMap, getNode, isScalar } from '../manifests/nodes';
import { otherProject } from '../manifests/cross-file';
import { podTemplate, serviceAccountRef, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import type { TextEdit } from '../manifests/text';
import { defineRule, objectTarget, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';

export const serviceAccountNamespaceMismatch: Rule = defineRule({
  meta: {
    id: 'service-account-namespace-mismatch',
    title: 'ServiceAccount exists only in another namespace',
    description: 'A workload names a ServiceAccount that the workspace defines only in other namespaces; the ServiceAccount must exist in the pod\'s own namespace, so the pod is rejected.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'The ServiceAccount named by `spec.serviceAccountName` (or `default`) must exist when the pod is created, else the pod is rejected (400).',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    if (obj.context?.partial) return;
    const t = podTemplate(obj);
    if (!t) return;
    const name = serviceAccountRef(t);
    // `default` is created in every namespace by Kubernetes itself.
    if (!name || name === 'default' || isPlaceholder(name)) return;
    if (obj.namespaceExplicit && isPlaceholder(obj.namespace)) return;
    if (ctx.index.serviceAccounts(name, obj.namespace).length > 0) return;
    let elsewhere = ctx.index.serviceAccounts(name).filter((sa) => sa.namespace !== obj.namespace && !isPlaceholder(sa.namespace));
    let foreign = false;
    if (elsewhere.length === 0) {
      // Not in this project at all. Another project may deploy it to this namespace (fine), or
      // only to others: then say so, as an info, since the two may never share a cluster.
      if (ctx.index.serviceAccountsAnywhere(name, obj.namespace).length > 0) return;
      elsewhere = ctx.index.serviceAccountsAnywhere(name).filter((sa) => sa.namespace !== obj.namespace && !isPlaceholder(sa.namespace));
      foreign = elsewhere.length > 0;
    }
    if (elsewhere.length === 0) return;
    // Both namespaces implicit would be the same (`default`); when only one is implicit,
    // `kubectl apply -n` or a kustomization may still put both in one namespace: a warning.
    const certain = obj.namespaceExplicit && elsewhere.every((sa) => sa.namespaceExplicit);
    const namespaces = [...new Set(elsewhere.map((sa) => sa.namespace))].sort();
    const fixes: Fix[] = [];
    // Under a kustomization's `namespace:` the written namespace is overridden: editing it changes nothing.
    if (!obj.context?.namespaceFromKustomize) {
      for (const ns of namespaces) {
        const edits = setNamespaceEdits(ctx.doc, obj, ns);
        if (edits.length) fixes.push({ title: `Set metadata.namespace of this ${obj.kind} to ${ns}`, safe: false, edits });
      }
    }
    const saNode = getNode(t.spec, 'serviceAccountName') ?? getNode(t.spec, 'serviceAccount');
    const where = obj.context?.namespaceFromKustomize
      ? `namespace ${obj.namespace} (set by ${obj.context.scopeLabel})`
      : obj.namespaceExplicit ? `namespace ${obj.namespace}` : `namespace ${obj.namespace} (no metadata.namespace)`;
    const defines = foreign ? `which is defined only ${otherProject(elsewhere[0])}, in` : 'which the workspace defines only in';
    ctx.report({
      at: isScalar(saNode) && typeof saNode.value === 'string' ? saNode : (findPair(t.spec, 'serviceAccountName') ?? findPair(t.spec, 'serviceAccount') ?? objectTarget(obj)),
      severity: foreign ? 'info' : certain ? undefined : 'warning',
      message: `${obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`} in ${where} runs as ServiceAccount ${name}, ${defines} ${namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${list(namespaces)}`}; the ServiceAccount must exist in the pod's own namespace, or the pod is rejected.`,
      related: elsewhere.map((sa) => ({ file: sa.doc.file, range: ctx.rangeOf(objectTarget(sa), sa.doc), message: `ServiceAccount ${name} in namespace ${sa.namespace}${foreign ? `, ${otherProject(sa)}` : ''}` })),
      fixes,
    });
  },
});

/** Change the workload's metadata.namespace value, or add it at the end of metadata. */
function setNamespaceEdits(doc: ManifestDoc, obj: K8sObject, ns: string): TextEdit[] {
  const metadata = getMap(obj.map, 'metadata');
  if (!metadata) return [];
  const value = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) && !/^[0-9]+$|^(true|false|null|yes|no|on|off|y|n)$/i.test(ns) ? ns : quote(doc, ns);
  const pair = findPair(metadata, 'namespace');
  if (!pair) return insertPair(doc, metadata, 'namespace', value);
  const v = pair.value;
  if (isScalar(v) && v.range && v.range[0] < v.range[1]) {
    // Keep the author's quoting.
    const src = doc.text.slice(v.range[0], v.range[1]);
    const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
    return replaceNode(doc, v, q ? `${q}${ns}${q}` : value);
  }
  return [];
}

function list(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
