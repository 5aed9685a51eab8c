// The identity view (issue 19, "the 20-credential limit"): a managed identity's federated
// credentials, each judged for whether it still serves something. An identity holds at most 20;
// users hit the wall when adding clusters or namespaces while credentials of deleted clusters and
// namespaces stay behind. For each credential:
//   - AKS's `aks-identity-binding`: AKS-managed (identity bindings), never to be deleted by hand;
//   - a Kubernetes subject (`system:serviceaccount:<ns>:<sa>`) whose issuer is an AKS cluster's
//     (Resource Graph): live; and when that cluster is the one the kubeconfig reaches, its
//     ServiceAccount is looked up — absent means stale (the namespace or ServiceAccount is gone);
//   - an AKS issuer (`https://<region>.oic.prod-aks.azure.com/…`) that no cluster you can read
//     has: likely stale (a deleted cluster — or one in a subscription you cannot read: said so);
//   - anything else (GitHub Actions, another OIDC provider): not judged.

import { Resources } from '../cluster/resources';
import type { ClusterApi } from '../cluster/types';
import { shq } from '../util/shell';
import type { AksCluster, AzureApi, AzureResult, FederatedCredential, ManagedIdentity } from './types';

export const MAX_CREDENTIALS = 20;
const AUDIT_CONCURRENCY = 4;

/** `--identity-name … --resource-group … --subscription …`: the identity in an `az identity` command. */
export function azIdentityArgs(identity: ManagedIdentity): string {
  return `--identity-name ${shq(identity.name)} --resource-group ${shq(identity.resourceGroup)} --subscription ${shq(identity.subscriptionId)}`;
}

/** The `az` command that deletes one federated credential of `identity`. */
export function azDeleteCredential(identity: ManagedIdentity, name: string): string {
  return `az identity federated-credential delete --name ${shq(name)} ${azIdentityArgs(identity)}`;
}

export type CredentialState = 'live' | 'stale' | 'likely-stale' | 'aks-managed' | 'not-judged';

export interface CredentialAudit {
  readonly credential: FederatedCredential;
  readonly state: CredentialState;
  /** One sentence: why. */
  readonly reason: string;
  readonly cluster?: AksCluster;
}

export interface IdentityAudit {
  readonly identity: ManagedIdentity;
  readonly credentials: readonly CredentialAudit[];
  readonly limit: number;
}

const AKS_ISSUER = /^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\//i;
const SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The cluster the kubeconfig reaches, with its issuer (from its discovery document), to check subjects in. */
export interface ReachableCluster {
  readonly api: ClusterApi;
  readonly issuer: string;
}

const bare = (u: string) => u.replace(/\/+$/, '').toLowerCase();

export async function auditIdentity(azure: AzureApi, identity: ManagedIdentity, reachable: ReachableCluster | undefined, signal?: AbortSignal): Promise<AzureResult<IdentityAudit>> {
  const listed = await azure.listFederatedCredentials(identity, signal);
  if (!listed.ok) return listed;
  // One Resource Graph query per distinct issuer (a handful), all at once.
  const issuers = [...new Set(listed.value.map((c) => c.issuer).filter((i) => AKS_ISSUER.test(i)))];
  const found = await Promise.all(issuers.map(async (i) => [i, await azure.findClusterByIssuer(i, signal)] as const));
  const clusters = new Map(found.map(([i, r]) => [i, r]));
  const judge = async (credential: FederatedCredential): Promise<CredentialAudit> => {
    if (credential.name === 'aks-identity-binding' && /^https:\/\/ib\.oic\.prod-aks\.azure\.com\//i.test(credential.issuer)) {
      return { credential, state: 'aks-managed', reason: "AKS's credential for identity bindings: AKS manages it, and every binding of this identity needs it — never delete it by hand" };
    }
    if (!AKS_ISSUER.test(credential.issuer)) return { credential, state: 'not-judged', reason: 'not an AKS cluster issuer (GitHub Actions, another Kubernetes or OIDC provider): not judged here' };
    const r = clusters.get(credential.issuer);
    if (!r || !r.ok) return { credential, state: 'not-judged', reason: `whether an AKS cluster has this issuer could not be looked up${r && !r.ok ? `: ${r.failure.message}` : ''}` };
    const cluster = r.value;
    if (!cluster) return { credential, state: 'likely-stale', reason: 'no AKS cluster you can read has this issuer: the cluster was deleted or its OIDC issuer rotated (or it is in a subscription you cannot read)' };
    const sub = SUBJECT.exec(credential.subject);
    const where = `AKS cluster ${cluster.name} (resource group ${cluster.resourceGroup})`;
    if (!sub) return { credential, state: 'live', reason: `the issuer of ${where}; the subject is not a ServiceAccount's` };
    if (!reachable || bare(reachable.issuer) !== bare(credential.issuer)) return { credential, state: 'live', reason: `the issuer of ${where} (its ServiceAccounts were not looked up: the kubeconfig's context is another cluster)`, cluster };
    const [, ns, name] = sub;
    const sa = await reachable.api.get(Resources.serviceAccounts, ns!, name!, signal);
    if (sa.ok) return { credential, state: 'live', reason: `ServiceAccount ${ns}/${name} exists in ${where}`, cluster };
    if (sa.failure.kind === 'not-found') return { credential, state: 'stale', reason: `ServiceAccount ${ns}/${name} does not exist in ${where}: no pod can present this subject`, cluster };
    return { credential, state: 'live', reason: `the issuer of ${where}; whether ServiceAccount ${ns}/${name} exists could not be read: ${sa.failure.message}`, cluster };
  };
  // A few at a time: up to 20 lookups must not pile up on one AbortSignal (and one API server).
  const credentials: CredentialAudit[] = [];
  for (let i = 0; i < listed.value.length; i += AUDIT_CONCURRENCY) for (const a of await Promise.all(listed.value.slice(i, i + AUDIT_CONCURRENCY).map(judge))) credentials.push(a);
  return { ok: true, value: { identity, credentials, limit: MAX_CREDENTIALS } };
}
