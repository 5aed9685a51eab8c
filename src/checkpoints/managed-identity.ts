// managed-identity: the client ID of the ServiceAccount's annotation belongs to a user-assigned
// managed identity (found with one Resource Graph query across every subscription you can read)
// or to an app registration (Microsoft Graph), in the tenant the pods will ask for a token.

import { azureFailed } from './azure-shared';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { ev, kubectl, shq } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';

export const managedIdentity: Checkpoint = {
  id: 'managed-identity',
  title: 'Managed identity',
  description: "The ServiceAccount's client ID belongs to a user-assigned managed identity (or an app registration) you can see, in the same tenant the pods ask for a token.",
  side: 'azure',
  needs: ['service-account'],
  fact: '| AADSTS700016 | the client ID is not found in that tenant (wrong client ID or tenant) |',
  async run(ctx) {
    const clientId = ctx.state.clientId;
    if (!clientId) throw new SkipCheckpoint('Skipped: the ServiceAccount has no client ID to look up (see "service-account").');
    const azure = await ctx.azure();
    const podTenant = ctx.state.podTenantId ?? ctx.state.tenantId;
    const evidence: Evidence[] = [ev('client ID', clientId)];
    if (podTenant) evidence.push(ev('tenant the pods use', podTenant));
    if (azure.account?.tenantId) evidence.push(ev('signed in to tenant', `${azure.account.tenantId}${azure.account.label ? ` (${azure.account.label})` : ''}`, 'info'));

    const found = await azure.findIdentityByClientId(clientId, ctx.signal);
    if (!found.ok) return azureFailed(found.failure, 'search for the managed identity');
    const id = found.value;
    if (id) {
      ctx.state.identity = id;
      evidence.push(
        ev('managed identity', `${id.name} (resource group ${id.resourceGroup}, subscription ${id.subscriptionId})`, 'ok'),
        ev('principal ID', id.principalId),
        ev('identity tenant', id.tenantId, podTenant && id.tenantId.toLowerCase() !== podTenant.toLowerCase() ? 'fail' : 'ok'),
      );
      if (podTenant && id.tenantId.toLowerCase() !== podTenant.toLowerCase()) {
        return {
          status: 'fail',
          summary: `The managed identity ${id.name} lives in tenant ${id.tenantId}, but the pods ask tenant ${podTenant} for a token: Entra will answer AADSTS700016 (client ID not found in that tenant).`,
          evidence,
          remediation: tenantRemediation(ctx, id.tenantId, (await ctx.workload()).serviceAccountName),
        };
      }
      return { status: 'pass', summary: `Client ID ${clientId} is the managed identity ${id.name} in resource group ${id.resourceGroup} (subscription ${id.subscriptionId}).`, evidence, remediation: [] };
    }

    const app = await azure.findAppRegistration(clientId, ctx.signal);
    if (app.ok && app.value) {
      ctx.state.app = app.value;
      evidence.push(ev('app registration', `${app.value.displayName} (object ID ${app.value.objectId})`, 'ok'));
      return { status: 'pass', summary: `Client ID ${clientId} is not a managed identity but the app registration "${app.value.displayName}"; its federated credentials are checked in Microsoft Graph.`, evidence, remediation: [] };
    }
    if (!app.ok) evidence.push(ev('app registrations', app.failure.message, 'warn'));
    const tenantNote = azure.account?.tenantId && podTenant && azure.account.tenantId.toLowerCase() !== podTenant.toLowerCase() ? ` You are signed in to tenant ${azure.account.tenantId}, not the pods' tenant ${podTenant}: sign in to that tenant to see its identities.` : '';
    evidence.push(ev('managed identity', 'none with this client ID in the subscriptions you can read', 'fail'));
    return {
      status: 'fail',
      summary: `No managed identity or app registration with client ID ${clientId} is visible to you: it was deleted, the annotation has a wrong ID, or it lives in a tenant or subscription you cannot read.${tenantNote}`,
      evidence,
      remediation: [
        { text: 'Find the identity the workload should use and copy its client ID into the ServiceAccount annotation.', command: 'az identity list --query "[].{name:name, clientId:clientId, resourceGroup:resourceGroup}" -o table' },
        { text: 'Or create one.', command: 'az identity create --resource-group <resource-group> --name <identity-name>' },
      ],
    };
  },
};

function tenantRemediation(ctx: DiagnoseContext, tenant: string, sa: string): Remediation[] {
  return [{ text: "Set the ServiceAccount's tenant-id annotation to the identity's tenant (or use an identity of the pods' tenant), then restart the rollout.", command: kubectl(ctx, `annotate serviceaccount ${shq(sa)} azure.workload.identity/tenant-id=${tenant} --overwrite`) }];
}
