import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { QUEUES } from '../src/common/queue/queues';
import { eventually, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { adminToken, createTenant } from './support/auth';
import { OpenApiContract } from './support/openapi-contract';

const contract = new OpenApiContract('flexengage.openapi.json');
const PUBLIC_BASE_URL = 'https://engine.example.com';
const LIST = '/v1/{brandId}/webhooks';
const ONE = '/v1/{brandId}/webhooks/{id}';
const EVENTS = '/v1/{brandId}/webhooks/{id}/events';
const EVENT = '/v1/{brandId}/webhooks/{id}/events/{eventId}';
const RETRY = '/v1/{brandId}/webhooks/{id}/events/{eventId}/retry';
const UNKNOWN_ID = '0193f5c2-7a1e-7b3c-9d4e-5f6a7b8c9d0e';

type Method = 'get' | 'post' | 'patch' | 'delete';
interface Params {
  brandId: string;
  id?: string;
  eventId?: string;
}
type Tenant = Awaited<ReturnType<typeof createTenant>>;

describe('flexEngage webhooks API (/v1/{brandId}/webhooks…)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_BASE_URL, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1' } });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** Calls a templated route and checks the answer against the contract: a declared status, and its body schema. */
  async function call(method: Method, template: string, p: Params, opts: { token?: string; body?: object; query?: Record<string, string | number> } = {}) {
    const path = template
      .replace('{brandId}', encodeURIComponent(p.brandId))
      .replace('{id}', encodeURIComponent(p.id ?? ''))
      .replace('{eventId}', encodeURIComponent(p.eventId ?? ''));
    let req = request(t.url)[method](path);
    if (opts.token) req = req.set('Authorization', `Bearer ${opts.token}`);
    if (opts.query) req = req.query(opts.query);
    const res = opts.body ? await req.send(opts.body) : await req;
    contract.expectResponse(method, template, res);
    return res;
  }

  /** The flexEngage APIErrorResponse on top of the common problem body. */
  function expectError(res: request.Response, status: number, message: string, description?: string | RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, message, description: expect.any(String), error: expect.any(String), request_id: expect.any(String) });
    if (typeof description === 'string') expect(res.body.description).toBe(description);
    else if (description) expect(res.body.description).toMatch(description);
  }

  async function createWebhook(tenant: Tenant, path: string, events: string[], extra: object = {}) {
    const res = await call('post', LIST, { brandId: tenant.id }, { token: tenant.editor, body: { endpoint: receiver.url(path), events, ...extra } });
    expect(res.status).toBe(201);
    return res.body as { id: string; events: string[]; enabled: boolean; endpoint: string };
  }

  /** Posts an engine event through the relay dialect (lower-case types, as that API requires). */
  async function publish(tenant: Tenant, type: string, payload: object = {}) {
    const res = await request(t.url).post('/v1/events').set('Authorization', `Bearer ${tenant.editor}`).send({ type, payload });
    expect(res.status).toBe(202);
    return res.body as { id: string; created_at: string; deliveries_summary: { total: number } };
  }

  /** The signing secret of a webhook made here, read once through the relay dialect's rotation. */
  async function secretOf(tenant: Tenant, id: string): Promise<string> {
    const res = await request(t.url).post(`/v1/subscriptions/${id}/rotate-secret`).set('Authorization', `Bearer ${tenant.editor}`);
    expect(res.status).toBe(200);
    return res.body.signing_secret as string;
  }

  const deliveryCount = async (subscriptionId: string) =>
    Number((await t.db.query('SELECT count(*) FROM webhook_deliveries WHERE subscription_id = $1', [subscriptionId])).rows[0].count);

  describe('create', () => {
    it('201 with Location from PUBLIC_BASE_URL; the webhook is a subscription (origin flexengage, types in filter_spec) also seen through /v1/subscriptions', async () => {
      const a = await createTenant(t);
      const res = await call('post', LIST, { brandId: a.slug }, {
        token: a.editor, body: { endpoint: receiver.url('/created'), events: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'order_events.tracking'] },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String), created: expect.any(String), updated: expect.any(String), endpoint: receiver.url('/created'),
        events: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'ORDER_EVENTS.TRACKING'], enabled: true,
      });
      expect(res.headers.location).toBe(`${PUBLIC_BASE_URL}/v1/${a.slug}/webhooks/${res.body.id}`);

      const row = (await t.db.query('SELECT tenant_id, origin, filter_spec, state, url FROM webhook_subscriptions WHERE id = $1', [res.body.id])).rows[0];
      expect(row).toEqual({ tenant_id: a.id, origin: 'flexengage', filter_spec: { types: ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'ORDER_EVENTS.TRACKING'] }, state: 'active', url: receiver.url('/created') });

      const v1 = await request(t.url).get(`/v1/subscriptions/${res.body.id}`).set('Authorization', `Bearer ${a.viewer}`);
      expect(v1.status).toBe(200);
      expect(v1.body).toMatchObject({ id: res.body.id, url: receiver.url('/created'), state: 'active' });

      const got = await call('get', ONE, { brandId: a.id, id: res.body.id }, { token: a.viewer });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('enabled: false creates it paused', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/born-off', ['RECEIPTS'], { enabled: false });
      expect(hook.enabled).toBe(false);
      expect((await t.db.query('SELECT state FROM webhook_subscriptions WHERE id = $1', [hook.id])).rows[0].state).toBe('paused');
    });

    it('409 for the same endpoint and the same set of types in another order or case; another set or endpoint is fine', async () => {
      const a = await createTenant(t);
      await createWebhook(a, '/dup', ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'RECEIPTS']);
      const dup = await call('post', LIST, { brandId: a.id }, { token: a.editor, body: { endpoint: receiver.url('/dup'), events: ['receipts', 'ORDER_EVENTS.OMS.ORDER_SHIPPED'] } });
      expectError(dup, 409, 'CONFLICT', `A webhook for endpoint: ${receiver.url('/dup')} and eventTypes: ["RECEIPTS","ORDER_EVENTS.OMS.ORDER_SHIPPED"] already exists`);
      await createWebhook(a, '/dup', ['RECEIPTS']);
      await createWebhook(a, '/dup-other', ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'RECEIPTS']);
      // another tenant may use the same endpoint and types
      await createWebhook(await createTenant(t), '/dup', ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'RECEIPTS']);
    });

    it.each([
      ['a missing endpoint', { events: ['RECEIPTS'] }, 'endpoint', 'endpoint is required'],
      ['a non-https endpoint', { endpoint: 'ftp://example.com/hook', events: ['RECEIPTS'] }, 'endpoint', 'endpoint must use https'],
      ['a private address', { endpoint: 'https://10.1.2.3/hook', events: ['RECEIPTS'] }, 'endpoint', /private/],
      ['missing events', { endpoint: 'https://example.com/hook' }, 'events', /events is required/],
      ['empty events', { endpoint: 'https://example.com/hook', events: [] }, 'events', 'events must not be empty'],
      ['an unknown type', { endpoint: 'https://example.com/hook', events: ['ORDER_EVENTS.OMS.NOPE'] }, 'events', /flexEngage event type or a prefix/],
      ['a partial dot part', { endpoint: 'https://example.com/hook', events: ['ORDER_EVENTS.OM'] }, 'events', /prefix/],
      ['a non-boolean enabled', { endpoint: 'https://example.com/hook', events: ['RECEIPTS'], enabled: 'yes' }, 'enabled', /boolean/],
    ])('422 with validations for %s', async (_, body, field, message) => {
      const a = await createTenant(t);
      const res = await call('post', LIST, { brandId: a.id }, { token: a.editor, body });
      expectError(res, 422, 'UNPROCESSABLE ENTITY');
      expect(Object.keys(res.body.validations)).toContain(field);
      if (typeof message === 'string') expect(res.body.validations[field]).toContain(message);
      else expect(res.body.validations[field]).toMatch(message);
      expect(Number((await t.db.query('SELECT count(*) FROM webhook_subscriptions WHERE tenant_id = $1', [a.id])).rows[0].count)).toBe(0);
    });
  });

  describe('auth and brands', () => {
    it('401 without a valid token, 403 for a viewer writing; the flexEngage error body', async () => {
      const a = await createTenant(t);
      expectError(await call('get', LIST, { brandId: a.id }), 401, 'UNAUTHORIZED');
      expectError(await call('get', LIST, { brandId: a.id }, { token: 'not-a-jwt' }), 401, 'UNAUTHORIZED');
      expectError(await call('post', LIST, { brandId: a.id }, { token: a.viewer, body: { endpoint: receiver.url('/x'), events: ['RECEIPTS'] } }), 403, 'FORBIDDEN');
      // API keys are the relay API's credential
      const key = (await request(t.url).post(`/api/tenants/${a.id}/api-keys`).set('Authorization', `Bearer ${adminToken()}`).send({ environment: 'test' })).body.key;
      expectError(await call('get', LIST, { brandId: a.id }, { token: key }), 401, 'UNAUTHORIZED');
    });

    it('a platform admin may name any brand', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/admin-read', ['RECEIPTS']);
      const res = await call('get', ONE, { brandId: a.slug, id: hook.id }, { token: adminToken() });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(hook.id);
    });

    it('an OAuth2 client-credentials token works: write scope creates, read scope reads but cannot write', async () => {
      const a = await createTenant(t);
      const client = (await request(t.url).post(`/api/tenants/${a.id}/oauth-clients`).set('Authorization', `Bearer ${adminToken()}`).send({ scopes: ['webhooks:read', 'webhooks:write'] })).body;
      const token = async (scope: string) =>
        (await request(t.url).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope })).body.access_token as string;
      const writer = await token('webhooks:read webhooks:write');
      const created = await call('post', LIST, { brandId: a.slug }, { token: writer, body: { endpoint: receiver.url('/oauth'), events: ['RECEIPTS'] } });
      expect(created.status).toBe(201);
      const reader = await token('webhooks:read');
      const list = await call('get', LIST, { brandId: a.slug }, { token: reader });
      expect(list.status).toBe(200);
      expect(list.body.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
      expectError(await call('patch', ONE, { brandId: a.slug, id: created.body.id }, { token: reader, body: { enabled: false } }), 403, 'FORBIDDEN');
    });

    it('another tenant\'s brand (by id or slug), or an unknown one, is 404 on every route; so is a webhook of another tenant under one\'s own brand', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      const hook = await createWebhook(b, '/foreign', ['RECEIPTS']);
      const event = await publish(b, 'receipts');
      for (const brandId of [b.id, b.slug, 'no-such-brand']) {
        const p = { brandId, id: hook.id, eventId: event.id };
        expectError(await call('get', LIST, p, { token: a.editor }), 404, 'NOT FOUND', 'No webhooks with that brand ID were found');
        expectError(await call('post', LIST, p, { token: a.editor, body: { endpoint: receiver.url('/x'), events: ['RECEIPTS'] } }), 404, 'NOT FOUND');
        expectError(await call('get', ONE, p, { token: a.editor }), 404, 'NOT FOUND', `A webhook with ID: ${hook.id} for brandId: ${brandId} was not found`);
        expectError(await call('patch', ONE, p, { token: a.editor, body: { enabled: false } }), 404, 'NOT FOUND', 'No webhook with that brand ID was found');
        expectError(await call('delete', ONE, p, { token: a.editor }), 404, 'NOT FOUND', 'No webhooks with that brand ID were found');
        expectError(await call('get', EVENTS, p, { token: a.editor }), 404, 'NOT FOUND', 'No webhook with that brand ID was found');
        expectError(await call('get', EVENT, p, { token: a.editor }), 404, 'NOT FOUND');
        expectError(await call('post', RETRY, p, { token: a.editor }), 404, 'NOT FOUND');
      }
      expectError(await call('get', ONE, { brandId: a.id, id: hook.id }, { token: a.editor }), 404, 'NOT FOUND');
      // nothing changed for its owner
      expect((await call('get', ONE, { brandId: b.id, id: hook.id }, { token: b.viewer })).body.enabled).toBe(true);
    });

    it('429 with the usual headers once the tenant\'s limit is spent', async () => {
      const a = await createTenant(t);
      await t.db.query(`UPDATE tenants SET settings = '{"rate_limit_per_minute": 2}' WHERE id = $1`, [a.id]);
      let res: request.Response | undefined;
      for (let i = 0; i < 3; i++) res = await call('get', LIST, { brandId: a.id }, { token: a.viewer });
      expectError(res!, 429, 'TOO MANY REQUESTS');
      expect(res!.headers['retry-after']).toMatch(/^\d+$/);
      expect(res!.headers['x-ratelimit-limit']).toBe('2');
      expect(res!.headers['x-ratelimit-remaining']).toBe('0');
    });
  });

  describe('list, get, toggle, delete', () => {
    it('a brand with no webhooks is 404; the list holds only this dialect\'s webhooks of the brand, oldest first', async () => {
      const a = await createTenant(t);
      expectError(await call('get', LIST, { brandId: a.id }, { token: a.viewer }), 404, 'NOT FOUND', 'No webhooks with that brand ID were found');
      const v1 = await request(t.url).post('/v1/subscriptions').set('Authorization', `Bearer ${a.editor}`).send({ url: receiver.url('/v1-made') });
      expect(v1.status).toBe(201);
      expectError(await call('get', LIST, { brandId: a.id }, { token: a.viewer }), 404, 'NOT FOUND');
      expectError(await call('get', ONE, { brandId: a.id, id: v1.body.id }, { token: a.viewer }), 404, 'NOT FOUND');
      const first = await createWebhook(a, '/l1', ['RECEIPTS']);
      const second = await createWebhook(a, '/l2', ['ORDER_EVENTS']);
      const list = await call('get', LIST, { brandId: a.slug }, { token: a.viewer });
      expect(list.status).toBe(200);
      expect(list.body).toEqual([first, second]);
    });

    it('get: unknown or malformed id is 404 with that API\'s sentence', async () => {
      const a = await createTenant(t);
      expectError(await call('get', ONE, { brandId: a.slug, id: UNKNOWN_ID }, { token: a.viewer }), 404, 'NOT FOUND', `A webhook with ID: ${UNKNOWN_ID} for brandId: ${a.slug} was not found`);
      expectError(await call('get', ONE, { brandId: a.slug, id: '123' }, { token: a.viewer }), 404, 'NOT FOUND', `A webhook with ID: 123 for brandId: ${a.slug} was not found`);
    });

    it('PATCH enabled: false → 204, nothing is sent; enabled: true → 204, sent again; 422 without enabled, 404 unknown', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/toggle', ['ORDER_EVENTS.OMS']);
      const off = await call('patch', ONE, { brandId: a.id, id: hook.id }, { token: a.editor, body: { enabled: false } });
      expect(off.status).toBe(204);
      expect(off.text).toBe('');
      expect((await call('get', ONE, { brandId: a.id, id: hook.id }, { token: a.viewer })).body.enabled).toBe(false);
      expect((await request(t.url).get(`/v1/subscriptions/${hook.id}`).set('Authorization', `Bearer ${a.viewer}`)).body.state).toBe('paused');
      const skipped = await publish(a, 'order_events.oms.order_shipped');
      expect(skipped.deliveries_summary.total).toBe(0);
      expect(await deliveryCount(hook.id)).toBe(0);

      expect((await call('patch', ONE, { brandId: a.id, id: hook.id }, { token: a.editor, body: { enabled: true } })).status).toBe(204);
      expect((await call('get', ONE, { brandId: a.id, id: hook.id }, { token: a.viewer })).body.enabled).toBe(true);
      const sent = await publish(a, 'order_events.oms.order_shipped');
      expect(sent.deliveries_summary.total).toBe(1);
      const [req] = await receiver.waitFor('/toggle', 1);
      expect(req.headers['webhook-id']).toBe(sent.id);
      expect(receiver.on('/toggle')).toHaveLength(1);

      const bad = await call('patch', ONE, { brandId: a.id, id: hook.id }, { token: a.editor, body: {} });
      expectError(bad, 422, 'UNPROCESSABLE ENTITY');
      expect(bad.body.validations.enabled).toContain('enabled is required');
      expectError(await call('patch', ONE, { brandId: a.id, id: UNKNOWN_ID }, { token: a.editor, body: { enabled: true } }), 404, 'NOT FOUND', 'No webhook with that brand ID was found');
    });

    it('DELETE → 204; gone from this API and /v1/subscriptions, its delivery history kept', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/deleted', ['RECEIPTS']);
      await publish(a, 'receipts');
      await receiver.waitFor('/deleted', 1);
      const res = await call('delete', ONE, { brandId: a.id, id: hook.id }, { token: a.editor });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectError(await call('get', ONE, { brandId: a.id, id: hook.id }, { token: a.viewer }), 404, 'NOT FOUND');
      expectError(await call('delete', ONE, { brandId: a.id, id: hook.id }, { token: a.editor }), 404, 'NOT FOUND', 'No webhooks with that brand ID were found');
      expect((await request(t.url).get(`/v1/subscriptions/${hook.id}`).set('Authorization', `Bearer ${a.viewer}`)).status).toBe(404);
      expect(await deliveryCount(hook.id)).toBe(1);
    });
  });

  describe('delivery', () => {
    it('hierarchy: a prefix webhook gets every type under it, a sibling tree nothing; signed with the secret its owner reads once', async () => {
      const a = await createTenant(t);
      const oms = await createWebhook(a, '/h-oms', ['ORDER_EVENTS.OMS']);
      const all = await createWebhook(a, '/h-all', ['ORDER_EVENTS']);
      const tracking = await createWebhook(a, '/h-tracking', ['ORDER_EVENTS.TRACKING']);
      const exact = await createWebhook(a, '/h-exact', ['ORDER_EVENTS.OMS.ORDER_CANCELLED']);
      const secret = await secretOf(a, oms.id);

      const shipped = await publish(a, 'order_events.oms.order_shipped', { order: 7 });
      expect(shipped.deliveries_summary.total).toBe(2);
      const [req] = await receiver.waitFor('/h-oms', 1);
      await receiver.waitFor('/h-all', 1);
      expect(JSON.parse(req.body)).toMatchObject({ id: shipped.id, type: 'order_events.oms.order_shipped', data: { order: 7 } });
      expect(() => new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
      expect(req.headers['x-webhook-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);

      // a sibling of OMS, and a type whose first dot part only starts like one
      expect((await publish(a, 'order_events.omsx.order_shipped')).deliveries_summary.total).toBe(1);
      expect((await publish(a, 'ORDER_EVENTS.TRACKING.SHIPMENT_DELIVERED'.toLowerCase())).deliveries_summary.total).toBe(2);
      expect((await publish(a, 'order_events.oms.order_cancelled')).deliveries_summary.total).toBe(3);
      await receiver.waitFor('/h-tracking', 1);
      await receiver.waitFor('/h-exact', 1);
      expect(await deliveryCount(oms.id)).toBe(2);
      expect(await deliveryCount(all.id)).toBe(4);
      expect(await deliveryCount(tracking.id)).toBe(1);
      expect(await deliveryCount(exact.id)).toBe(1);
      expect(receiver.on('/h-oms').map((r) => JSON.parse(r.body).type).sort()).toEqual(['order_events.oms.order_cancelled', 'order_events.oms.order_shipped']);
    });

    it('event detail: a 500 attempt then a 200 attempt with the request headers sent and the response headers; visible through /v1/deliveries', async () => {
      const a = await createTenant(t);
      receiver.script('/flaky', { status: 500, body: 'boom', headers: { 'x-receiver': 'one' } }, { status: 200, body: 'fine', headers: { 'x-receiver': 'two' } });
      const hook = await createWebhook(a, '/flaky', ['RECEIPTS']);
      const event = await publish(a, 'receipts', { n: 1 });
      const p = { brandId: a.slug, id: hook.id, eventId: event.id };
      const detail = await eventually(async () => {
        const res = await call('get', EVENT, p, { token: a.viewer });
        expect(res.status).toBe(200);
        return res.body.attempts.length === 2 && res.body.status === 'SUCCESS' ? res.body : null;
      }, 20_000, 'two attempts');
      expect(detail).toMatchObject({ id: event.id, type: 'RECEIPTS', created: event.created_at, status: 'SUCCESS' });
      const sent = receiver.on('/flaky');
      expect(sent).toHaveLength(2);
      const [first, second] = detail.attempts;
      expect(first).toMatchObject({ status: 'FAILURE', request: { endpoint: receiver.url('/flaky') }, response: { statusCode: 500, body: 'boom', time: expect.any(Number) } });
      expect(second).toMatchObject({ status: 'SUCCESS', response: { statusCode: 200, body: 'fine', time: expect.any(Number) } });
      expect(first.response.headers).toMatchObject({ 'x-receiver': 'one', 'content-type': 'text/plain' });
      expect(second.response.headers).toMatchObject({ 'x-receiver': 'two' });
      detail.attempts.forEach((attempt: { request: { headers: Record<string, string> } }, i: number) => {
        for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-signature', 'content-type', 'user-agent']) {
          expect(attempt.request.headers[h]).toBe(sent[i].headers[h]);
        }
      });
      expect(Date.parse(detail.updated)).toBeGreaterThanOrEqual(Date.parse(detail.created));

      const v1 = await request(t.url).get('/v1/deliveries').query({ subscription_id: hook.id }).set('Authorization', `Bearer ${a.viewer}`);
      expect(v1.body.data).toEqual([expect.objectContaining({ event_id: event.id, subscription_id: hook.id, status: 'success', attempts_made: 2 })]);

      expectError(await call('get', EVENT, { ...p, eventId: UNKNOWN_ID }, { token: a.viewer }), 404, 'NOT FOUND', 'No event with that ID was found');
      expectError(await call('get', EVENT, { ...p, eventId: 'nope' }, { token: a.viewer }), 404, 'NOT FOUND', 'No event with that ID was found');
      const other = await createWebhook(a, '/flaky-other', ['ORDER_EVENTS']);
      expectError(await call('get', EVENT, { ...p, id: other.id }, { token: a.viewer }), 404, 'NOT FOUND', 'No event with that ID was found');
    });

    it('retry → 202 and one more attempt, counted after the others; 404 for an unknown event', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/retry', ['NOTIFICATION']);
      const event = await publish(a, 'notification.sms.receipt');
      const p = { brandId: a.id, id: hook.id, eventId: event.id };
      await eventually(async () => (await call('get', EVENT, p, { token: a.viewer })).body.status === 'SUCCESS', 20_000, 'first delivery');
      const res = await call('post', RETRY, p, { token: a.editor });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      const [, again] = await receiver.waitFor('/retry', 2);
      expect(again.headers['webhook-id']).toBe(event.id);
      const detail = await eventually(async () => {
        const d = (await call('get', EVENT, p, { token: a.viewer })).body;
        return d.attempts.length === 2 ? d : null;
      }, 20_000, 'the second attempt');
      expect(detail.attempts.map((x: { status: string }) => x.status)).toEqual(['SUCCESS', 'SUCCESS']);
      const rows = await t.db.query('SELECT attempt_number FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = $1 ORDER BY 1', [hook.id]);
      expect(rows.rows.map((r) => r.attempt_number)).toEqual([1, 2]);
      expectError(await call('post', RETRY, { ...p, eventId: UNKNOWN_ID }, { token: a.editor }), 404, 'NOT FOUND', 'No event with that ID was found');
      expectError(await call('post', RETRY, p, { token: a.viewer }), 403, 'FORBIDDEN');
    });

    it('a dead delivery shows FAILURE here and is the same row /v1/dead-letters lists', async () => {
      const a = await createTenant(t);
      receiver.script('/dead', { status: 404 });
      const hook = await createWebhook(a, '/dead', ['RECEIPTS']);
      const event = await publish(a, 'receipts');
      const p = { brandId: a.id, id: hook.id, eventId: event.id };
      const detail = await eventually(async () => {
        const d = (await call('get', EVENT, p, { token: a.viewer })).body;
        return d.status === 'FAILURE' ? d : null;
      }, 20_000, 'dead delivery');
      expect(detail.attempts).toEqual([expect.objectContaining({ status: 'FAILURE', response: expect.objectContaining({ statusCode: 404 }) })]);
      const dead = await request(t.url).get('/v1/dead-letters').set('Authorization', `Bearer ${a.viewer}`);
      expect(dead.status).toBe(200);
      expect(dead.body.data).toEqual([expect.objectContaining({ event_id: event.id, subscription_id: hook.id })]);
    });
  });

  describe('event log', () => {
    it('newest first across three pages within start/end; lastId null on the last page; status once attempted', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/log', ['ORDER_EVENTS.TRACKING']);
      const posted: { id: string; created_at: string }[] = [];
      for (let i = 0; i < 7; i++) {
        posted.push(await publish(a, 'order_events.tracking.shipment_in_transit', { i }));
        await new Promise((r) => setTimeout(r, 5)); // distinct event times, so start/end bounds are unambiguous
      }
      await receiver.waitFor('/log', 7);
      // start inclusive, end exclusive: events 1..5
      const window = { start: posted[1].created_at, end: posted[6].created_at, size: 2 };
      const p = { brandId: a.id, id: hook.id };
      const pages: { events: { id: string; type: string; status?: string }[]; page: { size: number; startId: string | null; lastId: string | null } }[] = [];
      let startId: string | undefined;
      do {
        const res = await call('get', EVENTS, p, { token: a.viewer, query: { ...window, ...(startId && { startId }) } });
        expect(res.status).toBe(200);
        pages.push(res.body);
        startId = res.body.page.lastId ?? undefined;
      } while (startId && pages.length < 5);
      expect(pages.map((pg) => pg.events.map((e) => e.id))).toEqual([
        [posted[5].id, posted[4].id], [posted[3].id, posted[2].id], [posted[1].id],
      ]);
      expect(pages.map((pg) => pg.page)).toEqual([
        { size: 2, startId: null, lastId: posted[4].id },
        { size: 2, startId: posted[4].id, lastId: posted[2].id },
        { size: 2, startId: posted[2].id, lastId: null },
      ]);
      await eventually(async () => {
        const res = await call('get', EVENTS, p, { token: a.viewer });
        return res.body.events.length === 7 && res.body.events.every((e: { status?: string }) => e.status === 'SUCCESS');
      }, 20_000, 'all delivered');
      const all = await call('get', EVENTS, p, { token: a.viewer });
      expect(all.body.page).toEqual({ size: 20, startId: null, lastId: null });
      expect(all.body.events.map((e: { id: string }) => e.id)).toEqual(posted.map((e) => e.id).reverse());
      expect(all.body.events[0]).toMatchObject({ type: 'ORDER_EVENTS.TRACKING.SHIPMENT_IN_TRANSIT', created: posted[6].created_at });
    });

    it('an event not yet attempted has no status', async () => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/not-yet', ['RECEIPTS']);
      const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
      await queue.pause(true); // hold this process's worker
      try {
        const event = await publish(a, 'receipts');
        const res = await call('get', EVENTS, { brandId: a.id, id: hook.id }, { token: a.viewer });
        expect(res.body.events).toEqual([{ id: event.id, type: 'RECEIPTS', created: event.created_at, updated: event.created_at }]);
        const detail = await call('get', EVENT, { brandId: a.id, id: hook.id, eventId: event.id }, { token: a.viewer });
        expect(detail.body).toEqual({ id: event.id, type: 'RECEIPTS', created: event.created_at, updated: event.created_at, attempts: [] });
      } finally {
        await queue.resume(true);
      }
      await receiver.waitFor('/not-yet', 1);
    });

    it.each([
      [{ size: 0 }, 'size'],
      [{ size: 101 }, 'size'],
      [{ size: 'many' }, 'size'],
      [{ start: 'yesterday' }, 'start'],
      [{ end: '2026-13-01T00:00:00Z' }, 'end'],
      [{ startId: 'abc' }, 'startId'],
      [{ start: '2026-11-02T00:00:00Z', end: '2026-11-01T00:00:00Z' }, 'end'],
    ])('422 with validations for %j', async (query, field) => {
      const a = await createTenant(t);
      const hook = await createWebhook(a, '/bad-query', ['RECEIPTS']);
      const res = await call('get', EVENTS, { brandId: a.id, id: hook.id }, { token: a.viewer, query: query as Record<string, string | number> });
      expectError(res, 422, 'UNPROCESSABLE ENTITY');
      expect(Object.keys(res.body.validations)).toEqual([field]);
    });
  });

  it('Swagger lists the eight operations under their own tag, with their error responses', async () => {
    const doc = (await request(t.url).get('/docs-json')).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[]; operationId: string; responses: Record<string, unknown> }>>)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })))
      .filter((op) => op.tags?.includes('flexEngage Webhooks'));
    expect(ops.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
      'delete /v1/{brandId}/webhooks/{id}', 'get /v1/{brandId}/webhooks', 'get /v1/{brandId}/webhooks/{id}', 'get /v1/{brandId}/webhooks/{id}/events',
      'get /v1/{brandId}/webhooks/{id}/events/{eventId}', 'patch /v1/{brandId}/webhooks/{id}', 'post /v1/{brandId}/webhooks', 'post /v1/{brandId}/webhooks/{id}/events/{eventId}/retry',
    ]);
    type ErrorResponse = { content: Record<string, { schema: { $ref: string }; example: { message: string; status: number } }> };
    for (const op of ops) {
      expect(op.operationId).toMatch(/^flexEngage/);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '404', '429', '500']));
      const notFound = (op.responses['404'] as ErrorResponse).content['application/problem+json'];
      expect(notFound.schema.$ref).toBe('#/components/schemas/FlexEngageAPIErrorResponse');
      expect(notFound.example).toMatchObject({ message: 'NOT FOUND', status: 404 });
    }
    const create = ops.find((op) => op.method === 'post' && op.path === '/v1/{brandId}/webhooks')!;
    expect((create.responses['201'] as { headers: Record<string, unknown> }).headers.Location).toBeDefined();
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '409', '422']));
    expect(doc.components.schemas.FlexEngageWebhookResponse.properties.events.items.enum).toContain('ORDER_EVENTS.OMS.ORDER_SHIPPED');
  });
});
