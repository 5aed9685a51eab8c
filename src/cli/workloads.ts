// `wi-doctor workloads`: the sidebar tree's view of a cluster, once, for a terminal or a CI job —
// every workload's Workload Identity state from one list per kind (the same LiveCluster and
// TreeModel the sidebar uses), printed as text or JSON.
//
// The states are the sidebar's (src/tree/workload-status.ts), which say what the diagnosis's
// cluster checkpoints say: broken (✗) where one would fail, a warning (!) where one would warn.
//
// Exit codes: 0 no workload shown is broken; 1 a workload is broken (error level); 2 the
// workloads could not be listed (bad usage, no kubeconfig, unreachable, refused, cancelled).

import { watchSource } from '../cluster/connect';
import { LiveCluster } from '../tree/live-cluster';
import { plural } from '../util/words';
import { inBackground } from '../util/log';
import { NO_FILTERS, type NamespaceCounts, type TreeFilters, type WorkloadEntry } from '../tree/model';
import type { StatusLevel } from '../tree/workload-status';
import { CLUSTER_OPTIONS, parseArgs, timeoutSeconds, UsageError, type OptionSpec } from './args';
import { cliLogger, type SafeIO } from './output';
import { displayUrl } from '../util/url';
import { neutralise, paint, type Style } from '../util/terminal';

const SPEC: Record<string, OptionSpec> = {
  ...CLUSTER_OPTIONS,
  '--filter': { value: true },
  '--only-problems': {},
  '--all': {},
  '--verbose': {},
};

export const WORKLOADS_HELP = `Usage: wi-doctor workloads [options]

Lists the workloads of the kubeconfig's cluster (Deployments, StatefulSets, DaemonSets,
CronJobs, Jobs) with their Workload Identity state, as the editor's sidebar shows them:
wired and injected, broken (and why: what "wi-doctor diagnose" would fail), with a warning
(what it would warn about, e.g. no pod to check), or not using Workload Identity. The cluster
side only: Azure, the token and the logs are for "wi-doctor diagnose".
One list per kind, across all namespaces (or one namespace with -n).

  -n, --namespace <ns>          Only this namespace (needs list rights there only)
  --context <name>              A kubeconfig context other than the current one
  --kubeconfig <path>           A kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  -f, --format <text|json>      Output format (default: text)
  --only-problems               Only broken workloads and those with a warning
  --all                         Also the workloads that do not use Workload Identity
  --filter <text>               Only workloads whose name (or namespace/name) contains it
  --timeout <seconds>           Per-request timeout, its retries and the waits the server asks for included (default: 10)
  --no-color                    No colours in text output
  --verbose                     Also print, on stderr, what the cluster caches log: a watch
                                listener or an informer loop that failed (a bug to report)

Exit codes: 0 no broken workload; 1 a workload is broken; 2 the workloads could not be listed.
Nothing is written to the cluster. For the whole chain of one workload, including Azure:
wi-doctor diagnose -n <ns> <kind>/<name>.
`;

interface JsonWorkload {
  namespace: string;
  kind: string;
  name: string;
  serviceAccount: string;
  level: StatusLevel;
  status: string;
  findings: { level: StatusLevel; checkpoint: string; message: string }[];
  pods: { name: string; state: string; phase: string }[];
}

const MARK: Record<StatusLevel, string> = { ok: '✓', error: '✗', warning: '!', muted: '·' };
const COLOR: Record<StatusLevel, Style> = { ok: 'green', error: 'red', warning: 'yellow', muted: 'gray' };

