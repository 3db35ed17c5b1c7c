import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../common/redis/redis.module';

/**
 * GCRA as slot reservation: the key holds the tenant's next free send time (µs, Redis clock so every worker
 * agrees). Each call takes the next slot and returns how long the caller waits for it, so sends are spaced
 * exactly 1/rate apart across all workers: no burst of a whole second's quota, ever.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], nextTat, 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return tat - now
`;

/** Per-tenant send rate shared by all workers (DESIGN "Send jobs": SES max send rate). */
@Injectable()
export class SendRateLimiter {
  constructor(private readonly redis: RedisService) {}

  /** Milliseconds to wait before sending one message at `perSecond` (0 = unlimited). */
  async reserve(tenantId: string, perSecond: number): Promise<number> {
    if (perSecond <= 0) return 0;
    const waitMicros = (await this.redis.client.eval(
      RESERVE_SLOT,
      1,
      this.redis.key('send-rate', tenantId),
      Math.round(1_000_000 / perSecond),
    )) as number;
    return waitMicros / 1000;
  }

  /** Waits for the tenant's next send slot. */
  async acquire(tenantId: string, perSecond: number): Promise<void> {
    const wait = await this.reserve(tenantId, perSecond);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
