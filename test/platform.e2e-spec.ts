import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
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
