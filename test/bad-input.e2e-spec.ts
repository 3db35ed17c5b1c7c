import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signToken } from '../src/common/auth/token-issuer';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './support/app';
import { adminToken, apiKeyFor, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';

/** One regression test per input that once answered 500 (found by the fuzzer and a probe), and the PATCH merge. */
describe('bad input answers a problem, never a 500', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let key: string;
  let mc: MemberCenterClient;
  const admin = () => ({ Authorization: `Bearer ${adminToken()}` });
  const editor = () => ({ Authorization: `Bearer ${tenant.editor}` });

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    key = await apiKeyFor(t, tenant.id);
    mc = await MemberCenterClient.create(t, tenant.id);
  });
  afterAll(async () => t?.close());

  const problem = (res: request.Response, status: number, error: string) => {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  const event = (over: Record<string, unknown> = {}) => ({
    event_id: randomUUID(), event_type: 'subscription.activated', tenant_id: tenant.id, list_id: randomUUID(),
    subscriber: { id: randomUUID(), email: 'ann@example.com', status: 'active' }, occurred_at: new Date().toISOString(), ...over,
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['an array', [{ id: randomUUID(), email: 'a@example.com', status: 'active' }]],
    ['a string', 'subscriber'],
  ])('a Member Center event whose subscriber is %s is 422 naming subscriber', async (_n, subscriber) => {
    const res = await mc.post('/webhooks/subscriptions', event({ subscriber }));
    problem(res, 422, 'validation_failed');
    expect(Object.keys(res.body.errors)).toContain('subscriber');
  });

  it('deeply nested JSON is 400 too_deep, also on the unauthenticated token endpoint', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const token = await request(t.url).post('/oauth/token').set('content-type', 'application/json').send(deep);
    problem(token, 400, 'bad_request');
    expect(token.body.reason).toBe('too_deep');
    const nested = `{"type":"a.b","payload":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const ingest = await request(t.url).post('/v1/events').set('Authorization', `Bearer ${key}`).set('content-type', 'application/json').send(nested);
    problem(ingest, 400, 'bad_request');
    // 64 levels is still fine
    const ok = `{"type":"a.b","payload":${'{"a":'.repeat(60)}1${'}'.repeat(60)}}`;
    expect((await request(t.url).post('/v1/events').set('Authorization', `Bearer ${key}`).set('content-type', 'application/json').send(ok)).status).toBe(202);
  });

  it('NUL in a string is the field\'s validation error; in a path id it names nothing (404)', async () => {
    const res = await mc.post('/webhooks/subscriptions', event({ subscriber: { id: randomUUID(), email: 'ann@example.com\u0000', status: 'active' } }));
    problem(res, 422, 'validation_failed');
    expect(res.body.errors['subscriber.email']).toEqual([expect.stringContaining('NUL')]);
    problem(await request(t.url).delete('/api/suppressions/a%00b').set(editor()), 404, 'not_found');
    problem(await request(t.url).get('/api/ses-events?email=x%00y').set(editor()), 422, 'validation_failed');
    const v1 = await request(t.url).post('/v1/subscriptions').set('Authorization', `Bearer ${key}`).send({ url: 'https://example.com/\u0000' });
    problem(v1, 400, 'validation_failed');
  });

  it('signatures are checked before the input: an unsigned body with a NUL is 401, not a validation error', async () => {
    const body = JSON.stringify(event({ subscriber: { id: randomUUID(), email: 'a\u0000@example.com', status: 'active' } }));
    const res = await request(t.url).post('/webhooks/subscriptions').set(mc.headers(body, { signature: 'sha256=00' })).send(body);
    problem(res, 401, 'unauthorized');
  });

  it('a lone surrogate in stored JSON or in an email is a validation error', async () => {
    const payload = '{"type":"a.b","payload":{"note":"\\ud800"}}';
    problem(await request(t.url).post('/v1/events').set('Authorization', `Bearer ${key}`).set('content-type', 'application/json').send(payload), 400, 'validation_failed');
    const ses = await request(t.url).patch(`/api/tenants/${tenant.id}`).set(admin()).set('content-type', 'application/json').send('{"from_address":"\\ud800@example.com"}');
    problem(ses, 422, 'validation_failed');
  });

  it.each([
    ['a non-UUID id part', ['2026-01-02T03:04:05.678Z', '------------------------------------']],
    ['a year Postgres cannot hold', ['-100000-01-01T00:00:00Z', '0190f0e2-1111-7000-8000-000000000001']],
  ])('a crafted cursor with %s is a validation error on every cursor list', async (_n, position) => {
    const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
    problem(await request(t.url).get(`/api/lists?cursor=${cursor}`).set(editor()), 422, 'validation_failed');
    problem(await request(t.url).get(`/v1/events?cursor=${cursor}`).set('Authorization', `Bearer ${key}`), 400, 'validation_failed');
  });

  it.each(['2020-W01-1', '20200101T000000Z'])('an ISO-8601 form JavaScript cannot parse (%s) is refused', async (when) => {
    problem(await request(t.url).get(`/v1/events?created_after=${when}`).set('Authorization', `Bearer ${key}`), 400, 'validation_failed');
    problem(await request(t.url).get(`/v1/dead-letters?since=${when}`).set('Authorization', `Bearer ${key}`), 400, 'validation_failed');
    problem(await request(t.url).post('/v1/dead-letters/recover').set('Authorization', `Bearer ${key}`).send({ since: when, dry_run: true }), 400, 'validation_failed');
  });

  it('null in a PATCH body is refused for columns that cannot be null', async () => {
    const sub = await request(t.url).post('/v1/subscriptions').set('Authorization', `Bearer ${key}`).send({ url: 'https://example.com/hook' }).expect(201);
    for (const body of [{ url: null }, { event_filter: null }]) {
      const res = await request(t.url).patch(`/v1/subscriptions/${sub.body.id}`).set('Authorization', `Bearer ${key}`).send(body);
      problem(res, 400, 'validation_failed');
      expect(res.body.errors[Object.keys(body)[0]]).toEqual([expect.stringContaining('must not be null')]);
    }
    problem(await request(t.url).patch(`/api/tenants/${tenant.id}`).set(admin()).send({ name: null }), 422, 'validation_failed');
  });

  it('batch_total beyond a Postgres integer is a validation error', async () => {
    const res = await mc.post('/webhooks/lists/full-sync', {
      sync_id: randomUUID(), batch_no: 1, batch_total: 2 ** 31, tenant_id: tenant.id, list_id: randomUUID(), subscribers: [], occurred_at: new Date().toISOString(),
    });
    problem(res, 422, 'validation_failed');
    expect(Object.keys(res.body.errors)).toEqual(['batch_total']);
  });

  it('limit=1.5 is a validation error on the message list too', async () => {
    const list = randomUUID();
    expect((await mc.post('/webhooks/subscriptions', event({ list_id: list }))).status).toBe(200);
    const job = await request(t.url).post('/api/send-jobs').set(editor()).send({ list_id: list, subject: 'Hi', body_text: 'x', scheduled_at: '2099-01-01T00:00:00Z' });
    expect(job.status).toBe(200);
    problem(await request(t.url).get(`/api/send-jobs/${job.body.send_job_id}/messages?limit=1.5`).set(editor()), 422, 'validation_failed');
    problem(await request(t.url).get('/api/lists?limit=1.5').set(editor()), 422, 'validation_failed');
  });

  it('?key=a&key=b on the SSE stream is 401, not a 500', async () => {
    problem(await request(t.url).get(`/v1/echo/stream?key=${key}&key=${key}`), 401, 'unauthorized');
  });

  it('an oversize request line is a 431 problem', async () => {
    const res = await fetch(`${t.url}/v1/events?type=${'x'.repeat(100_000)}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { error: string }).error).toBe('headers_too_large');
  });

  it('concurrent rotations of one Member Center secret all succeed (no deadlock), and exactly one secret is current', async () => {
    const client = await MemberCenterClient.create(t, tenant.id);
    const rotate = () => request(t.url).post(`/api/tenants/${tenant.id}/member-center-clients/${client.clientId}/rotate`).set(admin());
    // The deadlock needs many expired secrets whose row versions the concurrent UPDATEs meet in different orders.
    for (let i = 0; i < 60; i++) await rotate().expect(201);
    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) statuses.push(...(await Promise.all(Array.from({ length: 6 }, rotate))).map((r) => r.status));
    expect(statuses).toEqual(Array(120).fill(201));
    const current = await t.db.query('SELECT count(*)::int AS n FROM member_center_secrets WHERE client_id = $1 AND expires_at IS NULL', [client.clientId]);
    expect(current.rows[0].n).toBe(1);
  });

  it('a platform admin acting in a tenant that does not exist (X-Tenant-Id) gets 404, not a foreign-key 500', async () => {
    const res = await request(t.url).post('/api/lists').set(admin()).set('X-Tenant-Id', randomUUID()).send({ name: 'Ghost list' });
    problem(res, 404, 'not_found');
    expect(res.body.reason).toBe('referenced_resource_missing');
  });

  it('PATCH /api/tenants/{id} merges settings instead of replacing them', async () => {
    const url = `/api/tenants/${tenant.id}`;
    await request(t.url).patch(url).set(admin()).send({ rate_limit_per_minute: 5000 }).expect(200);
    await request(t.url).patch(url).set(admin()).send({ send_rate_per_second: 100 }).expect(200);
    const renamed = await request(t.url).patch(url).set(admin()).send({ name: 'Renamed' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', settings: { rate_limit_per_minute: 5000, send_rate_per_second: 100 } });
    const row = await t.db.query('SELECT settings FROM tenants WHERE id = $1', [tenant.id]);
    expect(row.rows[0].settings).toEqual({ rate_limit_per_minute: 5000, send_rate_per_second: 100 });
  });

  it('a JWT without exp, or with a lifetime beyond 24 h, is refused', async () => {
    const { sign } = await import('jsonwebtoken');
    const noExp = sign({ tenant_id: tenant.id, roles: ['editor'] }, TEST_JWT_SECRET, { algorithm: 'HS256', subject: 'u' });
    const res = await request(t.url).get('/api/lists').set('Authorization', `Bearer ${noExp}`);
    problem(res, 401, 'unauthorized');
    expect(res.body.reason).toBe('missing_exp');
    const long = signToken(TEST_JWT_SECRET, { subject: 'u', tenantId: tenant.id, roles: ['editor'], ttlSeconds: 30 * 86400 });
    const longRes = await request(t.url).get('/api/lists').set('Authorization', `Bearer ${long}`);
    problem(longRes, 401, 'unauthorized');
    expect(longRes.body.reason).toBe('lifetime_too_long');
  });

  it('a Member Center nonce is kept for 2 × the timestamp window + margin', async () => {
    const nonce = randomUUID();
    const res = await mc.post('/webhooks/subscriptions', event(), { nonce, timestamp: String(Math.floor(Date.now() / 1000) + 300) });
    expect(res.status).toBe(200);
    const ttl = await t.redis.ttl(`${t.env.REDIS_KEY_PREFIX}:mc_nonce:${mc.clientId}:${nonce}`);
    expect(ttl).toBeGreaterThan(600);
  });
});
