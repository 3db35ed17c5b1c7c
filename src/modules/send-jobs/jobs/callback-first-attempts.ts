import { Injectable, Logger } from '@nestjs/common';
import { DELIVERY_CONCURRENCY } from '../../deliveries/deliveries.processor';
import { DeliveryAttemptRunner } from '../../deliveries/delivery-attempt.runner';
import { JobCompletion } from './job-completion';

/**
 * The callbacks this process attempts itself and the ones it queues: in process while fewer than `limit` are in
 * flight (the delivery queue's own concurrency), the rest as first-attempt queue jobs.
 */
export function splitByCapacity(ids: string[], inFlight: number, limit: number): { now: string[]; queued: string[] } {
  const room = Math.max(0, limit - inFlight);
  return { now: ids.slice(0, room), queued: ids.slice(room) };
}

/**
 * The first attempt of a job's callback, made by the worker that ended the job right after the ending commit,
 * instead of a queue job (a Bull add, fetch and finish in Redis, and a wait for a free runner). The job's run does
 * not wait for it. Retries are queue jobs as before (the runner adds them when it records a failed attempt).
 * At-least-once: the row was written due only after OneOffDeliveries.attemptWindowMs (`attemptedByCaller`), so the
 * delivery reconciler leaves it alone while this attempt runs and sends it if a crash lost the attempt. An attempt
 * that throws (deferred, Redis or Postgres down) is queued instead, as a queue job would have been retried.
 */
@Injectable()
export class CallbackFirstAttempts {
  private readonly logger = new Logger(CallbackFirstAttempts.name);
  private inFlight = 0;

  constructor(
    private readonly runner: DeliveryAttemptRunner,
    private readonly completion: JobCompletion,
  ) {}

  /** Starts the first attempts of committed callback deliveries (null: the job has none) and returns at once. */
  start(deliveryIds: (string | null)[]): Promise<void> {
    const ids = deliveryIds.filter((id): id is string => id !== null);
    const { now, queued } = splitByCapacity(ids, this.inFlight, DELIVERY_CONCURRENCY);
    for (const id of now) void this.attempt(id);
    return this.completion.enqueue(queued);
  }

  private async attempt(deliveryId: string): Promise<void> {
    this.inFlight++;
    try {
      await this.runner.run({ deliveryId, attempt: 1 });
    } catch (e) {
      this.logger.warn(`callback ${deliveryId}: first attempt failed in process, queued instead: ${(e as Error).message}`);
      await this.completion.enqueue([deliveryId]);
    } finally {
      this.inFlight--;
    }
  }
}
