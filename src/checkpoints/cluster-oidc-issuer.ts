// cluster-oidc-issuer: the API server's service-account issuer, from its own discovery document,
// and that it serves the JWKS. Entra fetches both from the issuer URL to verify the pod's token,
// and every federated credential must name this issuer character for character.

import { notChecked } from './outcomes';
import { ev, kubectl, shq } from './shared';
import type { KubeObject } from '../cluster/types';
import type { DiagnoseContext } from './context';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';

interface OpenIdConfiguration {
  issuer?: string;
  jwks_uri?: string;
}

export const clusterOidcIssuer: Checkpoint = {
  id: 'cluster-oidc-issuer',
  title: CHECKPOINT_TITLES['cluster-oidc-issuer'],
  description: "The API server's service-account issuer, from its `/.well-known/openid-configuration`, is a public URL Entra can reach, and its signing keys are served at `/openid/v1/jwks`.",
  side: 'cluster',
  needs: ['cluster-connection'],
  fact: 'Issuer must equal the token\'s `iss` character for character, case-sensitive, INCLUDING the\n  trailing `/` (AKS: `https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/`).',
  async run(ctx) {
    const r = await ctx.cluster.getPath<OpenIdConfiguration>('/.well-known/openid-configuration', ctx.signal);
    if (!r.ok) {
      if (r.failure.kind === 'forbidden') {
        // The default RBAC binds issuer discovery to service accounts only; the token answers the same question.
        return {
          status: 'warn',
          summary: 'You may not read the API server\'s discovery document (403); the issuer is taken from a token in "Projected service account token" instead.',
          evidence: [ev('GET /.well-known/openid-configuration', 'HTTP 403', 'warn')],
          remediation: [{ text: 'The ClusterRole system:service-account-issuer-discovery grants it; or compare with the issuer in Azure.', command: 'az aks show --resource-group <resource-group> --name <cluster> --query oidcIssuerProfile.issuerUrl -o tsv' }],
        };
      }
      if (r.failure.kind === 'not-found') {
        return {
          status: 'fail',
          summary: 'The API server does not serve /.well-known/openid-configuration: service-account issuer discovery is off, so Entra cannot verify the pod\'s token. On AKS, enable the OIDC issuer.',
          evidence: [ev('GET /.well-known/openid-configuration', 'HTTP 404', 'fail')],
          remediation: [{ text: 'Enable the OIDC issuer and Workload Identity on the cluster, then restart the workloads that use it.', command: 'az aks update --resource-group <resource-group> --name <cluster> --enable-oidc-issuer --enable-workload-identity' }],
        };
      }
      ctx.must(r, 'OIDC discovery document', 'openid');
    }
    const issuer = r.ok ? r.value.issuer : undefined;
    if (!issuer) {
      return { status: 'fail', summary: 'The discovery document has no "issuer" field.', evidence: [ev('discovery', 'no issuer', 'fail')], remediation: [] };
    }
    ctx.state.issuer = issuer;
    const evidence: Evidence[] = [ev('issuer', issuer), ev('trailing "/"', issuer.endsWith('/') ? 'yes (federated credentials must include it)' : 'no (federated credentials must not add one)', 'info')];
    const internal = /\.svc(\.cluster\.local)?\/?$|^https?:\/\/kubernetes\.default/i.test(issuer) || !/^https:\/\//.test(issuer);
    if (internal) {
      return {
        status: 'fail',
        summary: `The cluster's issuer ${issuer} is the in-cluster default, which Entra cannot reach: the OIDC issuer is not enabled.`,
        evidence,
        remediation: [{ text: 'Enable the OIDC issuer (AKS publishes the discovery document at a public URL), then restart the workloads.', command: 'az aks update --resource-group <resource-group> --name <cluster> --enable-oidc-issuer' }],
      };
    }
    const jwks = await ctx.cluster.getPath<{ keys?: unknown[] }>('/openid/v1/jwks', ctx.signal);
    if (!jwks.ok) {
      if (jwks.failure.kind === 'cancelled') ctx.must(jwks, 'JWKS');
      evidence.push(ev('GET /openid/v1/jwks', jwks.failure.status ? `HTTP ${jwks.failure.status}` : jwks.failure.kind, 'fail'));
      const remediation = [{ text: 'Check the raw endpoint.', command: kubectl(ctx, 'get --raw /openid/v1/jwks', null) }];
      // Only an answer (404) says the keys are not served; a timeout or an error says nothing about it.
      if (jwks.failure.kind !== 'not-found') return notChecked(`Could not get the signing keys at /openid/v1/jwks: ${jwks.failure.message}`, evidence, remediation);
      return { status: 'fail', summary: `The API server advertises the issuer ${issuer} but does not serve its signing keys at /openid/v1/jwks: ${jwks.failure.message}`, evidence, remediation };
    }
    const keys = jwks.value.keys?.length ?? 0;
    evidence.push(ev('signing keys (JWKS)', `${keys}`, keys ? 'ok' : 'fail'));
    if (!keys) return { status: 'fail', summary: 'The JWKS at /openid/v1/jwks has no keys: Entra cannot verify any token of this cluster.', evidence, remediation: [] };
    const aks = await azurePart(ctx, issuer, evidence);
    if (aks.problem) return { status: 'fail', summary: aks.problem, evidence, remediation: aks.remediation };
    return { status: 'pass', summary: `The cluster's issuer is ${issuer}, and its signing keys are served${aks.cluster ? `; AKS cluster ${aks.cluster} has the OIDC issuer and Workload Identity enabled` : ''}.`, evidence, remediation: [] };
  },
};

