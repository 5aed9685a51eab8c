import { isScalar, type Pair } from 'yaml';
import { quote, removePair, replaceKey, replaceNode } from '../manifests/edits';
import { renderedNode } from '../manifests/helm';
import { findPair, getMap, getNode } from '../manifests/nodes';
import { AAD_POD_IDENTITY_KINDS, podTemplate, type K8sObject } from '../manifests/objects';
import { AAD_POD_IDENTITY_LABEL, USE_LABEL } from '../manifests/workload-identity';
import { addUseLabelEdits, defineRule, nodeTarget, shownServiceAccount, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';

const API_GROUP = 'aadpodidentity.k8s.io/';
const DEPRECATED = 'aad-pod-identity (deprecated since 2022)';

const REPLACEMENT: Record<string, string> = {
  AzureIdentity: "with Workload Identity the identity's client ID goes into the azure.workload.identity/client-id annotation of the pod's ServiceAccount, with a federated credential for that ServiceAccount",
  AzureIdentityBinding: 'with Workload Identity the pod opts in with the label azure.workload.identity/use: "true" instead',
  AzurePodIdentityException: 'Workload Identity needs no exceptions, so it can go once aad-pod-identity is uninstalled',
};

export const aadPodIdentity: Rule = defineRule({
  meta: {
    id: 'aad-pod-identity',
    title: 'aad-pod-identity (deprecated) is still in use',
    description: 'A pod carries the aad-pod-identity label `aadpodidbinding`, or the workspace holds AzureIdentity, AzureIdentityBinding or AzurePodIdentityException objects: aad-pod-identity is deprecated and Workload Identity replaces it.',
    defaultSeverity: 'warning',
    kinds: [...WORKLOADS, ...AAD_POD_IDENTITY_KINDS],
    fact: 'aad-pod-identity (deprecated 2022): pod label `aadpodidbinding`, kinds `AzureIdentity`, `AzureIdentityBinding`, `AzurePodIdentityException` (apiVersion `aadpodidentity.k8s.io/*`).',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    if ((AAD_POD_IDENTITY_KINDS as readonly string[]).includes(obj.kind)) {
      if (!obj.apiVersion.startsWith(API_GROUP)) return;
      const kind = nodeTarget(getNode(obj.map, 'kind')) ?? obj.map;
      ctx.report({ at: kind, ...byValues(obj, kind), message: `${obj.kind} ${obj.name ?? '(unnamed)'} is an object of ${DEPRECATED}; ${REPLACEMENT[obj.kind]}.${optional(obj, kind)}` });
      return;
    }
    const t = podTemplate(obj);
    if (!t) return;
    const sa = shownServiceAccount(obj);

    // The workload's own labels: aad-pod-identity matched pods, so this one does nothing.
    if (obj.kind !== 'Pod') {
      const meta = getMap(obj.map, 'metadata');
      const labels = getMap(meta, 'labels');
      const pair = findPair(labels, AAD_POD_IDENTITY_LABEL);
      if (pair && labels && meta) {
        ctx.report({
          at: pair,
          ...byValues(obj, pair),
          message: `The ${obj.kind}'s own label ${AAD_POD_IDENTITY_LABEL} is left over from ${DEPRECATED} and does nothing there.${optional(obj, pair)}`,
          fixes: [{ title: `Remove the ${AAD_POD_IDENTITY_LABEL} label from the ${obj.kind}'s metadata`, safe: false, edits: removePair(ctx.doc, labels, pair as Pair, { map: meta, pair: findPair(meta, 'labels') as Pair }) }],
        });
      }
    }

    const pair = findPair(t.labels, AAD_POD_IDENTITY_LABEL);
    if (!pair || !t.labels) return;
    const hasUse = findPair(t.labels, USE_LABEL) !== undefined;
    const inSelector = obj.kind !== 'Pod' && findPair(getMap(obj.map, 'spec', 'selector', 'matchLabels'), AAD_POD_IDENTITY_LABEL) !== undefined;
    const where = obj.kind === 'Pod' ? 'The pod label' : 'The pod template label';
    let message: string;
    const fixes: Fix[] = [];
    if (inSelector) {
      message = `${where} ${AAD_POD_IDENTITY_LABEL} belongs to ${DEPRECATED}, and the ${obj.kind}'s immutable selector matches it, so it stays until the ${obj.kind} is recreated; ${hasUse ? 'the pod already opts in to Workload Identity' : `add azure.workload.identity/use: "true" next to it and annotate ServiceAccount ${sa} with the identity's client ID`}.`;
      const edits = hasUse ? [] : addUseLabelEdits(t);
      if (edits.length) fixes.push({ title: `Add azure.workload.identity/use: "true" next to ${AAD_POD_IDENTITY_LABEL} (the selector still needs it; annotate ServiceAccount ${sa} too)`, safe: false, edits });
    } else if (hasUse) {
      message = `${where} ${AAD_POD_IDENTITY_LABEL} is left over from ${DEPRECATED}; the pod already opts in to Workload Identity.`;
      const metaPair = t.metadata ? findPair(t.metadata, 'labels') : undefined;
      fixes.push({ title: `Remove the ${AAD_POD_IDENTITY_LABEL} label`, safe: false, edits: removePair(ctx.doc, t.labels, pair as Pair, t.metadata && metaPair ? { map: t.metadata, pair: metaPair as Pair } : undefined) });
    } else {
      message = `${where} ${AAD_POD_IDENTITY_LABEL} belongs to ${DEPRECATED}; Workload Identity uses the pod label azure.workload.identity/use: "true" and the client-id annotation of ServiceAccount ${sa} instead.`;
      const v = pair.value;
      const r = (v as { range?: [number, number, number] } | null)?.range;
      if (isScalar(v) && r && r[1] > r[0]) {
        fixes.push({
          title: `Replace ${AAD_POD_IDENTITY_LABEL} with azure.workload.identity/use: "true" (then annotate ServiceAccount ${sa} with the identity's client ID)`,
          safe: false,
          edits: [...replaceKey(ctx.doc, pair as Pair, USE_LABEL), ...replaceNode(ctx.doc, v, quote(ctx.doc, 'true'))],
        });
      }
    }
    ctx.report({ at: pair, ...byValues(obj, pair), message: `${message}${optional(obj, pair)}`, fixes });
  },
});

/**
 * A chart may offer aad-pod-identity as one mode among others (`{{- if eq .Values.auth "aadPodIdentity" }}`):
 * whether its objects and labels render is the installer's choice, which the linter cannot know. Only
 * what renders with the chart's default values is a warning; the rest is an info.
 */
function byValues(obj: K8sObject, node: unknown): { severity?: 'info' } {
  return renderedNode(obj, node) === 'yes' ? {} : { severity: 'info' };
}

function optional(obj: K8sObject, node: unknown): string {
  return renderedNode(obj, node) === 'yes' ? '' : ' It renders only when the chart\'s values select aad-pod-identity, which the linter cannot know.';
}
