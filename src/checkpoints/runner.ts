// The runner: runs checkpoints in the order given, skips one whose `needs` failed or were
// skipped (naming which and why), turns read failures and unexpected exceptions into results,
// stops promptly on cancellation, and re-runs a subset after a fix.

import type { ClusterApi, KubeFailure } from '../cluster/types';
import { CheckpointReadFailure, DiagnoseContext, SkipCheckpoint, type DiagnoseOptions } from './context';
import type { Checkpoint, CheckpointId, CheckpointOutcome, CheckpointResult, DiagnosisReport, Remediation, WorkloadRef } from './types';

export interface RunHooks {
  /** Called before each checkpoint runs (for "Checking the webhook…" progress). */
  onStart?(checkpoint: Checkpoint, index: number, total: number): void;
  onResult?(result: CheckpointResult): void;
}

export interface DiagnoseRequest {
  cluster: ClusterApi;
  target: WorkloadRef;
  checkpoints: readonly Checkpoint[];
  signal?: AbortSignal;
  hooks?: RunHooks;
  options?: DiagnoseOptions;
  tool?: { name: string; version: string };
}

export interface Diagnosis {
  report: DiagnosisReport;
  /** Kept to re-run checkpoints after a fix with the same state. */
  context: DiagnoseContext;
}

export async function diagnose(req: DiagnoseRequest): Promise<Diagnosis> {
  const signal = req.signal ?? new AbortController().signal;
  const ctx = new DiagnoseContext(req.cluster, req.target, signal, req.options);
  const started = Date.now();
  const startedAt = ctx.now().toISOString();
  const results = await runCheckpoints(req.checkpoints, ctx, req.hooks);
  return {
    context: ctx,
    report: {
      tool: req.tool ?? { name: 'wi-doctor', version: '0' },
      startedAt,
      durationMs: Date.now() - started,
      context: req.cluster.identity.context,
      server: req.cluster.identity.server,
      workload: req.target,
      checkpoints: results,
      firstFailure: results.find((r) => r.status === 'fail')?.id,
      requests: req.cluster.requestCount,
      cancelled: signal.aborted,
    },
  };
}

/**
 * Runs `ids` again, and every checkpoint that (transitively) needs one of them, with fresh
 * reads; the other results are kept. Used after a fix is applied.
 */
export async function rerun(previous: Diagnosis, checkpoints: readonly Checkpoint[], ids: readonly CheckpointId[], hooks?: RunHooks, signal?: AbortSignal): Promise<Diagnosis> {
  const ctx = previous.context;
  if (signal) ctx.signal = signal;
  const again = dependentsOf(checkpoints, ids);
  ctx.forget();
  const started = Date.now();
  for (const id of again) ctx.results.delete(id);
  const todo = checkpoints.filter((c) => again.has(c.id));
  await runCheckpoints(todo, ctx, hooks);
  const results = checkpoints.map((c) => ctx.results.get(c.id)).filter((r): r is CheckpointResult => !!r);
  return {
    context: ctx,
    report: {
      ...previous.report,
      durationMs: Date.now() - started,
      checkpoints: results,
      firstFailure: results.find((r) => r.status === 'fail')?.id,
      requests: ctx.cluster.requestCount,
      cancelled: ctx.signal.aborted,
    },
  };
}

/** `ids` and every checkpoint that needs one of them, directly or not. */
export function dependentsOf(checkpoints: readonly Checkpoint[], ids: readonly CheckpointId[]): Set<CheckpointId> {
  const out = new Set<CheckpointId>(ids);
  for (const c of checkpoints) if (c.needs.some((n) => out.has(n))) out.add(c.id);
  return out;
}

