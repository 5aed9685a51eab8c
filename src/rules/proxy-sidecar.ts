import { isScalar } from 'yaml';
import { removePair } from '../manifests/edits';
import { findPair, type Pair, type YAMLMap } from '../manifests/nodes';
import { podTemplate, type PodTemplate } from '../manifests/objects';
import { INJECT_PROXY_SIDECAR } from '../manifests/workload-identity';
import { defineRule, named, NOT_WI_POD, workloadIdentityPod, WORKLOADS } from './shared';
import type { Rule } from './types';

// The webhook checks only whether the key exists (upstream issue 1210), so
// `"false"` still injects the privileged proxy. Removing a `"false"` is certainly
// what the author meant; removing any other value is a decision (the proxy exists
// for apps migrating from aad-pod-identity), so that is a suggestion.

/**
 * removePair's parent chain for a pod annotation: an emptied `annotations:` goes, and in
 * a workload's template an emptied `metadata:` too (a Pod keeps its metadata).
 */
export function podAnnotationParents(t: PodTemplate): { map: YAMLMap; pair: Pair; parent?: { map: YAMLMap; pair: Pair } } | undefined {
  const annotations = findPair(t.metadata, 'annotations') as Pair | undefined;
  if (!t.metadata || !annotations) return undefined;
  const metadata = t.owner.kind !== 'Pod' && t.template ? (findPair(t.template, 'metadata') as Pair | undefined) : undefined;
  return { map: t.metadata, pair: annotations, ...(metadata && t.template ? { parent: { map: t.template, pair: metadata } } : {}) };
}

export const proxySidecar: Rule = defineRule({
  meta: {
    id: 'proxy-sidecar',
    title: 'inject-proxy-sidecar injects a privileged proxy whatever its value',
    description: 'The `azure.workload.identity/inject-proxy-sidecar` pod annotation is present (even as "false"), so the webhook injects the privileged azwi-proxy-init and azwi-proxy containers; with `hostNetwork: true` the pod is rejected, and in a Job, with a webhook older than v1.5.0 or Kubernetes older than 1.32, the proxy keeps it from completing.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: "`azure.workload.identity/inject-proxy-sidecar`: only the key's PRESENCE counts, so `\"false\"` still injects the proxy (upstream issue 1210). Injects the privileged init container `azwi-proxy-init` and the sidecar `azwi-proxy`. With `hostNetwork: true` the pod is REJECTED (`hostNetwork is set to true, cannot inject proxy sidecar`). Before webhook v1.5.0, or on Kubernetes older than 1.32, the proxy stops Jobs from completing (upstream issue 773); since v1.5.0 on Kubernetes 1.32+ it is injected as a native sidecar (an init container with `restartPolicy: Always`, upstream PR 1442) and Jobs complete. Meant only for migrating from aad-pod-identity.",
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    const pair = findPair(t?.annotations, INJECT_PROXY_SIDECAR) as Pair | undefined;
    if (!t?.annotations || !pair) return;
    const v = pair.value;
    const off = isScalar(v) && (v.value === false || (typeof v.value === 'string' && v.value.trim().toLowerCase() === 'false'));
    const hostNetwork = findPair(t.spec, 'hostNetwork') as Pair | undefined;
    const onHost = !!hostNetwork && isScalar(hostNetwork.value) && hostNetwork.value.value === true;
    const job = obj.kind === 'Job' || obj.kind === 'CronJob';
    const where = obj.kind === 'Pod' ? named(obj) : `the pod template of ${named(obj)}`;
    const head = `The ${INJECT_PROXY_SIDECAR} annotation on ${where}${off ? ' is set to "false", but only its presence counts, so it' : ''}`;
    let message: string;
    // The webhook reads the annotation only in the pods it mutates: elsewhere nothing is
    // injected (or rejected) yet, so the finding is a note about what the label would bring.
    const wi = workloadIdentityPod(obj, t, ctx.index).wi;
    if (!wi) {
      message = `The ${INJECT_PROXY_SIDECAR} annotation on ${where} would inject the privileged azwi-proxy-init and azwi-proxy containers${onHost ? ' (and, with hostNetwork: true, make the webhook reject the pod)' : ''}, but ${NOT_WI_POD}.`;
    } else if (onHost) {
      message = `${head} makes the webhook reject the pod, because the pod spec sets hostNetwork: true ("hostNetwork is set to true, cannot inject proxy sidecar").`;
    } else if (job) {
      message = `${head} injects the privileged azwi-proxy-init and azwi-proxy containers, and in a ${obj.kind} with a webhook older than v1.5.0 or on Kubernetes older than 1.32 the azwi-proxy sidecar keeps running after the work is done, so the Job never completes (since v1.5.0 on 1.32+ it is a native sidecar that stops with the Job).`;
    } else {
      message = `${head} injects the privileged azwi-proxy-init and azwi-proxy containers, which are meant only for apps migrating from aad-pod-identity.`;
    }
    ctx.report({
      at: pair,
      severity: !wi ? 'info' : onHost ? 'error' : 'warning',
      message,
      related: wi && onHost && hostNetwork ? [{ file: ctx.doc.file, range: ctx.rangeOf(hostNetwork), message: 'hostNetwork: true in the pod spec' }] : [],
      fixes: [
        {
          title: 'Remove the inject-proxy-sidecar annotation',
          safe: off,
          edits: removePair(ctx.doc, t.annotations, pair, podAnnotationParents(t)),
        },
      ],
    });
  },
});
