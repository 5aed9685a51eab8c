import { controllerOfContainer, CONTROLLERS, type ControllerId } from '../consumers/index';
import { consumersOfController, labelledTrue } from '../manifests/identity-world';
import { findPair, getMap, getNode, getString, isMap, isScalar, items, stringValue } from '../manifests/nodes';
import { containers, podTemplate, serviceAccountName, type K8sObject } from '../manifests/objects';
import { builtBy, hasClientId } from '../manifests/cross-file';
import { USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, defineRule, nodeTarget, objectTarget, WORKLOADS } from './shared';
import type { RelatedLocation, RuleContext, Target } from './types';

/**
 * The charts that install a controller of the identity graph, and where their values put the
 * label on its pod (each chart's values.yaml): KEDA's `podIdentity.azureWorkload.enabled`, External
 * Secrets' and ExternalDNS's `podLabels` (ExternalDNS: for the azure.json its `extraVolumes` mount).
 * (cert-manager's ambient credentials may be a managed identity: not judged.)
 */
const CHARTS: Readonly<Record<string, { id: ControllerId; labelled: (values: unknown) => boolean | undefined; set: string }>> = {
  keda: { id: 'keda-operator', labelled: (v) => flag(getNode(v, 'podIdentity', 'azureWorkload', 'enabled')), set: 'podIdentity.azureWorkload.enabled: true' },
  'external-secrets': { id: 'external-secrets', labelled: (v) => label(getNode(v, 'podLabels')), set: `podLabels: {${USE_LABEL}: "true"}` },
  // kubernetes-sigs/external-dns's chart: azure.json is a Secret the user creates and mounts with `extraVolumes`.
  'external-dns': { id: 'external-dns', labelled: (v) => label(getNode(v, 'podLabels')), set: `podLabels: {${USE_LABEL}: "true"}` },
};

/** A values boolean: true, false, or undefined when a template or substitution decides. */
function flag(node: unknown): boolean | undefined {
  if (node === undefined) return false;
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'boolean') return node.value;
  return typeof node.value === 'string' && /^(true|false)$/.test(node.value) ? node.value === 'true' : undefined;
}

function label(labels: unknown): boolean | undefined {
  if (labels === undefined) return false;
  if (!isMap(labels)) return undefined;
  const v = findPair(labels, USE_LABEL)?.value;
  if (v === undefined) return false;
  return isScalar(v) && String(v.value) === 'true';
}

/** A Flux HelmRelease of a controller's chart whose inline values leave its pod unlabelled while the workspace asks it for Workload Identity. */
function helmRelease(obj: K8sObject, ctx: RuleContext): void {
  if (!obj.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) return;
  const chartNode = getNode(obj.map, 'spec', 'chart', 'spec', 'chart');
  const chart = getString(obj.map, 'spec', 'chart', 'spec', 'chart');
  const known = chart ? CHARTS[chart] : undefined;
  // Values from ConfigMaps or Secrets (valuesFrom) are not in the manifest: what they set is unknown.
  if (!known || getNode(obj.map, 'spec', 'valuesFrom') !== undefined) return;
  const values = getNode(obj.map, 'spec', 'values');
  if (known.labelled(values) !== false) return;
  const consumers = [...new Set(consumersOfController(ctx.index, known.id, obj).filter((c) => c.use.certain && c.use.labelNeeded).map((c) => c.obj))];
  if (consumers.length === 0) return;
  const c = CONTROLLERS[known.id];
  const first = consumers[0]!;
  const more = consumers.length > 1 ? ` and ${consumers.length - 1} more` : '';
  const at: Target = findPair(getMap(obj.map, 'spec'), 'values') ?? nodeTarget(chartNode) ?? objectTarget(obj);
  ctx.report({
    at,
    message: `HelmRelease ${obj.name ?? '(unnamed)'}${builtBy(obj)} installs the ${chart} chart without ${known.set} in its values, so ${c.title}'s pod gets no ${USE_LABEL} label; it exchanges its own ServiceAccount's token for ${first.kind} ${first.name ?? '(unnamed)'}${more}, which fails without it.`,
    related: consumers.slice(0, 5).map((x) => ({ file: x.doc.file, range: ctx.rangeOf(objectTarget(x), x.doc), message: `${x.kind} ${x.name ?? '(unnamed)'} uses Workload Identity through ${c.title}` })),
  });
}

export const consumerControllerIdentity = defineRule({
  meta: {
    id: 'consumer-controller-identity',
    title: 'Controller used through Workload Identity lacks the label on its pod',
    description: "A controller that exchanges its own token for the objects it serves (KEDA's operator, the External Secrets operator, ExternalDNS) runs in pods without the `azure.workload.identity/use` label (its Deployment, or a Flux HelmRelease of its chart whose values leave the label out) while an object of the workspace asks it for Workload Identity, so the webhook injects nothing and every such object fails.",
    defaultSeverity: 'warning',
    kinds: [...WORKLOADS, 'HelmRelease'],
    fact: "The token is the KEDA OPERATOR's (keda-operator ServiceAccount, usually namespace `keda`): that pod needs the label",
    fixable: 'safe',
  },
  check(obj, ctx) {
    if (obj.context?.partial) return;
    if (obj.kind === 'HelmRelease') return helmRelease(obj, ctx);
    const t = podTemplate(obj);
    if (!t?.template) return;
    let id: ControllerId | undefined;
    for (const k of containers(t)) if (k.list === 'containers') id ??= controllerOfContainer(getString(k.node, 'image') ?? '', items(getNode(k.node, 'args')).map((a) => stringValue(a)));
    if (!id) return;
    // A label with another value is use-label-value's finding (or a deliberate opt-out); a chart may add it.
    if (findPair(t.labels, USE_LABEL) || labelledTrue(obj) !== false) return;
    // A ServiceAccount with a client ID makes it missing-use-label's finding already (one finding, one fix).
    if (ctx.index.firstServiceAccount(serviceAccountName(t) || 'default', obj.namespace, hasClientId)) return;
    // Only uses that say Workload Identity themselves: ambient ones (cert-manager, Flux) may be a managed identity.
    const consumers = [...new Set(consumersOfController(ctx.index, id, obj).filter((c) => c.use.certain && c.use.labelNeeded).map((c) => c.obj))];
    if (consumers.length === 0) return;
    const c = CONTROLLERS[id];
    const at: Target = t.labels ? (findPair(t.metadata, 'labels') ?? objectTarget(obj)) : objectTarget(obj);
    const related: RelatedLocation[] = consumers.slice(0, 5).map((x) => ({ file: x.doc.file, range: ctx.rangeOf(objectTarget(x), x.doc), message: `${x.kind} ${x.name ?? '(unnamed)'} uses Workload Identity through ${c.title}` }));
    const first = consumers[0];
    const more = consumers.length > 1 ? ` and ${consumers.length - 1} more` : '';
    const edits = addUseLabelEdits(t);
    ctx.report({
      at,
      message: `${obj.kind} ${obj.name ?? '(unnamed)'}${builtBy(obj)} runs ${c.title}, which exchanges its own ServiceAccount's token for ${first.kind} ${first.name ?? '(unnamed)'}${more}, but its pod template lacks the ${USE_LABEL}: "true" label: the webhook injects no token into its pods, so every object that asks it for Workload Identity fails.`,
      related,
      fixes: edits.length ? [{ title: `Add ${USE_LABEL}: "true" to the pod template`, safe: true, edits }] : [],
    });
  },
});
