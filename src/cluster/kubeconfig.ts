// Loads the kubeconfig the way kubectl does: every file of KUBECONFIG (path-list separated) is
// read, missing files are skipped, the first file to define a cluster/user/context name wins,
// and the first non-empty current-context wins. @kubernetes/client-node's loadFromDefault
// differs (it throws on a missing first file and on a duplicate name), so files are read one by
// one with client-node (which also makes relative certificate paths absolute) and merged here.

import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterIdentity, KubeFailure } from './types';
import { kubeconfigFiles, type KubeconfigOptions } from './kubeconfig-files';
import { isSecretKey, rememberSecret } from '../util/redact';

export { kubeconfigFiles, type KubeconfigOptions };

export interface LoadedKubeconfig {
  kc: KubeConfig;
  identity: ClusterIdentity;
}

export type KubeconfigResult = { ok: true; value: LoadedKubeconfig } | { ok: false; failure: KubeFailure };

function configFailure(message: string): KubeconfigResult {
  return { ok: false, failure: { kind: 'config', message } };
}

export function loadKubeconfig(opts: KubeconfigOptions = {}): KubeconfigResult {
  const files = kubeconfigFiles(opts);
  const present = files.filter((f) => existsSync(f));
  if (!present.length) {
    // A path someone gave is a typo to correct, not a kubeconfig to create: say only that it is not there.
    if (opts.kubeconfig) return configFailure(`The kubeconfig ${files.join(', ')} does not exist.`);
    if ((opts.env ?? process.env).KUBECONFIG) return configFailure(`None of the kubeconfig files named by KUBECONFIG exists (${files.join(', ')}).`);
    return configFailure(`No kubeconfig found (looked for ${files.join(', ')}). Run \`az aks get-credentials --resource-group <rg> --name <cluster>\` or set KUBECONFIG.`);
  }
  const merged = { clusters: [] as KubeConfig['clusters'], users: [] as KubeConfig['users'], contexts: [] as KubeConfig['contexts'], currentContext: '' };
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const file of present) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (e) {
      return configFailure(`The kubeconfig ${file} cannot be read: ${(e as Error).message.split('\n')[0]}`);
    }
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const item of one[key] ?? []) {
        if (seen[key].has(item.name)) continue;
        seen[key].add(item.name);
        (merged[key] as { name: string }[]).push(item);
      }
    }
    if (!merged.currentContext && one.currentContext) merged.currentContext = one.currentContext;
  }
  const kc = new KubeConfig();
  kc.loadFromOptions(merged);
  const contextName = opts.context || merged.currentContext;
  if (!contextName) {
    return configFailure(`The kubeconfig (${present.join(', ')}) sets no current-context. Pick one with \`kubectl config use-context <name>\` or pass a context.`);
  }
  const ctx = kc.getContextObject(contextName);
  if (!ctx) {
    const known = kc.getContexts().map((c) => c.name);
    return configFailure(`The context "${contextName}" is not in the kubeconfig (${present.join(', ')}). Known contexts: ${known.length ? known.join(', ') : 'none'}.`);
  }
  kc.setCurrentContext(contextName);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) return configFailure(`The context "${contextName}" names the cluster "${ctx.cluster}", which the kubeconfig does not define.`);
  const user = kc.getUser(ctx.user);
  rememberCredentials(user, [cluster.server, cluster.proxyUrl]);
  return {
    ok: true,
    value: {
      kc,
      identity: {
        context: contextName,
        cluster: cluster.name,
        server: cluster.server,
        namespace: ctx.namespace || 'default',
        auth: describeAuth(user),
        files: present,
        proxyUrl: cluster.proxyUrl,
      },
    },
  };
}

/** The context names of the kubeconfig, for pickers; the current one first. */
export function listContexts(opts: KubeconfigOptions = {}): { current?: string; names: string[] } {
  const r = loadKubeconfig({ ...opts, context: undefined });
  if (!r.ok) return { names: [] };
  return { current: r.value.identity.context, names: r.value.kc.getContexts().map((c) => c.name) };
}

type User = ReturnType<KubeConfig['getCurrentUser']>;

/** What is read of a user's `auth-provider` and `exec` (client-node types both as `any`). */
interface UserPlugins {
  authProvider?: { name?: unknown; config?: Record<string, unknown> };
  exec?: { command?: unknown; env?: { name?: string; value?: string }[] };
}

/**
 * The context's credentials (token, password, client key, auth-provider tokens, exec plugin
 * variables with secret names, a password in the server's or proxy's URL) are remembered as
 * secrets: should a server or a plugin echo one in a message, it is redacted wherever it is shown.
 */
function rememberCredentials(user: User, urls: (string | undefined)[]): void {
  if (user) {
    for (const v of [user.token, user.password, user.keyData]) rememberSecret(v);
    const { authProvider, exec } = user as UserPlugins;
    for (const [k, v] of Object.entries(authProvider?.config ?? {})) if (isSecretKey(k)) rememberSecret(String(v));
    for (const e of exec?.env ?? []) if (e.name && isSecretKey(e.name)) rememberSecret(e.value);
  }
  for (const u of urls) {
    if (!u) continue;
    try {
      const p = new URL(u).password;
      if (p) rememberSecret(decodeURIComponent(p));
    } catch {
      // not a URL: nothing to remember
    }
  }
}

function describeAuth(user: User): string {
  if (!user) return 'no user';
  const { authProvider, exec } = user as UserPlugins;
  if (exec) {
    const cmd = (typeof exec.command === 'string' ? exec.command : '').split(/[\\/]/).pop() ?? 'exec';
    return `exec plugin ${cmd}`;
  }
  if (authProvider) return `auth-provider ${String(authProvider.name)}`;
  if (user.token) return 'token';
  if (user.certFile || user.certData) return 'client certificate';
  if (user.username) return 'basic auth';
  return 'no credentials';
}
