import { hostname } from 'node:os';
import { probeProcess } from '../src/common/ops/health-probe';
import { loadEnv } from '../src/config/load-env';
import { createTestApp, TestApp } from './support/app';

/** The container health check: what a worker and an api container are asked, against the real Postgres and Redis. */
describe('container health check (dist/src/healthcheck.js)', () => {
  let t: TestApp;
  const envWith = (patch: Record<string, string>) =>
    loadEnv({ DATABASE_URL: t.env.DATABASE_URL, REDIS_URL: t.env.REDIS_URL, REDIS_KEY_PREFIX: t.env.REDIS_KEY_PREFIX, JWT_SECRET: t.env.JWT_SECRET!, APP_ENCRYPTION_KEY: t.env.APP_ENCRYPTION_KEY, ...patch }, '/nonexistent/.env');

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('is healthy for a running process: Postgres and Redis answer, the worker heartbeat is fresh, the api serves', async () => {
    expect(await t.redis.get(`${t.env.REDIS_KEY_PREFIX}:worker_heartbeat:${hostname()}`)).toContain('"queues"');
    expect(await probeProcess(envWith({ APP_ROLE: 'all' }), t.url)).toEqual([]);
    expect(await probeProcess(envWith({ APP_ROLE: 'worker' }))).toEqual([]);
  });

  it('fails a worker whose heartbeat stopped, naming it', async () => {
    // another deployment prefix: no worker of it ever beat on this host
    expect(await probeProcess(envWith({ APP_ROLE: 'worker', REDIS_KEY_PREFIX: `${t.env.REDIS_KEY_PREFIX}_other` }))).toEqual([
      'worker heartbeat missing: this worker is not processing its queues',
    ]);
  });

  it('fails when Postgres or Redis is unreachable, or the api does not serve', async () => {
    const problems = await probeProcess(
      envWith({ APP_ROLE: 'api', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', REDIS_URL: 'redis://127.0.0.1:1' }),
      'http://127.0.0.1:1',
    );
    expect(problems).toEqual([
      expect.stringMatching(/^postgres unreachable/),
      expect.stringMatching(/^redis unreachable/),
      expect.stringMatching(/^api not serving/),
    ]);
  });
});
