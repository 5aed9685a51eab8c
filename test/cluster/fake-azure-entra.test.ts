// The fake Entra ID (test/fake-azure) through the real @azure/identity 4.12.0 credentials:
// ClientSecretCredential signs the test principal in; WorkloadIdentityCredential exchanges a
// service-account token from a TokenRequest at the fake cluster, once per Azure scenario, and
// must get a token or exactly the scenario's AADSTS code. Then the assertion checks one by one
// (not a JWT, bad signature, expired, unreachable issuer), Entra's error body, and a credential
// fixed through ARM being honoured by the next exchange (propagation delay included).
//
// TLS: every credential gets `tlsOptions: { ca }` (the fake CA), which @azure/identity passes to
// the pipeline of the HTTP client MSAL uses; no process-wide NODE_EXTRA_CA_CERTS.
//
//   node scripts/run-unit-tests.mjs --root test/cluster fake-azure-entra

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ClientSecretCredential, WorkloadIdentityCredential } from '@azure/identity';
import { kubeRequest } from '../fake-kube/client';
import { issueServiceAccountToken } from '../fake-kube/tokens';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import {
  APP_SP_ID,
  AUDIENCE,
  AZURE_SCENARIOS,
  CLIENT_ID,
  FIC_NAME,
  IDENTITY_ID,
  IDENTITY_NAME,
  OTHER_TENANT,
  PRINCIPAL_ID,
  RESOURCE_GROUP,
  SUBJECT,
  SUBSCRIPTION_ID,
  TENANT_ID,
  TEST_PRINCIPAL,
} from '../fake-azure/scenarios';
import { decodeJwt } from '../fake-azure/tokens';

const dir = mkdtempSync(join(tmpdir(), 'fake-azure-entra-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function workloadCredential(cloud: FakeCloud, tokenFilePath: string, o: { tenantId?: string; clientId?: string } = {}): WorkloadIdentityCredential {
  return new WorkloadIdentityCredential({
    tenantId: o.tenantId ?? TENANT_ID,
    clientId: o.clientId ?? CLIENT_ID,
    tokenFilePath,
    authorityHost: cloud.endpoints.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: cloud.caPem },
    retryOptions: { maxRetries: 0 },
  });
}

/** A projected-token file: from a TokenRequest at the fake cluster, or the given text. */
async function tokenFile(cloud: FakeCloud, text?: string): Promise<string> {
  const path = join(dir, `token-${++files}`);
  if (text !== undefined) writeFileSync(path, text);
  else await cloud.writeServiceAccountToken(path);
  return path;
}

