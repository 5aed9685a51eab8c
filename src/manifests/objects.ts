// Kubernetes objects found in a parsed file: top-level documents and the items
// of `kind: List`. A YAML document is a manifest only if it is a mapping with a
// string `apiVersion` and `kind`; anything else (workflows, compose files, Helm
// values) yields no objects and so no findings.

import { isMap, YAMLMap } from 'yaml';
import type { ManifestDoc, ManifestFile } from './document';
import { getMap, getNode, getSeq, getString, items, stringValue } from './nodes';

export interface K8sObject {
  readonly doc: ManifestDoc;
  readonly map: YAMLMap;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  /** `metadata.namespace`, else `default`. */
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  /** Index inside a `kind: List`, when the object is a list item. */
  readonly listItem?: number;
}

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
export const AAD_POD_IDENTITY_KINDS = ['AzureIdentity', 'AzureIdentityBinding', 'AzurePodIdentityException'] as const;

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

function toObject(doc: ManifestDoc, map: YAMLMap, listItem?: number): K8sObject | undefined {
  const apiVersion = getString(map, 'apiVersion');
  const kind = getString(map, 'kind');
  if (!apiVersion || !kind) return undefined;
  const ns = getString(map, 'metadata', 'namespace');
  return {
    doc,
    map,
    apiVersion,
    kind,
    name: original(doc, getNode(map, 'metadata', 'name')) ?? getString(map, 'metadata', 'name'),
    namespace: ns && ns.length > 0 ? ns : 'default',
    namespaceExplicit: !!ns,
    listItem,
  };
}

/** In a Helm template, a masked value's original source (`{{ include "x" . }}`), so messages show what the user wrote. */
function original(doc: ManifestDoc, node: unknown): string | undefined {
  if (!doc.templated) return undefined;
  const v = stringValue(node);
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  if (v === undefined || !r || !/__h+__|x{1,4}/.test(v)) return undefined;
  const text = doc.text.slice(r[0], r[1]);
  return text.includes('{{') ? text.replace(/^["']|["']$/g, '') : undefined;
}

const objectsCache = new WeakMap<ManifestDoc, K8sObject[]>();

/** The objects of a document. A ManifestDoc never changes, so they are computed once (the index, the engine and suppressions all ask). */
export function objectsOfDoc(doc: ManifestDoc): K8sObject[] {
  let objs = objectsCache.get(doc);
  if (!objs) objectsCache.set(doc, (objs = readObjects(doc)));
  return objs;
}

function readObjects(doc: ManifestDoc): K8sObject[] {
  const root = doc.yaml?.contents;
  if (!isMap(root)) return [];
  const top = toObject(doc, root);
  if (!top) return [];
  if (top.kind === 'List' || top.kind.endsWith('List')) {
    const list = getSeq(root, 'items');
    if (list) {
      const out: K8sObject[] = [];
      items(list).forEach((item, i) => {
        if (isMap(item)) {
          const o = toObject(doc, item, i);
          if (o) out.push(o);
        }
      });
      return out;
    }
  }
  return [top];
}

export function objectsOfFile(file: ManifestFile): K8sObject[] {
  return file.docs.flatMap(objectsOfDoc);
}

/** The pod template of a workload: where the webhook reads labels, annotations and the pod spec. */
export interface PodTemplate {
  readonly owner: K8sObject;
  /** Path from the object root to the template map ([] for a Pod). */
  readonly path: readonly string[];
  /** The template mapping (the object itself for a Pod). */
  readonly template: YAMLMap | undefined;
  readonly metadata: YAMLMap | undefined;
  readonly labels: YAMLMap | undefined;
  readonly annotations: YAMLMap | undefined;
  readonly spec: YAMLMap | undefined;
}

export function templatePath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Pod':
      return [];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    default:
      return undefined;
  }
}

export function podTemplate(obj: K8sObject): PodTemplate | undefined {
  const path = templatePath(obj.kind);
  if (!path) return undefined;
  const t = path.length === 0 ? obj.map : getNode(obj.map, ...path);
  const template = isMap(t) ? t : undefined;
  const metadata = getMap(template, 'metadata');
  return {
    owner: obj,
    path,
    template,
    metadata,
    labels: getMap(metadata, 'labels'),
    annotations: getMap(metadata, 'annotations'),
    spec: getMap(template, 'spec'),
  };
}

/** `spec.serviceAccountName`, or the deprecated `spec.serviceAccount`. */
export function serviceAccountName(t: PodTemplate): string | undefined {
  return getString(t.spec, 'serviceAccountName') ?? getString(t.spec, 'serviceAccount');
}

/** Containers and init containers (and ephemeral ones) of a pod spec, with their list name. */
export function containers(t: PodTemplate): { list: 'containers' | 'initContainers'; node: YAMLMap; name: string | undefined }[] {
  const out: { list: 'containers' | 'initContainers'; node: YAMLMap; name: string | undefined }[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    for (const c of items(getSeq(t.spec, list))) {
      if (isMap(c)) out.push({ list, node: c, name: getString(c, 'name') });
    }
  }
  return out;
}
