// The identity view (issue 19): id-payments-api with credentials of every kind — this cluster's
// api-sa (live), a namespace since deleted (stale: its ServiceAccount does not exist), the staging
// cluster (live, another cluster), an AKS issuer no cluster has any more (likely stale), GitHub
// Actions (not judged).

import { AUDIENCE, base, DAY, paymentsIdentity, STAGING_ISSUER, TENANT_ID, type AzureScenario } from './world';

export const DELETED_CLUSTER_ISSUER = `https://eastus.oic.prod-aks.azure.com/${TENANT_ID}/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6/`;

export const IDENTITY_AUDIT_AZURE: AzureScenario = {
  name: 'identity-audit-azure',
  description: 'id-payments-api with five credentials: live here, stale here (namespace retired), live on aks-staging, a deleted cluster, GitHub Actions.',
  kubeScenario: 'healthy',
  target: { namespace: 'payments', kind: 'Deployment', name: 'api' },
  failingCheckpoint: null,
  exchange: null,
  build(c) {
    base(c);
    const id = paymentsIdentity(c);
    c.state.addFic(id, { name: 'retired-reports', issuer: c.issuer, subject: 'system:serviceaccount:retired:reports-sa', audiences: [AUDIENCE], createdAt: c.now - 200 * DAY });
    c.state.addFic(id, { name: 'staging-api', issuer: STAGING_ISSUER, subject: 'system:serviceaccount:payments:api-sa', audiences: [AUDIENCE] });
    c.state.addFic(id, { name: 'aks-old-eastus', issuer: DELETED_CLUSTER_ISSUER, subject: 'system:serviceaccount:payments:api-sa', audiences: [AUDIENCE], createdAt: c.now - 400 * DAY });
    c.state.addFic(id, { name: 'github-deploy', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/payments:ref:refs/heads/main', audiences: [AUDIENCE] });
  },
};
