import { Injectable } from '@nestjs/common';
import { JobsProducer } from './jobs.producer';
import { JobsRepository } from './jobs.repository';

/** How far ahead a pass looks: jobs due before the next pass are added as delayed queue jobs. */
export const JOBS_RECONCILE_INTERVAL_MS = 15_000;
const PAGE = 2000;

/**
 * Postgres is the truth: every queued/retry job due soon gets its run (re)added. Run ids come from (row,
 * attempt) and finished runs are removed from Redis, so a re-add is a no-op while the run waits and works again
 * after a Redis wipe.
 */
@Injectable()
export class JobsReconciler {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly producer: JobsProducer,
  ) {}

  /** One pass; returns how many rows it looked at. */
  async run(now = new Date()): Promise<number> {
    const horizon = new Date(now.getTime() + JOBS_RECONCILE_INTERVAL_MS);
    let after = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    let seen = 0;
    for (;;) {
      const rows = await this.jobs.duePage(horizon, after, PAGE);
      await this.producer.enqueueMany(
        rows.map((j) => ({ id: j.id, tenantId: j.tenantId, attempt: j.attempts + 1, delayMs: j.nextRunAt.getTime() - now.getTime() })),
      );
      seen += rows.length;
      if (rows.length < PAGE) return seen;
      const last = rows[rows.length - 1];
      after = { at: last.position, id: last.id };
    }
  }
}
