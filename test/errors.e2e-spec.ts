import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { ProbeModule } from './support/probe.module';

describe('problem responses', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    tenant = await createTenant(t);
  });
  afterAll(async () => t?.close());

  const problem = (res: request.Response, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({
        type: `urn:send-engine:problem:${error}`,
        title: expect.any(String),
        status,
        detail: expect.any(String),
        instance: expect.stringMatching(/^\//),
        error,
        message: res.body.detail,
        request_id: res.headers['x-request-id'],
      }),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|QueryFailedError|node_modules/);
  };

  it('422 with per-field errors on an /api route', async () => {
    const res = await request(t.url).post('/api/probe').set('Authorization', `Bearer ${tenant.editor}`).send({ name: '', count: 99, inner: { email: 'nope' } });
    problem(res, 422, 'validation_failed');
    expect(res.body.errors).toEqual({
      name: [expect.stringContaining('name')],
      count: [expect.stringContaining('count')],
      'inner.email': [expect.stringContaining('email')],
    });
    expect(res.body.validations).toEqual({ name: expect.any(String), count: expect.any(String), 'inner.email': expect.any(String) });
  });

  it('400 with per-field errors on a /v1 route', async () => {
    const res = await request(t.url).post('/v1/probe').set('Authorization', `Bearer ${tenant.editor}`).send({ count: 'x' });
    problem(res, 400, 'validation_failed');
    expect(Object.keys(res.body.errors).sort()).toEqual(['count', 'name']);
  });

  it('422 on admin routes too (the /api dialect)', async () => {
    const res = await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${adminToken()}`).send({ name: 'x', slug: 'Not A Slug' });
    problem(res, 422, 'validation_failed');
    expect(res.body.errors.slug).toBeDefined();
  });

  it('keeps X-Request-Id when the caller sends a well-formed one', async () => {
    const res = await request(t.url).get('/nope').set('X-Request-Id', 'req-123.abc');
    expect(res.headers['x-request-id']).toBe('req-123.abc');
    expect(res.body.request_id).toBe('req-123.abc');
    const weird = await request(t.url).get('/nope').set('X-Request-Id', 'bad id with spaces');
    expect(weird.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('no 500 for malformed input', () => {
    const auth = () => ({ Authorization: `Bearer ${tenant.editor}` });

    it('malformed JSON → 400', async () => {
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/json').send('{"name": '), 400, 'malformed_json');
    });

    it('empty JSON body → 400', async () => {
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/json').send(''), 400, 'malformed_json');
    });

    it('prototype pollution attempt → 400, not processed', async () => {
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/json').send('{"name":"x","__proto__":{"admin":true}}'), 400, 'malformed_json');
    });

    it('wrong content type → 415', async () => {
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/xml').send('<a/>'), 415, 'unsupported_media_type');
    });

    it('text/plain carrying JSON parses (SNS posts JSON as text/plain)', async () => {
      const res = await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'text/plain').send('{"name":"sns"}');
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('sns');
    });

    it('body over the route limit → 413', async () => {
      problem(await request(t.url).post('/v1/probe').set(auth()).send({ name: 'x'.repeat(2000) }), 413, 'payload_too_large');
    });

    it('body over the server ceiling → 413', async () => {
      const huge = JSON.stringify({ name: 'x'.repeat(9 * 1024 * 1024) });
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/json').send(huge), 413, 'payload_too_large');
    });

    it('unknown route → 404', async () => {
      problem(await request(t.url).get('/api/definitely-not-here'), 404, 'not_found');
    });

    it('malformed path id → 404 (same as unknown id)', async () => {
      problem(await request(t.url).get('/api/tenants/not-a-uuid').set('Authorization', `Bearer ${adminToken()}`), 404, 'not_found');
      problem(await request(t.url).get('/api/tenants/0190f0e2-1111-7000-8000-000000000001').set('Authorization', `Bearer ${adminToken()}`), 404, 'not_found');
    });

    it('malformed percent-encoding in the URL → 400', async () => {
      const res = await request(t.url).get('/api/tenants/%E0%A4%A');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, error: 'bad_request', request_id: res.headers['x-request-id'] });
    });

    it.each(['null', '"str"', '[1]', 'true', '{"name":{"$gt":1}}'])('a JSON body that is not the object expected (%s) → 422', async (body) => {
      const res = await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'application/json').send(body);
      problem(res, 422, 'validation_failed');
      expect(res.body.errors.name).toBeDefined();
    });

    it('text/plain that is not JSON → 400', async () => {
      problem(await request(t.url).post('/api/probe').set(auth()).set('Content-Type', 'text/plain').send('hello'), 400, 'malformed_json');
    });

    it('wrong method → 405 with Allow', async () => {
      const res = await request(t.url).delete('/api/tenants');
      problem(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe('GET, POST');
    });

    it('a duplicate slug → 409, not a database error', async () => {
      const body = { name: 'Dup', slug: 'dup-slug' };
      await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${adminToken()}`).send(body).expect(201);
      problem(await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${adminToken()}`).send(body), 409, 'conflict');
    });
  });
});
