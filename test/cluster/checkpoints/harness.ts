// Runs the cluster checkpoints against the local API server for one scenario (or one server
// option set) and returns the results by id. Servers are stopped after the file's tests.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { clusterCheckpoints } from '../../../src/checkpoints';
import { diagnose, type Diagnosis } from '../../../src/checkpoints/runner';
import type { CheckpointId, CheckpointResult, WorkloadRef } from '../../../src/checkpoints/types';
import { connect } from '../../../src/cluster/connect';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../../fake-kube/server';

const dir = mkdtempSync(join(tmpdir(), 'wi-cp-'));
const servers: FakeKube[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

export const API: WorkloadRef = { namespace: 'payments', kind: 'Deployment', name: 'api' };

export interface Run {
  kube: FakeKube;
  diagnosis: Diagnosis;
  byId: Record<CheckpointId, CheckpointResult>;
}

export async function serve(opts: FakeKubeOptions): Promise<FakeKube> {
  const kube = await startFakeKube(opts);
  servers.push(kube);
  return kube;
}

export async function diagnoseWith(opts: FakeKubeOptions | FakeKube, target: WorkloadRef = API, timeoutMs = 5000): Promise<Run> {
  const kube = 'url' in opts ? opts : await serve(opts);
  const kubeconfig = kube.writeKubeconfig(join(dir, `kc-${servers.length}-${Math.random().toString(36).slice(2)}.yaml`));
  const cluster = connect({ kubeconfig, timeoutMs });
  const diagnosis = await diagnose({ cluster, target, checkpoints: clusterCheckpoints });
  const byId = Object.fromEntries(diagnosis.report.checkpoints.map((c) => [c.id, c])) as Record<CheckpointId, CheckpointResult>;
  return { kube, diagnosis, byId };
}

/** `label: value` lines of a result's evidence, for compact assertions. */
export function evidence(r: CheckpointResult): string[] {
  return r.evidence.map((e) => `${e.level ?? '-'} ${e.label}: ${e.value}`);
}

// ---- the Azure half ---------------------------------------------------------------------

import { allCheckpoints } from '../../../src/checkpoints';
import type { DiagnoseOptions } from '../../../src/checkpoints/context';
import { azureProvider } from '../../../src/azure/provider';
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from '../../fake-azure/cloud';

const clouds: FakeCloud[] = [];
after(async () => {
  await Promise.all(clouds.map((c) => c.stop()));
});

export interface CloudRun extends Omit<Run, 'kube'> {
  cloud: FakeCloud;
}

/** The whole chain (cluster and Azure) against the fake cloud; the token exchange allowed unless options say otherwise. */
export async function diagnoseCloud(opts: FakeCloudOptions | FakeCloud, options: DiagnoseOptions = {}): Promise<CloudRun> {
  const existing = 'endpoints' in opts;
  const cloud = existing ? (opts as FakeCloud) : await startFakeCloud(opts as FakeCloudOptions);
  if (!existing) clouds.push(cloud);
  const kubeconfig = cloud.kube.writeKubeconfig(join(dir, `cloud-${clouds.length}-${Math.random().toString(36).slice(2)}.yaml`));
  const azure = azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'Not signed in to Azure (test).', timeoutMs: 5000 });
  const diagnosis = await diagnose({ cluster: connect({ kubeconfig, timeoutMs: 5000 }), target: API, checkpoints: allCheckpoints, options: { azure, tokenExchange: 'always', ...options } });
  const byId = Object.fromEntries(diagnosis.report.checkpoints.map((c) => [c.id, c])) as Record<CheckpointId, CheckpointResult>;
  return { cloud, diagnosis, byId };
}

// ---- a diagnosis that starts from a consumer object ------------------------------------------

import { consumerCheckpoints } from '../../../src/checkpoints';
import { resolveConsumer, type ConsumerRef, type ConsumerResolution } from '../../../src/checkpoints/consumer-target';

/** Resolves the consumer as the CLI does, then runs its chain (cluster side) on the workload that carries it. */
export async function diagnoseConsumer(opts: FakeKubeOptions | FakeKube, ref: ConsumerRef): Promise<Run & { resolution: ConsumerResolution }> {
  const kube = 'url' in opts ? opts : await serve(opts);
  const kubeconfig = kube.writeKubeconfig(join(dir, `kc-c-${servers.length}-${Math.random().toString(36).slice(2)}.yaml`));
  const cluster = connect({ kubeconfig, timeoutMs: 5000 });
  const resolution = await resolveConsumer(cluster, ref, new AbortController().signal);
  if (!resolution.ok) return { kube, resolution, diagnosis: undefined as never, byId: {} as Record<CheckpointId, CheckpointResult> };
  const target = resolution.target;
  const diagnosis = await diagnose({ cluster, target: target.carrier!, checkpoints: consumerCheckpoints(target.use, { azure: false }), options: { consumer: target } });
  const byId = Object.fromEntries(diagnosis.report.checkpoints.map((c) => [c.id, c])) as Record<CheckpointId, CheckpointResult>;
  return { kube, diagnosis, byId, resolution };
}
