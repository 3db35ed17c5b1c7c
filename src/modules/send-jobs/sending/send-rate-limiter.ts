import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../common/redis/redis.module';
import { reserveSlots } from '../../../common/rate-limit/slots';

export { untilSlot } from '../../../common/rate-limit/slots';

/** Per-tenant send rate shared by all workers (like SES's max send rate: see docs/send-jobs.md), as GCRA slots. */
@Injectable()
export class SendRateLimiter {
  constructor(private readonly redis: RedisService) {}

  /** Reserves `count` consecutive send slots at `perSecond` (0 = unlimited); the milliseconds until each. */
  reserve(tenantId: string, perSecond: number, count = 1): Promise<number[]> {
    return reserveSlots(this.redis, 'send-rate', tenantId, perSecond, count);
  }
}
