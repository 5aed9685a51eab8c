// Helpers the checkpoints share: kubectl commands with the real names filled in, and the three
// certain fixes (pod-template label, ServiceAccount annotation, rollout restart) as FixPlans.

import { Resources, workloadType } from '../cluster/resources';
import type { Pod } from '../cluster/types';
import { CLIENT_ID, USE_LABEL } from '../manifests/workload-identity';
import type { Workload } from '../cluster/workloads';
import type { DiagnoseContext } from './context';
import type { Evidence, FixPlan } from './types';
import { shq } from '../util/shell';

export { shq };

/**
 * What a kubectl command and a fix plan need to know: the context, the target's namespace, the
 * time. A DiagnoseContext is one; the sidebar tree makes one from a node without a diagnosis.
 */
export interface CommandScope {
  cluster: { identity: { context: string } };
  target: { namespace: string };
  now(): Date;
}

/** `kubectl <args> -n <ns> --context <ctx>` with the diagnosis' context; `null` for a cluster-scoped command. */
export function kubectl(ctx: CommandScope, args: string, namespace: string | null = ctx.target.namespace): string {
  const ns = namespace ? ` -n ${shq(namespace)}` : '';
  return `kubectl ${args}${ns} --context ${shq(ctx.cluster.identity.context)}`;
}

/** `deployment/api` as kubectl names it, quoted for the shell. */
export function kubectlRef(w: Workload): string {
  return shq(`${w.ref.kind.toLowerCase()}/${w.ref.name}`);
}

export function workloadLabel(w: Workload): string {
  return `${w.ref.kind} ${w.ref.namespace}/${w.ref.name}`;
}

/** Nests `value` under `path` for a merge patch: ['spec','template'] + {x} → {spec:{template:{x}}}. */
function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value);
}

export function addPodTemplateLabelFix(ctx: CommandScope, w: Workload): FixPlan | undefined {
  if (w.ref.kind === 'Pod') return undefined; // a pod's labels can change, but the webhook only acts at creation
  if (w.ref.kind === 'Job') return undefined; // a Job's pod template is immutable: the Job must be recreated (recreateAdvice)
  const path = [...w.templatePath, 'metadata', 'labels'];
  const patch = nest(path, { [USE_LABEL]: 'true' });
  return {
    id: 'add-pod-template-label',
    title: `Add the label ${USE_LABEL}: "true" to the pod template of ${workloadLabel(w)}`,
    changes: [`${workloadLabel(w)}: ${path.join('.')}["${USE_LABEL}"] = "true" (this changes the pod template, so ${w.ref.kind === 'CronJob' ? 'the next Job' : 'a rollout'} creates new pods)`],
    target: versionedTarget(w),
    patchType: 'merge',
    patch,
    command: kubectl(ctx, `patch ${kubectlRef(w)} --type merge -p ${shq(JSON.stringify(patch))}`),
    waitForRollout: w.ref.kind === 'Deployment' || w.ref.kind === 'StatefulSet' || w.ref.kind === 'DaemonSet',
    rerun: ['pod-label', 'pod-logs'],
  };
}

/**
 * The ServiceAccount a plan annotates, with the resourceVersion it was read at (the precondition
 * of the patch; see FixPlan.target).
 */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
}

/** The target of a plan on workload `w`, with the resourceVersion it was read at. */
function versionedTarget(w: Workload): FixPlan['target'] {
  return { type: workloadType(w.ref.kind), namespace: w.ref.namespace, name: w.ref.name, resourceVersion: w.object.metadata.resourceVersion ?? '' };
}

