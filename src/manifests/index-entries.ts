// The workspace index's entry for one document (workspace-index.ts): its views in each of its
// file's contexts and the items they put in the lookup buckets. Built from the document, or,
// for a document that only moved (document.ts `currentOf`), copied from the entry of the
// document it was: the same views and items, their objects pointing to the current document
// (so rules and findings read its lines), the same contents (so no lookup key changes).

import { currentOf, type ManifestDoc } from './document';
import { movedObject, nameKey, objectsOfDoc, usesOf, type K8sObject, type ObjectContext } from './objects';
import { buildViews, summarize, type FileContext, type View, type WorkloadSummary } from './views';
import type { Item } from './index-bucket';
import { CONSUMER_KINDS, type ControllerId } from '../consumers/index';
import { getMap } from './nodes';

const CONSUMER_KIND_SET = new Set(CONSUMER_KINDS);

/** The controllers whose own token a consumer object's Workload Identity uses (none for most objects). */
function controllersUsedBy(o: K8sObject): ControllerId[] {
  if (!CONSUMER_KIND_SET.has(o.kind)) return [];
  // ConfigMaps and Secrets count only with ExternalDNS's azure.json: the rest are not read as JSON.
  if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && !['data', 'stringData'].some((k) => getMap(o.map, k)?.has('azure.json'))) return [];
  const ids = new Set<ControllerId>();
  for (const u of usesOf(o)) if (u.token?.via === 'controller') ids.add(u.token.controller);
  return [...ids];
}

const INDEXED_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'Namespace', 'SecretProviderClass']);
const BUCKET: Readonly<Record<string, string>> = { ServiceAccount: 'SA', SecretProviderClass: 'SPC' };
/** The pseudo-project of the lookups that answer from every project. */
export const ANY = '*';

/**
 * One document's entry. A copy (`moved`) is lazy: its views and its items' values are made from
 * its source's when first read (`views`, `resolve`), so a document that moved costs little until
 * a lookup or a lint reads it.
 */
export class DocEntry {
  /** The items it puts in the buckets (a copy: those of the entry it was copied from, until the index settles it). */
  items: readonly Item[];
  /** Set on a copy until the index puts it in place of `from`: its document's index. */
  pending?: { readonly from: DocEntry; readonly docIndex: number };
  private _views: readonly View[] | undefined;
  /** Each item's value (parallel to `items`) once made. */
  private values: readonly (K8sObject | WorkloadSummary)[] | undefined;

  constructor(
    /** The document the entry was built or copied for. */
    readonly doc: ManifestDoc,
    readonly contexts: readonly FileContext[],
    views: readonly View[] | undefined,
    items: readonly Item[],
    /** A copy's source: a built (or already made) entry of a document with the same parse. */
    readonly source?: DocEntry,
  ) {
    this._views = views;
    this.items = items;
    if (views) this.values = items.map((it) => it.value);
  }

  /** A copy whose views are not made yet (its views touch no other document: see canMove). */
  get lazy(): boolean {
    return this._views === undefined;
  }

  get views(): readonly View[] {
    if (!this._views) this.make();
    return this._views!;
  }

  /** The items' values, made. */
  itemValues(): readonly (K8sObject | WorkloadSummary)[] {
    if (!this.values) this.make();
    return this.values!;
  }

  /** Called for an item whose `stale` is this entry: puts this entry's values in its items. */
  resolve(): void {
    const values = this.itemValues();
    const items = this.items as Item[];
    for (let k = 0; k < items.length; k++) {
      if (items[k].stale !== this) continue;
      items[k].value = values[k];
      items[k].stale = undefined;
    }
  }

  /** The source's views and values, for this entry's document. */
  private make(): void {
    const src = this.source!;
    const doc = this.doc;
    const now = objectsOfDoc(doc);
    const views: View[] = [];
    for (const v of src.views) {
      const o = v.obj;
      const c = o.context!;
      // Written out (not spread); every key is named.
      const context = {
        scope: c.scope,
        scopeLabel: c.scopeLabel,
        kustomization: c.kustomization,
        namespaceFromKustomize: c.namespaceFromKustomize,
        clusterName: c.clusterName,
        chart: c.chart,
        merged: c.merged,
        partial: c.partial,
        // The same parse, the same nodes: each object is known by its map.
        base: now.find((x) => x.map === c.base.map) ?? movedObject(c.base, doc),
      } satisfies Record<keyof ObjectContext, unknown>;
      views.push({ obj: movedObject(o, doc, context), touched: v.touched, content: v.content, applied: v.applied });
    }
    const summaries: (WorkloadSummary | undefined)[] = [];
    this.values = src.itemValues().map((v, k) => {
      const at = this.items[k].view ?? 0;
      const obj = views[at].obj;
      if (v === src.views[at].obj) return obj;
      // A workload's summary: the same, of the object's copy (one per view).
      const w = v as WorkloadSummary;
      return (summaries[at] ??= { obj, serviceAccount: w.serviceAccount, wantsWorkloadIdentity: w.wantsWorkloadIdentity, mounts: w.mounts, controller: w.controller, daprApp: w.daprApp } satisfies Record<keyof WorkloadSummary, unknown>);
    });
    this._views = views;
  }
}

