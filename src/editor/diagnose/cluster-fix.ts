// A certain fix (a cluster patch), wherever it is offered — the report view and the sidebar tree:
// the value it needs, a modal confirmation listing every change and the kubectl equivalent, then
// the dry run, the patch and the rollout it causes. The client ID a fix needs is picked from the
// signed-in account's managed identities when Azure is at hand (never asking for a sign-in), else
// typed. Nothing is written unless the user chose Apply. From a report, clusterFix() hands these
// steps to the one fix flow (fix-flow.ts); the sidebar runs them itself (src/editor/tree/register-tree.ts).

import * as vscode from 'vscode';
import type { AzureApi } from '../../azure/types';
import { applyFix, describeRollout, recheckAfter, resolveFix, waitForRollout, type ApplyFixOptions } from '../../checkpoints/apply-fix';
import type { FixPlan } from '../../checkpoints/types';
import type { ClusterApi } from '../../cluster/types';
import { CLIENT_ID } from '../../manifests/workload-identity';
import { identityItems, identityPickOptions, type IdentityItem } from '../azure/identity-items';
import type { DiagnosisEntry } from './entry';
import type { ReportFix } from './fix-flow';
import type { DiagnosePrompts } from '../prompts';

/** How long a fix waits for the rollout it started before re-checking anyway. */
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;

/** The last row of the identity picker: the input box instead. */
export const TYPE_CLIENT_ID = 'Type a client ID…';

export interface ConfirmFixOptions {
  /** A value to pre-fill (a GUID found in a misspelt or malformed annotation). */
  initial?: string;
  /**
   * The AzureApi to list managed identities with, when one is at hand without asking anyone (the
   * diagnosis's sign-in, or a silent one); undefined: the client ID is typed.
   */
  azure?: () => Promise<AzureApi | undefined>;
}

/** Whether a fix's input is the ServiceAccount's client ID (annotateServiceAccountFix). */
function asksClientId(plan: FixPlan): boolean {
  return plan.input?.patchPath[plan.input.patchPath.length - 1] === CLIENT_ID;
}

/**
 * The first half of applying a certain fix: the value it needs, then a modal confirmation listing
 * every change and the kubectl equivalent. Resolves only when the user chose Apply.
 */
export async function confirmFix(prompts: DiagnosePrompts, plan: FixPlan, opts: ConfirmFixOptions = {}): Promise<{ value: string | undefined } | undefined> {
  let value: string | undefined;
  if (plan.input) {
    const picked = asksClientId(plan) && opts.azure ? await pickClientId(prompts, plan, opts) : { typed: true as const };
    if (!picked) return undefined;
    value = 'clientId' in picked ? picked.clientId : await typeValue(prompts, plan, opts.initial, picked.why);
    if (value === undefined) return undefined;
  }
  const resolved = resolveFix(plan, value);
  if (!resolved.ok) {
    void prompts.error(`Workload Identity Doctor: ${resolved.message}`);
    return undefined;
  }
  const detail = [
    ...resolved.value.changes,
    '',
    'The same with kubectl:',
    resolved.value.command,
    '',
    'A server-side dry run is made first: if the API server refuses it, nothing is written.',
    `The patch carries resourceVersion ${plan.target.resourceVersion || '(none)'}, the version of ${plan.target.type.kind} ${plan.target.namespace}/${plan.target.name} this fix was computed from: if it changed since, the API server refuses the patch and nothing is written.`,
  ].join('\n');
  const answer = await prompts.confirm(`${plan.title}?`, detail, 'Apply');
  return answer === 'Apply' ? { value } : undefined;
}

/**
 * The managed identities of the signed-in account, with a last row to type the client ID instead.
 * Resolves to the picked identity's client ID, to `typed` (with why, when listing failed), or to
 * undefined when the user dismissed the pick.
 */
