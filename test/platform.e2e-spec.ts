import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestApp, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';

describe('platform basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('is live and ready', async () => {
    await request(t.url).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
    const healthz = await request(t.url).get('/v1/healthz').expect(200);
    expect(healthz.body).toEqual({ status: 'healthy', version: expect.any(String) });
  });

  it('creates a tenant', async () => {
    const tenant = await createTenant(t, 'Acme Inc.');
    const res = await request(t.url).get(`/api/tenants/${tenant.id}`).set('Authorization', `Bearer ${adminToken()}`).expect(200);
    expect(res.body).toMatchObject({ id: tenant.id, name: 'Acme Inc.', slug: 'acme-inc' });
    expect(res.headers['x-request-id']).toBeDefined();
  });
});

describe('tenant administration', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${adminToken()}` });
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('lists tenants for admins only, newest first, with an opaque cursor', async () => {
    const made = [await createTenant(t), await createTenant(t), await createTenant(t)];
    const first = await request(t.url).get('/api/tenants?limit=2').set(admin()).expect(200);
    expect(first.body.data.map((x: { id: string }) => x.id)).toEqual([made[2].id, made[1].id]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const next = await request(t.url).get(`/api/tenants?limit=2&cursor=${first.body.next_cursor}`).set(admin()).expect(200);
    expect(next.body.data[0].id).toBe(made[0].id);
    expect((await request(t.url).get('/api/tenants?cursor=nope').set(admin())).status).toBe(422);
    expect((await request(t.url).get('/api/tenants').set('Authorization', `Bearer ${made[0].editor}`)).status).toBe(403);
  });

  it('npm run token: --help, a slug resolves to the tenant, an unknown tenant is refused', async () => {
    const tenant = await createTenant(t);
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [require.resolve('ts-node/dist/bin'), '-T', join(__dirname, '../scripts/token.ts'), ...args], {
        env: { ...process.env, DATABASE_URL: t.env.DATABASE_URL, JWT_SECRET: TEST_JWT_SECRET, APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY },
      });
    expect((await run('--help')).stdout).toContain('--tenant <id or slug>');
    const token = (await run('--tenant', tenant.slug, '--role', 'viewer')).stdout.trim();
    await request(t.url).get('/api/send-jobs').set('Authorization', `Bearer ${token}`).expect(200);
    await expect(run('--tenant', 'no-such-tenant')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No tenant "no-such-tenant"') });
  });

  it('patches settings and keeps unknown keys out', async () => {
    const tenant = await createTenant(t);
    const res = await request(t.url).patch(`/api/tenants/${tenant.id}`).set(admin()).send({ send_rate_per_second: 50, from_address: 'news@acme.example', bogus: 1 });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ send_rate_per_second: 50, from_address: 'news@acme.example' });
    const bad = await request(t.url).patch(`/api/tenants/${tenant.id}`).set(admin()).send({ send_rate_per_second: -1 });
    expect(bad.status).toBe(422);
  });

  it('Member Center clients: secret shown once, sealed at rest, rotation keeps two valid secrets', async () => {
    const tenant = await createTenant(t);
    const created = await request(t.url).post(`/api/tenants/${tenant.id}/member-center-clients`).set(admin()).send({ client_id: 'mc-test-1' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ client_id: 'mc-test-1', secret: expect.stringMatching(/^mcs_/), tenant_ids: [tenant.id] });
    const dup = await request(t.url).post(`/api/tenants/${tenant.id}/member-center-clients`).set(admin()).send({ client_id: 'mc-test-1' });
    expect(dup.status).toBe(409);

    const stored = await t.db.query('SELECT secret_sealed, expires_at FROM member_center_secrets WHERE client_id = $1', ['mc-test-1']);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].secret_sealed).not.toContain(created.body.secret);

    const rotated = await request(t.url).post(`/api/tenants/${tenant.id}/member-center-clients/mc-test-1/rotate`).set(admin());
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const after = await t.db.query('SELECT expires_at FROM member_center_secrets WHERE client_id = $1 ORDER BY created_at', ['mc-test-1']);
    expect(after.rows[0].expires_at.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(after.rows[1].expires_at).toBeNull();

    const other = await createTenant(t);
    const patched = await request(t.url).patch(`/api/tenants/${tenant.id}/member-center-clients/mc-test-1`).set(admin()).send({ enabled: false, tenant_ids: [tenant.id, other.id] });
    expect(patched.body).toEqual({ client_id: 'mc-test-1', enabled: false, tenant_ids: [tenant.id, other.id] });
    const unknownTenant = await request(t.url).patch(`/api/tenants/${tenant.id}/member-center-clients/mc-test-1`).set(admin()).send({ tenant_ids: ['0190f0e2-1111-7000-8000-000000000009'] });
    expect(unknownTenant.status).toBe(422);
    // a client is managed only under a tenant it is bound to
    const stranger = await createTenant(t);
    expect((await request(t.url).post(`/api/tenants/${stranger.id}/member-center-clients/mc-test-1/rotate`).set(admin())).status).toBe(404);
  });

  it('callback secret is a whsec_ secret, sealed at rest', async () => {
    const tenant = await createTenant(t);
    const res = await request(t.url).post(`/api/tenants/${tenant.id}/callback-secret`).set(admin());
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const row = await t.db.query('SELECT callback_secret_sealed FROM tenants WHERE id = $1', [tenant.id]);
    expect(row.rows[0].callback_secret_sealed).toMatch(/^v1\./);
  });
});
