import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { seedList } from './support/send-jobs';

jest.setTimeout(60_000);

describe('send jobs API contract', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenant>>;
  let b: Awaited<ReturnType<typeof createTenant>>;
  let listId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  // Far in the future: these jobs stay pending, so the contract is checked without sending.
  const later = new Date(Date.now() + 86_400_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api' } });
    a = await createTenant(t);
    b = await createTenant(t);
    listId = (await seedList(t.db, a.id, 2)).listId;
  });
  afterAll(async () => t?.close());

  const post = (token: string, body: Record<string, unknown>, key?: string) => {
    const r = request(t.url).post('/api/send-jobs').set(auth(token));
    if (key) r.set('Idempotency-Key', key);
    return r.send(body);
  };

  it('creates with snake_case keys: 200 with both spellings', async () => {
    const res = await post(a.editor, { list_id: listId, subject: 'S', body_html: '<p>x</p>', scheduled_at: later, tenant_id: a.id }).expect(200);
    expect(res.body).toEqual({ send_job_id: expect.any(String), sendJobId: res.body.send_job_id, status: 'pending' });
  });

  it('creates with camelCase keys and reads the job back in both spellings with counts', async () => {
    const res = await post(a.editor, {
      listId,
      subject: 'S',
      bodyText: 'x',
      scheduledAt: later,
      windowStart: later,
      windowEnd: new Date(Date.parse(later) + 3600_000).toISOString(),
      tracking: { open: true, click: false },
    }).expect(200);
    const id = res.body.sendJobId as string;
    const job = await request(t.url).get(`/api/send-jobs/${id}`).set(auth(a.viewer)).expect(200);
    expect(job.body).toMatchObject({
      id,
      tenant_id: a.id,
      tenantId: a.id,
      list_id: listId,
      listId,
      campaign_id: id,
      campaignId: id,
      status: 'pending',
      scheduled_at: later,
      scheduledAt: later,
      window_start: later,
      windowStart: later,
      total: 0,
      sent: 0,
      failed: 0,
      skipped: 0,
      unknown: 0,
      pending: 0,
      started_at: null,
      completed_at: null,
      failure_reason: null,
    });
    expect(job.body.window_end).toBe(job.body.windowEnd);
  });

  it.each([
    ['no list', { subject: 'S', body_html: 'x' }, 'list_id'],
    ['no body or template', { list_id: 'L', subject: 'S' }, 'body_html'],
    ['empty subject', { list_id: 'L', subject: '', body_html: 'x' }, 'subject'],
    ['blank subject', { list_id: 'L', subject: '   ', body_html: 'x' }, 'subject'],
    ['window_end == window_start', { list_id: 'L', subject: 'S', body_html: 'x', window_start: later, window_end: later }, 'window_end'],
    [
      'window_end < window_start',
      { list_id: 'L', subject: 'S', body_html: 'x', window_start: later, window_end: new Date(Date.parse(later) - 1000).toISOString() },
      'window_end',
    ],
    ['unknown list', { list_id: randomUUID(), subject: 'S', body_html: 'x' }, 'list_id'],
    ['a bad date', { list_id: 'L', subject: 'S', body_html: 'x', scheduled_at: 'tomorrow' }, 'scheduled_at'],
    ['same field both ways, different values', { list_id: 'L', subject: 'S', body_html: 'x', bodyHtml: 'y' }, 'body_html'],
    ['an unknown merge tag', { list_id: 'L', subject: 'Hello {{firstname}}', body_html: 'x' }, 'subject'],
  ])('422 on %s', async (_, body, field) => {
    const withList = JSON.parse(JSON.stringify(body).replace('"L"', `"${listId}"`)) as Record<string, unknown>;
    const res = await post(a.editor, withList).expect(422);
    expect(res.body).toMatchObject({ error: 'validation_failed', status: 422 });
    expect(res.body.errors).toHaveProperty(field);
  });

  it('names the unknown merge tag in the 422 and accepts the aliases', async () => {
    const bad = await post(a.editor, { list_id: listId, subject: 'Hi {{firstname}}', body_text: '{{email}}' }).expect(422);
    expect(bad.body.errors.subject[0]).toContain('{{firstname}}');
    await post(a.editor, { list_id: listId, subject: 'Hi {{first_name|there}}', body_text: 'For {{email}}' }).expect(200);
  });

  it('accepts the same field both ways with the same value', async () => {
    await post(a.editor, { list_id: listId, listId, subject: 'S', body_html: 'x', bodyHtml: 'x', scheduled_at: later }).expect(200);
  });

  it('refuses another tenant\'s tenant_id (403) and another tenant\'s list (422)', async () => {
    await post(a.editor, { tenant_id: b.id, list_id: listId, subject: 'S', body_html: 'x' }).expect(403);
    const res = await post(b.editor, { list_id: listId, subject: 'S', body_html: 'x' }).expect(422);
    expect(res.body.errors).toHaveProperty('list_id');
  });

  it('hides jobs across tenants (404) and requires the editor role to write', async () => {
    const id = (await post(a.editor, { list_id: listId, subject: 'S', body_html: 'x', scheduled_at: later }).expect(200)).body.send_job_id;
    await request(t.url).get(`/api/send-jobs/${id}`).set(auth(b.viewer)).expect(404);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(b.editor)).expect(404);
    await request(t.url).get('/api/send-jobs/not-a-uuid').set(auth(a.viewer)).expect(404);
    await post(a.viewer, { list_id: listId, subject: 'S', body_html: 'x' }).expect(403);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(a.viewer)).expect(403);
    await request(t.url).get(`/api/send-jobs/${id}`).expect(401);
  });

  it('honours Idempotency-Key: same body → the original response, different body → 409', async () => {
    const key = randomUUID();
    const body = { list_id: listId, subject: 'Idem', body_html: 'x', scheduled_at: later };
    const first = await post(a.editor, body, key).expect(200);
    const again = await post(a.editor, body, key).expect(200);
    expect(again.body).toEqual(first.body);
    await post(a.editor, { ...body, subject: 'Other' }, key).expect(409);
    const count = await t.db.query(`SELECT count(*)::int AS n FROM send_jobs WHERE subject = 'Idem'`);
    expect(count.rows[0].n).toBe(1);
  });

  it('cancels a pending job (200, again 200) and lists with a status filter and cursor', async () => {
    const id = (await post(a.editor, { list_id: listId, subject: 'C', body_html: 'x', scheduled_at: later }).expect(200)).body.send_job_id;
    const res = await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(a.editor)).expect(200);
    expect(res.body).toEqual({ id, status: 'cancelled' });
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(a.editor)).expect(200, { id, status: 'cancelled' });

    const cancelled = await request(t.url).get('/api/send-jobs?status=cancelled').set(auth(a.viewer)).expect(200);
    expect(cancelled.body.data.map((j: { id: string }) => j.id)).toEqual([id]);
    const page1 = await request(t.url).get('/api/send-jobs?limit=2').set(auth(a.viewer)).expect(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await request(t.url).get(`/api/send-jobs?limit=2&cursor=${page1.body.next_cursor}`).set(auth(a.viewer)).expect(200);
    const ids1 = page1.body.data.map((j: { id: string }) => j.id);
    expect(page2.body.data.some((j: { id: string }) => ids1.includes(j.id))).toBe(false);
    await request(t.url).get('/api/send-jobs?status=nope').set(auth(a.viewer)).expect(422);
    const other = await request(t.url).get('/api/send-jobs').set(auth(b.viewer)).expect(200);
    expect(other.body.data).toEqual([]);
  });

  it('409 when cancelling a completed or failed job', async () => {
    const id = (await post(a.editor, { list_id: listId, subject: 'D', body_html: 'x', scheduled_at: later }).expect(200)).body.send_job_id;
    await t.db.query(`UPDATE send_jobs SET status = 'completed' WHERE id = $1`, [id]);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(a.editor)).expect(409);
    await t.db.query(`UPDATE send_jobs SET status = 'failed' WHERE id = $1`, [id]);
    await request(t.url).post(`/api/send-jobs/${id}/cancel`).set(auth(a.editor)).expect(409);
  });
});
