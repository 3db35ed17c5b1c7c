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
  sendJobs: {
    name: 'send-jobs',
    jobs: {
      /** Moves a due job to running and materialises its recipients; job id `start:<send_job_id>`. */
      start: 'send-job.start',
      /** Claims and sends a running job's messages for a while; job id `run:<send_job_id>:<slot>`. */
      run: 'send-job.run',
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
  // Both are re-added by the send-jobs scheduler from Postgres while work remains, so Redis keeps nothing.
  [QUEUES.sendJobs.jobs.start]: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
  [QUEUES.sendJobs.jobs.run]: { attempts: 1, removeOnComplete: true, removeOnFail: true },
};

/** Job names declared for each queue (for the startup check). */
export function declaredJobs(): Record<string, string[]> {
  return Object.fromEntries(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs)]));
}
