// The runner: runs checkpoints concurrently where their `needs` and `reads` allow it and reports
// them in the order given, skips one whose `needs` failed or were skipped (naming which and why),
// turns read failures and unexpected exceptions into results, stops promptly on cancellation, and
// re-runs a subset after a fix.

import type { ClusterApi, KubeFailure } from '../cluster/types';
import { CheckpointFault, CheckpointReadFailure, DiagnoseContext, runAsCheckpoint, SkipCheckpoint, type DiagnoseOptions } from './context';
import { notChecked, skipped } from './outcomes';
import { shq } from './shared';
import { CHECKPOINT_TITLES } from './results';
import type { Checkpoint, CheckpointId, CheckpointOutcome, CheckpointResult, DiagnosisReport, Remediation, WorkloadRef } from './types';

export { notChecked, skipped } from './outcomes';

export interface RunHooks {
  /**
   * Called for each checkpoint that runs (not for a skipped one), for "Checking the webhook…"
   * progress: in list order, so with the index never going back; checkpoints run concurrently, so
   * a later one may already be running when it is called.
   */
  onStart?(checkpoint: Checkpoint, index: number, total: number): void;
  /** Called with each result, in list order. */
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
      ...(req.options?.consumer ? { consumer: consumerOfReport(req.options.consumer) } : {}),
      checkpoints: results,
      firstFailure: results.find((r) => r.status === 'fail')?.id,
      ...(ctx.notFound ? { notFound: ctx.notFound } : {}),
      requests: req.cluster.requestCount,
      cancelled: signal.aborted,
    },
  };
}

function consumerOfReport(c: NonNullable<DiagnoseOptions['consumer']>): NonNullable<DiagnosisReport['consumer']> {
  return { kind: c.ref.kind, ...(c.ref.namespace ? { namespace: c.ref.namespace } : {}), name: c.ref.name, summary: c.identity.summary };
}

/**
 * Runs `ids` again, and every checkpoint that (transitively) needs or reads one of them, with
 * fresh reads; the other results are kept. Used after a fix is applied (`changedAt`: when it was,
 * so that log lines written before it are told apart). The report's time becomes this run's.
 */
export async function rerun(previous: Diagnosis, checkpoints: readonly Checkpoint[], ids: readonly CheckpointId[], hooks?: RunHooks, signal?: AbortSignal, opts: { changedAt?: Date } = {}): Promise<Diagnosis> {
  const ctx = previous.context;
  if (signal) ctx.signal = signal;
  if (opts.changedAt) ctx.lastChangeAt = opts.changedAt;
  const again = dependentsOf(checkpoints, ids);
  ctx.forget();
  const started = Date.now();
  const startedAt = ctx.now().toISOString();
  for (const id of again) ctx.results.delete(id);
  const todo = checkpoints.filter((c) => again.has(c.id));
  await runCheckpoints(todo, ctx, hooks, checkpoints);
  const results = checkpoints.map((c) => ctx.results.get(c.id)).filter((r): r is CheckpointResult => !!r);
  return {
    context: ctx,
    report: {
      ...previous.report,
      startedAt,
      durationMs: Date.now() - started,
      checkpoints: results,
      firstFailure: results.find((r) => r.status === 'fail')?.id,
      requests: ctx.cluster.requestCount,
      cancelled: ctx.signal.aborted,
    },
  };
}

/** `ids` and every checkpoint that needs or reads one of them, directly or not. */
export function dependentsOf(checkpoints: readonly Checkpoint[], ids: readonly CheckpointId[]): Set<CheckpointId> {
  const out = new Set<CheckpointId>(ids);
  for (const c of checkpoints) if ([...c.needs, ...(c.reads ?? [])].some((n) => out.has(n))) out.add(c.id);
  return out;
}

/** Whether a result keeps the checkpoints that need it from running: it failed, was skipped, or could not be checked. */
export function blocks(r: CheckpointResult | undefined): r is CheckpointResult {
  return !!r && (r.status === 'fail' || r.status === 'skipped' || r.fault !== undefined);
}

/** The reason a checkpoint is skipped because of `blocker`, naming the root cause once (not a chain of skips). */
function skipReason(blocker: CheckpointResult): string {
  if (blocker.status === 'fail') return `Skipped: needs "${blocker.title}", which failed.`;
  if (blocker.fault !== undefined) return `Skipped: needs "${blocker.title}", which could not be checked.`;
  return blocker.summary.startsWith('Skipped: ') ? blocker.summary : `Skipped: needs "${blocker.title}", which was skipped: ${blocker.summary}`;
}

