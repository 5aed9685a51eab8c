// Kubernetes objects found in a parsed file: top-level documents and the items
// of `kind: List`. A YAML document is a manifest only if it is a mapping with a
// string `apiVersion` and `kind`; anything else (workflows, compose files, Helm
// values) yields no objects and so no findings.

import { isMap, isScalar, YAMLMap } from 'yaml';
import type { ChartInfo } from './chart-info';
import { describeConsumer, type ConsumerUse } from '../consumers/index';
import { isCurrent, normalizeExpression, unmask, type ManifestDoc, type ManifestFile } from './document';
import { bindAnchors, getMap, getNode, getSeq, getString, items, scalarText, stringValue } from './nodes';

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
  /**
   * Where the object lives, set on the objects the index hands out (the lint engine's and
   * every lookup's): its project, what Kustomize or Helm makes of it. Absent on the bare
   * objects of `objectsOfDoc`.
   */
  readonly context?: ObjectContext;
}

/**
 * One way an object reaches a cluster. A file outside any Kustomize build has one; a file
 * that two overlays build has one per overlay (each with its namespace and patches).
 */
export interface ObjectContext {
  /**
   * The project: the folder of the kustomization that builds it, of the chart holding it, or
   * of its nearest root (see docs/helm-and-kustomize.md). Lookups stay inside it.
   */
  readonly scope: string;
  /** The project as messages name it: `kustomization overlays/prod`, `chart charts/api`, `folder apps`. */
  readonly scopeLabel: string;
  /** The kustomization file whose build this is (the top one), when it is one. */
  readonly kustomization?: string;
  /** Kustomize set the namespace (the object's own `metadata.namespace` no longer counts). */
  readonly namespaceFromKustomize?: boolean;
  /** The name in the cluster after Kustomize's `namePrefix` / `nameSuffix`, when they apply. */
  readonly clusterName?: string;
  /** The chart the object is a template of. */
  readonly chart?: ChartInfo;
  /**
   * The object's map was assembled from several documents (a base, its patches, the
   * kustomization's labels): fixes are not offered, as an edit could belong in any of them.
   */
  readonly merged: boolean;
  /** A patch whose target is not in the workspace: only what it sets itself can be judged. */
  readonly partial: boolean;
  /** The object as written in its own file. */
  readonly base: K8sObject;
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
  if (v === undefined) return undefined;
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  // Short expressions are masked as `x`s, which `unmask` cannot tell from text: take the source.
  if (r && /^x{1,4}$/.test(v)) {
    const text = doc.text.slice(r[0], r[1]);
    return text.includes('{{') ? text.replace(/^["']|["']$/g, '') : undefined;
  }
  const shown = unmask(doc, v);
  return shown === v ? undefined : shown;
}

/** A name or value as the user wrote it in `doc`: masked Helm expressions put back. */
export function shownText(doc: ManifestDoc | undefined, text: string): string {
  return doc?.templated ? unmask(doc, text) : text;
}

/**
 * The key under which a name is looked up: a name with template expressions matches the same
 * expressions written with other spacing or trim markers (`{{- include "x" . }}`).
 */
export function nameKey(name: string): string {
  return name.includes('{{') ? name.replace(/\{\{[\s\S]*?\}\}/g, (e) => normalizeExpression(e)) : name;
}

/** The ServiceAccount a pod template names, as written (Helm expressions shown), or undefined. */
export function serviceAccountRef(t: PodTemplate): string | undefined {
  const n = serviceAccountName(t);
  return n === undefined ? undefined : shownText(t.owner.doc, n);
}

/** By the document's parse (`doc.lines`): the objects last read from it, for its latest document. */
const objectsByParse = new WeakMap<object, K8sObject[]>();
/** Objects of a current document whose parse's latest objects are another's (documents sharing a parse: a duplicate). */
const objectsCache = new WeakMap<ManifestDoc, K8sObject[]>();

/**
 * The objects of a document. A ManifestDoc never changes, so they are computed once (the index,
 * the engine and suppressions all ask). A document with the parse of one already read (one that
 * moved: see `currentOf`) gets copies of those objects that point to it: the same nodes, its lines.
 */
export function objectsOfDoc(doc: ManifestDoc): K8sObject[] {
  const same = objectsByParse.get(doc.lines);
  if (same && (same.length === 0 || same[0].doc === doc)) return same;
  let objs = objectsCache.get(doc);
  if (objs) return objs;
  // The document they were read for keeps them while it is current (a duplicate of this one).
  if (same && isCurrent(same[0].doc)) objectsCache.set(same[0].doc, same);
  if (same && same[0].doc.yaml === doc.yaml) objs = same.map((o) => movedObject(o, doc));
  else {
    // Every reader of an object (the index, the rules, suppressions) comes through here: the
    // document's aliases and merge keys are bound once, before any of them reads a value.
    bindAnchors(doc);
    objs = readObjects(doc);
  }
  objectsByParse.set(doc.lines, objs);
  return objs;
}

/** `o` (an object of a document with the same parse) as an object of `doc`. */
export function movedObject(o: K8sObject, doc: ManifestDoc, context = o.context): K8sObject {
  // Written out, not spread (thousands of documents move on one Enter); every key is named.
  const obj = { doc, map: o.map, apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace, namespaceExplicit: o.namespaceExplicit, listItem: o.listItem, context };
  return obj satisfies Record<keyof K8sObject, unknown>;
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

/**
 * `spec.serviceAccountName`, or the deprecated `spec.serviceAccount` when the former is
 * unset or empty (Kubernetes' v1 conversion: "If both are specified, ServiceAccountName
 * (the new field) wins"). The document's aliases are bound (objectsOfDoc): a name inherited
 * through `<<: *defaults` counts.
 */
export function serviceAccountName(t: PodTemplate): string | undefined {
  return getString(t.spec, 'serviceAccountName') || getString(t.spec, 'serviceAccount') || undefined;
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

/**
 * The main containers of a controller's pod template with their literal args (and `command`'s
 * when asked): `args` undefined when a Helm expression could render any of them (an arg that is
 * not a plain string, or a masked or `{{ }}` one). How the controller rules read its flags
 * (cert-manager's ambient credentials, Flux's feature gates).
 */
export function mainContainerArgs(ctrl: K8sObject, withCommand = false): { node: YAMLMap; args: string[] | undefined }[] {
  const t = podTemplate(ctrl);
  if (!t) return [];
  return containers(t)
    .filter((c) => c.list === 'containers')
    .map((c) => {
      const args: string[] = [];
      for (const a of [...items(getNode(c.node, 'args')), ...(withCommand ? items(getNode(c.node, 'command')) : [])]) {
        const text = isScalar(a) ? scalarText(a) : undefined;
        // A Helm expression may render to any arg; `$(VAR)` and other literal args cannot.
        if (text === undefined || /__[a-z0-9]+__/.test(text) || text.includes('{{')) return { node: c.node, args: undefined };
        args.push(text);
      }
      return { node: c.node, args };
    });
}

/** What a consumer object says about the identities it uses (src/consumers); none when the YAML cannot be made plain data (an alias loop). */
export function usesOf(obj: K8sObject): ConsumerUse[] {
  try {
    return describeConsumer(obj.map.toJSON() as Record<string, unknown>);
  } catch {
    return [];
  }
}
