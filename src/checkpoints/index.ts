// The checkpoint registry: the order here is the order of the chain a pod's token goes through,
// and the order a diagnosis runs them in. The Azure half appends its checkpoints (issue 4).

import { clusterConnection } from './cluster-connection';
import { federatedCredential } from './federated-credential';
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
  sdkEnvironment,
  projectedToken,
  managedIdentity,
  federatedCredential,
  roleAssignments,
  tokenExchange,
  // Last: its findings point at the checkpoints above that explain them.
  podLogs,
];

export type { Checkpoint, CheckpointId, CheckpointResult, DiagnosisReport, FixPlan, WorkloadRef } from './types';

/** Only the cluster side (no Azure sign-in needed). */
export const clusterCheckpoints: readonly Checkpoint[] = allCheckpoints.filter((c) => c.side === 'cluster');
