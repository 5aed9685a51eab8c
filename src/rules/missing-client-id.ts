import { ensurePathAndInsert, quote } from '../manifests/edits';
import { findPair, getMap, getNode, isScalar } from '../manifests/nodes';
import { podTemplate, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import type { TextEdit } from '../manifests/text';
import { CLIENT_ID, USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import type { Fix, Rule } from './types';
import { allContainersSetClientId, serviceAccountNameNode } from './shared';

const PLACEHOLDER = '<managed-identity-client-id>';

export const missingClientId: Rule = {
  meta: {
    id: 'missing-client-id',
    title: 'ServiceAccount used for Workload Identity has no client ID',
    description: 'A ServiceAccount that Workload Identity pods run as has no `azure.workload.identity/client-id` annotation, so the webhook injects no (or an empty) `AZURE_CLIENT_ID`.',
    defaultSeverity: 'error',
    kinds: ['ServiceAccount'],
    fact: '`azure.workload.identity/client-id`: the identity\'s client ID (a GUID). [...] Read only from the ServiceAccount; on a Pod it is ignored. [...] When it is missing, the pod is still admitted: v1.0 to v1.5.0 inject `AZURE_CLIENT_ID` empty, v1.5.1+ omit it',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    // A placeholder name (a masked Helm expression) matches workloads only by its masked text.
    if (!obj.name || isPlaceholder(obj.name)) return;
    const annotations = getMap(obj.map, 'metadata', 'annotations');
    if (findPair(annotations, CLIENT_ID)) return;
    const users = ctx.index.workloadsUsing(obj.name, obj.namespace).filter((w) => w.wantsWorkloadIdentity && needsAnnotation(w.obj));
    if (users.length === 0) return;
    const nameNode = getNode(obj.map, 'metadata', 'name');
    const fixes: Fix[] = [];
    const edits = ensurePathAndInsert(ctx.doc, obj.map, ['metadata', 'annotations'], CLIENT_ID, quote(ctx.doc, PLACEHOLDER));
    if (edits.length) fixes.push({ title: `Add the ${CLIENT_ID} annotation`, safe: false, edits: edits.map((e) => withTabStop(e, quote(ctx.doc, PLACEHOLDER))) });
    const names = users.map((w) => `${w.obj.kind} ${w.obj.name ?? '(unnamed)'}`);
    ctx.report({
      at: isScalar(nameNode) ? nameNode : findPair(obj.map, 'kind')?.value,
      // The chart may add annotations from its values (`toYaml .Values...`), which the linter cannot see.
      severity: obj.doc.templated ? 'info' : undefined,
      message: `ServiceAccount ${obj.name} has no ${CLIENT_ID} annotation, but ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`} ${names.length === 1 ? 'runs' : 'run'} as it with the ${USE_LABEL} label, so the webhook gives ${names.length === 1 ? 'its' : 'their'} pods no AZURE_CLIENT_ID.`,
      related: users.map((w) => ({ file: w.obj.doc.file, range: ctx.rangeOf(serviceAccountNameNode(w.obj), w.obj.doc), message: `${w.obj.kind} ${w.obj.name ?? '(unnamed)'} runs as ServiceAccount ${obj.name} with Workload Identity` })),
      fixes,
    });
  },
};

/**
 * False when the pod opts out (`"false"`) or when every container hard-codes
 * AZURE_CLIENT_ID, which wins over the annotation: then nothing is missing.
 */
function needsAnnotation(w: K8sObject): boolean {
  const t = podTemplate(w);
  if (!t || useLabelOptsOut(getNode(t.labels, USE_LABEL))) return false;
  return !allContainersSetClientId(t);
}

/** The VS Code snippet form of an edit: the placeholder value becomes tab stop 1, the rest is escaped. */
function withTabStop(e: TextEdit, quoted: string): TextEdit {
  const at = e.newText.lastIndexOf(quoted);
  if (at === -1) return e;
  const esc = (s: string) => s.replace(/[\\$}]/g, (c) => '\\' + c);
  const q = quoted[0];
  const snippet = esc(e.newText.slice(0, at)) + `${q}\${1:${PLACEHOLDER}}${q}` + esc(e.newText.slice(at + quoted.length));
  return { ...e, snippet };
}
