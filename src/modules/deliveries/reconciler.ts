import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, In, Repository } from 'typeorm';
import { DeliveryProducer } from '../webhooks/delivery.producer';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';

/** How far ahead a pass looks: rows due before the next pass are added as delayed jobs. */
export const RECONCILE_INTERVAL_MS = 15_000;
const BATCH = 2000;

/**
 * Postgres is the truth: every pending/failed delivery due soon gets its attempt job (re)added. Job ids come from
 * (delivery, attempt), so rows already queued or running are untouched, and a Redis wipe loses nothing.
 */
@Injectable()
export class DeliveryReconciler {
  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly producer: DeliveryProducer,
  ) {}

  /** One pass; returns how many rows it looked at. */
  async run(now = new Date()): Promise<number> {
    let seen = 0;
    for (;;) {
      const rows: WebhookDelivery[] = await this.deliveries.find({
        where: { status: In(['pending', 'failed']), nextAttemptAt: LessThanOrEqual(new Date(now.getTime() + RECONCILE_INTERVAL_MS)) },
        select: { id: true, attemptsMade: true, nextAttemptAt: true },
        order: { nextAttemptAt: 'ASC', id: 'ASC' },
        skip: seen,
        take: BATCH,
      });
      for (const d of rows) {
        await this.producer.enqueue(d.id, d.attemptsMade + 1, (d.nextAttemptAt?.getTime() ?? 0) - now.getTime());
      }
      seen += rows.length;
      if (rows.length < BATCH) return seen;
    }
  }
}
