// What the Azure checkpoints share: how a failed Azure call ends a checkpoint. No sign-in is a
// skip with the way to sign in (the cluster checks still ran: exit 0 with a note); anything else
// (a 403 for the person diagnosing, ARM or Entra unreachable, throttled, 5xx) is a part of the
// chain that could not be checked — a fault, never a verdict about the workload (exit 2).

import type { AzureApi, AzureFailure } from '../azure/types';
import { notChecked, skipped } from './outcomes';
import { ev, shq } from './shared';
import type { CheckpointOutcome, Remediation } from './types';

const SIGN_IN: Remediation = { text: 'Sign in to Azure again.', command: 'az login', action: 'sign-in-azure' };

/**
 * An Azure read that failed: skipped when only cancelled or when nobody is signed in; otherwise
 * not checked, with the failure's sentence. A 403 names the action and scope Azure refused and,
 * when `azure` can tell, the role the user already holds that should grant it — so the advice
 * never asks for a role the user has.
 */
export async function azureFailed(f: AzureFailure, what: string, azure?: AzureApi, signal?: AbortSignal): Promise<CheckpointOutcome> {
  if (f.kind === 'cancelled') return skipped('Cancelled while this checkpoint ran.');
  if (f.kind === 'not-signed-in' || f.kind === 'expired') {
    return { ...skipped(`Skipped: ${f.message}`, [SIGN_IN]), evidence: [ev('Azure', `${f.status ? `HTTP ${f.status} ` : ''}${f.code ?? f.kind}`, 'warn')] };
  }
  const evidence = [ev('Azure', `${f.status ? `HTTP ${f.status} ` : ''}${f.code ?? f.kind}`, 'warn')];
  if (f.kind !== 'forbidden') return notChecked(`Could not ${what}: ${f.message}`, evidence, []);
  return notChecked(`Could not ${what}: ${f.message}`, evidence, await forbiddenRemediation(f, azure, signal));
}

/** The way out of a 403: the exact action and scope, and never a role the user already holds. */
async function forbiddenRemediation(f: AzureFailure, azure: AzureApi | undefined, signal: AbortSignal | undefined): Promise<Remediation[]> {
  if (!f.action || !f.scope) {
    return [{ text: 'See the roles you hold.', command: 'az role assignment list --assignee "$(az ad signed-in-user show --query id -o tsv)" --all -o table' }];
  }
  const held = azure ? await azure.heldRolesGranting(f.action, f.scope, signal) : undefined;
  if (held?.ok && held.value.length) {
    const h = held.value[0]!;
    return [
      {
        text: `You already hold ${h.roleName} at ${h.scope}, which grants ${f.action}: the refusal comes from a deny assignment, a condition on the assignment, or an assignment made in the last few minutes (Azure can take up to 10 minutes to apply one). Ask your Azure administrator which.`,
        command: `az role assignment list --assignee "$(az ad signed-in-user show --query id -o tsv)" --scope ${shq(f.scope)} --include-inherited -o table`,
      },
    ];
  }
  return [
    {
      text: `Ask for a role that grants ${f.action} on ${f.scope} (Reader does, for reads).`,
      command: `az role assignment list --assignee "$(az ad signed-in-user show --query id -o tsv)" --scope ${shq(f.scope)} --include-inherited -o table`,
    },
  ];
}
