// The measured side of the tree benchmark (scripts/bench/tree.ts): bundled by it with esbuild the
// way the extension is (minified, with the Kubernetes client in a kube.js of its own beside it,
// loaded on first use by connect.ts), then run as its own Node process with Node's default flags
// (no --expose-gc, no heap-size flags: the extension host takes none), so the memory it reports is
// the tree's share, as the extension host's would be, and is never measured after a forced GC.
//
// It gets { kubeconfig } over IPC, builds the tree the way src/editor/tree does (watchSource +
// LiveCluster, then the nodes of src/tree/nodes.ts): a first paint as soon as the live cluster has
// something to show (the view draws then: the workloads and ServiceAccounts listed, the pods maybe
// still being listed), then the whole tree once everything is listed; and sends back a
// TreeChildResult.

import { performance } from 'node:perf_hooks';
import { watchSource } from '../../src/cluster/connect';
import { LiveCluster } from '../../src/tree/live-cluster';
import { NO_FILTERS } from '../../src/tree/model';
import { childNodes, rootNodes, type TreeNode } from '../../src/tree/nodes';

type Level = 'ok' | 'error' | 'warning' | 'muted';
export type LevelCounts = Record<Level, number>;

export interface TreeChildResult {
  phase: string;
  /** The open() callback: loading the Kubernetes client's bundle and the kubeconfig. */
  openMs: number;
  /** From start() to the first paint's data: the workloads and ServiceAccounts listed (the pods maybe not yet). */
  firstListedMs: number;
  /** + the context node's children then: every namespace with its counts, from the workloads' specs while the pods are being listed. */
  firstPaintMs: number;
  /** Whether the pods were still being listed at the first paint. */
  firstPaintPodsPending: boolean;
  /** From start() to LiveCluster settled (every list done, the pods included). */
  settledMs: number;
  /** Settled + the context node's children: every namespace with its final counts (every workload's status with its pods). */
  paintMs: number;
  /** + every namespace's folders, every folder's workloads and ServiceAccounts. */
  fullMs: number;
  /** + every workload's children (ServiceAccount, pods, findings). */
  expandedMs: number;
  /** One folder's expansion once painted: the median over every folder (ms). */
  expandMedianMs: number;
  clientRequests: number;
  nodes: { namespaces: number; folders: number; workloads: number; serviceAccounts: number; pods: number; findings: number };
  /** Per namespace, its workloads by level. */
  levels: Record<string, LevelCounts>;
  /** Change notifications after the first paint (until 1 s passed without one, at most 5 s), and a repaint after them. */
  lateChanges: { keys: number | 'all'; afterPaintMs: number }[];
  repaintMs?: number;
  /**
   * Bytes. rss/heap*: right after the full tree (nothing collected on purpose); peakRss: the
   * largest RSS of the run, the larger of a sample every 50 ms and the kernel's high-water mark
   * (process.resourceUsage().maxRSS) at the end; idle: after sitting watching for idleMs.
   */
  memory: { baseRss: number; baseHeap: number; rss: number; heapUsed: number; heapTotal: number; external: number; peakRss: number; peakSampledRss: number; idle?: { afterMs: number; rss: number; heapUsed: number; heapTotal: number } };
}

/** Samples the RSS every `ms` until stopped: the largest seen. The timer never keeps the process alive. */
function rssSampler(ms: number): { peak: () => number; stop: () => void } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), ms);
  timer.unref();
  return { peak: () => Math.max(peak, process.memoryUsage.rss()), stop: () => clearInterval(timer) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2) : 0;
}

