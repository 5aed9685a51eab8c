// A read-only ClusterApi over a fake-kube Store, in memory: enough for the cluster checkpoints
// that judge what the sidebar tree judges (webhook, pod-label, service-account, sdk-environment)
// to run in a unit test on the same objects the tree model reads, with no server. Gets and lists
// (label and field selectors as the fake API server applies them); anything else is refused, so
// a checkpoint that needs more says so instead of passing quietly.

import { httpFailure } from '../../src/cluster/failures';
import { qualifiedResource } from '../../src/cluster/resources';
import { err, ok, type ClusterApi, type KubeObject, type KubeResult, type ListOptions, type ResourceType } from '../../src/cluster/types';
import { parseFieldSelector, parseLabelSelector } from '../fake-kube/selectors';
import type { Store } from '../fake-kube/store';
import { TEST_IDENTITY } from './tree-helpers';

export class StoreCluster implements ClusterApi {
  readonly identity = TEST_IDENTITY;
  requestCount = 0;

  constructor(private readonly store: Store) {}

  async version(): Promise<KubeResult<{ major: string; minor: string; gitVersion: string; platform?: string }>> {
    this.requestCount++;
    return ok({ major: '1', minor: '30', gitVersion: 'v1.30.0' });
  }

  async get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeResult<T>> {
    this.requestCount++;
    const o = this.store.get(type.kind, type.namespaced ? namespace : undefined, name);
    if (!o) return err(httpFailure(404, undefined, { verb: 'get', resource: qualifiedResource(type), name, ...(namespace ? { namespace } : {}) }, this.identity));
    return ok(structuredClone(o) as unknown as T);
  }

  async list<T = KubeObject>(type: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeResult<T[]>> {
    this.requestCount++;
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, type.kind);
    const items = this.store
      .list(type.kind, type.namespaced ? namespace : undefined)
      .filter((o) => (!labels || labels(o.metadata.labels)) && (!fields || fields(o)));
    return ok(structuredClone(items) as unknown as T[]);
  }

  private refuse<T>(verb: string, resource: string): Promise<KubeResult<T>> {
    this.requestCount++;
    return Promise.resolve(err(httpFailure(403, undefined, { verb, resource }, this.identity)));
  }

  getPath<T = unknown>(path: string): Promise<KubeResult<T>> {
    return this.refuse('get', path);
  }

  patch<T = KubeObject>(type: ResourceType): Promise<KubeResult<T>> {
    return this.refuse('patch', qualifiedResource(type));
  }

  createToken(): Promise<KubeResult<never>> {
    return this.refuse('create', 'serviceaccounts/token');
  }

  accessReview(): Promise<KubeResult<never>> {
    return this.refuse('create', 'subjectaccessreviews.authorization.k8s.io');
  }

  podLog(): Promise<KubeResult<string>> {
    return this.refuse('get', 'pods/log');
  }
}
