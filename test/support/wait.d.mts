// Types of wait.mjs (the one wait helper of every suite).

export const DEFAULT_TIMEOUT_MS: number;
export const DEFAULT_POLL_MS: number;

/** The error a wait fails with at its deadline. */
export class WaitTimeoutError extends Error {}

/** A short, one-line picture of a value for an error message. */
export function describeValue(value: unknown): string;

/** A vscode.Event, or any function that takes a listener and returns a disposable or an unsubscribe function. */
export type Subscribe<T> = (listener: (value: T) => void) => { dispose(): unknown } | (() => unknown);

/** What a probe returns: a value ends the wait; undefined, null and false mean "not yet". */
export type Probed<T> = T | undefined | null | false;

export interface WaitOptions {
  /** The deadline (default 5000 ms). */
  timeoutMs?: number;
  /** Re-check this often (default 20 ms); 0 for no poll, when `on` tells of every change. */
  pollMs?: number;
  /** Re-check whenever one of these fires. */
  on?: Subscribe<any> | readonly Subscribe<any>[];
  /** The state to report at the deadline, besides the probe's last result. */
  show?: () => unknown;
}

/**
 * Resolves with the first value `probe()` returns that is not undefined, null or false, checked
 * now, on every `on` event and every `pollMs`; fails at the deadline naming `what` and the last
 * value seen. A probe that throws fails the wait at once.
 */
export function waitUntil<T>(what: string, probe: () => PromiseLike<Probed<T>>, options?: WaitOptions): Promise<T>;
export function waitUntil<T>(what: string, probe: () => Probed<T>, options?: WaitOptions): Promise<T>;

export interface EventWaitOptions {
  /** The deadline (default 5000 ms). */
  timeoutMs?: number;
  /** The state to report at the deadline, besides the last event. */
  show?: () => unknown;
}

/**
 * Resolves with the first value `event` delivers that `accept` takes (default: the first);
 * fails at the deadline naming `what`, how many events came and the last one.
 * Subscribe (call this) before doing what fires the event.
 */
export function waitForEvent<T>(what: string, event: Subscribe<T>, accept?: (value: T) => boolean, options?: EventWaitOptions): Promise<T>;
