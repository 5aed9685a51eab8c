// Applies a checkpoint's FixPlan to the cluster, and waits for the rollout it causes. The editor
// asks the user first (the plan's changes and its kubectl equivalent in a modal); this module
// only makes sure that what is applied is what was shown: a server-side dry run first (RBAC,
// validation and admission webhooks all answer without anything being stored), then the same
// patch for real. Each failure says which step failed, in the failure's own sentence.
//
// Writes that cannot clobber: every patch carries the `metadata.resourceVersion` the plan was
// computed from (FixPlan.target.resourceVersion), the API server's optimistic-concurrency
// precondition. The server applies the patch to the object as stored and refuses to store a
// result whose resourceVersion differs from the stored one (409 Conflict; a dry run is checked the
// same way), so a change made by anyone between the read and the write — the user's, a
// controller's, a GitOps tool's — stops the fix with nothing written, and the sentence names both
// versions. A plan without a resourceVersion is refused before anything is sent. (Chosen over
// server-side apply: apply detects conflicts only on fields another manager owns, and cannot
// remove a field it does not own, which the misspelt-annotation fix needs.)

import type { ClusterApi, KubeFailure, KubeObject, PatchType, WriteOptions } from '../cluster/types';
import type { CheckpointId, CheckpointResult, FixPlan } from './types';
import { shq } from '../util/shell';

export type FixStep = 'input' | 'precondition' | 'dry-run' | 'apply';

export type ApplyFixResult =
  | {
      ok: true;
      object: KubeObject;
      /** The patch as sent, the resourceVersion precondition included. */
      patch: unknown;
      command: string;
      /** The object's resourceVersion after our write (a later write of ours that follows this one must start from it). */
      resourceVersion: string;
    }
  | {
      ok: false;
      step: FixStep;
      message: string;
      failure?: KubeFailure;
      /** Set when the object changed (or went away) since it was read: nothing was written. */
      changed?: { from: string; to?: string; deleted?: boolean };
    };

export interface ApplyFixOptions {
  /** The value a plan with `input` needs (the client ID); checked against `input.pattern`. */
  value?: string;
  signal?: AbortSignal;
  /** Who the server records as the writer (managedFields). */
  fieldManager?: string;
  /**
   * What read the object the plan was computed from, for the sentence on a conflict: a diagnosis
   * (default; "run the diagnosis again") or the sidebar's live view.
   */
  readBy?: 'diagnosis' | 'view';
}

/**
 * The patch with the precondition in it: `metadata.resourceVersion` merged into a merge or
 * strategic merge patch, or a `replace` of `/metadata/resourceVersion` first in a JSON patch. In
 * every case the object the server would store carries `resourceVersion`, so the server refuses
 * it with 409 Conflict unless the object is still at that version.
 */
export function withResourceVersion(patchType: PatchType, patch: unknown, resourceVersion: string): unknown {
  if (patchType === 'json') {
    const ops: unknown[] = Array.isArray(patch) ? patch : [];
    return [{ op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion }, ...ops];
  }
  const body = (patch && typeof patch === 'object' && !Array.isArray(patch) ? structuredClone(patch) : {}) as Record<string, unknown>;
  const meta = body.metadata && typeof body.metadata === 'object' && !Array.isArray(body.metadata) ? (body.metadata as Record<string, unknown>) : {};
  body.metadata = { ...meta, resourceVersion };
  return body;
}

/**
 * Which checkpoints to run again after `plan` was applied: the plan's own, and every checkpoint
 * whose remediation offers a plan for the same object — that plan was computed from the version
 * our write replaced, so it is computed again from a fresh read rather than kept with a stale
 * resourceVersion (it would be refused, our own write being the change).
 */
export function recheckAfter(results: readonly CheckpointResult[], plan: FixPlan): CheckpointId[] {
  const same = (t: FixPlan['target']) => t.type.group === plan.target.type.group && t.type.plural === plan.target.type.plural && t.namespace === plan.target.namespace && t.name === plan.target.name;
  const ids = new Set<CheckpointId>(plan.rerun);
  for (const r of results) if (r.remediation.some((x) => x.fix && same(x.fix.target))) ids.add(r.id);
  return [...ids];
}

/** The plan with the user's value filled in: the exact patch, command and change lines to show and apply. */
export interface ResolvedFix {
  patch: unknown;
  command: string;
  changes: string[];
}

/**
 * Puts `value` at `input.patchPath` inside a copy of the patch, and into the command and change
 * lines where they show a `<...client ID...>` placeholder. A plan without `input` is returned as is.
 */
