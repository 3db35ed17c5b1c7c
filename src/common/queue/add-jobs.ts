import { JobOptions, Queue } from 'bull';

/** One job to add, with the caller's (deterministic) job id in `opts.jobId`. */
export interface JobToAdd<T> {
  name: string;
  data: T;
  opts: JobOptions & { jobId: string };
}

/**
 * Deletes, atomically, each listed job hash that can only swallow a re-add: a finished job (`finishedOn` set:
 * kept for Bull Board by a retention setting) or a broken one without `data` — what a worker's writes leave
 * behind when they land on a job whose hash a Redis wipe removed (e.g. `failedReason "Missing process handler
 * for job type __default__"`). Waiting, delayed and running jobs are left alone, so a re-add stays a no-op for
 * them. KEYS: job key prefix, completed set, failed set; ARGV: job ids. Returns how many it removed.
 */
const CLEAR_STALE = `
local removed = 0
for _, id in ipairs(ARGV) do
  local key = KEYS[1] .. id
  if redis.call('EXISTS', key) == 1 then
    local f = redis.call('HMGET', key, 'data', 'finishedOn')
    if (not f[1]) or f[2] then
      redis.call('DEL', key, key .. ':logs', key .. ':lock')
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
      removed = removed + 1
    end
  end
end
return removed`;

/** Removes finished or broken jobs holding these ids (see CLEAR_STALE); returns how many. */
export async function clearStaleJobs(queue: Queue, jobIds: string[]): Promise<number> {
  if (!jobIds.length) return 0;
  await queue.isReady();
  const q = queue as Queue & { toKey(type: string): string; keys: Record<string, string> };
  return Number(await queue.client.eval(CLEAR_STALE, 3, q.toKey(''), q.keys.completed, q.keys.failed, ...jobIds));
}

/**
 * The one way producers add jobs: ids are deterministic (derived from a Postgres row), so a re-add while the job
 * is queued or running is a no-op — but Bull also ignores an add when any hash with that id exists, so a
 * finished or broken leftover is cleared first, or the re-add (reconciler, retry endpoint, scheduler) would be
 * swallowed and the row never worked.
 */
export async function addJobs<T>(queue: Queue<T>, jobs: JobToAdd<T>[]): Promise<void> {
  if (!jobs.length) return;
  await clearStaleJobs(queue, jobs.map((j) => j.opts.jobId));
  await queue.addBulk(jobs);
}
