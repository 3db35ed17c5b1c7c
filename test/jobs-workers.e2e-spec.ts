import { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { JOB_CONCURRENCY } from '../src/modules/send-jobs/jobs/jobs.processor';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { getJobState, submitJob } from './support/jobs';
import { waitFor } from './support/send-jobs';
import { flatSignature } from './support/sns';
import { startWorker, stopWorker } from './support/worker-process';
import { SesPeer } from './peers/ses-peer';
import { WebhookReceiver } from './peers/webhook-receiver';

jest.setTimeout(300_000);

const SES_SECRET = 'flat-ses-secret-0123456789';

interface JobRow {
  id: string;
  status: string;
  failure_reason: string | null;
  to: string;
}

/** Single jobs across real worker processes: a kill -9 mid-run, a Redis wipe, and SES events settling the unknown. */
describe('jobs across worker processes', () => {
  const ses = new SesPeer();
  let receiver: WebhookReceiver;
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let workerEnv: Record<string, string>;
  const workers: ChildProcess[] = [];
  const spawnWorker = async (extra: Record<string, string> = {}) => {
    const w = await startWorker(t, { ...workerEnv, ...extra });
    workers.push(w);
    return w;
  };
  const stopAll = async () => {
    for (const w of workers) await stopWorker(w);
  };
  const rows = async (): Promise<JobRow[]> =>
    (await t.db.query(`SELECT id, status, failure_reason, payload->>'to' AS "to" FROM jobs WHERE tenant_id = $1`, [tenant.id])).rows;
  const unsettled = (r: JobRow) => ['queued', 'retry'].includes(r.status) || (r.status === 'running' && r.failure_reason !== 'outcome_unknown');
  const emailsTo = (to: string) => ses.to(to).length;

  /** Submits `n` jobs over HTTP, a few in flight at a time; returns their addresses. */
  const submitMany = async (n: number, tag: string) => {
    const addresses = Array.from({ length: n }, (_, i) => `${tag}-${i}@example.com`);
    for (let i = 0; i < n; i += 10) {
      const res = await Promise.all(
        addresses.slice(i, i + 10).map((to) => submitJob(t, tenant.editor, { tenantId: tenant.id, type: 'email', payload: { to, subject: tag, body: 'x' } })),
      );
      for (const r of res) expect(r.status).toBe(201);
    }
    return addresses;
  };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const endpoint = await ses.start();
    workerEnv = { MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SEND_RATE_PER_SECOND: '0', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' };
    t = await createTestApp({ env: { APP_ROLE: 'api', SES_EVENTS_HMAC_SECRET: SES_SECRET, ...workerEnv } });
    tenant = await createTenant(t);
    await request(t.url).post(`/api/tenants/${tenant.id}/callback-secret`).set('Authorization', `Bearer ${adminToken()}`).expect(201);
  });
  afterAll(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await t?.close();
    await ses.stop();
    await receiver?.close();
  });

  it('kill -9 during a run of 400 jobs, then a new worker: no address emailed twice, every job terminal or honestly outcome_unknown', async () => {
    ses.delayMs = 40; // keeps provider calls in flight at the moment of the kill
    const first = await spawnWorker();
    const addresses = await submitMany(400, 'kill');
    await waitFor(rows, (rs) => rs.filter((r) => r.status === 'succeeded').length >= 60);
    await stopWorker(first, 'SIGKILL');
    await spawnWorker();

    const end = await waitFor(rows, (rs) => rs.length === 400 && !rs.some(unsettled), 200_000);
    for (const to of addresses) expect(emailsTo(to)).toBeLessThanOrEqual(1);
    const unknown = end.filter((r) => r.status === 'running');
    for (const r of end) {
      if (r.status === 'succeeded') expect(emailsTo(r.to)).toBe(1);
      else expect(r).toMatchObject({ status: 'running', failure_reason: 'outcome_unknown' });
    }
    // at most the calls the killed worker had in flight
    expect(unknown.length).toBeLessThanOrEqual(JOB_CONCURRENCY);
    const seen = await getJobState(t, tenant.editor, `job_${end[0].id.replace(/-/g, '')}`);
    expect(['succeeded', 'running']).toContain(seen.status);
  });

  it('an SES event settles an outcome_unknown job (accepted → succeeded); the timeout ends the rest as fatal; both call back', async () => {
    if (!workers.some((w) => w.exitCode === null && w.signalCode === null)) await spawnWorker(); // runs the delivery reconciler
    // Rows as a kill during the provider call leaves them: running, outcome_unknown, claimed by a dead worker.
    const [accepted, lost] = [uuidv7(), uuidv7()];
    for (const id of [accepted, lost]) {
      await t.db.query(
        `INSERT INTO jobs (id, tenant_id, type, payload, webhook_url, status, attempts, claimed_by, claimed_at, failure_reason)
         VALUES ($1, $2, 'email', $3, $4, 'running', 1, 'dead-worker', now(), 'outcome_unknown')`,
        [id, tenant.id, { to: `${id}@example.com`, subject: 'S', body: 'B' }, receiver.url(`/cb-${id}`)],
      );
    }
    const jobId = (id: string) => `job_${id.replace(/-/g, '')}`;

    const body = JSON.stringify({ event_type: 'delivery', message_id: accepted, tenant_id: tenant.id, email: `${accepted}@example.com`, occurred_at: new Date().toISOString() });
    const res = await request(t.url).post('/webhooks/ses').set('Content-Type', 'application/json').set('X-Amz-Sns-Signature', flatSignature(body, SES_SECRET)).send(body);
    expect(res.status).toBe(200);
    expect(await getJobState(t, tenant.editor, jobId(accepted))).toMatchObject({ status: 'succeeded', failureReason: null });
    expect(await getJobState(t, tenant.editor, jobId(lost))).toMatchObject({ status: 'running', failureReason: 'outcome_unknown' });
    // the callback written in the event's transaction is sent by the delivery reconciler
    const [ok] = await receiver.waitFor(`/cb-${accepted}`, 1, 60_000);
    expect(JSON.parse(ok.body)).toMatchObject({ jobId: jobId(accepted), status: 'succeeded' });

    // A worker with a short unknown timeout ends every unresolved one as fatal (outcome_unknown), with its callback.
    await stopAll();
    await spawnWorker({ JOB_OUTCOME_UNKNOWN_TIMEOUT_SECONDS: '1' });
    const end = await waitFor(rows, (rs) => !rs.some((r) => r.status === 'running'));
    expect(end.find((r) => r.id === lost)).toMatchObject({ status: 'fatal', failure_reason: 'outcome_unknown' });
    expect(end.find((r) => r.id === accepted)).toMatchObject({ status: 'succeeded' });
    const [failed] = await receiver.waitFor(`/cb-${lost}`, 1, 60_000);
    expect(JSON.parse(failed.body)).toMatchObject({ jobId: jobId(lost), status: 'fatal' });
    expect(emailsTo(`${lost}@example.com`)).toBe(0); // never sent again blindly
  });

  it('after Redis loses the queue, the reconciler re-adds due jobs and each is sent once', async () => {
    await stopAll();
    const addresses = await submitMany(20, 'wipe');
    const keys = await t.redis.keys(`${t.env.REDIS_KEY_PREFIX}:bull:jobs:*`);
    expect(keys.length).toBeGreaterThan(0);
    await t.redis.del(...keys);
    await spawnWorker();
    await waitFor(rows, (rs) => rs.filter((r) => addresses.includes(r.to) && r.status === 'succeeded').length === 20, 60_000);
    for (const to of addresses) expect(emailsTo(to)).toBe(1);
  });
});
