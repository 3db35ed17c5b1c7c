import { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { createJob, getJob, seedList, waitFor, waitForStatus } from './support/send-jobs';
import { startWorker, stopWorker } from './support/worker-process';
import { SesPeer } from './peers/ses-peer';
import { RUN_SLOTS } from '../src/modules/send-jobs/send-jobs.producer';

jest.setTimeout(240_000);

/** Crash safety and multi-worker sending with real worker processes (the API process runs no worker). */
describe('send jobs across worker processes', () => {
  const ses = new SesPeer();
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  const workers: ChildProcess[] = [];
  let workerEnv: Record<string, string>;

  const emailsOf = (jobId: string) => ses.emails.filter((e) => e.tags.send_job_id === jobId);
  const perAddress = (jobId: string) => {
    const counts = new Map<string, number>();
    for (const e of emailsOf(jobId)) counts.set(e.to[0], (counts.get(e.to[0]) ?? 0) + 1);
    return counts;
  };
  const spawnWorker = async () => {
    const w = await startWorker(t, workerEnv);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    const endpoint = await ses.start();
    workerEnv = { MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SEND_RATE_PER_SECOND: '0' };
    t = await createTestApp({ env: { APP_ROLE: 'api', ...workerEnv } });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await t?.close();
    await ses.stop();
  });

  it('SIGKILL mid-job, then a new worker: nobody gets two emails, the rest are sent or counted unknown, the job completes', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"send_rate_per_second": 20}' WHERE id = $1`, [tenant.id]);
    ses.delayMs = 40; // keeps provider calls in flight at the moment of the kill
    const { listId, members } = await seedList(t.db, tenant.id, 80);
    const first = await spawnWorker();
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'K', body_text: 'x' });
    await waitFor(() => getJob(t, tenant.editor, id), (j) => (j.sent as number) >= 15);
    await stopWorker(first, 'SIGKILL');

    await spawnWorker();
    const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed'], 150_000);
    expect(done.status).toBe('completed');
    const counts = perAddress(id);
    expect(Math.max(...counts.values())).toBe(1);
    // every member got exactly one email, or is counted unknown (at most the calls in flight at the kill)
    const unknown = await t.db.query<{ email: string }>(`SELECT email FROM send_job_messages WHERE send_job_id = $1 AND status = 'unknown'`, [id]);
    const unknownEmails = new Set(unknown.rows.map((r) => r.email));
    for (const m of members) expect(counts.get(m.email) === 1 || unknownEmails.has(m.email)).toBe(true);
    expect(done.unknown).toBe(unknownEmails.size);
    // at 20/s each of the RUN_SLOTS run jobs has ceil(20 / 5) lanes, each with at most one call in flight
    expect(unknownEmails.size).toBeLessThanOrEqual(RUN_SLOTS * 4);
    expect((done.sent as number) + (done.unknown as number)).toBe(80);

    // unknown messages are listed, and resent only when an operator asks
    const listed = await request(t.url).get(`/api/send-jobs/${id}/messages?status=unknown`).set('Authorization', `Bearer ${tenant.editor}`).expect(200);
    expect(listed.body.data).toHaveLength(unknownEmails.size);
    const resend = await request(t.url).post(`/api/send-jobs/${id}/resend-unknown`).set('Authorization', `Bearer ${tenant.editor}`).expect(200);
    expect(resend.body.requeued).toBe(unknownEmails.size);
    const again = await waitForStatus(t, tenant.editor, id, ['completed']);
    expect(again).toMatchObject({ unknown: 0, sent: 80 });
  });

  it('two worker processes on one job send every member exactly once', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"send_rate_per_second": 0}' WHERE id = $1`, [tenant.id]);
    ses.delayMs = 2;
    while (workers.filter((w) => w.exitCode === null && w.signalCode === null).length < 2) await spawnWorker();
    const { listId, members } = await seedList(t.db, tenant.id, 600);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'Two', body_text: 'x' });
    const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed'], 150_000);
    expect(done).toMatchObject({ status: 'completed', sent: 600, unknown: 0 });
    const counts = perAddress(id);
    expect(counts.size).toBe(600);
    expect(Math.max(...counts.values())).toBe(1);
    expect(members.every((m) => counts.get(m.email) === 1)).toBe(true);
  });
});
