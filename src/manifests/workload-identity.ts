// The Workload Identity vocabulary, in one place. Each constant cites the line of
// ../shared/workload-identity-facts.md it comes from (section in brackets).

import { getNode, scalarText } from './nodes';
import type { PodTemplate } from './objects';

export const PREFIX = 'azure.workload.identity/';
/** [The trigger label] the pod label the webhook's objectSelector matches. */
export const USE_LABEL = 'azure.workload.identity/use';

/** The webhook's MutatingWebhookConfiguration (same name for the AKS add-on and the Helm chart). */
export const WEBHOOK_CONFIGURATION = 'azure-wi-webhook-mutating-webhook-configuration';
/** [ServiceAccount annotations] */
export const CLIENT_ID = 'azure.workload.identity/client-id';
export const TENANT_ID = 'azure.workload.identity/tenant-id';
export const TOKEN_EXPIRATION = 'azure.workload.identity/service-account-token-expiration';
/** [Pod annotations] */
export const SKIP_CONTAINERS = 'azure.workload.identity/skip-containers';
export const INJECT_PROXY_SIDECAR = 'azure.workload.identity/inject-proxy-sidecar';
export const PROXY_SIDECAR_PORT = 'azure.workload.identity/proxy-sidecar-port';
/** [Identity bindings] the pod annotation that asks for the AKS token proxy (src/manifests/identity-binding.ts). */
export const USE_IDENTITY_BINDING = 'azure.workload.identity/use-identity-binding';

/** Every key the webhook reads, for the unknown-annotation rule. */
export const KNOWN_KEYS = [USE_LABEL, CLIENT_ID, TENANT_ID, TOKEN_EXPIRATION, SKIP_CONTAINERS, INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT] as const;

/** [The Azure SDK] variables that make DefaultAzureCredential pick EnvironmentCredential. */
export const CREDENTIAL_ENV = ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME', 'AZURE_PASSWORD'] as const;

/** [What the webhook injects] token directories used by webhook versions before v1.6. */
export const LEGACY_TOKEN_DIRS = ['/var/run/secrets/azure/tokens', '/var/run/secrets/tokens'] as const;

/** [Old approaches to flag] aad-pod-identity's pod label. */
export const AAD_POD_IDENTITY_LABEL = 'aadpodidbinding';

/** Object annotation that suppresses rules on that object (this project's own). */
export const IGNORE_ANNOTATION = 'wi-doctor.io/ignore';

/** The pod template labels the workload-identity label with any value: the author means to use WI. */
export function templateHasUseLabel(t: PodTemplate | undefined): boolean {
  return !!t?.labels && getNode(t.labels, USE_LABEL) !== undefined;
}

/** The trigger label says `false` (quoted or not): a deliberate opt-out, not a mistake. */
export function useLabelOptsOut(value: unknown): boolean {
  return scalarText(value)?.toLowerCase() === 'false';
}
