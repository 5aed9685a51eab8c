// pod-logs: the recent and previous container logs of the workload's pods, scanned for the
// error strings Workload Identity failures leave (AADSTS codes, credential-chain messages),
// each mapped to the checkpoint that explains it. Only redacted excerpts are shown.

import type { Pod } from '../cluster/types';
import { scanLog, type LogMatch } from './log-signatures';
import { ev, kubectl, shq } from './shared';
import type { Checkpoint, CheckpointId, Evidence } from './types';

/** Until the Azure checkpoints run here, what to look at for the errors they explain. */
const AZURE_HINTS: Partial<Record<CheckpointId, string>> = {
  'federated-credential': 'compare the federated credentials of the managed identity (az identity federated-credential list -g <rg> --identity-name <identity>) with the issuer, subject and audience shown by "projected-token".',
  'role-assignments': 'list the identity\'s role assignments (az role assignment list --assignee <principal-id> --all) and grant a data-plane role on the resource.',
};

/** Logs of at most this many pods are read: the newest ones, which show the current state. */
const MAX_PODS = 5;
const PROXY_CONTAINERS = new Set(['azwi-proxy', 'azwi-proxy-init']);

export const podLogs: Checkpoint = {
  id: 'pod-logs',
  title: 'Pod logs',
  description: "The pods' recent and previous container logs hold no known Workload Identity error (AADSTS codes, credential-chain messages); each one found is mapped to the checkpoint that explains it.",
  side: 'cluster',
  needs: ['cluster-connection'],
  fact: '| AADSTS70021 | no federated credential matches the token\'s issuer/subject/audience',
  async run(ctx) {
    const pods = (await ctx.pods()).slice(-MAX_PODS);
    if (!pods.length) return { status: 'skipped', summary: 'No pod of the workload is running, so there are no logs to read.', evidence: [], remediation: [] };
    const tail = ctx.options.logTailLines ?? 500;
    /** Whether the checkpoint that explains a signature ran (an Azure one is skipped without a sign-in). */
    const ran = (id: CheckpointId) => {
      const r = ctx.results.get(id);
      return !!r && r.status !== 'skipped';
    };
    const evidence: Evidence[] = [];
    const matches: { where: string; pod: string; m: LogMatch }[] = [];
    let read = 0;
    const unreadable: string[] = [];
    // The logs are independent reads: fetched together, reported in pod order.
    const targets = pods.flatMap((pod) => logTargets(pod).map((t) => ({ pod: pod.metadata.name, ...t })));
    const logs = await Promise.all(targets.map((t) => ctx.cluster.podLog(ctx.target.namespace, t.pod, { container: t.name, previous: t.previous, tailLines: tail }, ctx.signal)));
    for (const [i, t] of targets.entries()) {
      const r = logs[i]!;
      const where = `${t.pod}/${t.name}${t.previous ? ' (previous)' : ''}`;
      if (!r.ok) {
        if (r.failure.kind === 'cancelled') ctx.must(r, 'pod logs');
        // No permission or no valid login: the same for every pod, so the checkpoint fails with that sentence.
        if (r.failure.kind === 'forbidden' || r.failure.kind === 'unauthorized') ctx.must(r, `logs of pod ${t.pod}`, 'logs');
        unreadable.push(`${where}: ${r.failure.message}`);
        continue;
      }
      read++;
      for (const m of scanLog(r.value)) matches.push({ where, pod: t.pod, m });
    }
    for (const u of unreadable) evidence.push(ev('unreadable', u, 'warn'));
    const order = (x: { m: LogMatch }) => (x.m.signature.id.startsWith('AADSTS') ? 0 : 1);
    matches.sort((a, b) => order(a) - order(b));
    for (const { where, m } of matches) {
      evidence.push(ev(where, `${m.signature.id}${m.count > 1 ? ` ×${m.count}` : ''}: ${m.signature.meaning} → see "${m.signature.explainedBy}"${ran(m.signature.explainedBy) ? '' : ' (not run here)'}. Excerpt: ${m.excerpt}`, 'fail'));
    }
    if (matches.length) {
      const first = matches[0]!.m.signature;
      const explainers = [...new Set(matches.map((x) => x.m.signature.explainedBy))];
      return {
        status: 'fail',
        summary: `The logs show Workload Identity errors: ${first.id} (${first.meaning}). Explained by: ${explainers.join(', ')}.`,
        evidence,
        remediation: [
          { text: 'Read the logs around the error.', command: kubectl(ctx, `logs ${shq(matches[0]!.pod)} --all-containers --tail=200${matches[0]!.where.endsWith('(previous)') ? ' --previous' : ''}`) },
          ...explainers.filter((id) => !ran(id)).map((id) => ({ text: `"${id}" did not run here (it needs an Azure sign-in): ${AZURE_HINTS[id] ?? 'check the managed identity in Azure.'}` })),
        ],
      };
    }
    if (!read) return { status: 'warn', summary: 'No container log could be read.', evidence, remediation: [] };
    evidence.unshift(ev('scanned', `${read} container log${read === 1 ? '' : 's'} of ${pods.length} pod${pods.length === 1 ? '' : 's'}, last ${tail} lines each`, 'ok'));
    return { status: 'pass', summary: 'No known Workload Identity error in the recent logs.', evidence, remediation: [] };
  },
};

/** Every app container's current log, and its previous one when it has restarted. */
function logTargets(pod: Pod): { name: string; previous: boolean }[] {
  const restarts = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s.restartCount ?? 0]));
  const out: { name: string; previous: boolean }[] = [];
  for (const c of pod.spec.containers ?? []) {
    if (PROXY_CONTAINERS.has(c.name)) continue;
    out.push({ name: c.name, previous: false });
    if ((restarts.get(c.name) ?? 0) > 0) out.push({ name: c.name, previous: true });
  }
  return out;
}
