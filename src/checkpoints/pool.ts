// The bounded pool (src/util/pool.ts) for a diagnosis's reads: independent reads run together, at most `size` at a
// time (the client keeps that many keep-alive connections, so a read never waits in the agent's
// queue while its timeout runs: it waits here, before its deadline starts). A read waiting for a
// slot when the diagnosis is cancelled goes at once (the client answers it "cancelled" unsent).

import type { ClusterApi } from '../cluster/types';
import { Pool } from '../util/pool';

export { Pool };

/**
 * Reads in flight at once during one diagnosis: as many as the widest wave of independent reads of
 * the cluster checkpoints (4), and as many sockets as the client's keep-alive agent keeps.
 */
export const READ_CONCURRENCY = 4;

/** `inner` with every call going through `pool`; `signal` gives the diagnosis's current signal. */
export function pooledCluster(inner: ClusterApi, pool: Pool, signal: () => AbortSignal): ClusterApi {
  const p = <T>(f: () => Promise<T>): Promise<T> => pool.run(f, signal());
  return {
    get identity() {
      return inner.identity;
    },
    get requestCount() {
      return inner.requestCount;
    },
    version: (s) => p(() => inner.version(s)),
    get: (type, namespace, name, s) => p(() => inner.get(type, namespace, name, s)),
    list: (type, namespace, opts, s) => p(() => inner.list(type, namespace, opts, s)),
    getPath: (path, s) => p(() => inner.getPath(path, s)),
    patch: (type, namespace, name, patchType, body, opts, s) => p(() => inner.patch(type, namespace, name, patchType, body, opts, s)),
    createToken: (namespace, sa, audiences, exp, s) => p(() => inner.createToken(namespace, sa, audiences, exp, s)),
    podLog: (namespace, pod, opts, s) => p(() => inner.podLog(namespace, pod, opts, s)),
    accessReview: (user, groups, question, s) => p(() => inner.accessReview(user, groups, question, s)),
  } satisfies ClusterApi;
}
