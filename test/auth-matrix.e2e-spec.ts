import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { signToken } from '../src/common/auth/token-issuer';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './support/app';
import { adminTokenFor, apiKeyFor, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';
import { flatSignature } from './support/sns';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'send-engine';
const SES_SECRET = 'auth-matrix-ses-secret-0123456789';
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Every way a credential can be wrong, each refused with the reason the README documents. */
describe('auth matrix', () => {
  let t: TestApp;
  let tenantId: string;
  let mc: MemberCenterClient;

  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, SES_EVENTS_HMAC_SECRET: SES_SECRET } });
    tenantId = (await createTenant(t)).id;
    mc = await MemberCenterClient.create(t, tenantId);
  });
  afterAll(async () => t?.close());

  /** Valid claims with `over` applied (an `undefined` removes the claim). */
  const claims = (over: object = {}) =>
    Object.fromEntries(Object.entries({ sub: 'u', tenant_id: tenantId, roles: ['editor'], iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, ...over }).filter(([, v]) => v !== undefined));
  const hs = (payload: object, secret = TEST_JWT_SECRET) => sign(payload, secret, { algorithm: 'HS256' });
  const event = () => ({
    event_id: randomUUID(), event_type: 'subscription.activated', tenant_id: tenantId, list_id: randomUUID(),
    subscriber: { id: randomUUID(), email: 'auth@example.com', status: 'active' }, occurred_at: new Date().toISOString(),
  });

  const JWT_ROWS: [string, string, () => string | null][] = [
    ['no token', 'missing_token', () => null],
    ['alg none', 'invalid_token', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['alg none with a signature part', 'invalid_token', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.${b64({})}`],
    ['HS512 instead of HS256', 'invalid_token', () => sign(claims(), TEST_JWT_SECRET, { algorithm: 'HS512' })],
    ['a wrong key', 'invalid_token', () => hs(claims(), 'another-secret-0123456789-0123456789-xyz')],
    ['an expired token', 'token_expired', () => hs(claims({ iat: now() - 700, exp: now() - 100 }))],
    ['a not-yet-valid token', 'token_not_yet_valid', () => hs(claims({ nbf: now() + 300 }))],
    ['a wrong issuer', 'invalid_issuer', () => hs(claims({ iss: 'https://evil.test' }))],
    ['no issuer', 'invalid_issuer', () => hs(claims({ iss: undefined }))],
    ['a wrong audience', 'invalid_audience', () => hs(claims({ aud: 'someone-else' }))],
    ['no exp', 'missing_exp', () => hs(claims({ exp: undefined }))],
    ['a lifetime beyond 24 h', 'lifetime_too_long', () => hs(claims({ exp: now() + 2 * 86400 }))],
    ['claims that are not ours (unknown role)', 'invalid_claims', () => hs(claims({ roles: ['owner'] }))],
    ['a malformed token', 'invalid_token', () => 'not.a.jwt'],
  ];

  it.each(JWT_ROWS)('JWT: %s → 401 %s', async (_n, reason, token) => {
    const value = token();
    const req = request(t.url).get('/api/lists');
    const res = await (value === null ? req : req.set('Authorization', `Bearer ${value}`));
    expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('JWT: the same claims, correctly signed, are accepted (the rows above fail for their one defect)', async () => {
    await request(t.url).get('/api/lists').set('Authorization', `Bearer ${hs(claims())}`).expect(200);
    const minted = signToken(TEST_JWT_SECRET, { subject: 'u', tenantId, roles: ['editor'], ttlSeconds: 600 }, { issuer: ISSUER, audience: AUDIENCE });
    await request(t.url).get('/api/lists').set('Authorization', `Bearer ${minted}`).expect(200);
  });

  it('Bull Board refuses the same bad tokens in ?token=', async () => {
    for (const [, , token] of JWT_ROWS.filter(([, r]) => r !== 'missing_token')) {
      const res = await request(t.url).get(`/admin/queues?token=${encodeURIComponent(token() as string)}`);
      expect(res.status).toBe(401);
    }
  });

  it('API key: revoked, it is refused by every process at once (three api processes with warm caches)', async () => {
    const key = await apiKeyFor(t, tenantId);
    const others = [await createTestApp({ shareWith: t, env: { APP_ROLE: 'api' } }), await createTestApp({ shareWith: t, env: { APP_ROLE: 'api' } })];
    try {
      const all = [t, ...others];
      for (const app of all) await request(app.url).get('/v1/subscriptions').set('Authorization', `Bearer ${key}`).expect(200);
      const id = (await t.db.query<{ id: string }>('SELECT id FROM api_keys WHERE prefix = $1', [key.slice(0, 15)])).rows[0].id;
      await request(t.url).delete(`/api/tenants/${tenantId}/api-keys/${id}`).set('Authorization', `Bearer ${adminTokenFor(t)}`).expect(204);
      const statuses = await Promise.all(
        all.map(async (app) => {
          // pub/sub is asynchronous: each process must refuse within a moment, not after the 10 s cache TTL
          for (let i = 0; i < 100; i++) {
            const res = await request(app.url).get('/v1/subscriptions').set('Authorization', `Bearer ${key}`);
            if (res.status === 401) return res.body.reason as string;
            await new Promise((r) => setTimeout(r, 20));
          }
          return 'still accepted after 2 s';
        }),
      );
      expect(statuses).toEqual(['invalid_api_key', 'invalid_api_key', 'invalid_api_key']);
    } finally {
      for (const o of others) await o.close();
    }
  });

  describe('Member Center HMAC', () => {
    const MC_ROWS: [string, string, () => request.Test, number][] = [
      ['a stale timestamp', 'stale_timestamp', () => mc.post('/webhooks/subscriptions', event(), { timestamp: String(now() - 301) }), 401],
      ['a future timestamp', 'stale_timestamp', () => mc.post('/webhooks/subscriptions', event(), { timestamp: String(now() + 301) }), 401],
      ['a millisecond timestamp', 'bad_timestamp', () => mc.post('/webhooks/subscriptions', event(), { timestamp: String(Date.now()) }), 401],
      ['the signature of another body', 'bad_signature', () => mc.post('/webhooks/subscriptions', event(), { signedBody: JSON.stringify(event()) }), 401],
      ['a wrong secret', 'bad_signature', () => mc.post('/webhooks/subscriptions', event(), { secret: 'not-the-secret' }), 401],
      ['an unknown client', 'unknown_client', () => mc.post('/webhooks/subscriptions', event(), { clientId: 'nobody-here' }), 401],
      ['no signature header', 'missing_header', () => mc.post('/webhooks/subscriptions', event(), { omit: ['x-signature'] }), 401],
      ['no nonce', 'missing_header', () => mc.post('/webhooks/lists/full-sync', {}, { omit: ['x-nonce'] }), 401],
    ];

    it.each(MC_ROWS)('%s → %s', async (_n, reason, send, status) => {
      const res = await send();
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status, reason });
    });

    it('a replay is refused sequentially (replayed_nonce), and of a parallel pair exactly one is accepted', async () => {
      const body = JSON.stringify(event());
      const headers = mc.headers(body);
      const first = await request(t.url).post('/webhooks/subscriptions').set(headers).send(body);
      expect(first.status).toBe(200);
      const replay = await request(t.url).post('/webhooks/subscriptions').set(headers).send(body);
      expect({ status: replay.status, reason: replay.body.reason }).toEqual({ status: 401, reason: 'replayed_nonce' });

      for (let i = 0; i < 10; i++) {
        const b = JSON.stringify(event());
        const h = mc.headers(b);
        const pair = await Promise.all([0, 1].map(() => request(t.url).post('/webhooks/subscriptions').set(h).send(b)));
        expect(pair.map((r) => r.status).sort()).toEqual([200, 401]);
        expect(pair.find((r) => r.status === 401)?.body.reason).toBe('replayed_nonce');
      }
    });
  });

  describe('SES flat form', () => {
    const flat = () => JSON.stringify({ event_type: 'delivery', message_id: `ses-${randomUUID()}`, tenant_id: tenantId, email: 'a@example.com', occurred_at: new Date().toISOString() });
    const post = (body: string, signature?: string) => {
      const req = request(t.url).post('/webhooks/ses').set('content-type', 'application/json');
      return (signature ? req.set('x-amz-sns-signature', signature) : req).send(body);
    };

    it.each([
      ['a wrong HMAC', 'bad_signature', (b: string) => flatSignature(b, 'another-secret-0123456789')],
      ['the HMAC of another body', 'bad_signature', () => flatSignature(flat(), SES_SECRET)],
      ['a malformed signature', 'bad_signature', () => 'sha256=zz'],
      ['no signature', 'missing_signature', () => undefined],
    ] as [string, string, (b: string) => string | undefined][])('%s → 401 %s', async (_n, reason, signature) => {
      const body = flat();
      const res = await post(body, signature(body));
      expect({ status: res.status, reason: res.body.reason }).toEqual({ status: 401, reason });
    });

    it('the correct HMAC is accepted', async () => {
      const body = flat();
      await post(body, flatSignature(body, SES_SECRET)).expect(200);
    });
  });
});
