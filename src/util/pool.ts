// A bounded pool: tasks run together, at most `size` at a time, in the order they were queued.
// A task waiting for a slot when its signal aborts goes at once (so it can answer "cancelled"
// without waiting its turn). Used by a diagnosis's reads (src/checkpoints/pool.ts).

export class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new Error(`pool size must be at least 1, not ${size}`);
  }

  /** In flight now (for tests). */
  get running(): number {
    return this.active;
  }

  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.acquire(signal).then(async () => {
      try {
        return await task();
      } finally {
        this.release();
      }
    });
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.active < this.size || signal?.aborted) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const k = this.waiting.indexOf(take);
        if (k >= 0) this.waiting.splice(k, 1);
        this.active++;
        resolve();
      };
      // Called by release(): the slot is handed over as it is (active unchanged).
      const take = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
