import { builtBy, clientIdState, otherProject, reliableName, rendered } from '../manifests/cross-file';
import { ensurePathAndInsert, quote } from '../manifests/edits';
import { keyState, renderedNode } from '../manifests/helm';
import { findPair, getMap, getNode } from '../manifests/nodes';
import { podTemplate, type K8sObject } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import type { WorkloadSummary, WorkspaceIndex } from '../manifests/workspace-index';
import { consumersOfController } from '../manifests/identity-world';
import { CLIENT_ID, USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import type { Fix, Rule } from './types';
import { allContainersSetClientId, defineRule, objectTarget, serviceAccountNameNode } from './shared';

const PLACEHOLDER = '<managed-identity-client-id>';

export const missingClientId: Rule = defineRule({
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
    if (obj.context?.partial || !obj.name) return;
    // A placeholder name matches workloads only by its text; a Helm expression does within its chart.
    if (!reliableName(obj, obj.name)) return;
    // A key with an empty or malformed value is client-id-format's finding, not a missing one.
    const written = findPair(getMap(obj.map, 'metadata', 'annotations'), CLIENT_ID);
    if (written && renderedNode(obj, written.key) !== 'no') return;
    const clientId = clientIdState(obj);
    if (clientId.state === 'present') return;
    const wants = (w: WorkloadSummary) => w.wantsWorkloadIdentity && needsAnnotation(w.obj) && !clientIdsFromConsumers(w, ctx.index);
    let users = ctx.index.workloadsUsing(obj.name, obj.namespace).filter(wants);
    let foreign = false;
    if (users.length === 0 && !obj.name.includes('{{')) {
      // Workloads of other projects that run as a ServiceAccount of this name: a hint, not a finding.
      // Only those whose own project has no ServiceAccount of that name: the others run as theirs.
      users = ctx.index.workloadsUsing(obj.context?.clusterName ?? obj.name, obj.namespace, true)
        .filter((w) => wants(w) && !ctx.index.sameProject(w.obj, obj) && ctx.index.scoped(w.obj, () => ctx.index.serviceAccounts(w.serviceAccount, w.obj.namespace).length === 0));
      foreign = users.length > 0;
    }
    if (users.length === 0) return;
    const fixes: Fix[] = [];
    // Annotations inside a block the chart renders only under a condition (`{{- with .Values.….annotations }}`)
    // would get the client ID only when that condition holds, not in the case this finding is about: no text
    // edit is right then (the chart's values are where it belongs).
    const annotationsKey = findPair(getMap(obj.map, 'metadata'), 'annotations')?.key;
    const conditional = annotationsKey != null && renderedNode(obj, annotationsKey) !== 'yes';
    const edits = conditional ? [] : ensurePathAndInsert(ctx.doc, obj.map, ['metadata', 'annotations'], CLIENT_ID, quote(ctx.doc, PLACEHOLDER));
    if (edits.length) fixes.push({ title: `Add the ${CLIENT_ID} annotation`, safe: false, edits: edits.map((e) => withTabStop(e, quote(ctx.doc, PLACEHOLDER))) });
    const names = users.map((w) => `${w.obj.kind} ${w.obj.name ?? '(unnamed)'}`);
    // Certain only when nothing is left to the chart's values or conditions, on either side.
    const certain = !foreign && clientId.state === 'absent' && rendered(obj) && users.every((w) => labelCertain(w.obj));
    const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    ctx.report({
      at: objectTarget(obj),
      severity: certain ? undefined : 'info',
      message: `ServiceAccount ${obj.name}${builtBy(obj)} has no ${CLIENT_ID} annotation${clientId.state === 'unknown' ? ' that the linter can see (the chart\'s values may add one)' : ''}, but ${who}${foreign ? `, ${otherProject(users[0].obj)},` : ''} ${names.length === 1 ? 'runs' : 'run'} as it with the ${USE_LABEL} label, so the webhook gives ${names.length === 1 ? 'its' : 'their'} pods no AZURE_CLIENT_ID.`,
      related: users.map((w) => ({ file: w.obj.doc.file, range: ctx.rangeOf(serviceAccountNameNode(w.obj), w.obj.doc), message: `${w.obj.kind} ${w.obj.name ?? '(unnamed)'} runs as ServiceAccount ${obj.name} with Workload Identity${foreign ? `, ${otherProject(w.obj)}` : ''}` })),
      fixes,
    });
  },
});

/**
 * A controller of the identity graph (KEDA's operator, cert-manager, ExternalDNS, …) whose every
 * Workload Identity consumer in the workspace names its own client ID (`identityId`,
 * `managedIdentity.clientID`, `aadClientId`, …): the ServiceAccount's annotation is not what it uses.
 */
function clientIdsFromConsumers(w: WorkloadSummary, index: WorkspaceIndex): boolean {
  if (!w.controller) return false;
  const uses = consumersOfController(index, w.controller, w.obj);
  return uses.length > 0 && uses.every((u) => u.use.clientId !== undefined);
}

/** The workload's pods certainly carry the label (written, or from a helper, and rendered). */
function labelCertain(w: K8sObject): boolean {
  const t = podTemplate(w);
  return !!t && keyState(w, [...t.path, 'metadata', 'labels'], USE_LABEL).state === 'present' && rendered(w);
}

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
