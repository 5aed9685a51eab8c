// The last diagnosis of a workload, laid over its item in the sidebar tree, so the tree and the
// report never contradict each other: after "Diagnose Workload Identity" (or the re-check after a
// fix) the item shows that diagnosis's verdict and time — "✗ federated-credential · diagnosed
// 10:42" — until the cluster changes the workload, its ServiceAccount or its pods as the tree's
// watch sees them; then the tree's own state (the cluster side only) again. No `vscode` here.
//
// "Changes" is judged by resourceVersions, not by time: an overlay remembers the versions the
// diagnosis read (`seen`) and the versions the tree held when it was recorded (`atRecord`). The
// tree's watch may lag the diagnosis's own reads by a moment (a fix's re-check reads the patched
// ServiceAccount before the watch event arrives), so either is accepted; any other version means
// the cluster changed since, and the overlay is dropped for good.

import type { KubeObject, Pod } from '../cluster/types';
import type { DiagnosisReport, WorkloadRef } from '../checkpoints/types';
import { clean, verdict, type Verdict } from '../render/report/common';
import { plural } from '../util/words';
import type { StatusLevel } from './workload-status';

/**
 * The versions of what a workload's state depends on: the workload, its ServiceAccount (null: it
 * does not exist) and its current pods. An undefined part is not known (not read, still listing).
 */
export interface WorkloadFingerprint {
  workload?: string;
  serviceAccount?: string | null;
  pods?: string;
}

type Part = keyof WorkloadFingerprint;
const PARTS: readonly Part[] = ['workload', 'serviceAccount', 'pods'];

/** The fingerprint of objects at hand (read by a diagnosis, or in the tree's caches). */
export function fingerprintOf(parts: { workload?: KubeObject; serviceAccount?: KubeObject | null; pods?: readonly Pod[] }): WorkloadFingerprint {
  const out: WorkloadFingerprint = {};
  if (parts.workload) out.workload = parts.workload.metadata.resourceVersion ?? '';
  if (parts.serviceAccount !== undefined) out.serviceAccount = parts.serviceAccount ? (parts.serviceAccount.metadata.resourceVersion ?? '') : null;
  if (parts.pods) out.pods = parts.pods.map((p) => `${p.metadata.name}@${p.metadata.resourceVersion ?? ''}`).sort().join(',');
  return out;
}

export interface DiagnosisOverlay {
  context: string;
  /** The API server: a context of the same name on another cluster is another workload. */
  server: string;
  workload: WorkloadRef;
  /** The diagnosis's verdict kind (its icon in the tree is the report's for the same kind). */
  kind: Verdict['kind'];
  level: StatusLevel;
  /** The item's description, e.g. `✗ Federated credential · diagnosed 10:42` (checkpoints by their titles). */
  description: string;
  /** The report's verdict line, redacted, for the tooltip. */
  verdict: string;
  /** When the diagnosis shown ran (the report's startedAt: a re-check's own time). */
  at: Date;
}

/** `10:42`, in the extension host's time zone. */
export function clockTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The overlay a report calls for; undefined when it says nothing about the workload: not found (no
 * such workload to mark) or cancelled (nothing was concluded).
 */
export function overlayOf(report: DiagnosisReport): DiagnosisOverlay | undefined {
  const v = verdict(report);
  const at = new Date(report.startedAt);
  const when = `diagnosed ${clockTime(at)}`;
  let level: StatusLevel;
  let what: string;
  switch (v.kind) {
    case 'not-found':
    case 'cancelled':
      return undefined;
    case 'fail':
      level = 'error';
      what = `✗ ${v.failure!.title}`;
      break;
    case 'incomplete':
      // A fault is not a verdict about the workload: a warning naming what was not checked, never ✗.
      level = 'warning';
      what = `! not checked: ${v.faults.map((f) => f.title).join(', ')}`;
      break;
    case 'warn': {
      level = 'warning';
      const warned = report.checkpoints.filter((c) => c.status === 'warn' && c.fault === undefined).map((c) => c.title);
      what = `! ${plural(warned.length, 'warning')}: ${warned.join(', ')}`;
      break;
    }
    case 'partial': {
      level = 'ok';
      const skipped = report.checkpoints.filter((c) => c.status === 'skipped').length;
      what = `– no check failed, ${skipped} skipped`;
      break;
    }
    case 'pass':
      level = 'ok';
      what = '✓ all checks passed';
      break;
  }
  return { context: report.context, server: report.server, workload: report.workload, kind: v.kind, level, description: `${what} · ${when}`, verdict: clean(v.text), at };
}

interface Held {
  overlay: DiagnosisOverlay;
  /** Per part, the versions that are not a change: what the diagnosis read, what the tree held when recorded. */
  accepted: Record<Part, Set<string | null>>;
}

/** Where a workload is: its kube context and API server. */
export interface Place {
  context: string;
  server: string;
}

function overlayKey(at: Place, w: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'>): string {
  return [at.context, at.server, w.namespace, w.kind, w.name].join('\u0000');
}

/** The fingerprint of a workload as the tree holds it now; undefined when the tree does not show that cluster. */
export type FingerprintSource = (at: Place, w: WorkloadRef) => WorkloadFingerprint | undefined;

/** The overlays of every workload diagnosed in this window; the diagnoser records, the tree looks up. */
export class DiagnosisOverlays {
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<() => void>();
  /** Set by the tree: what it holds of a workload now, read when an overlay is recorded. */
  source: FingerprintSource | undefined;

  /**
   * Records the diagnosis shown for a workload (replacing any earlier one). `seen`: the versions
   * the diagnosis read. A report that concludes nothing (not found, cancelled) clears it.
   */
  record(report: DiagnosisReport, seen: WorkloadFingerprint): void {
    const at: Place = { context: report.context, server: report.server };
    const key = overlayKey(at, report.workload);
    const overlay = overlayOf(report);
    if (!overlay) {
      if (this.held.delete(key)) this.emit();
      return;
    }
    const tree = this.source?.(at, report.workload);
    const accepted = {} as Held['accepted'];
    for (const part of PARTS) {
      accepted[part] = new Set();
      for (const f of [seen, tree]) if (f?.[part] !== undefined) accepted[part].add(f[part]!);
    }
    this.held.set(key, { overlay, accepted });
    this.emit();
  }

  /**
   * The overlay of a workload, given what the tree holds of it now; undefined (and forgotten) once
   * the tree has seen the cluster change the workload, its ServiceAccount or its pods.
   */
  lookup(at: Place, w: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'>, now: WorkloadFingerprint): DiagnosisOverlay | undefined {
    const key = overlayKey(at, w);
    const h = this.held.get(key);
    if (!h) return undefined;
    for (const part of PARTS) {
      const v = now[part];
      if (v === undefined) continue; // not known now (the pods still being listed): no change seen
      const ok = h.accepted[part];
      // Neither the diagnosis nor the tree knew it when recorded: its first version is the baseline.
      if (!ok.size) ok.add(v);
      else if (!ok.has(v)) {
        this.held.delete(key);
        return undefined;
      }
    }
    return h.overlay;
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
