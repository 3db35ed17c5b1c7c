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

export const JOB_OPTIONS: Record<string, JobOptions> = {
  [QUEUES.maintenance.jobs.purgeIdempotencyKeys]: {
    repeat: { every: 60 * 60 * 1000 },
    jobId: QUEUES.maintenance.jobs.purgeIdempotencyKeys,
    removeOnComplete: true,
    removeOnFail: 100,
  },
  [QUEUES.subscribers.jobs.abandonStaleSyncs]: {
    repeat: { every: 15 * 60 * 1000 },
    jobId: QUEUES.subscribers.jobs.abandonStaleSyncs,
    removeOnComplete: true,
    removeOnFail: 100,
  },
};

/** Job names declared for each queue (for the startup check). */
export function declaredJobs(): Record<string, string[]> {
  return Object.fromEntries(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs)]));
}
