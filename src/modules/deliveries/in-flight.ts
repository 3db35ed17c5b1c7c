import { Inject, Injectable } from '@nestjs/common';
import { ChainableCommander } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../common/redis/redis.module';
import { LocalLanes } from './local-lanes';

// A sorted set of leases per subscription, scored by expiry: expired leases (a crashed worker) drop out by
// themselves, so the count can never leak. Atomic across processes.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * The per-subscription cap on deliveries in flight (WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION), in two layers: an
 * in-process FIFO semaphore that jobs of this process wait on without Redis traffic, then the cross-process
 * lease in Redis. A slot costs one Redis call; only contention with other processes still polls.
 */
@Injectable()
export class InFlightLimiter {
  private readonly leaseMs: number;
  private readonly local: LocalLanes;

  constructor(
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_CONNECT_TIMEOUT_MS + 5000;
    this.local = new LocalLanes(config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION);
  }

  /**
   * Takes a slot, waiting up to `waitMs` for one: a short wait absorbs bursts cheaply, after which the caller
   * defers the job (backing off in Bull) so other subscriptions' jobs are not held up behind a busy one.
   */
  async acquire(subscriptionId: string, holder: string, waitMs = 200): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    if (!(await this.local.acquire(subscriptionId, waitMs))) return false;
    for (;;) {
      if (await this.tryAcquire(subscriptionId, holder)) return true;
      // Other processes hold the rest of the cap: the only case that still polls.
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    this.local.release(subscriptionId);
    return false;
  }

  private async tryAcquire(subscriptionId: string, holder: string): Promise<boolean> {
    const now = Date.now();
    const ok = await this.redis.client.eval(
      ACQUIRE, 1, this.key(subscriptionId), now, now + this.leaseMs, this.config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION, holder, this.leaseMs,
    );
    return ok === 1;
  }

  /**
   * Frees the slot; `also` queues more commands (the SSE publish) into the same round trip. Best effort: a lease
   * left behind expires by itself.
   */
  async release(subscriptionId: string, holder: string, also?: (pipeline: ChainableCommander) => void): Promise<void> {
    const pipeline = this.redis.client.pipeline().zrem(this.key(subscriptionId), holder);
    also?.(pipeline);
    const sent = pipeline.exec().catch(() => undefined);
    // Woken only now: commands on one connection run in order, so the waiter's ZADD follows this ZREM.
    this.local.release(subscriptionId);
    await sent;
  }

  private key(subscriptionId: string): string {
    return this.redis.key('webhook-inflight', subscriptionId);
  }
}
