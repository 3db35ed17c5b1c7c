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

/** The only code that adds delivery jobs. Job ids come from the row, so adding twice never doubles work. */
@Injectable()
export class DeliveryProducer {
  constructor(@InjectQueue(name) private readonly queue: Queue<DeliveryAttemptJob>) {}

  async enqueue(deliveryId: string, attempt: number, delayMs = 0): Promise<void> {
    await this.queue.add(jobs.attempt, { deliveryId, attempt }, {
      ...JOB_OPTIONS[jobs.attempt],
      jobId: deliveryAttemptJobId(deliveryId, attempt),
      delay: Math.max(0, Math.round(delayMs)),
    });
  }

  async enqueueFirstAttempts(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: jobs.attempt,
        data: { deliveryId, attempt: 1 },
        opts: { ...JOB_OPTIONS[jobs.attempt], jobId: deliveryAttemptJobId(deliveryId, 1) },
      })),
    );
  }

  /** Runs an attempt now: a delayed job for it (a scheduled retry) is replaced; a running one is left alone. */
  async enqueueNow(deliveryId: string, attempt: number): Promise<void> {
    const existing = await this.queue.getJob(deliveryAttemptJobId(deliveryId, attempt));
    if (existing && (await existing.isDelayed())) await existing.remove();
    await this.enqueue(deliveryId, attempt);
  }
}
