import { applyDecorators, CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Principal } from '../auth/principal';
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

/**
 * Per-tenant, per-route-family fixed-window limit in Redis, shared by every API process. Runs after the auth
 * guard; requests without a tenant (public, signature-guarded, platform admin) are not counted here. If Redis is
 * unreachable the request is let through: the API limit protects capacity, and an outage is reported by health.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly limiters = new Map<number, RateLimiterRedis>();

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
    let res: RateLimiterRes;
    try {
      res = await this.limiter(limit).consume(`${tenantId}:${family}`);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) {
        this.logger.warn(`rate limiting skipped: ${(e as Error).message}`);
        return true;
      }
      throw new AppError('rate_limited', 'Rate limit exceeded for this tenant', { headers: rateLimitHeaders(limit, e, true) });
    }
    reply.headers(rateLimitHeaders(limit, res, false));
    return true;
  }

  private limiter(points: number): RateLimiterRedis {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis.client,
        keyPrefix: this.redis.key('rl', points),
        points,
        duration: 60,
        useRedisPackage: false,
      });
      this.limiters.set(points, limiter);
    }
    return limiter;
  }
}
