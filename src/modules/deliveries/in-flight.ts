import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { Batcher } from '../../common/batching/batcher';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../common/redis/redis.module';
import { LocalLanes } from './local-lanes';

// A sorted set of leases per subscription, scored by expiry: expired leases (a crashed worker) drop out by
// themselves, so the count can never leak. Atomic across processes. One call takes a slot for each key in turn
// (a key may repeat); ARGV: now, expiry, cap, lease ms, then one holder per key. Answers 1 (taken) or 0 per key.
const ACQUIRE = `
local now, expiry, cap, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local taken = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) < cap then
    redis.call('ZADD', key, expiry, ARGV[4 + i])
    redis.call('PEXPIRE', key, ttl)
    taken[i] = 1
  else
    taken[i] = 0
  end
end
return taken`;

type LeaseClient = Redis & { inFlightAcquire(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]> };

interface LeaseRequest {
  key: string;
  holder: string;
}

/**
 * The per-subscription cap on deliveries in flight (WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION), in two layers: an
 * in-process FIFO semaphore that jobs of this process wait on without Redis traffic, then the cross-process
 * lease in Redis. The leases taken during one event-loop turn go to Redis as one EVALSHA; a release is a ZREM.
 * Only contention with other processes still polls.
 */
@Injectable()
export class InFlightLimiter {
  private readonly leaseMs: number;
  private readonly local: LocalLanes;
  private readonly client: LeaseClient;
  private readonly leases = new Batcher((requests: LeaseRequest[]) => this.acquireMany(requests), { maxBatch: 200, maxConcurrent: 4 });

  constructor(
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_CONNECT_TIMEOUT_MS + 5000;
    this.local = new LocalLanes(config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION);
    // defineCommand sends EVALSHA (the script body only once per connection), not the full text per call.
    redis.client.defineCommand('inFlightAcquire', { lua: ACQUIRE });
    this.client = redis.client as LeaseClient;
  }

  /**
   * Takes a slot, waiting up to `waitMs` for one: a short wait absorbs bursts cheaply, after which the caller
   * defers the job (backing off in Bull) so other subscriptions' jobs are not held up behind a busy one.
   */
  async acquire(subscriptionId: string, holder: string, waitMs = 200): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    if (!(await this.local.acquire(subscriptionId, waitMs))) return false;
    try {
      for (;;) {
        if (await this.leases.run({ key: this.key(subscriptionId), holder })) return true;
        // Other processes hold the rest of the cap: the only case that still polls.
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    } catch (e) {
      this.local.release(subscriptionId); // Redis failed: the job fails and retries, the local slot must not leak
      throw e;
    }
    this.local.release(subscriptionId);
    return false;
  }

  private async acquireMany(requests: LeaseRequest[]): Promise<boolean[]> {
    const now = Date.now();
    const taken = await this.client.inFlightAcquire(
      requests.length, ...requests.map((r) => r.key),
      now, now + this.leaseMs, this.config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION, this.leaseMs, ...requests.map((r) => r.holder),
    );
    return taken.map((t) => t === 1);
  }

  /** Frees the slot. Best effort and not awaited: a lease left behind expires by itself. */
  release(subscriptionId: string, holder: string): void {
    // Sent before the local waiter is woken: commands on one connection run in order, so its lease follows this ZREM.
    this.client.zrem(this.key(subscriptionId), holder).catch(() => undefined);
    this.local.release(subscriptionId);
  }

  private key(subscriptionId: string): string {
    return this.redis.key('webhook-inflight', subscriptionId);
  }
}
