// identity-binding: for pods that ask for an AKS identity binding, the binding between THIS cluster
// (found by its issuer in Resource Graph) and the ServiceAccount's identity exists in Azure Resource
// Manager (`managedClusters/identityBindings`, one per identity and cluster) and is provisioned;
// and the cluster does not use API server VNet integration, which identity bindings do not support
// (Microsoft's AKS docs, identity bindings).

import { azureFailed } from './azure-shared';
import { SkipCheckpoint } from './context';
import { usesIdentityBinding } from './identity-binding-mode';
import { notChecked } from './outcomes';
import { ev, shq } from './shared';
import type { Checkpoint, Evidence } from './types';
import { CHECKPOINT_TITLES } from './results';

/** A binding name the API accepts (`^[a-z][a-z0-9]{0,63}$`), from the identity's name. */
export function bindingName(identityName: string): string {
  const bare = identityName.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (/^[a-z]/.test(bare) ? bare : `ib${bare}`).slice(0, 64) || 'ib';
}

export const identityBinding: Checkpoint = {
  id: 'identity-binding',
  title: CHECKPOINT_TITLES['identity-binding'],
  description: "Only for pods that ask for an identity binding: Azure Resource Manager has an identity binding between this AKS cluster (found by its issuer) and the ServiceAccount's managed identity, provisioned, on a cluster without API server VNet integration.",
  side: 'azure',
  needs: ['managed-identity'],
  reads: ['cluster-oidc-issuer'],
  fact: 'An\n  identity binding is the ARM child resource `Microsoft.ContainerService/managedClusters/\n  identityBindings` (one per identity per cluster, `properties.managedIdentity.resourceId`)',
  appliesTo: usesIdentityBinding,
  async run(ctx) {
    const identity = ctx.state.identity;
    if (!identity) throw new SkipCheckpoint('Skipped: identity bindings map a user-assigned managed identity, and none was found for the client ID (see "Managed identity").');
    const issuer = ctx.state.issuer;
    if (!issuer) throw new SkipCheckpoint("Skipped: the cluster's issuer is unknown, so its AKS resource cannot be found (see \"Cluster OIDC issuer\").");
    const azure = await ctx.azure();
    const found = await azure.findClusterByIssuer(issuer, ctx.signal);
    if (!found.ok) return azureFailed(found.failure, 'find the AKS cluster with Resource Graph', azure, ctx.signal);
    const cluster = found.value;
    if (!cluster) return notChecked(`No AKS cluster with the issuer ${issuer} is among the subscriptions you can read, so its identity bindings cannot be listed.`, [ev('issuer', issuer)], []);
    const evidence: Evidence[] = [ev('AKS cluster', `${cluster.name} (resource group ${cluster.resourceGroup}, subscription ${cluster.subscriptionId})`)];
    if (cluster.vnetIntegration) {
      evidence.push(ev('apiServerAccessProfile.enableVnetIntegration', 'true', 'fail'));
      return { status: 'fail', summary: `AKS cluster ${cluster.name} uses API server VNet integration, which identity bindings do not support: use a federated credential for this cluster's issuer instead (remove ${'azure.workload.identity/use-identity-binding'} from the pod template).`, evidence, remediation: [] };
    }
    const list = await azure.listIdentityBindings(cluster, ctx.signal);
    if (!list.ok) return azureFailed(list.failure, `list the identity bindings of ${cluster.name}`, azure, ctx.signal);
    const mine = list.value.find((b) => b.identityResourceId.toLowerCase() === identity.id.toLowerCase() || (b.clientId !== undefined && b.clientId.toLowerCase() === identity.clientId.toLowerCase()));
    evidence.push(ev('identity bindings', list.value.length ? list.value.map((b) => `${b.name} → ${b.identityResourceId.split('/').pop() ?? '?'}`).join(', ') : 'none on this cluster'));
    if (!mine) {
      const name = bindingName(identity.name);
      const command = `az aks identity-binding create --resource-group ${shq(cluster.resourceGroup)} --cluster-name ${shq(cluster.name)} --subscription ${shq(cluster.subscriptionId)} --name ${shq(name)} --managed-identity-resource-id ${shq(identity.id)}`;
      return {
        status: 'fail',
        summary: `No identity binding maps managed identity ${identity.name} to AKS cluster ${cluster.name}: AKS's token proxy has nothing to exchange the pod's token with.`,
        evidence,
        remediation: [{ text: `Create it (Azure CLI 2.73.0 or later; AKS then creates the credential aks-identity-binding on ${identity.name} if it has none). Creating it needs Microsoft.ContainerService/managedClusters/identityBindings/write and the right to write federated credentials on the identity.`, command }],
      };
    }
    evidence.push(ev(`binding ${mine.name}`, `${mine.provisioningState ?? 'state unknown'}${mine.issuerUrl ? ` · issuer ${mine.issuerUrl}` : ''}`, mine.provisioningState && mine.provisioningState !== 'Succeeded' ? 'warn' : 'ok'));
    if (mine.provisioningState === 'Failed' || mine.provisioningState === 'Canceled') {
      return { status: 'fail', summary: `Identity binding ${mine.name} of ${identity.name} on ${cluster.name} is ${mine.provisioningState}.`, evidence, remediation: [{ text: 'See the binding in Azure, then delete and create it again.', command: `az aks identity-binding show --resource-group ${shq(cluster.resourceGroup)} --cluster-name ${shq(cluster.name)} --name ${shq(mine.name)}` }] };
    }
    if (mine.provisioningState && mine.provisioningState !== 'Succeeded') return { status: 'warn', summary: `Identity binding ${mine.name} of ${identity.name} on ${cluster.name} is still ${mine.provisioningState}.`, evidence, remediation: [] };
    return { status: 'pass', summary: `Identity binding ${mine.name} maps managed identity ${identity.name} to AKS cluster ${cluster.name}.`, evidence, remediation: [] };
  },
};