async function runCheckpoints(checkpoints: readonly Checkpoint[], ctx: DiagnoseContext, hooks?: RunHooks): Promise<CheckpointResult[]> {
  const out: CheckpointResult[] = [];
  for (const [i, c] of checkpoints.entries()) {
    const t0 = Date.now();
    let outcome: CheckpointOutcome;
    if (ctx.signal.aborted) {
      outcome = skipped('Cancelled before this checkpoint ran.');
    } else {
      const blocker = c.needs.map((n) => ctx.results.get(n)).find((r) => r && (r.status === 'fail' || r.status === 'skipped'));
      if (blocker) {
        // Name the root cause once ("Skipped: needs cluster-connection, which failed"), not a chain of skips.
        outcome =
          blocker.status === 'fail'
            ? skipped(`Skipped: needs "${blocker.id}", which failed.`)
            : blocker.summary.startsWith('Skipped: ')
              ? skipped(blocker.summary)
              : skipped(`Skipped: needs "${blocker.id}", which was skipped: ${blocker.summary}`);
        // Only the first of a chain of skips offers the way out (e.g. "Sign in to Azure"), not every dependent.
      } else {
        hooks?.onStart?.(c, i, checkpoints.length);
        ctx.current = c.id;
        outcome = await runOne(c, ctx);
        ctx.current = undefined;
      }
    }
    const result: CheckpointResult = { id: c.id, title: c.title, durationMs: Date.now() - t0, ...outcome };
    ctx.results.set(c.id, result);
    out.push(result);
    hooks?.onResult?.(result);
  }
  return out;
}

async function runOne(c: Checkpoint, ctx: DiagnoseContext): Promise<CheckpointOutcome> {
  try {
    const o = await c.run(ctx);
    if (ctx.signal.aborted && o.status !== 'pass') return skipped('Cancelled while this checkpoint ran.');
    return o;
  } catch (e) {
    if (e instanceof SkipCheckpoint) return { ...skipped(e.message), remediation: e.remediation };
    if (e instanceof CheckpointReadFailure) {
      if (e.failure.kind === 'cancelled') return skipped('Cancelled while this checkpoint ran.');
      if (e.firstReportedBy && e.firstReportedBy !== c.id) {
        return skipped(`Needs the ${e.what}, which could not be read (see "${e.firstReportedBy}"): ${e.failure.message}`);
      }
      return {
        status: 'fail',
        summary: `Could not get the ${e.what}: ${e.failure.message}`,
        evidence: [{ label: 'request', value: describeRequest(e.failure), level: 'fail' }],
        remediation: failureRemediation(e.failure, ctx),
      };
    }
    // A bug in a checkpoint must not end the diagnosis: report it where it happened.
    const msg = e instanceof Error ? e.message : String(e);
    return { status: 'fail', summary: `Internal error in this checkpoint: ${msg}`, evidence: [], remediation: [{ text: 'This is a bug in Workload Identity Doctor; please report it with the diagnosis report.' }] };
  }
}

export function skipped(reason: string): CheckpointOutcome {
  return { status: 'skipped', summary: reason, evidence: [], remediation: [] };
}

function describeRequest(f: KubeFailure): string {
  const parts = [f.verb, f.resource, f.name ? `"${f.name}"` : '', f.namespace ? `in "${f.namespace}"` : ''].filter(Boolean);
  return `${parts.join(' ')}${f.status ? ` → HTTP ${f.status}` : ` → ${f.kind}`}`;
}

/** The way out of a read failure, as copyable commands where one exists. */
export function failureRemediation(f: KubeFailure, ctx: DiagnoseContext): Remediation[] {
  const ctxName = ctx.cluster.identity.context;
  switch (f.kind) {
    case 'forbidden': {
      const ns = f.namespace ? ` -n ${f.namespace}` : '';
      return [{ text: `Check what you may do, and ask a cluster admin for a Role/ClusterRole that grants "${f.verb}" on "${f.resource}".`, command: `kubectl auth can-i ${f.verb} ${f.resource}${ns} --context ${ctxName}` }];
    }
    case 'unauthorized':
      return [{ text: 'Refresh your cluster credentials, then run the diagnosis again.', command: `kubectl get --raw /version --context ${ctxName}` }];
    case 'unreachable':
    case 'tls':
    case 'timeout':
      return [{ text: 'Check that the API server answers from here.', command: `kubectl get --raw /version --context ${ctxName} -v=6` }];
    case 'not-found':
      return f.namespace && f.resource ? [{ text: `List what exists in "${f.namespace}".`, command: `kubectl get ${f.resource.split('/')[0]} -n ${f.namespace} --context ${ctxName}` }] : [];
    default:
      return [];
  }
}
