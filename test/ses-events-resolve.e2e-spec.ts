import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { createJob, getJob, seedList, waitForStatus } from './support/send-jobs';
import { flatSignature } from './support/sns';

const SECRET = 'flat-ses-secret-0123456789';

/** SES events settle the messages a worker crash left `unknown` (SendJobs' rows behind SesEvents' port). */
describe('SES events resolve unknown messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MAIL_TRANSPORT: 'file', MAIL_FILE_DIR: `/tmp/se-mail-${process.pid}`, SES_EVENTS_HMAC_SECRET: SECRET, SEND_RATE_PER_SECOND: '0' } });
  });
  afterAll(async () => t?.close());

  const postFlat = (event: object) => {
    const body = JSON.stringify(event);
    return request(t.url).post('/webhooks/ses').set('Content-Type', 'application/json').set('X-Amz-Sns-Signature', flatSignature(body, SECRET)).send(body);
  };

  it('a delivery event turns an unknown message into sent; unreported ones stay unknown; sent never moves back', async () => {
    const tenant = await createTenant(t);
    const { listId } = await seedList(t.db, tenant.id, 3);
    const jobId = await createJob(t, tenant.editor, { list_id: listId, subject: 'Hi', body_text: 'Hello' });
    await waitForStatus(t, tenant.editor, jobId, ['completed']);
    const rows = (await t.db.query(`SELECT id, email FROM send_job_messages WHERE send_job_id = $1 ORDER BY email`, [jobId])).rows as { id: string; email: string }[];
    // What a worker killed during the provider call leaves behind.
    await t.db.query(`UPDATE send_job_messages SET status = 'unknown', reason = 'worker_lost_during_send' WHERE id = ANY($1)`, [[rows[0].id, rows[1].id]]);

    const at = new Date().toISOString();
    const delivered = await postFlat({ event_type: 'delivery', message_id: rows[0].id, tenant_id: tenant.id, email: rows[0].email, occurred_at: at });
    expect(delivered.status).toBe(200);
    const bounced = await postFlat({ event_type: 'bounce', bounce_type: 'soft', message_id: rows[2].id, tenant_id: tenant.id, email: rows[2].email, occurred_at: at });
    expect(bounced.status).toBe(200);

    const status = async (id: string) => (await t.db.query(`SELECT status, reason FROM send_job_messages WHERE id = $1`, [id])).rows[0];
    expect(await status(rows[0].id)).toEqual({ status: 'sent', reason: 'resolved_by_ses_event' });
    expect((await status(rows[1].id)).status).toBe('unknown'); // no event for it: still unknown, still counted
    expect((await status(rows[2].id)).status).toBe('sent'); // a later event never moves a sent message
    const job = await getJob(t, tenant.editor, jobId);
    expect(job).toMatchObject({ sent: 2, unknown: 1 });
  });
});
