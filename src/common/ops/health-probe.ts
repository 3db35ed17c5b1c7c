import Redis from 'ioredis';
import { Client } from 'pg';
import { Env } from '../../config/env';
import { workerHeartbeatKey } from '../queue/worker-heartbeat';

const TIMEOUT_MS = 2_000;

const within = <T>(what: string, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref())]);

/**
 * What a container health check asks of this process's role, from outside the process: Postgres and Redis
 * answer; an api serves `/health/live`; a worker's heartbeat (written while its queue connections are ready) is
 * fresh. Returns the problems found, empty when healthy.
 */
export async function probeProcess(env: Env, apiBase = `http://127.0.0.1:${env.PORT}`): Promise<string[]> {
  const problems: string[] = [];
  const pg = new Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: TIMEOUT_MS });
  await within('postgres', pg.connect().then(() => pg.query('SELECT 1')))
    .catch((e: Error) => problems.push(`postgres unreachable: ${e.message}`))
    .finally(() => pg.end().catch(() => undefined));

  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await within('redis', redis.connect().then(() => redis.ping()));
    if (env.runsWorker) {
      const beat = await redis.get([env.REDIS_KEY_PREFIX, ...workerHeartbeatKey()].join(':'));
      if (!beat) problems.push('worker heartbeat missing: this worker is not processing its queues');
    }
  } catch (e) {
    problems.push(`redis unreachable: ${(e as Error).message}`);
  } finally {
    redis.disconnect();
  }

  if (env.runsApi) {
    await within('api', fetch(`${apiBase}/health/live`))
      .then((res) => res.ok || problems.push(`api answered /health/live with ${res.status}`))
      .catch((e: Error) => problems.push(`api not serving: ${e.message}`));
  }
  return problems;
}
