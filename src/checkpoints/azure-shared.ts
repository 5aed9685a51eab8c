// What the Azure checkpoints share: how a failed Azure call ends a checkpoint.

import type { AzureFailure } from '../azure/types';
import { ev } from './shared';
import type { Evidence, Remediation } from './types';

/** An Azure read that failed: fail with its sentence (skipped when only cancelled). */
export function azureFailed(f: AzureFailure, what: string): { status: 'fail' | 'skipped'; summary: string; evidence: Evidence[]; remediation: Remediation[] } {
  if (f.kind === 'cancelled') return { status: 'skipped', summary: 'Cancelled while this checkpoint ran.', evidence: [], remediation: [] };
  const signIn = f.kind === 'not-signed-in' || f.kind === 'expired';
  return {
    status: signIn ? 'skipped' : 'fail',
    summary: signIn ? `Skipped: ${f.message}` : `Could not ${what}: ${f.message}`,
    evidence: [ev('Azure', `${f.status ? `HTTP ${f.status} ` : ''}${f.code ?? f.kind}`, signIn ? 'warn' : 'fail')],
    remediation: signIn ? [{ text: 'Sign in to Azure again.', command: 'az login', action: 'sign-in-azure' }] : f.kind === 'forbidden' ? [{ text: 'See your role assignments.', command: 'az role assignment list --assignee "$(az ad signed-in-user show --query id -o tsv)" --all -o table' }] : [],
  };
}
