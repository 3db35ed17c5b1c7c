import { simpleParser } from 'mailparser';
import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { headerValue } from './support/mime';
import { createJob, getJob, seedList, waitFor, waitForStatus } from './support/send-jobs';
import { SesPeer } from './peers/ses-peer';
import { SendRateLimiter } from '../src/modules/send-jobs/sending/send-rate-limiter';

jest.setTimeout(120_000);

describe('send jobs: sending through the ses transport to a local SES v2 peer', () => {
  const ses = new SesPeer();
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  const auth = () => ({ Authorization: `Bearer ${tenant.editor}` });
  const emailsOf = (jobId: string) => ses.emails.filter((e) => e.tags.send_job_id === jobId);
  const setRate = (perSecond: number) =>
    t.db.query(`UPDATE tenants SET settings = settings || jsonb_build_object('send_rate_per_second', $2::int) WHERE id = $1`, [tenant.id, perSecond]);

  beforeAll(async () => {
    const endpoint = await ses.start();
    t = await createTestApp({ env: { MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SEND_RATE_PER_SECOND: '0', PUBLIC_BASE_URL: 'https://engine.example' } });
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
    await ses.stop();
  });
  beforeEach(async () => setRate(0));

  it('sends one message per active, unsuppressed member with the one-click headers and merge tags', async () => {
    const { listId, members } = await seedList(t.db, tenant.id, 5, { statuses: { 3: 'unsubscribed' }, suppress: [4], preferences: { name: 'Ann & <Bob>' } });
    // A second subscriber with the same address in another case: deduplicated by lower-cased email.
    await t.db.query(
      `INSERT INTO subscribers (tenant_id, id, email, status, last_occurred_at) VALUES ($1, gen_random_uuid(), upper($2), 'active', now())`,
      [tenant.id, members[0].email],
    );
    await t.db.query(
      `INSERT INTO list_memberships (id, tenant_id, list_id, subscriber_id, status, last_occurred_at)
       SELECT gen_random_uuid(), $1, $2, id, 'active', now() FROM subscribers WHERE tenant_id = $1 AND email = upper($3)`,
      [tenant.id, listId, members[0].email],
    );
    const id = await createJob(t, tenant.editor, {
      list_id: listId,
      subject: 'Hello {{subscriber.email}}',
      body_html: '<p>Hi <b>{{subscriber.preferences.name}}</b> ({{subscriber.id}}) <a href="{{unsubscribe_url}}">unsubscribe</a></p>',
    });
    const done = await waitForStatus(t, tenant.editor, id, ['completed']);
    expect(done).toMatchObject({ total: 4, sent: 3, skipped: 1, failed: 0, unknown: 0, pending: 0 });
    expect(done.started_at).toEqual(expect.any(String));
    expect(done.completed_at).toEqual(expect.any(String));

    const received = emailsOf(id);
    expect(received.map((e) => e.to[0].toLowerCase()).sort()).toEqual([members[0].email, members[1].email, members[2].email].sort());
    const mail = await simpleParser(received.find((e) => e.to[0] === members[1].email)!.raw!);
    expect(mail.subject).toBe(`Hello ${members[1].email}`);
    expect(mail.html).toContain(`Hi <b>Ann &amp; &lt;Bob&gt;</b> (${members[1].id})`);
    expect(mail.text).toContain('Hi Ann & <Bob>');
    const listUnsubscribe = headerValue(mail, 'list-unsubscribe')!;
    expect(listUnsubscribe).toMatch(/^<https:\/\/engine\.example\/unsubscribe\/[A-Za-z0-9_-]+>$/);
    expect(headerValue(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.html).toContain(`href="${listUnsubscribe.slice(1, -1)}"`);
    expect(received[0].tags).toEqual({ tenant_id: tenant.id, send_job_id: id, message_id: expect.any(String) });

    // one-click unsubscribe with the token from the header; a tampered token is rejected
    const token = listUnsubscribe.split('/unsubscribe/')[1].slice(0, -1);
    const page = await request(t.url).get(`/unsubscribe/${token}`).expect(200);
    expect(page.text).toContain('<form method="post"');
    const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    await request(t.url).post(`/unsubscribe/${tampered}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    await request(t.url).get(`/unsubscribe/${tampered}`).expect(400);
    await request(t.url).post(`/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await request(t.url).post(`/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const membership = await t.db.query(`SELECT status FROM list_memberships WHERE list_id = $1 AND subscriber_id = $2`, [listId, members[1].id]);
    expect(membership.rows[0].status).toBe('unsubscribed');

    // completed jobs cannot be cancelled
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth()).expect(409);
  });

  it('rate limiter: slots spaced 1/rate apart per tenant, shared through Redis; 0 is unlimited', async () => {
    const limiter = t.app.get(SendRateLimiter);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) waits.push((await limiter.reserve('tenant-rate-a', 1))[0]);
    // Five reservations at 1/s: the fifth waits about four seconds, not zero (no burst of a second's quota).
    expect(waits[0]).toBeLessThan(50);
    for (let i = 1; i < 5; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1] + 900);
    expect((await limiter.reserve('tenant-rate-b', 1))[0]).toBeLessThan(50);
    expect(await limiter.reserve('tenant-rate-a', 0, 2)).toEqual([0, 0]);
    // several slots at once are consecutive: 1 s apart at 1/s, after the five above
    const batch = await limiter.reserve('tenant-rate-c', 1, 3);
    expect(batch[1] - batch[0]).toBeCloseTo(1000);
    expect(batch[2] - batch[1]).toBeCloseTo(1000);
  });

  it('recovers after a Redis wipe: the scheduler re-enqueues due work from Postgres', async () => {
    const { listId } = await seedList(t.db, tenant.id, 3);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'Wipe', body_text: 'x', scheduled_at: new Date(Date.now() + 1500).toISOString() });
    const keys = await t.redis.keys(`${t.env.REDIS_KEY_PREFIX}:*`);
    if (keys.length) await t.redis.del(...keys);
    await waitForStatus(t, tenant.editor, id, ['completed']);
    expect(emailsOf(id)).toHaveLength(3);
  });

  it('starts a scheduled job at scheduled_at, not before', async () => {
    const { listId } = await seedList(t.db, tenant.id, 2);
    const scheduledAt = new Date(Date.now() + 2500);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'S', body_text: 'x', scheduled_at: scheduledAt.toISOString() });
    expect((await getJob(t, tenant.editor, id)).status).toBe('pending');
    const done = await waitForStatus(t, tenant.editor, id, ['completed']);
    expect(Date.parse(done.started_at as string)).toBeGreaterThanOrEqual(scheduledAt.getTime());
    expect(emailsOf(id)).toHaveLength(2);
  });

  it('stops at window_end: failed window_expired, unsent count kept', async () => {
    await setRate(2);
    const { listId } = await seedList(t.db, tenant.id, 40);
    const windowStart = new Date(Date.now() + 1000);
    const windowEnd = new Date(windowStart.getTime() + 3000);
    const id = await createJob(t, tenant.editor, {
      list_id: listId,
      subject: 'W',
      body_text: 'x',
      window_start: windowStart.toISOString(),
      window_end: windowEnd.toISOString(),
    });
    const failed = await waitForStatus(t, tenant.editor, id, ['failed', 'completed']);
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'window_expired', total: 40 });
    expect(failed.sent as number).toBeGreaterThan(0);
    expect(failed.pending as number).toBeGreaterThan(0);
    expect(Date.parse(failed.started_at as string)).toBeGreaterThanOrEqual(windowStart.getTime());
    // nothing is claimed after the window: the sent count no longer moves once every claim has settled
    const settled = await waitFor(() => getJob(t, tenant.editor, id), (j) => (j.sent as number) === emailsOf(id).length);
    expect((settled.sent as number) + (settled.pending as number)).toBe(40);
  });

  it('cancel mid-send: no email leaves after the cancel response; cancelling again is 200', async () => {
    await setRate(10);
    const { listId } = await seedList(t.db, tenant.id, 100);
    const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'C', body_text: 'x' });
    await waitFor(() => getJob(t, tenant.editor, id), (j) => (j.sent as number) >= 3);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth()).expect(200, { id, status: 'cancelled' });
    const atCancel = emailsOf(id).length;
    // Wait for more than the scheduler tick and several rate slots, then check nothing more arrived.
    await new Promise((r) => setTimeout(r, 2500));
    expect(emailsOf(id).length).toBe(atCancel);
    expect(atCancel).toBeLessThan(100);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth()).expect(200, { id, status: 'cancelled' });
    const job = await getJob(t, tenant.editor, id);
    expect(job).toMatchObject({ status: 'cancelled', sent: atCancel });
  });

  it('retries provider throttling with backoff until every member is sent once', async () => {
    const { listId, members } = await seedList(t.db, tenant.id, 6);
    let throttled = 0;
    ses.verdict = (body) => {
      const isOurs = members.some((m) => m.email === body.Destination?.ToAddresses?.[0]);
      return isOurs && throttled++ < 8 ? { status: 429, error: 'TooManyRequestsException' } : 'accept';
    };
    try {
      const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'T', body_text: 'x' });
      const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed']);
      expect(done).toMatchObject({ status: 'completed', sent: 6, failed: 0 });
      expect(throttled).toBeGreaterThanOrEqual(8);
      expect(emailsOf(id).map((e) => e.to[0]).sort()).toEqual(members.map((m) => m.email).sort());
    } finally {
      ses.verdict = () => 'accept';
    }
  });

  it('a per-recipient rejection fails only that recipient; the job completes', async () => {
    const { listId, members } = await seedList(t.db, tenant.id, 4);
    ses.verdict = (body) => (body.Destination?.ToAddresses?.[0] === members[2].email ? { status: 400, error: 'MessageRejected' } : 'accept');
    try {
      const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'R', body_text: 'x' });
      const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed']);
      expect(done).toMatchObject({ status: 'completed', sent: 3, failed: 1 });
      const failed = await request(t.url).get(`/api/send-jobs/${id}/messages?status=failed`).set(auth()).expect(200);
      expect(failed.body.data).toEqual([expect.objectContaining({ email: members[2].email, reason: expect.stringContaining('MessageRejected') })]);
    } finally {
      ses.verdict = () => 'accept';
    }
  });

  it('an account-level stop fails the job with a clear failure_reason after bounded retries', async () => {
    const { listId, members } = await seedList(t.db, tenant.id, 3);
    ses.verdict = (body) =>
      members.some((m) => m.email === body.Destination?.ToAddresses?.[0]) ? { status: 400, error: 'SendingPausedException' } : 'accept';
    try {
      const id = await createJob(t, tenant.editor, { list_id: listId, subject: 'P', body_text: 'x' });
      const done = await waitForStatus(t, tenant.editor, id, ['completed', 'failed'], 90_000);
      expect(done.status).toBe('failed');
      expect(done.failure_reason).toMatch(/^provider_account_stopped: SES SendingPausedException/);
      expect(emailsOf(id)).toHaveLength(0);
    } finally {
      ses.verdict = () => 'accept';
    }
  }, 120_000);
});
