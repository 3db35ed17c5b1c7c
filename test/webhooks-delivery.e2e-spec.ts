import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { createHmac } from 'node:crypto';
import { get as httpGet, IncomingMessage } from 'node:http';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { clearStaleJobs } from '../src/common/queue/add-jobs';
import { QUEUES } from '../src/common/queue/queues';
import { DataSource } from 'typeorm';
import { RedisService } from '../src/common/redis/redis.module';
import { AppConfig } from '../src/config/app-config';
import { InFlightLimiter } from '../src/modules/deliveries/in-flight';
import { DeliveryReconciler } from '../src/modules/deliveries/reconciler';
import { EngineEvents } from '../src/modules/webhooks/engine-events';
import { eventually, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { apiKeyFor, expectRelaySchema } from './support/relay-contract';

/** The relay API's `t=<unix>,v1=<hex>` check, written independently of the engine's signing code. */
function verifyXSignature(header: string, body: string, secret: string): boolean {
  const parts = header.split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
  return parts.filter((p) => p.startsWith('v1=')).some((p) => p.slice(3) === expected);
}

describe('webhook delivery: signing, outcomes, retries, reconciler, live stream', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let key: string;
  let tenantId: string;
  const post = (p: string, body?: object) => request(t.url).post(p).set('Authorization', `Bearer ${key}`).send(body);
  const get = (p: string) => request(t.url).get(p).set('Authorization', `Bearer ${key}`);

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOK_CONNECT_TIMEOUT_MS: '500',
        WEBHOOK_DISABLE_AFTER_FAILURES: '3',
        WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION: '2',
      },
    });
    receiver = await WebhookReceiver.start();
    tenantId = (await createTenant(t)).id;
    key = await apiKeyFor(t, tenantId);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** A subscription to `<path>` for events of type `case.<name>`; returns its id and secret. */
  async function subscribe(name: string, url = receiver.url(`/${name}`)): Promise<{ id: string; secret: string }> {
    const res = await post('/v1/subscriptions', { url, event_filter: `case.${name}` }).expect(201);
    return { id: res.body.id, secret: res.body.signing_secret };
  }
  async function send(name: string, payload: object = {}): Promise<string> {
    return (await post('/v1/events', { type: `case.${name}`, payload }).expect(202)).body.id;
  }
  async function settled(eventId: string, status: string): Promise<request.Response['body']> {
    return eventually(async () => {
      const list = await get(`/v1/deliveries?event_id=${eventId}`).expect(200);
      const d = list.body.data[0];
      if (d?.status !== status) return null;
      const one = await get(`/v1/deliveries/${d.id}`).expect(200);
      expectRelaySchema('Delivery', one.body);
      return one.body;
    }, 20_000, `delivery of ${eventId} to be ${status}`);
  }

  it('signs with Standard Webhooks and t=,v1= using the same key and timestamp; both secrets during rotation', async () => {
    const sub = await subscribe('signed');
    const eventId = await send('signed', { order: 42 });
    const [req] = await receiver.waitFor('/signed', 1);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toMatch(/^SendEngine-Webhooks\/\d+\.\d+\.\d+/);
    expect(req.headers['webhook-id']).toBe(eventId);
    const envelope = JSON.parse(req.body);
    expect(envelope).toEqual({ id: eventId, type: 'case.signed', created_at: expect.any(String), data: { order: 42 } });
    expect(() => new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
    const x = req.headers['x-webhook-signature'] as string;
    expect(x).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(x.startsWith(`t=${req.headers['webhook-timestamp']},`)).toBe(true);
    expect(verifyXSignature(x, req.body, sub.secret)).toBe(true);
    const delivery = await settled(eventId, 'success');
    expect(delivery.attempts[0].request_signature).toBe(x);

    const rotated = (await post(`/v1/subscriptions/${sub.id}/rotate-secret`).expect(200)).body.signing_secret as string;
    await send('signed', { order: 43 });
    const [, second] = await receiver.waitFor('/signed', 2);
    expect((second.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [sub.secret, rotated]) {
      expect(() => new Webhook(secret).verify(second.body, second.headers as Record<string, string>)).not.toThrow();
      expect(verifyXSignature(second.headers['x-webhook-signature'] as string, second.body, secret)).toBe(true);
    }
    expect(verifyXSignature(second.headers['x-webhook-signature'] as string, second.body, 'whsec_' + Buffer.alloc(32, 1).toString('base64'))).toBe(false);
  });

  it('200 → success after one attempt', async () => {
    await subscribe('ok');
    const d = await settled(await send('ok'), 'success');
    expect(d).toMatchObject({ attempts_made: 1, final_status_code: 200, next_attempt_at: null });
    expect(d.attempts[0]).toMatchObject({ attempt_number: 1, response_status: 200, response_body_snippet: 'ok', error_code: null });
    expect(d.attempts[0].latency_ms).toEqual(expect.any(Number));
  });

  it('500 then 200 → retried on the configured schedule, then success; webhook-id stable', async () => {
    receiver.script('/flaky', { status: 500, body: 'boom' }, { status: 200 });
    await subscribe('flaky');
    const eventId = await send('flaky');
    const d = await settled(eventId, 'success');
    expect(d.attempts.map((a: { response_status: number }) => a.response_status)).toEqual([500, 200]);
    const reqs = receiver.on('/flaky');
    expect(reqs.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
  });

  it('5xx until the schedule is exhausted → dead after schedule.length + 1 attempts', async () => {
    receiver.script('/down', { status: 503 });
    await subscribe('down');
    const d = await settled(await send('down'), 'dead');
    expect(d.attempts_made).toBe(3);
    expect(d.final_status_code).toBe(503);
  });

  it('404 → dead at once and counted; the threshold disables the subscription', async () => {
    receiver.script('/missing', { status: 404 });
    const sub = await subscribe('missing');
    const d = await settled(await send('missing'), 'dead');
    expect(d.attempts_made).toBe(1);
    expect((await get(`/v1/subscriptions/${sub.id}`).expect(200)).body).toMatchObject({ consecutive_failures: 1, state: 'active' });
    await settled(await send('missing'), 'dead');
    await settled(await send('missing'), 'dead');
    expect((await get(`/v1/subscriptions/${sub.id}`).expect(200)).body).toMatchObject({ consecutive_failures: 3, state: 'disabled' });
    // a disabled subscription gets no new deliveries; resume resets the count
    expect((await post('/v1/events', { type: 'case.missing', payload: {} }).expect(202)).body.deliveries_summary.total).toBe(0);
    expect((await post(`/v1/subscriptions/${sub.id}/resume`).expect(200)).body).toMatchObject({ state: 'active', consecutive_failures: 0 });
  });

  it('410 → dead and the subscription disabled', async () => {
    receiver.script('/gone', { status: 410 });
    const sub = await subscribe('gone');
    await settled(await send('gone'), 'dead');
    expect((await get(`/v1/subscriptions/${sub.id}`).expect(200)).body.state).toBe('disabled');
  });

  it('429 honours Retry-After', async () => {
    receiver.script('/busy', { status: 429, headers: { 'retry-after': '1' } }, { status: 200 });
    await subscribe('busy');
    const d = await settled(await send('busy'), 'success');
    expect(d.attempts[0]).toMatchObject({ response_status: 429, response_headers: expect.objectContaining({ 'retry-after': '1' }) });
    expect(d.attempts_made).toBe(2);
  });

  it('slow receiver → timeout, retried', async () => {
    receiver.script('/slow', { delayMs: 3000 }, { status: 200 });
    await subscribe('slow');
    const d = await settled(await send('slow'), 'success');
    expect(d.attempts[0]).toMatchObject({ response_status: null, error_code: 'timeout' });
  });

  it('connection refused → connection_refused, retried, then dead', async () => {
    await subscribe('refused', 'http://127.0.0.1:1/hook');
    const d = await settled(await send('refused'), 'dead');
    expect(d.attempts.map((a: { error_code: string }) => a.error_code)).toEqual(['connection_refused', 'connection_refused', 'connection_refused']);
  });

  it('302 is not followed → dead with redirect_refused', async () => {
    receiver.script('/moved', { status: 302, headers: { location: receiver.url('/elsewhere') } });
    await subscribe('moved');
    const d = await settled(await send('moved'), 'dead');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ response_status: 302, error_code: 'redirect_refused' });
    expect(receiver.on('/elsewhere')).toHaveLength(0);
  });

  it('a huge response body is cut at 4 KB', async () => {
    receiver.script('/huge', { status: 200, body: 'y'.repeat(2 * 1024 * 1024) });
    await subscribe('huge');
    const d = await settled(await send('huge'), 'success');
    expect(d.attempts[0].response_body_snippet).toBe('y'.repeat(4096));
  });

  it('a paused subscription → dead with a reason, replayable after resume', async () => {
    const sub = await subscribe('paused');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    await queue.pause(true); // hold this process's worker so the pause lands before the attempt
    const eventId = await send('paused');
    await post(`/v1/subscriptions/${sub.id}/pause`).expect(200);
    await queue.resume(true);
    const d = await settled(eventId, 'dead');
    expect(d.attempts).toEqual([]);
    const row = await t.db.query('SELECT dead_reason FROM webhook_deliveries WHERE id = $1', [d.id]);
    expect(row.rows[0].dead_reason).toBe('subscription_paused');
    await post(`/v1/subscriptions/${sub.id}/resume`).expect(200);
    await post(`/v1/dead-letters/${d.id}/replay`).expect(200);
    await settled(eventId, 'success');
  });

  it('a secret that cannot be opened → dead with a reason, no request sent', async () => {
    const sub = await subscribe('sealed');
    await t.db.query(`UPDATE webhook_subscriptions SET sealed_secret = 'v1.AAAA.BBBB.CCCC' WHERE id = $1`, [sub.id]);
    const d = await settled(await send('sealed'), 'dead');
    expect(d.attempts).toEqual([]);
    const row = await t.db.query('SELECT dead_reason FROM webhook_deliveries WHERE id = $1', [d.id]);
    expect(row.rows[0].dead_reason).toBe('secret_unreadable');
    expect(receiver.on('/sealed')).toHaveLength(0);
  });

  it('a failed enqueue leaves committed rows that the reconciler sends', async () => {
    await subscribe('atomic');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    // The statement's first-attempt batch job is the add that fails.
    const spy = jest.spyOn(queue, 'add').mockRejectedValueOnce(new Error('redis unavailable'));
    const eventId = await send('atomic');
    expect(spy.mock.calls[0][0]).toBe(QUEUES.deliveries.jobs.firstAttempts);
    spy.mockRestore();
    const rows = await t.db.query(`SELECT status, first_attempt_batch IS NOT NULL AS batched FROM webhook_deliveries WHERE event_id = $1`, [eventId]);
    expect(rows.rows).toEqual([{ status: 'pending', batched: true }]);
    expect(receiver.on('/atomic')).toHaveLength(0);
    await t.app.get(DeliveryReconciler).run();
    await receiver.waitFor('/atomic', 1);
    await settled(eventId, 'success');
  });

  it('wiping Redis (this deployment\'s keys, as FLUSHALL would) with deliveries pending loses nothing', async () => {
    await subscribe('wipe');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    await queue.pause(true);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await send('wipe', { i }));
    expect(await queue.getWaitingCount()).toBeGreaterThanOrEqual(5);
    // Only this app's prefix: FLUSHALL would also wipe the other test files sharing this Redis server.
    const keys = await t.redis.keys(`${t.env.REDIS_KEY_PREFIX}:*`);
    await t.redis.del(...keys);
    await queue.resume(true);
    expect(await queue.getWaitingCount()).toBe(0);
    await t.app.get(DeliveryReconciler).run();
    await receiver.waitFor('/wipe', 5);
    for (const id of ids) await settled(id, 'success');
  });

  it('a leftover job hash with the same id (broken or finished) never swallows a re-enqueue: reconciler and retry', async () => {
    await subscribe('leftover');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    const jobKey = (id: string) => `${t.env.REDIS_KEY_PREFIX}:bull:${QUEUES.deliveries.name}:${id}`;
    await queue.pause(true);
    const events = [await send('leftover', { i: 0 }), await send('leftover', { i: 1 })];
    const ids: string[] = [];
    for (const e of events) ids.push((await t.db.query(`SELECT id FROM webhook_deliveries WHERE event_id = $1`, [e])).rows[0].id);
    await t.redis.del(...(await t.redis.keys(`${t.env.REDIS_KEY_PREFIX}:*`)));
    // What a worker's writes leave when they land after a wipe: no name, no data, a failure reason.
    await t.redis.hset(jobKey(`${ids[0]}:1`), { processedOn: Date.now(), failedReason: 'Missing process handler for job type __default__', finishedOn: Date.now() });
    // A finished job kept by a retention setting.
    await t.redis.hset(jobKey(`${ids[1]}:1`), { name: QUEUES.deliveries.jobs.attempt, data: '{}', opts: '{}', finishedOn: Date.now() });
    await queue.resume(true);
    await t.app.get(DeliveryReconciler).run();
    await receiver.waitFor('/leftover', 2);
    for (const e of events) await settled(e, 'success');

    // The retry endpoint: attempt 2's id is taken by a broken hash; the retry still sends.
    await t.redis.hset(jobKey(`${ids[0]}:2`), { processedOn: Date.now(), failedReason: 'Missing process handler for job type __default__' });
    await post(`/v1/deliveries/${ids[0]}/retry`).expect(200);
    await receiver.waitFor('/leftover', 3);
    const row = await eventually(async () => {
      const r = (await t.db.query(`SELECT status, attempts_made FROM webhook_deliveries WHERE id = $1`, [ids[0]])).rows[0];
      return r.status === 'success' && r.attempts_made === 2 ? r : null;
    }, 20_000, 'the retried delivery to succeed');
    expect(row).toEqual({ status: 'success', attempts_made: 2 });
  });

  it('add-jobs: a waiting batch job is reported live, its hash and its rows left alone by a reconciler pass; a finished one cleared', async () => {
    await subscribe('backlog');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    const jobKey = (id: string) => `${t.env.REDIS_KEY_PREFIX}:bull:${QUEUES.deliveries.name}:${id}`;
    await queue.pause(true);
    const event = await send('backlog', { n: 1 });
    const row = (await t.db.query<{ id: string; first_attempt_batch: string }>('SELECT id, first_attempt_batch FROM webhook_deliveries WHERE event_id = $1', [event])).rows[0];
    const waiting = `first:${row.first_attempt_batch}`;
    const before = await t.redis.hgetall(jobKey(waiting));
    expect(JSON.parse(before.data)).toEqual({ batch: row.first_attempt_batch, deliveryIds: [row.id] });
    const finished = `finished-${Date.now()}`;
    await t.redis.hset(jobKey(finished), { name: QUEUES.deliveries.jobs.attempt, data: '{}', opts: '{}', finishedOn: Date.now() });

    expect(await clearStaleJobs(queue, [waiting, finished, `missing-${Date.now()}`])).toEqual(new Set([waiting]));
    expect(await t.redis.exists(jobKey(finished))).toBe(0);
    await t.app.get(DeliveryReconciler).run();
    expect(await t.redis.hgetall(jobKey(waiting))).toEqual(before);
    expect(await t.redis.exists(jobKey(`${row.id}:1`))).toBe(0); // the batch holds the row: no job of its own
    await queue.resume(true);
    await settled(event, 'success');
    expect(receiver.on('/backlog')).toHaveLength(1);
  });

  it('keeps finished attempt jobs for Bull Board, and a kept job never swallows the reconciler re-adding its id', async () => {
    await subscribe('kept');
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    const deliveryOf = async (eventId: string) =>
      (await t.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE event_id = $1', [eventId])).rows[0].id;

    const batchOf = async (eventId: string) =>
      (await t.db.query<{ b: string }>('SELECT first_attempt_batch AS b FROM webhook_deliveries WHERE event_id = $1', [eventId])).rows[0].b;

    const sent = await send('kept', { n: 1 });
    await settled(sent, 'success');
    expect(await (await queue.getJob(`first:${await batchOf(sent)}`))?.isCompleted()).toBe(true);

    // A worker takes the batch and it fails for good without making the attempt: the row stays due, and the
    // reconciler gives it a job of its own (then a kept attempt job never swallows a re-add of its id).
    await queue.pause(true);
    const stuck = await send('kept', { n: 2 });
    const job = await queue.getNextJob();
    expect(job?.id).toBe(`first:${await batchOf(stuck)}`);
    job!.discard(); // no Bull retry left: this is the job's final failure
    await job!.moveToFailed({ message: 'gave up' });
    expect(await (await queue.getJob(job!.id))?.isFailed()).toBe(true);
    await queue.resume(true);

    await t.app.get(DeliveryReconciler).run();
    await receiver.waitFor('/kept', 2);
    await settled(stuck, 'success');
    const own = await queue.getJob(`${await deliveryOf(stuck)}:1`);
    expect(await own?.isCompleted()).toBe(true);
    // A kept attempt job under the id a re-add needs: a reconciler pass over the row reset to due still sends it.
    await t.db.query(`UPDATE webhook_deliveries SET status = 'pending', attempts_made = 0, next_attempt_at = now() WHERE id = $1`, [await deliveryOf(stuck)]);
    await t.db.query(`DELETE FROM webhook_delivery_attempts WHERE delivery_id = $1`, [await deliveryOf(stuck)]);
    await t.app.get(DeliveryReconciler).run();
    await receiver.waitFor('/kept', 3);
  });

  it('caps in-flight deliveries per subscription', async () => {
    receiver.script('/capped', { delayMs: 300 });
    await subscribe('capped');
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => send('capped', { i })));
    for (const id of ids) await settled(id, 'success');
    expect(receiver.on('/capped')).toHaveLength(6);
    expect(receiver.maxConcurrent('/capped')).toBeLessThanOrEqual(2);
    expect(receiver.maxConcurrent('/capped')).toBeGreaterThanOrEqual(1);
  });

  it('in-flight leases: a cap shared by processes, leases taken together in one call each counted', async () => {
    // Two limiters on the same Redis stand for two worker processes (the cap is 2 in this file).
    const config = t.app.get(AppConfig);
    const [a, b] = [new InFlightLimiter(t.app.get(RedisService), config), new InFlightLimiter(t.app.get(RedisService), config)];
    const lane = `lease-test-${Date.now()}`;
    // Taken in one event-loop turn, so one EVALSHA carries the lane twice (and a third key for another lane).
    await expect(Promise.all([a.acquire(lane, 'a1'), a.acquire(lane, 'a2'), a.acquire(`${lane}-other`, 'a3')])).resolves.toEqual([true, true, true]);
    expect(await b.acquire(lane, 'b1', 0)).toBe(false);
    a.release(lane, 'a1');
    expect(await b.acquire(lane, 'b1', 1000)).toBe(true);
    expect(await a.acquire(lane, 'a4', 0)).toBe(false);
    for (const [l, lane2, holder] of [[a, lane, 'a2'], [b, lane, 'b1'], [a, `${lane}-other`, 'a3']] as const) l.release(lane2, holder);
  });

  it('EngineEvents: written in the caller\'s transaction, enqueued after commit, nothing on rollback', async () => {
    const engine = t.app.get(EngineEvents);
    const ds = t.app.get(DataSource);
    await post('/v1/subscriptions', { url: receiver.url('/engine'), event_filter: 'send_job.*' }).expect(201);
    await ds.transaction(async (m) => {
      await engine.publish({ tenantId, type: 'send_job.completed', data: { run: 'committed' } }, m);
    });
    await expect(
      ds.transaction(async (m) => {
        await engine.publish({ tenantId, type: 'send_job.failed', data: { run: 'rolled-back' } }, m);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await engine.publish({ tenantId, type: 'send_job.started', data: { run: 'own-transaction' } });
    const got = await receiver.waitFor('/engine', 2);
    expect(got.map((r) => JSON.parse(r.body).data.run).sort()).toEqual(['committed', 'own-transaction']);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE payload->>'run' = 'rolled-back'`);
    expect(rows.rows[0].n).toBe(0);
    const listed = await get('/v1/events?type=send_job.completed').expect(200);
    expect(listed.body.data[0]).toMatchObject({ payload: { run: 'committed' }, source_ip: null });
  });

  it('the SSE stream of one app instance shows a delivery made by another', async () => {
    const apiOnly = await createTestApp({ shareWith: t, env: { APP_ROLE: 'api' } });
    try {
      await subscribe('live');
      const res = await new Promise<IncomingMessage>((resolve, reject) => httpGet(`${apiOnly.url}/v1/echo/stream?key=${key}`, resolve).on('error', reject));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      await eventually(async () => text.includes('stream open'), 5000, 'stream to open');
      const eventId = (await request(apiOnly.url).post('/v1/events').set('Authorization', `Bearer ${key}`).send({ type: 'case.live', payload: {} }).expect(202)).body.id;
      const frame = await eventually(async () => text.split('\n\n').find((f) => f.includes(eventId) && f.includes('"success"')), 20_000, 'a success update');
      expect(frame).toMatch(/^event: delivery\ndata: /m);
      const data = JSON.parse(frame.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
      expectRelaySchema('Delivery', data);
      res.destroy();

      const denied = await request(apiOnly.url).get('/v1/echo/stream?key=whk_test_notarealkey0000000000000').expect(401);
      expectRelaySchema('Problem', denied.body);
    } finally {
      await apiOnly.close();
    }
  });
});
