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
// `},{"metadata":{`, which native String.prototype.lastIndexOf finds. That sequence cannot occur inside a JSON
// string (a quote there is always escaped), but it can inside an item (an array of objects that
// start with metadata, such as a StatefulSet's volumeClaimTemplates). So each cut is checked by
// parsing: the bytes from a true item start to a cut inside an item leave that item's brace open,
// which JSON.parse always rejects; the cut is then tried again further on.
//
// Nothing of the page is held but the text not parsed yet (from the next item's start): no copy
// of the chunks "in case", so a page in flight costs its unparsed tail, not its 1.75 MB (with nine
// kinds listed at once, the chunks kept for a fallback were most of the process's buffers, and
// what the allocator kept of them after). Each chunk is decoded to a string as it arrives (a
// StringDecoder: a character cut between two chunks is whole in the next), and the unparsed tail
// is a string too, so the churn of a long list (54 MB of JSON for 15,000 pods) is short-lived
// strings in V8's young generation, which is collected in place, rather than a growing Buffer
// copied per chunk by malloc, whose freed blocks stay in the process's RSS.
// What does not fit the fast path is still parsed exactly:
// a head without `"items":[` (or one that does not parse) keeps the whole body and JSON.parses it
// at the end; after the head, anything unexpected (keys after the items, an item too big to cut)
// is parsed as `{"items":[` + the bytes not parsed yet, its items through onItem after the ones
// already parsed, its other keys added to the head's. So the result is JSON.parse's for any JSON
// object without duplicate keys, items through `onItem`.

import { StringDecoder } from 'node:string_decoder';

const ITEMS = '"items":[';
const BETWEEN = '},{"metadata":{';
/** The head (kind, apiVersion, metadata) is short: without `"items":[` in this many characters, fall back. */
const HEAD_MAX = 64 * 1024;
/** An item (or run of items) that has not parsed in this many characters: stop cutting, parse the rest at the end. */
const PENDING_MAX = 16 * 1024 * 1024;

export class ListBodyError extends Error {}

export class ListBody<T> {
  private readonly decoder = new StringDecoder('utf8');
  private head: Record<string, unknown> | undefined;
  /**
   * Before the head is read: all the text so far. After it: the text after the last parsed item,
   * from the start of the next item (or the end of the list).
   */
  private pending = '';
  private readonly parsed: T[] = [];
  /** The head could not be read: the whole body's text, JSON.parsed at the end. */
  private whole: string[] | undefined;
  /** The head is read but the items no longer cut (one larger than PENDING_MAX): the rest, parsed at the end. */
  private tail: string[] | undefined;

  /** onItem: each item's parsed object, in order; what it returns is kept. */
  constructor(private readonly onItem: (item: unknown) => T) {}

  /** Characters of the body held (not yet parsed): the unparsed tail of what has arrived, or all of it without a head. */
  get held(): number {
    let n = this.pending.length;
    for (const c of this.whole ?? this.tail ?? []) n += c.length;
    return n;
  }

  push(chunk: Buffer): void {
    this.add(this.decoder.write(chunk));
  }

  /** The whole body has arrived: the list, its items through onItem. Throws ListBodyError when it is not JSON. */
  end(): Record<string, unknown> & { items?: T[] } {
    this.add(this.decoder.end());
    const head = this.head;
    if (!head) return this.parseWhole(this.whole ? this.whole.join('') : this.pending);
    const rest = this.tail ? this.pending + this.tail.join('') : this.pending;
    this.pending = '';
    this.tail = undefined;
    // What is left: the last items, then `]}` (the list's end), maybe with whitespace.
    const trimmed = rest.trimEnd();
    if (trimmed.endsWith('}')) {
      const inner = trimmed.slice(0, -1).trimEnd();
      if (inner.endsWith(']')) {
        const items = this.tryParse(inner.slice(0, -1));
        if (items) {
          for (const o of items) this.parsed.push(this.onItem(o));
          return { ...head, items: this.parsed };
        }
      }
    }
    // Anything else after the head: the rest of the object, from where the next item starts.
    let last: unknown;
    try {
      last = JSON.parse(`{"items":[${rest}`);
    } catch (e) {
      throw new ListBodyError(`not JSON: ${(e as Error).message}`);
    }
    const { items, ...more } = last as { items: unknown };
    if (!Array.isArray(items)) throw new ListBodyError('a second "items" key');
    for (const o of items) this.parsed.push(this.onItem(o));
    return { ...head, ...more, items: this.parsed };
  }

  private add(text: string): void {
    if (!text) return;
    if (this.whole) return void this.whole.push(text);
    if (this.tail) return void this.tail.push(text);
    this.pending += text;
    if (!this.head && !this.readHead()) return;
    // The last cut in what has arrived: everything before it, if it is a run of whole items.
    const cut = this.pending.lastIndexOf(BETWEEN);
    if (cut < 0) return this.checkSize();
    const items = this.tryParse(this.pending.slice(0, cut + 1));
    if (!items) return this.checkSize();
    for (const o of items) this.parsed.push(this.onItem(o));
    this.pending = this.pending.slice(cut + 2); // from the `{` of the next item
  }

  private parseWhole(text: string): Record<string, unknown> & { items?: T[] } {
    let whole: unknown;
    try {
      whole = JSON.parse(text);
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
      if (this.pending.length > HEAD_MAX) this.wholeBody();
      return false;
    }
    let head: unknown;
    try {
      head = JSON.parse(`${this.pending.slice(0, at + ITEMS.length)}]}`);
    } catch {
      this.wholeBody(); // `"items":[` was not where the list's items begin
      return false;
    }
    if (!head || typeof head !== 'object' || !Array.isArray((head as { items?: unknown }).items)) {
      this.wholeBody();
      return false;
    }
    const { items: _none, ...rest } = head as Record<string, unknown>;
    this.head = rest;
    this.pending = this.pending.slice(at + ITEMS.length);
    return true;
  }

  /** The items of a run of whole items, or undefined when the run ends inside an item. */
  private tryParse(text: string): unknown[] | undefined {
    if (!text.trim()) return [];
    try {
      return JSON.parse(`[${text}]`) as unknown[];
    } catch {
      return undefined;
    }
  }

  /** An item larger than PENDING_MAX: stop cutting (each try reads everything pending), keep the rest for end(). */
  private checkSize(): void {
    if (this.pending.length > PENDING_MAX) this.tail = [];
  }

  /** No head to read: keep all the text (all of it is in `pending` until the head is read). */
  private wholeBody(): void {
    this.whole = [this.pending];
    this.pending = '';
  }
}
