// The workspace index's buckets (workspace-index.ts): one lookup key's items, kept in a stable
// order as documents come and go, so a lookup hands out its values without copying or sorting.

import type { K8sObject } from './objects';
import type { WorkloadSummary } from './views';

export interface Item {
  readonly key: string;
  readonly content: string;
  /**
   * Changed in place only when the item's document moved (WorkspaceIndex.moveEntries): the
   * value's copy that points to the current document (made when first read: `stale`), the
   * document's new index in `order` (its rank among the items of the bucket unchanged).
   */
  value: K8sObject | WorkloadSummary;
  readonly order: number[];
  /** The index of the view (of its document's entry) the item is of. */
  readonly view?: number;
  /** Set when the item's document moved and `value` is not yet the copy for the current document: `resolve` makes it so. */
  stale?: { resolve(): void };
}

/** Orders items by file (in the order first indexed), document, list item, view. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * One lookup key's items, kept sorted by `order` as they come and go, and their values in the
 * same order: a lookup hands out `values` as it is (no copy, no sort), so its cost does not grow
 * with the bucket. An insertion or removal finds its place by binary search.
 */
export class Bucket {
  readonly items: Item[] = [];
  private _values: (K8sObject | WorkloadSummary)[] = [];
  /** Items' values changed in place: `values` is read from the items again when next asked. */
  private stale = false;
  /** `firstWhere` answers by test, until the bucket changes. */
  private memo: Map<(v: never) => boolean, K8sObject | WorkloadSummary | undefined> | undefined;

  /** The first value that passes `test` (a pure function of the object), remembered until an item comes or goes. */
  firstWhere<T>(test: (v: T) => boolean): T | undefined {
    const memo = (this.memo ??= new Map());
    if (memo.has(test)) return memo.get(test) as T | undefined;
    const found = (this.values as readonly T[]).find(test);
    memo.set(test, found as K8sObject | WorkloadSummary | undefined);
    return found;
  }

  /** The items' values in order (read them, never keep or change them). */
  get values(): readonly (K8sObject | WorkloadSummary)[] {
    if (this.stale) {
      this.stale = false;
      for (const it of this.items) it.stale?.resolve();
      this._values = this.items.map((it) => it.value);
    }
    return this._values;
  }

  /** Some items' values were replaced in place (see Item.value). */
  valuesChanged(): void {
    this.memo = undefined;
    this.stale = true;
  }

  get size(): number {
    return this.items.length;
  }

  /** The first position whose order is not below `order`. */
  private lowerBound(order: readonly number[]): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOrder(this.items[mid].order, order) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(it: Item): void {
    this.memo = undefined;
    const n = this.items.length;
    // Files are mostly indexed in their order, so the item usually goes last.
    if (n === 0 || compareOrder(this.items[n - 1].order, it.order) <= 0) {
      this.items.push(it);
      if (!this.stale) this._values.push(it.value);
      return;
    }
    // After the items of equal order (an insertion keeps their arrival order).
    let at = this.lowerBound(it.order);
    while (at < n && compareOrder(this.items[at].order, it.order) === 0) at++;
    this.items.splice(at, 0, it);
    if (!this.stale) this._values.splice(at, 0, it.value);
  }

  remove(it: Item): boolean {
    this.memo = undefined;
    for (let i = this.lowerBound(it.order); i < this.items.length && compareOrder(this.items[i].order, it.order) === 0; i++) {
      if (this.items[i] !== it) continue;
      this.items.splice(i, 1);
      if (!this.stale) this._values.splice(i, 1);
      return true;
    }
    return false;
  }
}

export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sameMultiset(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0] === b[0];
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}