async function pickClientId(prompts: DiagnosePrompts, plan: FixPlan, opts: ConfirmFixOptions): Promise<{ clientId: string } | { typed: true; why?: string } | undefined> {
  const api = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Connecting to Azure…' }, () => opts.azure!());
  if (!api) return { typed: true };
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing managed identities…' }, () => api.listIdentities());
  if (!listed.ok) return { typed: true, why: `The managed identities could not be listed (${listed.failure.message}).` };
  if (!listed.value.length) return { typed: true, why: `No user-assigned managed identity is visible to ${api.account?.user ?? 'the signed-in account'}.` };
  type Row = IdentityItem | (vscode.QuickPickItem & { identity?: undefined });
  const rows: Row[] = [...identityItems(listed.value, opts.initial), { label: TYPE_CLIENT_ID, detail: 'The client ID of an identity not listed here (a GUID)', alwaysShow: true }];
  const from = api.account?.label ? ` — from the ${api.account.label}` : '';
  const pick = await prompts.pick(rows, identityPickOptions(`${plan.title}${from}`, 'The managed identity whose client ID the ServiceAccount should carry'));
  if (!pick) return undefined;
  return pick.identity ? { clientId: pick.identity.clientId } : { typed: true };
}

/** The input box for the value, validated as the fix will use it. */
function typeValue(prompts: DiagnosePrompts, plan: FixPlan, initial: string | undefined, why: string | undefined): Thenable<string | undefined> {
  const input = plan.input!;
  return prompts.input({
    title: plan.title,
    prompt: why ? `${why} ${input.prompt}` : input.prompt,
    placeHolder: input.placeholder,
    ...(initial ? { value: initial } : {}),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = resolveFix(plan, v);
      return r.ok ? undefined : r.message;
    },
  });
}

/**
 * The second half, after the confirmation: dry run, apply (both guarded by the plan's
 * resourceVersion), and the rollout it causes. `applied`: the write went through (the time of the
 * change). `readBy`: what read the object the plan was computed from, for the sentence on a conflict.
 */
export async function runFix(
  cluster: ClusterApi,
  plan: FixPlan,
  value: string | undefined,
  progress: vscode.Progress<{ message?: string }>,
  signal: AbortSignal,
  applied?: (at: Date) => void,
  readBy: ApplyFixOptions['readBy'] = 'diagnosis',
): Promise<{ error: string } | { warning?: string }> {
  progress.report({ message: 'Dry run, then apply…' });
  const r = await applyFix(cluster, plan, { value, signal, readBy });
  if (!r.ok) return { error: r.message };
  applied?.(new Date());
  if (!plan.waitForRollout) return {};
  progress.report({ message: 'Waiting for the rollout…' });
  const rollout = await waitForRollout(cluster, plan.target, {
    timeoutMs: ROLLOUT_TIMEOUT_MS,
    signal,
    onStatus: (s) => progress.report({ message: `Rollout: ${describeRollout(s)}` }),
  });
  return rollout.ok ? {} : { warning: rollout.message };
}

/**
 * A report's cluster fix for the one fix flow: the client ID picked from the managed identities the
 * diagnosis's Azure sign-in sees (when it has one), the confirmation, then the write through the
 * cluster the diagnosis read, and a re-check of every checkpoint that offered a plan for the object.
 */
export function clusterFix(entry: DiagnosisEntry, plan: FixPlan): ReportFix {
  return {
    title: plan.title,
    rerun: recheckAfter(entry.diagnosis.report.checkpoints, plan),
    confirm: async (prompts) => {
      const confirmed = await confirmFix(prompts, plan, { azure: () => entry.diagnosis.context.azureIfAvailable() });
      if (!confirmed) return undefined;
      return async (progress, signal) => {
        const ran = await runFix(entry.diagnosis.context.cluster, plan, confirmed.value, progress, signal, (at) => (entry.lastChangeAt = at));
        if ('error' in ran) return ran;
        return ran.warning ? { warning: `${ran.warning} Checked again anyway.` } : {};
      };
    },
  };
}
