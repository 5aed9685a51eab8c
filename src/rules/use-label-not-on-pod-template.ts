import { isMap, type Pair } from 'yaml';
import { docRange, type ManifestDoc } from '../manifests/document';
import { removePair } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { aliasOn, findPair, getMap, getNode, getString, items, locate, nodeRange, type YAMLMap } from '../manifests/nodes';
import { podTemplate, type K8sObject, type PodTemplate } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, defineRule, WORKLOADS } from './shared';
import type { Rule, RuleContext } from './types';

// Two mistakes about where the trigger label sits. (1) It is somewhere the webhook never
// looks (the workload's own labels, a CronJob's job template, a pod annotation) and NOT in
// the pod template's labels: nothing is injected. (2) It is in the workload's selector,
// whether or not the template has it too: selectors are immutable, so the label can never
// be removed or changed later without deleting the workload. (2) has no fix: an edit to a
// selector is refused by the API server on an existing workload.

export const useLabelNotOnPodTemplate: Rule = defineRule({
  meta: {
    id: 'use-label-not-on-pod-template',
    title: 'Workload Identity label is not on the pod template, or is in the selector',
    description: 'The `azure.workload.identity/use` label sits on the workload\'s own metadata or as a pod annotation but not in the pod template\'s labels, the only place the webhook reads it; or it sits in the workload\'s immutable selector, from which it can never be removed.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'Since v1.0.0 only the POD label counts: `azure.workload.identity/use: "true"` in the pod\'s `metadata.labels` [...] On the workload\'s own `metadata.labels` it does nothing. In `spec.selector.matchLabels` it is harmful: the selector is immutable, so later removal fails with `field is immutable`. [...] As a pod ANNOTATION instead of a label it does nothing.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    if (!t) return;
    const onTemplate = !!findPair(t.labels, USE_LABEL);
    const templateName = obj.kind === 'Pod' ? "the pod's metadata.labels" : `${t.path.join('.')}.metadata.labels`;
    if (obj.kind !== 'Pod') checkSelector(obj, t, ctx, onTemplate, templateName);
    if (onTemplate) return;
    const add = addUseLabelEdits(t);
    const where: { map: YAMLMap | undefined; parent: { map: YAMLMap; pair: Pair } | undefined; what: string }[] = [];
    if (obj.kind !== 'Pod') {
      where.push({ map: getMap(obj.map, 'metadata', 'labels'), parent: parentOf(getMap(obj.map, 'metadata'), 'labels'), what: `the ${obj.kind}'s own metadata.labels` });
      if (obj.kind === 'CronJob') {
        where.push({ map: getMap(obj.map, 'spec', 'jobTemplate', 'metadata', 'labels'), parent: parentOf(getMap(obj.map, 'spec', 'jobTemplate', 'metadata'), 'labels'), what: "the Job template's labels" });
      }
    }
    where.push({ map: t.annotations, parent: parentOf(t.metadata, 'annotations'), what: 'a pod annotation' });
    for (const w of where) {
      const found = locate(w.map, USE_LABEL);
      if (!found || !w.map) continue;
      // The label moves with the comment at the end of its line (`# opt in`), which the removal takes away.
      const edits: TextEdit[] = [...withComment(add, trailingComment(ctx.doc, found.pair as Pair)), ...removePair(ctx.doc, w.map, found.pair as Pair, w.parent)];
      ctx.report({
        at: found.via ?? found.pair,
        message: `The azure.workload.identity/use label is on ${w.what}, where the webhook never looks; it must be in ${templateName}.`,
        fixes: add.length ? [{ title: `Move the label to ${templateName}`, safe: true, edits }] : [],
      });
    }
  },
});

/**
 * The label in `spec.selector` (matchLabels, or a matchExpressions key). With the label
 * on the template too, the pods are injected today: a warning about the trap. Without it
 * the selector does not even match the template (the API server refuses the workload):
 * an error, fixed by adding the label to the template, never by editing the selector.
 */
