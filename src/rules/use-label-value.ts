import { isScalar } from 'yaml';
import { replaceNode, quote } from '../manifests/edits';
import { locate } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { USE_LABEL } from '../manifests/workload-identity';
import { defineRule, shownValue, WORKLOADS } from './shared';
import type { Rule } from './types';

export const useLabelValue: Rule = defineRule({
  meta: {
    id: 'use-label-value',
    title: 'Workload Identity label value must be the string "true"',
    description: 'The `azure.workload.identity/use` pod label is not exactly the string "true" (an unquoted boolean, "True", "yes", "enabled"), so the webhook ignores the pod or the API server rejects it.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'The value must be exactly the string `"true"`. Unquoted `true` is a YAML boolean, which the API server rejects as a label value; `"True"`, `"yes"`, `"enabled"` do not match the selector.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    const found = locate(t?.labels, USE_LABEL);
    if (!found) return;
    const pair = found.pair;
    const v = pair.value;
    // Inherited through `<<: *labels`: point at the alias written in this template (a fix
    // would edit the anchor, which its other users share, so the shared-anchor guard drops it).
    const target = found.via ?? (v && isScalar(v) && v.range ? v : pair);
    if (isScalar(v) && typeof v.value === 'string') {
      if (v.value === 'true' || v.value === 'false') return;
      if (isPlaceholder(v.value)) {
        ctx.report({ at: target, severity: 'info', message: `The label value ${shownValue(ctx.doc, v)} is a placeholder; it must become exactly the string "true" for the webhook to inject.` });
        return;
      }
    }
    const shown = shownValue(ctx.doc, v);
    if (isScalar(v) && typeof v.value === 'boolean') {
      const word = v.value ? 'true' : 'false';
      ctx.report({
        at: target,
        message: `The label value is the YAML boolean ${shown}, which the API server rejects as a label value; quote it as "${word}".`,
        fixes: [{ title: `Quote the label value as "${word}"`, safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, word)) }],
      });
      return;
    }
    ctx.report({
      at: target,
      message: shown === 'empty' ? 'The label has no value; the webhook\'s selector requires exactly the string "true".' : `The label value ${shown} does not match the webhook's selector, which requires exactly the string "true".`,
      fixes: v && isScalar(v) && v.range ? [{ title: 'Set the label value to "true"', safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, 'true')) }] : [],
    });
  },
});
