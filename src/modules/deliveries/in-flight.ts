import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { Batcher } from '../../common/batching/batcher';
import { AppConfig } from '../../config/app-config';
import { RedisService } from '../../common/redis/redis.module';
import { LocalLanes } from './local-lanes';

// A sorted set of leases per subscription, scored by expiry: expired leases (a crashed worker) drop out by
// themselves, so the count can never leak. Atomic across processes. One call runs the takes and frees of a batch
// in the order they were asked for (a key may repeat), so a free lets a take later in the batch in. ARGV: now,
// expiry, cap, lease ms, then per key its op ('take' | 'free') and holder. Answers 1 (taken/freed) or 0 per key.
const LEASES = `
local now, expiry, cap, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local done = {}
for i, key in ipairs(KEYS) do
  local op, holder = ARGV[3 + 2 * i], ARGV[4 + 2 * i]
  if op == 'free' then
    redis.call('ZREM', key, holder)
    done[i] = 1
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) < cap then
      redis.call('ZADD', key, expiry, holder)
      redis.call('PEXPIRE', key, ttl)
      done[i] = 1
    else
      done[i] = 0
    end
  end
end
return done`;

type LeaseClient = Redis & { inFlightLeases(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]> };

interface LeaseOp {
  op: 'take' | 'free';
  key: string;
  holder: string;
}

/**
 * The per-subscription cap on deliveries in flight (WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION), in two layers: an
 * in-process FIFO semaphore that jobs of this process wait on without Redis traffic, then the cross-process
 * lease in Redis. The leases taken and freed during one event-loop turn go to Redis as one EVALSHA.
 * Only contention with other processes still polls.
 */
@Injectable()
export class InFlightLimiter {
  private readonly leaseMs: number;
  private readonly local: LocalLanes;
  private readonly client: LeaseClient;
  // Takes and frees share one queue: a batch keeps their order, and batches go out in order on one connection.
  private readonly leases = new Batcher((ops: LeaseOp[]) => this.runLeaseOps(ops), { maxBatch: 200, maxConcurrent: 4 });

  constructor(
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + config.WEBHOOK_CONNECT_TIMEOUT_MS + 5000;
    this.local = new LocalLanes(config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION);
    // defineCommand sends EVALSHA (the script body only once per connection), not the full text per call.
    redis.client.defineCommand('inFlightLeases', { lua: LEASES });
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
        if (await this.leases.run({ op: 'take', key: this.key(subscriptionId), holder })) return true;
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

  private async runLeaseOps(ops: LeaseOp[]): Promise<boolean[]> {
    const now = Date.now();
    const done = await this.client.inFlightLeases(
      ops.length, ...ops.map((o) => o.key),
      now, now + this.leaseMs, this.config.WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION, this.leaseMs, ...ops.flatMap((o) => [o.op, o.holder]),
    );
    return done.map((d) => d === 1);
  }

  /** Frees the slot. Best effort and not awaited: a lease left behind expires by itself. */
  release(subscriptionId: string, holder: string): void {
    // Queued before the local waiter is woken, so the waiter's take comes after this free (same batch or a later one).
    this.leases.run({ op: 'free', key: this.key(subscriptionId), holder }).catch(() => undefined);
    this.local.release(subscriptionId);
  }

  private key(subscriptionId: string): string {
    return this.redis.key('webhook-inflight', subscriptionId);
  }
}
