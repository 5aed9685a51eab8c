// Applies a checkpoint's FixPlan to the cluster, and waits for the rollout it causes. The editor
// asks the user first (the plan's changes and its kubectl equivalent in a modal); this module
// only makes sure that what is applied is what was shown: a server-side dry run first (RBAC,
// validation and admission webhooks all answer without anything being stored), then the same
// patch for real. Each failure says which step failed, in the failure's own sentence.

import type { ClusterApi, KubeFailure, KubeObject, WriteOptions } from '../cluster/types';
import type { FixPlan } from './types';

export type FixStep = 'input' | 'dry-run' | 'apply';

export type ApplyFixResult =
  | { ok: true; object: KubeObject; patch: unknown; command: string }
  | { ok: false; step: FixStep; message: string; failure?: KubeFailure };

export interface ApplyFixOptions {
  /** The value a plan with `input` needs (the client ID); checked against `input.pattern`. */
  value?: string;
  signal?: AbortSignal;
  /** Who the server records as the writer (managedFields). */
  fieldManager?: string;
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
  return { ok: true, value: { patch, command: plan.command.replace(placeholder, v), changes } };
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
  const { patch, command } = resolved.value;
  const { type, namespace, name } = plan.target;
  const write: WriteOptions = { fieldManager: opts.fieldManager ?? 'wi-doctor' };
  const what = `${type.kind} ${namespace}/${name}`;

  const dry = await cluster.patch(type, namespace, name, plan.patchType, patch, { ...write, dryRun: true }, opts.signal);
  if (!dry.ok) {
    return { ok: false, step: 'dry-run', failure: dry.failure, message: `The API server refused the change to ${what} in a dry run, so nothing was written: ${dry.failure.message}` };
  }
  if (opts.signal?.aborted) return { ok: false, step: 'apply', message: `Cancelled after the dry run; nothing was written to ${what}.` };
  const real = await cluster.patch(type, namespace, name, plan.patchType, patch, write, opts.signal);
  if (!real.ok) {
    return { ok: false, step: 'apply', failure: real.failure, message: `The dry run passed, but applying the change to ${what} failed: ${real.failure.message}` };
  }
  return { ok: true, object: real.value, patch, command };
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
