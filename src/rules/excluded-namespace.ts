import { findPair, getMap, getNode } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import type { RelatedLocation, Rule } from './types';
import { USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import { defineRule, nodeTarget, objectTarget, WORKLOADS } from './shared';

export const excludedNamespace: Rule = defineRule({
  meta: {
    id: 'excluded-namespace',
    title: 'Workload Identity pod in a namespace the webhook skips',
    description: 'A pod template carries the `azure.workload.identity/use` label but the workload is in `kube-system` or in a namespace labelled `control-plane`, whose pods the webhook does not mutate on AKS.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: 'Pods in `kube-system`, and in namespaces labelled `control-plane`, are not mutated on AKS (the admissions enforcer excludes them).',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    const label = findPair(t?.labels, USE_LABEL);
    // `false` (quoted or not) is an explicit opt-out.
    if (!label || useLabelOptsOut(label.value)) return;
    if (!obj.namespaceExplicit) return;
    const at = nodeTarget(getNode(obj.map, 'metadata', 'namespace')) ?? objectTarget(obj);
    const who = obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`;
    if (obj.namespace === 'kube-system') {
      ctx.report({
        at,
        message: `${who} asks for Workload Identity but is in namespace kube-system, whose pods the webhook does not mutate on AKS (the admissions enforcer excludes it), so nothing is injected.`,
      });
      return;
    }
    const ns = ctx.index.namespaceObject(obj.namespace);
    const controlPlane = ns && findPair(getMap(ns.map, 'metadata', 'labels'), 'control-plane');
    if (!ns || !controlPlane) return;
    const related: RelatedLocation[] = [{ file: ns.doc.file, range: ctx.rangeOf(controlPlane, ns.doc), message: `Namespace ${obj.namespace} is labelled control-plane` }];
    ctx.report({
      at,
      message: `${who} asks for Workload Identity but is in namespace ${obj.namespace}, which is labelled control-plane, so on AKS the webhook does not mutate its pods (the admissions enforcer excludes such namespaces) and nothing is injected.`,
      related,
    });
  },
});
