// Workloads with many pods of several containers, for the diagnosis's request bound and its log
// sample (src/checkpoints/log-sample.ts): payments/api (ServiceAccount api-sa, like `healthy`) with
// N pods of M containers, all injected by the webhook, optionally mid-rollout (some pods from an
// older template) and with a restarted container. A Workload Identity error can be put in exactly
// one log — one container of the old template's pod, or one restarted container's previous log —
// to show the sample still finds it. Not in SCENARIOS (the scenario suites run every one of those):
// pass the object to startFakeKube({ scenario }).

import type { ClusterBuilder } from './builder';
import { CLIENT_ID, DEFAULT_ISSUER, type Scenario } from './scenarios';
import type { KubeObject } from './store';
import { DAY, HOUR, MINUTE, replicaSetFor, type ContainerSpec } from './workloads';

export interface ManyPodsOptions {
  /** Pods of the current template. Default 6. */
  pods?: number;
  /** App containers per pod (api, worker, sync, ...), all injected. Default 2. */
  containers?: number;
  /** Pods left from the previous template (a rollout in progress). Default 0. */
  oldPods?: number;
  /** The current template's pod (index, oldest first) whose container `restartedContainer` restarted once. */
  restartedPod?: number;
  restartedContainer?: string;
  /**
   * Where the one AADSTS70021 line goes: the old template's pod (its container `container`), or the
   * previous log of the restarted container. Default: nowhere (a healthy workload).
   */
  error?: { in: 'old-pod'; container: string } | { in: 'restarted' };
}

const NS = 'payments';
const NAME = 'api';
const SA = 'api-sa';
const CONTAINER_NAMES = ['api', 'worker', 'sync', 'metrics', 'cache', 'audit', 'jobs', 'mailer'];

/** The line Entra's refusal leaves in an app's log (as in scenario logs-aadsts). */
export function aadstsLine(t: number): string {
  return `{"level":"error","time":"${new Date(t).toISOString()}","msg":"token request failed","error":"AuthenticationRequiredError: WorkloadIdentityCredential authentication failed. AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${DEFAULT_ISSUER}'. Assertion Subject: 'system:serviceaccount:${NS}:${SA}'. Assertion Audience: 'api://AzureADTokenExchange'."}`;
}

function healthyLog(container: string, started: number): string {
  return [
    `{"level":"info","time":"${new Date(started + 900).toISOString()}","msg":"starting ${container}","version":"2.14.3"}`,
    `{"level":"info","time":"${new Date(started + 2100).toISOString()}","msg":"acquired token","credential":"WorkloadIdentityCredential","scope":"https://vault.azure.net/.default"}`,
    `{"level":"info","time":"${new Date(started + 65_000).toISOString()}","msg":"GET /healthz","status":200}`,
  ].join('\n');
}

function containers(n: number, version: string): ContainerSpec[] {
  return CONTAINER_NAMES.slice(0, Math.max(1, Math.min(n, CONTAINER_NAMES.length))).map((name) => ({
    name,
    image: `contosoprod.azurecr.io/${NS}/${name}:${version}`,
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
  }));
}

function logs(b: ClusterBuilder, pods: KubeObject[]): void {
  for (const p of pods) {
    const started = Date.parse(p.status.startTime);
    for (const c of p.spec.containers as { name: string }[]) b.store.setLog(NS, p.metadata.name, c.name, healthyLog(c.name, started), { endTime: new Date(started + 65_000) });
  }
}

