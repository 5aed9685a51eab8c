// cluster-connection: the kubeconfig loads (KUBECONFIG with several files, the context, proxy-url,
// exec plugins) and the API server answers. Everything else needs it.

import type { KubeFailure } from '../cluster/types';
import { ev, shq } from './shared';
import type { Checkpoint, Remediation } from './types';

export const clusterConnection: Checkpoint = {
  id: 'cluster-connection',
  title: 'Cluster connection',
  description: "The kubeconfig loads (KUBECONFIG with several files, the context, proxy-url, exec plugins such as kubelogin), the API server answers, and it accepts your credentials; the target namespace exists.",
  side: 'cluster',
  needs: [],
  fact: 'The API server serves `/.well-known/openid-configuration` (field `issuer`) and\n  `/openid/v1/jwks`',
  async run(ctx) {
    const id = ctx.cluster.identity;
    const evidence = [
      ev('context', id.context),
      ev('server', id.server),
      ev('auth', id.auth),
      ...(id.files.length ? [ev('kubeconfig', id.files.join(', '))] : []),
      ...(id.proxyUrl ? [ev('proxy-url', id.proxyUrl)] : []),
    ];
    const r = await ctx.cluster.version(ctx.signal);
    if (!r.ok) {
      if (r.failure.kind === 'cancelled') ctx.must(r, 'API server version');
      return { status: 'fail', summary: r.failure.message, evidence: [...evidence, ev('result', r.failure.status ? `HTTP ${r.failure.status}` : r.failure.kind, 'fail')], remediation: connectionRemediation(r.failure, id.context) };
    }
    const v = r.value;
    evidence.push(ev('version', `${v.gitVersion}${v.platform ? ` (${v.platform})` : ''}`, 'ok'));
    // /version is usually readable anonymously, so it does not prove the credentials work. The
    // target's Namespace (read once, the webhook checkpoint reuses it) does: 401 means expired
    // credentials, 403 still means authenticated, 404 means a namespace that does not exist.
    const ns = ctx.target.namespace;
    const nsR = await ctx.namespaceRead();
    if (!nsR.ok) {
      const f = nsR.failure;
      if (f.kind === 'cancelled') ctx.must(nsR, 'namespace');
      if (f.kind === 'not-found') {
        evidence.push(ev('namespace', `${ns}: not found`, 'fail'));
        return { status: 'fail', summary: `The API server answers, but namespace "${ns}" does not exist in context "${id.context}".`, evidence, remediation: [{ text: 'List the namespaces, or check that this is the right context.', command: `kubectl get namespaces --context ${shq(id.context)}` }] };
      }
      if (f.kind !== 'forbidden') {
        evidence.push(ev('credentials', f.status ? `HTTP ${f.status}` : f.kind, 'fail'));
        return { status: 'fail', summary: f.message, evidence, remediation: connectionRemediation(f, id.context) };
      }
      evidence.push(ev('namespace', `${ns}: may not be read (403), so the credentials work`, 'info'));
    } else evidence.push(ev('namespace', `${ns} exists`, 'ok'));
    return { status: 'pass', summary: `The API server of context "${id.context}" answers (Kubernetes ${v.gitVersion}) and accepts your credentials.`, evidence, remediation: [] };
  },
};

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
