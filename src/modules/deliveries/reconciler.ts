import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryProducer } from './delivery.producer';

/** How far ahead a pass looks: rows due before the next pass are added as delayed jobs. */
export const RECONCILE_INTERVAL_MS = 15_000;
const BATCH = 2000;

/**
 * Due rows after the keyset position ($2, $3), in (next_attempt_at, id) order. The position's time travels as
 * text so it keeps microseconds (a JS Date would round it and re-read or stall on equal milliseconds).
 */
const DUE_PAGE = `
SELECT id, attempts_made, next_attempt_at, next_attempt_at::text AS position
  FROM webhook_deliveries
 WHERE status IN ('pending', 'failed') AND next_attempt_at <= $1
   AND (next_attempt_at, id) > ($2::timestamptz, $3::uuid)
 ORDER BY next_attempt_at, id
 LIMIT $4`;

interface DueRow {
  id: string;
  attempts_made: number;
  next_attempt_at: Date;
  position: string;
}

/**
 * Postgres is the truth: every pending/failed delivery due soon gets its attempt job (re)added. Job ids come from
 * (delivery, attempt), so rows already queued or running are untouched, and a Redis wipe loses nothing.
 */
@Injectable()
export class DeliveryReconciler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: DeliveryProducer,
  ) {}

  /** One pass; returns how many rows it looked at. Pages by keyset and adds each page in one Redis round trip. */
  async run(now = new Date()): Promise<number> {
    const horizon = new Date(now.getTime() + RECONCILE_INTERVAL_MS);
    let after = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    let seen = 0;
    for (;;) {
      const rows: DueRow[] = await this.dataSource.query(DUE_PAGE, [horizon, after.at, after.id, BATCH]);
      await this.producer.enqueueMany(
        rows.map((d) => ({ deliveryId: d.id, attempt: d.attempts_made + 1, delayMs: d.next_attempt_at.getTime() - now.getTime() })),
      );
      seen += rows.length;
      if (rows.length < BATCH) return seen;
      const last = rows[rows.length - 1];
      after = { at: last.position, id: last.id };
    }
  }
}
