import { createTestApp, TestApp } from './support/app';
import { waitFor } from './support/send-jobs';

/** The periodic work a worker process runs through PeriodicTasks, wired into the real AppModule. */
describe('periodic work', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a worker takes the lock of every periodic task at boot', async () => {
    const tasks = ['webhook-reconciler', 'send-jobs-tick', 'idempotency.purge', 'full_sync.abandon_stale'];
    const held = await waitFor(
      async () => Promise.all(tasks.map((name) => t.redis.exists(`${t.env.REDIS_KEY_PREFIX}:periodic:${name}`))),
      (found) => found.every((n) => n === 1),
    );
    expect(held).toEqual([1, 1, 1, 1]);
  });

  it('a housekeeping task reaches its queue and runs: expired idempotency keys are purged once the period is free', async () => {
    await t.db.query(
      `INSERT INTO idempotency_keys (owner, scope, key, fingerprint, state, expires_at)
       VALUES ('tenant', 'POST /x', 'old', 'f', 'completed', now() - interval '1 hour'),
              ('tenant', 'POST /x', 'live', 'f', 'completed', now() + interval '1 hour')`,
    );
    // as if the last purge's period had ended: the next check (at most 15 s away) purges again
    await t.redis.del(`${t.env.REDIS_KEY_PREFIX}:periodic:idempotency.purge`);
    const keys = await waitFor(
      async () => (await t.db.query(`SELECT key FROM idempotency_keys WHERE owner = 'tenant' ORDER BY key`)).rows,
      (rows) => rows.length === 1,
    );
    expect(keys).toEqual([{ key: 'live' }]);
  });
});
