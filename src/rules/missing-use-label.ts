import { builtBy, clientIdState, hasClientId, otherProject, reliableName, rendered } from '../manifests/cross-file';
import { docRange } from '../manifests/document';
import { keyState } from '../manifests/helm';
import { findPair, getMap, getNode, getSeq, getString, isScalar, items } from '../manifests/nodes';
import { podTemplate, serviceAccountRef, type K8sObject, type PodTemplate } from '../manifests/objects';
import { CLIENT_ID, USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, defineRule, objectTarget, WORKLOADS } from './shared';
import type { Rule, Target } from './types';

export const missingUseLabel: Rule = defineRule({
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
    // A patch on its own says nothing about the pods: its base decides.
    if (obj.context?.partial) return;
    const t = podTemplate(obj);
    if (!t?.template || misplacedUseLabel(obj, t)) return;
    const label = keyState(obj, [...t.path, 'metadata', 'labels'], USE_LABEL);
    if (label.state === 'present') return;
    const written = serviceAccountRef(t);
    const saName = written || 'default';
    // Several files may declare the same ServiceAccount (overlays); one with a client ID is enough.
    // (The first with a client ID, remembered by the index per name: not a search of every copy per workload.)
    let sa = ctx.index.firstServiceAccount(saName, obj.namespace, hasClientId);
    let foreign = false;
    if (!sa && ctx.index.serviceAccounts(saName, obj.namespace).length === 0 && !saName.includes('{{')) {
      // None in this project: one of another project only hints (both must land in one namespace).
      sa = ctx.index.firstServiceAccountAnywhere(saName, obj.namespace, hasClientId);
      foreign = !!sa;
    }
    if (!sa) return;
    const clientId = clientIdState(sa);
    const clientIdPair = findPair(getMap(sa.map, 'metadata', 'annotations'), CLIENT_ID);
    // The Secrets Store CSI driver requests the pod's token itself: such pods need no label.
    const csi = mountsSecretsStore(t);
    // A warning only when the claim holds whatever the chart's values: the pods never get the
    // label, and the ServiceAccount has its client ID (at least when the values give it one).
    const never = label.state === 'absent' && label.never === true;
    const certain = never && !foreign && !csi && reliableName(obj, saName) && rendered(obj);
    const templated = obj.doc.templated;
    const templateLabels = obj.kind === 'Pod' ? "the pod's metadata.labels" : `${t.path.join('.')}.metadata.labels`;
    const site = label.site ? obj.doc.text.slice(label.site[0], label.site[1]) : undefined;
    const lacks = label.state === 'unknown'
      ? `the linter sees no ${USE_LABEL} label in ${templateLabels}${site ? ` (${site} may add one when the chart is installed)` : ''}; without a "true" one`
      : `${templateLabels}${site ? ` (filled by ${site})` : ''} has no ${USE_LABEL}: "true" label${templated ? (never ? ' under any values' : ' with the chart\'s default values') : ''}, so`;
    const has = clientId.state === 'unknown' ? `an ${CLIENT_ID} annotation when the chart's values give it one` : `an ${CLIENT_ID} annotation`;
    const where = foreign ? `, which ${otherProject(sa)} has ${has}` : `, which has ${has}`;
    const csiNote = csi ? ' If the pods use Workload Identity only to mount secrets with the Secrets Store CSI driver, they need no label: the driver requests their token itself.' : '';
    const edits = addUseLabelEdits(t);
    ctx.report({
      // Where it always points (the ServiceAccount the pods run as); the include that fills the labels is related.
      at: reportTarget(obj, t),
      severity: certain ? undefined : 'info',
      message: `${describe(obj)}${builtBy(obj)} runs as ServiceAccount ${saName}${written ? '' : ' (no serviceAccountName)'}${where}, but ${lacks} the webhook injects nothing into its pods.${csiNote}`,
      related: [
        {
          file: sa.doc.file,
          range: ctx.rangeOf(clientIdPair ?? objectTarget(sa), sa.doc),
          message: `the ${CLIENT_ID} annotation of ServiceAccount ${saName}${clientIdPair ? '' : ' (from the chart\'s values)'}${foreign ? `, ${otherProject(sa)}` : ''}`,
        },
        ...(label.site && site ? [{ file: obj.doc.file, range: docRange(obj.doc, label.site[0], label.site[1]), message: `the pod template's labels come from ${site}` }] : []),
      ],
      fixes: edits.length ? [{ title: `Add ${USE_LABEL}: "true" to ${templateLabels}`, safe: false, edits }] : [],
    });
  },
});

/** A volume of the Secrets Store CSI driver (facts: "Controllers that use Workload Identity on someone's behalf"). */
function mountsSecretsStore(t: PodTemplate): boolean {
  return items(getSeq(t.spec, 'volumes')).some((v) => getString(v, 'csi', 'driver') === 'secrets-store.csi.k8s.io');
}

/** The label sits somewhere the webhook never looks: use-label-not-on-pod-template reports that. */
function misplacedUseLabel(obj: K8sObject, t: PodTemplate): boolean {
  if (findPair(t.annotations, USE_LABEL)) return true;
  if (obj.kind === 'Pod') return false;
  const elsewhere = [getMap(obj.map, 'metadata', 'labels'), getMap(obj.map, 'spec', 'selector', 'matchLabels')];
  if (obj.kind === 'CronJob') elsewhere.push(getMap(obj.map, 'spec', 'jobTemplate', 'metadata', 'labels'));
  return elsewhere.some((m) => !!findPair(m, USE_LABEL));
}

/** The serviceAccountName value, else the workload's name, else its kind. */
function reportTarget(obj: K8sObject, t: PodTemplate): Target {
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const v = getNode(t.spec, key);
    if (isScalar(v) && typeof v.value === 'string' && v.value !== '') return v;
  }
  return objectTarget(obj);
}

function describe(obj: K8sObject): string {
  return obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`;
}