function checkSelector(obj: K8sObject, t: PodTemplate, ctx: RuleContext, onTemplate: boolean, templateName: string): void {
  const selector = getMap(obj.map, 'spec', 'selector');
  const inLabels = locate(getMap(selector, 'matchLabels'), USE_LABEL);
  const inExpression = items(getNode(selector, 'matchExpressions')).find((e) => isMap(e) && getString(e, 'key') === USE_LABEL);
  // An alias written in the selector (`matchLabels: *labels`) is where the user sees it.
  const at = inLabels ? (aliasOn(obj.map, 'spec', 'selector', 'matchLabels') ?? inLabels.via ?? inLabels.pair) : inExpression ? findPair(inExpression, 'key') : undefined;
  if (!at) {
    checkTemplatedSelector(obj, ctx, templateName);
    return;
  }
  const where = inLabels ? 'spec.selector.matchLabels' : 'a spec.selector.matchExpressions key';
  const trap = `removing or changing the label later fails with "field is immutable" and means deleting and recreating the ${obj.kind}`;
  if (onTemplate || !inLabels) {
    ctx.report({
      at,
      severity: 'warning',
      message: `The azure.workload.identity/use label is in ${where}, which cannot be changed once the ${obj.kind} exists: ${trap}. The webhook reads it only from ${templateName}${onTemplate ? ', which has it too, so the selector does not need it' : ''}; no fix is offered, as a selector cannot be edited in place.`,
    });
    return;
  }
  const add = addUseLabelEdits(t);
  ctx.report({
    at,
    message: `The azure.workload.identity/use label is in spec.selector.matchLabels but not in ${templateName}, where the webhook reads it (and which the selector must match); and a selector cannot be changed once the ${obj.kind} exists: ${trap}.`,
    fixes: add.length ? [{ title: `Add the label to ${templateName} (the selector is left as it is)`, safe: true, edits: add }] : [],
  });
}

/**
 * A chart whose selector labels come from a helper (`{{- include "x.selectorLabels" . | nindent 6 }}`)
 * that writes the label, often the same helper as the pod labels': whenever the label renders, it
 * is in the immutable selector. Reported at the include, as a warning (no fix: the helper is
 * shared with the template, which needs the label).
 */
function checkTemplatedSelector(obj: K8sObject, ctx: RuleContext, templateName: string): void {
  if (!obj.doc.templated) return;
  const state = keyState(obj, ['spec', 'selector', 'matchLabels'], USE_LABEL);
  if (!state.site || !(state.state === 'present' || state.written)) return;
  const include = obj.doc.text.slice(state.site[0], state.site[1]);
  const when = state.state === 'present' ? '' : ' whenever the chart\'s values render it';
  ctx.report({
    at: { range: docRange(obj.doc, state.site[0], state.site[1]) },
    severity: 'warning',
    message: `${include} puts the azure.workload.identity/use label into spec.selector.matchLabels${when}, which cannot be changed once the ${obj.kind} exists: removing or changing the label later fails with "field is immutable" and means deleting and recreating the ${obj.kind}. The webhook reads it only from ${templateName}: give the selector a helper without it.`,
  });
}

/** The comment ending the pair's line (`# opt in`), when the pair is alone on its line up to it. */
function trailingComment(doc: ManifestDoc, pair: Pair): string | undefined {
  const r = nodeRange(pair.value) ?? nodeRange(pair.key);
  if (!r) return undefined;
  const end = doc.text.indexOf('\n', r[1]);
  return /^[ \t]+(#[^\r\n]*?)\s*$/.exec(doc.text.slice(r[1], end === -1 ? undefined : end))?.[1];
}

/**
 * `edits` (which add the label) with `comment` at the end of the added label's line, when
 * the label is added as a block line; a flow map (`{…}`) cannot hold a comment inside.
 */
function withComment(edits: TextEdit[], comment: string | undefined): TextEdit[] {
  if (!comment) return edits;
  const line = new RegExp(`(${USE_LABEL.replace(/[./]/g, '\\$&')}: [^\n{}]*?)(\r?\n)`);
  return edits.map((e) => (line.test(e.newText) ? { ...e, newText: e.newText.replace(line, (_m, pair: string, eol: string) => `${pair} ${comment}${eol}`) } : e));
}

/** The `key:` pair of `map`, for removing an emptied labels/annotations map with its key. */
function parentOf(map: YAMLMap | undefined, key: string): { map: YAMLMap; pair: Pair } | undefined {
  const pair = findPair(map, key);
  return map && pair ? { map, pair: pair as Pair } : undefined;
}
