// The two outcomes a checkpoint gives when it could not judge: skipped (it did not run, and why)
// and not checked (it ran, but a fault outside the workload kept it from judging). Below the
// runner and every checkpoint, so both can use them without a cycle.

import type { CheckpointOutcome, Evidence, Remediation } from './types';

export function skipped(reason: string, remediation: Remediation[] = []): CheckpointOutcome {
  return { status: 'skipped', summary: reason, evidence: [], remediation };
}

/**
 * A part of the chain that could not be checked because of a fault (see CheckpointOutcome.fault):
 * a warning, never a verdict; `reason` is one sentence saying what could not be done and why.
 */
export function notChecked(reason: string, evidence: Evidence[] = [], remediation: Remediation[] = []): CheckpointOutcome {
  return { status: 'warn', summary: `Not checked: ${reason}`, evidence, remediation, fault: reason };
}
