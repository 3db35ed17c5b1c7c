import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { createJob, seedList, waitFor } from './support/send-jobs';
import { processOutput, startWorker, stopWorker } from './support/worker-process';

jest.setTimeout(180_000);

/** pino's numeric levels */
const WARN = 40;

/** The production entry point (src/main.ts) in the worker role writes its logs, as JSON lines, at LOG_LEVEL. */
describe('worker process logs', () => {
  let t: TestApp;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api' } });
  });
  afterAll(async () => {
    if (worker) await stopWorker(worker, 'SIGKILL');
    await t?.close();
  });

  const lines = (child: ChildProcess) =>
    processOutput(child)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; role?: string });

  it('LOG_LEVEL=warn: the worker logs its warning ("… in-flight messages are now unknown") and nothing below warn', async () => {
    const tenant = await createTenant(t);
    const { listId, members } = await seedList(t.db, tenant.id, 1);
    // Far in the future: the worker leaves the job alone except for the dead claim below.
    const jobId = await createJob(t, tenant.editor, { list_id: listId, subject: 'L', body_text: 'x', scheduled_at: new Date(Date.now() + 86_400_000).toISOString() });
    const deadWorker = randomUUID();
    await t.db.query(
      `INSERT INTO send_job_messages (id, send_job_id, tenant_id, subscriber_id, email, status, claimed_by, claimed_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, 'sending', $5, now() - interval '20 seconds')`,
      [jobId, tenant.id, members[0].id, members[0].email, deadWorker],
    );
    worker = await startWorker(t, { APP_ROLE: 'worker', LOG_LEVEL: 'warn' }, 'src/main.ts', deadWorker);
    const warn = lines(worker).find((l) => l.msg.includes(`worker ${deadWorker} is gone: 1 in-flight messages are now unknown`));
    expect(warn).toMatchObject({ level: WARN, role: 'worker' });
    const row = await waitFor(
      async () => (await t.db.query(`SELECT status, reason FROM send_job_messages WHERE claimed_by = $1`, [deadWorker])).rows[0],
      (r) => r.status === 'unknown',
    );
    expect(row).toEqual({ status: 'unknown', reason: 'worker_lost_during_send' });
    expect(lines(worker).filter((l) => l.level < WARN)).toEqual([]);
  });
});
