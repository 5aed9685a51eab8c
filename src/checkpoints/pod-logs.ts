// pod-logs: the recent and previous container logs of the workload's pods, scanned for the
// error strings Workload Identity failures leave (AADSTS codes, credential-chain messages), each
// mapped to the checkpoint that explains it. A log is history: a line says what was wrong when it
// was written. So each signature is judged against the present — the explaining checkpoint's
// result now, and the time of the last fix — and an error that is explained as fixed, or that
// predates the fix, is "earlier errors" (a warning), never the first broken link. Each signature is
// reported once, with its pods, counts and the time of its newest line. Only redacted excerpts are shown.
// The logs read are a bounded sample (log-sample.ts: the newest pod of each template and state, the
// previous logs of restarted containers, only containers that use Workload Identity), at most
// MAX_LOG_READS requests; the evidence names each log read, why, and what was not read.

import type { LabelSelector } from '../cluster/types';
import { selectorString } from '../cluster/workloads';
import type { DiagnoseContext } from './context';
import { MAX_LOG_READS, sampleLogs, settled, type LogSample, type LogTarget } from './log-sample';
import { LOG_SIGNATURES, scanLog, type LogMatch } from './log-signatures';
import { notChecked } from './outcomes';
import { ev, kubectl, listWords, shq } from './shared';
import type { Checkpoint, CheckpointId, CheckpointResult, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';

/** Until the Azure checkpoints run here, what to look at for the errors they explain. */
const AZURE_HINTS: Partial<Record<CheckpointId, string>> = {
  'federated-credential': 'compare the federated credentials of the managed identity (az identity federated-credential list -g <rg> --identity-name <identity>) with the issuer, subject and audience shown by "Projected service account token".',
  'role-assignments': 'list the identity\'s role assignments (az role assignment list --assignee <principal-id> --all) and grant a data-plane role on the resource.',
};

const EXPLAINERS = [...new Set(LOG_SIGNATURES.map((s) => s.explainedBy))];

/** One signature across every log read. */
interface Found {
  match: LogMatch;
  /** `pod/container` (and `(previous)`) where it was seen, with the count in each. */
  where: { pod: string; log: string; count: number }[];
  count: number;
  newest?: number;
  /** Every matching line was written before the last fix. */
  allBeforeFix: boolean;
}

export const podLogs: Checkpoint = {
  id: 'pod-logs',
  title: CHECKPOINT_TITLES['pod-logs'],
  description: "The pods' recent and previous container logs hold no current Workload Identity error (AADSTS codes, credential-chain messages); each one found is mapped to the checkpoint that explains it, and errors that checkpoint now shows fixed, or written before the last fix, are reported as earlier errors.",
  side: 'cluster',
  needs: ['cluster-connection'],
  reads: EXPLAINERS,
  fact: '| AADSTS70021 | no federated credential matches the token\'s issuer/subject/audience',
  async run(ctx) {
    const pods = await ctx.pods();
    if (!pods.length) return { status: 'skipped', summary: 'No pod of the workload is running, so there are no logs to read.', evidence: [], remediation: [] };
    const tail = ctx.options.logTailLines ?? 500;
    const since = ctx.lastChangeAt?.getTime();
    const evidence: Evidence[] = [];
    const unreadable: string[] = [];
    let read = 0;
    // A bounded sample (log-sample.ts), whatever the number of pods and containers; the evidence names what was not read.
    const sample = sampleLogs(pods);
    // The logs are independent reads: fetched together, reported in the sample's order. A log that could
    // not be read (not for want of permission) is replaced by its alternate, the next pod's same container.
    const fetch = (t: LogTarget) => ctx.cluster.podLog(ctx.target.namespace, t.pod, { container: t.container, previous: t.previous, tailLines: tail, timestamps: true }, ctx.signal);
    const tried = await Promise.all(sample.read.map(fetch));
    const retry = sample.read.map((t, i) => (!tried[i]!.ok && t.alternate && !['forbidden', 'unauthorized', 'cancelled'].includes(tried[i]!.failure.kind) ? t.alternate : undefined));
    const second = await Promise.all(retry.map((t) => (t ? fetch(t) : Promise.resolve(undefined))));
    const targets = sample.read.flatMap((t, i) => (retry[i] ? [t, retry[i]!] : [t]));
    const logs = sample.read.flatMap((_, i) => (retry[i] ? [tried[i]!, second[i]!] : [tried[i]!]));
    const found = new Map<string, Found>();
    for (const [i, t] of targets.entries()) {
      const r = logs[i]!;
      const log = `${t.container}${t.previous ? ' (previous)' : ''}`;
      if (!r.ok) {
        if (r.failure.kind === 'cancelled') ctx.must(r, 'pod logs');
        // No permission or no valid login: the same for every pod, so the checkpoint says it once.
        if (r.failure.kind === 'forbidden' || r.failure.kind === 'unauthorized') ctx.must(r, `logs of pod ${t.pod}`, 'logs');
        unreadable.push(`${t.pod}/${log}: ${r.failure.message}`);
        continue;
      }
      read++;
      for (const m of scanLog(r.value, { timestamps: true, since })) {
        const f = found.get(m.signature.id) ?? { match: m, where: [], count: 0, allBeforeFix: true };
        f.where.push({ pod: t.pod, log, count: m.count });
        f.count += m.count;
        if (m.newest !== undefined && (f.newest === undefined || m.newest >= f.newest)) {
          f.newest = m.newest;
          f.match = m;
        }
        if (since === undefined || m.before < m.count) f.allBeforeFix = false;
        found.set(m.signature.id, f);
      }
    }
    for (const u of unreadable) evidence.push(ev('unreadable', u, 'warn'));
    const selector = ((await ctx.workload()).object.spec as { selector?: LabelSelector } | undefined)?.selector;
    const sampled = sampleEvidence(ctx, settled(sample, targets, logs.map((r) => r.ok)), tail, selector);

    const judged = [...found.values()].map((f) => ({ f, now: judge(f, ctx.results.get(f.match.signature.explainedBy), ctx.lastChangeAt) }));
    const order = (x: { f: Found }) => (x.f.match.signature.id.startsWith('AADSTS') ? 0 : 1);
    judged.sort((a, b) => Number(b.now.current) - Number(a.now.current) || order(a) - order(b));
    for (const { f, now } of judged) {
      const s = f.match.signature;
      evidence.push(ev(s.id, `${f.count > 1 ? `×${f.count} ` : ''}in ${describeWhere(f)}${f.newest !== undefined ? `, newest at ${iso(f.newest)}` : ''}: ${s.meaning} → "${CHECKPOINT_TITLES[s.explainedBy]}" ${now.note}. Excerpt: ${f.match.excerpt}`, now.current ? 'fail' : 'warn'));
    }
    const current = judged.filter((x) => x.now.current);
    const earlier = judged.filter((x) => !x.now.current);
    if (current.length) {
      const first = current[0]!.f;
      const explainers = [...new Set(current.map((x) => x.f.match.signature.explainedBy))];
      const notRun = explainers.filter((id) => !ran(ctx.results.get(id)));
      const remediation: Remediation[] = [
        { text: 'Read the logs around the error.', command: kubectl(ctx, `logs ${shq(first.where[0]!.pod)} --all-containers --tail=200${first.where[0]!.log.endsWith('(previous)') ? ' --previous' : ''}`) },
        ...notRun.map((id) => ({ text: `"${CHECKPOINT_TITLES[id]}" did not run here (it needs an Azure sign-in): ${AZURE_HINTS[id] ?? 'check the managed identity in Azure.'}` })),
      ];
      return {
        status: 'fail',
        summary: `The logs show Workload Identity errors: ${first.match.signature.id} (${first.match.signature.meaning})${first.newest !== undefined ? `, newest at ${iso(first.newest)}` : ''}. Explained by: ${explainers.map((id) => CHECKPOINT_TITLES[id]).join(', ')}.${earlier.length ? ` Earlier errors too: ${earlier.map((x) => x.f.match.signature.id).join(', ')}.` : ''}`,
        evidence: [...evidence, ...sampled],
        remediation,
      };
    }
    if (earlier.length) {
      const newest = earlier.reduce((m, x) => Math.max(m, x.f.newest ?? 0), -Infinity);
      return {
        status: 'warn',
        summary: `Only earlier Workload Identity errors in the logs (${earlier.map((x) => x.f.match.signature.id).join(', ')}${newest ? `, the newest at ${iso(newest)}` : ''}): ${listWords([...new Set(earlier.map((x) => x.now.why))])}.`,
        evidence: [...evidence, ...sampled],
        remediation: [{ text: 'Watch the logs for new errors.', command: kubectl(ctx, `logs ${shq(earlier[0]!.f.where[0]!.pod)} --all-containers --since=10m`) }],
      };
    }
    // Not one log could be read (timeouts, server errors): this part was not checked.
    if (!read) return notChecked(`No container log could be read (${unreadable[0] ?? 'no reason given'}${unreadable.length > 1 ? `, and ${unreadable.length - 1} more` : ''}).`, [...evidence, ...sampled]);
    const podsRead = new Set(targets.filter((_, i) => logs[i]!.ok).map((t) => t.pod)).size;
    evidence.unshift(ev('scanned', `${read} container log${read === 1 ? '' : 's'} of ${podsRead} pod${podsRead === 1 ? '' : 's'} (of ${pods.length}), last ${tail} lines each`, 'ok'));
    return { status: 'pass', summary: 'No known Workload Identity error in the recent logs.', evidence: [...evidence, ...sampled], remediation: [] };
  },
};

/** Whether the explaining checkpoint ran (an Azure one is skipped without a sign-in; a fault is not a result). */
function ran(r: CheckpointResult | undefined): boolean {
  return !!r && r.status !== 'skipped' && r.fault === undefined;
}

/**
 * Whether a signature describes the present. It does not when every line predates the last fix,
 * or when the checkpoint that explains it ran and passes now: the error was real, and is gone.
 */
function judge(f: Found, explainer: CheckpointResult | undefined, since: Date | undefined): { current: boolean; note: string; why: string } {
  const id = CHECKPOINT_TITLES[f.match.signature.explainedBy];
  const note = !ran(explainer) ? '(not run here)' : explainer!.status === 'pass' ? 'passes now' : explainer!.status === 'fail' ? 'fails' : 'warns';
  if (f.allBeforeFix && since) return { current: false, note, why: `every line was written before the last fix, at ${iso(since.getTime())}` };
  if (ran(explainer) && explainer!.status === 'pass') return { current: false, note, why: `"${id}" passes now` };
  // A warning (a credential minutes old, say) neither confirms nor refutes the error: the explaining checkpoint says why.
  if (ran(explainer) && explainer!.status === 'warn') return { current: false, note, why: `"${id}" only warns now` };
  return { current: true, note, why: '' };
}

function describeWhere(f: Found): string {
  const pods = [...new Set(f.where.map((w) => w.pod))];
  const prev = f.where.some((w) => w.log.endsWith('(previous)'));
  return `${pods.length === 1 ? 'pod' : `${pods.length} pods`} ${listWords(pods)}${prev ? ' (a previous container included: written before its restart)' : ''}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What was sampled and what was not: the user must know which logs the verdict rests on. One
 * line per log read (with why it stands for others), one for the rest, with the command that reads them all.
 */
function sampleEvidence(ctx: DiagnoseContext, sample: LogSample, tail: number, selector: LabelSelector | undefined): Evidence[] {
  const out = sample.read.map((t) => ev('log read', `${t.pod}/${t.container}${t.previous ? ' (previous)' : ''}: ${t.why}`, 'info'));
  const rest = sample.notRead;
  if (rest.length) {
    const pods = new Set(rest.map((t) => t.pod));
    const prev = rest.filter((t) => t.previous).length;
    const sel = ctx.target.kind === 'Pod' || ctx.target.kind === 'CronJob' ? '' : selectorString(selector);
    const all = sample.read.length + rest.length;
    const command = sel ? `; to read them all: ${kubectl(ctx, `logs -l ${shq(sel)} --all-containers --prefix --tail=${tail}${all > 5 ? ` --max-log-requests=${all}` : ''}`)}` : '';
    out.push(ev('logs not read', `${rest.length} more container log${rest.length === 1 ? '' : 's'}${prev ? ` (${prev} of them previous)` : ''} of ${pods.size} pod${pods.size === 1 ? '' : 's'}: the logs above stand for them (the newest pod of each template and state, restarted containers' previous logs; at most ${MAX_LOG_READS} logs per diagnosis)${command}`, 'info'));
  }
  if (sample.ignored.length) out.push(ev('containers not read', listWords(sample.ignored), 'info'));
  return out;
}
