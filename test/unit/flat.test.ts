// src/util/flat.ts: the same text back, whatever it is (the flattening itself is V8's business,
// seen in the tree benchmark's memory, not from JavaScript).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { flat } from '../../src/util/flat';

test('flat gives back the same text, for any string', () => {
  for (const s of ['', '__proto__', 'constructor', '0', '123', '4294967295', '-1', 'pods/payments/api-1', 'ünïcødé ✓ 𝔘', 'a'.repeat(100_000)]) assert.equal(flat(s), s);
  let built = '';
  for (let i = 0; i < 50; i++) built += `part ${i}/`;
  assert.equal(flat(built), built);
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => flat(`${a}/${b}`) === `${a}/${b}`), { numRuns: 500 });
});
