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
  };
}
