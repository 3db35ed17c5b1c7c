/**
 * Opened (AES-GCM) secrets of recent attempts, kept briefly in memory: a subscription's secret and custom headers
 * are opened once per `ttlMs` instead of on every attempt. Keyed by the sealed text itself, so a rotated secret
 * (sealed anew, fresh IV) is a new entry and a stale plaintext can never be served. Bounded; never logged.
 */
export class OpenedSecrets {
  private readonly entries = new Map<string, { plain: string; until: number }>();

  constructor(
    private readonly open: (sealed: string) => string,
    private readonly ttlMs = 30_000,
    private readonly max = 1000,
  ) {}

  /** The plaintext of `sealed`; throws as `open` does (failures are not cached). */
  get(sealed: string, now = Date.now()): string {
    const hit = this.entries.get(sealed);
    if (hit && hit.until > now) return hit.plain;
    const plain = this.open(sealed);
    this.entries.delete(sealed);
    // Map keeps insertion order: the oldest entry goes first when full.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(sealed, { plain, until: now + this.ttlMs });
    return plain;
  }
}
