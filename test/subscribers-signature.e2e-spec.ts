import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RedisService } from '../src/common/redis/redis.module';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';

/** The HMAC scheme of Member Center webhooks: every failure is a problem body with a reason, never a 500. */
describe('Member Center signature', () => {
  let t: TestApp;
  let tenantId: string;
  let mc: MemberCenterClient;

  const event = (over: Record<string, unknown> = {}) => ({
    event_id: randomUUID(),
    event_type: 'subscription.activated',
    tenant_id: tenantId,
    list_id: '0190a0e0-0000-7000-8000-0000000000a1',
    subscriber: { id: randomUUID(), email: 'sig@example.com', status: 'active' },
    occurred_at: new Date().toISOString(),
    ...over,
  });

  function expectProblem(res: request.Response, status: number, reason: string) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status, reason });
    expect(typeof res.body.error).toBe('string');
  }

  beforeAll(async () => {
    t = await createTestApp();
    tenantId = (await createTenant(t)).id;
    mc = await MemberCenterClient.create(t, tenantId);
  });
  afterAll(async () => t?.close());

  it('accepts a good signature (prefixed or bare hex)', async () => {
    const res = await mc.post('/webhooks/subscriptions', event());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ event_id: expect.any(String), status: 'applied' });
    const body = JSON.stringify(event());
    const bare = mc.headers(body);
    bare['x-signature'] = bare['x-signature'].replace('sha256=', '');
    await request(t.url).post('/webhooks/subscriptions').set(bare).send(body).expect(200);
  });

  it('rejects a wrong secret', async () => {
    const res = await mc.post('/webhooks/subscriptions', event(), { secret: 'mcs_wrong' });
    expectProblem(res, 401, 'bad_signature');
    expect(res.body.error).toBe('unauthorized');
  });

  it('rejects a body changed by one byte', async () => {
    const body = JSON.stringify(event());
    const changed = body.replace('sig@example.com', 'sih@example.com');
    expectProblem(await mc.post('/webhooks/subscriptions', changed, { signedBody: body }), 401, 'bad_signature');
  });

  it('checks the raw bytes: re-serialised JSON with the same meaning does not verify', async () => {
    const e = event();
    const signed = JSON.stringify(e);
    const reserialised = JSON.stringify(e, null, 2);
    expectProblem(await mc.post('/webhooks/subscriptions', reserialised, { signedBody: signed }), 401, 'bad_signature');
    // and the pretty-printed bytes themselves, signed, are accepted
    await mc.post('/webhooks/subscriptions', reserialised).expect(200);
  });

  it.each([
    ['now-301', () => String(Math.floor(Date.now() / 1000) - 301), 'stale_timestamp'],
    ['now+301', () => String(Math.floor(Date.now() / 1000) + 301), 'stale_timestamp'],
    ['non-numeric', () => 'yesterday', 'bad_timestamp'],
    ['milliseconds', () => String(Date.now()), 'bad_timestamp'],
  ])('rejects a timestamp %s', async (_name, timestamp, reason) => {
    expectProblem(await mc.post('/webhooks/subscriptions', event(), { timestamp: timestamp() }), 401, reason);
  });

  it('rejects a replayed nonce', async () => {
    const nonce = `n-${randomUUID()}`;
    await mc.post('/webhooks/subscriptions', event(), { nonce }).expect(200);
    expectProblem(await mc.post('/webhooks/subscriptions', event(), { nonce }), 401, 'replayed_nonce');
  });

  it('accepts exactly one of the same signed request sent twice in parallel', async () => {
    const e = event();
    const body = JSON.stringify(e);
    const headers = mc.headers(body);
    const send = () => request(t.url).post('/webhooks/subscriptions').set(headers).send(body);
    const results = await Promise.all([send(), send()]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    expectProblem(results.find((r) => r.status === 401)!, 401, 'replayed_nonce');
    const rows = await t.db.query('SELECT count(*)::int AS n FROM inbound_events WHERE event_id = $1', [e.event_id]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('rejects an unknown client and missing headers', async () => {
    expectProblem(await mc.post('/webhooks/subscriptions', event(), { clientId: 'mc_nobody' }), 401, 'unknown_client');
    expectProblem(await mc.post('/webhooks/subscriptions', event(), { omit: ['x-nonce'] }), 401, 'missing_header');
    expectProblem(await mc.post('/webhooks/subscriptions', event(), { omit: ['x-signature'] }), 401, 'missing_header');
  });

  it('answers 403 for a tenant the client is not bound to (after validation)', async () => {
    const other = await createTenant(t);
    const res = await mc.post('/webhooks/subscriptions', event({ tenant_id: other.id }));
    expectProblem(res, 403, 'tenant_not_bound');
    expect(res.body.error).toBe('forbidden');
    // an invalid body is a 422 first, whatever tenant it names
    const invalid = await mc.post('/webhooks/subscriptions', event({ tenant_id: other.id, list_id: 'nope' }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toHaveProperty('list_id');
  });

  it('accepts both secrets during a rotation overlap', async () => {
    const client = await MemberCenterClient.create(t, tenantId);
    const old = client.secret;
    const rotated = await request(t.url)
      .post(`/api/tenants/${tenantId}/member-center-clients/${client.clientId}/rotate`)
      .set('Authorization', `Bearer ${adminToken()}`)
      .expect(201);
    await client.post('/webhooks/subscriptions', event(), { secret: old }).expect(200);
    await client.post('/webhooks/subscriptions', event(), { secret: rotated.body.secret }).expect(200);
    expectProblem(await client.post('/webhooks/subscriptions', event(), { secret: 'mcs_neither' }), 401, 'bad_signature');
  });

  it('answers 403 for a disabled client', async () => {
    const client = await MemberCenterClient.create(t, tenantId);
    await request(t.url)
      .patch(`/api/tenants/${tenantId}/member-center-clients/${client.clientId}`)
      .set('Authorization', `Bearer ${adminToken()}`)
      .send({ enabled: false })
      .expect(200);
    const res = await client.post('/webhooks/subscriptions', event());
    expectProblem(res, 403, 'client_disabled');
  });

  it('guards the full-sync route the same way', async () => {
    const batch = { sync_id: randomUUID(), batch_no: 1, batch_total: 1, tenant_id: tenantId, list_id: randomUUID(), subscribers: [], occurred_at: new Date().toISOString() };
    expectProblem(await mc.post('/webhooks/lists/full-sync', batch, { secret: 'mcs_wrong' }), 401, 'bad_signature');
  });

  it('fails closed (503) when the nonce store is unreachable', async () => {
    const redis = t.app.get(RedisService).client;
    redis.disconnect();
    try {
      const res = await mc.post('/webhooks/subscriptions', event());
      expectProblem(res, 503, 'nonce_store_unavailable');
    } finally {
      await redis.connect();
    }
    await mc.post('/webhooks/subscriptions', event()).expect(200);
  });
});
