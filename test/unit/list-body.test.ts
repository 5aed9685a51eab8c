// The chunk-by-chunk list parser (src/cluster/list-body.ts) against JSON.parse: any list body,
// cut into chunks anywhere, gives exactly what JSON.parse gives (items through onItem, in order);
// items shaped like the API server's (`{"metadata":{…`), including ones with nested arrays of
// objects that start with metadata (a StatefulSet's volumeClaimTemplates), and strings holding
// the separator, are parsed before the body ends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ListBody, ListBodyError } from '../../src/cluster/list-body';

function feed(body: Buffer, cuts: number[], onItem: (o: unknown) => unknown = (o) => o, seen?: { beforeEnd: number }): Record<string, unknown> {
  let items = 0;
  const s = new ListBody((o) => (items++, onItem(o)));
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (body.length + 1)))].sort((a, b) => a - b)) {
    s.push(body.subarray(at, c));
    at = c;
  }
  s.push(body.subarray(at));
  if (seen) seen.beforeEnd = items;
  return s.end();
}

// Strings with what could confuse the cutting: the separator itself, quotes, backslashes, braces, non-ASCII.
const tricky = fc.oneof(fc.string(), fc.constantFrom('},{"metadata":{', '"items":[', '"', '\\', '\\"', '{', '}]}', 'ünïcødé ✓', '𝔘', ''));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(tricky, tie('value'), { maxKeys: 3 })),
})).value;
// Items as the API server writes them: metadata first; some with a nested array of metadata-first objects.
const item = fc.record({
  metadata: fc.record({ name: tricky, labels: fc.dictionary(tricky, tricky, { maxKeys: 2 }) }),
  spec: fc.oneof(json, fc.record({ volumeClaimTemplates: fc.array(fc.record({ metadata: fc.record({ name: tricky }), spec: json }), { maxLength: 3 }) })),
});

test('any list, cut anywhere, parses to what JSON.parse gives, items through onItem', () => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 10 }), fc.option(tricky), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (items, cont, cuts, pretty) => {
      const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', ...(cont !== null ? { continue: cont } : {}) }, items };
      const body = Buffer.from(pretty ? JSON.stringify(list, null, 2) : JSON.stringify(list));
      const parsed = JSON.parse(body.toString('utf8')) as typeof list;
      let n = 0;
      const out = feed(body, cuts, (o) => ({ n: ++n, o }));
      assert.deepEqual(out, { ...parsed, items: parsed.items.map((o, i) => ({ n: i + 1, o })) });
    }),
    { numRuns: 500 },
  );
});

test('an API-server-shaped list: most items are parsed before the body ends', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ metadata: { name: `pod-${i}`, annotations: { note: '},{"metadata":{ inside a string' } }, spec: { volumeClaimTemplates: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } }));
  const body = Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7', continue: 'abc' }, items }));
  const cuts = Array.from({ length: Math.floor(body.length / 1000) }, (_, i) => (i + 1) * 1000);
  const seen = { beforeEnd: 0 };
  const out = feed(body, cuts, (o) => o, seen);
  assert.deepEqual(out, JSON.parse(body.toString('utf8')));
  assert.ok(seen.beforeEnd >= 190, `items parsed before the end: ${seen.beforeEnd}`);
});

test('bodies not shaped as expected still give what JSON.parse gives; broken ones a ListBodyError', () => {
  for (const v of [{ kind: 'Status', code: 500 }, { items: [] }, { items: [{ apiVersion: 'v1', kind: 'Pod', metadata: {} }] }, { metadata: {}, items: [{ metadata: {} }], extra: 1 }, { items: 'x' }]) {
    assert.deepEqual(feed(Buffer.from(JSON.stringify(v)), [3, 20]), JSON.parse(JSON.stringify(v)));
  }
  for (const b of ['{"items":[{"metadata":{}},{"metadata":{', 'not json', '[1,2]', '{"items":[{"metadata":{"a":}}]}']) {
    assert.throws(() => feed(Buffer.from(b), [5]), ListBodyError, b);
  }
});

test('keys after the items, cut anywhere: what JSON.parse gives, every item through onItem once, in order', () => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 6 }), fc.dictionary(fc.string().filter((k) => k !== 'items'), json, { minKeys: 1, maxKeys: 3 }), fc.array(fc.nat(), { maxLength: 8 }), (items, after, cuts) => {
      const body = Buffer.from(`${JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '1' }, items }).slice(0, -1)},${JSON.stringify(after).slice(1)}`);
      const parsed = JSON.parse(body.toString('utf8')) as { items: unknown[] };
      let n = 0;
      const out = feed(body, cuts, (o) => ({ n: ++n, o }));
      assert.deepEqual(out, { ...parsed, items: parsed.items.map((o, i) => ({ n: i + 1, o })) });
    }),
    { numRuns: 300 },
  );
});

test('a page in flight holds only its unparsed tail, never the chunks already parsed', () => {
  // 2,000 pods of about 900 bytes in 64 KB chunks, as a TLS socket delivers a 1.8 MB page.
  const pod = (i: number) => ({ metadata: { name: `pod-${i}`, namespace: 'ns', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x'.repeat(800) }] }, status: { phase: 'Running' } });
  const body = Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: Array.from({ length: 2000 }, (_, i) => pod(i)) }));
  const s = new ListBody((o) => (o as { metadata: { name: string } }).metadata.name);
  let most = 0;
  for (let at = 0; at < body.length; at += 64 * 1024) {
    s.push(body.subarray(at, at + 64 * 1024));
    most = Math.max(most, s.held);
  }
  const out = s.end();
  assert.equal(out.items?.length, 2000);
  assert.equal(out.items?.[1999], 'pod-1999');
  assert.ok(most < 2 * 64 * 1024, `held at most ${most} characters of a ${body.length}-byte page`);
});
