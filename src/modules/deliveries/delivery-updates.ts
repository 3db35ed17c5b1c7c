import { Injectable } from '@nestjs/common';
import { RedisService } from '../../common/redis/redis.module';
import { DeliveryResponse } from './deliveries.dto';

/** Delivery state changes, fanned out through Redis pub/sub so every API process can stream them (SSE). */
@Injectable()
export class DeliveryUpdates {
  constructor(private readonly redis: RedisService) {}

  channel(tenantId: string): string {
    return this.redis.key('webhook-delivery-updates', tenantId);
  }

  /** Best effort: the stream is a live view, Postgres keeps the record. Auto-pipelined with concurrent commands. */
  async publish(tenantId: string, delivery: DeliveryResponse): Promise<void> {
    await this.redis.client.publish(this.channel(tenantId), JSON.stringify(delivery)).catch(() => undefined);
  }
}
