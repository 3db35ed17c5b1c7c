import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';

/**
 * The shared Redis connection for nonces, rate limits and pub/sub publishing. Commands fail fast while Redis
 * is unreachable (one retry, 2 s timeout) so callers can fail open or closed as their contract says.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.client = new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 2000,
      lazyConnect: false,
      // Commands issued during one event-loop turn (rate limits, leases, publishes of concurrent requests) go
      // out in one write: on a loaded API process the socket writes, not Redis, were the cost.
      enableAutoPipelining: true,
    });
    this.client.on('error', () => undefined); // reconnects on its own; health reports the outage
  }

  /** `<REDIS_KEY_PREFIX>:part:part…` — every key the engine writes goes through here. */
  key(...parts: (string | number)[]): string {
    return [this.config.REDIS_KEY_PREFIX, ...parts].join(':');
  }

  /** A dedicated connection (subscribers cannot share the command connection). */
  duplicate(): Redis {
    const c = this.client.duplicate({ maxRetriesPerRequest: null });
    c.on('error', () => undefined);
    return c;
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}

@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
