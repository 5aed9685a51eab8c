// The AzureProvider the diagnosis asks when its first Azure checkpoint runs: it loads the Azure
// half, gets one token to learn whether anyone is signed in (and to which tenant), and answers
// with the API or with the sentence that explains why Azure is not available.

import type { TokenCredential } from '@azure/core-auth';
import { jwtClaims } from '../cluster/jwt';
import { toAzureFailure } from './failures';
import { loadAzure } from './load';
import type { AzureEndpoints, AzureProvider } from './types';

export interface ProviderOptions {
  endpoints: AzureEndpoints;
  /** The credential, or undefined when nobody is signed in; may load @azure/identity (CLI). */
  credential: () => Promise<TokenCredential | undefined>;
  /** Said when no credential exists, e.g. 'Not signed in to Azure: run `az login`.' */
  notSignedIn: string;
  timeoutMs?: number;
  /**
   * Without a sign-in, still allow the token exchange (the pod's token is its credential). The CLI
   * does (a CI job can prove the chain with --token-exchange always and no Azure login); the
   * editor does not, so a diagnosis without a sign-in asks nothing and contacts nothing in Azure.
   */
  anonymousExchange?: boolean;
  /**
   * How to name the signed-in account instead of the token's claims, and a label for the cloud
   * shown beside the tenant (the demo's Azure says it is the demo).
   */
  account?: { user?: string; label?: string };
}

export function azureProvider(opts: ProviderOptions): AzureProvider {
  return async () => {
    const credential = await opts.credential().catch(() => undefined);
    // Without a sign-in, the token exchange can still run: Entra's token endpoint needs only the pod's token.
    const unavailable = async (reason: string, signIn: boolean, fault = false) => ({
      unavailable: reason,
      signIn,
      ...(fault ? { fault: true } : {}),
      anonymous: opts.anonymousExchange ? (await loadAzure()).createAzureClient({ endpoints: opts.endpoints, credential: undefined, timeoutMs: opts.timeoutMs }) : undefined,
    });
    if (!credential) return unavailable(opts.notSignedIn, true);
    let tenantId: string | undefined;
    let user: string | undefined;
    let objectId: string | undefined;
    const limit = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limit);
    });
    try {
      // A sign-in that never answers (a hung `az`, a dead network) must not hang the diagnosis.
      const t = await Promise.race([credential.getToken(`${opts.endpoints.arm}/.default`), timedOut]);
      if (t === 'timeout') return await unavailable(`The Azure sign-in did not answer within ${Math.round(limit / 1000)} s, so the Azure part could not be checked.`, false, true);
      if (!t) return await unavailable(opts.notSignedIn, true);
      // Who is signed in, from the token's claims (the token itself goes nowhere).
      const claims = jwtClaims(t.token);
      tenantId = typeof claims?.tid === 'string' ? claims.tid : undefined;
      user = opts.account?.user ?? (typeof claims?.upn === 'string' ? claims.upn : typeof claims?.unique_name === 'string' ? claims.unique_name : undefined);
      objectId = typeof claims?.oid === 'string' ? claims.oid : undefined;
    } catch (e) {
      const f = toAzureFailure(e, { what: 'sign in to Azure', role: '' }, opts.endpoints.cloud);
      if (f.kind === 'not-signed-in' || f.kind === 'expired') return await unavailable(opts.notSignedIn, true);
      // Entra (or the network) failed the sign-in: nobody's fault here, but the Azure part is not checked.
      return await unavailable(`${f.message} The Azure part could not be checked.`, false, true);
    } finally {
      clearTimeout(timer);
    }
    const { createAzureClient } = await loadAzure();
    return { api: createAzureClient({ endpoints: opts.endpoints, credential, timeoutMs: opts.timeoutMs, account: { tenantId, user, ...(objectId ? { objectId } : {}), ...(opts.account?.label ? { label: opts.account.label } : {}) } }) };
  };
}
