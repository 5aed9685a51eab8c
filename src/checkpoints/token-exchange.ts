// token-exchange: with the user's consent, the projected token is exchanged at Entra ID exactly
// as the SDK in the pod would (`{authority}/{tenant}/oauth2/v2.0/token`, client-assertion grant)
// for a token of a harmless scope. What it proves is narrow and said so: Entra accepts THIS
// ServiceAccount's token for this identity. Whether the pods get and use that token is the
// cluster checkpoints' to say, and the summary names the first of them that says they do not.
// Entra's refusals are verdicts only when their code is about configuration; Entra unable to
// answer (5xx, throttling, a transient code) is retried, then "not checked" — never a broken link.

import { LOG_SIGNATURES } from './log-signatures';
import { usesIdentityBinding } from './identity-binding-mode';
import { SkipCheckpoint, type DiagnoseContext } from './context';
import { azureFailed } from './azure-shared';
import { PROPAGATION_MS } from './credential-match';
import { notChecked } from './outcomes';
import { ev } from './shared';
import type { Checkpoint, CheckpointId, Evidence } from './types';
import { CHECKPOINT_TITLES } from './results';

/** The cluster checkpoints that tell whether the pods get and use the token (in chain order). */
const POD_SIDE: readonly CheckpointId[] = ['webhook', 'pod-label', 'sdk-environment'];

