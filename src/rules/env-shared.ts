// What the env rules share: walking a pod template's containers (init containers
// included) with what the webhook does to each one, their `env` entries and their
// `envFrom` sources resolved through the workspace index, and removing env items
// as minimal text edits.
//
// A container is "injected" when the pod uses Workload Identity (shared.ts's
// `workloadIdentityPod`: the trigger label, or a ServiceAccount with a client ID) and
// the container is not named in `azure.workload.identity/skip-containers`: the webhook
// then adds AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and
// AZURE_AUTHORITY_HOST to its env unless the env already names them.
//
// YAML aliases count like any other text (`env: *common`, `- <<: *defaults`, `- *secret`):
// an entry reached through one carries the `*alias` the user wrote in this container
// (`via`), which is where its finding points.

import { isAlias, isMap, isScalar, isSeq, type Node as YNode, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import { docRange } from '../manifests/document';
import { removePair, removeSeqItem } from '../manifests/edits';
import { aliasOn, deref, getMap, getNode, getString, items, itemsWritten, locate, nodeRange, pairs, scalarText, stringValue } from '../manifests/nodes';
import { podTemplate, type K8sObject, type PodTemplate } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';
import { SKIP_CONTAINERS } from '../manifests/workload-identity';
import { shownName, sourceText, workloadIdentityPod, type WiReason } from './shared';

export interface ContainerRef {
  readonly list: 'containers' | 'initContainers';
  readonly node: YAMLMap;
  readonly name: string | undefined;
  /** For messages and fix titles: `container api`, `init container setup`, `container #2` (the name as written). */
  readonly label: string;
  /** The webhook injects into this container: a WI pod, and not listed in skip-containers. */
  readonly injected: boolean;
  /** Listed in skip-containers of a WI pod. */
  readonly skipped: boolean;
  /** The `*alias` through which the whole container (or its list) comes, when it does. */
  readonly via: YNode | undefined;
}

export interface PodContainers {
  readonly t: PodTemplate;
  /** The pod uses Workload Identity (see `workloadIdentityPod`). */
  readonly wi: boolean;
  readonly reason: WiReason | undefined;
  readonly containers: ContainerRef[];
}

/** `;`-separated names; a `,`-separated list is one unknown name, as the webhook reads it. */
export function skipContainerNames(t: PodTemplate): Set<string> {
  const v = getString(t.annotations, SKIP_CONTAINERS);
  return new Set((v ?? '').split(';').map((s) => s.trim()).filter(Boolean));
}

/**
 * Values several rules derive from one object (its containers, their env and envFrom), computed
 * once per object while the index's epoch holds: six rules read the containers of every workload.
 */
const derived = new WeakMap<object, { index: WorkspaceIndex; epoch: string; value: unknown }>();

function once<K extends object, T>(key: K, index: WorkspaceIndex, compute: () => T): T {
  const epoch = index.epoch;
  const hit = derived.get(key);
  if (hit && hit.index === index && hit.epoch === epoch) return hit.value as T;
  const value = compute();
  derived.set(key, { index, epoch, value });
  return value;
}

/** The pod's containers (read-only: shared by every rule of the object). */
export function podContainers(obj: K8sObject, index: WorkspaceIndex): PodContainers | undefined {
  return once(obj, index, () => computePodContainers(obj, index));
}

function computePodContainers(obj: K8sObject, index: WorkspaceIndex): PodContainers | undefined {
  const t = podTemplate(obj);
  if (!t?.spec) return undefined;
  const { wi, reason } = workloadIdentityPod(obj, t, index);
  const skip = skipContainerNames(t);
  const out: ContainerRef[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const listVia = aliasOn(obj.map, ...t.path, 'spec', list);
    let n = 0;
    for (const { written, node } of itemsWritten(getNode(t.spec, list))) {
      if (!isMap(node)) continue;
      n++;
      const name = getString(node, 'name');
      const kind = list === 'initContainers' ? 'init container' : 'container';
      const skipped = wi && name !== undefined && skip.has(name);
      const shown = shownName(obj.doc, getNode(node, 'name')) ?? name;
      out.push({ list, node, name, label: `${kind} ${shown ?? `#${n}`}`, injected: wi && !skipped, skipped, via: listVia ?? (isAlias(written) ? written : undefined) });
    }
  }
  return { t, wi, reason, containers: out };
}

/** ` (through *defaults)`: how a message says that what it reports was inherited through an alias. */
export function through(doc: ManifestDoc, via: unknown): string {
  return via ? ` (through ${sourceText(doc, via)})` : '';
}

export interface EnvEntry {
  readonly container: ContainerRef;
  readonly seq: YAMLSeq;
  /** The container's `env:` pair, so an emptied list can go with its last item. */
  readonly envPair: Pair;
  /** The list item as written (an `*alias`, or the map itself): what a removal removes. */
  readonly written: unknown;
  readonly item: YAMLMap;
  readonly name: string;
  /** The `name` value. */
  readonly nameNode: Scalar;
  /** The `*alias` in the container's own text through which this entry arrives, when it does. */
  readonly via: YNode | undefined;
  /** Where findings point: the alias it arrives through, else its name. */
  readonly at: YNode;
  /** The `value` node, when there is one. */
  readonly valueNode: unknown;
  /** The literal value as text (numbers and booleans as written); undefined for valueFrom or no value. */
  readonly literal: string | undefined;
  readonly hasValueFrom: boolean;
}

const entriesOf = new WeakMap<ContainerRef, EnvEntry[]>();

/** The container's env entries (read-only: a pure function of the container's nodes, computed once per container). */
export function envEntries(c: ContainerRef): EnvEntry[] {
  let out = entriesOf.get(c);
  if (!out) entriesOf.set(c, (out = computeEnvEntries(c)));
  return out;
}

function computeEnvEntries(c: ContainerRef): EnvEntry[] {
  const env = locate(c.node, 'env');
  const seq = deref(env?.pair.value);
  if (!env || !isSeq(seq)) return [];
  const envPair = env.pair as Pair;
  const seqVia = c.via ?? env.via ?? (isAlias(env.pair.value) ? env.pair.value : undefined);
  const out: EnvEntry[] = [];
  for (const { written, node: item } of itemsWritten(seq)) {
    if (!isMap(item)) continue;
    const nameAt = locate(item, 'name');
    const nameNode = deref(nameAt?.pair.value);
    const name = stringValue(nameNode);
    if (!name || !isScalar(nameNode)) continue;
    const via = seqVia ?? (isAlias(written) ? written : undefined) ?? nameAt?.via;
    const valueNode = getNode(item, 'value');
    out.push({
      container: c,
      seq,
      envPair,
      written,
      item,
      name,
      nameNode,
      via,
      at: via ?? nameNode,
      valueNode,
      literal: valueNode === undefined ? undefined : (scalarText(valueNode) ?? ''),
      hasValueFrom: locate(item, 'valueFrom') !== undefined,
    });
  }
  return out;
}

/**
 * Removing the entry edits only this container's own text: it is written here, or as an
 * `*alias` item of this container's own list (the item goes, the anchor stays).
 */
export function removable(e: EnvEntry): boolean {
  return e.via === undefined || e.via === e.written;
}

/** The entry that defines `name` (the last one wins, as in the kubelet). */
export function findEnv(c: ContainerRef, name: string): EnvEntry | undefined {
  const all = envEntries(c).filter((e) => e.name === name);
  return all[all.length - 1];
}

/** An entry that sets a non-empty value: `valueFrom`, or a non-empty literal (the SDKs treat empty as unset). */
export function setsValue(e: EnvEntry): boolean {
  return e.hasValueFrom || (e.literal !== undefined && e.literal !== '');
}

export interface EnvFromKey {
  /** The variable name the container sees (prefix + key). */
  readonly varName: string;
  readonly key: string;
  /** The key's pair in the ConfigMap/Secret. */
  readonly pair: Pair;
  /** The value is an empty string (the variable is set, but empty). */
  readonly empty: boolean;
}

export interface EnvFromSource {
  readonly container: ContainerRef;
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** The configMapRef/secretRef `name` value: where findings point. */
  readonly nameNode: Scalar;
  readonly prefix: string;
  /** The ConfigMap/Secret from the workspace index (same namespace), if found. */
  readonly object: K8sObject | undefined;
  readonly keys: EnvFromKey[];
}

const SOURCE_MAPS: Record<'ConfigMap' | 'Secret', string[]> = { ConfigMap: ['data', 'binaryData'], Secret: ['data', 'stringData'] };

/** The container's envFrom sources with the keys the index knows of them (read-only: shared by the object's rules). */
export function envFromSources(c: ContainerRef, namespace: string, index: WorkspaceIndex): EnvFromSource[] {
  // A container belongs to one object, whose namespace it always comes with.
  return once(c, index, () => computeEnvFromSources(c, namespace, index));
}

function computeEnvFromSources(c: ContainerRef, namespace: string, index: WorkspaceIndex): EnvFromSource[] {
  const out: EnvFromSource[] = [];
  for (const item of items(getNode(c.node, 'envFrom'))) {
    if (!isMap(item)) continue;
    const prefix = getString(item, 'prefix') ?? '';
    for (const [refKey, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
      const nameNode = getNode(getMap(item, refKey), 'name');
      const name = stringValue(nameNode);
      if (!name || !isScalar(nameNode)) continue;
      const object = kind === 'ConfigMap' ? index.configObject('ConfigMap', name, namespace) : index.configObject('Secret', name, namespace);
      const keys: EnvFromKey[] = [];
      if (object) {
        for (const section of SOURCE_MAPS[kind]) {
          for (const p of pairs(getMap(object.map, section))) {
            const key = scalarText(p.key);
            if (!key) continue;
            keys.push({ varName: prefix + key, key, pair: p as Pair, empty: scalarText(p.value) === '' });
          }
        }
      }
      out.push({ container: c, kind, name, nameNode, prefix, object, keys });
    }
  }
  return out;
}

/** Edits removing `entries` (all of one container) from its env list; an emptied list removes `env:` too. */
export function removeEnvEntries(doc: ManifestDoc, entries: readonly EnvEntry[]): TextEdit[] {
  if (entries.length === 0) return [];
  const { seq, envPair, container } = entries[0];
  return removeSeqItems(doc, seq, entries.map((e) => e.written), { map: container.node, pair: envPair });
}

/**
 * Removes several items of one sequence as non-overlapping edits. All of them:
 * the parent pair goes (or the list becomes `[]`). Block items each lose their
 * own lines; in a flow list each run of removed items goes with the separator
 * after it, or before it when the run ends the list.
 */
export function removeSeqItems(doc: ManifestDoc, seq: YAMLSeq, remove: readonly unknown[], parent?: { map: YAMLMap; pair: Pair }): TextEdit[] {
  const idx = [...new Set(remove.map((r) => seq.items.indexOf(r as never)).filter((i) => i >= 0))].sort((a, b) => a - b);
  if (idx.length === 0) return [];
  if (idx.length === seq.items.length) {
    if (parent) return removePair(doc, parent.map, parent.pair);
    const r = nodeRange(seq);
    return r ? [{ file: doc.file, range: docRange(doc, r[0], r[1]), newText: '[]' }] : [];
  }
  if (idx.length === 1 || !seq.flow) return idx.flatMap((i) => removeSeqItem(doc, seq, seq.items[i]));
  const out: TextEdit[] = [];
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    const a = idx[i];
    const b = idx[j];
    const start = b < seq.items.length - 1 ? nodeRange(seq.items[a])?.[0] : nodeRange(seq.items[a - 1])?.[1];
    const end = b < seq.items.length - 1 ? nodeRange(seq.items[b + 1])?.[0] : nodeRange(seq.items[b])?.[1];
    if (start === undefined || end === undefined) return [];
    out.push({ file: doc.file, range: docRange(doc, start, end), newText: '' });
    i = j + 1;
  }
  return out;
}

export { listWords } from '../util/words';
