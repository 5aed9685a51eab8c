// Metadata only: the `meta.k8s.io/v1` PartialObjectMetadata a real API server returns when a
// client asks for it in its Accept header (client-go's metadata client, the controllers'
// metadata informers): `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` on a
// list, `application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1` on a watch or a get. Each
// object is its `metadata` whole (managedFields and annotations included), with the kind
// PartialObjectMetadata and the apiVersion meta.k8s.io/v1; a list keeps its list metadata
// (resourceVersion, continue, remainingItemCount). As on a real server, the media ranges of the
// Accept header are tried in order: a client that lists `application/json` after the partial one
// gets whole objects from a server without the feature, and here the partial one.

import type { KubeObject } from './store';

type Json = Record<string, unknown>;

export const PARTIAL_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
export const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const META = 'meta.k8s.io/v1';

/**
 * Whether the first JSON media range of `accept` that names a transformation (`as=`) asks for
 * `as` (`PartialObjectMetadata` on a get or a watch, `PartialObjectMetadataList` on a list), in
 * group meta.k8s.io, version v1. A plain `application/json` before it wins: whole objects.
 */
export function wantsPartial(accept: string | undefined, as: 'PartialObjectMetadata' | 'PartialObjectMetadataList'): boolean {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') continue;
    const p = new Map(params.map((x) => x.split('=').map((y) => y.trim()) as [string, string]));
    if (!p.has('as')) return false;
    if (p.get('as') === as && p.get('g') === 'meta.k8s.io' && p.get('v') === 'v1') return true;
  }
  return false;
}

/** One object as PartialObjectMetadata. */
export function toPartial(o: KubeObject): Json {
  return { kind: 'PartialObjectMetadata', apiVersion: META, metadata: o.metadata };
}

/** A page of objects as a PartialObjectMetadataList, with the list's own metadata. */
export function toPartialList(items: readonly KubeObject[], listMeta: Json): Json {
  return { kind: 'PartialObjectMetadataList', apiVersion: META, metadata: listMeta, items: items.map(toPartial) };
}