export const tokenExchange: Checkpoint = {
  id: 'token-exchange',
  title: CHECKPOINT_TITLES['token-exchange'],
  description: "With your consent, a token of the workload's ServiceAccount is exchanged at Microsoft Entra ID for a harmless token: proof that Entra accepts that ServiceAccount's token for the identity. A refusal is mapped from its AADSTS code to the checkpoint that explains it; Entra not answering is retried, then reported as not checked.",
  side: 'azure',
  // Not managed-identity: when no identity is visible to you, Entra's own answer (AADSTS700016 or a success) still tells.
  needs: ['projected-token', 'service-account'],
  reads: [...POD_SIDE],
  fact: '| AADSTS70021 | no federated credential matches the token\'s issuer/subject/audience',
  async run(ctx) {
    if (await usesIdentityBinding(ctx)) {
      throw new SkipCheckpoint(`Skipped: with an identity binding, AKS's token proxy makes the exchange inside the cluster (through the API server, with the SNI name it injects into the pods); it cannot be made from here. What can be proven from outside is above: the binding and AKS's credential ("Identity binding", "Federated credential"), the ServiceAccount's authorisation ("Identity binding authorisation") and the proxy's variables in the pods ("SDK environment in the pods"); the SDK must also opt in to the proxy (WorkloadIdentityCredential with its token-proxy option).`);
    }
    const token = ctx.state.token;
    const clientId = ctx.state.clientId;
    if (!token || !clientId) throw new SkipCheckpoint('Skipped: no token or client ID to exchange (see "Projected service account token" and "ServiceAccount annotation").');
    const tenant = ctx.state.podTenantId ?? ctx.state.tenantId ?? ctx.state.identity?.tenantId;
    if (!tenant) throw new SkipCheckpoint('Skipped: the tenant the pods use is unknown (no AZURE_TENANT_ID in the pods, no tenant-id annotation).');
    const mode = ctx.options.tokenExchange ?? 'ask';
    if (mode === 'never') throw new SkipCheckpoint('Skipped: token exchanges are turned off (setting wiDoctor.diagnose.tokenExchange / --token-exchange never).');
    const azure = await ctx.azureForExchange();
    const sa = `${ctx.target.namespace}/${(await ctx.workload()).serviceAccountName}`;
    const what = `Exchange a token of ServiceAccount ${sa} at Microsoft Entra ID (tenant ${tenant}, client ${clientId}) for a token of ${azure.endpoints.arm}/.default? The token is discarded.`;
    if (mode === 'ask' && !(await ctx.options.confirmTokenExchange?.(what))) {
      throw new SkipCheckpoint('Skipped: the token exchange was not allowed (it asks each time; setting wiDoctor.diagnose.tokenExchange, or --token-exchange always on the command line).');
    }
    const r = await azure.exchangeToken({ tenantId: tenant, clientId, assertion: token, scope: `${azure.endpoints.arm}/.default` }, ctx.signal);
    if (!r.ok) return azureFailed(r.failure, 'exchange the token at Entra ID');
    const evidence: Evidence[] = [ev('endpoint', `${azure.endpoints.authorityHost.replace(/\/+$/, '')}/${tenant}/oauth2/v2.0/token`), ev('client ID', clientId), ev('ServiceAccount', sa)];
    const x = r.value;
    ctx.state.exchange = { tenant, accepted: x.ok, ...(x.ok ? {} : { ...(x.aadsts ? { aadsts: x.aadsts } : {}), ...(x.transient ? { transient: true } : {}) }) };
    const tries = x.attempts && x.attempts > 1 ? ` after ${x.attempts} attempts` : '';
    if (x.ok) {
      evidence.push(ev('result', `access token issued${x.expiresIn ? ` (valid ${Math.round(x.expiresIn / 60)} min), and discarded` : ', and discarded'}${tries}`, 'ok'));
      return { status: 'pass', summary: acceptedSummary(ctx, sa, clientId), evidence, remediation: [] };
    }
    const answer = [x.status ? `HTTP ${x.status}` : '', x.error ?? '', x.aadsts ?? ''].filter(Boolean).join(' ');
    /** `HTTP 503 temporarily_unavailable AADSTS90033: A transient error…`, or only the description when there was no answer (a reset, a timeout). */
    const said = answer ? `${answer}: ${x.description}` : x.description;
    if (x.transient) {
      evidence.push(ev('result', `${said}${tries}`, 'warn'));
      return notChecked(`Entra ID could not answer now (${said})${tries}; nothing is known either way.`, evidence, [
        { text: 'Run the diagnosis again in a few minutes. If Entra keeps failing, see the Azure status page (https://azure.status.microsoft/status) and Service Health in the Azure portal.' },
      ]);
    }
    const sig = x.aadsts ? LOG_SIGNATURES.find((s) => s.id === x.aadsts) : undefined;
    // A credential that matches exactly but is minutes old: Entra answers AADSTS70021 until it has
    // propagated it (Microsoft's "Workload identity federation considerations"). Not a verdict yet.
    const age = ctx.state.matchAgeMs;
    if (sig?.explainedBy === 'federated-credential' && age !== undefined && age < PROPAGATION_MS) {
      evidence.push(ev('result', said, 'warn'));
      return notChecked(`Entra ID does not use the matching federated credential yet (${sig.id}): it was created or changed ${Math.max(0, Math.round(age / 1000))} s ago, and Entra can take a few minutes to apply a new or changed credential.`, evidence, [
        { text: 'Run the diagnosis again in a few minutes.' },
      ]);
    }
    if (!sig) {
      // A refusal whose code is not one of the configuration mistakes this tool knows: Entra's own words, once.
      evidence.push(ev('result', answer || 'no code', 'warn'));
      return {
        status: 'warn',
        summary: `Entra ID refused the exchange${x.aadsts ? ` with ${x.aadsts}` : ''}, a code this diagnosis does not map to a checkpoint. Entra says: ${x.description}`,
        evidence,
        remediation: x.aadsts ? [{ text: `Look ${x.aadsts} up in Microsoft's error code lookup: https://login.microsoftonline.com/error?code=${x.aadsts.replace('AADSTS', '')}` }] : [],
      };
    }
    evidence.push(ev('result', said, 'fail'));
    evidence.push(ev(sig.id, `${sig.meaning} → see "${CHECKPOINT_TITLES[sig.explainedBy]}"`, 'fail'));
    return {
      status: 'fail',
      summary: `Entra ID refused the exchange with ${sig.id}: ${sig.meaning}.`,
      evidence,
      remediation: [{ text: `Look at "${sig.explainedBy}" in this report: it checks what ${sig.id} is about.` }],
    };
  },
};

/**
 * What a successful exchange proves, and no more: the chain works end to end only when the
 * checkpoints that say whether the pods get and use this token all passed.
 */
function acceptedSummary(ctx: DiagnoseContext, sa: string, clientId: string): string {
  const accepted = `Entra ID accepted a token of ServiceAccount ${sa} for client ID ${clientId} and issued an access token`;
  const pod = POD_SIDE.map((id) => ctx.results.get(id)).filter((r) => r !== undefined);
  const failed = pod.find((r) => r.status === 'fail');
  if (failed) return `${accepted}: Azure would accept the token; the pods do not use it: see "${failed.title}".`;
  const unknown = pod.find((r) => r.status !== 'pass');
  if (unknown) return `${accepted}; whether the pods use it is not established: see "${unknown.title}" (${unknown.status === 'skipped' ? 'skipped' : unknown.fault !== undefined ? 'not checked' : 'a warning'}).`;
  if (pod.length < POD_SIDE.length) return `${accepted}; whether the pods use it was not checked here.`;
  return `${accepted}: the chain from the pod to Azure works end to end.`;
}
