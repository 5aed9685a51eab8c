// The rule registry: every rule the linter ships, in the order of the README's
// table. `scripts/check-rules.ts` (run by the build and the tests) fails when a rule
// here lacks its docs page or its table test, or when the README table is stale.

import type { Rule } from './types';
// group: labels
import { useLabelNotOnPodTemplate } from './use-label-not-on-pod-template';
import { useLabelValue } from './use-label-value';
import { missingUseLabel } from './missing-use-label';
import { useLabelOnServiceAccount } from './use-label-on-service-account';
import { missingServiceAccount } from './missing-service-account';
import { missingClientId } from './missing-client-id';
import { serviceAccountNamespaceMismatch } from './service-account-namespace-mismatch';
import { excludedNamespace } from './excluded-namespace';
// end group: labels
// group: annotations
import { clientIdFormat } from './client-id-format';
import { unknownAnnotation } from './unknown-annotation';
import { annotationOnWrongObject } from './annotation-on-wrong-object';
import { tokenExpirationRange } from './token-expiration-range';
import { skipContainersFormat } from './skip-containers-format';
import { proxySidecar } from './proxy-sidecar';
import { proxySidecarPort } from './proxy-sidecar-port';
import { identityBindingPod } from './identity-binding-pod';
import { identityBindingClusterRole } from './identity-binding-cluster-role';
// end group: annotations
// group: env
import { credentialEnv } from './credential-env';
import { hardcodedClientIdEnv } from './hardcoded-client-id-env';
import { hardcodedTokenPath } from './hardcoded-token-path';
import { secretInEnv } from './secret-in-env';
import { aadPodIdentity } from './aad-pod-identity';
import { tokenCredentialsEnv } from './token-credentials-env';
// end group: env
// group: consumers (the identity graph: src/consumers)
import { secretProviderClassNotFound } from './secret-provider-class-not-found';
import { consumerControllerIdentity } from './consumer-controller-identity';
import { kedaIdentityOverride } from './keda-identity-override';
import { certManagerIssuerAmbient } from './cert-manager-issuer-ambient';
import { secretProviderClassParameters } from './secret-provider-class-parameters';
import { secretProviderClassIdentityMode } from './secret-provider-class-identity-mode';
import { kedaAzurePodIdentity } from './keda-azure-pod-identity';
import { externalSecretsAzureAuth } from './external-secrets-azure-auth';
import { certManagerAzureDns } from './cert-manager-azure-dns';
import { externalDnsAzureConfig } from './external-dns-azure-config';
import { fluxObjectLevelIdentity } from './flux-object-level-identity';
// end group: consumers

export const ALL_RULES: readonly Rule[] = [
  // group: labels
  useLabelNotOnPodTemplate,
  useLabelValue,
  missingUseLabel,
  useLabelOnServiceAccount,
  missingServiceAccount,
  missingClientId,
  serviceAccountNamespaceMismatch,
  excludedNamespace,
  // end group: labels
  // group: annotations
  clientIdFormat,
  unknownAnnotation,
  annotationOnWrongObject,
  tokenExpirationRange,
  skipContainersFormat,
  proxySidecar,
  proxySidecarPort,
  identityBindingPod,
  identityBindingClusterRole,
  // end group: annotations
  // group: env
  credentialEnv,
  hardcodedClientIdEnv,
  hardcodedTokenPath,
  secretInEnv,
  aadPodIdentity,
  tokenCredentialsEnv,
  // end group: env
  // group: consumers
  secretProviderClassParameters,
  secretProviderClassIdentityMode,
  secretProviderClassNotFound,
  kedaAzurePodIdentity,
  kedaIdentityOverride,
  externalSecretsAzureAuth,
  certManagerAzureDns,
  certManagerIssuerAmbient,
  externalDnsAzureConfig,
  fluxObjectLevelIdentity,
  consumerControllerIdentity,
  // end group: consumers
];
