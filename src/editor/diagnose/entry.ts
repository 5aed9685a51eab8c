// What the editor keeps of each workload it diagnosed, shared by the Diagnoser and its fix flows
// (src/editor/diagnose/fix-flow.ts): the last Diagnosis (a fix re-runs only the checkpoints it
// affects, with the state the first run established; its context holds the AzureApi that run
// used, so an Azure fix is written through the same sign-in it was found with), what it read (the
// sidebar's overlay), and when a fix last changed the workload (so log lines written before it are
// told apart).

import type { ConsumerTarget } from '../../checkpoints/consumer-target';
import type { Diagnosis, RunHooks } from '../../checkpoints/runner';
import type { CheckpointId, DiagnosisReport, WorkloadRef } from '../../checkpoints/types';
import type { HtmlOptions } from '../../render/report/html';
import type { DiagnosePrompts } from '../prompts';
import type { SeenObjects } from './seen-objects';

export interface DiagnosisEntry {
  key: string;
  /** The workload the checkpoints ran on (for a consumer, the one that carries its identity). */
  target: WorkloadRef;
  /** Set when the diagnosis started from a consumer object (a SecretProviderClass, …): the entry is that object's. */
  consumer?: ConsumerTarget;
  /** The context the user asked for (an argument), kept so Re-run asks for the same one. */
  contextOverride?: string;
  diagnosis: Diagnosis;
  /** The cluster the diagnosis (and its fixes and re-checks) went through, remembering what it read. */
  reads: SeenObjects;
  busy: boolean;
  /**
   * When a fix (cluster or Azure) was last applied to this workload, from the report or the
   * sidebar: passed to the re-check and to later fresh diagnoses (Re-run), so log lines written
   * before it are told apart from those written after.
   */
  lastChangeAt?: Date;
}

/** The key of a diagnosed object: a workload, or a consumer object (`namespace` empty for a cluster-scoped one). */
export function workloadKey(context: string, w: { namespace?: string; kind: string; name: string }): string {
  return `${context}\u0000${w.namespace ?? ''}\u0000${w.kind}\u0000${w.name}`;
}

/** What an entry is the diagnosis of: its consumer object, else its workload. */
export function subjectOf(entry: Pick<DiagnosisEntry, 'target' | 'consumer'>): { namespace?: string; kind: string; name: string } {
  return entry.consumer ? entry.consumer.ref : entry.target;
}

export type Notice = NonNullable<HtmlOptions['notice']>;

/** What a fix flow needs of the Diagnoser: its prompts, the report view, the re-check and publishing. */
export interface FixHost {
  readonly prompts: DiagnosePrompts;
  /** Says what is in progress in the workload's report view, or clears it with a notice. */
  setBusy(entry: DiagnosisEntry, busy: string | undefined, notice?: Notice): void;
  /** A line in the output channel. */
  log(line: string): void;
  /** Re-runs `ids` (and what depends on them) with the entry's state, after a fix changed the workload. */
  recheck(entry: DiagnosisEntry, ids: readonly CheckpointId[], hooks: RunHooks, signal: AbortSignal): Promise<Diagnosis>;
  /** Shows the entry's (new) report everywhere: output, report view, sidebar, event. */
  publish(entry: DiagnosisEntry, notice?: Notice): void;
}

/** A report a fix flow resolves to: the re-checked report, or undefined when nothing was applied. */
export type FixOutcome = Promise<DiagnosisReport | undefined>;
