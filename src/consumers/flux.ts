// Flux's sources with `provider: azure`: at controller level the controller's own ServiceAccount
// (source-controller, image-reflector-controller) exchanges its token and its pod needs the
// label; at object level (Flux 2.6+, feature gate ObjectLevelWorkloadIdentity) the object's
// `serviceAccountName` in its namespace is used, and Flux requests that token itself
// (docs/workload-identity-facts.md).

import type { ControllerId } from './controllers';
import { given, str, type Json } from './json';
import type { ConsumerUse } from './types';

const CONTROLLER_OF: Readonly<Record<string, ControllerId>> = {
  GitRepository: 'flux-source-controller',
  OCIRepository: 'flux-source-controller',
  HelmRepository: 'flux-source-controller',
  HelmChart: 'flux-source-controller',
  Bucket: 'flux-source-controller',
  ImageRepository: 'flux-image-reflector-controller',
};
export const FLUX_KINDS = Object.keys(CONTROLLER_OF);

/** The Flux controller that serves a source kind (and exchanges its token at controller level). */
export function fluxControllerOf(kind: string): ControllerId | undefined {
  return CONTROLLER_OF[kind];
}

export function describeFluxSource(obj: Json): ConsumerUse[] {
  const kind = str(obj, 'kind') ?? '';
  const controller = CONTROLLER_OF[kind];
  if (!controller || !String(str(obj, 'apiVersion') ?? '').includes('fluxcd.io') || str(obj, 'spec', 'provider') !== 'azure') return [];
  const namespace = str(obj, 'metadata', 'namespace') ?? 'flux-system';
  const base = { type: 'flux' as const, kind, name: str(obj, 'metadata', 'name'), namespace, workloadIdentity: true, certain: false, mode: 'Workload Identity', resources: [] };
  const sa = str(obj, 'spec', 'serviceAccountName');
  if (given(sa)) return [{ ...base, token: { via: 'service-account', name: sa, namespace, field: 'spec.serviceAccountName' }, labelNeeded: false }];
  return [{ ...base, token: { via: 'controller', controller }, labelNeeded: true }];
}