export function manyPodsScenario(o: ManyPodsOptions = {}): Scenario {
  const n = o.pods ?? 6;
  const m = o.containers ?? 2;
  const old = o.oldPods ?? 0;
  const parts = [`${n} pods`, `${m} containers each`, ...(old ? [`${old} pod(s) of the previous template`] : []), ...(o.restartedContainer ? [`container ${o.restartedContainer} of pod #${o.restartedPod ?? 0} restarted`] : [])];
  return {
    name: `many-pods-${n}x${m}${old ? `-rollout${old}` : ''}${o.restartedContainer ? '-restarted' : ''}${o.error ? `-error-${o.error.in}` : ''}`,
    description: `Deployment payments/api with ${parts.join(', ')}${o.error ? `; one AADSTS70021 line, only in ${o.error.in === 'old-pod' ? `container ${o.error.container} of the old template's pod` : "the restarted container's previous log"}` : ''}.`,
    base: 'aks-addon',
    target: { namespace: NS, kind: 'Deployment', name: NAME },
    failingCheckpoint: o.error ? 'pod-logs' : null,
    build(b) {
      const created = b.ago(41 * DAY);
      b.namespace(NS, created - HOUR);
      b.serviceAccount(NS, SA, created, { 'azure.workload.identity/client-id': CLIENT_ID });
      const use = { 'azure.workload.identity/use': 'true' };
      const spec = { namespace: NS, name: NAME, serviceAccountName: SA, podLabels: use, created, revision: 4 };
      let oldPods: KubeObject[] = [];
      if (old) {
        // The previous template (image 2.14.2), rolled out 9 days ago; `old` of its pods are still running.
        const before = b.deployment({ ...spec, replicas: n, pods: old, containers: containers(m, '2.14.2'), rolledOut: b.ago(9 * DAY), revision: 3 });
        oldPods = before.pods;
        logs(b, oldPods);
      }
      const restarts = (i: number) =>
        o.restartedContainer && i === (o.restartedPod ?? 0) ? { restarts: { [o.restartedContainer]: { count: 1, lastExitCode: 1, lastReason: 'Error', lastFinished: b.ago(40 * MINUTE) } } } : {};
      let pods: KubeObject[];
      if (old) {
        // The rollout of the new template (2.14.3) an hour ago: a new ReplicaSet beside the old one.
        const d = b.store.get('Deployment', NS, NAME)!;
        d.spec.template.spec.containers = containers(m, '2.14.3');
        d.metadata.annotations = { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': '4' };
        b.put(d);
        const rs = b.put(replicaSetFor(d, { revision: 4, created: b.ago(HOUR), replicas: n }));
        pods = b.pods(rs, rs.spec.template, n, { created: b.ago(HOUR) + 1000, podStatus: restarts });
        b.refreshDeployment(NS, NAME, b.ago(HOUR) + 2 * MINUTE);
      } else {
        pods = b.deployment({ ...spec, replicas: n, containers: containers(m, '2.14.3'), rolledOut: b.ago(2 * DAY), podStatus: restarts }).pods;
      }
      logs(b, pods);
      if (o.restartedContainer) {
        const p = pods[o.restartedPod ?? 0]!;
        const crashed = b.ago(40 * MINUTE);
        const lines = [`{"level":"info","time":"${new Date(crashed - 61_000).toISOString()}","msg":"starting ${o.restartedContainer}"}`];
        if (o.error?.in === 'restarted') lines.push(aadstsLine(crashed - 30_000));
        lines.push('Error: exiting after 3 failed attempts');
        b.store.setLog(NS, p.metadata.name, o.restartedContainer, lines.join('\n'), { previous: true, endTime: new Date(crashed) });
      }
      if (o.error?.in === 'old-pod') {
        const p = oldPods[0];
        if (!p) throw new Error('many-pods: error in the old pod needs oldPods ≥ 1');
        const started = Date.parse(p.status.startTime);
        b.store.setLog(NS, p.metadata.name, o.error.container, [healthyLog(o.error.container, started), aadstsLine(b.ago(3 * MINUTE))].join('\n'), { endTime: new Date(b.ago(3 * MINUTE)) });
      }
    },
  };
}

/** The benchmark's workload: 6 pods of 2 containers, healthy. */
export const MANY_PODS: Scenario = manyPodsScenario();
