import { BullRootModuleOptions } from '@nestjs/bull';
import { RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config';

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Bull's connection and defaults; Bull owns (and closes) the connections it makes from these options. */
export function bullRootOptions(config: AppConfig): BullRootModuleOptions {
  return {
    redis: redisOptionsFromUrl(config.REDIS_URL),
    prefix: `${config.REDIS_KEY_PREFIX}:bull`,
    defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
    // A job whose worker was killed holds its id (and so blocks the scheduler's and reconciler's re-adds) until
    // Bull sees its lock expire: 10 s locks checked every 5 s, not Bull's 30 s + 30 s (sending resumed 67 s
    // after a kill -9). Locks are renewed every 5 s while the job runs.
    settings: { lockDuration: 10_000, stalledInterval: 5_000 },
  };
}
