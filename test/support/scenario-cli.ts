// One fake API server per test file, started on first use, and the CLI run in-process against it:
// the harness of the cluster tier's consumer tests (diagnose-flux, diagnose-dapr).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';
import { watchSource } from '../../src/cluster/connect';
import { LiveCluster } from '../../src/tree/live-cluster';
import type { Scenario } from '../fake-kube/scenarios';
import { startFakeKube, type FakeKube } from '../fake-kube/server';

export interface ScenarioCli {
  readonly dir: string;
  readonly cluster: () => Promise<{ kube: FakeKube; kubeconfig: string }>;
  readonly cli: (argv: string[]) => Promise<{ code: number; out: string; err: string }>;
  /** The sidebar's live cluster with its consumer kinds, started and settled (stopped after the file's tests). */
  readonly liveTree: () => Promise<LiveCluster>;
}

export function scenarioCli(scenario: Scenario): ScenarioCli {
  const dir = mkdtempSync(join(tmpdir(), `wi-${scenario.name}-`));
  const kubes: FakeKube[] = [];
  const lives: LiveCluster[] = [];
  after(async () => {
    await Promise.all(lives.map((l) => l.stop()));
    await Promise.all(kubes.map((k) => k.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  let shared: Promise<{ kube: FakeKube; kubeconfig: string }> | undefined;
  const cluster = () =>
    (shared ??= (async () => {
      const kube = await startFakeKube({ scenario });
      kubes.push(kube);
      return { kube, kubeconfig: kube.writeKubeconfig(join(dir, `${scenario.name}.yaml`)) };
    })());
  return {
    dir,
    cluster,
    async cli(argv) {
      let out = '';
      let err = '';
      const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} };
      const code = await run(argv, io);
      return { code, out, err };
    },
    async liveTree() {
      const { kubeconfig } = await cluster();
      const live = new LiveCluster({ open: () => watchSource({ kubeconfig, timeoutMs: 3000, watchTimeoutSeconds: 60 }), cache: { batchMs: 20, initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, minWatchMs: 0 }, consumers: true });
      lives.push(live);
      live.start();
      await live.whenSettled();
      await live.whenConsumersSettled();
      return live;
    },
  };
}
