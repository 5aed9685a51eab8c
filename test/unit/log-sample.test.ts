// The log sample of pod-logs (src/checkpoints/log-sample.ts): bounded whatever the pods and
// containers, one newest pod per template and state, restarted containers' previous logs, only the
// containers that use Workload Identity, the primary container first, and what is not read named.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LOG_READS, sampleLogs, settled } from '../../src/checkpoints/log-sample';
import type { Pod } from '../../src/cluster/types';

const INJECTED = [{ name: 'AZURE_FEDERATED_TOKEN_FILE', value: '/var/run/secrets/azure/tokens/azure-identity-token' }];

function pod(name: string, o: { hash?: string; created: number; containers?: string[]; ready?: boolean; restarts?: Record<string, { count: number; at?: string }>; annotations?: Record<string, string>; injected?: boolean; waiting?: string }): Pod {
  const containers = (o.containers ?? ['api']).map((c) => ({ name: c, env: o.injected === false ? [] : INJECTED }));
  return {
    metadata: { name, creationTimestamp: new Date(Date.UTC(2026, 11, 1, 0, o.created)).toISOString(), labels: { app: 'api', ...(o.hash ? { 'pod-template-hash': o.hash } : {}) }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { containers, volumes: o.injected === false ? [] : [{ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'api://AzureADTokenExchange', path: 'azure-identity-token' } }] } }] },
    status: {
      phase: 'Running',
      containerStatuses: containers.map((c) => ({
        name: c.name,
        ready: o.ready ?? true,
        restartCount: o.restarts?.[c.name]?.count ?? 0,
        ...(o.waiting ? { state: { waiting: { reason: o.waiting } } } : {}),
        ...(o.restarts?.[c.name]?.at ? { lastState: { terminated: { finishedAt: o.restarts[c.name]!.at } } } : {}),
      })),
    },
  };
}

const ids = (s: ReturnType<typeof sampleLogs>) => s.read.map((t) => `${t.pod}/${t.container}${t.previous ? ' (previous)' : ''}`);

describe('log sample', () => {
  it('one template: the newest pod, its primary container first, then its other containers', () => {
    const pods = [1, 2, 3, 4, 5, 6].map((i) => pod(`p${i}`, { hash: 'h1', created: i, containers: ['api', 'worker'] }));
    const s = sampleLogs(pods);
    assert.deepEqual(ids(s), ['p6/api', 'p6/worker']);
    assert.equal(s.notRead.length, 10);
    assert.match(s.read[0]!.why, /^newest pod of the 6 pods with template h1, ready$/);
    assert.equal(s.read[0]!.alternate?.pod, 'p5', 'the next pod of the group is the alternate');
  });

  it('the default-container annotation names the primary container', () => {
    const s = sampleLogs([pod('p1', { hash: 'h', created: 1, containers: ['sidecar', 'app'], annotations: { 'kubectl.kubernetes.io/default-container': 'app' } })], 1);
    assert.deepEqual(ids(s), ['p1/app']);
  });

  it('at most MAX_LOG_READS whatever the number of pods, templates and containers; each template before other containers', () => {
    const pods = Array.from({ length: 40 }, (_, i) => pod(`p${String(i).padStart(2, '0')}`, { hash: `h${i % 5}`, created: i, containers: ['a', 'b', 'c', 'd'] }));
    const s = sampleLogs(pods);
    assert.equal(s.read.length, MAX_LOG_READS);
    assert.deepEqual(ids(s), ['p39/a', 'p38/a', 'p37/a'], 'the newest pod of each template, newest template first');
    assert.equal(s.read.length + s.notRead.length, 160);
  });

  it('restarted containers: their previous log, the latest crash first, before other containers of the sampled pods', () => {
    const pods = [
      pod('p1', { hash: 'h', created: 1, containers: ['api', 'worker'], restarts: { worker: { count: 2, at: '2026-12-01T10:00:00Z' } } }),
      pod('p2', { hash: 'h', created: 2, containers: ['api', 'worker'], restarts: { api: { count: 1, at: '2026-12-01T11:00:00Z' } } }),
      pod('p3', { hash: 'h', created: 3, containers: ['api', 'worker'] }),
    ];
    assert.deepEqual(ids(sampleLogs(pods)), ['p3/api', 'p2/api (previous)', 'p1/worker (previous)']);
  });

  it('pods of another state (not ready, not injected) are a group of their own', () => {
    const pods = [pod('p1', { hash: 'h', created: 1, injected: false }), pod('p2', { hash: 'h', created: 2, waiting: 'CrashLoopBackOff', ready: false }), pod('p3', { hash: 'h', created: 3 })];
    const s = sampleLogs(pods);
    assert.deepEqual(ids(s), ['p3/api', 'p2/api', 'p1/api']);
    assert.match(s.read[1]!.why, /not ready: CrashLoopBackOff/);
    assert.match(s.read[2]!.why, /not injected/);
  });

  it('the WI proxy sidecar and skip-containers are not read, and are named', () => {
    const s = sampleLogs([pod('p1', { hash: 'h', created: 1, containers: ['azwi-proxy', 'istio-proxy', 'api'], annotations: { 'azure.workload.identity/skip-containers': 'istio-proxy' } })]);
    assert.deepEqual(ids(s), ['p1/api']);
    assert.deepEqual(s.ignored, ['azwi-proxy (the Workload Identity proxy sidecar)', 'istio-proxy (named in azure.workload.identity/skip-containers: not injected)']);
  });

  it('settled: read holds what was read; what was tried is in neither list', () => {
    const pods = [1, 2].map((i) => pod(`p${i}`, { hash: 'h', created: i }));
    const s = sampleLogs(pods);
    const alt = s.read[0]!.alternate!;
    const after = settled(s, [s.read[0]!, alt], [false, true]);
    assert.deepEqual(after.read.map((t) => t.pod), ['p1']);
    assert.deepEqual(after.notRead, []);
  });
});
