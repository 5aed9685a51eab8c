// `wi-doctor workloads`: the sidebar tree's view of a cluster, once, for a terminal or a CI job —
// every workload's Workload Identity state from one list per kind (the same LiveCluster and
// TreeModel the sidebar uses), printed as text or JSON.
//
// The states are the sidebar's (src/tree/workload-status.ts), which say what the diagnosis's
// cluster checkpoints say: broken (✗) where one would fail, a warning (!) where one would warn.
//
// And, as the sidebar's "Secrets & controllers", the objects a controller authenticates for
// (SecretProviderClasses, KEDA TriggerAuthentications, External Secrets stores, cert-manager
// issuers: src/tree/consumers.ts) with whose identity they use — unless --no-consumers.
//
// Exit codes: 0 nothing shown is broken; 1 a workload or such an object is broken (error level);
// 2 the workloads could not be listed (bad usage, no kubeconfig, unreachable, refused, cancelled).

import { watchSource } from '../cluster/connect';
import { LiveCluster } from '../tree/live-cluster';
import { plural } from '../util/words';
import { inBackground } from '../util/log';
import { NO_FILTERS, type NamespaceCounts, type TreeFilters, type WorkloadEntry } from '../tree/model';
import type { ConsumerEntry, ConsumerModel } from '../tree/consumers';
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
  '--no-consumers': {},
  '--verbose': {},
};

