import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { addJobs, clearStaleJobs } from '../../common/queue/add-jobs';
import { deliveryAttemptJobId, JOB_OPTIONS, QUEUES } from '../../common/queue/queues';

const { name, jobs } = QUEUES.deliveries;

export interface DeliveryAttemptJob {
  deliveryId: string;
  /** The attempt number this job performs (attempts_made + 1 when it was added). */
  attempt: number;
}

/** An attempt to add, run after `delayMs` (0 or less: now). */
export interface DueAttempt {
  deliveryId: string;
  attempt: number;
  delayMs?: number;
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
  constructor(@InjectQueue(name) private readonly queue: Queue<DeliveryAttemptJob>) {}

  async enqueue(deliveryId: string, attempt: number, delayMs = 0): Promise<void> {
    await addJobs(this.queue, [attemptJob({ deliveryId, attempt, delayMs })]);
  }

  /** First attempts of new rows: no job can exist under their ids yet. */
  async enqueueFirstAttempts(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    await this.queue.addBulk(deliveryIds.map((deliveryId) => attemptJob({ deliveryId, attempt: 1 })));
  }

  /** Many attempts in two Redis round trips (the reconciler's pages); finished or broken leftovers are replaced. */
  async enqueueMany(attempts: DueAttempt[]): Promise<void> {
    await addJobs(this.queue, attempts.map(attemptJob));
  }

  /** Runs an attempt now: a delayed job for it (a scheduled retry) is replaced; a running one is left alone. */
  async enqueueNow(deliveryId: string, attempt: number): Promise<void> {
    await clearStaleJobs(this.queue, [deliveryAttemptJobId(deliveryId, attempt)]);
    const existing = await this.queue.getJob(deliveryAttemptJobId(deliveryId, attempt));
    if (existing && (await existing.isDelayed())) await existing.remove();
    await this.enqueue(deliveryId, attempt);
  }
}
