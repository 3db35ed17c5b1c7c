import { createHmac } from 'node:crypto';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { expectContract, getJobState, newKey, submitJob, waitForJob } from './support/jobs';
import { waitFor } from './support/send-jobs';
import { SesPeer } from './peers/ses-peer';
import { WebhookReceiver } from './peers/webhook-receiver';

jest.setTimeout(120_000);

/** Retry spacing of callbacks in this file: the production 30/60/120 s scaled down. */
const SCHEDULE = [1, 2, 4];

/** The Jobs API end to end: real Postgres, Redis, the SES peer and an HTTP receiver. */
describe('jobs API', () => {
  const ses = new SesPeer();
  let receiver: WebhookReceiver;
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let secret: string;

  const email = (tag: string) => `${tag}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const job = (over: Record<string, unknown> = {}) => ({
    tenantId: tenant.id,
    type: 'email',
    payload: { to: email('u'), subject: 'Hello', body: 'Welcome!' },
    ...over,
  });
  const admin = () => ({ Authorization: `Bearer ${adminToken()}` });
  const createSecret = async (tenantId: string) =>
    (await request(t.url).post(`/api/tenants/${tenantId}/callback-secret`).set(admin()).expect(201)).body.secret as string;
  const expectProblem = (res: request.Response, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectContract('Problem', res.body);
    expect(res.body.error).toBe(error);
  };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const endpoint = await ses.start();
    t = await createTestApp({
      env: { MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SEND_RATE_PER_SECOND: '0', JOB_CALLBACK_RETRY_SCHEDULE_SECONDS: SCHEDULE.join(',') },
    });
    tenant = await createTenant(t);
    secret = await createSecret(tenant.id);
  });
  afterAll(async () => {
    await t?.close();
    await ses.stop();
    await receiver?.close();
  });

  describe('POST /jobs', () => {
    it('201 {jobId, status: queued, createdAt}; the job runs to succeeded and the email carries its tags', async () => {
      const body = job();
      expectContract('CreateJobRequest', body);
      const res = await submitJob(t, tenant.editor, body);
      expect(res.status).toBe(201);
      expectContract('JobCreated', res.body);
      expect(res.body.status).toBe('queued');

      const done = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded', 'fatal']);
      expectContract('Job', done);
      expect(done).toMatchObject({ jobId: res.body.jobId, status: 'succeeded', attempts: 1, nextRunAt: null, createdAt: res.body.createdAt, failureReason: null });
      const sent = ses.to((body.payload as { to: string }).to);
      expect(sent).toHaveLength(1);
      expect(sent[0].tags).toMatchObject({ tenant_id: tenant.id, job_id: res.body.jobId });
      expect(sent[0].raw).toContain('Subject: Hello');
      expect(sent[0].raw).toContain('Welcome!');
    });

    it('accepts the tenant slug as tenantId and an API key as the credential', async () => {
      const bySlug = await submitJob(t, tenant.editor, job({ tenantId: tenant.slug }));
      expect(bySlug.status).toBe(201);
      const key = await request(t.url).post(`/api/tenants/${tenant.id}/api-keys`).set(admin()).send({ environment: 'test' }).expect(201);
      const byKey = await submitJob(t, key.body.key as string, job());
      expect(byKey.status).toBe(201);
      expect((await getJobState(t, key.body.key as string, byKey.body.jobId as string)).jobId).toBe(byKey.body.jobId);
    });

    it('400 idempotency_key_required without the header, before anything else', async () => {
      const res = await submitJob(t, tenant.editor, job(), null);
      expectProblem(res, 400, 'idempotency_key_required');
      const invalid = await submitJob(t, tenant.editor, { type: 'sms' }, null);
      expectProblem(invalid, 400, 'idempotency_key_required');
    });

    it.each([
      ['a missing payload', { payload: undefined }, ['payload']],
      ['a missing tenantId', { tenantId: undefined }, ['tenantId']],
      ['a bad email and an empty subject', { payload: { to: 'not-an-email', subject: '', body: 'x' } }, ['payload.to', 'payload.subject']],
      ['a missing body', { payload: { to: 'a@example.com', subject: 'S' } }, ['payload.body']],
      ['another type', { type: 'sms' }, ['type']],
      ['a webhookUrl that is not a URL', { webhookUrl: 'client.app/hook' }, ['webhookUrl']],
      ['a non-http(s) webhookUrl', { webhookUrl: 'ftp://client.app/hook' }, ['webhookUrl']],
      ['a literal private webhookUrl', { webhookUrl: 'https://10.0.0.7/hook' }, ['webhookUrl']],
      ['a cloud metadata webhookUrl', { webhookUrl: 'https://169.254.169.254/latest' }, ['webhookUrl']],
    ])('400 validation_failed for %s, per field', async (_, over, fields) => {
      const res = await submitJob(t, tenant.editor, job(over));
      expectProblem(res, 400, 'validation_failed');
      expect(Object.keys(res.body.errors as object).sort()).toEqual(expect.arrayContaining(fields));
      if (fields.includes('type')) expect((res.body.errors as Record<string, string[]>).type.join(' ')).toContain('email');
    });

    it('400 for a webhookUrl while the tenant has no callback secret, naming the admin route', async () => {
      const other = await createTenant(t);
      const res = await submitJob(t, other.editor, job({ tenantId: other.id, webhookUrl: receiver.url('/nosecret') }));
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.webhookUrl[0]).toContain(`POST /api/tenants/${other.id}/callback-secret`);
      // without webhookUrl the same tenant may submit
      expect((await submitJob(t, other.editor, job({ tenantId: other.id }))).status).toBe(201);
    });

    it('401 without a credential, and when tenantId (id or slug) is not the caller’s', async () => {
      const none = await request(t.url).post('/jobs').set('Idempotency-Key', newKey()).send(job());
      expectProblem(none, 401, 'unauthorized');
      const other = await createTenant(t);
      for (const named of [other.id, other.slug, 'no-such-tenant']) {
        const res = await submitJob(t, tenant.editor, job({ tenantId: named }));
        expectProblem(res, 401, 'unauthorized');
        expect(res.body.reason).toBe('tenant_mismatch');
      }
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1`, [other.id]);
      expect(rows.rows[0].n).toBe(0);
    });

    it('403 for a viewer (submitting needs editor)', async () => {
      const res = await submitJob(t, tenant.viewer, job());
      expectProblem(res, 403, 'forbidden');
    });

    it('same key + same body → the original 201, replayed; same key + another body → 409', async () => {
      const key = newKey();
      const body = job();
      const first = await submitJob(t, tenant.editor, body, key);
      expect(first.status).toBe(201);
      const again = await submitJob(t, tenant.editor, body, key);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const changed = await submitJob(t, tenant.editor, { ...body, payload: { ...(body.payload as object), subject: 'Other' } }, key);
      expectProblem(changed, 409, 'idempotency_key_reused');
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM jobs WHERE payload->>'to' = $1`, [(body.payload as { to: string }).to]);
      expect(rows.rows[0].n).toBe(1);
    });

    it('two concurrent submits with one key create one job', async () => {
      const key = newKey();
      const body = job();
      const [a, b] = await Promise.all([submitJob(t, tenant.editor, body, key), submitJob(t, tenant.editor, body, key)]);
      const statuses = [a.status, b.status].sort();
      // the twin either waited for the first (replayed 201) or found it still running (409 with Retry-After)
      expect([[201, 201], [201, 409]]).toContainEqual(statuses);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM jobs WHERE payload->>'to' = $1`, [(body.payload as { to: string }).to]);
      expect(rows.rows[0].n).toBe(1);
      const created = a.status === 201 ? a : b;
      expect((await getJobState(t, tenant.editor, created.body.jobId as string)).jobId).toBe(created.body.jobId);
    });

    it('429 with Retry-After and X-RateLimit-* once the tenant’s job quota is spent', async () => {
      const limited = await createTenant(t);
      await request(t.url).patch(`/api/tenants/${limited.id}`).set(admin()).send({ jobs_per_minute: 2 }).expect(200);
      const body = () => job({ tenantId: limited.id });
      const first = await submitJob(t, limited.editor, body());
      expect(first.status).toBe(201);
      expect(first.headers['x-ratelimit-limit']).toBe('2');
      expect(first.headers['x-ratelimit-remaining']).toBe('1');
      expect((await submitJob(t, limited.editor, body())).status).toBe(201);
      const refused = await submitJob(t, limited.editor, body());
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['x-ratelimit-limit']).toBe('2');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      // reads are not part of the job quota
      expect((await request(t.url).get('/jobs').set('Authorization', `Bearer ${limited.editor}`)).status).toBe(200);
    });
  });

  describe('GET /jobs/{jobId}', () => {
    it('404 for an unknown, malformed or another tenant’s job; 401 without a credential', async () => {
      const mine = await submitJob(t, tenant.editor, job());
      const other = await createTenant(t);
      expectProblem(await request(t.url).get(`/jobs/${mine.body.jobId}`).set('Authorization', `Bearer ${other.editor}`), 404, 'not_found');
      expectProblem(await request(t.url).get(`/jobs/job_${'0'.repeat(32)}`).set('Authorization', `Bearer ${tenant.editor}`), 404, 'not_found');
      expectProblem(await request(t.url).get('/jobs/job_abc123').set('Authorization', `Bearer ${tenant.editor}`), 404, 'not_found');
      expectProblem(await request(t.url).get(`/jobs/${mine.body.jobId}`), 401, 'unauthorized');
    });

    it('GET /jobs pages the tenant’s jobs newest first and filters by status', async () => {
      const res = await request(t.url).get('/jobs?limit=2&status=succeeded').set('Authorization', `Bearer ${tenant.viewer}`).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      for (const j of res.body.data) {
        expectContract('Job', j);
        expect(j.status).toBe('succeeded');
      }
      expectProblem(await request(t.url).get('/jobs?status=done').set('Authorization', `Bearer ${tenant.viewer}`), 400, 'validation_failed');
    });
  });

  describe('running', () => {
    it('a suppressed address → fatal with reason suppressed, no email, and a fatal callback', async () => {
      const to = email('suppressed');
      await t.db.query(`INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES (gen_random_uuid(), $1, $2, 'hard_bounce', 'ses')`, [tenant.id, to]);
      const res = await submitJob(t, tenant.editor, job({ payload: { to, subject: 'S', body: 'B' }, webhookUrl: receiver.url('/suppressed') }));
      const done = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded', 'fatal']);
      expect(done).toMatchObject({ status: 'fatal', failureReason: 'suppressed', attempts: 1 });
      expect(ses.to(to)).toHaveLength(0);
      await receiver.waitFor('/suppressed', 1);
      expect(JSON.parse(receiver.on('/suppressed')[0].body)).toMatchObject({ jobId: res.body.jobId, status: 'fatal' });
    });

    it('a transient SES error → retry with nextRunAt → succeeded with attempts 2', async () => {
      const to = email('transient');
      let failed = false;
      ses.verdict = (b) => {
        if (b.Destination?.ToAddresses?.[0] !== to || failed) return 'accept';
        failed = true;
        return { status: 503, error: 'ServiceUnavailable' };
      };
      try {
        const res = await submitJob(t, tenant.editor, job({ payload: { to, subject: 'S', body: 'B' } }));
        const retrying = await waitForJob(t, tenant.editor, res.body.jobId, ['retry', 'succeeded', 'fatal']);
        expect(retrying).toMatchObject({ status: 'retry', attempts: 1 });
        expect(retrying.failureReason).toContain('ServiceUnavailable');
        expect(Date.parse(retrying.nextRunAt as string)).toBeGreaterThan(Date.parse(retrying.updatedAt as string));
        const done = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded', 'fatal']);
        expect(done).toMatchObject({ status: 'succeeded', attempts: 2, nextRunAt: null, failureReason: null });
        expect(ses.to(to)).toHaveLength(1);
      } finally {
        ses.verdict = () => 'accept';
      }
    });

    it('a rejected message → fatal at once with the provider’s reason', async () => {
      const to = email('rejected');
      ses.verdict = (b) => (b.Destination?.ToAddresses?.[0] === to ? { status: 400, error: 'MessageRejected' } : 'accept');
      try {
        const res = await submitJob(t, tenant.editor, job({ payload: { to, subject: 'S', body: 'B' } }));
        const done = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded', 'fatal']);
        expect(done).toMatchObject({ status: 'fatal', attempts: 1 });
        expect(done.failureReason).toContain('MessageRejected');
      } finally {
        ses.verdict = () => 'accept';
      }
    });
  });

  describe('completion callback', () => {
    it('is signed: X-Signature over the raw bytes, and Standard Webhooks headers the library verifies', async () => {
      const body = job({ webhookUrl: receiver.url('/signed') });
      const res = await submitJob(t, tenant.editor, body);
      await receiver.waitFor('/signed', 1);
      const [req] = receiver.on('/signed');
      expect(req.headers['content-type']).toBe('application/json');
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      expect(req.headers['x-signature']).toBe(`sha256=${createHmac('sha256', key).update(req.body).digest('hex')}`);
      const verified = new Webhook(secret).verify(req.body, {
        'webhook-id': req.headers['webhook-id'] as string,
        'webhook-timestamp': req.headers['webhook-timestamp'] as string,
        'webhook-signature': req.headers['webhook-signature'] as string,
      });
      expectContract('Callback', verified);
      expect(verified).toEqual({ jobId: res.body.jobId, status: 'succeeded', attempts: 1, payload: body.payload, completedAt: expect.any(String) });
      expect(() => new Webhook(secret).verify(`${req.body} `, req.headers as Record<string, string>)).toThrow();
      const state = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded']);
      expect(state.callbackDeliveryId).toBe(req.headers['webhook-id']);
    });

    it('a receiver answering 500 gets exactly 4 requests on the configured spacing, then the callback is dead-lettered and replays', async () => {
      receiver.script('/failing', { status: 500 });
      const res = await submitJob(t, tenant.editor, job({ webhookUrl: receiver.url('/failing') }));
      const state = await waitForJob(t, tenant.editor, res.body.jobId, ['succeeded']);
      const deliveryId = state.callbackDeliveryId as string;
      const auth = { Authorization: `Bearer ${tenant.editor}` };
      const dead = await waitFor(
        async () => (await request(t.url).get(`/v1/deliveries/${deliveryId}`).set(auth)).body as Record<string, unknown>,
        (d) => d.status === 'dead',
      );
      const hits = receiver.on('/failing');
      expect(hits).toHaveLength(4);
      expect(dead).toMatchObject({ status: 'dead', attempts_made: 4, subscription_id: null, final_status_code: 500 });
      expect((dead.attempts as unknown[]).length).toBe(4);
      // each retry waits at least its configured delay (less the ±20 % jitter), and the waits grow
      const gaps = hits.slice(1).map((h, i) => h.at - hits[i].at);
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(SCHEDULE[i] * 1000 * 0.8 - 50));
      expect(gaps[0]).toBeLessThan(gaps[2]);
      // every attempt carried the same id and body, each signed
      expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
      expect(new Set(hits.map((h) => h.body)).size).toBe(1);

      const letters = await request(t.url).get('/v1/dead-letters').set(auth).expect(200);
      expect((letters.body.data as { id: string }[]).map((d) => d.id)).toContain(deliveryId);

      receiver.script('/failing', { status: 200 });
      await request(t.url).post(`/v1/dead-letters/${deliveryId}/replay`).set(auth).expect(200);
      await receiver.waitFor('/failing', 5);
      const replayed = receiver.on('/failing')[4];
      expect(JSON.parse(replayed.body)).toMatchObject({ jobId: res.body.jobId, status: 'succeeded' });
      new Webhook(secret).verify(replayed.body, replayed.headers as Record<string, string>);
      const after = await waitFor(
        async () => (await request(t.url).get(`/v1/deliveries/${deliveryId}`).set(auth)).body as Record<string, unknown>,
        (d) => d.status === 'success',
      );
      expect(after.attempts_made).toBe(5);
    });
  });

  it('Swagger documents both routes with every status code, operation ids and the request example', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; security: unknown[] }>>;
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    const create = doc.paths['/jobs'].post;
    expect(create.operationId).toBe('createJob');
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409', '429']);
    expect(create.security.length).toBeGreaterThan(0);
    // errors are problem+json with the shared schema and the route's own example
    expect(create.responses['401']).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ErrorResponse' }, example: { reason: 'tenant_mismatch' } } } });
    const get = doc.paths['/jobs/{jobId}'].get;
    expect(get.operationId).toBe('getJob');
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429']);
    const example = doc.components.schemas.CreateJobDto.properties;
    // the documented example is a request the API accepts
    const body = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, v.example]));
    const payload = doc.components.schemas.JobEmailPayloadDto.properties;
    body.payload = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, v.example]));
    body.tenantId = tenant.slug;
    body.webhookUrl = receiver.url('/example');
    expect((await submitJob(t, tenant.editor, body)).status).toBe(201);
  });

  it('job.succeeded and job.failed reach subscriptions as engine events', async () => {
    const sub = await request(t.url)
      .post('/v1/subscriptions')
      .set('Authorization', `Bearer ${tenant.editor}`)
      .send({ url: receiver.url('/engine'), event_filter: 'job.*' })
      .expect(201);
    expect(sub.body.signing_secret).toMatch(/^whsec_/);
    const ok = await submitJob(t, tenant.editor, job());
    const to = email('suppressed-event');
    await t.db.query(`INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES (gen_random_uuid(), $1, $2, 'complaint', 'ses')`, [tenant.id, to]);
    const failed = await submitJob(t, tenant.editor, job({ payload: { to, subject: 'S', body: 'B' } }));
    // other tests' jobs may end after the subscription exists too: wait for these two, by job id
    const events = await waitFor(
      async () => receiver.on('/engine').map((r) => JSON.parse(r.body) as { type: string; data: { job_id: string; status: string } }),
      (es) => [ok.body.jobId, failed.body.jobId].every((id) => es.some((e) => e.data.job_id === id)),
    );
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'job.succeeded', data: expect.objectContaining({ job_id: ok.body.jobId, status: 'succeeded' }) }),
        expect.objectContaining({ type: 'job.failed', data: expect.objectContaining({ job_id: failed.body.jobId, status: 'fatal', failure_reason: 'suppressed' }) }),
      ]),
    );
  });
});