async function run(kubeconfig: string, idleMs: number): Promise<TreeChildResult> {
  const base = process.memoryUsage();
  const sampler = rssSampler(50);
  let openMs = 0;
  const t0 = performance.now();
  const live = new LiveCluster({
    // As the editor's view: the consumer kinds too (on the bench's cluster, without their CRDs, a 404 each).
    consumers: true,
    open: () => {
      const t = performance.now();
      const r = watchSource({ kubeconfig, userAgent: 'wi-doctor-vscode/bench (tree)' });
      openMs = performance.now() - t;
      return r;
    },
    // A bug the caches catch (a listener that threw) would make the numbers meaningless: said on stderr.
    log: { info: () => undefined, warn: (m) => void process.stderr.write(`tree-child: ${m}\n`), error: (m) => void process.stderr.write(`tree-child: ${m}\n`) },
  });
  live.start();
  const paint = (): TreeNode[] => rootNodes(live).flatMap((r) => childNodes(live, r, NO_FILTERS));
  // What the view draws first: as soon as the workloads and ServiceAccounts are listed.
  await live.whenPainted();
  const firstListedMs = performance.now() - t0;
  const firstPaintPodsPending = live.state.phase === 'ready' && !!live.state.podsPending;
  paint();
  const firstPaintMs = performance.now() - t0;
  await live.whenSettled();
  const settledMs = performance.now() - t0;
  const namespaces = paint().filter((n) => n.type === 'namespace');
  const paintMs = performance.now() - t0;
  // The view asks again whenever the live cluster says something changed: note what does.
  const lateChanges: TreeChildResult['lateChanges'] = [];
  let onChange: (() => void) | undefined;
  live.onDidChange((e) => {
    lateChanges.push({ keys: e.keys ? e.keys.size : 'all', afterPaintMs: performance.now() - t0 - paintMs });
    onChange?.();
  });

  const nodes = { namespaces: namespaces.length, folders: 0, workloads: 0, serviceAccounts: 0, pods: 0, findings: 0 };
  const levels: Record<string, LevelCounts> = {};
  const workloads: TreeNode[] = [];
  const expansions: number[] = [];
  for (const ns of namespaces) {
    if (ns.type !== 'namespace') continue;
    const folders = childNodes(live, ns, NO_FILTERS).filter((n) => n.type === 'folder');
    nodes.folders += folders.length;
    const c = (levels[ns.namespace] = { ok: 0, error: 0, warning: 0, muted: 0 });
    for (const f of folders) {
      const te = performance.now();
      const items = childNodes(live, f, NO_FILTERS);
      expansions.push(performance.now() - te);
      for (const n of items) {
        if (n.type === 'workload') {
          nodes.workloads++;
          c[n.level]++;
          workloads.push(n);
        } else if (n.type === 'serviceAccount') nodes.serviceAccounts++;
      }
    }
  }
  const fullMs = performance.now() - t0;
  for (const w of workloads) {
    for (const n of childNodes(live, w, NO_FILTERS)) {
      if (n.type === 'pod') nodes.pods++;
      else if (n.type === 'finding') nodes.findings++;
    }
  }
  const expandedMs = performance.now() - t0;

  // Wait for notifications still on their way (each batch is 100 ms after its changes): until 1 s
  // passes without one, at most 5 s in all.
  const quietUntil = performance.now() + 5000;
  for (;;) {
    const seen = lateChanges.length;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, Math.min(1000, quietUntil - performance.now())));
      onChange = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    onChange = undefined;
    if (lateChanges.length === seen || performance.now() >= quietUntil) break;
  }
  let repaintMs: number | undefined;
  if (lateChanges.length) {
    const tr = performance.now();
    paint();
    repaintMs = performance.now() - tr;
  }
  const m = process.memoryUsage();
  // The steady state: the view open, watching, nothing happening for a while — what it holds for
  // hours, with whatever garbage collection V8 did on its own (none is forced).
  let idle: TreeChildResult['memory']['idle'];
  if (idleMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const i = process.memoryUsage();
    idle = { afterMs: idleMs, rss: i.rss, heapUsed: i.heapUsed, heapTotal: i.heapTotal };
  }
  const result: TreeChildResult = {
    phase: live.state.phase,
    openMs,
    firstListedMs,
    firstPaintMs,
    firstPaintPodsPending,
    settledMs,
    paintMs,
    fullMs,
    expandedMs,
    expandMedianMs: median(expansions),
    clientRequests: live.requestCount,
    nodes,
    levels,
    lateChanges,
    ...(repaintMs !== undefined ? { repaintMs } : {}),
    memory: { baseRss: base.rss, baseHeap: base.heapUsed, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, peakRss: 0, peakSampledRss: 0, ...(idle ? { idle } : {}) },
  };
  sampler.stop();
  result.memory.peakSampledRss = sampler.peak();
  // maxRSS is in kilobytes: the kernel's high-water mark, which catches a peak between two samples.
  result.memory.peakRss = Math.max(result.memory.peakSampledRss, process.resourceUsage().maxRSS * 1024);
  await live.stop();
  return result;
}

if (process.send) {
  process.once('message', (m) => {
    const { kubeconfig, idleMs } = m as { kubeconfig: string; idleMs?: number };
    run(kubeconfig, idleMs ?? 0).then(
      (r) => process.send!(r, () => process.exit(0)),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
