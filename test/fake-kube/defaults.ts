// The defaults a real API server fills in on create, so that objects written through the
// fake server read back like `kubectl get -o json` on AKS (imagePullPolicy,
// terminationMessagePath, strategy, the default tolerations...). Applied in place.

import type { KubeObject } from './store';

type Json = Record<string, any>;

function defaultContainer(c: Json): void {
  c.imagePullPolicy ??= String(c.image ?? '').endsWith(':latest') || !/:[^/]+$/.test(String(c.image ?? '')) ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

/** PodSpec defaults (the part shared by pods and pod templates). */
export function defaultPodSpec(spec: Json | undefined): void {
  if (!spec) return;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const v of spec.volumes ?? []) {
    if (v.secret) v.secret.defaultMode ??= 420;
    if (v.configMap) v.configMap.defaultMode ??= 420;
    if (v.projected) v.projected.defaultMode ??= 420;
  }
}

/** What only real pods get (admission plugins, not the template). */
export function defaultPod(pod: KubeObject): void {
  const spec = (pod.spec ??= {});
  defaultPodSpec(spec);
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  // The Priority admission plugin resolves the two built-in classes.
  spec.priority ??= { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 }[spec.priorityClassName as string] ?? 0;
  // DefaultTolerationSeconds admission plugin.
  spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!spec.tolerations.some((t: Json) => t.key === key)) spec.tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
  }
}

function defaultTemplate(t: Json | undefined): void {
  if (t) defaultPodSpec(t.spec);
}

/** Defaults for any kind the fake server stores; a no-op for the others. */
export function applyDefaults(o: KubeObject): void {
  const spec = o.spec as Json | undefined;
  switch (o.kind) {
    case 'Pod':
      defaultPod(o);
      break;
    case 'Deployment':
      if (!spec) return;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      defaultTemplate(spec.template);
      break;
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      if (!spec) return;
      if (o.kind !== 'DaemonSet') spec.replicas ??= 1;
      if (o.kind === 'StatefulSet') {
        spec.podManagementPolicy ??= 'OrderedReady';
        spec.revisionHistoryLimit ??= 10;
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      }
      if (o.kind === 'DaemonSet') {
        spec.revisionHistoryLimit ??= 10;
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
      }
      defaultTemplate(spec.template);
      break;
    case 'Job':
      if (!spec) return;
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      if (spec.template?.spec) spec.template.spec.restartPolicy ??= 'Never';
      defaultTemplate(spec.template);
      break;
    case 'CronJob':
      if (!spec) return;
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      defaultTemplate(spec.jobTemplate?.spec?.template);
      break;
    case 'Secret':
      o.type ??= 'Opaque';
      break;
    case 'Service':
      if (!spec) return;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      break;
    case 'Namespace':
      o.spec ??= { finalizers: ['kubernetes'] };
      o.status ??= { phase: 'Active' };
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      break;
  }
}
