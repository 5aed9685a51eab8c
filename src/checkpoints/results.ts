// What a checkpoint gives back and what a diagnosis reports: plain data (ids, statuses, evidence,
// remediation with its fix plans, results, the report). Below both the context checkpoints run in
// (context.ts) and the checkpoint contract (types.ts, which re-exports all of this), so those two
// need not import each other.

import type { FederatedCredential, ManagedIdentity } from '../azure/types';
import type { PatchType, ResourceType } from '../cluster/types';
import type { WorkloadRef } from '../cluster/workloads';

export type { WorkloadRef } from '../cluster/workloads';

export type CheckpointId =
  | 'cluster-connection'
  | 'cluster-oidc-issuer'
  | 'webhook'
  | 'pod-label'
  | 'service-account'
  | 'sdk-environment'
  | 'projected-token'
  | 'pod-logs'
  // The Azure half (issue 4) plugs into the same runner with these ids.
  | 'managed-identity'
  | 'federated-credential'
  | 'role-assignments'
  | 'token-exchange'
  // A diagnosis that starts from a consumer object (issue 18) adds these two.
  | 'consumer-identity'
  | 'consumer-status'
  // Only for pods that ask for an AKS identity binding (issue 19).
  | 'identity-binding-rbac'
  | 'identity-binding';

/**
 * Each checkpoint's title, the name a person reads (the report, the verdict, "see …" references
 * between checkpoints); the id stays for the JSON, the docs pages' names and the settings.
 */
export const CHECKPOINT_TITLES: Readonly<Record<CheckpointId, string>> = {
  'cluster-connection': 'Cluster connection',
  'cluster-oidc-issuer': 'Cluster OIDC issuer',
  webhook: 'Workload Identity webhook',
  'pod-label': 'Pod label',
  'service-account': 'ServiceAccount annotation',
  'sdk-environment': 'SDK environment in the pods',
  'projected-token': 'Projected service account token',
  'pod-logs': 'Pod logs',
  'managed-identity': 'Managed identity',
  'federated-credential': 'Federated credential',
  'role-assignments': 'Role assignments',
  'token-exchange': 'Token exchange at Entra ID',
  'consumer-identity': 'Whose identity',
  'consumer-status': "The controller's own report",
  'identity-binding-rbac': 'Identity binding authorisation',
  'identity-binding': 'Identity binding',
};

export type CheckpointStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/** One thing the checkpoint saw. `level` colours it; `info` is shown but changes nothing. */
export interface Evidence {
  label: string;
  value: string;
  level?: 'ok' | 'info' | 'warn' | 'fail';
}

/** What to do about a warn/fail: a sentence, optionally a command to copy, optionally a fix. */
export interface Remediation {
  text: string;
  /** A `kubectl`/`az` command with the real names filled in. */
  command?: string;
  /** A fix the extension can apply (after confirmation, dry run first). */
  fix?: FixPlan;
  /** A fix in Azure the extension can apply (after confirmation). */
  azureFix?: AzureFixPlan;
  /** An action the UI offers instead of a fix, e.g. signing in to Azure. */
  action?: 'sign-in-azure';
}

export type FixId = 'add-pod-template-label' | 'annotate-service-account' | 'restart-rollout' | 'resume-rollout';

/** A certain fix: one patch to one object, shown to the user before it is applied. */
export interface FixPlan {
  id: FixId;
  title: string;
  /** What will change, one line each, e.g. `Deployment payments/api: spec.template.metadata.labels["azure.workload.identity/use"] = "true"`. */
  changes: string[];
  /**
   * The object, and the `metadata.resourceVersion` the plan was computed from: the precondition of
   * the write. applyFix puts it into the patch, so the API server refuses the patch (409 Conflict)
   * if the object changed since it was read, and nothing is written. '' when the read object had
   * none: such a plan is refused before anything is sent.
   */
  target: { type: ResourceType; namespace: string; name: string; resourceVersion: string };
  patchType: PatchType;
  patch: unknown;
  /** The kubectl command that does the same, for users who prefer to run it themselves. */
  command: string;
  /** Wait for the workload's rollout to finish before re-checking (restart, template change). */
  waitForRollout: boolean;
  /** The checkpoints to run again once applied (their dependents are re-run too). */
  rerun: CheckpointId[];
  /** When the fix needs a value the user supplies (the client ID), its prompt. */
  input?: { prompt: string; placeholder: string; pattern: string; patchPath: string[] };
}

/** A fix in Azure (not a cluster patch): the editor confirms it, shows the az command, then applies it through the AzureApi. */
export interface AzureFixPlan {
  /**
   * create: a new credential; update: correct the near-miss credential `before` in place (same
   * name); delete: remove the stale credential `before` (at the limit of 20, to make room).
   */
  id: 'create-federated-credential' | 'update-federated-credential' | 'delete-federated-credential';
  title: string;
  /** What will change, one line each. */
  changes: string[];
  /** The az command that does the same. */
  command: string;
  identity: ManagedIdentity;
  credential: FederatedCredential;
  /**
   * The precondition of the write: what the credential of that name was when the diagnosis read it
   * (`null`: none existed). Re-read just before writing; if it changed meanwhile, nothing is written.
   */
  before: FederatedCredential | null;
  rerun: CheckpointId[];
}

export interface CheckpointOutcome {
  status: CheckpointStatus;
  /** One sentence: what is true, or exactly what is wrong. */
  summary: string;
  evidence: Evidence[];
  remediation: Remediation[];
  /**
   * Set when this part of the chain could not be checked because of a fault outside the workload
   * (the API server went away, Entra or ARM could not answer, a permission the person diagnosing
   * lacks): the sentence says which part and why. Not a verdict about the workload: the status is
   * `warn`, the checkpoints that need this one are skipped, and the CLI exits 2.
   */
  fault?: string;
}

export interface CheckpointResult extends CheckpointOutcome {
  id: CheckpointId;
  title: string;
  durationMs: number;
}

export interface DiagnosisReport {
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  context: string;
  server: string;
  workload: WorkloadRef;
  /**
   * Set when the diagnosis started from a consumer object (src/checkpoints/consumer-target.ts):
   * the object, and whose identity it uses; `workload` is then the workload that carries it.
   */
  consumer?: { kind: string; namespace?: string; name: string; summary: string };
  checkpoints: CheckpointResult[];
  /** The first failing checkpoint: the first broken link in the chain. */
  firstFailure?: CheckpointId;
  /**
   * The namespace or the workload does not exist in this context: nothing was judged, and the
   * checkpoints after cluster-connection are skipped. One sentence naming what is missing and where.
   */
  notFound?: { what: 'namespace' | 'workload'; message: string };
  /** HTTP requests made to the API server. */
  requests: number;
  cancelled: boolean;
}
