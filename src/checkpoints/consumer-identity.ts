// consumer-identity: for a diagnosis that starts from a consumer object (a SecretProviderClass, a
// KEDA TriggerAuthentication, an External Secrets store, a cert-manager issuer), whose
// ServiceAccount token is exchanged, which pod must carry the label, which client ID and tenant
// are used, and which workload the rest of the chain runs on (consumer-target.ts resolved it).

import { isGuid, isPlaceholderId } from '../manifests/placeholders';
import { SkipCheckpoint } from './context';
import { CHECKPOINT_TITLES } from './results';
import { ev } from './shared';
import type { Checkpoint, Evidence } from './types';

export const consumerIdentity: Checkpoint = {
  id: 'consumer-identity',
  title: CHECKPOINT_TITLES['consumer-identity'],
  description: 'For a SecretProviderClass, KEDA TriggerAuthentication, External Secrets store or cert-manager issuer: whose ServiceAccount token is exchanged (the mounting pods\', the controller\'s, or the one it names), which pod needs the label, and which client ID and tenant are used.',
  side: 'cluster',
  needs: [],
  fact: "Whose token is exchanged decides which ServiceAccount the federated credential must name and which\npod needs the label.",
  async run(ctx) {
    const c = ctx.options.consumer;
    if (!c) throw new SkipCheckpoint('Skipped: this diagnosis did not start from a consumer object.');
    const { use, identity } = c;
    const evidence: Evidence[] = [
      ev(use.kind, `${use.namespace ? `${use.namespace}/` : ''}${use.name ?? '(unnamed)'}${use.part ? ` (${use.part})` : ''}`),
      ev('authenticates with', use.mode, use.workloadIdentity ? 'ok' : 'info'),
    ];
    for (const s of identity.subjects) {
      evidence.push(ev('token of', `ServiceAccount ${s.namespace ? `${s.namespace}/` : ''}${s.serviceAccount}${s.subject ? ` (subject ${s.subject})` : ''}${s.assumed ? ' — a default installation\'s, not seen in the cluster' : ''}`, s.assumed ? 'warn' : 'ok'));
    }
    const noLabel = use.token?.via === 'service-account' ? `on no pod: its controller requests the token of ServiceAccount ${use.token.name} itself` : 'on no pod: the CSI driver requests the mounting pod\'s token itself';
    evidence.push(ev('label needed', use.labelNeeded ? `on the pods of ${c.carrier ? `${c.carrier.kind.toLowerCase()}/${c.carrier.name}` : 'the workload whose token is used'}` : noLabel, 'info'));
    const cid = identity.clientId;
    const badId = cid && !cid.field.startsWith('spec.provider.azurekv.authSecretRef') && !isGuid(cid.value) && !isPlaceholderId(cid.value);
    evidence.push(ev('client ID', cid ? `${cid.value} (${cid.field})` : 'none named by the object or the ServiceAccount', cid && !badId ? 'ok' : 'fail'));
    if (identity.tenantId) evidence.push(ev('tenant', `${identity.tenantId.value} (${identity.tenantId.field})`, isGuid(identity.tenantId.value) ? 'ok' : 'warn'));
    for (const r of use.resources) evidence.push(ev(r.what, r.name, 'info'));
    evidence.push(ev('checkpoints run on', c.carrierNote));
    if (badId) return { status: 'fail', summary: `${identity.summary} Its client ID ${JSON.stringify(cid.value)} (${cid.field}) is not a GUID: Entra rejects the exchange (AADSTS700016 or AADSTS90002).`, evidence, remediation: [{ text: `Set ${cid.field} to the managed identity's client ID (az identity show -g <rg> -n <identity> --query clientId -o tsv).` }] };
    const assumed = identity.subjects.some((s) => s.assumed);
    return { status: assumed ? 'warn' : 'pass', summary: identity.summary, evidence, remediation: [] };
  },
};
