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
