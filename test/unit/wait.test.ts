// The one wait helper of every suite (test/support/wait.mjs): a wait resolves with what it
// waited for, fails at its deadline naming it and the last value seen, fails at once when the
// probe throws, never runs an async probe twice at once, and leaves no timer or listener behind.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { waitForEvent, waitUntil, WaitTimeoutError, type Subscribe } from '../support/wait.mjs';

/** An event source that counts its listeners. */
function source<T>(): { fire(v: T): void; listeners(): number; event: Subscribe<T> } {
  const e = new EventEmitter();
  return {
    fire: (v) => e.emit('x', v),
    listeners: () => e.listenerCount('x'),
    event: (l) => {
      e.on('x', l);
      return { dispose: () => e.off('x', l) };
    },
  };
}

describe('waitUntil', () => {
  it('resolves at once with a value already there, without subscribing', async () => {
    const s = source<number>();
    assert.equal(await waitUntil('a value', () => 42, { on: s.event }), 42);
    assert.equal(s.listeners(), 0);
  });

  it('0 and the empty string are values; undefined, null and false are "not yet"', async () => {
    assert.equal(await waitUntil('zero', () => 0), 0);
    assert.equal(await waitUntil('empty', () => ''), '');
    let n = 0;
    const seq = [undefined, null, false, 'done'] as const;
    assert.equal(await waitUntil('the fourth try', () => seq[n++], { pollMs: 1 }), 'done');
  });

  it('re-checks on the event (no poll), and unsubscribes once done', async () => {
    const s = source<void>();
    let ready = false;
    const p = waitUntil('ready', () => ready, { on: s.event, pollMs: 0 });
    assert.equal(s.listeners(), 1);
    ready = true;
    s.fire();
    assert.equal(await p, true);
    assert.equal(s.listeners(), 0);
  });

  it('fails at the deadline naming what it waited for and the last value seen', async () => {
    const s = source<void>();
    const e = await waitUntil('the answer', () => (false as const), { timeoutMs: 30, on: s.event }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof WaitTimeoutError, String(e));
    assert.match(e.message, /^timed out after 30 ms waiting for the answer \(\d+ checks, last seen false\)$/);
    assert.equal(s.listeners(), 0, 'the listener is gone');
  });

  it('reports show() at the deadline besides the probe\'s last result', async () => {
    const state = { phase: 'loading', items: [1, 2] };
    const e = await waitUntil('ready', () => state.phase === 'ready', { timeoutMs: 20, show: () => state }).then(() => undefined, (x: unknown) => x as Error);
    assert.match(String(e?.message), /waiting for ready .*; \{ phase: 'loading', items: \[ 1, 2 \] \}$/);
  });

  it('a probe that throws fails the wait at once with its error', async () => {
    const t0 = Date.now();
    await assert.rejects(
      waitUntil('never', () => {
        throw new Error('the probe broke');
      }, { timeoutMs: 10_000 }),
      /the probe broke/,
    );
    assert.ok(Date.now() - t0 < 1000);
  });

  it('an async probe is awaited, never run twice at once', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const value = await waitUntil('the third answer', async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return ++calls >= 3 && calls;
    }, { pollMs: 1 });
    assert.equal(value, 3);
    assert.equal(most, 1);
  });

  it('an async probe that rejects fails the wait', async () => {
    await assert.rejects(waitUntil('never', () => Promise.reject(new Error('refused'))), /refused/);
  });
});

describe('waitForEvent', () => {
  it('resolves with the first event accept takes, and unsubscribes', async () => {
    const s = source<number>();
    const p = waitForEvent('an even number', s.event, (n) => n % 2 === 0);
    s.fire(1);
    s.fire(4);
    s.fire(6);
    assert.equal(await p, 4);
    assert.equal(s.listeners(), 0);
  });

  it('fails at the deadline saying no event came, or the last one it did not take', async () => {
    const none = source<number>();
    await assert.rejects(waitForEvent('a lint', none.event, () => true, { timeoutMs: 20 }), /^WaitTimeoutError: timed out after 20 ms waiting for a lint \(no event came\)$/);
    const odd = source<{ n: number }>();
    const p = waitForEvent('an even number', odd.event, (e) => e.n % 2 === 0, { timeoutMs: 20, show: () => 'state X' });
    odd.fire({ n: 1 });
    odd.fire({ n: 3 });
    await assert.rejects(p, /waiting for an even number \(2 event\(s\), none accepted, the last \{ n: 3 \}\); "state X"$/);
    assert.equal(odd.listeners(), 0);
  });

  it('an accept that throws fails the wait at once', async () => {
    const s = source<number>();
    const p = waitForEvent('anything', s.event, () => {
      throw new Error('bad accept');
    });
    s.fire(1);
    await assert.rejects(p, /bad accept/);
    assert.equal(s.listeners(), 0);
  });

  it('takes an event delivered while it subscribes', async () => {
    const eager: Subscribe<string> = (l) => {
      l('now');
      return () => undefined;
    };
    assert.equal(await waitForEvent('the eager event', eager), 'now');
  });
});
