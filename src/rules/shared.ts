// Helpers several rules share: the one place that knows how to add the trigger
// label to a pod template, and the kinds each family of rules looks at.

import { ensurePathAndInsert, quote } from '../manifests/edits';
import type { PodTemplate } from '../manifests/objects';
import { WORKLOAD_KINDS } from '../manifests/objects';
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
