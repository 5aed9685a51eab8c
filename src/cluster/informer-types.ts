// The vocabulary of the informer (informer.ts): its states, change batches, options and keys,
// and what every cache keeps of an object (slim). Split from informer.ts to keep each file short;
// informer.ts re-exports all of it.

import { qualifiedResource } from './resources';
import { flat } from '../util/flat';
import type { Logger } from '../util/log';
import type { KubeFailureKind, KubeObject, ResourceType } from './types';

// ---- The cache ---------------------------------------------------------------------------------

export type SyncState = 'syncing' | 'synced' | 'stale';

/** Why the cache is stale: the last failure, in words a user can act on. */
export interface StaleReason {
  kind: KubeFailureKind;
  /** e.g. "Forbidden: you may not watch deployments.apps (403). Ask for a Role that grants ..." */
  message: string;
  /** The verb and resource that failed (`watch`, `deployments.apps`). */
  verb?: string;
  resource?: string;
  status?: number;
  /** When the cache went stale (ms since the epoch). */
  since: number;
}

export interface CacheState {
  state: SyncState;
  /** Only when stale. */
  reason?: StaleReason;
}

export type ChangeType = 'added' | 'modified' | 'deleted';

/** One coalesced notification: every key that changed within the batch window. */
export interface ChangeBatch {
  /** objectKey()s, e.g. `deployments.apps/payments/api`, `namespaces/payments`. */
  keys: Set<string>;
  /** The net change per key over the batch (added then deleted → deleted). */
  changes: Map<string, ChangeType>;
}

export interface CacheStats {
  /** List requests' logical lists (one per kind per (re)list, however many pages). */
  lists: number;
  /** Watches started. */
  watches: number;
  /** Re-lists because of 410 Gone. */
  relists: number;
  /** Reconnects after a failure (each after a backoff). */
  retries: number;
}

export interface ResourceCacheOptions {
  /** Page size of the lists. Default 500. */
  pageSize?: number;
  /** Coalescing window of change notifications. Default 100 ms. */
  batchMs?: number;
  /** First wait after a failure; doubles each time. Default 500 ms. */
  initialBackoffMs?: number;
  /** Cap of the wait. Default 30 s. */
  maxBackoffMs?: number;
  /** Random share added to each wait (0..1). Default 0.2. */
  jitter?: number;
  /** A watch that ends cleanly sooner than this is followed by a backoff wait (no hot loop). Default 1 s. */
  minWatchMs?: number;
  /** List and watch namespaced kinds in this namespace only (when the user may not list them cluster-wide). Default: cluster-wide. */
  namespace?: string;
  /** What to keep of each object (after `slim`): a cache of thousands of pods need not keep their status conditions. */
  keep?: (type: ResourceType, o: KubeObject) => KubeObject;
  /**
   * The kinds of which only the metadata is read (a ServiceAccount's annotations, a Namespace's
   * labels): listed and watched as PartialObjectMetadata, so neither the wire nor the parse
   * carries the rest.
   */
  metadataOnly?: (type: ResourceType) => boolean;
  /**
   * Kinds listed only once every other kind has been listed (or has failed): the sidebar's pods,
   * by far the longest list, parsed on the same thread as the workloads' lists that the first
   * paint waits for. Default: none (every kind at once).
   */
  listLast?: (type: ResourceType) => boolean;
  /**
   * Kinds the cluster may not serve (a custom resource whose CRD is not installed), each with the
   * older versions to try (`[v1beta1]` after `v1`; empty: none). For such a kind a list answering
   * 404 tries the next version, and when none is left the kind is ABSENT: listed, empty, never
   * watched nor retried (Refresh asks again). A 403 is final too: the kind stays stale with the
   * reason, and is not retried. Other failures retry with backoff like any kind's. Default: none.
   */
  optional?: (type: ResourceType) => readonly ResourceType[] | undefined;
  /** Where a listener that threw or a loop that failed is told of (they do not stop the rest). Default: nowhere. */
  log?: Logger;
}

/** `deployments.apps/payments/api`; cluster-scoped: `namespaces/payments`. */
export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  // Flat: a cache holds one per object, for as long as the object is cached.
  return flat(type.namespaced ? `${qualifiedResource(type)}/${namespace ?? ''}/${name}` : `${qualifiedResource(type)}/${name}`);
}

/**
 * What a cache keeps of an object: all of it but `metadata.managedFields` and kubectl's
 * last-applied-configuration annotation (a JSON copy of the whole manifest) — on a real cluster
 * often half of every object's size, and read by nothing here.
 */
export function slim(o: KubeObject): KubeObject {
  const m = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  const lastApplied = m.annotations?.[LAST_APPLIED];
  if (m.managedFields === undefined && lastApplied === undefined) return o;
  const { managedFields: _mf, ...metadata } = m;
  if (lastApplied !== undefined) {
    const { [LAST_APPLIED]: _la, ...annotations } = m.annotations!;
    metadata.annotations = annotations;
  }
  return { ...o, metadata };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

