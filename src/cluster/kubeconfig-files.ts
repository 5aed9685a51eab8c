// Which kubeconfig files kubectl reads, without loading the Kubernetes client: the sidebar asks
// this at activation time (is there a kubeconfig at all? which files to follow?), and
// kubeconfig.ts (in dist/kube.js) loads them.

import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';

export interface KubeconfigOptions {
  /** An explicit kubeconfig path (the CLI's --kubeconfig or the setting); wins over KUBECONFIG. */
  kubeconfig?: string;
  /** A context to use instead of current-context; the user's files are never rewritten. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The kubeconfig files in the order kubectl reads them. */
export function kubeconfigFiles(opts: KubeconfigOptions = {}): string[] {
  if (opts.kubeconfig) return [opts.kubeconfig];
  const env = opts.env ?? process.env;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(opts.home ?? homedir(), '.kube', 'config')];
}