export function resolveFix(plan: FixPlan, value?: string): { ok: true; value: ResolvedFix } | { ok: false; message: string } {
  if (!plan.input) return { ok: true, value: { patch: plan.patch, command: plan.command, changes: plan.changes } };
  const v = (value ?? '').trim();
  if (!v) return { ok: false, message: `${plan.input.prompt}: a value is needed.` };
  if (!new RegExp(plan.input.pattern).test(v)) return { ok: false, message: `${plan.input.prompt}: "${v}" does not have the expected form (${plan.input.placeholder}).` };
  const patch = structuredClone(plan.patch) as Record<string, unknown>;
  if (!setAtPath(patch, plan.input.patchPath, v)) return { ok: false, message: `The fix "${plan.title}" has no place for the value at ${plan.input.patchPath.join('.')}.` };
  const placeholder = /<[^<>]*client[ -]?id[^<>]*>/gi;
  let replaced = false;
  const changes = plan.changes.map((c) => c.replace(placeholder, () => ((replaced = true), `"${v}"`)));
  if (!replaced) changes.unshift(`${plan.input.patchPath.join('.')} = "${v}"`);
  return { ok: true, value: { patch, command: plan.command.replace(placeholder, () => shq(v)), changes } };
}

function setAtPath(root: Record<string, unknown>, path: readonly string[], value: string): boolean {
  if (!path.length) return false;
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) return false;
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return true;
}

export async function applyFix(cluster: ClusterApi, plan: FixPlan, opts: ApplyFixOptions = {}): Promise<ApplyFixResult> {
  const resolved = resolveFix(plan, opts.value);
  if (!resolved.ok) return { ok: false, step: 'input', message: resolved.message };
  const { command } = resolved.value;
  const { type, namespace, name, resourceVersion } = plan.target;
  const write: WriteOptions = { fieldManager: opts.fieldManager ?? 'wi-doctor' };
  const what = `${type.kind} ${namespace}/${name}`;
  const { again } = readByWords(opts.readBy);
  if (!resourceVersion) {
    return { ok: false, step: 'precondition', message: `${what} was read without a resourceVersion, so the change could not be guarded against a concurrent one; nothing was written; ${again}.` };
  }
  const patch = withResourceVersion(plan.patchType, resolved.value.patch, resourceVersion);

  const dry = await cluster.patch(type, namespace, name, plan.patchType, patch, { ...write, dryRun: true }, opts.signal);
  if (!dry.ok) {
    const changed = await changedSince(cluster, plan, dry.failure, opts.readBy, opts.signal);
    if (changed) return { ok: false, step: 'dry-run', failure: dry.failure, ...changed };
    return { ok: false, step: 'dry-run', failure: dry.failure, message: `The API server refused the change to ${what} in a dry run, so nothing was written: ${dry.failure.message}` };
  }
  if (opts.signal?.aborted) return { ok: false, step: 'apply', message: `Cancelled after the dry run; nothing was written to ${what}.` };
  const real = await cluster.patch(type, namespace, name, plan.patchType, patch, write, opts.signal);
  if (!real.ok) {
    const changed = await changedSince(cluster, plan, real.failure, opts.readBy, opts.signal);
    if (changed) return { ok: false, step: 'apply', failure: real.failure, ...changed };
    return { ok: false, step: 'apply', failure: real.failure, message: `The dry run passed, but applying the change to ${what} failed: ${real.failure.message}` };
  }
  return { ok: true, object: real.value, patch, command, resourceVersion: real.value.metadata?.resourceVersion ?? '' };
}

function readByWords(by: ApplyFixOptions['readBy']): { readBy: string; again: string } {
  return by === 'view'
    ? { readBy: 'the Workload Identity view showed it', again: 'try again once the view shows it as it is now' }
    : { readBy: 'the diagnosis read it', again: 'run the diagnosis again' };
}

/**
 * For a patch refused with 409 Conflict (the precondition) or 404 (the object is gone): the
 * sentence naming the version read and the version there now. Undefined for any other failure.
 */
async function changedSince(cluster: ClusterApi, plan: FixPlan, failure: KubeFailure, by: ApplyFixOptions['readBy'], signal?: AbortSignal): Promise<{ message: string; changed: { from: string; to?: string; deleted?: boolean } } | undefined> {
  if (failure.kind !== 'conflict' && failure.kind !== 'not-found') return undefined;
  const { type, namespace, name, resourceVersion: from } = plan.target;
  const what = `${type.kind} ${namespace}/${name}`;
  const { readBy, again } = readByWords(by);
  const now = await cluster.get(type, namespace, name, signal);
  if (!now.ok && now.failure.kind === 'not-found') {
    return { message: `${what} was deleted since ${readBy} (resourceVersion ${from}); nothing was written; ${again}.`, changed: { from, deleted: true } };
  }
  if (failure.kind === 'not-found') return undefined;
  const to = now.ok ? now.value.metadata?.resourceVersion : undefined;
  if (to === from) return undefined; // refused for another reason than the precondition: the server's own sentence says it
  const arrow = to ? `${from} → ${to}` : `${from} → a newer one, which could not be read: ${now.ok ? 'none given' : now.failure.message}`;
  return { message: `${what} changed since ${readBy} (resourceVersion ${arrow}); nothing was written; ${again}.`, changed: { from, ...(to ? { to } : {}) } };
}

