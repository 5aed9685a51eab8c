// The checkpoint registry: the order here is the order of the chain a pod's token goes through,
// and the order a diagnosis runs them in. The Azure half appends its checkpoints (issue 4).

import { clusterConnection } from './cluster-connection';
import { clusterOidcIssuer } from './cluster-oidc-issuer';
import { podLabel } from './pod-label';
import { podLogs } from './pod-logs';
import { projectedToken } from './projected-token';
import { sdkEnvironment } from './sdk-environment';
import { serviceAccount } from './service-account';
import type { Checkpoint } from './types';
import { webhook } from './webhook';

export const clusterCheckpoints: readonly Checkpoint[] = [
  clusterConnection,
  clusterOidcIssuer,
  webhook,
  podLabel,
  serviceAccount,
  sdkEnvironment,
  projectedToken,
  podLogs,
];

export type { Checkpoint, CheckpointId, CheckpointResult, DiagnosisReport, FixPlan, WorkloadRef } from './types';
