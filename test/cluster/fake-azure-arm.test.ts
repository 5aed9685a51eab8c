// The fake Azure Resource Manager, Resource Graph and Microsoft Graph (test/fake-azure): the real
// @azure/arm-msi client against ARM (get, list with paging, createOrUpdate, the 409 for
// concurrent writes, the 20-credential limit, 403 and 429 bodies, 401 for expired tokens),
// the Resource Graph queries the product sends over plain HTTPS (tenant visibility, paging,
// InvalidQuery), and Graph's application lookups. No sleeps: faults fire once and the servers'
// request logs say what happened.
//
//   node scripts/run-unit-tests.mjs --root test/cluster fake-azure-arm

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import type { TokenCredential } from '@azure/core-auth';
import { kubeRequest, type KubeResponse } from '../fake-kube/client';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { parseQuery, run, str, KqlError } from '../fake-azure/kql';
import {
  APP_OBJECT_ID,
  AUDIENCE,
  CLIENT_ID,
  CLUSTER_ID,
  FIC_NAME,
  IDENTITY_ID,
  IDENTITY_NAME,
  KEYVAULT_ID,
  OTHER_TENANT,
  PRINCIPAL_ID,
  RESOURCE_GROUP,
  SERVICEBUS_ID,
  STORAGE_ACCOUNT_ID,
  SUBJECT,
  SUBSCRIPTION_ID,
  TENANT_ID,
  TEST_PRINCIPAL,
} from '../fake-azure/scenarios';
import { ROLE } from '../fake-azure/state';
import { waitUntil } from '../support/wait.mjs';

const RG_API = '2022-10-01';
const FIC_PATH = `${IDENTITY_ID}/federatedIdentityCredentials`;

/** The queries the product sends (src/azure/queries.ts), spelled as in the brief. */
const Q = {
  identity: (clientId: string) =>
    `Resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | where tostring(properties.clientId) =~ '${clientId}' | project id, name, resourceGroup, subscriptionId, location, tenantId, clientId = tostring(properties.clientId), principalId = tostring(properties.principalId)`,
  cluster: (issuer: string, property = 'issuerURL') => {
    const bare = issuer.replace(/\/+$/, '');
    return `Resources | where type =~ 'microsoft.containerservice/managedclusters' | where tostring(properties.oidcIssuerProfile.${property}) in~ ('${bare}', '${bare}/') | project id, name, resourceGroup, subscriptionId, oidcIssuerEnabled = properties.oidcIssuerProfile.enabled, issuerUrl = tostring(properties.oidcIssuerProfile.${property}), workloadIdentityEnabled = properties.securityProfile.workloadIdentity.enabled`;
  },
  roleAssignments: (principalId: string) =>
    `AuthorizationResources | where type =~ 'microsoft.authorization/roleassignments' | where tostring(properties.principalId) =~ '${principalId}' | project id, scope = tostring(properties.scope), roleDefinitionId = tostring(properties.roleDefinitionId)`,
  roleDefinitions: (guids: string[]) =>
    `AuthorizationResources | where type =~ 'microsoft.authorization/roledefinitions' | where name in~ (${guids.map((g) => `'${g}'`).join(', ')}) | project id, name, roleName = tostring(properties.roleName)`,
  resources: `Resources | where (type =~ 'microsoft.keyvault/vaults' and name in~ ('kv-prod')) or (type =~ 'microsoft.storage/storageaccounts' and name in~ ('stpaymentsprod')) or (type =~ 'microsoft.servicebus/namespaces' and name in~ ('sb-payments-prod')) | project id, name, type`,
};

function arm(cloud: FakeCloud, method: string, path: string, o: { body?: unknown; token?: string | null } = {}): Promise<KubeResponse> {
  return kubeRequest({ url: cloud.arm.url, caPem: cloud.caPem, token: cloud.accessToken() }, method, path, o);
}

function graphQuery(cloud: FakeCloud, query: string, o: { options?: Record<string, unknown>; token?: string; subscriptions?: string[] } = {}): Promise<KubeResponse> {
  return arm(cloud, 'POST', `/providers/Microsoft.ResourceGraph/resources?api-version=${RG_API}`, {
    body: { query, options: { $top: 1000, ...o.options }, ...(o.subscriptions ? { subscriptions: o.subscriptions } : {}) },
    ...(o.token ? { token: o.token } : {}),
  });
}

function msiClient(cloud: FakeCloud, credential: TokenCredential = cloud.signIn()): ManagedServiceIdentityClient {
  return new ManagedServiceIdentityClient(credential, SUBSCRIPTION_ID, {
    endpoint: cloud.endpoints.arm,
    credentialScopes: [`${cloud.endpoints.arm}/.default`],
    tlsOptions: { ca: cloud.caPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 200 },
  });
}

async function listAll(client: ManagedServiceIdentityClient, name = IDENTITY_NAME): Promise<{ name?: string; subject?: string; issuer?: string }[]> {
  const out = [];
  for await (const f of client.federatedIdentityCredentials.list(RESOURCE_GROUP, name)) out.push(f);
  return out;
}

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
}

