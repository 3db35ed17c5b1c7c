import { JobOptions } from 'bull';
import { KEEP_FINISHED } from './finished-jobs';

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
  deliveries: {
    name: 'webhook-deliveries',
    jobs: {
      /** One HTTP attempt of one delivery; job id `<deliveryId>:<attempt>`. */
      attempt: 'delivery.attempt',
      /** The first attempts of the deliveries one ingest statement wrote; job id `first:<batch>`. */
      firstAttempts: 'delivery.first-attempts',
    },
  },
  deadLetterRecoveries: {
    name: 'dead-letter-recoveries',
    jobs: {
      /** Replays one bulk recover request's dead letters at the tenant's pace; job id = the request's id. */
      run: 'recover.run',
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
  jobs: {
    name: 'jobs',
    jobs: {
      /** One provider call of one single job (POST /jobs); job id `<job row id>:<attempt>`. */
      run: 'job.run',
    },
  },
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

/**
 * Housekeeping jobs added once per period by PeriodicJobs (common/scheduling's locked timer decides when; the
 * queue runs them, so their runs and failures show in Bull Board and the queue metrics).
 */
export const PERIODIC_JOBS: readonly { queue: QueueName; job: string; everyMs: number }[] = [
  { queue: QUEUES.maintenance.name, job: QUEUES.maintenance.jobs.purgeIdempotencyKeys, everyMs: 60 * 60 * 1000 },
  { queue: QUEUES.subscribers.name, job: QUEUES.subscribers.jobs.abandonStaleSyncs, everyMs: 15 * 60 * 1000 },
];

/** Housekeeping job options: nothing to keep once done (the next period adds a fresh one). */
const housekeeping: JobOptions = { removeOnComplete: true, removeOnFail: 100 };

export const JOB_OPTIONS: Record<string, JobOptions> = {
  [QUEUES.maintenance.jobs.purgeIdempotencyKeys]: housekeeping,
  [QUEUES.subscribers.jobs.abandonStaleSyncs]: housekeeping,
  // The last finished jobs stay for Bull Board; producers clear a finished job before re-adding its id (see
  // add-jobs.ts). Bull retries cover only deferrals (in-flight cap) and transient errors.
  [QUEUES.deliveries.jobs.attempt]: {
    ...KEEP_FINISHED,
    // A deferral backs off exponentially (0.1 s … ~50 s) so a backlog for one capped subscription does not
    // spin the workers; after the last one the row is still due and the reconciler re-adds the job.
    attempts: 10,
    backoff: { type: 'exponential', delay: 100 },
  },
  // Finished batches stay for Bull Board like single attempts. A failed run is retried (its attempts already made
  // are skipped as stale); once it stops, its rows are the reconciler's again.
  [QUEUES.deliveries.jobs.firstAttempts]: { ...KEEP_FINISHED, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
  // Both are re-added by the send-jobs scheduler from Postgres while work remains (dropping a kept finished one).
  [QUEUES.sendJobs.jobs.start]: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...KEEP_FINISHED },
  [QUEUES.sendJobs.jobs.run]: { attempts: 1, ...KEEP_FINISHED },
  // Removed when done either way, so a finished or failed Bull job never blocks re-adding the same id (the
  // reconciler re-adds due rows after a Redis loss). Bull retries cover only errors before the claim.
  [QUEUES.jobs.jobs.run]: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
  // Progress lives in the row, so a retried or re-added job resumes after the last replayed delivery.
  [QUEUES.deadLetterRecoveries.jobs.run]: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
};

/** Job id of a delivery attempt: re-adding the same attempt (reconciler, retries) is a no-op while it is queued. */
export function deliveryAttemptJobId(deliveryId: string, attempt: number): string {
  return `${deliveryId}:${attempt}`;
}

/** Job id of a first-attempt batch (`webhook_deliveries.first_attempt_batch`). */
export function firstAttemptsJobId(batch: string): string {
  return `first:${batch}`;
}

/** Bull job id of a single job's attempt: one per (row, attempt), so a retry is a new id and a re-add a no-op. */
export function jobRunId(rowId: string, attempt: number): string {
  return `${rowId}:${attempt}`;
}

/** Job names declared for each queue (for the startup check). */
export function declaredJobs(): Record<string, string[]> {
  return Object.fromEntries(Object.values(QUEUES).map((q) => [q.name, Object.values(q.jobs)]));
}