/** The views and lookup items of `doc` (the `docIndex`-th document of the file ranked `rank`) in `contexts`. */
export function buildEntry(doc: ManifestDoc, contexts: readonly FileContext[], rank: number, docIndex: number): DocEntry {
  const views = buildViews(doc, contexts);
  const items: Item[] = [];
  views.forEach((v, i) => {
    const o = v.obj;
    const order = [rank, docIndex, o.listItem ?? -1, i];
    const add = (key: string, value: K8sObject | WorkloadSummary) => items.push({ key, content: v.content, value, order, view: i });
    const scope = o.context?.scope ?? '';
    const expr = (n: string) => n.includes('{{');
    // ClusterRoles and their bindings (identity bindings' authorisation): cluster-wide, listed whole.
    if ((o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') && o.apiVersion.startsWith('rbac.authorization.k8s.io/')) {
      add(`RBAC|${ANY}|${o.kind}`, o);
      return;
    }
    if (INDEXED_KINDS.has(o.kind)) {
      const raw = o.name === undefined ? undefined : nameKey(o.name);
      const cluster = o.context?.clusterName ?? raw;
      const kind = BUCKET[o.kind] ?? o.kind;
      if (o.kind === 'Namespace') {
        if (raw !== undefined) add(`NS|${ANY}|${raw}`, o);
        return;
      }
      for (const n of new Set([raw, cluster])) {
        if (n === undefined) continue;
        add(`${kind}|${scope}|${o.namespace}|${n}`, o);
        if (kind === 'SA') add(`SA|${scope}|~|${n}`, o);
      }
      if (cluster !== undefined && !expr(cluster)) {
        add(`${kind}|${ANY}|${o.namespace}|${cluster}`, o);
        if (kind === 'SA') add(`SA|${ANY}|~|${cluster}`, o);
      }
      if (kind === 'SA') {
        for (const sc of [scope, ANY]) {
          add(`SA|${sc}|${o.namespace}|`, o);
          add(`SA|${sc}|~|`, o);
        }
      }
      if (kind === 'SPC') add(`SPC|${scope}|${o.namespace}|`, o);
    } else if (!o.context?.partial) {
      const w = summarize(o);
      if (w) {
        add(`W|${scope}|${o.namespace}|${w.serviceAccount}`, w);
        if (!expr(w.serviceAccount)) add(`W|${ANY}|${o.namespace}|${w.serviceAccount}`, w);
        for (const m of new Set(w.mounts)) add(`MOUNT|${scope}|${o.namespace}|${m}`, w);
        if (w.controller) add(`CTRL|${ANY}|${w.controller}`, w);
        if (w.daprApp !== undefined) add(`DAPR|${scope}|${o.namespace}`, w);
      }
    }
    // A consumer whose token is its controller's own (identity graph): the controller's rules ask for them.
    for (const id of controllersUsedBy(o)) add(`USES|${ANY}|${id}`, o);
  });
  return new DocEntry(doc, contexts, views, items);
}

/**
 * Whether `old` can be copied for `doc` (`movedEntry`): `doc` is what old.doc became by moving
 * only, in the same contexts, and every view is the object as written in its own document (no
 * patch or kustomization touched it: nodes of a merged map are registered to the document they
 * were built in, which a copy cannot change).
 */
export function canMove(old: DocEntry, doc: ManifestDoc, contexts: readonly FileContext[]): boolean {
  if (old.doc === doc || old.contexts.length !== contexts.length || !old.contexts.every((c, i) => c === contexts[i])) return false;
  if (currentOf(old.doc) !== doc) return false;
  // A lazy copy's source was checked when it was copied.
  return old.lazy || old.views.every((v) => v.touched.length === 0 && v.applied.length === 0 && !v.obj.context?.merged && v.obj.map === v.obj.context?.base.map);
}

/**
 * `old` (see canMove) for `doc`, the `docIndex`-th document of its file: its views (made when
 * first read) are the source's with each object (and its base) pointing to `doc`. Its items stay
 * those of `old` (in the buckets) until the index settles it: in `old`'s place (`settle`), or as
 * an entry of its own (`detach`).
 */
export function movedEntry(old: DocEntry, doc: ManifestDoc, docIndex: number): DocEntry {
  const e = new DocEntry(doc, old.contexts, undefined, old.items, old.lazy ? old.source : old);
  e.pending = { from: old, docIndex };
  return e;
}

/** `e`'s items put in the place of those of the entry it was copied from: the buckets keep them where they are; their values are made when read. */
export function settle(e: DocEntry): void {
  const p = e.pending!;
  e.pending = undefined;
  const items = e.items as Item[];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    it.stale = e;
    // Shared by the items of one view: changed once.
    if (it.order[1] !== p.docIndex) it.order[1] = p.docIndex;
  }
}

/** `e` as an entry of its own (the one it was copied from is not in the index as it was): items of its own. */
export function detach(e: DocEntry): void {
  const p = e.pending!;
  e.pending = undefined;
  const values = e.itemValues();
  const orders = new Map<readonly number[], number[]>();
  e.items = e.items.map((it, k): Item => {
    let order = orders.get(it.order);
    if (!order) orders.set(it.order, (order = [it.order[0], p.docIndex, it.order[2], it.order[3]]));
    return { key: it.key, content: it.content, value: values[k], order, view: it.view };
  });
}
