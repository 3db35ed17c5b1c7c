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
 * them. KEYS: job key prefix, completed set, failed set; ARGV: job ids. Returns the ids a live job still holds.
 */
const CLEAR_STALE = `
local live = {}
for _, id in ipairs(ARGV) do
  local key = KEYS[1] .. id
  local f = redis.call('HMGET', key, 'data', 'finishedOn')
  if f[1] and not f[2] then
    live[#live + 1] = id
  elseif f[1] or f[2] or redis.call('EXISTS', key) == 1 then
    redis.call('DEL', key, key .. ':logs', key .. ':lock')
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
return live`;

/**
 * Removes finished or broken jobs holding these ids (see CLEAR_STALE); returns the ids still held by a waiting,
 * delayed or running job.
 */
export async function clearStaleJobs(queue: Queue, jobIds: string[]): Promise<Set<string>> {
  if (!jobIds.length) return new Set();
  await queue.isReady();
  const q = queue as Queue & { toKey(type: string): string; keys: Record<string, string> };
  return new Set((await queue.client.eval(CLEAR_STALE, 3, q.toKey(''), q.keys.completed, q.keys.failed, ...jobIds)) as string[]);
}

/**
 * The one way producers add jobs: ids are deterministic (derived from a Postgres row), so a re-add while the job
 * is queued or running is a no-op — but Bull also ignores an add when any hash with that id exists, so a
 * finished or broken leftover is cleared first, or the re-add (reconciler, retry endpoint, scheduler) would be
 * swallowed and the row never worked. Jobs still live are not sent again (Bull would ignore them): a reconciler
 * pass over a backlog that is only waiting costs one Lua call per page, not an add per row.
 */
export async function addJobs<T>(queue: Queue<T>, jobs: JobToAdd<T>[]): Promise<void> {
  if (!jobs.length) return;
  const live = await clearStaleJobs(queue, jobs.map((j) => j.opts.jobId));
  const missing = live.size ? jobs.filter((j) => !live.has(j.opts.jobId)) : jobs;
  if (missing.length) await queue.addBulk(missing);
}
