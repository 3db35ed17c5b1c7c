import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { Principal } from '../../common/auth/principal';
import { RedisService } from '../../common/redis/redis.module';

/** How long a resolved key is trusted without asking Postgres: the bound on a revoke missed while Redis was down. */
export const API_KEY_CACHE_TTL_MS = 10_000;

type Entry = { principal: Principal | null };

/**
 * API keys resolved recently, by key hash, so an authenticated ingest does not cost a Postgres round trip. A
 * revoke clears every process's cache at once through Redis pub/sub; the TTL bounds staleness if that message
 * is lost. Unknown keys are cached too (bounded LRU), so guessing does not become a database load.
 */
@Injectable()
export class ApiKeyCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly entries = new LRUCache<string, Entry>({ max: 10_000, ttl: API_KEY_CACHE_TTL_MS });
  private subscriber?: Redis;

  constructor(private readonly redis: RedisService) {}

  async get(keyHash: string, load: () => Promise<Principal | null>): Promise<Principal | null> {
    const hit = this.entries.get(keyHash);
    if (hit) return hit.principal;
    const principal = await load();
    this.entries.set(keyHash, { principal });
    return principal;
  }

  /** Called after a revoke commits: this process at once, the others through Redis. */
  async clear(): Promise<void> {
    this.entries.clear();
    await this.redis.client.publish(this.channel(), 'clear').catch((e: Error) => {
      this.logger.warn(`could not broadcast an API key revoke (other processes trust cached keys for ≤ ${API_KEY_CACHE_TTL_MS} ms): ${e.message}`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', () => this.entries.clear());
    // Resubscribes by itself after a reconnect; while Redis is down the TTL bounds staleness.
    await this.subscriber.subscribe(this.channel()).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private channel(): string {
    return this.redis.key('api-keys-revoked');
  }
}
