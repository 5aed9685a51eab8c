import { findPair, getMap, getNode, getString, isScalar } from '../manifests/nodes';
import { podTemplate, serviceAccountName, type K8sObject, type PodTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { CLIENT_ID, USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, WORKLOADS } from './shared';
import type { Rule } from './types';

export const missingUseLabel: Rule = {
  meta: {
    id: 'missing-use-label',
    title: 'ServiceAccount has a client ID but the pods lack the Workload Identity label',
    description: 'A workload runs as a ServiceAccount annotated with `azure.workload.identity/client-id`, but its pod template has no `azure.workload.identity/use` label, so the webhook injects nothing.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: '`objectSelector.matchLabels: {azure.workload.identity/use: "true"}` [...] Since v1.0.0 only the POD label counts: `azure.workload.identity/use: "true"` in the pod\'s `metadata.labels`',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    if (!t?.template || findPair(t.labels, USE_LABEL) || misplacedUseLabel(obj, t)) return;
    const saName = serviceAccountName(t) || 'default';
    // Several files may declare the same ServiceAccount (overlays); one with a client ID is enough.
    const sa = ctx.index.serviceAccounts(saName, obj.namespace).find((o) => !!getString(o.map, 'metadata', 'annotations', CLIENT_ID));
    if (!sa) return;
    const clientIdPair = findPair(getMap(sa.map, 'metadata', 'annotations'), CLIENT_ID);
    const explicit = !!serviceAccountName(t);
    const templateLabels = obj.kind === 'Pod' ? "the pod's metadata.labels" : `${t.path.join('.')}.metadata.labels`;
    const edits = addUseLabelEdits(t);
    ctx.report({
      at: reportTarget(obj, t),
      // A Helm template may add the label through an include the linter cannot see, and
      // a placeholder name matched only by its masked text proves nothing: info at most.
      severity: obj.doc.templated || isPlaceholder(saName) ? 'info' : undefined,
      message: `${describe(obj)} runs as ServiceAccount ${saName}${explicit ? '' : ' (no serviceAccountName)'}, which has an ${CLIENT_ID} annotation, but ${templateLabels} has no ${USE_LABEL}: "true" label, so the webhook injects nothing into its pods.`,
      related: clientIdPair ? [{ file: sa.doc.file, range: ctx.rangeOf(clientIdPair, sa.doc), message: `ServiceAccount ${saName}'s ${CLIENT_ID} annotation` }] : [],
      fixes: edits.length ? [{ title: `Add ${USE_LABEL}: "true" to ${templateLabels}`, safe: false, edits }] : [],
    });
  },
};

/** The label sits somewhere the webhook never looks: use-label-not-on-pod-template reports that. */
function misplacedUseLabel(obj: K8sObject, t: PodTemplate): boolean {
  if (findPair(t.annotations, USE_LABEL)) return true;
  if (obj.kind === 'Pod') return false;
  const elsewhere = [getMap(obj.map, 'metadata', 'labels'), getMap(obj.map, 'spec', 'selector', 'matchLabels')];
  if (obj.kind === 'CronJob') elsewhere.push(getMap(obj.map, 'spec', 'jobTemplate', 'metadata', 'labels'));
  return elsewhere.some((m) => !!findPair(m, USE_LABEL));
}

/** The serviceAccountName value, else the workload's name, else its kind. */
function reportTarget(obj: K8sObject, t: PodTemplate): unknown {
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const v = getNode(t.spec, key);
    if (isScalar(v) && typeof v.value === 'string' && v.value !== '') return v;
  }
  const name = getNode(obj.map, 'metadata', 'name');
  return isScalar(name) ? name : getNode(obj.map, 'kind');
}

function describe(obj: K8sObject): string {
  return obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`;
}
