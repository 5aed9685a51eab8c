import type { Pair } from 'yaml';
import { removePair } from '../manifests/edits';
import { findPair, getMap, type YAMLMap } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, WORKLOADS } from './shared';
import type { Rule } from './types';

export const useLabelNotOnPodTemplate: Rule = {
  meta: {
    id: 'use-label-not-on-pod-template',
    title: 'Workload Identity label is not on the pod template',
    description: 'The `azure.workload.identity/use` label sits on the workload\'s own metadata, in its selector, or as a pod annotation, but not in the pod template\'s labels, the only place the webhook reads it.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'Since v1.0.0 only the POD label counts: `azure.workload.identity/use: "true"` in the pod\'s `metadata.labels` [...] On the workload\'s own `metadata.labels` it does nothing. In `spec.selector.matchLabels` it is harmful: the selector is immutable [...] As a pod ANNOTATION instead of a label it does nothing.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    if (!t || findPair(t.labels, USE_LABEL)) return;
    const add = addUseLabelEdits(t);
    const where: { map: YAMLMap | undefined; parents: { map: YAMLMap; pair: Pair }[]; what: string; move: boolean }[] = [];
    if (obj.kind !== 'Pod') {
      const meta = getMap(obj.map, 'metadata');
      where.push({ map: getMap(meta, 'labels'), parents: parentChain(obj.map, ['metadata', 'labels']), what: `the ${obj.kind}'s own metadata.labels`, move: true });
      where.push({ map: getMap(obj.map, 'spec', 'selector', 'matchLabels'), parents: [], what: 'spec.selector.matchLabels (immutable once created)', move: false });
      if (obj.kind === 'CronJob') {
        where.push({ map: getMap(obj.map, 'spec', 'jobTemplate', 'metadata', 'labels'), parents: parentChain(obj.map, ['spec', 'jobTemplate', 'metadata', 'labels']), what: "the Job template's labels", move: true });
      }
    }
    where.push({ map: t.annotations, parents: t.metadata ? [{ map: t.metadata, pair: findPair(t.metadata, 'annotations') as Pair }] : [], what: 'a pod annotation', move: true });
    const templateName = obj.kind === 'Pod' ? "the pod's metadata.labels" : `${t.path.join('.')}.metadata.labels`;
    for (const w of where) {
      const pair = findPair(w.map, USE_LABEL);
      if (!pair || !w.map) continue;
      const edits: TextEdit[] = [...add];
      if (w.move) edits.push(...removePair(ctx.doc, w.map, pair, nest(w.parents)));
      ctx.report({
        at: pair,
        message: `The azure.workload.identity/use label is on ${w.what}, where the webhook never looks; it must be in ${templateName}.`,
        fixes: add.length ? [{ title: w.move ? `Move the label to ${templateName}` : `Add the label to ${templateName} (the selector is left as it is)`, safe: true, edits }] : [],
      });
    }
  },
};

/** The pairs leading to `path` (outermost first), for removing emptied parents. */
function parentChain(root: YAMLMap, path: string[]): { map: YAMLMap; pair: Pair }[] {
  const out: { map: YAMLMap; pair: Pair }[] = [];
  let cur: YAMLMap | undefined = root;
  for (const key of path) {
    const pair = findPair(cur, key);
    if (!pair || !cur) break;
    out.push({ map: cur, pair: pair as Pair });
    cur = getMap(cur, key);
  }
  return out;
}

/** Turns an outermost-first chain into removePair's parent argument (innermost first). Stops at `metadata`. */
function nest(chain: { map: YAMLMap; pair: Pair }[]): { map: YAMLMap; pair: Pair; parent?: { map: YAMLMap; pair: Pair } } | undefined {
  // Only the immediate parent (labels/annotations) is removed when emptied; metadata stays.
  const p = chain[chain.length - 1];
  return p ? { map: p.map, pair: p.pair } : undefined;
}
