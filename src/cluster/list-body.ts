// A list response parsed as it arrives, a network chunk's worth of items at a time.
//
// JSON.parse of a whole page (500 pods are about 1.75 MB of JSON) makes every object of the page
// at once, and all of them are alive whenever the garbage collector runs during the parse, so it
// copies a page's worth of objects the informer is about to trim. Parsing the items that arrived
// complete in each chunk (some 64 KB, a dozen pods) and trimming them at once leaves the collector
// little but the trimmed objects to copy.
//
// Where items end is found without reading the JSON byte by byte in JavaScript: the API server
// writes each item of a built-in kind's list as `{"metadata":{…`, so items are separated by
// `},{"metadata":{`, which native Buffer.indexOf finds. That sequence cannot occur inside a JSON
// string (a quote there is always escaped), but it can inside an item (an array of objects that
// start with metadata, such as a StatefulSet's volumeClaimTemplates). So each cut is checked by
// parsing: the bytes from a true item start to a cut inside an item leave that item's brace open,
// which JSON.parse always rejects; the cut is then tried again further on. Anything unexpected
// (another key order, a head without `"items":[`, text after the items) falls back to JSON.parse
// of the whole body, so the result is always exactly JSON.parse's, items through `onItem`.

const ITEMS = Buffer.from('"items":[');
const BETWEEN = Buffer.from('},{"metadata":{');
/** The head (kind, apiVersion, metadata) is short: without `"items":[` in this many bytes, fall back. */
const HEAD_MAX = 64 * 1024;
/** An item (or run of items) that has not parsed in this many bytes: fall back. */
const PENDING_MAX = 16 * 1024 * 1024;

export class ListBodyError extends Error {}

export class ListBody<T> {
  /** Every chunk, for the fallback (Buffers: outside the JavaScript heap). */
  private readonly chunks: Buffer[] = [];
  private head: Record<string, unknown> | undefined;
  /** Bytes after the last parsed item: from the start of the next item (or the end of the list). */
  private pending: Buffer = Buffer.alloc(0);
  private readonly parsed: T[] = [];
  private fallback = false;

  /** onItem: each item's parsed object, in order; what it returns is kept. */
  constructor(private readonly onItem: (item: unknown) => T) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    if (this.fallback) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.head && !this.readHead()) return;
    // The last cut in what has arrived: everything before it, if it is a run of whole items.
    const cut = this.pending.lastIndexOf(BETWEEN);
    if (cut < 0) return this.checkSize();
    const items = this.tryParse(this.pending.subarray(0, cut + 1));
    if (!items) return this.checkSize();
    for (const o of items) this.parsed.push(this.onItem(o));
    this.pending = this.pending.subarray(cut + 2); // from the `{` of the next item
  }

  /** The whole body has arrived: the list, its items through onItem. Throws ListBodyError when it is not JSON. */
  end(): Record<string, unknown> & { items?: T[] } {
    if (!this.fallback && this.head) {
      // What is left: the last items, then `]}` (the list's end), maybe with whitespace.
      const rest = this.pending.toString('utf8').trimEnd();
      if (rest.endsWith('}')) {
        const inner = rest.slice(0, -1).trimEnd();
        if (inner.endsWith(']')) {
          const items = this.tryParse(inner.slice(0, -1));
          if (items) {
            for (const o of items) this.parsed.push(this.onItem(o));
            return { ...this.head, items: this.parsed };
          }
        }
      }
    }
    let whole: unknown;
    try {
      whole = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
    } catch (e) {
      throw new ListBodyError(`not JSON: ${(e as Error).message}`);
    }
    if (!whole || typeof whole !== 'object' || Array.isArray(whole)) throw new ListBodyError('not a JSON object');
    const list = whole as Record<string, unknown>;
    return Array.isArray(list.items) ? { ...list, items: list.items.map((o) => this.onItem(o)) } : (list as Record<string, unknown> & { items?: T[] });
  }

  /** Reads the head once `"items":[` has arrived; false while it has not (or after falling back). */
  private readHead(): boolean {
    const at = this.pending.indexOf(ITEMS);
    if (at < 0) {
      if (this.pending.length > HEAD_MAX) this.giveUp();
      return false;
    }
    let head: unknown;
    try {
      head = JSON.parse(`${this.pending.toString('utf8', 0, at + ITEMS.length)}]}`);
    } catch {
      this.giveUp(); // `"items":[` was not where the list's items begin
      return false;
    }
    if (!head || typeof head !== 'object' || !Array.isArray((head as { items?: unknown }).items)) {
      this.giveUp();
      return false;
    }
    const { items: _none, ...rest } = head as Record<string, unknown>;
    this.head = rest;
    this.pending = this.pending.subarray(at + ITEMS.length);
    return true;
  }

  /** The items of a run of whole items, or undefined when the run ends inside an item. */
  private tryParse(run: Buffer | string): unknown[] | undefined {
    const text = typeof run === 'string' ? run : run.toString('utf8');
    if (!text.trim()) return [];
    try {
      return JSON.parse(`[${text}]`) as unknown[];
    } catch {
      return undefined;
    }
  }

  private checkSize(): void {
    if (this.pending.length > PENDING_MAX) this.giveUp();
  }

  private giveUp(): void {
    this.fallback = true;
    this.pending = Buffer.alloc(0);
    this.parsed.length = 0;
  }
}
