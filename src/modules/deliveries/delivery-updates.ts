import { Injectable } from '@nestjs/common';
import { ChainableCommander } from 'ioredis';
import { RedisService } from '../../common/redis/redis.module';
import { DeliveryResponse } from './deliveries.dto';

/** Delivery state changes, fanned out through Redis pub/sub so every API process can stream them (SSE). */
@Injectable()
export class DeliveryUpdates {
  constructor(private readonly redis: RedisService) {}

  channel(tenantId: string): string {
    return this.redis.key('webhook-delivery-updates', tenantId);
  }

  /** Best effort: the stream is a live view, Postgres keeps the record. */
  async publish(tenantId: string, delivery: DeliveryResponse): Promise<void> {
    await this.publishIn(this.redis.client.pipeline(), tenantId, delivery).exec().catch(() => undefined);
  }

  /** Queues the publish into a pipeline the caller sends, so it shares a round trip with other commands. */
  publishIn(pipeline: ChainableCommander, tenantId: string, delivery: DeliveryResponse): ChainableCommander {
    return pipeline.publish(this.channel(tenantId), JSON.stringify(delivery));
  }
}
