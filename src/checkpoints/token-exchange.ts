// token-exchange: with the user's consent, the projected token is exchanged at Entra ID exactly
// as the SDK in the pod would (`{authority}/{tenant}/oauth2/v2.0/token`, client-assertion grant)
// for a token of a harmless scope — proof of the whole chain, or Entra's own AADSTS code mapped
// to its meaning and to the checkpoint that explains it. The access token is discarded.

import { LOG_SIGNATURES } from './log-signatures';
import { SkipCheckpoint } from './context';
import { azureFailed } from './azure-shared';
import { ev } from './shared';
import type { Checkpoint, Evidence } from './types';

export const tokenExchange: Checkpoint = {
  id: 'token-exchange',
  title: 'Token exchange at Entra ID',
  description: 'With your consent, the pod\'s projected token is exchanged at Microsoft Entra ID for a harmless token, proving the chain end to end; a refusal is mapped from its AADSTS code to the checkpoint that explains it.',
  side: 'azure',
  // Not managed-identity: when no identity is visible to you, Entra's own answer (AADSTS700016 or a success) still tells.
  needs: ['projected-token', 'service-account'],
  fact: '| AADSTS70021 | no federated credential matches the token\'s issuer/subject/audience',
  async run(ctx) {
    const token = ctx.state.token;
    const clientId = ctx.state.clientId;
    if (!token || !clientId) throw new SkipCheckpoint('Skipped: no token or client ID to exchange (see "projected-token" and "service-account").');
    const tenant = ctx.state.podTenantId ?? ctx.state.tenantId ?? ctx.state.identity?.tenantId;
    if (!tenant) throw new SkipCheckpoint('Skipped: the tenant the pods use is unknown (no AZURE_TENANT_ID in the pods, no tenant-id annotation).');
    const mode = ctx.options.tokenExchange ?? 'ask';
    if (mode === 'never') throw new SkipCheckpoint('Skipped: token exchanges are turned off (setting wiDoctor.diagnose.tokenExchange / --token-exchange never).');
    const azure = await ctx.azureForExchange();
    const what = `Exchange a token of ServiceAccount ${ctx.target.namespace}/${(await ctx.workload()).serviceAccountName} at Microsoft Entra ID (tenant ${tenant}, client ${clientId}) for a token of ${azure.endpoints.arm}/.default? The token is discarded.`;
    if (mode === 'ask' && !(await ctx.options.confirmTokenExchange?.(what))) {
      throw new SkipCheckpoint('Skipped: the token exchange was not allowed (it asks each time; setting wiDoctor.diagnose.tokenExchange, or --token-exchange always on the command line).');
    }
    const r = await azure.exchangeToken({ tenantId: tenant, clientId, assertion: token, scope: `${azure.endpoints.arm}/.default` }, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, 'exchange the token at Entra ID');
    const evidence: Evidence[] = [ev('endpoint', `${azure.endpoints.authorityHost.replace(/\/+$/, '')}/${tenant}/oauth2/v2.0/token`), ev('client ID', clientId)];
    if (r.value.ok) {
      evidence.push(ev('result', `access token issued${r.value.expiresIn ? ` (valid ${Math.round(r.value.expiresIn / 60)} min), and discarded` : ', and discarded'}`, 'ok'));
      return { status: 'pass', summary: 'Entra ID accepted the pod\'s token and issued an access token: the chain from the pod to Azure works end to end.', evidence, remediation: [] };
    }
    const x = r.value;
    if (!x.aadsts && (x.status === 429 || (x.status !== undefined && x.status >= 500))) {
      evidence.push(ev('result', `HTTP ${x.status} ${x.description}`.trim(), 'warn'));
      return { status: 'warn', summary: `Entra ID did not answer the exchange (HTTP ${x.status}); nothing is known either way. Try again later.`, evidence, remediation: [] };
    }
    const sig = x.aadsts ? LOG_SIGNATURES.find((s) => s.id === x.aadsts) : undefined;
    evidence.push(ev('result', `${x.status ? `HTTP ${x.status} ` : ''}${x.error ?? ''} ${x.description}`.trim(), 'fail'));
    if (sig) evidence.push(ev(sig.id, `${sig.meaning} → see "${sig.explainedBy}"`, 'fail'));
    return {
      status: 'fail',
      summary: `Entra ID refused the exchange${x.aadsts ? ` with ${x.aadsts}` : ''}: ${sig ? sig.meaning : x.description}.`,
      evidence,
      remediation: sig ? [{ text: `Look at "${sig.explainedBy}" in this report: it checks what ${x.aadsts} is about.` }] : [],
    };
  },
};
