// The Azure half's own bundle (dist/azure.js): everything that pulls in an Azure SDK package is
// reached from here and loaded on first use (load.ts), so neither activating the extension nor
// running `wi-doctor lint` loads any of it.

import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ChainedTokenCredential, EnvironmentCredential } from '@azure/identity';
import { AzureClient } from './client';
import type { AzureApi, AzureClientOptions, AzureEndpoints } from './types';

export function createAzureClient(opts: AzureClientOptions): AzureApi {
  return new AzureClient(opts);
}

/** The command line's sign-in: the Azure CLI's account, then AZURE_* variables of the environment. */
export function cliCredential(endpoints: AzureEndpoints, tenantId?: string): TokenCredential {
  const authorityHost = endpoints.authorityHost;
  return new ChainedTokenCredential(new AzureCliCredential(tenantId ? { tenantId } : {}), new EnvironmentCredential({ authorityHost }));
}
