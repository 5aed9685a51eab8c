// The one way the test suites wait: for a condition, checked now, on every event that may change
// it and on a short poll; or for an event. Either way with a deadline, and a failure at the
// deadline names what was waited for and the last value seen. Never a bare sleep.
//
// Plain JavaScript so every suite can import it: the .ts suites (through tsx, or bundled by
// esbuild into the extension-host suite) with the types of wait.d.mts, and the .mjs scripts of
// test/e2e as they are.

import { inspect } from 'node:util';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_POLL_MS = 20;

/** The error a wait fails with at its deadline. */
export class WaitTimeoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/** A short, one-line picture of a value for an error message. */
export function describeValue(value) {
  const text = typeof value === 'string' ? JSON.stringify(value) : inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 400 });
  return text.length > 1200 ? `${text.slice(0, 1200)}… (${text.length} chars)` : text;
}

/** Subscribes `listener` to every source; returns one function that unsubscribes from all. */
function subscribe(sources, listener) {
  const offs = [sources].flat().map((source) => {
    const sub = source(listener);
    return typeof sub === 'function' ? sub : () => sub?.dispose();
  });
  return () => {
    for (const off of offs) off();
  };
}

const isThenable = (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
const isValue = (v) => v !== undefined && v !== null && v !== false;

/**
 * Resolves with the first value `probe()` returns that is not undefined, null or false (0 and ''
 * are values). The probe runs now, whenever a source in `on` fires, and every `pollMs`
 * (default 20 ms; 0 for none, when `on` tells of every change). A probe may be async: checks
 * never overlap. A probe that throws (or rejects) fails the wait at once with its error.
 * At the deadline (`timeoutMs`, default 5000) it fails with a WaitTimeoutError naming `what`
 * and the last value seen (the probe's last result, and `show()`'s value when given).
 */
export function waitUntil(what, probe, options = {}) {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, pollMs = DEFAULT_POLL_MS, on, show } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    let running = false;
    let again = false;
    let checks = 0;
    let last;
    let unsubscribe = () => {};
    let poll;
    const finish = (settle) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      settle();
    };
    const seen = (v) => {
      checks++;
      last = v;
      if (isValue(v)) finish(() => resolve(v));
    };
    const check = () => {
      if (settled) return;
      if (running) {
        again = true;
        return;
      }
      let v;
      try {
        v = probe();
      } catch (e) {
        finish(() => reject(e));
        return;
      }
      if (!isThenable(v)) {
        seen(v);
        return;
      }
      running = true;
      v.then(
        (x) => {
          running = false;
          seen(x);
          if (again && !settled) {
            again = false;
            check();
          }
        },
        (e) => finish(() => reject(e)),
      );
    };
    const timer = setTimeout(() => {
      let state;
      try {
        state = show ? `; ${describeValue(show())}` : '';
      } catch (e) {
        state = `; show() threw ${describeValue(e)}`;
      }
      const lastSeen = checks ? `last seen ${describeValue(last)}` : 'the check never finished';
      finish(() => reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what} (${checks} checks, ${lastSeen})${state}`)));
    }, timeoutMs);
    check();
    if (settled) return;
    if (on) unsubscribe = subscribe(on, check);
    if (pollMs > 0) poll = setInterval(check, pollMs);
  });
}

/**
 * Resolves with the first value `event` delivers that `accept` takes (default: the first).
 * Subscribe before doing what fires it. `event` is a vscode.Event or any function that takes a
 * listener and returns a disposable or an unsubscribe function. An `accept` that throws fails
 * the wait at once. At the deadline it fails naming `what`, how many events came and the last.
 */
export function waitForEvent(what, event, accept = () => true, options = {}) {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, show } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    let count = 0;
    let last;
    let unsubscribe = () => {};
    const finish = (settle) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      settle();
    };
    const timer = setTimeout(() => {
      let state = '';
      try {
        if (show) state = `; ${describeValue(show())}`;
      } catch (e) {
        state = `; show() threw ${describeValue(e)}`;
      }
      const events = count ? `${count} event(s), none accepted, the last ${describeValue(last)}` : 'no event came';
      finish(() => reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what} (${events})${state}`)));
    }, timeoutMs);
    const off = subscribe(event, (value) => {
      if (settled) return;
      count++;
      last = value;
      let ok;
      try {
        ok = accept(value);
      } catch (e) {
        finish(() => reject(e));
        return;
      }
      if (ok) finish(() => resolve(value));
    });
    // An event delivered while subscribing may already have settled the wait.
    if (settled) off();
    else unsubscribe = off;
  });
}
