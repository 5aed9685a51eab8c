// The pure parts of the Azure half: how a federated credential differs from the token, which
// Azure resources a workload's endpoints name, scope coverage, KQL quoting, failure sentences.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differences } from '../../src/checkpoints/credential-match';
import { covers, resourcesIn } from '../../src/azure/resource-endpoints';
import { Queries } from '../../src/azure/queries';
import { toAzureFailure } from '../../src/azure/failures';

const ISS = 'https://eastus.oic.prod-aks.azure.com/72f988bf-0000-0000-0000-000000000000/11111111-2222-3333-4444-555555555555/';
const want = { issuer: ISS, subject: 'system:serviceaccount:payments:api-sa', audience: 'api://AzureADTokenExchange' };
const fc = (over: Partial<{ issuer: string; subject: string; audiences: string[] }>) => ({ name: 'fc', issuer: ISS, subject: want.subject, audiences: ['api://AzureADTokenExchange'], ...over });

describe('federated credential differences', () => {
  it('names each kind of difference exactly', () => {
    assert.deepEqual(differences(fc({}), want), []);
    assert.deepEqual(differences(fc({ issuer: ISS.slice(0, -1) }), want), ['issuer lacks the trailing "/" the token has']);
    assert.deepEqual(differences(fc({ subject: 'system:serviceaccount:default:api-sa' }), want), ['subject names namespace "default" instead of "payments"']);
    assert.deepEqual(differences(fc({ subject: 'system:serviceaccount:payments:api' }), want), ['subject names ServiceAccount "api" instead of "api-sa"']);
    assert.deepEqual(differences(fc({ subject: 'system:serviceaccount:Payments:api-sa' }), want), ['subject differs only in letter case: "system:serviceaccount:Payments:api-sa" vs "system:serviceaccount:payments:api-sa" (AADSTS7002138)']);
    assert.deepEqual(differences(fc({ subject: 'system:serviceaccount:payments:api-sa ' }), want), ['subject has extra whitespace or quotes: "system:serviceaccount:payments:api-sa "']);
    assert.deepEqual(differences(fc({ audiences: ['api://AzureADTokenExchange/'] }), want), ['audience "api://AzureADTokenExchange/" instead of "api://AzureADTokenExchange"']);
    assert.deepEqual(differences(fc({ issuer: ISS.toUpperCase() }), want), [`issuer differs in letter case: ${JSON.stringify(ISS.toUpperCase())} vs ${JSON.stringify(ISS)}`]);
  });
});

describe('resources a workload uses', () => {
  it('finds Key Vault, storage, Service Bus and App Configuration names, and never keeps secrets', () => {
    const found = [
      ...resourcesIn('https://kv-prod.vault.azure.net/', 'env A'),
      ...resourcesIn('DefaultEndpointsProtocol=https;AccountName=stcontoso;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net', 'env B'),
      ...resourcesIn('https://stlogs.blob.core.windows.net/container?sv=2020&sig=abc', 'env C'),
      ...resourcesIn('Endpoint=sb://sb-orders.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=y', 'env D'),
      ...resourcesIn('https://appcs-prod.azconfig.io', 'env E'),
    ];
    assert.deepEqual(found.map((r) => [r.type, r.name, r.suggest]), [
      ['microsoft.keyvault/vaults', 'kv-prod', 'Key Vault Secrets User'],
      ['microsoft.storage/storageaccounts', 'stcontoso', 'Storage Blob Data Reader'],
      ['microsoft.storage/storageaccounts', 'stlogs', 'Storage Blob Data Reader'],
      ['microsoft.servicebus/namespaces', 'sb-orders', 'Azure Service Bus Data Receiver'],
      ['microsoft.appconfiguration/configurationstores', 'appcs-prod', 'App Configuration Data Reader'],
    ]);
    assert.ok(!JSON.stringify(found).includes('c2VjcmV0') && !JSON.stringify(found).includes('sig=abc'));
  });

  it('a scope covers itself and what is below it, at a path boundary', () => {
    const kv = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-prod';
    assert.ok(covers(kv, kv));
    assert.ok(covers('/subscriptions/s/resourceGroups/RG', kv));
    assert.ok(covers('/subscriptions/s', kv));
    assert.ok(!covers('/subscriptions/s/resourceGroups/rg2', kv));
    assert.ok(!covers('/subscriptions/s/resourceGroups/r', kv));
  });
});

describe('Resource Graph queries', () => {
  it('quote values for KQL and look for the issuer with and without its slash', () => {
    assert.ok(Queries.identityByClientId("x' or 1==1 \\").includes(String.raw`=~ 'x\' or 1==1 \\'`));
    assert.match(Queries.clusterByIssuer('https://i/x/'), /in~ \('https:\/\/i\/x', 'https:\/\/i\/x\/'\)/);
  });
});

describe('Azure failures', () => {
  const call = { what: 'list the federated credentials of id-x', role: 'Reader' };
  it('names the role on 403 and says how to sign in again on 401', () => {
    assert.equal(toAzureFailure({ statusCode: 403, code: 'AuthorizationFailed', message: 'no' }, call, 'AzureCloud').message, 'Forbidden (403 AuthorizationFailed): you may not list the federated credentials of id-x. Ask for the "Reader" role on the subscription or resource group, or have someone who holds it run the diagnosis.');
    assert.equal(toAzureFailure({ statusCode: 401, code: 'ExpiredAuthenticationToken' }, call, 'AzureCloud').kind, 'expired');
    assert.equal(toAzureFailure({ name: 'CredentialUnavailableError', message: 'x' }, call, 'AzureCloud').kind, 'not-signed-in');
    assert.equal(toAzureFailure({ name: 'AggregateAuthenticationError', errors: [{ name: 'CredentialUnavailableError' }] } as unknown, call, 'AzureCloud').kind, 'not-signed-in');
    assert.equal(toAzureFailure({ statusCode: 429 }, call, 'AzureCloud').kind, 'throttled');
  });
});
