// Builds the ClusterApi for a kubeconfig + context. When the kubeconfig cannot be loaded, the
// result is still a ClusterApi — one whose every call fails with the loading problem — so the
// diagnosis runs, `cluster-connection` fails with that sentence and the rest are skipped.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClientOptions } from './client';
import type { KubeWatchSourceOptions, WatchSource } from './watch-source';
import type * as KubeEntry from './kube-entry';
import type { KubeconfigOptions } from './kubeconfig';
import { err, type ClusterApi, type ClusterIdentity, type KubeFailure, type KubeResult } from './types';

let kube: typeof KubeEntry | undefined;

/**
 * The client-node half, loaded on first use: in the bundles it is dist/kube.js next to the
 * extension and the CLI (a path esbuild does not follow, so activation does not parse it); from
 * the sources (tests under tsx) it is ./kube-entry.
 */
function kubeModule(): typeof KubeEntry {
  if (!kube) {
    const bundled = join(__dirname, 'kube.js');
    const sources = './kube-entry';
    // Runtime paths esbuild does not follow, loaded synchronously (connect() is synchronous).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    kube = (existsSync(bundled) ? require(bundled) : require(sources)) as typeof KubeEntry;
  }
  return kube;
}

export function connect(opts: KubeconfigOptions & KubeClientOptions = {}): ClusterApi {
  const { loadKubeconfig, KubeClient } = kubeModule();
  const loaded = loadKubeconfig(opts);
  if (!loaded.ok) return new UnavailableCluster(loaded.failure, opts.context);
  return new KubeClient(loaded.value.kc, loaded.value.identity, opts);
}

/** A list + watch source for the sidebar's informers, or why the kubeconfig cannot give one. */
export function watchSource(opts: KubeconfigOptions & KubeWatchSourceOptions = {}): KubeResult<{ source: WatchSource & { dispose(): void }; identity: ClusterIdentity }> {
  const { loadKubeconfig, KubeWatchSource } = kubeModule();
  const loaded = loadKubeconfig(opts);
  if (!loaded.ok) return loaded;
  return { ok: true, value: { source: new KubeWatchSource(loaded.value.kc, loaded.value.identity, opts), identity: loaded.value.identity } };
}

/** The contexts of the kubeconfig (every file of KUBECONFIG), and the current one. */
export function kubeContexts(opts: KubeconfigOptions = {}): { current?: string; names: string[] } {
  return kubeModule().listContexts(opts);
}

export class UnavailableCluster implements ClusterApi {
  readonly identity: ClusterIdentity;
  readonly requestCount = 0;
  constructor(readonly failure: KubeFailure, context?: string) {
    this.identity = { context: context ?? '(none)', cluster: '(none)', server: '(none)', namespace: 'default', auth: 'none', files: [] };
  }
  private fail<T>(): Promise<KubeResult<T>> {
    return Promise.resolve(err(this.failure));
  }
  version = () => this.fail<never>();
  get = () => this.fail<never>();
  list = () => this.fail<never>();
  getPath = () => this.fail<never>();
  patch = () => this.fail<never>();
  createToken = () => this.fail<never>();
  podLog = () => this.fail<never>();
  accessReview = () => this.fail<never>();
}
