import { Injectable } from '@nestjs/common';
import { DeliveriesRepository, DuePosition } from './deliveries.repository';
import { DeliveryProducer } from './delivery.producer';

/** How far ahead a pass looks: rows due before the next pass are added as delayed jobs. */
export const RECONCILE_INTERVAL_MS = 15_000;
const BATCH = 2000;

/**
 * Postgres is the truth: every pending/failed delivery due soon gets its attempt job (re)added. Job ids come from
 * (delivery, attempt), so rows already queued or running are untouched, and a Redis wipe loses nothing. A row
 * whose first attempt a live batch job holds (`first_attempt_batch`) is left to it: once that job is gone
 * (finished, failed for good, or wiped), a row it did not settle gets its own job.
 */
@Injectable()
export class DeliveryReconciler {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly producer: DeliveryProducer,
  ) {}

  /** One pass; returns how many rows it looked at. Pages by keyset and adds each page in one Redis round trip. */
  async run(now = new Date()): Promise<number> {
    const horizon = new Date(now.getTime() + RECONCILE_INTERVAL_MS);
    let after: DuePosition = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    let seen = 0;
    for (;;) {
      const rows = await this.repository.duePage(horizon, after, BATCH);
      await this.producer.enqueueMany(
        rows.map((d) => ({
          deliveryId: d.id, attempt: d.attempts_made + 1, delayMs: d.next_attempt_at.getTime() - now.getTime(), batch: d.first_attempt_batch,
        })),
      );
      seen += rows.length;
      if (rows.length < BATCH) return seen;
      const last = rows[rows.length - 1];
      after = { at: last.position, id: last.id };
    }
  }
}
