import { Injectable } from '@nestjs/common';
import { ConsoleSessionRevocations } from '../../common/auth/console-session-revocations';
import { ConsoleLinksRepository } from './console-links.repository';

/**
 * How long a "still valid" answer is reused per process. A revocation made in this process takes effect at
 * once; one made in another process within this long (a lookup per request per session would be a query per
 * console call).
 */
export const REVOCATION_CACHE_MS = 5_000;
/** Distinct live sessions remembered; past this the cache starts over (a few console users per tenant). */
const MAX_CACHED = 10_000;

/** Server-side end of console sessions: logout revokes one, a tenant-wide revocation all of a tenant's. */
@Injectable()
export class ConsoleSessions extends ConsoleSessionRevocations {
  /** sid → until when (epoch ms) it is known not revoked. */
  private readonly valid = new Map<string, number>();

  constructor(private readonly links: ConsoleLinksRepository) {
    super();
  }

  async isRevoked(sid: string): Promise<boolean> {
    const now = Date.now();
    if ((this.valid.get(sid) ?? 0) > now) return false;
    const revoked = await this.links.isRevoked(sid);
    if (revoked) this.valid.delete(sid);
    else {
      if (this.valid.size >= MAX_CACHED) this.valid.clear();
      this.valid.set(sid, now + REVOCATION_CACHE_MS);
    }
    return revoked;
  }

  async revoke(sid: string): Promise<void> {
    await this.links.revoke(sid);
    this.valid.delete(sid);
  }

  async revokeTenant(tenantId: string): Promise<number> {
    const n = await this.links.revokeTenant(tenantId);
    this.valid.clear(); // sids are not indexed by tenant here; re-checking every session once is cheap
    return n;
  }
}
