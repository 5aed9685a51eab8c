// The bounded pool a diagnosis's reads go through (src/checkpoints/pool.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool } from '../../src/checkpoints/pool';

/** A task that finishes when told to. */
function gate(): { task: () => Promise<string>; open: (v: string) => void; started: () => boolean } {
  let open!: (v: string) => void;
  let started = false;
  const p = new Promise<string>((r) => (open = r));
  return { task: () => ((started = true), p), open: (v) => open(v), started: () => started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('pool', () => {
  it('runs at most `size` tasks at once, the others in order as slots free up', async () => {
    const pool = new Pool(2);
    const gates = [gate(), gate(), gate(), gate()];
    const done = gates.map((g) => pool.run(g.task));
    await tick();
    assert.deepEqual(gates.map((g) => g.started()), [true, true, false, false]);
    assert.equal(pool.running, 2);
    gates[1]!.open('b');
    assert.equal(await done[1], 'b');
    await tick();
    assert.deepEqual(gates.map((g) => g.started()), [true, true, true, false]);
    assert.equal(pool.running, 2);
    gates[0]!.open('a');
    gates[2]!.open('c');
    await Promise.all([done[0], done[2]]);
    await tick();
    assert.equal(gates[3]!.started(), true);
    gates[3]!.open('d');
    assert.deepEqual(await Promise.all(done), ['a', 'b', 'c', 'd']);
    assert.equal(pool.running, 0);
  });

  it('a task waiting for a slot goes at once when the signal aborts (it is answered "cancelled" by the client)', async () => {
    const pool = new Pool(1);
    const busy = gate();
    const first = pool.run(busy.task);
    const ac = new AbortController();
    const waiting = gate();
    const second = pool.run(waiting.task, ac.signal);
    await tick();
    assert.equal(waiting.started(), false);
    ac.abort();
    await tick();
    assert.equal(waiting.started(), true);
    waiting.open('cancelled');
    assert.equal(await second, 'cancelled');
    busy.open('done');
    assert.equal(await first, 'done');
    assert.equal(pool.running, 0);
  });

  it('a task that throws frees its slot', async () => {
    const pool = new Pool(1);
    await assert.rejects(pool.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await pool.run(() => Promise.resolve('next')), 'next');
    assert.equal(pool.running, 0);
  });
});
