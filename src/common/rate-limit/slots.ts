import { RedisService } from '../redis/redis.module';

/**
 * GCRA as slot reservation: the key holds the bucket's next free time (µs, Redis clock so every worker agrees).
 * Each call takes the next slots and returns how long the caller waits for each, so work is spaced exactly
 * 1/rate apart across all workers: no burst of a whole second's quota, ever.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval * count
redis.call('SET', KEYS[1], nextTat, 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return tat - now
`;

/**
 * Reserves `count` consecutive slots of `bucket`/`id` at `perSecond` (0 = unlimited); returns the milliseconds
 * until each slot, in order.
 */
export async function reserveSlots(redis: RedisService, bucket: string, id: string, perSecond: number, count = 1): Promise<number[]> {
  if (perSecond <= 0) return Array<number>(count).fill(0);
  const interval = 1_000_000 / perSecond;
  const waitMicros = (await redis.client.eval(RESERVE_SLOT, 1, redis.key(bucket, id), Math.round(interval), count)) as number;
  return Array.from({ length: count }, (_, i) => (waitMicros + i * interval) / 1000);
}

/** Sleeps until a slot `reserveSlots` returned, measured from `reservedAt`. */
export async function untilSlot(reservedAt: number, waitMs: number): Promise<void> {
  const left = reservedAt + waitMs - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
