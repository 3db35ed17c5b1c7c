import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';
import { QUEUES } from '../src/common/queue/queues';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DeliveryReconciler } from '../src/modules/deliveries/reconciler';
import { DeliveryProducer, DueAttempt } from '../src/modules/deliveries/delivery.producer';
import { AttemptRecord, DeliveriesRepository } from '../src/modules/deliveries/deliveries.repository';
import { SubscriptionEffect } from '../src/modules/webhooks/subscription-failures';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';

/** The group-committed record statement: one batch of attempts, several on the same subscription. */
describe('the delivery worker\'s statements: batched record, keyset reconcile', () => {
  let t: TestApp;
  let store: DeliveriesRepository;
  let tenantId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { WEBHOOK_DISABLE_AFTER_FAILURES: '3' } });
    store = t.app.get(DeliveriesRepository);
    tenantId = (await createTenant(t)).id;
  });
  afterAll(() => t?.close());

  async function subscription(consecutiveFailures = 0): Promise<string> {
    const id = randomUUID();
    await t.db.query(`INSERT INTO webhook_subscriptions (id, tenant_id, url, sealed_secret, consecutive_failures) VALUES ($1, $2, 'http://127.0.0.1/x', 'sealed', $3)`, [
      id, tenantId, consecutiveFailures,
    ]);
    return id;
  }
  async function delivery(subscriptionId: string): Promise<string> {
    const id = randomUUID();
    await t.db.query(`INSERT INTO webhook_deliveries (id, tenant_id, subscription_id) VALUES ($1, $2, $3)`, [id, tenantId, subscriptionId]);
    return id;
  }
  function attempt(deliveryId: string, subscriptionId: string, effect: SubscriptionEffect, attemptsMade = 1): AttemptRecord {
    const dead = effect === 'dead' || effect === 'gone';
    return {
      deliveryId,
      subscriptionId,
      attempt: {
        requestSignature: 't=1,v1=x', webhookSignature: 'v1,x', url: 'http://127.0.0.1/x', requestHeaders: { 'webhook-id': deliveryId },
        responseStatus: dead ? 404 : 200,
        responseHeaders: { 'content-type': 'text/plain' }, responseBodySnippet: 'ok', latencyMs: 3, errorCode: null, errorDetail: null,
      },
      settlement: {
        attemptsMade, finalStatusCode: dead ? 404 : 200, status: dead ? 'dead' : 'success', nextAttemptAt: null, completedAt: new Date(),
        deadReason: dead ? 'http_404' : null,
      },
      effect,
    };
  }
  const subRow = async (id: string) =>
    (await t.db.query(`SELECT consecutive_failures, state, disabled_at FROM webhook_subscriptions WHERE id = $1`, [id])).rows[0];

  it('records every attempt and settles its row; counts successes first, then deads', async () => {
    const sub = await subscription(5);
    const ids = [await delivery(sub), await delivery(sub), await delivery(sub)];
    // The worker's hot statements go to TypeORM's pg pool directly (no QueryRunner per statement).
    const query = jest.spyOn((t.app.get(DataSource).driver as PostgresDriver).master as Pool, 'query');
    const recorded = await Promise.all([
      store.record(attempt(ids[0], sub, 'dead')),
      store.record(attempt(ids[1], sub, 'success')),
      store.record(attempt(ids[2], sub, 'dead')),
    ]);
    expect(recorded).toEqual([true, true, true]);
    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
    expect(await subRow(sub)).toMatchObject({ consecutive_failures: 2, state: 'active', disabled_at: null });
    const rows = (await t.db.query(`SELECT id, status, attempts_made, final_status_code, dead_reason FROM webhook_deliveries WHERE id = ANY($1) ORDER BY id`, [ids])).rows;
    expect(rows.map((r) => [r.id, r.status, r.attempts_made])).toEqual(
      [...ids].sort().map((id) => [id, id === ids[1] ? 'success' : 'dead', 1]),
    );
    const attempts = (await t.db.query(`SELECT delivery_id, response_headers FROM webhook_delivery_attempts WHERE delivery_id = ANY($1)`, [ids])).rows;
    expect(attempts).toHaveLength(3);
    expect(attempts[0].response_headers).toEqual({ 'content-type': 'text/plain' });
  });

  it('disables when the deads of one batch reach the threshold, or on a 410', async () => {
    const counted = await subscription(1);
    const gone = await subscription(0);
    const [a, b, c] = [await delivery(counted), await delivery(counted), await delivery(gone)];
    await Promise.all([store.record(attempt(a, counted, 'dead')), store.record(attempt(b, counted, 'dead')), store.record(attempt(c, gone, 'gone'))]);
    expect(await subRow(counted)).toMatchObject({ consecutive_failures: 3, state: 'disabled', disabled_at: expect.any(Date) });
    expect(await subRow(gone)).toMatchObject({ consecutive_failures: 1, state: 'disabled', disabled_at: expect.any(Date) });
  });

  it('an attempt already recorded changes nothing and answers false, in the same batch as new ones', async () => {
    const sub = await subscription(0);
    const [done, fresh] = [await delivery(sub), await delivery(sub)];
    expect(await store.record(attempt(done, sub, 'success'))).toBe(true);
    const recorded = await Promise.all([store.record(attempt(done, sub, 'dead')), store.record(attempt(fresh, sub, 'dead'))]);
    expect(recorded).toEqual([false, true]);
    expect(await subRow(sub)).toMatchObject({ consecutive_failures: 1, state: 'active' });
    expect((await t.db.query(`SELECT status FROM webhook_deliveries WHERE id = $1`, [done])).rows[0].status).toBe('success');
  });

  it('the reconciler pages by keyset through rows that share a due time to the microsecond, one addBulk per page', async () => {
    // Due far ahead, so the app's own reconciler leaves them alone; a pass "at" that time sees them all.
    const at = '2031-01-01 00:00:00.123456+00';
    await t.db.query(
      `INSERT INTO webhook_deliveries (id, tenant_id, status, attempts_made, next_attempt_at)
       SELECT gen_random_uuid(), $1, 'failed', 1, $2 FROM generate_series(1, 2500)`,
      [tenantId, at],
    );
    const pages: DueAttempt[][] = [];
    const producer = { enqueueMany: async (attempts: DueAttempt[]) => void pages.push(attempts) } as unknown as DeliveryProducer;
    const seen = await new DeliveryReconciler(t.app.get(DeliveriesRepository), producer).run(new Date('2031-01-01T00:00:00.200Z'));
    expect(seen).toBe(2500);
    expect(pages.map((p) => p.length)).toEqual([2000, 500]);
    const all = pages.flat();
    expect(new Set(all.map((a) => a.deliveryId)).size).toBe(2500);
    expect(all.every((a) => a.attempt === 2 && a.delayMs === -77)).toBe(true);
  });

  it('the reconciler leaves rows to their live first-attempt batch and gives the others their own jobs', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.deliveries.name));
    const [live, gone] = [randomUUID(), randomUUID()];
    // Delayed far ahead: the batch stays live (delayed) for the whole test and never runs.
    await queue.add(QUEUES.deliveries.jobs.firstAttempts, { batch: live, deliveryIds: [] }, { jobId: `first:${live}`, delay: 3_600_000 });
    // Due far ahead too (before the keyset test's rows), so only a pass "at" that time sees them.
    const at = '2030-01-01 00:00:00+00';
    const row = async (batch: string, attemptsMade: number) => {
      const id = randomUUID();
      await t.db.query(
        `INSERT INTO webhook_deliveries (id, tenant_id, status, attempts_made, next_attempt_at, first_attempt_batch) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, tenantId, attemptsMade ? 'failed' : 'pending', attemptsMade, at, batch],
      );
      return id;
    };
    await queue.pause(true); // this app's worker leaves the added jobs alone: the test only looks at them
    const held = await row(live, 0);
    const orphaned = await row(gone, 0); // its batch job was lost (a Redis wipe) or ended without attempting it
    const retrying = await row(live, 1); // attempt 1 made: the batch holds only first attempts
    const seen = await t.app.get(DeliveryReconciler).run(new Date('2030-01-01T00:00:00Z'));
    expect(seen).toBe(3);
    const jobs = [`${held}:1`, `${orphaned}:1`, `${retrying}:2`];
    const found = await Promise.all(jobs.map((id) => queue.getJob(id)));
    expect(found.map((j) => j?.id ?? null)).toEqual([null, `${orphaned}:1`, `${retrying}:2`]);
    await queue.removeJobs(`first:${live}`);
    for (const j of found) await j?.remove();
    await queue.resume(true);
  });
});