/** `ref`: the ServiceAccount as read (namespace, name, resourceVersion). */
export function annotateServiceAccountFix(ctx: CommandScope, ref: ServiceAccountRef, clientId?: string, removeKey?: string): FixPlan {
  const w = { ref: { namespace: ref.namespace }, serviceAccountName: ref.name };
  const annotations: Record<string, string | null> = { [CLIENT_ID]: clientId ?? '' };
  if (removeKey) annotations[removeKey] = null;
  const sa = `ServiceAccount ${w.ref.namespace}/${w.serviceAccountName}`;
  const changes = [`${sa}: metadata.annotations["${CLIENT_ID}"] = ${clientId ? `"${clientId}"` : '<the managed identity\'s client ID>'}`];
  if (removeKey) changes.push(`${sa}: remove metadata.annotations["${removeKey}"]`);
  changes.push('Pods created before this change keep their old environment: restart the rollout afterwards.');
  return {
    id: 'annotate-service-account',
    title: `Annotate ServiceAccount ${w.serviceAccountName} with the managed identity's client ID`,
    changes,
    target: { type: Resources.serviceAccounts, namespace: ref.namespace, name: ref.name, resourceVersion: ref.resourceVersion ?? '' },
    patchType: 'merge',
    patch: { metadata: { annotations } },
    command: kubectl(ctx, `annotate serviceaccount ${shq(w.serviceAccountName)} ${clientId ? shq(`${CLIENT_ID}=${clientId}`) : `${CLIENT_ID}=<client-id>`} --overwrite`),
    waitForRollout: false,
    rerun: ['service-account', 'sdk-environment'],
    input: clientId ? undefined : { prompt: `Client ID of the managed identity for ${sa}`, placeholder: '00000000-0000-0000-0000-000000000000', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', patchPath: ['metadata', 'annotations', CLIENT_ID] },
  };
}

/**
 * Restart = the same change `kubectl rollout restart` makes: a timestamp annotation on the pod
 * template. A paused Deployment (`kubectl rollout pause`) rolls nothing out, a restart included
 * (kubectl refuses: "run rollout resume first"), and its pods predate its template because it is
 * paused: the fix is to resume it, as `kubectl rollout resume` does.
 */
export function restartRolloutFix(ctx: CommandScope, w: Workload): FixPlan | undefined {
  if (w.ref.kind !== 'Deployment' && w.ref.kind !== 'StatefulSet' && w.ref.kind !== 'DaemonSet') return undefined;
  if (w.ref.kind === 'Deployment' && (w.object.spec as { paused?: boolean } | undefined)?.paused) return resumeRolloutFix(ctx, w);
  const at = ctx.now().toISOString();
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } };
  return {
    id: 'restart-rollout',
    title: `Restart the rollout of ${workloadLabel(w)}`,
    changes: [`${workloadLabel(w)}: spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] = "${at}" — the pods are replaced one by one and the webhook injects the new ones`],
    target: versionedTarget(w),
    patchType: 'strategic',
    patch,
    command: kubectl(ctx, `rollout restart ${kubectlRef(w)}`),
    waitForRollout: true,
    rerun: ['pod-label', 'sdk-environment', 'pod-logs'],
  };
}

/** Resume = what `kubectl rollout resume` does: `spec.paused` false, so the template as it is now rolls out. */
function resumeRolloutFix(ctx: CommandScope, w: Workload): FixPlan {
  return {
    id: 'resume-rollout',
    title: `Resume the paused rollout of ${workloadLabel(w)}`,
    changes: [
      `${workloadLabel(w)}: spec.paused = false — its rollout is paused (kubectl rollout pause), so its pods still run an older template; resuming rolls out the pod template as it is now, every change made while it was paused included, and the webhook injects the new pods`,
    ],
    target: versionedTarget(w),
    patchType: 'merge',
    patch: { spec: { paused: false } },
    command: kubectl(ctx, `rollout resume ${kubectlRef(w)}`),
    waitForRollout: true,
    rerun: ['pod-label', 'sdk-environment', 'pod-logs'],
  };
}

/** How to recreate pods of kinds that have no rollout. */
export function recreateAdvice(ctx: DiagnoseContext, w: Workload): { text: string; command?: string } {
  if (w.ref.kind === 'Pod') return { text: 'A bare Pod is never re-admitted: delete and recreate it from its manifest.', command: kubectl(ctx, `delete pod ${shq(w.ref.name)}`) };
  if (w.ref.kind === 'Job') return { text: 'A Job\'s pods are not restarted: delete the Job and apply it again.', command: kubectl(ctx, `delete job ${shq(w.ref.name)}`) };
  if (w.ref.kind === 'CronJob') return { text: 'The next scheduled Job gets the new settings; to check now, start one by hand.', command: kubectl(ctx, `create job ${shq(`${w.ref.name}-wi-check`)} ${shq(`--from=cronjob/${w.ref.name}`)}`) };
  return { text: 'Restart the rollout so the webhook sees new pods.', command: kubectl(ctx, `rollout restart ${kubectlRef(w)}`) };
}

export { allContainers } from './evaluate';

export function podAge(p: Pod, now: Date): string {
  const t = Date.parse(p.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(t)) return 'unknown age';
  const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function ev(label: string, value: string, level?: Evidence['level']): Evidence {
  return level ? { label, value, level } : { label, value };
}

export { listWords } from '../util/words';
