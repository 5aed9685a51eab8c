// cluster-connection: the kubeconfig loads (KUBECONFIG with several files, the context, proxy-url,
// exec plugins) and the API server answers. Everything else needs it.

import { workloadType } from '../cluster/resources';
import type { KubeFailure } from '../cluster/types';
import { displayUrl } from '../util/url';
import { notChecked } from './outcomes';
import { ev, shq } from './shared';
import type { Checkpoint, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';

export const clusterConnection: Checkpoint = {
  id: 'cluster-connection',
  title: CHECKPOINT_TITLES['cluster-connection'],
  description: "The kubeconfig loads (KUBECONFIG with several files, the context, proxy-url, exec plugins such as kubelogin), the API server answers, and it accepts your credentials; the target namespace and workload exist (when they do not, the diagnosis says not found and judges nothing).",
  side: 'cluster',
  needs: [],
  fact: 'The API server serves `/.well-known/openid-configuration` (field `issuer`) and\n  `/openid/v1/jwks`',
  async run(ctx) {
    const id = ctx.cluster.identity;
    const evidence = [
      ev('context', id.context),
      ev('server', displayUrl(id.server)),
      ev('auth', id.auth),
      ...(id.files.length ? [ev('kubeconfig', id.files.join(', '))] : []),
      ...(id.proxyUrl ? [ev('proxy-url', displayUrl(id.proxyUrl))] : []),
    ];
    const r = await ctx.cluster.version(ctx.signal);
    if (!r.ok) {
      if (r.failure.kind === 'cancelled') ctx.must(r, 'API server version');
      // Nothing is known about the workload: the diagnosis could not start.
      return notChecked(r.failure.message, [...evidence, ev('result', r.failure.status ? `HTTP ${r.failure.status}` : r.failure.kind, 'warn')], connectionRemediation(r.failure, id.context));
    }
    const v = r.value;
    evidence.push(ev('version', `${v.gitVersion}${v.platform ? ` (${v.platform})` : ''}`, 'ok'));
    // /version is usually readable anonymously, so it does not prove the credentials work. The
    // target's Namespace (read once, the webhook checkpoint reuses it) does: 401 means expired
    // credentials, 403 still means authenticated, 404 means a namespace that does not exist.
    const ns = ctx.target.namespace;
    // The Namespace and the workload together (/version went first, alone: it opens the connection and
    // runs an exec credential plugin once, before anything else runs concurrently).
    const { kind, name } = ctx.target;
    // A ServiceAccount alone is not read here: its absence is service-account's verdict (context.ts workload()).
    const workloadRead = kind === 'ServiceAccount' ? undefined : ctx.read('workload', () => ctx.cluster.get(workloadType(kind), ns, name, ctx.signal));
    const nsR = await ctx.namespaceRead();
    const connected = `The API server of context "${id.context}" answers (Kubernetes ${v.gitVersion}) and accepts your credentials.`;
    if (!nsR.ok) {
      const f = nsR.failure;
      if (f.kind === 'cancelled') ctx.must(nsR, 'namespace');
      if (f.kind === 'not-found') {
        // Not a verdict about the connection nor the workload: there is nothing to diagnose here.
        evidence.push(ev('namespace', `${ns}: not found`, 'warn'));
        ctx.notFound = { what: 'namespace', message: `Namespace "${ns}" does not exist in context "${id.context}" (server ${displayUrl(id.server)}), so ${describeTarget(ctx)} cannot be there.` };
        return { status: 'pass', summary: connected, evidence, remediation: [{ text: 'List the namespaces of this context, or diagnose in the context the manifest is deployed to.', command: `kubectl get namespaces --context ${shq(id.context)}` }] };
      }
      if (f.kind !== 'forbidden') {
        evidence.push(ev('credentials', f.status ? `HTTP ${f.status}` : f.kind, 'warn'));
        return notChecked(f.message, evidence, connectionRemediation(f, id.context));
      }
      evidence.push(ev('namespace', `${ns}: may not be read (403), so the credentials work`, 'info'));
    } else evidence.push(ev('namespace', `${ns} exists`, 'ok'));
    // The workload itself (the read every later checkpoint shares): a 404 is "not found", not a broken link.
    const wR = await workloadRead;
    if (wR && !wR.ok && wR.failure.kind === 'not-found') {
      evidence.push(ev(kind, `${ns}/${name}: not found`, 'warn'));
      ctx.notFound = { what: 'workload', message: `${describeTarget(ctx)} does not exist in context "${id.context}" (server ${displayUrl(id.server)}).` };
      return { status: 'pass', summary: connected, evidence, remediation: [{ text: `List the ${kind}s of namespace "${ns}".`, command: `kubectl get ${kind.toLowerCase()} -n ${shq(ns)} --context ${shq(id.context)}` }] };
    }
    return { status: 'pass', summary: connected, evidence, remediation: [] };
  },
};

function describeTarget(ctx: { target: { kind: string; namespace: string; name: string } }): string {
  return `${ctx.target.kind} ${ctx.target.namespace}/${ctx.target.name}`;
}

function connectionRemediation(f: KubeFailure, context: string): Remediation[] {
  const c = shq(context);
  switch (f.kind) {
    case 'config':
      return [{ text: 'Get credentials for the AKS cluster (this writes ~/.kube/config), or point KUBECONFIG / the wiDoctor.kubeconfig setting at your file.', command: 'az aks get-credentials --resource-group <resource-group> --name <cluster>' }];
    case 'exec-plugin':
      return [
        { text: 'Install kubelogin and the Azure CLI, then sign in.', command: 'az aks install-cli && az login' },
        { text: 'Or let kubelogin reuse the Azure CLI login.', command: 'kubelogin convert-kubeconfig -l azurecli' },
      ];
    case 'unauthorized':
      return [{ text: 'Sign in again and refresh the credentials.', command: `az login && kubectl get --raw /version --context ${c}` }];
    case 'tls':
      return [{ text: 'Refresh the cluster entry (server and certificate authority) in the kubeconfig.', command: 'az aks get-credentials --resource-group <resource-group> --name <cluster> --overwrite-existing' }];
    default:
      return [{ text: 'Check that the API server answers from this machine.', command: `kubectl get --raw /version --context ${c} -v=6` }];
  }
}
