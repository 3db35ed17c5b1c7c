import { JobOptions, Queue } from 'bull';

/**
 * How many finished jobs each queue keeps for Bull Board (the operator's view of recent work). Postgres stays
 * the source of truth; these are bounded by count and age (seconds).
 */
export const KEEP_FINISHED: Pick<JobOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 1000, age: 24 * 3600 },
};

/**
 * Bull ignores an add whose job id exists, and a kept finished job still exists: re-adding work under the same
 * id (the delivery reconciler, the send-jobs scheduler) would be swallowed. Removes the finished jobs among
 * `jobIds` first, checking both sets in one round trip; waiting, delayed and active jobs are left alone.
 */
export async function dropFinishedJobs(queue: Queue, jobIds: string[]): Promise<void> {
  if (!jobIds.length) return;
  const check = queue.client.pipeline();
  for (const id of jobIds) check.zscore(queue.toKey('completed'), id).zscore(queue.toKey('failed'), id);
  const scores = (await check.exec()) ?? [];
  const inSet = (i: number) => scores[i]?.[1] !== null && scores[i]?.[1] !== undefined;
  const finished = jobIds.filter((_, i) => inSet(2 * i) || inSet(2 * i + 1));
  await Promise.all(finished.map(async (id) => (await queue.getJob(id))?.remove()));
}
