import { isScalar } from 'yaml';
import { replaceNode } from '../manifests/edits';
import { getMap, locate } from '../manifests/nodes';
import { isPlaceholder } from '../manifests/placeholders';
import { defineRule, restyle, shownValue } from './shared';
import type { Fix, Rule } from './types';

// KEDA's `podIdentity.provider` (kedacore/keda, apis/keda/v1alpha1/triggerauthentication_types.go):
// the CRD's enum is `azure-workload;gcp;aws;aws-eks;none` since v2.15.0, which removed the
// aad-pod-identity provider `azure` and `aws-kiam` (PR 5782), so the API server rejects any
// other value. The Azure Key Vault secret source (`spec.azureKeyVault.podIdentity`) uses the
// same type, and its handler (pkg/scaling/resolver/azure_keyvault_handler.go) accepts only
// none and azure-workload: any other provider fails with "key vault does not support pod
// identity provider - <provider>".

const API_GROUP = 'keda.sh/';
const WORKLOAD = 'azure-workload';
/** The CRD's enum, in its order. */
const PROVIDERS = ['azure-workload', 'gcp', 'aws', 'aws-eks', 'none'] as const;
/** What the Key Vault secret source accepts. */
const KEY_VAULT_PROVIDERS = ['azure-workload', 'none'];
const ENUM = `the CRD allows only ${PROVIDERS.join(', ')}`;
/** The operator's token: what `azure-workload` authenticates as. */
const OPERATOR = "the KEDA operator's own ServiceAccount token (keda-operator, usually in namespace keda), so its pod needs the azure.workload.identity/use label and that ServiceAccount a federated credential for the identity";

/** Spellings that mean Workload Identity: `azure-workload-identity`, `azureWorkload`, `workload-identity`, `azure-wi`. */
function meansWorkload(value: string): boolean {
  const v = value.toLowerCase().replace(/[^a-z]/g, '');
  return v.includes('workload') || v === 'azurewi' || v === 'wi';
}

export const kedaAzurePodIdentity: Rule = defineRule({
  meta: {
    id: 'keda-azure-pod-identity',
    title: 'KEDA pod identity provider is removed or unknown',
    description: 'A KEDA TriggerAuthentication or ClusterTriggerAuthentication sets `podIdentity.provider` (or `azureKeyVault.podIdentity.provider`) to `azure`, the aad-pod-identity provider KEDA 2.15 removed, or to a value KEDA does not know.',
    defaultSeverity: 'error',
    kinds: ['TriggerAuthentication', 'ClusterTriggerAuthentication'],
    fact: '`TriggerAuthentication` / `ClusterTriggerAuthentication` `spec.podIdentity.provider: azure-workload`, optional `identityId`, `identityTenantId`, `identityAuthorityHost`. [...] `provider: azure` (aad-pod-identity) is removed since KEDA 2.15.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.startsWith(API_GROUP) && !isPlaceholder(obj.apiVersion)) return;
    const who = `${obj.kind} ${obj.name ?? '(unnamed)'}`;
    for (const source of ['podIdentity', 'azureKeyVault'] as const) {
      const podIdentity = source === 'podIdentity' ? getMap(obj.map, 'spec', 'podIdentity') : getMap(obj.map, 'spec', 'azureKeyVault', 'podIdentity');
      const found = locate(podIdentity, 'provider');
      if (!found) continue;
      const v = found.pair.value;
      // Inherited through `<<: *defaults`: point at the alias written here (the shared-anchor guard drops a fix there).
      const at = found.via ?? (isScalar(v) && v.range && v.range[0] < v.range[1] ? v : found.pair);
      const field = source === 'podIdentity' ? 'spec.podIdentity.provider' : 'spec.azureKeyVault.podIdentity.provider';
      const value = isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
      if (value !== undefined && isPlaceholder(value)) continue;
      const replace = (title: string, safe: boolean): Fix => ({ title, safe, edits: replaceNode(ctx.doc, v, restyle(ctx.doc, v, WORKLOAD, /^[a-z-]+$/)) });
      const canEdit = isScalar(v) && !!v.range;

      const lower = value?.trim().toLowerCase();
      if (lower === 'azure' || lower === 'aws-kiam') {
        const azure = lower === 'azure';
        ctx.report({
          at,
          message: `KEDA 2.15 removed the ${azure ? 'aad-pod-identity' : 'KIAM'} provider ${shownValue(ctx.doc, v)}: with KEDA 2.15 or later the API server rejects ${who} (${field}: ${ENUM}), and older KEDA needs ${azure ? 'aad-pod-identity, deprecated since 2022' : 'KIAM'}.${azure ? ` For Workload Identity use azure-workload, which authenticates with ${OPERATOR}.` : ''}`,
          fixes: azure && canEdit ? [replace("Use azure-workload (the KEDA operator's ServiceAccount must then be federated with the identity)", false)] : [],
        });
        continue;
      }
      if (value !== undefined && (PROVIDERS as readonly string[]).includes(value)) {
        if (source === 'azureKeyVault' && !KEY_VAULT_PROVIDERS.includes(value)) {
          ctx.report({
            at,
            message: `The Azure Key Vault secret source of ${who} accepts only the pod identity providers azure-workload and none, so KEDA fails to read its secrets with "key vault does not support pod identity provider - ${value}".`,
          });
        }
        continue;
      }
      const exact = PROVIDERS.find((p) => p === lower);
      const shown = shownValue(ctx.doc, v);
      const rejected = shown === 'empty' || lower === '' ? `${field} is empty` : `${field} ${shown} is not a provider KEDA knows`;
      const fixes: Fix[] = [];
      if (canEdit && exact) fixes.push({ title: `Write ${exact}`, safe: true, edits: replaceNode(ctx.doc, v, restyle(ctx.doc, v, exact, /^[a-z-]+$/)) });
      else if (canEdit && value !== undefined && meansWorkload(value)) fixes.push(replace('Use azure-workload', false));
      ctx.report({
        at,
        message: `${rejected}, so the API server rejects ${who} (${ENUM}; the values are case-sensitive).${!exact && value !== undefined && meansWorkload(value) ? ` Workload Identity is azure-workload, which authenticates with ${OPERATOR}.` : ''}`,
        fixes,
      });
    }
  },
});
