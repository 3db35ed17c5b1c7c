import request from 'supertest';
import { signToken } from '../src/common/auth/token-issuer';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './support/app';
import { createTenant, tokenFor } from './support/auth';
import { ProbeModule } from './support/probe.module';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('authentication and authorisation', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenant>>;
  let b: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { JWT_ISSUER: 'https://idp.test' } });
    a = await createTenant(t, 'Tenant A');
    b = await createTenant(t, 'Tenant B');
  });
  afterAll(async () => t?.close());

  const jwt = (opts: Parameters<typeof tokenFor>[0]) => tokenFor({ issuer: 'https://idp.test', ...opts });
  const adminToken = () => jwt({ roles: ['admin'], subject: 'platform-admin' });
  const expectProblem = (res: request.Response, status: number, error: string, reason?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, error, ...(reason ? { reason } : {}) });
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  };

  describe('JWT', () => {
    it('accepts a valid editor token', async () => {
      const res = await request(t.url).post('/api/probe').set(bearer(jwt({ tenantId: a.id }))).send({ name: 'x' });
      expect(res.status).toBe(200);
      expect(res.body.tenant_id).toBe(a.id);
    });

    it.each([
      ['no token', undefined, 'missing_token'],
      ['a malformed token', 'not.a.jwt', 'invalid_token'],
      ['a bad signature', signToken('another-secret-0123456789-0123456789-xyz', { subject: 's', tenantId: null, roles: ['editor'], ttlSeconds: 60 }, { issuer: 'https://idp.test' }), 'invalid_token'],
      ['an expired token', null, 'token_expired'],
      ['a wrong issuer', null, 'invalid_issuer'],
    ])('401 for %s', async (_name, given, reason) => {
      let token = given as string | undefined | null;
      if (reason === 'token_expired') token = jwt({ tenantId: a.id, ttlSeconds: -10 });
      if (reason === 'invalid_issuer') token = tokenFor({ tenantId: a.id, issuer: 'https://evil.test' });
      const req = request(t.url).post('/api/probe').send({ name: 'x' });
      const res = await (token ? req.set(bearer(token)) : req);
      expectProblem(res, 401, 'unauthorized', reason);
    });

    it('401 for claims that are not ours (unknown role)', async () => {
      const token = signToken(TEST_JWT_SECRET, { subject: 's', tenantId: a.id, roles: ['owner' as never], ttlSeconds: 60 }, { issuer: 'https://idp.test' });
      expectProblem(await request(t.url).post('/api/probe').set(bearer(token)).send({ name: 'x' }), 401, 'unauthorized');
    });

    it('403 when the role is too low', async () => {
      const res = await request(t.url).post('/api/probe').set(bearer(jwt({ tenantId: a.id, roles: ['viewer'] }))).send({ name: 'x' });
      expectProblem(res, 403, 'forbidden', 'insufficient_role');
    });

    it('403 when the body names another tenant', async () => {
      const res = await request(t.url).post('/api/probe').set(bearer(jwt({ tenantId: a.id }))).send({ name: 'x', tenant_id: b.id });
      expectProblem(res, 403, 'forbidden', 'tenant_mismatch');
    });

    it('admin routes refuse tenant editors (403) and serve platform admins', async () => {
      expectProblem(await request(t.url).get(`/api/tenants/${a.id}`).set(bearer(jwt({ tenantId: a.id }))), 403, 'forbidden');
      await request(t.url).get(`/api/tenants/${a.id}`).set(bearer(jwt({ roles: ['admin'] }))).expect(200);
    });

    it('404 for another tenant\'s resource, same as an unknown one', async () => {
      const own = await request(t.url).get(`/v1/probe/workspaces/${a.id}`).set(bearer(jwt({ tenantId: a.id, roles: ['viewer'] })));
      expect(own.status).toBe(200);
      const foreign = await request(t.url).get(`/v1/probe/workspaces/${b.id}`).set(bearer(jwt({ tenantId: a.id, roles: ['viewer'] })));
      expectProblem(foreign, 404, 'not_found');
    });

    it('a platform admin acts in a tenant named by X-Tenant-Id', async () => {
      const res = await request(t.url).post('/api/probe').set(bearer(adminToken())).set('X-Tenant-Id', b.id).send({ name: 'x' });
      expect(res.status).toBe(200);
      expect(res.body.tenant_id).toBe(b.id);
      expectProblem(await request(t.url).post('/api/probe').set(bearer(adminToken())).send({ name: 'x' }), 403, 'forbidden', 'tenant_required');
    });
  });

  describe('API keys', () => {
    let key: string;
    let keyId: string;

    beforeAll(async () => {
      const res = await request(t.url).post(`/api/tenants/${a.id}/api-keys`).set(bearer(adminToken())).send({ environment: 'live', name: 'ci' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), key: expect.stringMatching(/^whk_live_/), prefix: res.body.key.slice(0, 15), environment: 'live', created_at: expect.any(String) });
      key = res.body.key;
      keyId = res.body.id;
    });

    it('is stored only as a hash', async () => {
      const rows = await t.db.query('SELECT key_hash, prefix FROM api_keys WHERE id = $1', [keyId]);
      expect(rows.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows.rows)).not.toContain(key);
    });

    it('works on /v1 routes and resolves to its tenant', async () => {
      const res = await request(t.url).post('/v1/probe').set(bearer(key)).send({ name: 'x' });
      expect(res.status).toBe(202);
      expect(res.body.tenant_id).toBe(a.id);
      expectProblem(await request(t.url).get(`/v1/probe/workspaces/${b.id}`).set(bearer(key)), 404, 'not_found');
    });

    it('is refused on routes that take only JWTs', async () => {
      expectProblem(await request(t.url).post('/api/probe').set(bearer(key)).send({ name: 'x' }), 401, 'unauthorized', 'api_key_not_accepted');
    });

    it.each([['an unknown key', 'whk_live_' + 'x'.repeat(40)], ['a malformed key', 'whk_live_short']])('401 for %s', async (_n, k) => {
      expectProblem(await request(t.url).post('/v1/probe').set(bearer(k)).send({ name: 'x' }), 401, 'unauthorized', 'invalid_api_key');
    });

    it('stops working once revoked, at once in every process (resolved keys are cached)', async () => {
      const other = await createTestApp({ shareWith: t, env: { APP_ROLE: 'api' }, imports: [ProbeModule] });
      try {
        // Both processes have resolved (and cached) the key before the revoke.
        for (const app of [t, other]) expect((await request(app.url).post('/v1/probe').set(bearer(key)).send({ name: 'x' })).status).toBe(202);
        await request(t.url).delete(`/api/tenants/${a.id}/api-keys/${keyId}`).set(bearer(adminToken())).expect(204);
        expectProblem(await request(t.url).post('/v1/probe').set(bearer(key)).send({ name: 'x' }), 401, 'unauthorized', 'invalid_api_key');
        // The other process hears the revoke through Redis pub/sub (delivery is asynchronous: allow it a moment).
        let status = 0;
        for (let i = 0; i < 50 && status !== 401; i++) {
          status = (await request(other.url).post('/v1/probe').set(bearer(key)).send({ name: 'x' })).status;
          if (status !== 401) await new Promise((r) => setTimeout(r, 20));
        }
        expect(status).toBe(401);
      } finally {
        await other.close();
      }
      expectProblem(await request(t.url).delete(`/api/tenants/${b.id}/api-keys/${keyId}`).set(bearer(adminToken())), 404, 'not_found');
    });
  });

  describe('OAuth client credentials', () => {
    let client: { client_id: string; client_secret: string; scopes: string[] };

    beforeAll(async () => {
      const res = await request(t.url).post(`/api/tenants/${b.id}/oauth-clients`).set(bearer(adminToken())).send({ scopes: ['webhooks:read', 'webhooks:write'] });
      expect(res.status).toBe(201);
      client = res.body;
    });

    it('issues a token with HTTP Basic that works as an editor of the client\'s tenant', async () => {
      const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
      const res = await request(t.url).post('/oauth/token').set('Authorization', `Basic ${basic}`).type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'webhooks:read webhooks:write' });
      const used = await request(t.url).post('/api/probe').set(bearer(res.body.access_token)).send({ name: 'x' });
      expect(used.status).toBe(200);
      expect(used.body.tenant_id).toBe(b.id);
    });

    it('accepts credentials in the form body and narrows scopes (read-only → viewer)', async () => {
      const res = await request(t.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'webhooks:read' });
      expect(res.status).toBe(200);
      expectProblem(await request(t.url).post('/api/probe').set(bearer(res.body.access_token)).send({ name: 'x' }), 403, 'forbidden');
    });

    it.each([
      [{ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'nope' }, 401, 'invalid_client'],
      [{ grant_type: 'password' }, 400, 'unsupported_grant_type'],
      [{}, 400, 'invalid_request'],
    ])('refuses %j', async (body, status, error) => {
      expectProblem(await request(t.url).post('/oauth/token').type('form').send(body), status, error);
    });

    it('refuses a wrong secret and a scope the client lacks', async () => {
      expectProblem(await request(t.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'wrong' }), 401, 'invalid_client');
      expectProblem(await request(t.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'admin:write' }), 400, 'invalid_scope');
    });
  });
});
