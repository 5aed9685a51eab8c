// A ClusterApi that remembers what a diagnosis read: the last answer for each object it got and
// each pod or Job list it made. The sidebar's overlay (src/tree/overlay.ts) compares those
// versions with what the tree's watch holds, so the tree shows a diagnosis's verdict exactly until
// the cluster changes the workload, its ServiceAccount or its pods — not until the watch merely
// catches up with the diagnosis's own reads. Every call goes through unchanged; no `vscode` here.

import { Resources, workloadType } from '../../cluster/resources';
import type { ClusterApi, KubeObject, KubeResult, ListOptions, LogOptions, PatchType, Pod, ResourceType, WriteOptions } from '../../cluster/types';
import { podsOf, toWorkload } from '../../cluster/workloads';
import type { WorkloadRef } from '../../checkpoints/types';
import { fingerprintOf, type WorkloadFingerprint } from '../../tree/overlay';

function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${type.group}/${type.plural}/${type.namespaced ? (namespace ?? '') : ''}/${name}`;
}

function listKey(type: ResourceType, namespace: string | undefined): string {
  return `${type.group}/${type.plural}/${namespace ?? ''}`;
}

/** Only these lists matter to a workload's fingerprint (its pods, and a CronJob's Jobs). */
const LISTS_KEPT = new Set([Resources.pods.plural, Resources.jobs.plural]);

export class SeenObjects implements ClusterApi {
  /** The last answer per object: the object, or null when it was not found. */
  private readonly objects = new Map<string, KubeObject | null>();
  private readonly lists = new Map<string, KubeObject[]>();

  constructor(private readonly inner: ClusterApi) {}

  get identity(): ClusterApi['identity'] {
    return this.inner.identity;
  }

  get requestCount(): number {
    return this.inner.requestCount;
  }

  version(signal?: AbortSignal): ReturnType<ClusterApi['version']> {
    return this.inner.version(signal);
  }

  async get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<KubeResult<T>> {
    const r = await this.inner.get<T>(type, namespace, name, signal);
    if (r.ok) this.objects.set(objectKey(type, namespace, name), r.value as unknown as KubeObject);
    else if (r.failure.kind === 'not-found') this.objects.set(objectKey(type, namespace, name), null);
    return r;
  }

  async list<T = KubeObject>(type: ResourceType, namespace: string | undefined, opts?: ListOptions, signal?: AbortSignal): Promise<KubeResult<T[]>> {
    const r = await this.inner.list<T>(type, namespace, opts, signal);
    if (r.ok && LISTS_KEPT.has(type.plural)) this.lists.set(listKey(type, namespace), r.value as unknown as KubeObject[]);
    return r;
  }

  getPath<T = unknown>(path: string, signal?: AbortSignal): Promise<KubeResult<T>> {
    return this.inner.getPath<T>(path, signal);
  }

  patch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, body: unknown, opts?: WriteOptions, signal?: AbortSignal): Promise<KubeResult<T>> {
    return this.inner.patch<T>(type, namespace, name, patchType, body, opts, signal);
  }

  createToken(...args: Parameters<ClusterApi['createToken']>): ReturnType<ClusterApi['createToken']> {
    return this.inner.createToken(...args);
  }

  accessReview(...args: Parameters<ClusterApi['accessReview']>): ReturnType<ClusterApi['accessReview']> {
    return this.inner.accessReview(...args);
  }

  podLog(namespace: string, pod: string, opts: LogOptions, signal?: AbortSignal): Promise<KubeResult<string>> {
    return this.inner.podLog(namespace, pod, opts, signal);
  }

  /**
   * The versions of the workload, its ServiceAccount and its pods as last read; a part not read
   * (a checkpoint skipped) is left out, and then compared with what the tree held instead.
   */
  fingerprint(ref: WorkloadRef): WorkloadFingerprint {
    if (ref.kind === 'Pod' || ref.kind === 'ServiceAccount') return {};
    const object = this.objects.get(objectKey(workloadType(ref.kind), ref.namespace, ref.name));
    if (!object) return {};
    const w = toWorkload(ref, object);
    const sa = this.objects.get(objectKey(Resources.serviceAccounts, ref.namespace, w.serviceAccountName));
    const pods = this.lists.get(listKey(Resources.pods, ref.namespace)) as Pod[] | undefined;
    const jobs = this.lists.get(listKey(Resources.jobs, ref.namespace));
    return fingerprintOf({ workload: object, ...(sa !== undefined ? { serviceAccount: sa } : {}), ...(pods ? { pods: podsOf(w, pods, jobs) } : {}) });
  }
}
