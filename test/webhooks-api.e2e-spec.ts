import request from 'supertest';
import { WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { apiKeyFor, expectRelaySchema } from './support/relay-contract';

const PATHS = '#/paths';
const problem = (body: unknown) => expectRelaySchema('Problem', body);

describe('relay API (/v1): subscriptions, events, deliveries, dead letters, test ping', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let key: string;
  let otherKey: string;
  const api = () => ({
    get: (p: string, k = key) => request(t.url).get(p).set('Authorization', `Bearer ${k}`),
    post: (p: string, body?: object, k = key) => request(t.url).post(p).set('Authorization', `Bearer ${k}`).send(body),
    patch: (p: string, body: object, k = key) => request(t.url).patch(p).set('Authorization', `Bearer ${k}`).send(body),
    del: (p: string, k = key) => request(t.url).delete(p).set('Authorization', `Bearer ${k}`),
  });

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_RETRY_SCHEDULE_SECONDS: '1' } });
    receiver = await WebhookReceiver.start();
    key = await apiKeyFor(t, (await createTenant(t)).id);
    otherKey = await apiKeyFor(t, (await createTenant(t)).id);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('subscriptions', () => {
    it('creates (secret once), gets, lists, patches, pauses, resumes, rotates and deletes', async () => {
      const created = await api().post('/v1/subscriptions', { name: 'orders', url: receiver.url('/crud'), event_filter: 'order.*' }).expect(201);
      expectRelaySchema('SubscriptionWithSecret', created.body);
      expect(created.body).toMatchObject({ name: 'orders', event_filter: 'order.*', state: 'active', consecutive_failures: 0 });
      expect(created.body.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
      const id = created.body.id as string;

      const got = await api().get(`/v1/subscriptions/${id}`).expect(200);
      expectRelaySchema('Subscription', got.body);
      expect(got.body.signing_secret).toBeUndefined();
      const row = await t.db.query('SELECT sealed_secret FROM webhook_subscriptions WHERE id = $1', [id]);
      expect(row.rows[0].sealed_secret).not.toContain(created.body.signing_secret.slice(6, 20)); // sealed at rest

      const patched = await api().patch(`/v1/subscriptions/${id}`, { name: 'renamed', event_filter: '*' }).expect(200);
      expectRelaySchema('Subscription', patched.body);
      expect(patched.body).toMatchObject({ name: 'renamed', event_filter: '*' });

      const paused = await api().post(`/v1/subscriptions/${id}/pause`).expect(200);
      expectRelaySchema('Subscription', paused.body);
      expect(paused.body.state).toBe('paused');
      expect(paused.body.paused_at).toEqual(expect.any(String));
      expect((await api().get('/v1/subscriptions?state=paused').expect(200)).body.data.map((s: { id: string }) => s.id)).toContain(id);
      expect((await api().get('/v1/subscriptions?state=active').expect(200)).body.data.map((s: { id: string }) => s.id)).not.toContain(id);

      await t.db.query('UPDATE webhook_subscriptions SET consecutive_failures = 5 WHERE id = $1', [id]);
      const resumed = await api().post(`/v1/subscriptions/${id}/resume`).expect(200);
      expect(resumed.body).toMatchObject({ state: 'active', consecutive_failures: 0, paused_at: null });

      const rotated = await api().post(`/v1/subscriptions/${id}/rotate-secret`).expect(200);
      expectRelaySchema('SubscriptionWithSecret', rotated.body);
      expect(rotated.body.signing_secret).not.toBe(created.body.signing_secret);
      expect(rotated.body.secret_rotated_at).toEqual(expect.any(String));

      await api().del(`/v1/subscriptions/${id}`).expect(204);
      problem((await api().get(`/v1/subscriptions/${id}`).expect(404)).body);
    });

    it('validates with 400 problems: https only without the dev switch, literal bad addresses, filter syntax', async () => {
      for (const body of [
        {},
        { url: 'not a url' },
        { url: 'ftp://example.com/x' },
        { url: 'https://10.0.0.1/hook' },
        { url: 'https://169.254.169.254/latest' },
        { url: 'https://[fd00:ec2::254]/' },
        { url: receiver.url('/x'), event_filter: 'Order.*' },
        { url: receiver.url('/x'), event_filter: 'order.' },
      ]) {
        const res = await api().post('/v1/subscriptions', body).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        problem(res.body);
      }
      await api().patch('/v1/subscriptions/00000000-0000-7000-8000-000000000000', { url: 'https://10.0.0.1/' }).expect(404);
    });

    it('paginates without gaps or repeats', async () => {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await api().post('/v1/subscriptions', { url: receiver.url(`/page${i}`), event_filter: 'nothing.matches' }, otherKey).expect(201)).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api().get(`/v1/subscriptions?limit=3${cursor ? `&cursor=${cursor}` : ''}`, otherKey).expect(200);
        expectRelaySchema('SubscriptionPage', res.body);
        seen.push(...res.body.data.map((s: { id: string }) => s.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...created].reverse());
      problem((await api().get('/v1/subscriptions?limit=0').expect(400)).body);
      problem((await api().get('/v1/subscriptions?cursor=garbage').expect(400)).body);
    });

    it('isolates tenants (404) and requires auth (401)', async () => {
      const id = (await api().post('/v1/subscriptions', { url: receiver.url('/mine') }).expect(201)).body.id;
      for (const res of [
        await api().get(`/v1/subscriptions/${id}`, otherKey),
        await api().patch(`/v1/subscriptions/${id}`, { name: 'x' }, otherKey),
        await api().post(`/v1/subscriptions/${id}/pause`, undefined, otherKey),
        await api().post(`/v1/subscriptions/${id}/resume`, undefined, otherKey),
        await api().post(`/v1/subscriptions/${id}/rotate-secret`, undefined, otherKey),
        await api().del(`/v1/subscriptions/${id}`, otherKey),
        await api().get('/v1/subscriptions/not-a-uuid'),
      ]) {
        expect(res.status).toBe(404);
        problem(res.body);
      }
      expect((await api().get('/v1/subscriptions', otherKey).expect(200)).body.data.map((s: { id: string }) => s.id)).not.toContain(id);
      problem((await request(t.url).get('/v1/subscriptions').expect(401)).body);
      await api().del(`/v1/subscriptions/${id}`).expect(204);
    });
  });

  describe('events and deliveries', () => {
    let subId: string;
    beforeAll(async () => {
      subId = (await api().post('/v1/subscriptions', { url: receiver.url('/events'), event_filter: 'order.*' }).expect(201)).body.id;
    });

    it('ingests (202), fans out to matching subscriptions only, and reports deliveries_summary', async () => {
      const res = await api().post('/v1/events', { type: 'order.created', payload: { order: 1 } }).set('X-Forwarded-For', '203.0.113.7').expect(202);
      expectRelaySchema('Event', res.body);
      expect(res.body).toMatchObject({ type: 'order.created', payload: { order: 1 }, idempotency_key: null, deliveries_summary: { total: 1, pending: 1 } });
      expect(res.body.source_ip).toEqual(expect.any(String));
      await receiver.waitFor('/events', 1);

      const unmatched = await api().post('/v1/events', { type: 'invoice.paid', payload: {} }).expect(202);
      expect(unmatched.body.deliveries_summary.total).toBe(0);

      const got = await eventuallyGet(`/v1/events/${res.body.id}`, (b) => b.deliveries_summary.succeeded === 1);
      expectRelaySchema('Event', got);
      expect(got.deliveries_summary).toEqual({ total: 1, succeeded: 1, failed: 0, pending: 0 });
      problem((await api().get(`/v1/events/${res.body.id}`, otherKey).expect(404)).body);
    });

    it('validates events: type pattern, payload object, 413 beyond 256 KB', async () => {
      for (const body of [{ type: 'Order Created', payload: {} }, { type: 'order.created' }, { type: 'order.created', payload: [1] }, { type: 'x'.repeat(129), payload: {} }]) {
        problem((await api().post('/v1/events', body).expect(400)).body);
      }
      const big = await api().post('/v1/events', { type: 'order.big', payload: { blob: 'x'.repeat(256 * 1024) } }).expect(413);
      problem(big.body);
      await api().post('/v1/events', { type: 'order.fits', payload: { blob: 'x'.repeat(200 * 1024) } }).expect(202);
    });

    it('honours Idempotency-Key: replay, 409 on another body, one winner for a parallel pair', async () => {
      const first = await api().post('/v1/events', { type: 'order.paid', payload: { n: 1 } }).set('Idempotency-Key', 'k-1').expect(202);
      expect(first.body.idempotency_key).toBe('k-1');
      const replay = await api().post('/v1/events', { type: 'order.paid', payload: { n: 1 } }).set('Idempotency-Key', 'k-1').expect(202);
      expect(replay.body.id).toBe(first.body.id);
      problem((await api().post('/v1/events', { type: 'order.paid', payload: { n: 2 } }).set('Idempotency-Key', 'k-1').expect(409)).body);
      // the key is per workspace
      expect((await api().post('/v1/events', { type: 'order.paid', payload: { n: 1 } }, otherKey).set('Idempotency-Key', 'k-1').expect(202)).body.id).not.toBe(first.body.id);

      const pair = await Promise.all([0, 1].map(() => api().post('/v1/events', { type: 'order.paid', payload: { n: 3 } }).set('Idempotency-Key', 'k-par')));
      const ok = pair.filter((r) => r.status === 202);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of pair) expect([202, 409]).toContain(r.status);
      expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE idempotency_key = 'k-par'`);
      expect(rows.rows[0].n).toBe(1);
    });

    it('lists events by type and created_after with cursor pages', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await api().post('/v1/events', { type: 'list.me', payload: { i } }).expect(202)).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api().get(`/v1/events?type=list.me&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expectRelaySchema('EventPage', res.body);
        seen.push(...res.body.data.map((e: { id: string }) => e.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await api().get(`/v1/events?created_after=${future}`).expect(200)).body.data).toEqual([]);
      problem((await api().get('/v1/events?created_after=yesterday').expect(400)).body);
      expect((await api().get('/v1/events?type=list.me', otherKey).expect(200)).body.data).toEqual([]);
    });

    it('lists and gets deliveries with attempts, filters them, and retries by hand', async () => {
      const ev = (await api().post('/v1/events', { type: 'order.shipped', payload: {} }).expect(202)).body;
      const list = await eventuallyGet(`/v1/deliveries?event_id=${ev.id}`, (b) => b.data[0]?.status === 'success');
      expectRelaySchema('DeliveryPage', list);
      expect(list.data).toHaveLength(1);
      expect(list.data[0].attempts).toBeUndefined();
      const id = list.data[0].id as string;
      const one = await api().get(`/v1/deliveries/${id}`).expect(200);
      expectRelaySchema('Delivery', one.body);
      expect(one.body).toMatchObject({ event_id: ev.id, subscription_id: subId, status: 'success', attempts_made: 1, final_status_code: 200 });
      expect(one.body.attempts).toHaveLength(1);
      expectRelaySchema('DeliveryAttempt', one.body.attempts[0]);

      expect((await api().get(`/v1/deliveries?subscription_id=${subId}&status=success`).expect(200)).body.data.length).toBeGreaterThan(0);
      expect((await api().get(`/v1/deliveries?status=dead&event_id=${ev.id}`).expect(200)).body.data).toEqual([]);
      problem((await api().get('/v1/deliveries?status=weird').expect(400)).body);
      problem((await api().get(`/v1/deliveries/${id}`, otherKey).expect(404)).body);

      const retried = await api().post(`/v1/deliveries/${id}/retry`).expect(200);
      expectRelaySchema('Delivery', retried.body);
      expect(retried.body.status).toBe('pending');
      const after = await eventuallyGet(`/v1/deliveries/${id}`, (b) => b.status === 'success' && b.attempts_made === 2);
      expect(after.attempts.map((a: { attempt_number: number }) => a.attempt_number)).toEqual([1, 2]);
      problem((await api().post(`/v1/deliveries/${id}/retry`, undefined, otherKey).expect(404)).body);
    });

    it('lists dead letters and replays them (409 when not dead)', async () => {
      const deadSub = (await api().post('/v1/subscriptions', { url: receiver.url('/gone-404'), event_filter: 'dl.*' }).expect(201)).body.id;
      receiver.script('/gone-404', { status: 404 }, { status: 200 });
      await api().post('/v1/events', { type: 'dl.one', payload: {} }).expect(202);
      const dead = await eventuallyGet(`/v1/dead-letters?subscription_id=${deadSub}`, (b) => b.data.length === 1);
      expectRelaySchema('DeliveryPage', dead);
      expect(dead.data[0]).toMatchObject({ status: 'dead', final_status_code: 404 });
      expect((await api().get(`/v1/dead-letters?since=${new Date(Date.now() + 60_000).toISOString()}`).expect(200)).body.data).toEqual([]);
      expect((await api().get('/v1/dead-letters', otherKey).expect(200)).body.data).toEqual([]);

      const replayed = await api().post(`/v1/dead-letters/${dead.data[0].id}/replay`).expect(200);
      expectRelaySchema('Delivery', replayed.body);
      expect(replayed.body.status).toBe('pending');
      await eventuallyGet(`/v1/deliveries/${dead.data[0].id}`, (b) => b.status === 'success');
      problem((await api().post(`/v1/dead-letters/${dead.data[0].id}/replay`).expect(409)).body);
      problem((await api().post(`/v1/dead-letters/${dead.data[0].id}/replay`, undefined, otherKey).expect(404)).body);
    });
  });

  describe('test ping', () => {
    it('sends one signed sample synchronously and stores nothing', async () => {
      const before = await t.db.query('SELECT (SELECT count(*) FROM webhook_events)::int AS e, (SELECT count(*) FROM webhook_deliveries)::int AS d');
      receiver.script('/ping', { status: 201, body: 'pong' });
      const res = await api().post('/v1/webhooks/test', { url: receiver.url('/ping'), payload: { a: 1 } }).expect(200);
      expectRelaySchema(`${PATHS}/~1v1~1webhooks~1test/post/responses/200/content/application~1json/schema`, res.body);
      expect(res.body).toMatchObject({ ok: true, status: 201, response_body_snippet: 'pong', error_code: null });
      expect(res.body.secret_used).toMatch(/^whsec_/);
      const got = receiver.on('/ping')[0];
      expect(got.headers['x-webhook-signature']).toBe(res.body.signature_sent);
      expect(JSON.parse(got.body)).toMatchObject({ type: 'test.ping', data: { a: 1 } });
      const after = await t.db.query('SELECT (SELECT count(*) FROM webhook_events)::int AS e, (SELECT count(*) FROM webhook_deliveries)::int AS d');
      expect(after.rows[0]).toEqual(before.rows[0]);

      const refused = await api().post('/v1/webhooks/test', { url: 'http://127.0.0.1:1/' }).expect(200);
      expect(refused.body).toMatchObject({ ok: false, status: null, error_code: 'connection_refused' });
      problem((await api().post('/v1/webhooks/test', { url: 'https://10.1.1.1/' }).expect(400)).body);
      problem((await api().post('/v1/webhooks/test', { event_type: 'x' }).expect(400)).body);
    });
  });

  async function eventuallyGet(path: string, ok: (body: request.Response['body']) => boolean): Promise<request.Response['body']> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await api().get(path).expect(200);
      if (ok(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`timed out on ${path}: ${JSON.stringify(res.body).slice(0, 400)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