/**
 * Runs `checkpoints`, each as soon as what it depends on has a result (see `prerequisites`), so
 * that independent checkpoints — and their reads — overlap; the results, the hooks and the report
 * keep the list's order whatever order the reads answer in. Checkpoints that become ready together
 * start in list order, synchronously, so memoised reads they share are judged (and a failed one
 * reported) by the earlier checkpoint first, as when they ran one after another. `all` (default:
 * the same list) is the whole chain, whose `reconcile` hooks run once every checkpoint has: a later
 * result may settle what an earlier one could not know.
 */
async function runCheckpoints(checkpoints: readonly Checkpoint[], ctx: DiagnoseContext, hooks?: RunHooks, all: readonly Checkpoint[] = checkpoints): Promise<CheckpointResult[]> {
  const n = checkpoints.length;
  const waitsFor = prerequisites(checkpoints);
  const phase: ('waiting' | 'running' | 'done')[] = checkpoints.map(() => 'waiting');
  const ran: boolean[] = checkpoints.map(() => false);
  // Whether each has been found part of this chain (or not) yet: the onStart hooks wait for it, in order.
  const decided: boolean[] = checkpoints.map((c) => !c.appliesTo);
  const out: CheckpointResult[] = [];
  let started = 0;
  let reported = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      try {
        for (let i = 0; i < n; i++) {
          if (phase[i] !== 'waiting' || !waitsFor[i]!.every((j) => phase[j] === 'done')) continue;
          phase[i] = 'running';
          const c = checkpoints[i]!;
          // step() turns a checkpoint's own errors into its result; should it still reject (a bug
          // in the runner), the diagnosis fails with it rather than waiting forever.
          step(c, ctx, () => (ran[i] = true), () => {
            decided[i] = true;
            pump();
          }).then((result) => {
            if (result) {
              ctx.results.set(c.id, result);
              out[i] = result;
            }
            phase[i] = 'done';
            pump();
          }, reject);
        }
        // The hooks in list order, as when the checkpoints ran one after another.
        for (; started < n && phase[started] !== 'waiting' && decided[started]; started++) if (ran[started]) hooks?.onStart?.(checkpoints[started]!, started, n);
        for (; reported < n && phase[reported] === 'done'; reported++) if (out[reported]) hooks?.onResult?.(out[reported]!);
        if (reported === n) resolve();
      } catch (e) {
        reject(e);
      }
    };
    pump();
  });
  if (!ctx.signal.aborted) reconcile(all, ctx);
  return out.filter((r): r is CheckpointResult => r !== undefined).map((r) => ctx.results.get(r.id) ?? r);
}

/**
 * For each checkpoint, the earlier ones (by index, in this run) it waits for: those it `needs` or
 * `reads`; cluster-connection (it may find the target missing, which ends the diagnosis); and, for
 * an Azure-side checkpoint, every earlier one (the Azure half runs in order, after the cluster
 * checks it builds on: it shares their ctx.state, one sign-in offer and the token-exchange prompt).
 * Only earlier checkpoints count, so the order is always a valid schedule.
 */
function prerequisites(checkpoints: readonly Checkpoint[]): number[][] {
  const index = new Map(checkpoints.map((c, i) => [c.id, i] as const));
  return checkpoints.map((c, i) => {
    const deps = new Set<number>();
    if (c.side === 'azure') for (let j = 0; j < i; j++) deps.add(j);
    for (const id of ['cluster-connection' as const, ...c.needs, ...(c.reads ?? [])]) {
      const j = index.get(id);
      if (j !== undefined && j < i) deps.add(j);
    }
    return [...deps];
  });
}

/** Whether `c` is part of this workload's chain; a failure to tell (a read that failed) keeps it in, to report the failure. */
async function applies(c: Checkpoint, ctx: DiagnoseContext): Promise<boolean> {
  if (!c.appliesTo || ctx.notFound || ctx.signal.aborted) return true;
  try {
    return await c.appliesTo(ctx);
  } catch {
    return true;
  }
}

/**
 * One checkpoint: left out (not part of this workload's chain: undefined), skipped (cancelled,
 * nothing to judge, a need failed) or run; `running` is called when it runs.
 */
async function step(c: Checkpoint, ctx: DiagnoseContext, running: () => void, decided: () => void): Promise<CheckpointResult | undefined> {
  const t0 = Date.now();
  // Only a checkpoint with appliesTo waits before it starts: the others start synchronously, in list order.
  if (c.appliesTo) {
    const yes = await applies(c, ctx);
    if (!yes) {
      decided();
      return undefined;
    }
  }
  let outcome: CheckpointOutcome;
  if (ctx.signal.aborted) {
    outcome = skipped('Cancelled before this checkpoint ran.');
  } else if (ctx.notFound) {
    // Nothing to judge: the namespace or the workload is not there (cluster-connection says so, once).
    outcome = skipped(`Skipped: the ${ctx.notFound.what} was not found (see "Cluster connection").`);
  } else {
    const blocker = c.needs.map((n) => ctx.results.get(n)).find(blocks);
    if (blocker) {
      // Only the first of a chain of skips offers the way out (e.g. "Sign in to Azure"), not every dependent.
      outcome = skipped(skipReason(blocker));
    } else {
      running();
      if (c.appliesTo) decided();
      outcome = await runAsCheckpoint(c.id, () => runOne(c, ctx));
    }
  }
  if (c.appliesTo) decided();
  return { id: c.id, title: c.title, durationMs: Date.now() - t0, ...outcome };
}

