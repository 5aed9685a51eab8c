// The kubectl side of the sidebar tree's benchmark (scripts/bench/tree.ts): the tree the way
// vscode-kubernetes-tools builds its explorer, one `kubectl get <what> -o json` process per folder
// expansion, against the same fake API server; the server's request log counts the requests.

import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FakeKube, RequestRecord } from '../../test/fake-kube/server';
import { runProcess, stats, type Proc, type Stats } from './shared';

/** The folders of one namespace in vscode-kubernetes-tools' explorer that hold what our tree shows. */
export const FOLDERS = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'pods', 'serviceaccounts'] as const;

// ---- kubectl, one process per folder expansion -----------------------------------------------------

interface KubectlCall {
  what: string;
  namespace?: string;
}

export interface KubectlRun {
  /** Namespaces measured (all, or a deterministic sample). */
  namespacesMeasured: number;
  namespacesTotal: number;
  processes: number;
  failed: number;
  requests: number;
  /** Requests by kind: dispatcher's GET /version, lists, discovery, other. */
  requestKinds: Record<string, number>;
  wallMs: number;
  perProcess: Stats;
  /** Objects the outputs held: workloads (the five kinds), pods, ServiceAccounts. */
  objects: { workloads: number; pods: number; serviceAccounts: number; namespaces: number };
  /** When sampled: the same figures for every namespace, extrapolated linearly. */
  extrapolated?: { processes: number; requests: number; wallMs: number };
}

export function kubectlEnv(work: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: work, LANG: 'C', NO_COLOR: '1' };
}

export function kubectlArgs(kubeconfig: string, cache: string, c: KubectlCall): string[] {
  return ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'get', c.what, ...(c.namespace ? ['-n', c.namespace] : []), '-o', 'json'];
}

function callsFor(namespaces: string[]): KubectlCall[] {
  return [{ what: 'namespaces' }, ...namespaces.flatMap((namespace) => FOLDERS.map((what) => ({ what, namespace })))];
}

/** Runs the calls `concurrency` at a time; each result at its call's index. */
async function pool(calls: KubectlCall[], concurrency: number, one: (c: KubectlCall) => Promise<Proc>): Promise<Proc[]> {
  const out = new Array<Proc>(calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls.length) {
      const i = next++;
      out[i] = await one(calls[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, worker));
  return out;
}

function itemsOf(p: Proc): number {
  try {
    return ((JSON.parse(p.stdout) as { items?: unknown[] }).items ?? []).length;
  } catch {
    return 0;
  }
}

function requestKind(r: RequestRecord): string {
  if (r.path === '/version') return 'version';
  if (r.path === '/api' || r.path === '/apis' || /^\/apis?\/[^/]+(\/[^/]+)?$/.test(r.path)) return 'discovery';
  if (r.method === 'GET' && !r.query.watch) return 'list';
  return 'other';
}

/**
 * One expansion at a time: `get namespaces`, then the 7 folders of the first namespace, twice.
 * What a user waits for per click, without another kubectl competing for the CPU.
 */
export async function kubectlOneAtATime(kubectl: string, kubeconfig: string, cache: string, env: NodeJS.ProcessEnv, namespace: string): Promise<OneAtATime> {
  const all: number[] = [];
  const namespaces: number[] = [];
  for (let rep = 0; rep < 2; rep++) {
    for (const c of callsFor([namespace])) {
      const { ms } = await runProcess(kubectl, kubectlArgs(kubeconfig, cache, c), env);
      all.push(ms);
      if (c.what === 'namespaces') namespaces.push(ms);
    }
  }
  return { all: stats(all), namespaces: stats(namespaces) };
}

export interface OneAtATime {
  /** Every call of one namespace's expansions (and `get namespaces`), twice. */
  all: Stats;
  /** `get namespaces` alone: the first paint of that tree. */
  namespaces: Stats;
}

/** Peak RSS of one kubectl process (the largest of the dispatcher and the kubectl it runs), by GNU time. */
export async function kubectlPeakRss(kubectl: string, kubeconfig: string, cache: string, env: NodeJS.ProcessEnv, namespace: string): Promise<{ kb: number; how: string } | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  let kb = 0;
  for (const c of callsFor([namespace])) {
    const p = await runProcess('/usr/bin/time', ['-f', 'maxrss_kb=%M', kubectl, ...kubectlArgs(kubeconfig, cache, c)], env);
    kb = Math.max(kb, Number(/maxrss_kb=(\d+)/.exec(p.stderr)?.[1] ?? 0));
  }
  return kb ? { kb, how: '`/usr/bin/time -f %M` (GNU time: the maximum resident set size of the process and the children it waited for), the largest over the 8 kinds of call' } : undefined;
}

