// The consumer objects the identity graph knows, by kind: what each says about the identity it uses.

import { describeIssuer, CERT_MANAGER_KINDS } from './cert-manager';
import { describeComponent, DAPR_KINDS } from './dapr';
import { describeAzureJson, EXTERNAL_DNS_KINDS } from './external-dns';
import { describeSecretStore, ESO_KINDS } from './external-secrets';
import { describeFluxSource, FLUX_KINDS } from './flux';
import type { Json } from './json';
import { describeTriggerAuthentication, KEDA_KINDS } from './keda';
import { describeSecretProviderClass, SPC_KINDS } from './secrets-store-csi';
import type { ConsumerUse } from './types';

const BY_KIND = new Map<string, (obj: Json) => ConsumerUse[]>();
for (const [kinds, fn] of [
  [SPC_KINDS, describeSecretProviderClass],
  [KEDA_KINDS, describeTriggerAuthentication],
  [ESO_KINDS, describeSecretStore],
  [CERT_MANAGER_KINDS, describeIssuer],
  [EXTERNAL_DNS_KINDS, describeAzureJson],
  [FLUX_KINDS, describeFluxSource],
  [DAPR_KINDS, describeComponent],
] as const) {
  for (const k of kinds) BY_KIND.set(k, fn);
}

/** Every kind a consumer can be (ConfigMap and Secret among them: ExternalDNS's azure.json). */
export const CONSUMER_KINDS: readonly string[] = [...BY_KIND.keys()];

/** The uses of an Azure identity the object describes: none for an object that is not a consumer (or not an Azure one). */
export function describeConsumer(obj: Json): ConsumerUse[] {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return BY_KIND.get(kind)?.(obj) ?? [];
}

export { readyCondition, type Condition } from './json';
export type { ConsumerUse, ConsumerType, TokenSource, Written } from './types';
export { resolveIdentity, type IdentityWorld, type PodOwner, type ResolvedIdentity, type ServiceAccountFacts, type TokenSubject } from './resolve';
export { CONTROLLERS, controllerOfContainer, controllerOfImage, subjectOf, type ControllerId, type Controller } from './controllers';