export const WORKLOADS_HELP = `Usage: wi-doctor workloads [options]

Lists the workloads of the kubeconfig's cluster (Deployments, StatefulSets, DaemonSets,
CronJobs, Jobs) with their Workload Identity state, as the editor's sidebar shows them:
wired and injected, broken (and why: what "wi-doctor diagnose" would fail), with a warning
(what it would warn about, e.g. no pod to check), or not using Workload Identity. The cluster
side only: Azure, the token and the logs are for "wi-doctor diagnose".
One list per kind, across all namespaces (or one namespace with -n). Below each namespace's
workloads, its "Secrets & controllers": the SecretProviderClasses, KEDA TriggerAuthentications,
External Secrets stores, cert-manager issuers and Flux sources that use an Azure identity, with whose
ServiceAccount token they use and what is wrong (the cluster-wide kinds last). A kind whose CRD
is not installed is left out without a word.

  -n, --namespace <ns>          Only this namespace (needs list rights there only)
  --context <name>              A kubeconfig context other than the current one
  --kubeconfig <path>           A kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  -f, --format <text|json>      Output format (default: text)
  --only-problems               Only broken workloads and those with a warning
  --all                         Also the workloads (and objects) that do not use Workload Identity
  --no-consumers                Only the workloads: no request for the controllers' objects
  --filter <text>               Only workloads whose name (or namespace/name) contains it
  --timeout <seconds>           Per-request timeout, its retries and the waits the server asks for included (default: 10)
  --no-color                    No colours in text output
  --verbose                     Also print, on stderr, what the cluster caches log: a watch
                                listener or an informer loop that failed (a bug to report)

Exit codes: 0 nothing broken; 1 a workload or one of those objects is broken; 2 the workloads
could not be listed.
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

interface JsonConsumer {
  kind: string;
  /** Absent for the cluster-wide kinds. */
  namespace?: string;
  name: string;
  level: StatusLevel;
  status: string;
  lines: { level: StatusLevel; text: string }[];
  /** The workloads whose ServiceAccount token it uses (`namespace/Kind/name`). */
  carriers: string[];
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
  const withConsumers = !parsed.flags.has('--no-consumers');
  const live = new LiveCluster({
    open: () => watchSource({ kubeconfig: parsed.options.get('--kubeconfig')?.[0], context: parsed.options.get('--context')?.[0], timeoutMs: timeout * 1000, env }),
    ...(namespace ? { namespace } : {}),
    // One pass: a failure is reported at once, not retried.
    cache: { initialBackoffMs: 60_000 },
    log,
    consumers: withConsumers,
  });
  const onAbort = (): void => inBackground(log, 'stopping the watches after an interrupt failed', live.stop());
  io.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    live.start();
    const settled = live.whenSettled().then(() => live.whenConsumersSettled());
    await Promise.race([settled, new Promise<void>((resolve) => io.signal?.addEventListener('abort', () => resolve(), { once: true }))]);
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
    if (s.phase === 'ready') for (const u of s.consumersUnreadable ?? []) notes.push(`${u.resource}: not readable (${u.message}), left out`);
    if (model.webhookUp() === false) notes.push('The Workload Identity webhook is not installed or has no ready replica: no pod gets a token.');
    const consumers = live.consumers;
    const namespaces = model.namespaceNames().filter((ns) => !namespace || ns === namespace);
    // A namespace with consumer objects but no workload shown is a row too.
    const withObjects = consumers ? [...new Set([...namespaces, ...consumerNamespaces(consumers, filters)])].filter((ns) => !namespace || ns === namespace).sort() : namespaces;
    const rows = withObjects
      .map((ns) => ({ ns, counts: model.counts(ns, filters), workloads: model.workloads(ns, undefined, filters), objects: consumers?.consumers(ns, filters) ?? [] }))
      .filter((r) => r.workloads.length || r.objects.length);
    const clusterWide = namespace ? [] : (consumers?.consumers(undefined, filters) ?? []);
    const all = rows.flatMap((r) => r.workloads);
    const objects = [...rows.flatMap((r) => r.objects), ...clusterWide];
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
        ...(consumers ? { consumers: objects.map(jsonConsumer) } : {}),
      };
      io.stdout.json(JSON.stringify(out, null, 2) + '\n');
    } else {
      const color = io.stdout.isTTY && !parsed.flags.has('--no-color') && !env.NO_COLOR;
      // Every name and sentence from the cluster on one line of its own (a newline in one is shown as `\n`).
      const one = (s: string): string => neutralise(s);
      const tint = (level: StatusLevel, text: string): string => (color ? paint(COLOR[level], text) : text);
      const lines = [`Workload Identity in context ${one(id.context)} (${one(displayUrl(id.server))})`, ...notes.map((n) => `  note: ${one(n)}`), ''];
      for (const r of rows) {
        lines.push(`${one(r.ns)}  (${[r.workloads.length || !r.objects.length ? describeCounts(r.counts) : '', r.objects.length ? describeCount(r.objects) : ''].filter(Boolean).join('; ')})`);
        for (const w of r.workloads) {
          lines.push(`  ${tint(w.status.level, MARK[w.status.level])} ${w.kind.padEnd(11)} ${one(w.name)}  ${tint(w.status.level, one(w.status.short))}`);
          for (const f of problems(w)) lines.push(`      ${one(f)}`);
        }
        for (const e of r.objects) consumerLines(e, lines, tint, one);
      }
      if (clusterWide.length) {
        lines.push('Cluster-wide');
        for (const e of clusterWide) consumerLines(e, lines, tint, one);
      }
      if (!rows.length && !clusterWide.length) lines.push(describeEmpty(filters));
      lines.push('', `${plural(total.workloads, 'workload')} in ${plural(namespaces.length, 'namespace')}: ${total.workloadIdentity} ${total.workloadIdentity === 1 ? 'uses' : 'use'} Workload Identity, ${problemWords(total) || 'none broken or with a warning'}.`);
      if (consumers) lines.push(describeObjects(objects));
      io.stdout.write(lines.join('\n') + '\n');
    }
    return all.some((w) => w.status.level === 'error') || objects.some((e) => e.level === 'error') ? 1 : 0;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await live.stop();
  }
}

/** The namespaces holding consumer objects that pass the filters. */
function consumerNamespaces(model: ConsumerModel, filters: TreeFilters): string[] {
  return model.namespaces().filter((ns) => model.consumers(ns, filters).length > 0);
}

/** A consumer object's line, and its error and warning lines below it. */
function consumerLines(e: ConsumerEntry, lines: string[], tint: (level: StatusLevel, text: string) => string, one: (s: string) => string): void {
  lines.push(`  ${tint(e.level, MARK[e.level])} ${e.kind.padEnd(11)} ${one(e.name)}  ${tint(e.level, one(e.short))}`);
  if (e.level !== 'error' && e.level !== 'warning') return;
  for (const l of e.lines) if (l.level === 'error' || l.level === 'warning') lines.push(`      ${one(l.text)}`);
}

function jsonConsumer(e: ConsumerEntry): JsonConsumer {
  return { kind: e.kind, ...(e.namespace !== undefined ? { namespace: e.namespace } : {}), name: e.name, level: e.level, status: e.short, lines: e.lines.map((l) => ({ level: l.level, text: l.text })), carriers: [...e.carriers].sort() };
}

/** `1 broken, 2 with a warning`; '' when neither. */
function problemWords(c: { errors: number; warnings: number }): string {
  return [c.errors ? `${c.errors} broken` : '', c.warnings ? `${c.warnings} with a warning` : ''].filter(Boolean).join(', ');
}

/** The broken and warning counts of consumer objects. */
function levelsOf(objects: readonly ConsumerEntry[]): { errors: number; warnings: number } {
  return { errors: objects.filter((e) => e.level === 'error').length, warnings: objects.filter((e) => e.level === 'warning').length };
}

/** `2 objects, 1 broken` (a namespace's Secrets & controllers). */
function describeCount(objects: readonly ConsumerEntry[]): string {
  return [plural(objects.length, 'object'), problemWords(levelsOf(objects))].filter(Boolean).join(', ');
}

function describeObjects(objects: readonly ConsumerEntry[]): string {
  if (!objects.length) return 'No SecretProviderClass, KEDA TriggerAuthentication, External Secrets store, cert-manager issuer or Flux source shown uses an Azure identity.';
  return `${plural(objects.length, 'object')} a controller authenticates for (Secrets & controllers): ${problemWords(levelsOf(objects)) || 'none broken or with a warning'}.`;
}

function problems(w: WorkloadEntry): string[] {
  return w.status.findings.filter((f) => f.level === 'error' || f.level === 'warning').map((f) => f.message);
}

function describeCounts(c: NamespaceCounts): string {
  return [plural(c.workloads, 'workload'), problemWords(c)].filter(Boolean).join(', ');
}

function describeEmpty(f: TreeFilters): string {
  if (f.onlyProblems) return 'No broken workload, and none with a warning.';
  if (f.onlyWorkloadIdentity) return 'No workload uses Workload Identity (--all lists the others).';
  return 'No workloads.';
}
