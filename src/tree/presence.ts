// Whether the sidebar's live cluster runs a workload (or holds a consumer object) a manifest
// defines — asked by the CodeLens above that manifest, so that a lens over a manifest the cluster
// does not run says so instead of leading to a "not found" report. Read from the caches the tree
// already keeps (no request of its own), and only where they are complete: the tree listed that
// kind in that namespace, nothing is stale, the namespace is not outside a one-namespace
// fallback. Anywhere else the answer is "unknown" (undefined), never "absent".

import type { KubeObject } from '../cluster/types';
import { isConsumerKind, qualifiedResource, type ConsumerKind } from '../cluster/resources';
import type { LiveCluster } from './live-cluster';
import { TREE_KINDS } from './model';
import type { StatusLevel } from './workload-status';

export type Presence =
  /** The cluster runs it: its state as the sidebar shows it. */
  | { state: 'present'; context: string; namespace?: string; level: StatusLevel; short: string }
  /** The cluster has no such object (or does not serve its kind: `notServed`). */
  | { state: 'absent'; context: string; namespace?: string; notServed?: true };

export interface PresenceQuery {
  /** Undefined: the context's default namespace. */
  namespace?: string;
  kind: string;
  name: string;
}

/** What the live cluster knows of `q`; undefined when its caches cannot tell. */
export function presenceOf(live: LiveCluster, q: PresenceQuery): Presence | undefined {
  const s = live.state;
  const context = live.identity?.context;
  if (s.phase !== 'ready' || s.stale || !context) return undefined;
  if (isConsumerKind(q.kind)) return consumerPresence(live, q.kind, q, context);
  const k = TREE_KINDS.find((t) => t.kind === q.kind);
  const model = live.model;
  if (!k || !model) return undefined;
  const namespace = q.namespace || live.identity?.namespace;
  if (!namespace || outside(live, namespace)) return undefined;
  if (s.forbidden?.some((f) => f.resource === qualifiedResource(k.type))) return undefined;
  const w = model.workload(namespace, k.kind, q.name);
  if (!w) return { state: 'absent', context, namespace };
  return { state: 'present', context, namespace, level: w.status.level, short: w.status.short };
}

function consumerPresence(live: LiveCluster, kind: ConsumerKind, q: PresenceQuery, context: string): Presence | undefined {
  const consumers = live.consumers;
  if (!consumers) return undefined;
  const kindState = consumers.kindState(kind);
  if (kindState === 'absent') return { state: 'absent', context, notServed: true };
  const type = live.consumerServedType(kind);
  if (kindState !== 'listed' || !type) return undefined;
  const namespace = type.namespaced ? q.namespace || live.identity?.namespace : undefined;
  if (type.namespaced && (!namespace || outside(live, namespace))) return undefined;
  const object: KubeObject | undefined = live.object(type, namespace, q.name);
  if (!object) return { state: 'absent', context, ...(namespace ? { namespace } : {}) };
  // Listed but not shown (another provider, an issuer without azureDNS): present, nothing to say of it.
  const e = consumers.consumer(namespace, kind, q.name);
  return { state: 'present', context, ...(namespace ? { namespace } : {}), level: e?.level ?? 'muted', short: e?.short ?? 'not using Workload Identity' };
}

/** A namespace the caches do not hold (they hold one only). */
function outside(live: LiveCluster, namespace: string): boolean {
  const only = live.onlyNamespace;
  return only !== undefined && only !== namespace;
}
