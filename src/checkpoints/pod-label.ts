// pod-label: the live workload's pod template carries azure.workload.identity/use: "true", and
// its running pods do too. The webhook's objectSelector matches only that exact label on the
// pod; on the workload's own metadata, or with any other value, it does nothing.

import { USE_LABEL } from '../manifests/workload-identity';
import { addPodTemplateLabelFix, ev, kubectl, kubectlRef, listWords, restartRolloutFix, workloadLabel, recreateAdvice } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { unlabelledPods, useLabelState } from './evaluate';

export const podLabel: Checkpoint = {
  id: 'pod-label',
  title: CHECKPOINT_TITLES['pod-label'],
  description: "The live workload's pod template carries `azure.workload.identity/use: \"true\"` (not on the workload's own metadata, not another value), and so do its running pods.",
  side: 'cluster',
  needs: ['cluster-connection'],
  fact: 'Since v1.0.0 only the POD label counts: `azure.workload.identity/use: "true"` in the pod\'s\n  `metadata.labels`',
  async run(ctx) {
    const w = await ctx.workload();
    const where = w.templatePath.length ? `${w.templatePath.join('.')}.metadata.labels` : 'metadata.labels';
    const label = useLabelState(w);
    const evidence: Evidence[] = [ev('workload', workloadLabel(w))];
    const remediation: Remediation[] = [];
    const fix = addPodTemplateLabelFix(ctx, w);
    if (label.state !== 'template') {
      const value = label.state === 'wrong-value' ? label.value : undefined;
      evidence.push(ev(where, value === undefined ? `no "${USE_LABEL}"` : `"${USE_LABEL}": "${value}"`, 'fail'));
      let summary: string;
      if (label.state === 'wrong-value') summary = `The pod template's label ${USE_LABEL} is "${label.value}", not "true": the webhook's selector does not match it, so nothing is injected.`;
      else if (label.state === 'workload-only') {
        evidence.push(ev('metadata.labels', `"${USE_LABEL}": "${label.value}" (on the ${w.ref.kind} itself)`, 'warn'));
        summary = `The label ${USE_LABEL} is on the ${w.ref.kind}'s own metadata, not on its pod template: the webhook only reads pod labels, so nothing is injected.`;
      } else if (label.state === 'annotation') {
        evidence.push(ev(`${w.templatePath.join('.')}.metadata.annotations`, `"${USE_LABEL}" (an annotation, not a label)`, 'warn'));
        summary = `${USE_LABEL} is a pod annotation here, but the webhook only matches it as a label: nothing is injected.`;
      } else summary = `The pod template has no ${USE_LABEL}: "true" label, so the webhook never injects the token, client ID or tenant ID.`;
      if (fix) remediation.push({ text: fix.title, command: fix.command, fix });
      else remediation.push({ text: `Add the label ${USE_LABEL}: "true" to the pod's manifest and recreate it.` }, recreateAdvice(ctx, w));
      return { status: 'fail', summary, evidence, remediation };
    }
    evidence.push(ev(where, `"${USE_LABEL}": "true"`, 'ok'));
    const selector = (w.object.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
    const inSelector = selector?.[USE_LABEL] !== undefined;
    if (w.ref.kind === 'Pod') return { status: 'pass', summary: 'The pod carries the label azure.workload.identity/use: "true".', evidence, remediation };

    const pods = await ctx.pods();
    const unlabelled = unlabelledPods(pods);
    evidence.push(ev('running pods with the label', `${pods.length - unlabelled.length}/${pods.length}`, unlabelled.length ? 'warn' : pods.length ? 'ok' : 'info'));
    if (inSelector) evidence.push(ev('spec.selector.matchLabels', `contains "${USE_LABEL}" (the selector is immutable: removing it later needs a delete and re-create)`, 'warn'));
    if (unlabelled.length) {
      const restart = restartRolloutFix(ctx, w);
      if (restart) remediation.push({ text: restart.title, command: restart.command, fix: restart });
      else remediation.push(recreateAdvice(ctx, w));
      return {
        status: 'fail',
        summary: `The template has the label, but ${unlabelled.length === 1 ? 'pod' : 'pods'} ${listWords(unlabelled)} ${unlabelled.length === 1 ? 'was' : 'were'} created from an older template without it: ${unlabelled.length === 1 ? 'it has' : 'they have'} no Workload Identity.`,
        evidence,
        remediation,
      };
    }
    if (!pods.length) {
      remediation.push({ text: 'No pod of this workload is running; see whether pods are being created.', command: kubectl(ctx, `describe ${kubectlRef(w)}`) });
      return { status: 'warn', summary: 'The pod template has the label, but no pod of the workload exists to check.', evidence, remediation };
    }
    return { status: inSelector ? 'warn' : 'pass', summary: inSelector ? 'The pods carry the label, but it is also in the immutable spec.selector.' : pods.length === 1 ? `The pod template and its pod carry ${USE_LABEL}: "true".` : `The pod template and all ${pods.length} pods carry ${USE_LABEL}: "true".`, evidence, remediation };
  },
};
