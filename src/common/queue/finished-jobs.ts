import { JobOptions } from 'bull';

/**
 * How many finished jobs each queue keeps for Bull Board (the operator's view of recent work). Postgres stays
 * the source of truth; these are bounded by count and age (seconds). A re-add under a kept job's id is not
 * swallowed: producers add through `add-jobs.ts`, which clears finished and broken hashes first.
 */
export const KEEP_FINISHED: Pick<JobOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 1000, age: 24 * 3600 },
};