export async function workloadsCommand(argv: readonly string[], io: SafeIO): Promise<number> {
  const parsed = parseArgs(argv.map((a) => (a === '-n' ? '--namespace' : a)), SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(WORKLOADS_HELP);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]} (for one workload: wi-doctor diagnose -n <ns> <kind>/<name>)`);
  const format = parsed.options.get('--format')?.[0] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format "${format}" (formats: text, json)`);
  const timeout = timeoutSeconds(parsed);
  const namespace = parsed.options.get('--namespace')?.[0];
  const filters: TreeFilters = { ...NO_FILTERS, onlyWorkloadIdentity: !parsed.flags.has('--all'), onlyProblems: parsed.flags.has('--only-problems'), text: parsed.options.get('--filter')?.[0] ?? '' };
  const env = io.env as NodeJS.ProcessEnv;

  const log = cliLogger(io, parsed.flags.has('--verbose'));
  const live = new LiveCluster({
    open: () => watchSource({ kubeconfig: parsed.options.get('--kubeconfig')?.[0], context: parsed.options.get('--context')?.[0], timeoutMs: timeout * 1000, env }),
    ...(namespace ? { namespace } : {}),
    // One pass: a failure is reported at once, not retried.
    cache: { initialBackoffMs: 60_000 },
    log,
  });
  const onAbort = (): void => inBackground(log, 'stopping the watches after an interrupt failed', live.stop());
  io.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    live.start();
    await Promise.race([live.whenSettled(), new Promise<void>((resolve) => io.signal?.addEventListener('abort', () => resolve(), { once: true }))]);
    if (io.signal?.aborted) {
      io.stderr.write('wi-doctor: cancelled.\n');
      return 2;
    }
    const s = live.state;
    if (s.phase === 'unavailable' || s.phase === 'failed') {
      io.stderr.write(`wi-doctor: ${neutralise(s.issue.message)}\n`);
      return 2;
    }
    const model = live.model!;
    const id = live.identity!;
    const notes: string[] = [];
    if (s.phase === 'ready' && s.fallback) notes.push(s.fallback.reason);
    if (s.phase === 'ready') for (const f of s.forbidden ?? []) notes.push(f.message);
    if (model.webhookUp() === false) notes.push('The Workload Identity webhook is not installed or has no ready replica: no pod gets a token.');
    const namespaces = model.namespaceNames().filter((ns) => !namespace || ns === namespace);
    const rows = namespaces.map((ns) => ({ ns, counts: model.counts(ns, filters), workloads: model.workloads(ns, undefined, filters) })).filter((r) => r.workloads.length);
    const all = rows.flatMap((r) => r.workloads);
    const total = model.totals();
    if (format === 'json') {
      const out = {
        context: id.context,
        cluster: id.cluster,
        server: displayUrl(id.server),
        notes,
        totals: total,
        workloads: all.map((w): JsonWorkload => ({
          namespace: w.namespace,
          kind: w.kind,
          name: w.name,
          serviceAccount: w.serviceAccountName,
          level: w.status.level,
          status: w.status.short,
          findings: w.status.findings.filter((f) => f.level !== 'ok').map((f) => ({ level: f.level, checkpoint: f.checkpoint, message: f.message })),
          pods: model.pods(w).map((p) => ({ name: p.name, state: p.state, phase: p.phase })),
        })),
      };
      io.stdout.json(JSON.stringify(out, null, 2) + '\n');
    } else {
      const color = io.stdout.isTTY && !parsed.flags.has('--no-color') && !env.NO_COLOR;
      // Every name and sentence from the cluster on one line of its own (a newline in one is shown as `\n`).
      const one = (s: string): string => neutralise(s);
      const tint = (level: StatusLevel, text: string): string => (color ? paint(COLOR[level], text) : text);
      const lines = [`Workload Identity in context ${one(id.context)} (${one(displayUrl(id.server))})`, ...notes.map((n) => `  note: ${one(n)}`), ''];
      for (const r of rows) {
        lines.push(`${one(r.ns)}  (${describeCounts(r.counts)})`);
        for (const w of r.workloads) {
          lines.push(`  ${tint(w.status.level, MARK[w.status.level])} ${w.kind.padEnd(11)} ${one(w.name)}  ${tint(w.status.level, one(w.status.short))}`);
          for (const f of problems(w)) lines.push(`      ${one(f)}`);
        }
      }
      if (!rows.length) lines.push(describeEmpty(filters));
      lines.push('', `${plural(total.workloads, 'workload')} in ${plural(namespaces.length, 'namespace')}: ${total.workloadIdentity} ${total.workloadIdentity === 1 ? 'uses' : 'use'} Workload Identity, ${[total.errors ? `${total.errors} broken` : '', total.warnings ? `${total.warnings} with a warning` : ''].filter(Boolean).join(', ') || 'none broken or with a warning'}.`);
      io.stdout.write(lines.join('\n') + '\n');
    }
    return all.some((w) => w.status.level === 'error') ? 1 : 0;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await live.stop();
  }
}

function problems(w: WorkloadEntry): string[] {
  return w.status.findings.filter((f) => f.level === 'error' || f.level === 'warning').map((f) => f.message);
}

function describeCounts(c: NamespaceCounts): string {
  return [plural(c.workloads, 'workload'), c.errors ? `${c.errors} broken` : '', c.warnings ? `${c.warnings} with a warning` : ''].filter(Boolean).join(', ');
}

function describeEmpty(f: TreeFilters): string {
  if (f.onlyProblems) return 'No broken workload, and none with a warning.';
  if (f.onlyWorkloadIdentity) return 'No workload uses Workload Identity (--all lists the others).';
  return 'No workloads.';
}