/**
 * The Azure part, when Azure is available without asking: the AKS resource whose
 * oidcIssuerProfile.issuerUrl is this issuer has the OIDC issuer and Workload Identity enabled,
 * and its issuerUrl equals the API server's character for character.
 */
async function azurePart(ctx: DiagnoseContext, issuer: string, evidence: Evidence[]): Promise<{ cluster?: string; problem?: string; remediation: Remediation[] }> {
  const azure = await ctx.azureIfAvailable();
  if (!azure) {
    evidence.push(ev('AKS resource', 'not checked (Azure not available)', 'info'));
    return { remediation: [] };
  }
  const r = await azure.findClusterByIssuer(issuer, ctx.signal);
  if (!r.ok) {
    evidence.push(ev('AKS resource', r.failure.message, 'warn'));
    return { remediation: [] };
  }
  const c = r.value;
  if (!c) {
    evidence.push(ev('AKS resource', 'no AKS cluster with this issuer among the subscriptions you can read (not AKS, or another subscription)', 'info'));
    return { remediation: [] };
  }
  const where = `--resource-group ${shq(c.resourceGroup)} --name ${shq(c.name)} --subscription ${shq(c.subscriptionId)}`;
  evidence.push(ev('AKS resource', `${c.name} (resource group ${c.resourceGroup}, subscription ${c.subscriptionId})`, 'ok'));
  evidence.push(ev('oidcIssuerProfile.enabled', String(c.oidcIssuerEnabled), c.oidcIssuerEnabled ? 'ok' : 'fail'));
  evidence.push(ev('securityProfile.workloadIdentity.enabled', String(c.workloadIdentityEnabled), c.workloadIdentityEnabled ? 'ok' : 'fail'));
  if (c.issuerUrl !== undefined) evidence.push(ev('oidcIssuerProfile.issuerUrl', c.issuerUrl, c.issuerUrl === issuer ? 'ok' : 'fail'));
  if (c.oidcIssuerEnabled && !c.workloadIdentityEnabled) {
    // The AKS flag installs the add-on webhook; a self-installed (Helm) webhook works without it.
    const cfg = await ctx.webhookConfiguration<{ webhooks?: { clientConfig?: { service?: { namespace?: string } } }[] } & KubeObject>();
    const ns = cfg.ok ? cfg.value.webhooks?.[0]?.clientConfig?.service?.namespace : undefined;
    if (ns && ns !== 'kube-system') {
      evidence.push(ev('webhook', `self-installed in "${ns}", so the AKS Workload Identity flag is not needed`, 'info'));
      return { cluster: c.name, remediation: [] };
    }
  }
  if (!c.oidcIssuerEnabled || !c.workloadIdentityEnabled) {
    const flags = [!c.oidcIssuerEnabled ? '--enable-oidc-issuer' : '', !c.workloadIdentityEnabled ? '--enable-workload-identity' : ''].filter(Boolean).join(' ');
    return {
      cluster: c.name,
      problem: `AKS cluster ${c.name} has ${!c.oidcIssuerEnabled ? 'the OIDC issuer' : ''}${!c.oidcIssuerEnabled && !c.workloadIdentityEnabled ? ' and ' : ''}${!c.workloadIdentityEnabled ? 'Workload Identity' : ''} disabled.`,
      remediation: [{ text: 'Enable it, then restart the workloads that use Workload Identity.', command: `az aks update ${where} ${flags}` }],
    };
  }
  if (c.issuerUrl !== undefined && c.issuerUrl !== issuer) {
    return { cluster: c.name, problem: `AKS reports the issuer ${JSON.stringify(c.issuerUrl)}, but the API server's is ${JSON.stringify(issuer)}: federated credentials must use the API server's, character for character.`, remediation: [{ text: 'Compare both.', command: `az aks show ${where} --query oidcIssuerProfile.issuerUrl -o tsv` }] };
  }
  return { cluster: c.name, remediation: [] };
}
