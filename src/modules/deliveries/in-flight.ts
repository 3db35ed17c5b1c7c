import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../common/redis/redis.module';

// A sorted set of leases per subscription, scored by expiry: expired leases (a crashed worker) drop out by
// themselves, so the count can never leak. Atomic across processes.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** The per-subscription cap on deliveries in flight (WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION). */
@Injectable()
export class InFlightLimiter {
  private readonly leaseMs: number;

  constructor(
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_CONNECT_TIMEOUT_MS + 5000;
  }

  /**
   * Takes a slot, waiting up to `waitMs` for one: a short wait absorbs bursts cheaply, after which the caller
   * defers the job (backing off in Bull) so other subscriptions' jobs are not held up behind a busy one.
   */
  async acquire(subscriptionId: string, holder: string, waitMs = 200): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.tryAcquire(subscriptionId, holder)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async tryAcquire(subscriptionId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const ok = await this.redis.client.eval(
      ACQUIRE, 1, this.key(subscriptionId), now, now + this.leaseMs, this.config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION, holder, this.leaseMs,
    );
    return ok === 1;
  }

  async release(subscriptionId: string, holder: string): Promise<void> {
    await this.redis.client.zrem(this.key(subscriptionId), holder).catch(() => undefined);
  }

  private key(subscriptionId: string): string {
    return this.redis.key('webhook-inflight', subscriptionId);
  }
}