/** The namespaces in ROUNDS interleaved rounds (j % ROUNDS in the order 0, 4, 2, 6, 1, 5, 3, 7), so any number of whole rounds is a spread sample. */
const ROUNDS = [0, 4, 2, 6, 1, 5, 3, 7];

/**
 * The whole tree, `concurrency` calls at a time: `get namespaces`, then the folders of every
 * namespace, round by round. A round that would end past the budget (judged by the rounds so far)
 * is not started, and the figures are extrapolated linearly from the namespaces measured; so is
 * a --kubectl-namespaces sample.
 */
export async function runKubectl(kube: FakeKube, o: { kubectl: string; kubeconfig: string; namespaces: string[]; concurrency: number; sample?: number; budgetS: number }, cache: string, env: NodeJS.ProcessEnv): Promise<KubectlRun> {
  const N = o.namespaces.length;
  let order = ROUNDS.map((r) => o.namespaces.filter((_, j) => j % ROUNDS.length === r));
  if (o.sample !== undefined) order = [order.flat().slice(0, Math.min(o.sample, N))];
  const one = (c: KubectlCall) => runProcess(o.kubectl, kubectlArgs(o.kubeconfig, cache, c), env);
  kube.resetRequests();
  const t0 = performance.now();
  const calls: KubectlCall[] = [{ what: 'namespaces' }];
  const procs: Proc[] = [await one(calls[0]!)];
  let n = 0;
  for (const round of order) {
    const elapsed = performance.now() - t0;
    if (n && elapsed + (elapsed / n) * round.length > o.budgetS * 1000) break;
    const rc = round.flatMap((namespace) => FOLDERS.map((what) => ({ what, namespace })));
    calls.push(...rc);
    procs.push(...(await pool(rc, o.concurrency, one)));
    n += round.length;
  }
  const wallMs = performance.now() - t0;
  const reqs = kube.requests.slice();
  const requestKinds: Record<string, number> = {};
  for (const r of reqs) requestKinds[requestKind(r)] = (requestKinds[requestKind(r)] ?? 0) + 1;
  const objects = { workloads: 0, pods: 0, serviceAccounts: 0, namespaces: 0 };
  procs.forEach((p, i) => {
    const what = calls[i]!.what;
    const k = what === 'pods' ? 'pods' : what === 'serviceaccounts' ? 'serviceAccounts' : what === 'namespaces' ? 'namespaces' : 'workloads';
    objects[k] += itemsOf(p);
  });
  const failed = procs.filter((p) => p.status !== 0);
  if (failed.length) console.error(`kubectl: ${failed.length} calls failed, first: ${failed[0]!.stderr.split('\n')[0]}`);
  const run: KubectlRun = { namespacesMeasured: n, namespacesTotal: N, processes: calls.length, failed: failed.length, requests: reqs.length, requestKinds, wallMs, perProcess: stats(procs.map((p) => p.ms)), objects };
  if (n < N) {
    const f = (1 + FOLDERS.length * N) / calls.length;
    run.extrapolated = { processes: 1 + FOLDERS.length * N, requests: Math.round(reqs.length * f), wallMs: wallMs * f };
  }
  return run;
}
