interface Lane {
  held: number;
  waiters: (() => void)[];
}

/**
 * An in-process FIFO semaphore per lane (subscription): jobs of this process wait here for a slot without any
 * Redis traffic and are woken by a release, instead of polling the cross-process lease. Idle lanes are dropped.
 */
export class LocalLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limit: number) {}

  /** Takes a slot of `lane`, waiting up to `waitMs` in arrival order; false when none came free in time. */
  acquire(lane: string, waitMs: number): Promise<boolean> {
    const l = this.lanes.get(lane) ?? { held: 0, waiters: [] };
    this.lanes.set(lane, l);
    if (l.held < this.limit) {
      l.held++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        l.waiters.splice(l.waiters.indexOf(wake), 1);
        resolve(false);
      }, waitMs);
      l.waiters.push(wake);
    });
  }

  /** Gives the slot straight to the longest waiter (the count stays), or frees it. */
  release(lane: string): void {
    const l = this.lanes.get(lane);
    if (!l) return;
    const next = l.waiters.shift();
    if (next) return next();
    if (--l.held <= 0) this.lanes.delete(lane);
  }

  /** Slots held in `lane` (for tests and metrics). */
  held(lane: string): number {
    return this.lanes.get(lane)?.held ?? 0;
  }
}