/**
 * The reconcile pass: each checkpoint may revise its result in light of the later ones; the
 * skipped dependents of a revised result get their reason worded anew.
 */
function reconcile(all: readonly Checkpoint[], ctx: DiagnoseContext): void {
  for (const c of all) {
    const own = ctx.results.get(c.id);
    if (!own || !c.reconcile) continue;
    const revised = c.reconcile(own, ctx);
    if (!revised) continue;
    ctx.results.set(c.id, { id: own.id, title: own.title, durationMs: own.durationMs, ...revised });
    for (const d of all) {
      const r = ctx.results.get(d.id);
      if (!r || r.status !== 'skipped' || !d.needs.includes(c.id)) continue;
      const blocker = d.needs.map((n) => ctx.results.get(n)).find(blocks);
      if (blocker) ctx.results.set(d.id, { ...r, summary: skipReason(blocker) });
    }
  }
}

async function runOne(c: Checkpoint, ctx: DiagnoseContext): Promise<CheckpointOutcome> {
  try {
    const o = await c.run(ctx);
    if (ctx.signal.aborted && o.status !== 'pass') return skipped('Cancelled while this checkpoint ran.');
    return o;
  } catch (e) {
    if (e instanceof SkipCheckpoint) return { ...skipped(e.message), remediation: e.remediation };
    if (e instanceof CheckpointFault) return notChecked(e.message, [], e.remediation);
    if (e instanceof CheckpointReadFailure) {
      if (e.failure.kind === 'cancelled') return skipped('Cancelled while this checkpoint ran.');
      if (e.firstReportedBy && e.firstReportedBy !== c.id) {
        return skipped(`Needs the ${e.what}, which could not be read (see "${CHECKPOINT_TITLES[e.firstReportedBy]}"): ${e.failure.message}`);
      }
      // A read that failed says nothing about the workload: this part was not checked.
      return notChecked(`Could not get the ${e.what}: ${e.failure.message}`, [{ label: 'request', value: describeRequest(e.failure), level: 'warn' }], failureRemediation(e.failure, ctx));
    }
    // A bug in a checkpoint must not end the diagnosis: report it where it happened.
    const msg = e instanceof Error ? e.message : String(e);
    return { status: 'fail', summary: `Internal error in this checkpoint: ${msg}`, evidence: [], remediation: [{ text: 'This is a bug in Workload Identity Doctor; please report it with the diagnosis report.' }] };
  }
}

function describeRequest(f: KubeFailure): string {
  const parts = [f.verb, f.resource, f.name ? `"${f.name}"` : '', f.namespace ? `in "${f.namespace}"` : ''].filter(Boolean);
  return `${parts.join(' ')}${f.status ? ` → HTTP ${f.status}` : ` → ${f.kind}`}`;
}

/** The way out of a read failure, as copyable commands where one exists. */
export function failureRemediation(f: KubeFailure, ctx: DiagnoseContext): Remediation[] {
  const context = `--context ${shq(ctx.cluster.identity.context)}`;
  switch (f.kind) {
    case 'forbidden': {
      const ns = f.namespace ? ` -n ${shq(f.namespace)}` : '';
      return [{ text: `Check what you may do, and ask a cluster admin for a Role/ClusterRole that grants "${f.verb}" on "${f.resource}".`, command: `kubectl auth can-i ${shq(f.verb ?? 'get')} ${shq(f.resource ?? '')}${ns} ${context}` }];
    }
    case 'unauthorized':
      return [{ text: 'Refresh your cluster credentials, then run the diagnosis again.', command: `kubectl get --raw /version ${context}` }];
    case 'unreachable':
    case 'tls':
    case 'timeout':
      return [{ text: 'Check that the API server answers from here.', command: `kubectl get --raw /version ${context} -v=6` }];
    case 'not-found':
      return f.namespace && f.resource ? [{ text: `List what exists in "${f.namespace}".`, command: `kubectl get ${shq(f.resource.split('/')[0]!)} -n ${shq(f.namespace)} ${context}` }] : [];
    default:
      return [];
  }
}
