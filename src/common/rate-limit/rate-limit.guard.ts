import { applyDecorators, CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Principal } from '../auth/principal';
import { Batcher } from '../batching/batcher';
import { AppError } from '../errors/app-error';
import { RedisService } from '../redis/redis.module';
import { PerMinuteSetting, TenantLimits } from './tenant-limits';

export const RATE_LIMIT_FAMILY = 'send_engine:rate_limit_family';
export const RATE_LIMIT_SETTING = 'send_engine:rate_limit_setting';

/**
 * Names the route family a request counts against (default `api`); `false` exempts the route. `setting` names the
 * tenant setting that holds the family's per-minute limit (default `rate_limit_per_minute`), e.g. a job quota.
 */
export const RateLimit = (family: string | false, setting?: PerMinuteSetting) =>
  applyDecorators(SetMetadata(RATE_LIMIT_FAMILY, family), ...(setting ? [SetMetadata(RATE_LIMIT_SETTING, setting)] : []));

/** The X-RateLimit-* headers (and Retry-After when refused) for a limiter answer. */
export function rateLimitHeaders(limit: number, res: RateLimiterRes, refused: boolean, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
    'X-RateLimit-Reset': String(Math.ceil((now + res.msBeforeNext) / 1000)),
  };
  if (refused) headers['Retry-After'] = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  return headers;
}

/** One request's answer out of `count` points consumed together, the `index`-th of them (0-based, arrival order). */
export interface SharedAnswer {
  res: RateLimiterRes;
  refused: boolean;
}

/**
 * Splits one consume of `count` points (whose counter reached `total.consumedPoints`) into the answers `count`
 * separate consumes would have had: the `index`-th request holds point `total - count + index + 1` of the window.
 */
export function shareOut(limit: number, total: RateLimiterRes, count: number, index: number): SharedAnswer {
  const consumed = total.consumedPoints - count + index + 1;
  const first = total.isFirstInDuration && index === 0;
  return { res: new RateLimiterRes(Math.max(0, limit - consumed), total.msBeforeNext, consumed, first), refused: consumed > limit };
}

/** Counts of each key, in order of first appearance. */
function countKeys(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Concurrent consumes coalesced per limiter: a key seen n times in a batch costs one Redis command of n points. */
const BATCH = { maxBatch: 500, maxConcurrent: 4 };

/**
 * Per-tenant, per-route-family fixed-window limit in Redis, shared by every API process. Runs after the auth
 * guard; requests without a tenant (public, signature-guarded, platform admin) are not counted here. If Redis is
 * unreachable the request is let through: the API limit protects capacity, and an outage is reported by health.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly limiters = new Map<number, Batcher<string, SharedAnswer>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly redis: RedisService,
    private readonly limits: TenantLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const family = this.reflector.getAllAndOverride<string | false>(RATE_LIMIT_FAMILY, [context.getHandler(), context.getClass()]) ?? 'api';
    const req = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const tenantId = req.principal?.tenantId;
    if (family === false || !tenantId) return true;

    const setting = this.reflector.getAllAndOverride<PerMinuteSetting>(RATE_LIMIT_SETTING, [context.getHandler(), context.getClass()]);
    const limit = await this.limits.perMinute(tenantId, setting ?? 'rate_limit_per_minute');
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    let answer: SharedAnswer;
    try {
      answer = await this.limiter(limit).run(`${tenantId}:${family}`);
    } catch (e) {
      this.logger.warn(`rate limiting skipped: ${(e as Error).message}`);
      return true;
    }
    if (answer.refused) {
      throw new AppError('rate_limited', 'Rate limit exceeded for this tenant', { headers: rateLimitHeaders(limit, answer.res, true) });
    }
    reply.headers(rateLimitHeaders(limit, answer.res, false));
    return true;
  }

  private limiter(points: number): Batcher<string, SharedAnswer> {
    let batcher = this.limiters.get(points);
    if (!batcher) {
      const limiter = new RateLimiterRedis({
        storeClient: this.redis.client,
        keyPrefix: this.redis.key('rl', points),
        points,
        duration: 60,
        useRedisPackage: false,
      });
      // Over the limit, the limiter rejects with its answer (the points are counted all the same).
      const consume = (key: string, count: number) =>
        limiter.consume(key, count).catch((e: unknown) => {
          if (e instanceof RateLimiterRes) return e;
          throw e;
        });
      batcher = new Batcher(async (keys) => {
        const counts = countKeys(keys);
        const totals = new Map(await Promise.all([...counts].map(async ([key, n]) => [key, await consume(key, n)] as const)));
        const seen = new Map<string, number>();
        return keys.map((key) => {
          const index = seen.get(key) ?? 0;
          seen.set(key, index + 1);
          return shareOut(points, totals.get(key)!, counts.get(key)!, index);
        });
      }, BATCH);
      this.limiters.set(points, batcher);
    }
    return batcher;
  }
}
