import { randomUUID } from 'node:crypto';
import { get as httpGet, IncomingMessage } from 'node:http';
import request from 'supertest';
import { eventually, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { adminToken, apiKeyFor, createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';
import { flatSignature } from './support/sns';

const SES_SECRET = 'isolation-ses-secret-0123456789';

/** Tenant A's resources, each of a kind the engine stores. */
interface Fixtures {
  tenantA: string;
  tenantB: string;
  list: string;
  subscriber: string;
  email: string;
  sync: string;
  job: string;
  subscription: string;
  event: string;
  delivery: string;
  deadDelivery: string;
  apiKeyId: string;
  mcClient: string;
}

type Credential = 'jwt' | 'oauth' | 'apiKey' | 'admin';

/**
 * One row per (resource kind, verb): A's resource addressed with B's credentials (`admin` rows: a platform admin
 * addressing A's credential through B's tenant path). Dialect routes join as rows when they land.
 */
interface Row {
  kind: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (f: Fixtures) => string;
  body?: (f: Fixtures) => object;
  via: Credential[];
  /** 404 unless the route documents another answer (a body naming another tenant is 403, a foreign list 422). */
  status?: number;
}

const V1: Credential[] = ['apiKey', 'jwt', 'oauth'];
const API: Credential[] = ['jwt', 'oauth'];

const ROWS: Row[] = [
  { kind: 'list members', method: 'GET', path: (f) => `/api/lists/${f.list}/members`, via: API },
  { kind: 'full syncs', method: 'GET', path: (f) => `/api/lists/${f.list}/syncs/${f.sync}`, via: API },
  { kind: 'subscribers', method: 'GET', path: (f) => `/api/subscribers/${f.subscriber}`, via: API },
  { kind: 'suppressions', method: 'DELETE', path: (f) => `/api/suppressions/${encodeURIComponent(f.email)}`, via: API },
  { kind: 'send jobs', method: 'GET', path: (f) => `/api/send-jobs/${f.job}`, via: API },
  { kind: 'send job messages', method: 'GET', path: (f) => `/api/send-jobs/${f.job}/messages`, via: API },
  { kind: 'send jobs', method: 'POST', path: (f) => `/api/send-jobs/${f.job}/cancel`, via: API },
  { kind: 'send job messages', method: 'POST', path: (f) => `/api/send-jobs/${f.job}/resend-unknown`, via: API },
  { kind: 'send jobs (create on a foreign list)', method: 'POST', path: () => '/api/send-jobs', body: (f) => ({ list_id: f.list, subject: 'x', body_text: 'x' }), via: API, status: 422 },
  { kind: 'send jobs (create naming tenant A)', method: 'POST', path: () => '/api/send-jobs', body: (f) => ({ tenant_id: f.tenantA, list_id: f.list, subject: 'x', body_text: 'x' }), via: API, status: 403 },
  { kind: 'webhook subscriptions', method: 'GET', path: (f) => `/v1/subscriptions/${f.subscription}`, via: V1 },
  { kind: 'webhook subscriptions', method: 'PATCH', path: (f) => `/v1/subscriptions/${f.subscription}`, body: () => ({ name: 'taken over' }), via: V1 },
  { kind: 'webhook subscriptions', method: 'DELETE', path: (f) => `/v1/subscriptions/${f.subscription}`, via: V1 },
  { kind: 'webhook subscriptions', method: 'POST', path: (f) => `/v1/subscriptions/${f.subscription}/pause`, via: V1 },
  { kind: 'webhook subscriptions', method: 'POST', path: (f) => `/v1/subscriptions/${f.subscription}/resume`, via: V1 },
  { kind: 'webhook subscriptions', method: 'POST', path: (f) => `/v1/subscriptions/${f.subscription}/rotate-secret`, via: V1 },
  { kind: 'events', method: 'GET', path: (f) => `/v1/events/${f.event}`, via: V1 },
  { kind: 'deliveries', method: 'GET', path: (f) => `/v1/deliveries/${f.delivery}`, via: V1 },
  { kind: 'deliveries', method: 'POST', path: (f) => `/v1/deliveries/${f.deadDelivery}/retry`, via: V1 },
  { kind: 'dead letters', method: 'POST', path: (f) => `/v1/dead-letters/${f.deadDelivery}/replay`, via: V1 },
  { kind: 'API keys', method: 'DELETE', path: (f) => `/api/tenants/${f.tenantB}/api-keys/${f.apiKeyId}`, via: ['admin'] },
  { kind: 'Member Center clients', method: 'PATCH', path: (f) => `/api/tenants/${f.tenantB}/member-center-clients/${f.mcClient}`, body: () => ({ enabled: false }), via: ['admin'] },
  { kind: 'Member Center clients', method: 'POST', path: (f) => `/api/tenants/${f.tenantB}/member-center-clients/${f.mcClient}/rotate`, via: ['admin'] },
];

/** List and filter reads of B: 200, and not one of A's ids in the answer. */
const LISTS: { kind: string; path: (f: Fixtures) => string; via: Credential[] }[] = [
  { kind: 'lists', path: () => '/api/lists', via: API },
  { kind: 'suppressions', path: () => '/api/suppressions', via: API },
  { kind: 'send jobs', path: () => '/api/send-jobs', via: API },
  { kind: 'SES events', path: (f) => `/api/ses-events?email=${encodeURIComponent(f.email)}`, via: API },
  { kind: 'SES events', path: () => '/api/ses-events', via: API },
  { kind: 'webhook subscriptions', path: () => '/v1/subscriptions', via: V1 },
  { kind: 'events', path: () => '/v1/events', via: V1 },
  { kind: 'deliveries', path: (f) => `/v1/deliveries?event_id=${f.event}`, via: V1 },
  { kind: 'deliveries', path: (f) => `/v1/deliveries?subscription_id=${f.subscription}`, via: V1 },
  { kind: 'dead letters', path: (f) => `/v1/dead-letters?subscription_id=${f.subscription}`, via: V1 },
  { kind: 'dead letters', path: () => '/v1/dead-letters', via: V1 },
];

/** Every row of tenant A the engine stores, to prove a refused request changed nothing. */
const SNAPSHOT_TABLES = [
  'api_keys', 'full_syncs', 'inbound_events', 'list_memberships', 'lists', 'oauth_clients', 'send_job_messages', 'send_jobs',
  'ses_events', 'subscribers', 'suppressions', 'webhook_deliveries', 'webhook_events', 'webhook_subscriptions',
];

describe('tenant isolation matrix', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let f: Fixtures;
  let creds: Record<Credential, string>;
  let aKey: string;

  async function snapshot(): Promise<string> {
    const parts: unknown[] = [];
    for (const table of SNAPSHOT_TABLES) {
      parts.push((await t.db.query(`SELECT to_jsonb(x) AS r FROM ${table} x WHERE tenant_id = $1 ORDER BY to_jsonb(x)::text`, [f.tenantA])).rows);
    }
    parts.push((await t.db.query(`SELECT to_jsonb(a) AS r FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = $1 ORDER BY a.id`, [f.tenantA])).rows);
    parts.push((await t.db.query(`SELECT to_jsonb(c) AS r FROM member_center_clients c WHERE $1 = ANY(tenant_ids) ORDER BY client_id`, [f.tenantA])).rows);
    parts.push((await t.db.query(`SELECT to_jsonb(s) AS r FROM member_center_secrets s ORDER BY to_jsonb(s)::text`)).rows);
    return JSON.stringify(parts);
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { SES_EVENTS_HMAC_SECRET: SES_SECRET, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1' } });
    receiver = await WebhookReceiver.start();
    const a = await createTenant(t, 'Tenant A');
    const b = await createTenant(t, 'Tenant B');
    aKey = await apiKeyFor(t, a.id);
    const admin = { Authorization: `Bearer ${adminToken()}` };
    const aAuth = { Authorization: `Bearer ${aKey}` };

    // A's resources, made through the API as A's callers make them.
    const mc = await MemberCenterClient.create(t, a.id);
    const list = randomUUID();
    const subscriber = randomUUID();
    const email = `iso-${subscriber.slice(0, 8)}@example.com`;
    const occurred = new Date().toISOString();
    const ev = { event_id: randomUUID(), event_type: 'subscription.activated', tenant_id: a.id, list_id: list, subscriber: { id: subscriber, email, status: 'active' }, occurred_at: occurred };
    expect((await mc.post('/webhooks/subscriptions', ev)).status).toBe(200);
    const sync = randomUUID();
    const batch = { sync_id: sync, batch_no: 1, batch_total: 2, tenant_id: a.id, list_id: list, subscribers: [{ id: subscriber, email, status: 'active' }], occurred_at: occurred };
    expect((await mc.post('/webhooks/lists/full-sync', batch)).status).toBeLessThan(300);
    const bounce = JSON.stringify({ event_type: 'bounce', bounce_type: 'hard', message_id: `ses-${randomUUID()}`, tenant_id: a.id, email, occurred_at: occurred });
    await request(t.url).post('/webhooks/ses').set({ 'content-type': 'application/json', 'x-amz-sns-signature': flatSignature(bounce, SES_SECRET) }).send(bounce).expect(200);
    const job = await request(t.url).post('/api/send-jobs').set({ Authorization: `Bearer ${a.editor}` }).send({ list_id: list, subject: 'A only', body_text: 'x', scheduled_at: '2099-01-01T00:00:00Z' }).expect(200);
    const sub = await request(t.url).post('/v1/subscriptions').set(aAuth).send({ url: `http://127.0.0.1:${receiver.port}/a`, event_filter: 'iso.ok' }).expect(201);
    await request(t.url).post('/v1/subscriptions').set(aAuth).send({ url: 'http://127.0.0.1:1/refused', event_filter: 'iso.dead' }).expect(201);
    const event = await request(t.url).post('/v1/events').set(aAuth).send({ type: 'iso.ok', payload: { secret_of: 'A' } }).expect(202);
    const deadEvent = await request(t.url).post('/v1/events').set(aAuth).send({ type: 'iso.dead', payload: {} }).expect(202);
    const delivery = await eventually(async () => {
      const r = await request(t.url).get(`/v1/deliveries?event_id=${event.body.id}`).set(aAuth);
      return r.body.data[0]?.status === 'success' ? r.body.data[0].id as string : null;
    }, 20_000, 'A delivery to succeed');
    const deadDelivery = await eventually(async () => {
      const r = await request(t.url).get(`/v1/deliveries?event_id=${deadEvent.body.id}`).set(aAuth);
      return r.body.data[0]?.status === 'dead' ? r.body.data[0].id as string : null;
    }, 30_000, 'A delivery to be dead');
    const keyRow = await t.db.query<{ id: string }>('SELECT id FROM api_keys WHERE tenant_id = $1', [a.id]);

    // B's credentials of every kind.
    const bKey = await apiKeyFor(t, b.id);
    const oc = await request(t.url).post(`/api/tenants/${b.id}/oauth-clients`).set(admin).send({ scopes: ['webhooks:read', 'webhooks:write'] }).expect(201);
    const token = await request(t.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: oc.body.client_id, client_secret: oc.body.client_secret }).expect(200);
    creds = { jwt: b.editor, oauth: token.body.access_token, apiKey: bKey, admin: adminToken() };
    f = {
      tenantA: a.id, tenantB: b.id, list, subscriber, email, sync, job: job.body.send_job_id, subscription: sub.body.id, event: event.body.id,
      delivery, deadDelivery, apiKeyId: keyRow.rows[0].id, mcClient: mc.clientId,
    };
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const cases = ROWS.flatMap((row) => row.via.map((via) => [`${row.method} ${row.kind} via ${via}`, row, via] as const));
  const listCases = LISTS.flatMap((row) => row.via.map((via) => [`${row.kind} ${row.path.toString().includes('?') ? '(filtered) ' : ''}via ${via}`, row, via] as const));

  it(`refuses A's resources to B's credentials and changes nothing (${cases.length} requests, ${listCases.length} list reads)`, async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const [name, row, via] of cases) {
      const req = request(t.url)[row.method.toLowerCase() as 'get'](row.path(f)).set('Authorization', `Bearer ${creds[via]}`);
      const res = await (row.body ? req.send(row.body(f)) : req);
      const expected = row.status ?? 404;
      if (res.status !== expected || !/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) wrong.push(`${name}: ${res.status} (expected ${expected})`);
    }
    const aIds = [f.list, f.subscriber, f.email, f.sync, f.job, f.subscription, f.event, f.delivery, f.deadDelivery, f.tenantA];
    for (const [name, row, via] of listCases) {
      const res = await request(t.url).get(row.path(f)).set('Authorization', `Bearer ${creds[via]}`);
      const leaked = aIds.filter((id) => res.text.includes(id));
      if (res.status !== 200 || leaked.length) wrong.push(`${name}: ${res.status}, A's ids in the answer: ${leaked.join(', ')}`);
    }
    console.log(`isolation matrix: ${cases.length} cross-tenant requests over ${new Set(ROWS.map((r) => r.kind)).size} resource kinds, ${listCases.length} list reads, ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
    expect(await snapshot()).toBe(before);
    // The same requests with A's own credentials do reach the resources (so the 404s above are about tenancy).
    await request(t.url).get(`/v1/deliveries/${f.delivery}`).set('Authorization', `Bearer ${aKey}`).expect(200);
    await request(t.url).get(`/v1/subscriptions/${f.subscription}`).set('Authorization', `Bearer ${aKey}`).expect(200);
  });

  it('a Member Center client of A cannot write into B (403 tenant_not_bound)', async () => {
    const mc = new MemberCenterClient(t, f.mcClient, '');
    const secret = await request(t.url).post(`/api/tenants/${f.tenantA}/member-center-clients/${f.mcClient}/rotate`).set('Authorization', `Bearer ${adminToken()}`).expect(201);
    mc.secret = secret.body.secret;
    const before = await snapshot();
    const ev = { event_id: randomUUID(), event_type: 'subscription.activated', tenant_id: f.tenantB, list_id: randomUUID(), subscriber: { id: randomUUID(), email: 'x@example.com', status: 'active' }, occurred_at: new Date().toISOString() };
    const res = await mc.post('/webhooks/subscriptions', ev);
    expect(res.status).toBe(403);
    expect(res.body.reason).toBe('tenant_not_bound');
    expect((await t.db.query('SELECT count(*)::int AS n FROM lists WHERE tenant_id = $1', [f.tenantB])).rows[0].n).toBe(0);
    expect(await snapshot()).toBe(before);
  });

  it('B\'s SSE stream carries B\'s deliveries and never one of A\'s', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => httpGet(`${t.url}/v1/echo/stream?key=${creds.apiKey}`, resolve).on('error', reject));
    expect(res.statusCode).toBe(200);
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    try {
      await eventually(async () => text.includes('stream open'), 5000, 'stream to open');
      const bAuth = { Authorization: `Bearer ${creds.apiKey}` };
      await request(t.url).post('/v1/subscriptions').set(bAuth).send({ url: `http://127.0.0.1:${receiver.port}/b`, event_filter: 'iso.sse' }).expect(201);
      await request(t.url).post('/v1/subscriptions').set({ Authorization: `Bearer ${aKey}` }).send({ url: `http://127.0.0.1:${receiver.port}/a2`, event_filter: 'iso.sse' }).expect(201);
      const aEvent = (await request(t.url).post('/v1/events').set({ Authorization: `Bearer ${aKey}` }).send({ type: 'iso.sse', payload: {} }).expect(202)).body.id;
      const bEvent = (await request(t.url).post('/v1/events').set(bAuth).send({ type: 'iso.sse', payload: {} }).expect(202)).body.id;
      await receiver.waitFor('/a2', 1);
      await eventually(async () => text.includes(bEvent) && text.includes('"success"'), 20_000, 'B\'s own delivery on B\'s stream');
      const aDeliveries = await t.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE tenant_id = $1', [f.tenantA]);
      for (const id of [aEvent, f.tenantA, ...aDeliveries.rows.map((r) => r.id)]) expect(text).not.toContain(id);
    } finally {
      res.destroy();
    }
  });
});
