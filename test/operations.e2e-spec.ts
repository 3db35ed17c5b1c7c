import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { withAdmin } from './support/database';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
  });
  afterAll(async () => t?.close());

  it('serves Swagger UI and an OpenAPI document listing every security scheme', async () => {
    const ui = await request(t.url).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = await request(t.url).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.components.securitySchemes).sort()).toEqual(
      ['ApiKeyAuth', 'bearerAuth', 'oauth2', 'sesSignature', 'webhookClientId', 'webhookNonce', 'webhookSignature', 'webhookTimestamp'].sort(),
    );
    expect(doc.body.components.securitySchemes.sesSignature).toEqual({ type: 'apiKey', in: 'header', name: 'X-Amz-Sns-Signature' });
    expect(doc.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    // every operation that is not public names its security
    expect(doc.body.paths['/api/tenants'].post.security).toEqual([{ bearerAuth: [] }]);
  });

  it('/metrics needs the metrics token or an admin JWT', async () => {
    expect((await request(t.url).get('/metrics')).status).toBe(401);
    const tenant = await createTenant(t);
    expect((await request(t.url).get('/metrics').set('Authorization', `Bearer ${tenant.editor}`)).status).toBe(403);
    const res = await request(t.url).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/queue_jobs\{queue="maintenance",state="\w+"\}/);
    expect((await request(t.url).get('/metrics').set('Authorization', `Bearer ${adminToken()}`)).status).toBe(200);
  });

  it('Bull Board is for platform admins only', async () => {
    expect((await request(t.url).get('/admin/queues')).status).toBe(401);
    const tenant = await createTenant(t);
    expect((await request(t.url).get('/admin/queues').set('Authorization', `Bearer ${tenant.editor}`)).status).toBe(403);
    const ok = await request(t.url).get('/admin/queues').set('Authorization', `Bearer ${adminToken()}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/<html/i);
    const viaQuery = await request(t.url).get(`/admin/queues?token=${adminToken()}`);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers['set-cookie']?.[0]).toMatch(/HttpOnly/);
  });

  it('/health/ready is 503 when Redis is unreachable', async () => {
    const down = await createTestApp({ shareWith: t, env: { REDIS_URL: 'redis://127.0.0.1:1', APP_ROLE: 'api' } });
    try {
      const res = await request(down.url).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'service_unavailable', detail: 'Not ready: redis unreachable' });
      await request(down.url).get('/health/live').expect(200);
    } finally {
      await down.close();
    }
  });

  it('/health/ready is 503 when Postgres is unreachable', async () => {
    // A second instance whose database refuses connections (its pool is emptied first).
    const down = await createTestApp({ shareWith: t, env: { APP_ROLE: 'api' } });
    try {
      await withAdmin(async (c) => {
        await c.query(`ALTER DATABASE "${t.dbName}" WITH ALLOW_CONNECTIONS false`);
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [t.dbName]);
      });
      const res = await request(down.url).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.detail).toBe('Not ready: postgres unreachable');
    } finally {
      await withAdmin((c) => c.query(`ALTER DATABASE "${t.dbName}" WITH ALLOW_CONNECTIONS true`));
      await down.close().catch(() => undefined);
    }
    // the first instance recovers once Postgres accepts connections again
    await request(t.url).get('/health/ready').expect(200);
  });
});

describe('boot', () => {
  it('a bad variable stops the process with one line naming it', () => {
    const out = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'src', 'main.ts')], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://x@127.0.0.1/x', JWT_SECRET: 'x'.repeat(40), APP_ENCRYPTION_KEY: 'dG9vIHNob3J0' },
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.status).toBe(1);
    expect(out.stderr.trim()).toBe('Invalid environment variable APP_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  });
});
