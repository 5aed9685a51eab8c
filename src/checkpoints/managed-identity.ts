// managed-identity: the client ID of the ServiceAccount's annotation belongs to a user-assigned
// managed identity (found with one Resource Graph query across every subscription you can read,
// then confirmed with Azure Resource Manager, since Resource Graph lags behind deletions) or to an
// app registration (Microsoft Graph), in the tenant the pods will ask for a token.
//
// Not seeing an identity is not proof it does not exist: it may live where you cannot read. The
// token exchange settles it (Entra answers AADSTS700016 for a client ID its tenant does not know,
// and anything else once it found it), so this checkpoint reconciles its result with it.

import { azureFailed } from './azure-shared';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { notChecked } from './outcomes';
import { ev, kubectl, shq } from './shared';
import type { Checkpoint, CheckpointOutcome, CheckpointResult, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';

/** Entra's answers that mean the client ID (or the tenant) is not known there. */
const UNKNOWN_CLIENT = new Set(['AADSTS700016', 'AADSTS90002']);
/**
 * Refusals Entra gives only once it has found the client ID in the tenant: the token's checks
 * (a JWT, the issuer's keys, the signature, the lifetime) and the federated credentials. A
 * refusal of the request itself (AADSTS900144, 1002012) comes before the lookup and proves nothing.
 */
const AFTER_CLIENT_LOOKUP = new Set(['AADSTS50027', 'AADSTS90061', 'AADSTS700027', 'AADSTS700024', 'AADSTS700211', 'AADSTS700212', 'AADSTS700213', 'AADSTS7002138', 'AADSTS70021', 'AADSTS70025']);

export const managedIdentity: Checkpoint = {
  id: 'managed-identity',
  title: CHECKPOINT_TITLES['managed-identity'],
  description: "The ServiceAccount's client ID belongs to a user-assigned managed identity (confirmed to exist in Azure Resource Manager) or an app registration you can see, in the same tenant the pods ask for a token.",
  side: 'azure',
  needs: ['service-account'],
  fact: '| AADSTS700016 | the client ID is not found in that tenant (wrong client ID or tenant) |',
  async run(ctx) {
    const clientId = ctx.state.clientId;
    if (!clientId) throw new SkipCheckpoint('Skipped: the ServiceAccount has no client ID to look up (see "ServiceAccount annotation").');
    const azure = await ctx.azure();
    // A re-check after a fix starts from what Azure says now.
    ctx.state.identity = undefined;
    ctx.state.app = undefined;
    ctx.state.identityNotVisible = false;
    const podTenant = ctx.state.podTenantId ?? ctx.state.tenantId;
    const evidence: Evidence[] = [ev('client ID', clientId)];
    if (podTenant) evidence.push(ev('tenant the pods use', podTenant));
    ctx.state.signedInTenant = azure.account?.tenantId;
    if (azure.account?.tenantId) evidence.push(ev('signed in to tenant', `${azure.account.tenantId}${azure.account.label ? ` (${azure.account.label})` : ''}`, 'info'));

    const found = await azure.findIdentityByClientId(clientId, ctx.signal);
    if (!found.ok) return azureFailed(found.failure, 'search for the managed identity', azure, ctx.signal);
    const id = found.value;
    if (id) {
      // Resource Graph is an index that can list an identity minutes after it was deleted: ARM is the truth.
      const arm = await azure.getIdentity(id, ctx.signal);
      if (arm.ok && !arm.value) {
        evidence.push(ev('managed identity', `${id.name} (resource group ${id.resourceGroup}, subscription ${id.subscriptionId}): listed by Resource Graph, but Azure Resource Manager answers 404`, 'fail'));
        return {
          status: 'fail',
          summary: `The managed identity ${id.name} with client ID ${clientId} was deleted: Resource Graph still lists it, but Azure Resource Manager answers 404 (Resource Graph lags behind deletions). Entra will answer AADSTS700016.`,
          evidence,
          remediation: [
            { text: 'Create the identity again (it gets a new client ID) and annotate the ServiceAccount with it, or point the ServiceAccount at another identity.', command: `az identity create --resource-group ${shq(id.resourceGroup)} --name ${shq(id.name)} --subscription ${shq(id.subscriptionId)}` },
          ],
        };
      }
      if (!arm.ok) evidence.push(ev('Azure Resource Manager', `could not confirm that it still exists: ${arm.failure.message}`, 'warn'));
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
    evidence.push(ev('managed identity', 'none with this client ID in the subscriptions you can read', 'warn'));
    ctx.state.identityNotVisible = true;
    // Not a verdict yet: the token exchange (if it runs) tells whether Entra knows the client ID (reconcile).
    return notChecked(`No managed identity or app registration with client ID ${clientId} is visible to you: it was deleted, the annotation has a wrong ID, or it lives in a tenant or subscription you cannot read.${tenantNote(azure.account?.tenantId, podTenant)}`, evidence, [
      { text: 'Find the identity the workload should use and copy its client ID into the ServiceAccount annotation.', command: 'az identity list --query "[].{name:name, clientId:clientId, resourceGroup:resourceGroup}" -o table' },
      { text: 'Allow the token exchange (--token-exchange always, or the setting wiDoctor.diagnose.tokenExchange): Entra then tells whether the client ID exists in the pods\' tenant.' },
    ]);
  },

  reconcile(own, ctx) {
    return reconcileWithExchange(own, ctx);
  },
};

/**
 * An identity you cannot see, settled by the token exchange: Entra not knowing the client ID
 * (AADSTS700016) makes it a verdict; Entra knowing it (a token, or any refusal past the client
 * lookup) proves it exists — then it is your access that is missing, never "deleted".
 */
function reconcileWithExchange(own: CheckpointResult, ctx: DiagnoseContext): CheckpointOutcome | undefined {
  const x = ctx.state.exchange;
  const clientId = ctx.state.clientId;
  if (!x || x.transient || !clientId || !ctx.state.identityNotVisible || own.fault === undefined) return undefined;
  const tenant = x.tenant;
  if (x.aadsts && UNKNOWN_CLIENT.has(x.aadsts)) {
    const what = x.aadsts === 'AADSTS90002' ? `tenant ${tenant} does not exist in Entra (${x.aadsts}): the pods' AZURE_TENANT_ID (or the ServiceAccount's tenant-id annotation) is wrong` : `Entra confirms that tenant ${tenant} has none (${x.aadsts}): the identity was deleted, the annotation names a wrong client ID, or the identity lives in another tenant (then the ServiceAccount's tenant-id annotation must name it)`;
    const evidence = [...own.evidence, ev('Entra ID', x.aadsts === 'AADSTS90002' ? `${x.aadsts}: tenant ${tenant} not found` : `${x.aadsts}: tenant ${tenant} knows no application or identity with client ID ${clientId}`, 'fail')];
    return {
      status: 'fail',
      summary: `No managed identity or app registration with client ID ${clientId} is visible to you, and ${what}.`,
      evidence,
      remediation: own.remediation.filter((r) => !/Allow the token exchange/.test(r.text)),
    };
  }
  // Only a token, or a refusal Entra gives after finding the client ID, proves the identity exists.
  if (!x.accepted && !(x.aadsts && AFTER_CLIENT_LOOKUP.has(x.aadsts))) return undefined;
  const how = x.accepted ? 'accepted a token for it' : `found it and refused the token for another reason (${x.aadsts ?? 'see "Token exchange at Entra ID"'})`;
  const who = ctx.state.signedInTenant && ctx.state.signedInTenant.toLowerCase() !== tenant.toLowerCase() ? ` You are signed in to tenant ${ctx.state.signedInTenant}: sign in to ${tenant} to read it.` : '';
  return notChecked(
    `Client ID ${clientId} exists in tenant ${tenant} (Entra ${how}), but it is not among the managed identities or app registrations you can read, so its federated credentials and roles were not checked.${who}`,
    [...own.evidence.filter((e) => e.label !== 'managed identity'), ev('managed identity', 'exists (Entra knows the client ID), but not visible to you', 'warn')],
    [{ text: `Have someone who can read the identity with client ID ${clientId} run the diagnosis, or ask its owner for Reader on its resource group (only they know which subscription holds it).`, command: `az identity list --query ${shq(`[?clientId=='${clientId}'].{name:name, resourceGroup:resourceGroup, subscription:id}`)} -o table` }],
  );
}

function tenantNote(signedIn: string | undefined, podTenant: string | undefined): string {
  return signedIn && podTenant && signedIn.toLowerCase() !== podTenant.toLowerCase() ? ` You are signed in to tenant ${signedIn}, not the pods' tenant ${podTenant}: sign in to that tenant to see its identities.` : '';
}

function tenantRemediation(ctx: DiagnoseContext, tenant: string, sa: string): Remediation[] {
  return [{ text: "Set the ServiceAccount's tenant-id annotation to the identity's tenant (or use an identity of the pods' tenant), then restart the rollout.", command: kubectl(ctx, `annotate serviceaccount ${shq(sa)} ${shq(`azure.workload.identity/tenant-id=${tenant}`)} --overwrite`) }];
}
