import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { ProbeModule, probeExecutions } from './support/probe.module';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    tenant = await createTenant(t);
  });
  afterAll(async () => t?.close());

  const post = (key: string | undefined, body: object, path = '/v1/probe') => {
    const req = request(t.url).post(path).set('Authorization', `Bearer ${tenant.editor}`);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  it('replays the original response for the same key and body, without executing again', async () => {
    const first = await post('k-1', { name: 'a', count: 1 });
    expect(first.status).toBe(202);
    const before = probeExecutions(tenant.id);
    // same meaning, other key order: same fingerprint
    const again = await request(t.url)
      .post('/v1/probe')
      .set('Authorization', `Bearer ${tenant.editor}`)
      .set('Idempotency-Key', 'k-1')
      .set('Content-Type', 'application/json')
      .send('{"count":1,"name":"a"}');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(probeExecutions(tenant.id)).toBe(before);
    const row = await t.db.query(`SELECT state, status_code FROM idempotency_keys WHERE key = 'k-1'`);
    expect(row.rows).toEqual([{ state: 'completed', status_code: 202 }]);
  });

  it('409 for the same key with a different body', async () => {
    await post('k-2', { name: 'a' }).expect(202);
    const res = await post('k-2', { name: 'b' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('idempotency_key_reused');
  });

  it('two parallel requests with one key execute once', async () => {
    const before = probeExecutions(tenant.id);
    const [x, y] = await Promise.all([post('k-3', { name: 'p' }), post('k-3', { name: 'p' })]);
    expect([x.status, y.status].sort()).toEqual([202, 409]);
    expect([x, y].find((r) => r.status === 409)?.body.error).toBe('idempotency_request_in_progress');
    expect(probeExecutions(tenant.id)).toBe(before + 1);
    const replay = await post('k-3', { name: 'p' });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual([x, y].find((r) => r.status === 202)?.body);
  });

  it('an expired key is free again: the new request runs and its response is stored', async () => {
    await post('k-6', { name: 'a' }).expect(202);
    await t.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k-6'`);
    const before = probeExecutions(tenant.id);
    const res = await post('k-6', { name: 'other' });
    expect(res.status).toBe(202);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(probeExecutions(tenant.id)).toBe(before + 1);
    const replay = await post('k-6', { name: 'other' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
  });

  it('concurrent requests (claimed and completed in shared statements) run once per key, a repeated key included', async () => {
    const before = probeExecutions(tenant.id);
    const keys = [...Array.from({ length: 20 }, (_, i) => `k-7-${i}`), 'k-7-0', 'k-7-1'];
    const res = await Promise.all(keys.map((k) => post(k, { name: 'batch' })));
    expect(probeExecutions(tenant.id)).toBe(before + 20);
    // A repeat is either in progress (409) or, when its twin finished first, a replay (202).
    for (const r of res) expect(r.status === 202 || r.body.error === 'idempotency_request_in_progress').toBe(true);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE 'k-7-%' AND state = 'completed'`);
    expect(rows.rows).toEqual([{ n: 20 }]);
  });

  it('a failed request releases its key', async () => {
    expect((await post('k-4', { name: '' })).status).toBe(400);
    expect((await post('k-4', { name: 'fixed' })).status).toBe(202);
  });

  it('keys are per tenant', async () => {
    const other = await createTenant(t);
    await post('k-5', { name: 'a' }).expect(202);
    const res = await request(t.url).post('/v1/probe').set('Authorization', `Bearer ${other.editor}`).set('Idempotency-Key', 'k-5').send({ name: 'different' });
    expect(res.status).toBe(202);
    expect(res.body.tenant_id).toBe(other.id);
  });

  it('a required key that is missing → 400; a malformed key → validation error', async () => {
    const missing = await post(undefined, { name: 'a' }, '/api/probe/required-key');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('idempotency_key_required');
    const malformed = await post('x'.repeat(300), { name: 'a' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors['Idempotency-Key']).toBeDefined();
  });
});

describe('per-tenant rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => t?.close());

  it('the limit+1-th request is 429 with the headers, and other tenants are unaffected', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const hit = () => request(t.url).get(`/v1/probe/workspaces/${a.id}`).set('Authorization', `Bearer ${a.viewer}`);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await hit();
      expect(res.status).toBe(200);
      seen.push(res.headers['x-ratelimit-remaining']);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
    }
    expect(seen).toEqual(['2', '1', '0']);
    const refused = await hit();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);

    const other = await request(t.url).get(`/v1/probe/workspaces/${b.id}`).set('Authorization', `Bearer ${b.viewer}`);
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('a tenant override applies', async () => {
    const c = await createTenant(t);
    await t.db.query(`UPDATE tenants SET settings = '{"rate_limit_per_minute": 5}' WHERE id = $1`, [c.id]);
    const res = await request(t.url).get(`/v1/probe/workspaces/${c.id}`).set('Authorization', `Bearer ${c.viewer}`);
    expect(res.headers['x-ratelimit-limit']).toBe('5');
  });
});
