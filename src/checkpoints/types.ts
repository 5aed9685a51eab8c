// The checkpoint contract. A checkpoint is data (id, title, what it needs, the fact it rests
// on) plus a run() that looks at the cluster through the DiagnoseContext and returns its status,
// the evidence it saw and the remediation. The runner (runner.ts) orders them, skips the
// dependents of a failure with the reason, and honours cancellation; nothing here knows about
// VS Code or the terminal. What a checkpoint returns (and the report) is in results.ts,
// re-exported here: import the whole contract from this file.

import type { DiagnoseContext } from './context';
import type { CheckpointId, CheckpointOutcome, CheckpointResult } from './results';

export type * from './results';

export interface Checkpoint {
  id: CheckpointId;
  title: string;
  /** One sentence: what it establishes (the README table and the docs index show it). */
  description: string;
  side: 'cluster' | 'azure';
  /** Earlier checkpoints whose failure (or skip) makes this one meaningless: it is then skipped with the reason. */
  needs: CheckpointId[];
  /**
   * Earlier checkpoints whose results this one reads to word its own (token-exchange reads whether
   * the pods use the token; pod-logs which explaining checkpoints pass now): when one of them is run
   * again after a fix, this one is run again too. Unlike `needs`, their failure does not skip it.
   */
  reads?: CheckpointId[];
  /** The facts-sheet line this checkpoint rests on, quoted verbatim (checked by scripts/check-rules.ts). */
  fact: string;
  run(ctx: DiagnoseContext): Promise<CheckpointOutcome>;
  /**
   * Called once every checkpoint has run, with this one's result: a later checkpoint may have
   * settled what this one could not know (the token exchange proves an identity exists that you
   * cannot read). Returns the revised outcome, or undefined to keep it.
   */
  reconcile?(own: CheckpointResult, ctx: DiagnoseContext): CheckpointOutcome | undefined;
  /**
   * Whether the checkpoint belongs to this workload's chain at all (the identity-binding ones only
   * where the pods ask for it): when false it is left out of the report, and what needs it runs.
   */
  appliesTo?(ctx: DiagnoseContext): Promise<boolean>;
}