/** Exchange at the token endpoint by hand (to read Entra's body). */
function exchange(cloud: FakeCloud, assertion: string, o: { scope?: string; clientId?: string; assertionType?: string | null } = {}) {
  const form = new URLSearchParams({ client_id: o.clientId ?? CLIENT_ID, scope: o.scope ?? 'https://vault.azure.net/.default', grant_type: 'client_credentials', client_assertion: assertion });
  if (o.assertionType !== null) form.set('client_assertion_type', o.assertionType ?? 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  return kubeRequest({ url: cloud.entra.url, caPem: cloud.caPem, token: '' }, 'POST', `/${TENANT_ID}/oauth2/v2.0/token`, {
    token: null,
    body: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
  });
}

interface ErrorLike {
  name: string;
  message: string;
}

describe('ClientSecretCredential against the fake Entra', { concurrency: 1 }, () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'azure-healthy' });
  });
  after(() => cloud.stop());

  it('signs the test principal in: OIDC discovery, then a client_credentials token for the scope asked', async () => {
    const t = await cloud.signIn().getToken(`${cloud.endpoints.arm}/.default`);
    assert.ok(t && t.expiresOnTimestamp > Date.now() + 3000_000);
    const claims = decodeJwt(t.token)!.payload;
    assert.equal(claims.aud, cloud.endpoints.arm);
    assert.equal(claims.tid, TENANT_ID);
    assert.equal(claims.oid, TEST_PRINCIPAL.objectId);
    assert.equal(claims.appid, TEST_PRINCIPAL.clientId);
    assert.equal(claims.iss, `https://sts.windows.net/${TENANT_ID}/`);
    const paths = cloud.entra.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [`GET /${TENANT_ID}/v2.0/.well-known/openid-configuration`, `POST /${TENANT_ID}/oauth2/v2.0/token`]);
    const form = cloud.entra.requests[1]!.body as Record<string, string>;
    assert.equal(form.grant_type, 'client_credentials');
    assert.equal(form.client_id, TEST_PRINCIPAL.clientId);
    assert.equal(form.scope, `${cloud.endpoints.arm}/.default`);
    assert.equal(form.client_secret, '[REDACTED]', 'secrets are not kept in the request log');
    // The tenant's domain name works in place of its GUID; the guest principal signs in to the other tenant.
    const byDomain = new ClientSecretCredential('contoso.onmicrosoft.com', TEST_PRINCIPAL.clientId, TEST_PRINCIPAL.secret, { authorityHost: cloud.entra.url, disableInstanceDiscovery: true, tlsOptions: { ca: cloud.caPem } });
    assert.equal(decodeJwt((await byDomain.getToken('https://graph.microsoft.com/.default'))!.token)!.payload.tid, TENANT_ID);
    assert.equal(decodeJwt((await cloud.signIn({ tenantId: OTHER_TENANT.id }).getToken(`${cloud.endpoints.graph}/.default`))!.token)!.payload.tid, OTHER_TENANT.id);
  });

  it('refuses a wrong secret (AADSTS7000215), an unknown client (AADSTS700016), an unknown tenant (AADSTS90002)', async () => {
    const cred = (tenant: string, clientId: string, secret: string) => new ClientSecretCredential(tenant, clientId, secret, { authorityHost: cloud.entra.url, disableInstanceDiscovery: true, tlsOptions: { ca: cloud.caPem }, retryOptions: { maxRetries: 0 } });
    await assert.rejects(cred(TENANT_ID, TEST_PRINCIPAL.clientId, 'wrong').getToken('https://management.azure.com/.default'), (e: ErrorLike) => /AADSTS7000215: Invalid client secret provided/.test(e.message));
    assert.equal(cloud.entra.requests.at(-1)!.status, 401);
    await assert.rejects(cred(TENANT_ID, '11111111-2222-4333-8444-555555555555', 'x').getToken('https://management.azure.com/.default'), (e: ErrorLike) => /AADSTS700016: Application with identifier '11111111-2222-4333-8444-555555555555' was not found in the directory 'Contoso'/.test(e.message));
    await assert.rejects(cred('9f9f9f9f-0000-4000-8000-000000000000', TEST_PRINCIPAL.clientId, TEST_PRINCIPAL.secret).getToken('https://management.azure.com/.default'));
    assert.equal(cloud.entra.requests.at(-1)!.code, 'AADSTS90002');
    const disco = await kubeRequest({ url: cloud.entra.url, caPem: cloud.caPem, token: '' }, 'GET', '/9f9f9f9f-0000-4000-8000-000000000000/v2.0/.well-known/openid-configuration', { token: null });
    assert.equal(disco.status, 400);
    assert.equal(disco.json.error, 'invalid_tenant');
    assert.deepEqual(disco.json.error_codes, [90002]);
  });

  it('serves instance discovery metadata and its keys; retries a 429 from the token endpoint', async () => {
    const auth = encodeURIComponent(`${cloud.entra.url}/${TENANT_ID}/oauth2/v2.0/authorize`);
    const d = await kubeRequest({ url: cloud.entra.url, caPem: cloud.caPem, token: '' }, 'GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${auth}`, { token: null });
    const host = new URL(cloud.entra.url).host;
    assert.deepEqual(d.json, { tenant_discovery_endpoint: `${cloud.entra.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }] });
    const keys = await kubeRequest({ url: cloud.entra.url, caPem: cloud.caPem, token: '' }, 'GET', `/${TENANT_ID}/discovery/v2.0/keys`, { token: null });
    assert.equal(keys.json.keys[0].kty, 'RSA');

    cloud.setFaults([{ service: 'entra', path: `/${TENANT_ID}/oauth2/v2.0/token`, status: 429, times: 1, retryAfterSeconds: 0 }]);
    cloud.entra.resetRequests();
    assert.ok(await cloud.signIn().getToken(`${cloud.endpoints.graph}/.default`));
    assert.deepEqual(cloud.entra.requests.filter((r) => r.method === 'POST').map((r) => r.status), [429, 200]);
    cloud.setFaults([]);
  });
});

describe('WorkloadIdentityCredential, scenario by scenario', { concurrency: 1 }, () => {
  for (const s of AZURE_SCENARIOS) {
    it(`${s.name}: ${s.exchange === null ? 'a token' : `AADSTS${s.exchange}`}`, async () => {
      const cloud = await startFakeCloud({ scenario: s });
      try {
        const cred = workloadCredential(cloud, await tokenFile(cloud));
        const scope = `${cloud.endpoints.arm}/.default`;
        if (s.exchange === null) {
          const t = await cred.getToken(scope);
          const claims = decodeJwt(t.token)!.payload;
          assert.equal(claims.tid, TENANT_ID);
          assert.equal(claims.appid, CLIENT_ID);
          assert.equal(claims.aud, cloud.endpoints.arm);
          assert.equal(claims.oid, s.name === 'app-registration' ? APP_SP_ID : PRINCIPAL_ID);
          if (s.name !== 'app-registration') assert.equal(claims.xms_mirid, IDENTITY_ID);
          // Entra fetched the issuer's documents from the fake AKS issuer host.
          assert.deepEqual(cloud.oidc.requests.map((r) => r.path.split('/').slice(-2).join('/')), ['.well-known/openid-configuration', 'v1/jwks']);
          return;
        }
        await assert.rejects(cred.getToken(scope), (e: ErrorLike) => {
          assert.match(e.message, new RegExp(`AADSTS${s.exchange}:`), `${s.name}: ${e.message}`);
          return true;
        });
        const post = cloud.entra.requests.filter((r) => r.method === 'POST').at(-1)!;
        assert.equal(post.code, `AADSTS${s.exchange}`);
        const override = s.entraOverrides?.find((o) => o.grant === 'assertion');
        assert.equal(post.status, override?.status ?? ([70021, 90061, 700016].includes(s.exchange) ? 400 : 401));
      } finally {
        await cloud.stop();
      }
    });
  }
});

describe('the federated exchange, check by check', { concurrency: 1 }, () => {
  let cloud: FakeCloud;
  before(async () => {
    cloud = await startFakeCloud({ scenario: 'fic-wrong-namespace' });
  });
  after(() => cloud.stop());

  it("answers in Entra's words and shape: invalid_client, error_codes, Trace/Correlation IDs, error_uri", async () => {
    const r = await exchange(cloud, await cloud.serviceAccountToken());
    assert.equal(r.status, 401);
    assert.deepEqual(Object.keys(r.json).sort(), ['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id']);
    assert.equal(r.json.error, 'invalid_client');
    assert.deepEqual(r.json.error_codes, [700213]);
    assert.equal(r.json.error_uri, 'https://login.microsoftonline.com/error?code=700213');
    assert.match(r.json.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(
      r.json.error_description,
      `AADSTS700213: No matching federated identity record found for presented assertion subject '${SUBJECT}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation Trace ID: ${r.json.trace_id} Correlation ID: ${r.json.correlation_id} Timestamp: ${r.json.timestamp}`,
    );
  });

  it('checks the assertion before the credentials: not a JWT, bad signature, expired, unreachable issuer', async () => {
    const good = await cloud.serviceAccountToken();
    const code = async (assertion: string): Promise<number> => (await exchange(cloud, assertion)).json.error_codes?.[0];
    assert.equal(await code('not-a-jwt'), 50027);
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url')}.${sig}`;
    assert.equal(await code(forged), 700027);
    const expired = issueServiceAccountToken({ issuer: cloud.kube.tokenIssuer, audiences: [AUDIENCE], namespace: 'payments', serviceAccountName: 'api-sa', serviceAccountUid: 'u', expirationSeconds: 3600, now: Date.now() - 2 * 3600_000 });
    const r = await exchange(cloud, expired.token);
    assert.deepEqual(r.json.error_codes, [700024]);
    assert.match(r.json.error_description, /^AADSTS700024: Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT[\d:.]+Z, assertion valid from .*, expiry time of assertion .*\./);
    const foreign = issueServiceAccountToken({ issuer: 'https://kubernetes.default.svc.cluster.local', audiences: [AUDIENCE], namespace: 'payments', serviceAccountName: 'api-sa', serviceAccountUid: 'u', expirationSeconds: 3600 });
    assert.equal(await code(foreign.token), 90061);
    cloud.setFaults([{ service: 'oidc', path: /openid\/v1\/jwks$/, status: 503, times: 1 }]);
    assert.equal(await code(good), 90061);
    cloud.setFaults([]);
    // Request checks come first of all.
    assert.deepEqual((await exchange(cloud, good, { scope: 'https://vault.azure.net/user.read' })).json.error_codes, [1002012]);
    assert.deepEqual((await exchange(cloud, good, { assertionType: null })).json.error_codes, [900144]);
    assert.deepEqual((await exchange(cloud, good, { clientId: '22222222-3333-4444-8555-666666666666' })).json.error_codes, [700016]);
  });

  it('honours a credential fixed through ARM at the next exchange, once it has propagated', async () => {
    const msi = new ManagedServiceIdentityClient(cloud.signIn(), SUBSCRIPTION_ID, { endpoint: cloud.endpoints.arm, tlsOptions: { ca: cloud.caPem } });
    const file = await tokenFile(cloud);
    await assert.rejects(workloadCredential(cloud, file).getToken('https://vault.azure.net/.default'), /AADSTS700213/);
    cloud.entra.propagationSeconds = 300;
    await msi.federatedIdentityCredentials.createOrUpdate(RESOURCE_GROUP, IDENTITY_NAME, FIC_NAME, { issuer: cloud.kube.issuer, subject: SUBJECT, audiences: [AUDIENCE] });
    await assert.rejects(workloadCredential(cloud, file).getToken('https://vault.azure.net/.default'), /AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: '.*'\. Assertion Subject: 'system:serviceaccount:payments:api-sa'\. Assertion Audience: 'api:\/\/AzureADTokenExchange'/);
    cloud.entra.propagationSeconds = 0;
    const wi = workloadCredential(cloud, file);
    assert.ok(await wi.getToken('https://vault.azure.net/.default'));
    // The workload's own token is good for ARM too: it can read its identity.
    const own = new ManagedServiceIdentityClient(wi, SUBSCRIPTION_ID, { endpoint: cloud.endpoints.arm, tlsOptions: { ca: cloud.caPem } });
    assert.equal((await own.userAssignedIdentities.get(RESOURCE_GROUP, IDENTITY_NAME)).principalId, PRINCIPAL_ID);
    assert.equal(cloud.arm.requests.at(-1)!.oid, PRINCIPAL_ID);
  });
});
