/**
 * A FIFO counting semaphore: at most `limit` holders at once, the rest wait in arrival order (no timeout: the
 * caller's work is already accepted, it only waits its turn).
 */
export class Slots {
  private held = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `work` once a slot is free, and frees it after, however `work` ends. */
  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.held < this.limit) this.held++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve)); // the releaser hands its slot over
    try {
      return await work();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.held--;
    }
  }
}
