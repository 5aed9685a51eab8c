// The Azure half's own bundle (dist/azure.js): everything that pulls in an Azure SDK package is
// reached from here and loaded on first use (load.ts), so neither activating the extension nor
// running `wi-doctor lint` loads any of it.

import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ChainedTokenCredential, ClientSecretCredential, EnvironmentCredential } from '@azure/identity';
import { AzureClient } from './client';
import type { DemoAzureEnvironment } from './demo-environment';
import type { AzureApi, AzureClientOptions, AzureEndpoints } from './types';

export function createAzureClient(opts: AzureClientOptions): AzureApi {
  return new AzureClient(opts);
}

/** The command line's sign-in: the Azure CLI's account, then AZURE_* variables of the environment. */
export function cliCredential(endpoints: AzureEndpoints, tenantId?: string): TokenCredential {
  const authorityHost = endpoints.authorityHost;
  return new ChainedTokenCredential(new AzureCliCredential(tenantId ? { tenantId } : {}), new EnvironmentCredential({ authorityHost }));
}

/**
 * The demo's sign-in (setting wiDoctor.demo.azureEnvironment): the demo principal's client secret
 * at the local fake Entra, trusting the demo's CA for this credential only (MSAL's instance
 * discovery would ask login.microsoftonline.com, so it is off).
 */
export function demoCredential(env: DemoAzureEnvironment): TokenCredential {
  return new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, {
    authorityHost: env.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: env.ca },
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  });
}
