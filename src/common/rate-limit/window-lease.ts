/** One take from the shared window in Redis: its count after adding `n` points, and its milliseconds left. */
export type WindowTake = (n: number) => Promise<{ consumed: number; ttlMs: number }>;

export interface WindowAnswer {
  allowed: boolean;
  remainingPoints: number;
  msBeforeNext: number;
}

/** Most points one take leases ahead. */
export const MAX_LEASE = 64;

/**
 * How many points the next take leases: an eighth of what the window had left, so a process never sits on much
 * of a budget other processes could use, and near the limit every request is counted in Redis on its own.
 */
export function leaseSize(remaining: number): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(remaining / 8)));
}

/**
 * A process's share of one fixed window (tenant × route family): points taken from the shared count in Redis
 * ahead of use and spent locally, so a busy tenant costs one Redis round trip per lease, not per request. The
 * limit is never exceeded (Redis counts every leased point); a point leased and not spent before the window ends
 * is simply lost, so with several API processes a tenant may be refused by at most the others' unspent leases
 * (each ≤ 1/8 of what was left) early.
 */
export class WindowLease {
  private windowEnds = 0;
  private left = 0;
  /** The window's count in Redis as last seen (it includes `left`). */
  private consumed = 0;
  private next = 1;

  async consume(limit: number, take: WindowTake, now = Date.now()): Promise<WindowAnswer> {
    if (this.left > 0 && this.windowEnds > now) {
      this.left--;
      return { allowed: true, remainingPoints: this.remaining(limit), msBeforeNext: this.windowEnds - now };
    }
    const n = this.next;
    const { consumed, ttlMs } = await take(n);
    const granted = Math.max(0, Math.min(n, limit - (consumed - n)));
    const ends = now + ttlMs;
    if (this.windowEnds <= now || ends > this.windowEnds + 1000) {
      // A newer window than the one held: what was left of the old one is gone.
      this.left = 0;
      this.consumed = consumed;
      this.windowEnds = ends;
    } else {
      // Takes of concurrent requests in one window: their leases add up.
      this.consumed = Math.max(this.consumed, consumed);
    }
    this.next = leaseSize(limit - consumed);
    if (granted === 0) return { allowed: false, remainingPoints: 0, msBeforeNext: ttlMs };
    this.left += granted - 1;
    return { allowed: true, remainingPoints: this.remaining(limit), msBeforeNext: ttlMs };
  }

  /** Whether the window is over (the entry can be dropped). */
  expired(now = Date.now()): boolean {
    return this.windowEnds <= now;
  }

  private remaining(limit: number): number {
    return Math.max(0, limit - (this.consumed - this.left));
  }
}
