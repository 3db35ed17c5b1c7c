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
  subscribers: {
    name: 'subscribers',
    jobs: {
      abandonStaleSyncs: 'full_sync.abandon_stale',
    },
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

/** A job that runs every `everyMs` (scheduled by the worker processes; Bull keeps one schedule across them). */
const repeatable = (jobId: string, everyMs: number): JobOptions => ({
  repeat: { every: everyMs },
  jobId,
  removeOnComplete: true,
  removeOnFail: 100,
});

export const JOB_OPTIONS: Record<string, JobOptions> = {
  [QUEUES.maintenance.jobs.purgeIdempotencyKeys]: repeatable(QUEUES.maintenance.jobs.purgeIdempotencyKeys, 60 * 60 * 1000),
  [QUEUES.subscribers.jobs.abandonStaleSyncs]: repeatable(QUEUES.subscribers.jobs.abandonStaleSyncs, 15 * 60 * 1000),
};

/** Every repeatable job as `[queue, job, options]`. */
export function repeatableJobs(): [string, string, JobOptions][] {
  return Object.values(QUEUES).flatMap((q) =>
    Object.values(q.jobs)
      .filter((job) => JOB_OPTIONS[job]?.repeat)
      .map((job): [string, string, JobOptions] => [q.name, job, JOB_OPTIONS[job]]),
  );
}

/** Job names declared for each queue (for the startup check). */
export function declaredJobs(): Record<string, string[]> {
  return Object.fromEntries(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs)]));
}
