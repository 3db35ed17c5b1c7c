import { JobOptions } from 'bull';

/**
 * Every queue, its job names and their default options, in one place. A producer is the only code that adds
 * jobs; a worker refuses to start when a job named here has no processor.
 */
export const QUEUES = {
  maintenance: {
    name: 'maintenance',
    jobs: {
      purgeIdempotencyKeys: 'idempotency.purge',
    },
  },
  deliveries: {
    name: 'webhook-deliveries',
    jobs: {
      /** One HTTP attempt of one delivery; job id `<deliveryId>:<attempt>`. */
      attempt: 'delivery.attempt',
    },
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

export const JOB_OPTIONS: Record<string, JobOptions> = {
  [QUEUES.maintenance.jobs.purgeIdempotencyKeys]: {
    repeat: { every: 60 * 60 * 1000 },
    jobId: QUEUES.maintenance.jobs.purgeIdempotencyKeys,
    removeOnComplete: true,
    removeOnFail: 100,
  },
  // Removed when done either way: Postgres keeps the record, and a failed job must not block the reconciler
  // from re-adding the same job id. Bull retries cover only deferrals (in-flight cap) and transient errors.
  [QUEUES.deliveries.jobs.attempt]: {
    removeOnComplete: true,
    removeOnFail: true,
    // A deferral backs off exponentially (0.1 s … ~50 s) so a backlog for one capped subscription does not
    // spin the workers; after the last one the row is still due and the reconciler re-adds the job.
    attempts: 10,
    backoff: { type: 'exponential', delay: 100 },
  },
};

/** Job id of a delivery attempt: re-adding the same attempt (reconciler, retries) is a no-op while it exists. */
export function deliveryAttemptJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}:${attempt}`;
}

/** Job names declared for each queue (for the startup check). */
export function declaredJobs(): Record<string, string[]> {
  return Object.fromEntries(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs)]));
}