/** Where a rollout stands, as `kubectl rollout status` reads it. */
export interface RolloutStatus {
  generation: number;
  observedGeneration: number;
  desired: number;
  updated: number;
  ready: number;
  /** Pods of any revision the controller still counts (old ones being replaced included). */
  total?: number;
}

export type RolloutResult =
  | { ok: true; waited: boolean; status?: RolloutStatus }
  | { ok: false; reason: 'timeout' | 'cancelled' | 'failure'; message: string; status?: RolloutStatus; failure?: KubeFailure };

export interface RolloutOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between polls. Default 1 s. */
  pollMs?: number;
  /** Each status read, for progress ("2 of 3 updated"). */
  onStatus?(status: RolloutStatus): void;
}

const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Read failures worth another poll: the API server may be briefly busy during a rollout. */
const TRANSIENT = new Set<KubeFailure['kind']>(['timeout', 'unreachable', 'throttled', 'server']);

export function rolloutStatus(kind: string, obj: KubeObject): RolloutStatus {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const st = (obj.status ?? {}) as Record<string, number | undefined>;
  const base = { generation: obj.metadata.generation ?? 0, observedGeneration: st.observedGeneration ?? 0 };
  if (kind === 'DaemonSet') {
    return { ...base, desired: st.desiredNumberScheduled ?? 0, updated: st.updatedNumberScheduled ?? 0, ready: st.numberReady ?? 0, total: st.currentNumberScheduled };
  }
  return { ...base, desired: spec.replicas ?? 1, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, total: st.replicas };
}

/** Done when the controller saw the new spec and every desired pod is of it and ready (old ones gone). */
export function rolloutDone(s: RolloutStatus): boolean {
  return s.observedGeneration >= s.generation && s.updated >= s.desired && s.ready >= s.desired && (s.total === undefined || s.total <= s.desired);
}

export function describeRollout(s: RolloutStatus): string {
  if (s.observedGeneration < s.generation) return 'waiting for the controller to see the change';
  return `${s.updated} of ${s.desired} updated, ${s.ready} ready${s.total !== undefined && s.total > s.desired ? `, ${s.total - s.desired} old pod(s) still running` : ''}`;
}

/**
 * Polls a Deployment, StatefulSet or DaemonSet until its rollout is complete or the deadline
 * passes. Other kinds have no rollout: resolves at once with `waited: false`.
 */
export async function waitForRollout(cluster: ClusterApi, target: FixPlan['target'], opts: RolloutOptions): Promise<RolloutResult> {
  if (!ROLLOUT_KINDS.has(target.type.kind)) return { ok: true, waited: false };
  const what = `${target.type.kind} ${target.namespace}/${target.name}`;
  const deadline = Date.now() + opts.timeoutMs;
  const pollMs = opts.pollMs ?? 1000;
  let last: RolloutStatus | undefined;
  for (;;) {
    if (opts.signal?.aborted) return { ok: false, reason: 'cancelled', message: `Stopped waiting for the rollout of ${what}.`, status: last };
    const r = await cluster.get(target.type, target.namespace, target.name, opts.signal);
    if (r.ok) {
      last = rolloutStatus(target.type.kind, r.value);
      opts.onStatus?.(last);
      if (rolloutDone(last)) return { ok: true, waited: true, status: last };
    } else if (r.failure.kind === 'cancelled') {
      return { ok: false, reason: 'cancelled', message: `Stopped waiting for the rollout of ${what}.`, status: last };
    } else if (!TRANSIENT.has(r.failure.kind)) {
      return { ok: false, reason: 'failure', message: `Could not follow the rollout of ${what}: ${r.failure.message}`, failure: r.failure, status: last };
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const where = last ? ` (${describeRollout(last)})` : '';
      return { ok: false, reason: 'timeout', message: `The rollout of ${what} did not finish within ${Math.round(opts.timeoutMs / 1000)} s${where}.`, status: last };
    }
    if (!(await pause(Math.min(pollMs, left), opts.signal))) {
      return { ok: false, reason: 'cancelled', message: `Stopped waiting for the rollout of ${what}.`, status: last };
    }
  }
}

/** Waits `ms`; false when cancelled first. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
