import { Process, Processor } from '@nestjs/bull';
import { Job } from 'bull';
import { QUEUES } from '../../common/queue/queues';
import { DeliveryAttemptJob } from './delivery.producer';
import { DeliveryAttemptRunner } from './delivery-attempt.runner';

const { name, jobs } = QUEUES.deliveries;

/** Attempts run concurrently per worker process; the per-subscription cap is enforced in Redis by the runner. */
export const DELIVERY_CONCURRENCY = 32;

@Processor(name)
export class DeliveriesProcessor {
  constructor(private readonly runner: DeliveryAttemptRunner) {}

  @Process({ name: jobs.attempt, concurrency: DELIVERY_CONCURRENCY })
  attempt(job: Job<DeliveryAttemptJob>): Promise<string> {
    return this.runner.run(job.data);
  }
}
