import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { addJobs, clearStaleJobs } from '../../common/queue/add-jobs';
import { deliveryAttemptJobId, firstAttemptsJobId, JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.deliveries;

export interface DeliveryAttemptJob {
  deliveryId: string;
  /** The attempt number this job performs (attempts_made + 1 when it was added). */
  attempt: number;
}

/** The first attempts of the deliveries one statement wrote with `first_attempt_batch = batch`. */
export interface FirstAttemptsJob {
  batch: string;
  deliveryIds: string[];
}

/** An attempt to add, run after `delayMs` (0 or less: now). */
export interface DueAttempt {
  deliveryId: string;
  attempt: number;
  delayMs?: number;
  /** The row's `first_attempt_batch`: while that job lives it holds attempt 1, and no job of its own is added. */
  batch?: string | null;
}

/** The job for one attempt: its id comes from the row, so adding it twice while it is queued is a no-op. */
function attemptJob({ deliveryId, attempt, delayMs = 0 }: DueAttempt) {
  return {
    name: jobs.attempt,
    data: { deliveryId, attempt },
    opts: { ...JOB_OPTIONS[jobs.attempt], jobId: deliveryAttemptJobId(deliveryId, attempt), delay: Math.max(0, Math.round(delayMs)) },
  };
}

/** The only code that adds delivery jobs. Job ids come from the row, so adding twice never doubles work. */
@Injectable()
export class DeliveryProducer {
  constructor(@InjectQueue(name) private readonly queue: Queue<DeliveryAttemptJob | FirstAttemptsJob>) {}

  async enqueue(deliveryId: string, attempt: number, delayMs = 0): Promise<void> {
    await addJobs(this.queue, [attemptJob({ deliveryId, attempt, delayMs })]);
  }

  /** First attempts of new rows: no job can exist under their ids yet. */
  async enqueueFirstAttempts(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    await this.queue.addBulk(deliveryIds.map((deliveryId) => attemptJob({ deliveryId, attempt: 1 })));
  }

  /**
   * One job for the first attempts of a batch's rows (a Bull add, fetch and finish per statement instead of per
   * delivery). The id is new, so nothing can swallow the add.
   */
  async enqueueBatch(batch: string, deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    const { firstAttempts } = jobs;
    await this.queue.add(firstAttempts, { batch, deliveryIds }, { ...JOB_OPTIONS[firstAttempts], jobId: firstAttemptsJobId(batch) });
  }

  /** The batches whose job still lives (waiting, delayed or running): they hold their rows' first attempts. */
  private async liveBatches(batches: string[]): Promise<Set<string>> {
    const live = await clearStaleJobs(this.queue, batches.map(firstAttemptsJobId));
    return new Set(batches.filter((b) => live.has(firstAttemptsJobId(b))));
  }

  /**
   * Many attempts in two Redis round trips (the reconciler's pages); finished or broken leftovers are replaced.
   * A first attempt its live batch job still holds is left to it (one more round trip when any has a batch).
   */
  async enqueueMany(attempts: DueAttempt[]): Promise<void> {
    await addJobs(this.queue, (await this.notHeldByBatch(attempts)).map(attemptJob));
  }

  /** The attempts no live batch job holds: the one place that rule is applied (reconciler, retry endpoint). */
  private async notHeldByBatch(attempts: DueAttempt[]): Promise<DueAttempt[]> {
    const batchOf = (a: DueAttempt) => (a.attempt === 1 && a.batch ? a.batch : null);
    const batches = [...new Set(attempts.flatMap((a) => batchOf(a) ?? []))];
    if (!batches.length) return attempts;
    const live = await this.liveBatches(batches);
    return attempts.filter((a) => !live.has(batchOf(a) ?? ''));
  }

  /**
   * Runs an attempt now: a delayed job for it (a scheduled retry) is replaced; a running one is left alone, and so
   * is a first attempt its live batch job still holds (a second job could send it twice; should the batch have
   * passed it already, the reconciler adds its job once the batch ends).
   */
  async enqueueNow(deliveryId: string, attempt: number, batch: string | null = null): Promise<void> {
    if (!(await this.notHeldByBatch([{ deliveryId, attempt, batch }])).length) return;
    await clearStaleJobs(this.queue, [deliveryAttemptJobId(deliveryId, attempt)]);
    const existing = await this.queue.getJob(deliveryAttemptJobId(deliveryId, attempt));
    if (existing && (await existing.isDelayed())) await existing.remove();
    await this.enqueue(deliveryId, attempt);
  }
}
