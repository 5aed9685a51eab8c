// service-account: the ServiceAccount the pods run as exists in their namespace and carries the
// client-id annotation as a GUID (the webhook copies it into AZURE_CLIENT_ID unchecked); the
// tenant-id annotation if any; the legacy use-label, which no longer does anything.

import { isGuid } from '../manifests/placeholders';
import { CLIENT_ID, TENANT_ID, USE_LABEL } from '../manifests/workload-identity';
import { annotateServiceAccountFix, ev, kubectl, shq } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { clientIdState } from './evaluate';

export const serviceAccount: Checkpoint = {
  id: 'service-account',
  title: CHECKPOINT_TITLES['service-account'],
  description: "The pods' ServiceAccount exists and its `azure.workload.identity/client-id` annotation is present (no typo in the key) and a GUID; the tenant-id annotation, if any, is a GUID.",
  side: 'cluster',
  needs: ['cluster-connection'],
  fact: "`azure.workload.identity/client-id`: the identity's client ID (a GUID). Not validated by the\n  webhook: a typo in the key (`client_id`, `clientId`) or the annotation on a `Service` instead of\n  the `ServiceAccount` silently yields no `AZURE_CLIENT_ID`.",
  async run(ctx) {
    const w = await ctx.workload();
    const name = w.serviceAccountName;
    const ns = w.ref.namespace;
    const sa = await ctx.serviceAccount();
    const evidence: Evidence[] = [ev('serviceAccountName', `${name}${w.template.spec.serviceAccountName ? '' : ' (not set: the namespace default)'}`)];
    if (!sa) {
      evidence.push(ev('ServiceAccount', `${ns}/${name} not found`, 'fail'));
      const consumer = ctx.options.consumer;
      const why = w.ref.kind === 'ServiceAccount' && consumer ? `${consumer.use.kind} ${consumer.use.name ?? ''} names it, so no token of it can be requested and the exchange cannot happen` : 'new pods are rejected, and no client ID can be injected';
      return {
        status: 'fail',
        summary: `The ServiceAccount "${name}" does not exist in namespace "${ns}": ${why}.`,
        evidence,
        remediation: [{ text: 'Create it, then annotate it with the managed identity\'s client ID.', command: `${kubectl(ctx, `create serviceaccount ${shq(name)}`)} && ${kubectl(ctx, `annotate serviceaccount ${shq(name)} ${CLIENT_ID}=<client-id>`)}` }],
      };
    }
    evidence.push(ev('ServiceAccount', `${ns}/${name} exists`, 'ok'));
    const annotations = sa.metadata.annotations ?? {};
    const ref = { namespace: ns, name, resourceVersion: sa.metadata.resourceVersion };
    const labels = sa.metadata.labels ?? {};
    const remediation: Remediation[] = [];
    const problems: string[] = [];

    const cid = clientIdState(sa);
    const clientId = annotations[CLIENT_ID];
    // A consumer that names its identity itself (a SecretProviderClass's clientID, KEDA's identityId):
    // that client ID is the one exchanged, and the annotation is not needed (consumer-identity says whose).
    const own = ctx.options.consumer?.use.clientId;
    if (own && isGuid(own.value)) {
      evidence.push(ev('client ID', `${own.value}, from ${ctx.options.consumer!.use.kind} ${ctx.options.consumer!.use.name ?? ''} (${own.field})`, 'ok'));
      if (clientId !== undefined && clientId !== own.value) evidence.push(ev(`annotation "${CLIENT_ID}"`, `${clientId} — not the client ID this ${ctx.options.consumer!.use.kind} uses`, 'info'));
      ctx.state.clientId = own.value;
    } else if (cid.state === 'typo') {
      const { key: typo, value } = cid;
      evidence.push(ev(`annotation "${typo}"`, value, 'fail'));
      problems.push(`it has the annotation "${typo}" instead of "${CLIENT_ID}"; the webhook does not know that key, so pods get no AZURE_CLIENT_ID`);
      const fix = annotateServiceAccountFix(ctx, ref, isGuid(value.trim()) ? value.trim() : undefined, typo);
      remediation.push({ text: `Rename the annotation to ${CLIENT_ID}.`, command: `${fix.command} && ${kubectl(ctx, `annotate serviceaccount ${shq(name)} ${shq(`${typo}-`)}`)}`, fix });
    } else if (cid.state === 'missing') {
      evidence.push(ev(`annotation "${CLIENT_ID}"`, 'missing', 'fail'));
      problems.push(`it has no "${CLIENT_ID}" annotation, so pods get no AZURE_CLIENT_ID and the SDK cannot tell Entra which identity to use`);
      const fix = annotateServiceAccountFix(ctx, ref);
      remediation.push({ text: 'Annotate it with the client ID of the managed identity (az identity show -g <rg> -n <identity> --query clientId -o tsv).', command: fix.command, fix });
    } else if (cid.state === 'not-guid') {
      const clientId = cid.value;
      evidence.push(ev(`annotation "${CLIENT_ID}"`, JSON.stringify(clientId), 'fail'));
      const trimmed = clientId.trim().replace(/^["'{]+|["'}]+$/g, '');
      problems.push(clientId.trim() === '' ? 'its client-id annotation is empty' : `its client-id annotation ${JSON.stringify(clientId)} is not a GUID (the webhook copies it into AZURE_CLIENT_ID as is)`);
      const fix = annotateServiceAccountFix(ctx, ref, isGuid(trimmed) ? trimmed : undefined);
      remediation.push({ text: isGuid(trimmed) ? `Set it to the bare GUID ${trimmed}.` : 'Set it to the managed identity\'s client ID (a GUID, not a resource ID or a name).', command: fix.command, fix });
    } else {
      evidence.push(ev(`annotation "${CLIENT_ID}"`, cid.clientId, 'ok'));
      ctx.state.clientId = cid.clientId;
    }

    const tenant = annotations[TENANT_ID];
    if (tenant !== undefined) {
      if (isGuid(tenant)) {
        evidence.push(ev(`annotation "${TENANT_ID}"`, tenant, 'ok'));
        ctx.state.tenantId = tenant;
      } else {
        evidence.push(ev(`annotation "${TENANT_ID}"`, JSON.stringify(tenant), 'fail'));
        problems.push(`its tenant-id annotation ${JSON.stringify(tenant)} is not a GUID, and it overrides the webhook's tenant even when empty`);
        remediation.push({ text: 'Set the tenant-id annotation to the tenant GUID, or remove it to use the webhook\'s default tenant.', command: kubectl(ctx, `annotate serviceaccount ${shq(name)} ${TENANT_ID}-`) });
      }
    } else if (ctx.options.consumer?.use.type === 'flux') {
      // Flux reads both annotations itself (controller level and object level alike): no tenant, no token.
      evidence.push(ev(`annotation "${TENANT_ID}"`, 'missing — Flux requires it', 'fail'));
      problems.push(`it has no "${TENANT_ID}" annotation, which Flux requires besides the client ID ("azure tenant ID is not set in the service account annotation ${TENANT_ID}")`);
      remediation.push({ text: 'Annotate it with the tenant of the managed identity (az account show --query tenantId -o tsv).', command: kubectl(ctx, `annotate serviceaccount ${shq(name)} ${TENANT_ID}=<tenant-id>`) });
    }
    if (labels[USE_LABEL] !== undefined || annotations[USE_LABEL] !== undefined) {
      evidence.push(ev(`${labels[USE_LABEL] !== undefined ? 'label' : 'annotation'} "${USE_LABEL}"`, 'on the ServiceAccount: no effect since webhook v1.0.0 (only the pod label counts)', 'info'));
    }
    if ((sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken === false || w.template.spec.automountServiceAccountToken === false) {
      evidence.push(ev('automountServiceAccountToken', 'false — does not affect Workload Identity (the webhook adds its own projected token volume)', 'info'));
    }
    if (problems.length) return { status: 'fail', summary: `ServiceAccount ${ns}/${name}: ${problems.join('; ')}.`, evidence, remediation };
    if (own && isGuid(own.value)) return { status: 'pass', summary: `ServiceAccount ${ns}/${name} exists; the client ID ${own.value} comes from ${ctx.options.consumer!.use.kind} ${ctx.options.consumer!.use.name ?? ''} (${own.field}).`, evidence, remediation };
    return { status: 'pass', summary: `ServiceAccount ${ns}/${name} is annotated with client ID ${clientId}${tenant && isGuid(tenant) ? ` and tenant ${tenant}` : ''}.`, evidence, remediation };
  },
};
