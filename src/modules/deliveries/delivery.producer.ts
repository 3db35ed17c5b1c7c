import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
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

/** The job for one attempt: its id comes from the row, so adding it twice is a no-op. */
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
    const job = attemptJob({ deliveryId, attempt, delayMs });
    await this.queue.add(job.name, job.data, job.opts);
  }

  async enqueueFirstAttempts(deliveryIds: string[]): Promise<void> {
    await this.enqueueMany(deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1 })));
  }

  /** Many attempts in one Redis round trip (the reconciler's pages). */
  async enqueueMany(attempts: DueAttempt[]): Promise<void> {
    if (!attempts.length) return;
    await this.queue.addBulk(attempts.map(attemptJob));
  }

  /** Runs an attempt now: a delayed job for it (a scheduled retry) is replaced; a running one is left alone. */
  async enqueueNow(deliveryId: string, attempt: number): Promise<void> {
    const existing = await this.queue.getJob(deliveryAttemptJobId(deliveryId, attempt));
    if (existing && (await existing.isDelayed())) await existing.remove();
    await this.enqueue(deliveryId, attempt);
  }
}
