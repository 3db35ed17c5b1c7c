import { applyDecorators, CanActivate, ExecutionContext, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Principal } from '../auth/principal';
import { AppError } from '../errors/app-error';
import { RedisService } from '../redis/redis.module';
import { PerMinuteSetting, TenantLimits } from './tenant-limits';
import { WindowAnswer, WindowLease } from './window-lease';

export const RATE_LIMIT_FAMILY = 'send_engine:rate_limit_family';
export const RATE_LIMIT_SETTING = 'send_engine:rate_limit_setting';

/**
 * Names the route family a request counts against (default `api`); `false` exempts the route. `setting` names the
 * tenant setting that holds the family's per-minute limit (default `rate_limit_per_minute`), e.g. a job quota.
 */
export const RateLimit = (family: string | false, setting?: PerMinuteSetting) =>
  applyDecorators(SetMetadata(RATE_LIMIT_FAMILY, family), ...(setting ? [SetMetadata(RATE_LIMIT_SETTING, setting)] : []));

/** The X-RateLimit-* headers (and Retry-After when refused) for a limiter answer. */
export function rateLimitHeaders(limit: number, res: Pick<WindowAnswer, 'remainingPoints' | 'msBeforeNext'>, refused: boolean, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
    'X-RateLimit-Reset': String(Math.ceil((now + res.msBeforeNext) / 1000)),
  };
  if (refused) headers['Retry-After'] = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  return headers;
}

const WINDOW_SECONDS = 60;
/** Adds ARGV[1] points to the window KEYS[1] (made with a TTL of ARGV[2] s if new): its count and ms left. */
const TAKE = `
redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then redis.call('expire', KEYS[1], ARGV[2]) ttl = 1000 * ARGV[2] end
return {consumed, ttl}`;
type WithTake = { rateLimitTake(key: string, points: number, seconds: number): Promise<[number, number]> };

/** Window entries kept before the ended ones are swept. */
const SWEEP_AT = 10_000;

/**
 * Per-tenant, per-route-family fixed one-minute window counted in Redis, shared by every API process (each leases
 * points ahead while the tenant is far from its limit: window-lease.ts). Runs after the auth guard; requests
 * without a tenant (public, signature-guarded, platform admin) are not counted here. If Redis is unreachable the
 * request is let through: the API limit protects capacity, and an outage is reported by health.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly windows = new Map<string, WindowLease>();
  private readonly client: WithTake;

  constructor(
    private readonly reflector: Reflector,
    private readonly redis: RedisService,
    private readonly limits: TenantLimits,
  ) {
    if (!('rateLimitTake' in redis.client)) redis.client.defineCommand('rateLimitTake', { numberOfKeys: 1, lua: TAKE });
    this.client = redis.client as unknown as WithTake;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const family = this.reflector.getAllAndOverride<string | false>(RATE_LIMIT_FAMILY, [context.getHandler(), context.getClass()]) ?? 'api';
    const req = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const tenantId = req.principal?.tenantId;
    if (family === false || !tenantId) return true;

    const setting = this.reflector.getAllAndOverride<PerMinuteSetting>(RATE_LIMIT_SETTING, [context.getHandler(), context.getClass()]);
    const limit = await this.limits.perMinute(tenantId, setting ?? 'rate_limit_per_minute');
    // The key rate-limiter-flexible used, so counts carry over a deploy.
    const key = `${this.redis.key('rl', limit)}:${tenantId}:${family}`;
    let res: WindowAnswer;
    try {
      res = await this.window(key).consume(limit, (n) => this.take(key, n));
    } catch (e) {
      this.logger.warn(`rate limiting skipped: ${(e as Error).message}`);
      return true;
    }
    if (!res.allowed) throw new AppError('rate_limited', 'Rate limit exceeded for this tenant', { headers: rateLimitHeaders(limit, res, true) });
    context.switchToHttp().getResponse<FastifyReply>().headers(rateLimitHeaders(limit, res, false));
    return true;
  }

  private async take(key: string, n: number): Promise<{ consumed: number; ttlMs: number }> {
    const [consumed, ttlMs] = await this.client.rateLimitTake(key, n, WINDOW_SECONDS);
    return { consumed: Number(consumed), ttlMs: Number(ttlMs) };
  }

  private window(key: string): WindowLease {
    let window = this.windows.get(key);
    if (!window) {
      if (this.windows.size >= SWEEP_AT) for (const [k, w] of this.windows) if (w.expired()) this.windows.delete(k);
      window = new WindowLease();
      this.windows.set(key, window);
    }
    return window;
  }
}
