import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Job } from 'bull';
import { Slots } from '../../common/batching/slots';
import { QUEUES } from '../../common/queue/queues';
import { DeliveryAttemptJob, DeliveryProducer, FirstAttemptsJob } from './delivery.producer';
import { DeliveryAttemptRunner, DeliveryDeferred } from './delivery-attempt.runner';

const { name, jobs } = QUEUES.deliveries;

/** Attempts run concurrently per worker process; the per-subscription cap is enforced in Redis by the runner. */
export const DELIVERY_CONCURRENCY = 32;

/** A first attempt a batch could not make (subscription at its cap, Redis or Postgres failing) runs as its own job this much later. */
const HAND_OFF_DELAY_MS = 100;

@Processor(name)
export class DeliveriesProcessor {
  private readonly logger = new Logger(DeliveriesProcessor.name);
  /** Batches' attempts in flight in this process, across batches (as many as single-attempt jobs). */
  private readonly batchSlots = new Slots(DELIVERY_CONCURRENCY);

  constructor(
    private readonly runner: DeliveryAttemptRunner,
    private readonly producer: DeliveryProducer,
  ) {}

  @Process({ name: jobs.attempt, concurrency: DELIVERY_CONCURRENCY })
  attempt(job: Job<DeliveryAttemptJob>): Promise<string> {
    return this.runner.run(job.data);
  }

  /**
   * The first attempts of one ingest statement's deliveries. One that cannot be made here becomes a job of its own,
   * as a deferred or failed single-attempt job would be retried. Fails only when that add fails too: Bull then runs
   * the batch again, and the attempts it already made are stale (the runner skips them).
   */
  @Process({ name: jobs.firstAttempts, concurrency: 2 })
  async firstAttempts(job: Job<FirstAttemptsJob>): Promise<number> {
    const handOff: string[] = [];
    await Promise.all(
      job.data.deliveryIds.map((deliveryId) =>
        this.batchSlots.use(() => this.runner.run({ deliveryId, attempt: 1 })).catch((e: unknown) => {
          if (!(e instanceof DeliveryDeferred)) this.logger.warn(`delivery ${deliveryId}: first attempt failed in its batch, queued on its own: ${(e as Error).message}`);
          handOff.push(deliveryId);
        }),
      ),
    );
    await this.producer.enqueueMany(handOff.map((deliveryId) => ({ deliveryId, attempt: 1, delayMs: HAND_OFF_DELAY_MS })));
    return handOff.length;
  }
}
