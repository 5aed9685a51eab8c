// identity-binding-rbac: with an AKS identity binding, which ServiceAccounts may use the identity is
// Kubernetes RBAC — verb `use-managed-identity` on the resource `<client-id>` of the API group
// `cid.wi.aks.azure.com`, cluster-wide (Microsoft's AKS docs grant it with a ClusterRole and a
// ClusterRoleBinding). The answer is the API server's own: a SubjectAccessReview for the
// ServiceAccount (its user name and groups as a token of it would carry them), not a reading of
// the RBAC objects — so every authorizer the cluster runs, aggregated roles and groups count.

import { IDENTITY_BINDING_API_GROUP, USE_MANAGED_IDENTITY_VERB, useIdentityRbac } from '../manifests/identity-binding';
import { SkipCheckpoint } from './context';
import { usesIdentityBinding } from './identity-binding-mode';
import { ev, kubectl, shq } from './shared';
import type { Checkpoint } from './types';
import { CHECKPOINT_TITLES } from './results';

export const identityBindingRbac: Checkpoint = {
  id: 'identity-binding-rbac',
  title: CHECKPOINT_TITLES['identity-binding-rbac'],
  description: "Only for pods that ask for an identity binding: the API server answers a SubjectAccessReview that the workload's ServiceAccount may `use-managed-identity` on the identity's client ID (API group `cid.wi.aks.azure.com`), as AKS's token proxy requires.",
  side: 'cluster',
  needs: ['service-account'],
  fact: 'Which ServiceAccounts may use the identity is Kubernetes RBAC: a ClusterRole with verb\n  `use-managed-identity`, apiGroup `cid.wi.aks.azure.com`, resource `<client-id>`, bound\n  (ClusterRoleBinding) to the ServiceAccounts.',
  appliesTo: usesIdentityBinding,
  async run(ctx) {
    const clientId = ctx.state.clientId;
    if (!clientId) throw new SkipCheckpoint('Skipped: no client ID to ask about (see "ServiceAccount annotation").');
    const w = await ctx.workload();
    const ns = w.ref.namespace;
    const sa = w.serviceAccountName;
    const user = `system:serviceaccount:${ns}:${sa}`;
    const question = { verb: USE_MANAGED_IDENTITY_VERB, group: IDENTITY_BINDING_API_GROUP, resource: clientId };
    const asked = `may ${user} ${USE_MANAGED_IDENTITY_VERB} ${clientId}.${IDENTITY_BINDING_API_GROUP}?`;
    const canI = kubectl(ctx, `auth can-i ${USE_MANAGED_IDENTITY_VERB} ${shq(`${clientId}.${IDENTITY_BINDING_API_GROUP}`)} --as ${shq(user)}`);
    const r = await ctx.cluster.accessReview(user, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], question, ctx.signal);
    // A refused review (you may not create SubjectAccessReviews) is "not checked", with the kubectl way to ask.
    const a = ctx.must(r, `API server's answer (SubjectAccessReview: ${asked})`, 'access review');
    const evidence = [ev('asked', asked), ev('answer', a.allowed ? `allowed${a.reason ? `: ${a.reason}` : ''}` : `not allowed${a.reason ? `: ${a.reason}` : ''}${a.evaluationError ? ` (evaluation error: ${a.evaluationError})` : ''}`, a.allowed ? 'ok' : 'fail')];
    if (a.allowed) return { status: 'pass', summary: `Kubernetes RBAC lets ServiceAccount ${ns}/${sa} use the identity ${clientId}: AKS's token proxy will exchange its token.`, evidence, remediation: [] };
    const { role, binding } = useIdentityRbac(clientId, ns, sa);
    const manifest = [role, binding].map((o) => JSON.stringify(o)).join('\n');
    return {
      status: 'fail',
      summary: `ServiceAccount ${ns}/${sa} may not use the identity ${clientId}: no ClusterRole bound to it grants "${USE_MANAGED_IDENTITY_VERB}" on "${clientId}" in the API group ${IDENTITY_BINDING_API_GROUP}, so AKS's token proxy refuses its token.`,
      evidence,
      remediation: [
        { text: `Grant it with a ClusterRole and a ClusterRoleBinding (cluster-admin rights needed); check first with a dry run.`, command: `printf '%s\\n' ${shq(manifest)} | ${kubectl(ctx, 'apply --dry-run=server -f -')}` },
        { text: 'Then confirm as the ServiceAccount (needs impersonation rights).', command: canI },
      ],
    };
  },
};
