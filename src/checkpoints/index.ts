// The checkpoint registry: the order here is the order of the chain a pod's token goes through,
// and the order a diagnosis runs them in. The Azure half appends its checkpoints (issue 4).

import type { ConsumerUse } from '../consumers/index';
import { clusterConnection } from './cluster-connection';
import { consumerIdentity } from './consumer-identity';
import { consumerStatus } from './consumer-status';
import { federatedCredential } from './federated-credential';
import { identityBinding } from './identity-binding';
import { identityBindingRbac } from './identity-binding-rbac';
import { managedIdentity } from './managed-identity';
import { roleAssignments } from './role-assignments';
import { tokenExchange } from './token-exchange';
import { clusterOidcIssuer } from './cluster-oidc-issuer';
import { podLabel } from './pod-label';
import { podLogs } from './pod-logs';
import { projectedToken } from './projected-token';
import { sdkEnvironment } from './sdk-environment';
import { serviceAccount } from './service-account';
import type { Checkpoint } from './types';
import { webhook } from './webhook';

/** Every checkpoint, cluster and Azure side, in chain order. */
export const allCheckpoints: readonly Checkpoint[] = [
  clusterConnection,
  clusterOidcIssuer,
  webhook,
  podLabel,
  serviceAccount,
  // Only where the pods ask for an AKS identity binding (appliesTo): left out of every other report.
  identityBindingRbac,
  sdkEnvironment,
  projectedToken,
  managedIdentity,
  identityBinding,
  federatedCredential,
  roleAssignments,
  tokenExchange,
  // Last: its findings point at the checkpoints above that explain them.
  podLogs,
];

export type { Checkpoint, CheckpointId, CheckpointResult, DiagnosisReport, FixPlan, WorkloadRef } from './types';

/** Only the cluster side (no Azure sign-in needed). */
export const clusterCheckpoints: readonly Checkpoint[] = allCheckpoints.filter((c) => c.side === 'cluster');

/** The checkpoints only a diagnosis that starts from a consumer object runs (docs, README table). */
export const consumerOnlyCheckpoints: readonly Checkpoint[] = [consumerIdentity, consumerStatus];

/**
 * Checkpoints about the webhook's injection: meaningless where the token is not the webhook's (the
 * CSI driver requests its own). The identity-binding ones go with them: the pod annotation that asks
 * for a binding is the webhook's.
 */
const INJECTION = new Set(['webhook', 'pod-label', 'sdk-environment', 'pod-logs', 'identity-binding-rbac', 'identity-binding']);

/**
 * The chain of a diagnosis that starts from a consumer (src/checkpoints/consumer-target.ts): whose
 * identity first, then the workload chain on the workload that carries it — without the webhook's
 * part when no pod needs the label — and the controller's own report before the Azure half.
 */
export function consumerCheckpoints(use: ConsumerUse, opts: { azure: boolean }): Checkpoint[] {
  const chain = allCheckpoints.filter((c) => (opts.azure || c.side === 'cluster') && (use.labelNeeded || !INJECTION.has(c.id)));
  // pod-logs stays last (its findings point at the checkpoints above), with or without the Azure half.
  const logs = chain.filter((c) => c.id === 'pod-logs');
  const rest = chain.filter((c) => c.id !== 'pod-logs');
  const cluster = rest.filter((c) => c.side === 'cluster');
  const azure = rest.filter((c) => c.side === 'azure');
  return [cluster[0]!, consumerIdentity, ...cluster.slice(1), consumerStatus, ...azure, ...logs];
}