describe('fake ARM through @azure/arm-msi 2.2.0', { concurrency: 1 }, () => {
  let cloud: FakeCloud;
  let msi: ManagedServiceIdentityClient;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'azure-healthy', ficPageSize: 2, ficWriteMs: 20 });
    msi = msiClient(cloud);
  });
  after(() => cloud.stop());

  it('gets the identity (api-version 2024-11-30, signed in through the fake Entra)', async () => {
    const id = await msi.userAssignedIdentities.get(RESOURCE_GROUP, IDENTITY_NAME);
    assert.equal(id.id, IDENTITY_ID);
    assert.equal(id.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    assert.equal(id.clientId, CLIENT_ID);
    assert.equal(id.principalId, PRINCIPAL_ID);
    assert.equal(id.tenantId, TENANT_ID);
    assert.equal(id.location, 'eastus');
    const r = cloud.arm.requests.find((x) => x.path.endsWith(`/userAssignedIdentities/${IDENTITY_NAME}`))!;
    assert.equal(r.query['api-version'], '2024-11-30');
    assert.equal(r.status, 200);
    assert.equal(r.tenantId, TENANT_ID);
    assert.equal(r.oid, TEST_PRINCIPAL.objectId);
    assert.match(r.userAgent, /azsdk-js-arm-msi\/2\.2\.0/);
    // Resource groups and names are case-insensitive in ARM.
    const again = await msi.userAssignedIdentities.get(RESOURCE_GROUP.toUpperCase(), IDENTITY_NAME.toUpperCase());
    assert.equal(again.id, IDENTITY_ID);
  });

  it('404s in ARM words for a missing identity and a missing resource group', async () => {
    await assert.rejects(msi.userAssignedIdentities.get(RESOURCE_GROUP, 'id-nope'), (e: RestErrorLike) => {
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, 'ResourceNotFound');
      assert.match(e.message, /^The Resource 'Microsoft\.ManagedIdentity\/userAssignedIdentities\/id-nope' under resource group 'rg-payments' was not found\./);
      return true;
    });
    await assert.rejects(msi.userAssignedIdentities.get('rg-nope', IDENTITY_NAME), (e: RestErrorLike) => e.statusCode === 404 && e.code === 'ResourceGroupNotFound' && e.message === "Resource group 'rg-nope' could not be found.");
  });

  it('creates a credential (201, then 200 on update) and lists every page through nextLink', async () => {
    const created = await msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'worker-sa', { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:worker-sa', audiences: [AUDIENCE] });
    assert.equal(created.name, 'worker-sa');
    assert.equal(created.type, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials');
    assert.equal(created.id, `${FIC_PATH}/worker-sa`);
    assert.ok(created.systemData?.createdAt instanceof Date && Date.now() - created.systemData.createdAt.getTime() < 60_000);
    assert.equal(cloud.arm.requests.at(-1)!.status, 201);
    assert.deepEqual(cloud.arm.requests.at(-1)!.body, { properties: { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:worker-sa', audiences: [AUDIENCE] } });
    await msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'settlement-sa', { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:settlement-sa', audiences: [AUDIENCE] });
    const updated = await msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'settlement-sa', { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:settlement', audiences: [AUDIENCE] });
    assert.equal(updated.subject, 'system:serviceaccount:payments:settlement');
    assert.equal(cloud.arm.requests.at(-1)!.status, 200);

    cloud.arm.resetRequests();
    const all = await listAll(msi);
    assert.deepEqual(all.map((f) => f.name), [FIC_NAME, 'worker-sa', 'settlement-sa']);
    assert.equal(all[0]!.subject, SUBJECT);
    assert.equal(all[0]!.issuer, cloud.kube.issuer);
    const pages = cloud.arm.requests.filter((r) => r.path === FIC_PATH);
    assert.equal(pages.length, 2, 'page size 2: two pages');
    assert.ok(!pages[0]!.query.$skiptoken && pages[1]!.query.$skiptoken);
    assert.equal(pages[1]!.query['api-version'], '2024-11-30');

    const one = await msi.federatedIdentityCredentials.get(RESOURCE_GROUP, IDENTITY_NAME, 'worker-sa');
    assert.equal(one.subject, 'system:serviceaccount:payments:worker-sa');
    await msi.federatedIdentityCredentials.delete(RESOURCE_GROUP, IDENTITY_NAME, 'worker-sa');
    await msi.federatedIdentityCredentials.delete(RESOURCE_GROUP, IDENTITY_NAME, 'settlement-sa');
    assert.deepEqual((await listAll(msi)).map((f) => f.name), [FIC_NAME]);
  });

  it('409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity for a second write in flight', async () => {
    const write = (name: string) => msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, name, { issuer: cloud.kube.issuer, subject: `system:serviceaccount:payments:${name}`, audiences: [AUDIENCE] });
    // Hold the first write in flight until the second has been refused: no timing luck needed.
    const release = cloud.arm.holdWrites();
    const first = write('first-sa');
    await waitUntil('one ARM write in flight', () => cloud.arm.writesInFlight === 1, { pollMs: 5, show: () => ({ writesInFlight: cloud.arm.writesInFlight }) });
    const second = await write('second-sa').then(
      () => assert.fail('the second write should have been refused'),
      (e: RestErrorLike) => e,
    );
    release();
    assert.equal((await first).name, 'first-sa');
    const e = second;
    assert.equal(e.statusCode, 409);
    assert.equal(e.code, 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity');
    assert.equal(e.message, `Too many Federated Identity Credentials are written concurrently for the managed identity '${IDENTITY_ID.toLowerCase()}'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`);
    // Written one after the other, both succeed.
    for (const name of ['first-sa', 'second-sa']) await write(name);
    for (const name of ['first-sa', 'second-sa']) await msi.federatedIdentityCredentials.delete(RESOURCE_GROUP, IDENTITY_NAME, name);
  });

  it('RFC 7232 preconditions on a credential PUT: If-None-Match: * never replaces, If-Match: * never creates, a tag never matches; 412 writes nothing', async () => {
    const put = (name: string, subject: string, headers: Record<string, string>) =>
      msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, name, { issuer: cloud.kube.issuer, subject, audiences: [AUDIENCE] }, { requestOptions: { customHeaders: headers } });
    const stored = (name: string) => cloud.state.ficsOf(cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!).find((f) => f.name === name);
    const before = structuredClone(stored(FIC_NAME));
    await assert.rejects(put(FIC_NAME, 'system:serviceaccount:payments:intruder', { 'If-None-Match': '*' }), (e: RestErrorLike) => {
      assert.equal(e.statusCode, 412);
      assert.equal(e.code, 'PreconditionFailed');
      assert.match(e.message, new RegExp(`If-None-Match: \\* — federated identity credential '${FIC_NAME}' already exists`));
      return true;
    });
    assert.deepEqual(stored(FIC_NAME), before, 'not replaced');
    await assert.rejects(put('precond-sa', 'system:serviceaccount:payments:precond-sa', { 'If-Match': '*' }), (e: RestErrorLike) => e.statusCode === 412 && /does not exist/.test(e.message));
    await assert.rejects(put(FIC_NAME, SUBJECT, { 'If-Match': '"0x8DC"' }), (e: RestErrorLike) => e.statusCode === 412 && /has no such ETag/.test(e.message));
    assert.equal(stored('precond-sa'), undefined, 'not created');
    // The conditions that hold: a create of a new name, a replace of an existing one.
    assert.equal((await put('precond-sa', 'system:serviceaccount:payments:precond-sa', { 'If-None-Match': '*' })).name, 'precond-sa');
    assert.equal(cloud.arm.requests.at(-1)!.status, 201);
    assert.equal((await put('precond-sa', 'system:serviceaccount:payments:precond-sa2', { 'If-Match': '*' })).subject, 'system:serviceaccount:payments:precond-sa2');
    assert.equal(cloud.arm.requests.at(-1)!.status, 200);
    await msi.federatedIdentityCredentials.delete(RESOURCE_GROUP, IDENTITY_NAME, 'precond-sa');
  });

  it('the preconditions are evaluated with the write, under its lock: a credential created by someone else just before is not replaced', async () => {
    cloud.arm.setBeforeFicWrite((_identity, name, fics) => {
      if (name === 'race-sa' && !fics.some((f) => f.name === name)) fics.push({ name, issuer: 'https://other.example', subject: 'system:serviceaccount:other:sa', audiences: [AUDIENCE], createdAt: new Date().toISOString(), lastModifiedAt: new Date().toISOString(), createdBy: 'someone@else' });
    });
    try {
      await assert.rejects(
        msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'race-sa', { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:race-sa', audiences: [AUDIENCE] }, { requestOptions: { customHeaders: { 'If-None-Match': '*' } } }),
        (e: RestErrorLike) => e.statusCode === 412,
      );
    } finally {
      cloud.arm.setBeforeFicWrite(undefined);
    }
    const fics = cloud.state.ficsOf(cloud.state.identities().find((i) => i.name === IDENTITY_NAME)!);
    assert.equal(fics.find((f) => f.name === 'race-sa')?.subject, 'system:serviceaccount:other:sa');
    fics.splice(fics.findIndex((f) => f.name === 'race-sa'), 1);
  });

  it('400 for a duplicate issuer+subject, a bad name, a non-https issuer, two audiences', async () => {
    const put = (name: string, body: { issuer: string; subject: string; audiences: string[] }) => msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, name, body);
    await assert.rejects(put('duplicate', { issuer: cloud.kube.issuer, subject: SUBJECT, audiences: [AUDIENCE] }), (e: RestErrorLike) => e.statusCode === 400 && e.message === 'Issuer and subject combination already exists for this Managed Identity.');
    await assert.rejects(put('x', { issuer: cloud.kube.issuer, subject: 's', audiences: [AUDIENCE] }), (e: RestErrorLike) => e.statusCode === 400 && /name 'x' is invalid/.test(e.message));
    await assert.rejects(put('plain-http', { issuer: 'http://issuer.example', subject: 's', audiences: [AUDIENCE] }), (e: RestErrorLike) => e.statusCode === 400 && /https scheme/.test(e.message));
    await assert.rejects(put('two-audiences', { issuer: cloud.kube.issuer, subject: 's', audiences: [AUDIENCE, 'other'] }), (e: RestErrorLike) => e.statusCode === 400 && /exactly one audience/.test(e.message));
  });

  it("403 AuthorizationFailed in ARM's words, for the action and scope forbidden", async () => {
    cloud.setForbid([{ service: 'arm', action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read' }]);
    try {
      await assert.rejects(listAll(msi), (e: RestErrorLike) => {
        assert.equal(e.statusCode, 403);
        assert.equal(e.code, 'AuthorizationFailed');
        assert.equal(
          e.message,
          `The client '${TEST_PRINCIPAL.objectId}' with object id '${TEST_PRINCIPAL.objectId}' does not have authorization to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read' over scope '${IDENTITY_ID}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        );
        return true;
      });
      // Reading the identity itself is still allowed.
      assert.equal((await msi.userAssignedIdentities.get(RESOURCE_GROUP, IDENTITY_NAME)).name, IDENTITY_NAME);
      // A wildcard with a scope: every write under rg-payments.
      cloud.setForbid([{ service: 'arm', action: 'Microsoft.ManagedIdentity/*/write', scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}` }]);
      await assert.rejects(msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'blocked', { issuer: cloud.kube.issuer, subject: 'system:serviceaccount:payments:blocked', audiences: [AUDIENCE] }), (e: RestErrorLike) => e.statusCode === 403 && /federatedIdentityCredentials\/write' over scope '.*\/federatedIdentityCredentials\/blocked'/.test(e.message));
    } finally {
      cloud.setForbid([]);
    }
  });

  it('429 with Retry-After and x-ms-ratelimit-remaining-*, then success: the SDK retries', async () => {
    const path = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY_NAME}`;
    cloud.setFaults([{ service: 'arm', method: 'GET', path, status: 429, times: 1, retryAfterSeconds: 0 }]);
    cloud.arm.resetRequests();
    const id = await msi.userAssignedIdentities.get(RESOURCE_GROUP, IDENTITY_NAME);
    assert.equal(id.name, IDENTITY_NAME);
    assert.deepEqual(cloud.arm.requests.filter((r) => r.path === path).map((r) => r.status), [429, 200]);
    assert.equal(cloud.arm.requests[0]!.code, 'SubscriptionRequestsThrottled');

    cloud.setFaults([{ service: 'arm', path, status: 429, times: 1, retryAfterSeconds: 7 }]);
    const r = await arm(cloud, 'GET', `${path}?api-version=2024-11-30`);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '7');
    assert.equal(r.headers['x-ms-ratelimit-remaining-subscription-reads'], '0');
    assert.match(r.json.error.message, /^Number of 'read' requests for subscription '00000000-1111-2222-3333-444444444444' actor '.*' exceeded\. Please try again after '7' seconds/);
    const ok = await arm(cloud, 'GET', `${path}?api-version=2024-11-30`);
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['x-ms-ratelimit-remaining-subscription-reads']), /^\d+$/);
    assert.ok(ok.headers['x-ms-request-id'] && ok.headers['x-ms-correlation-request-id']);
    cloud.setFaults([]);
  });

  it('401: expired token (ExpiredAuthenticationToken), none, garbage, wrong audience, wrong tenant', async () => {
    await assert.rejects(msiClient(cloud, cloud.expiredCredential()).userAssignedIdentities.get(RESOURCE_GROUP, IDENTITY_NAME), (e: RestErrorLike) => {
      assert.equal(e.statusCode, 401);
      assert.equal(e.code, 'ExpiredAuthenticationToken');
      assert.match(e.message, /^The access token expiry UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M'\.$/);
      return true;
    });
    const path = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY_NAME}?api-version=2024-11-30`;
    const none = await arm(cloud, 'GET', path, { token: null });
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
    assert.match(String(none.headers['www-authenticate']), /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/", error="invalid_token"/);
    const garbage = await arm(cloud, 'GET', path, { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    assert.equal(garbage.json.error.code, 'InvalidAuthenticationToken');
    const graphToken = await arm(cloud, 'GET', path, { token: cloud.accessToken({ resource: 'graph' }) });
    assert.equal(graphToken.status, 401);
    assert.equal(graphToken.json.error.code, 'InvalidAuthenticationTokenAudience');
    const otherTenant = await arm(cloud, 'GET', path, { token: cloud.accessToken({ tenantId: OTHER_TENANT.id }) });
    assert.equal(otherTenant.status, 401);
    assert.equal(otherTenant.json.error.code, 'InvalidAuthenticationTokenTenant');
    assert.match(otherTenant.json.error.message, new RegExp(`^The access token is from the wrong issuer 'https://sts.windows.net/${OTHER_TENANT.id}/'. It must match the tenant 'https://sts.windows.net/${TENANT_ID}/'`));
  });

  it('400 without api-version or with one the provider does not know; GET of other resources; role assignments over ARM', async () => {
    const base = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${IDENTITY_NAME}`;
    assert.equal((await arm(cloud, 'GET', base)).json.error.code, 'MissingApiVersionParameter');
    const old = await arm(cloud, 'GET', `${base}/federatedIdentityCredentials?api-version=2018-11-30`);
    assert.equal(old.status, 400);
    assert.equal(old.json.error.code, 'NoRegisteredProviderFound');
    const aks = await arm(cloud, 'GET', `${CLUSTER_ID}?api-version=2024-05-01`);
    assert.equal(aks.status, 200);
    assert.equal(aks.json.properties.oidcIssuerProfile.issuerURL, cloud.kube.issuer);
    assert.equal(aks.json.properties.securityProfile.workloadIdentity.enabled, true);
    const kv = await arm(cloud, 'GET', `${KEYVAULT_ID}?api-version=2023-07-01`);
    assert.equal(kv.json.properties.vaultUri, 'https://kv-prod.vault.azure.net/');
    const ras = await arm(cloud, 'GET', `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${PRINCIPAL_ID}'`)}`);
    assert.deepEqual(ras.json.value.map((r: any) => r.properties.scope).sort(), [KEYVAULT_ID, STORAGE_ACCOUNT_ID].sort());
    const def = await arm(cloud, 'GET', `/providers/Microsoft.Authorization/roleDefinitions/${ROLE['Key Vault Secrets User']}?api-version=2022-04-01`);
    assert.equal(def.json.properties.roleName, 'Key Vault Secrets User');
    const subs = await arm(cloud, 'GET', '/subscriptions?api-version=2022-12-01');
    assert.deepEqual(subs.json.value.map((s: any) => s.subscriptionId), [SUBSCRIPTION_ID], 'only the home tenant');
    assert.equal((await arm(cloud, 'GET', `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}?api-version=2021-04-01`)).json.name, RESOURCE_GROUP);
  });

  it('creates a role assignment (what `az role assignment create` sends); Resource Graph sees it; 409 when it exists', async () => {
    const name = '5e0f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8';
    const path = `${SERVICEBUS_ID}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;
    const body = { properties: { roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${ROLE['Azure Service Bus Data Receiver']}`, principalId: PRINCIPAL_ID, principalType: 'ServicePrincipal' } };
    const created = await arm(cloud, 'PUT', path, { body });
    assert.equal(created.status, 201);
    assert.equal(created.json.id, `${SERVICEBUS_ID}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    const rows = (await graphQuery(cloud, Q.roleAssignments(PRINCIPAL_ID))).json.data as { scope: string }[];
    assert.ok(rows.some((r) => r.scope === SERVICEBUS_ID));
    const again = await arm(cloud, 'PUT', path.replace(name, '6e0f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8'), { body });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'RoleAssignmentExists');
    assert.equal((await arm(cloud, 'DELETE', path)).status, 200);
    assert.equal((await graphQuery(cloud, Q.roleAssignments(PRINCIPAL_ID))).json.count, 2);
  });
});

describe('the twenty-credential limit', () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'twenty-credentials', ficPageSize: 7 });
  });
  after(() => cloud.stop());

  it('lists 20 credentials over 3 pages and refuses a 21st with 400; updating one of the 20 works', async () => {
    const msi = msiClient(cloud);
    const all = await listAll(msi);
    assert.equal(all.length, 20);
    assert.ok(!all.some((f) => f.subject === SUBJECT && f.issuer === cloud.kube.issuer));
    assert.equal(cloud.arm.requests.filter((r) => r.path === FIC_PATH).length, 3);
    await assert.rejects(
      msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, FIC_NAME, { issuer: cloud.kube.issuer, subject: SUBJECT, audiences: [AUDIENCE] }),
      (e: RestErrorLike) => e.statusCode === 400 && e.message === `Too many Federated Identity Credentials are written to the managed identity '${IDENTITY_ID.toLowerCase()}'. A managed identity can have at most 20 Federated Identity Credentials.`,
    );
    const replaced = await msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, 'aks-prod-reports', { issuer: cloud.kube.issuer, subject: SUBJECT, audiences: [AUDIENCE] });
    assert.equal(replaced.subject, SUBJECT);
    assert.equal((await listAll(msi)).length, 20);
  });
});

describe('fake Resource Graph', { concurrency: 1 }, () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'azure-healthy' });
  });
  after(() => cloud.stop());

  it('finds the identity by client ID (objectArray, the projected columns only)', async () => {
    const r = await graphQuery(cloud, Q.identity(CLIENT_ID.toUpperCase()));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      totalRecords: 1,
      count: 1,
      data: [{ id: IDENTITY_ID, name: IDENTITY_NAME, resourceGroup: RESOURCE_GROUP, subscriptionId: SUBSCRIPTION_ID, location: 'eastus', tenantId: TENANT_ID, clientId: CLIENT_ID, principalId: PRINCIPAL_ID }],
      facets: [],
      resultTruncated: 'false',
    });
    assert.match(String(r.headers['x-ms-user-quota-remaining']), /^\d+$/);
    const none = await graphQuery(cloud, Q.identity('00000000-0000-0000-0000-000000000000'));
    assert.deepEqual(none.json.data, []);
    assert.equal(cloud.arm.requests.at(-1)!.service, 'resourcegraph');
    assert.equal((cloud.arm.requests.at(-1)!.body as any).query, Q.identity('00000000-0000-0000-0000-000000000000'));
  });

  it("finds the cluster by issuer with or without the slash, under ARM's spelling issuerURL (issuerUrl reads nothing: KQL is case-sensitive)", async () => {
    for (const issuer of [cloud.kube.issuer, cloud.kube.issuer.replace(/\/$/, '')]) {
      const r = await graphQuery(cloud, Q.cluster(issuer));
      assert.deepEqual(r.json.data, [{ id: CLUSTER_ID, name: 'aks-prod', resourceGroup: 'rg-contoso-prod', subscriptionId: SUBSCRIPTION_ID, oidcIssuerEnabled: true, issuerUrl: cloud.kube.issuer, workloadIdentityEnabled: true }]);
    }
    const camel = await graphQuery(cloud, Q.cluster(cloud.kube.issuer, 'issuerUrl'));
    assert.equal(camel.status, 200);
    assert.deepEqual(camel.json.data, []);
  });

  it('lists role assignments and names their roles', async () => {
    const ras = await graphQuery(cloud, Q.roleAssignments(PRINCIPAL_ID));
    const rows = ras.json.data as { id: string; scope: string; roleDefinitionId: string }[];
    assert.deepEqual(rows.map((r) => r.scope).sort(), [KEYVAULT_ID, STORAGE_ACCOUNT_ID].sort());
    for (const r of rows) {
      assert.match(r.id, new RegExp(`^${r.scope.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}$`));
      assert.match(r.roleDefinitionId, new RegExp(`^/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft\\.Authorization/roleDefinitions/[0-9a-f-]{36}$`));
    }
    const guids = rows.map((r) => r.roleDefinitionId.split('/').pop()!);
    const defs = await graphQuery(cloud, Q.roleDefinitions(guids.map((g) => g.toUpperCase())));
    assert.deepEqual(
      (defs.json.data as { name: string; roleName: string }[]).map((d) => d.roleName).sort(),
      ['Key Vault Secrets User', 'Storage Blob Data Reader'],
    );
  });

  it("the cluster's app names resources that exist: AZURE_KEYVAULT_URL and the ConfigMap's blob URL", async () => {
    const d = cloud.kube.store.get('Deployment', 'payments', 'api')!;
    const c = d.spec.template.spec.containers[0];
    assert.deepEqual(c.env.find((e: { name: string }) => e.name === 'AZURE_KEYVAULT_URL'), { name: 'AZURE_KEYVAULT_URL', value: 'https://kv-prod.vault.azure.net/' });
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: 'api-config' } }]);
    assert.equal(cloud.kube.store.get('ConfigMap', 'payments', 'api-config')!.data.STORAGE_ACCOUNT_URL, 'https://stpaymentsprod.blob.core.windows.net/');
    const aks = (await graphQuery(cloud, Q.cluster(cloud.kube.issuer))).json.data[0];
    assert.equal(aks.issuerUrl, cloud.kube.issuer, 'AKS reports the issuer the fake cluster serves');
  });

  it('finds resources by type and name', async () => {
    const r = await graphQuery(cloud, Q.resources);
    assert.deepEqual(
      (r.json.data as { name: string; type: string }[]).map((x) => `${x.type} ${x.name}`).sort(),
      ['microsoft.keyvault/vaults kv-prod', 'microsoft.servicebus/namespaces sb-payments-prod', 'microsoft.storage/storageaccounts stpaymentsprod'],
    );
    // The product's variant projects a property too.
    const withRbac = await graphQuery(cloud, `${Q.resources}, enableRbacAuthorization = properties.enableRbacAuthorization`);
    assert.equal(withRbac.json.data.find((x: any) => x.name === 'kv-prod').enableRbacAuthorization, true);
  });

  it('pages with $skipToken while the results have an id column, truncates when they do not; table format', async () => {
    const q = `AuthorizationResources | where type =~ 'microsoft.authorization/roledefinitions' | project id, name`;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await graphQuery(cloud, q, { options: { $top: 4, ...(token ? { $skipToken: token } : {}) } });
      assert.equal(r.status, 200);
      seen.push(...r.json.data.map((d: any) => d.name));
      token = r.json.$skipToken;
      pages++;
    } while (token);
    assert.equal(seen.length, new Set(seen).size);
    assert.ok(seen.includes(ROLE.Owner) && seen.length >= 10);
    assert.equal(pages, Math.ceil(seen.length / 4));
    const noId = await graphQuery(cloud, `AuthorizationResources | where type =~ 'microsoft.authorization/roledefinitions' | project name`, { options: { $top: 4 } });
    assert.equal(noId.json.resultTruncated, 'true');
    assert.equal(noId.json.$skipToken, undefined);
    const bad = await graphQuery(cloud, q, { options: { $top: 4, $skipToken: 'nope' } });
    assert.equal(bad.status, 400);
    const table = await graphQuery(cloud, Q.identity(CLIENT_ID), { options: { resultFormat: 'table' } });
    assert.deepEqual(table.json.data.columns.map((c: any) => c.name), ['id', 'name', 'resourceGroup', 'subscriptionId', 'location', 'tenantId', 'clientId', 'principalId']);
    assert.equal(table.json.data.rows[0][6], CLIENT_ID);
  });

  it('answers a query it cannot parse with 400 InvalidQuery (ParserFailure, UnknownFunction, unknown column)', async () => {
    const parse = await graphQuery(cloud, 'Resources | where type =~');
    assert.equal(parse.status, 400);
    assert.equal(parse.json.error.code, 'BadRequest');
    assert.match(parse.json.error.message, /^Please provide below info when asking for support: timestamp = .*, correlationId = [0-9a-f-]{36}\.$/);
    assert.deepEqual(parse.json.error.details[0], { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' });
    assert.equal(parse.json.error.details[1].code, 'ParserFailure');
    const fn = await graphQuery(cloud, 'Resources | where tojson(properties) == 1');
    assert.equal(fn.json.error.details[1].code, 'UnknownFunction');
    const col = await graphQuery(cloud, 'Resources | where clientId =~ "x"');
    assert.equal(col.json.error.details[1].code, 'FailedToResolveScalarExpression');
    const op = await graphQuery(cloud, 'Resources | summarize count() by type');
    assert.equal(op.status, 400);
    const table = await graphQuery(cloud, 'Nope | project id');
    assert.equal(table.status, 400);
    const missing = await arm(cloud, 'POST', `/providers/Microsoft.ResourceGraph/resources?api-version=${RG_API}`, { body: { options: {} } });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.code, 'InvalidRequestContent');
  });

  it('forbid: the whole query (403), or only some rows (left out, as Resource Graph does); 429 with its quota headers', async () => {
    cloud.setForbid([{ service: 'resourcegraph' }]);
    const denied = await graphQuery(cloud, Q.identity(CLIENT_ID));
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'AuthorizationFailed');
    assert.match(denied.json.error.message, new RegExp(`^The client '${TEST_PRINCIPAL.objectId}' with object id '${TEST_PRINCIPAL.objectId}' does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'`));
    cloud.setForbid([{ service: 'resourcegraph', action: 'microsoft.authorization/roleassignments/read' }]);
    assert.deepEqual((await graphQuery(cloud, Q.roleAssignments(PRINCIPAL_ID))).json.data, []);
    assert.equal((await graphQuery(cloud, Q.identity(CLIENT_ID))).json.count, 1, 'other rows still visible');
    cloud.setForbid([]);

    cloud.setFaults([{ service: 'resourcegraph', status: 429, times: 1, retryAfterSeconds: 3 }]);
    const throttled = await graphQuery(cloud, Q.identity(CLIENT_ID));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '3');
    assert.equal(throttled.headers['x-ms-user-quota-remaining'], '0');
    assert.equal(throttled.headers['x-ms-user-quota-resets-after'], '00:00:03');
    assert.equal(throttled.json.error.code, 'RateLimiting');
    assert.equal((await graphQuery(cloud, Q.identity(CLIENT_ID))).status, 200);
    cloud.setFaults([]);
  });

  it('401 for an expired token', async () => {
    const r = await graphQuery(cloud, Q.identity(CLIENT_ID), { token: cloud.accessToken({ expired: true }) });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'ExpiredAuthenticationToken');
  });

  it('latency, hangs and resets', async () => {
    cloud.setLatency(60);
    const t0 = Date.now();
    assert.equal((await graphQuery(cloud, Q.identity(CLIENT_ID))).status, 200);
    assert.ok(Date.now() - t0 >= 60);
    cloud.setLatency(0);
    cloud.setFaults([{ service: 'resourcegraph', hang: true, times: 1 }]);
    const body = JSON.stringify({ query: Q.identity(CLIENT_ID) });
    await assert.rejects(kubeRequest({ url: cloud.arm.url, caPem: cloud.caPem, token: cloud.accessToken() }, 'POST', `/providers/Microsoft.ResourceGraph/resources?api-version=${RG_API}`, { body, timeoutMs: 150 }), /timeout/);
    assert.equal(cloud.arm.requests.at(-1)!.status, 0, 'never answered');
    cloud.setFaults([{ service: 'arm', reset: true, times: 1 }]);
    await assert.rejects(arm(cloud, 'GET', `/subscriptions?api-version=2022-12-01`), /socket hang up|ECONNRESET/);
    assert.equal((await arm(cloud, 'GET', `/subscriptions?api-version=2022-12-01`)).status, 200);
    cloud.setFaults([]);
  });
});

describe('tenant visibility (identity-other-tenant)', () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'identity-other-tenant' });
  });
  after(() => cloud.stop());

  it('a home-tenant caller does not see the identity; a caller of its own tenant does', async () => {
    assert.deepEqual((await graphQuery(cloud, Q.identity(CLIENT_ID))).json.data, []);
    const other = await graphQuery(cloud, Q.identity(CLIENT_ID), { token: cloud.accessToken({ tenantId: OTHER_TENANT.id }) });
    assert.equal(other.json.count, 1);
    assert.equal(other.json.data[0].tenantId, OTHER_TENANT.id);
    // The cluster is Contoso's: invisible from Fabrikam.
    assert.deepEqual((await graphQuery(cloud, Q.cluster(cloud.kube.issuer), { token: cloud.accessToken({ tenantId: OTHER_TENANT.id }) })).json.data, []);
    // And a real sign-in to the other tenant reaches it through ARM.
    const id = await new ManagedServiceIdentityClient(cloud.signIn({ tenantId: OTHER_TENANT.id }), other.json.data[0].subscriptionId, { endpoint: cloud.endpoints.arm, tlsOptions: { ca: cloud.caPem } }).userAssignedIdentities.get(other.json.data[0].resourceGroup, IDENTITY_NAME);
    assert.equal(id.clientId, CLIENT_ID);
  });
});

describe('fake Microsoft Graph (app-registration)', () => {
  let cloud: FakeCloud;
  const graph = (path: string, token?: string | null): Promise<KubeResponse> => kubeRequest({ url: cloud.graph.url, caPem: cloud.caPem, token: cloud.accessToken({ resource: 'graph' }) }, 'GET', path, token === undefined ? {} : { token });
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'app-registration' });
  });
  after(() => cloud.stop());

  it("GET /applications(appId='...') and its federated credentials; 404 Request_ResourceNotFound otherwise", async () => {
    const app = await graph(`/v1.0/applications(appId='${CLIENT_ID}')?$select=id,appId,displayName`);
    assert.equal(app.status, 200);
    assert.deepEqual({ ...app.json, '@odata.context': undefined }, { '@odata.context': undefined, id: APP_OBJECT_ID, appId: CLIENT_ID, displayName: 'payments-api' });
    const fics = await graph(`/v1.0/applications/${APP_OBJECT_ID}/federatedIdentityCredentials`);
    assert.deepEqual(fics.json.value, [{ id: fics.json.value[0].id, name: FIC_NAME, issuer: cloud.kube.issuer, subject: SUBJECT, description: 'payments/api-sa on aks-prod', audiences: [AUDIENCE] }]);
    const missing = await graph(`/v1.0/applications(appId='00000000-0000-0000-0000-000000000001')`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'Request_ResourceNotFound');
    assert.equal(missing.json.error.message, "Resource '00000000-0000-0000-0000-000000000001' does not exist or one of its queried reference-property objects are not present.");
    assert.ok(missing.json.error.innerError['request-id']);
    const sp = await graph(`/v1.0/servicePrincipals(appId='${CLIENT_ID}')`);
    assert.equal(sp.json.servicePrincipalType, 'Application');
    // With the client's own token audience (its URL) or Graph's public one.
    assert.equal((await graph(`/v1.0/applications/${APP_OBJECT_ID}`, cloud.accessToken({ resource: 'https://graph.microsoft.com' }))).status, 200);
  });

  it('401 for expired, missing and ARM-audience tokens; 403 when forbidden; the other tenant sees no app', async () => {
    const expired = await graph(`/v1.0/applications/${APP_OBJECT_ID}`, cloud.accessToken({ resource: 'graph', expired: true }));
    assert.equal(expired.status, 401);
    assert.equal(expired.json.error.code, 'InvalidAuthenticationToken');
    assert.equal(expired.json.error.message, 'Lifetime validation failed, the token is expired.');
    assert.equal((await graph(`/v1.0/applications/${APP_OBJECT_ID}`, null)).json.error.message, 'Access token is empty.');
    assert.equal((await graph(`/v1.0/applications/${APP_OBJECT_ID}`, cloud.accessToken({ resource: 'arm' }))).status, 401);
    cloud.setForbid([{ service: 'graph', action: 'Application.Read.All' }]);
    const denied = await graph(`/v1.0/applications/${APP_OBJECT_ID}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'Authorization_RequestDenied');
    cloud.setForbid([]);
    assert.equal((await graph(`/v1.0/applications(appId='${CLIENT_ID}')`, cloud.accessToken({ resource: 'graph', tenantId: OTHER_TENANT.id }))).status, 404);
  });
});

describe('the KQL subset', () => {
  const rows = [
    { id: '/a', name: 'A', type: 'x/y', properties: { clientId: 'ABC', nested: { on: true }, issuerURL: 'https://i/' } },
    { id: '/b', name: 'b', type: 'x/z', properties: { clientId: 'def' } },
  ];
  const q = (text: string) => run(parseQuery(text), { Resources: { columns: ['id', 'name', 'type', 'properties'], rows } }).rows;

  it('=~, ==, in~, !in, and/or with parentheses, tostring of missing values, projections', () => {
    assert.deepEqual(q("Resources | where tostring(properties.clientId) =~ 'abc' | project id"), [{ id: '/a' }]);
    assert.deepEqual(q("Resources | where tostring(properties.clientId) == 'abc' | project id"), []);
    assert.deepEqual(q("Resources | where name in~ ('a', 'B') | project id"), [{ id: '/a' }, { id: '/b' }]);
    assert.deepEqual(q("Resources | where name !in~ ('a') | project id"), [{ id: '/b' }]);
    assert.deepEqual(q("Resources | where (type =~ 'x/y' and name =~ 'nope') or (type =~ 'X/Z' and name in~ ('b')) | project id"), [{ id: '/b' }]);
    assert.deepEqual(q('Resources | where properties.nested.on == true | project id, on = properties.nested.on, missing = tostring(properties.nope)'), [{ id: '/a', on: true, missing: '' }]);
    assert.deepEqual(q('Resources | project properties.clientId | take 1'), [{ properties_clientId: 'ABC' }]);
    assert.deepEqual(q("Resources | where properties['issuerURL'] == 'https://i/' | project id"), [{ id: '/a' }]);
    assert.equal(str({ a: 1 }), '{"a":1}');
  });

  it("is case-sensitive on property names, and 'it''s' is two adjacent literals (\"its\"), as in Kusto", () => {
    assert.deepEqual(q("Resources | where tostring(properties.issuerUrl) == 'https://i/' | project id"), []);
    assert.deepEqual(q("Resources | where 'it''s' == 'its' | project id"), [{ id: '/a' }, { id: '/b' }]);
    assert.deepEqual(q("Resources | where 'it\\'s' == \"it's\" | project id"), [{ id: '/a' }, { id: '/b' }]);
  });

  it('throws KqlError for what it does not know', () => {
    for (const bad of ['Resources | where', 'Resources | where foo(1)', 'Resources | where nope == 1', 'Resources | mv-expand x', "Resources | where name == 'x"]) {
      assert.throws(() => q(bad), KqlError, bad);
    }
  });
});
