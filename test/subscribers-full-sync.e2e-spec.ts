import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SubscribersProcessor } from '../src/modules/subscribers/subscribers.processor';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';

interface Member {
  id: string;
  email: string;
  status?: string;
  preferences?: Record<string, unknown>;
}

/** Full list syncs: batches in any order and in parallel, completion, supersession, abandonment. */
describe('Member Center full sync', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let mc: MemberCenterClient;

  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
  const members = (n: number, tag: string): Member[] => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `${tag}${i}@example.com` }));

  function batch(syncId: string, listId: string, batchNo: number, batchTotal: number, subs: Member[], occurredAt: string) {
    return {
      sync_id: syncId,
      batch_no: batchNo,
      batch_total: batchTotal,
      tenant_id: tenant.id,
      list_id: listId,
      subscribers: subs.map((s) => ({ status: 'active', ...s })),
      occurred_at: occurredAt,
    };
  }

  const post = (body: unknown) => mc.post('/webhooks/lists/full-sync', body);

  async function statuses(listId: string): Promise<Record<string, { status: string; reason: string | null }>> {
    const r = await t.db.query('SELECT subscriber_id, status, reason FROM list_memberships WHERE tenant_id = $1 AND list_id = $2', [tenant.id, listId]);
    return Object.fromEntries(r.rows.map((row) => [row.subscriber_id, { status: row.status, reason: row.reason }]));
  }

  async function activate(listId: string, m: Member, occurredAt: string) {
    await mc
      .post('/webhooks/subscriptions', {
        event_id: randomUUID(),
        event_type: 'subscription.activated',
        tenant_id: tenant.id,
        list_id: listId,
        subscriber: { ...m, status: 'active' },
        occurred_at: occurredAt,
      })
      .expect(200);
  }

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    mc = await MemberCenterClient.create(t, tenant.id);
  });
  afterAll(async () => t?.close());

  it('completes 3 batches received out of order and removes the absentees', async () => {
    const listId = randomUUID();
    const stale = members(2, 'stale');
    for (const m of stale) await activate(listId, m, at(3600));
    const syncId = randomUUID();
    const parts = [members(3, 'a'), members(3, 'b'), members(2, 'c')];

    const third = await post(batch(syncId, listId, 3, 3, parts[2], at(60))).expect(200);
    expect(third.body).toEqual({ sync_id: syncId, batch_no: 3, batches_received: 1, batch_total: 3, sync_status: 'receiving' });
    await post(batch(syncId, listId, 1, 3, parts[0], at(60))).expect(200);
    const last = await post(batch(syncId, listId, 2, 3, parts[1], at(60))).expect(200);
    expect(last.body).toMatchObject({ batches_received: 3, sync_status: 'completed', removed: 2 });

    const s = await statuses(listId);
    for (const m of parts.flat()) expect(s[m.id]).toEqual({ status: 'active', reason: null });
    for (const m of stale) expect(s[m.id]).toEqual({ status: 'unsubscribed', reason: 'removed_by_full_sync' });

    const progress = await request(t.url).get(`/api/lists/${listId}/syncs/${syncId}`).set('Authorization', `Bearer ${tenant.viewer}`).expect(200);
    expect(progress.body).toMatchObject({
      id: syncId,
      status: 'completed',
      batch_total: 3,
      batches_received: 3,
      received_batch_numbers: [1, 2, 3],
      subscribers_received: 8,
      removed_count: 2,
    });
  });

  it('accepts the batches of one sync in parallel', async () => {
    const listId = randomUUID();
    const syncId = randomUUID();
    const parts = Array.from({ length: 5 }, (_, i) => members(20, `par${i}-`));
    const results = await Promise.all(parts.map((p, i) => post(batch(syncId, listId, i + 1, 5, p, at(30)))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.sync_status === 'completed')).toHaveLength(1);
    const r = await t.db.query('SELECT status, batches_received FROM full_syncs WHERE id = $1', [syncId]);
    expect(r.rows).toEqual([{ status: 'completed', batches_received: 5 }]);
    expect(Object.keys(await statuses(listId))).toHaveLength(100);
  });

  it('answers 409 duplicate_batch for a repeated batch, also in parallel', async () => {
    const listId = randomUUID();
    const syncId = randomUUID();
    const b = batch(syncId, listId, 1, 2, members(3, 'dup'), at(30));
    await post(b).expect(200);
    const again = await post(b);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, error: 'duplicate_batch', reason: 'duplicate_batch' });

    const b2 = batch(syncId, listId, 2, 2, members(3, 'dup2'), at(30));
    const both = await Promise.all([post(b2), post(b2)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await t.db.query('SELECT batches_received, status FROM full_syncs WHERE id = $1', [syncId]);
    expect(rows.rows).toEqual([{ batches_received: 2, status: 'completed' }]);
  });

  it('answers 422 for a batch that contradicts itself or earlier batches', async () => {
    const listId = randomUUID();
    const syncId = randomUUID();
    const beyond = await post(batch(syncId, listId, 4, 3, [], at(30)));
    expect(beyond.status).toBe(422);
    expect(beyond.body.errors).toHaveProperty('batch_no');

    await post(batch(syncId, listId, 1, 3, members(1, 'x'), at(30))).expect(200);
    const total = await post(batch(syncId, listId, 2, 4, [], at(30)));
    expect(total.status).toBe(422);
    expect(total.body).toMatchObject({ error: 'validation_failed', errors: { batch_total: expect.any(Array) } });
    const list = await post(batch(syncId, randomUUID(), 2, 3, [], at(30)));
    expect(list.status).toBe(422);
    expect(list.body.errors).toHaveProperty('list_id');

    const other = await createTenant(t);
    const otherMc = await MemberCenterClient.create(t, other.id);
    const foreign = await otherMc.post('/webhooks/lists/full-sync', { ...batch(syncId, listId, 2, 3, [], at(30)), tenant_id: other.id });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toHaveProperty('tenant_id');

    const rows = await t.db.query('SELECT batches_received FROM full_syncs WHERE id = $1', [syncId]);
    expect(rows.rows).toEqual([{ batches_received: 1 }]);
  });

  it('answers 422 for bad subscribers and for more than 10,000 of them', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    const bad = await post(batch(randomUUID(), listId, 1, 1, [{ id, email: 'a@example.com' }, { id, email: 'b@example.com' }, { id: randomUUID(), email: 'nope' }], at(30)));
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['subscribers.1.id', 'subscribers.2.email']);

    const many = Array.from({ length: 10_001 }, (_, i) => ({ id: randomUUID(), email: `m${i}@example.com` }));
    const tooMany = await post(batch(randomUUID(), listId, 1, 1, many, at(30)));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toHaveProperty('subscribers');
  });

  it('removes nobody while a sync is incomplete, and abandons it after 24 hours', async () => {
    const listId = randomUUID();
    const existing = members(2, 'keep');
    for (const m of existing) await activate(listId, m, at(3600));
    const syncId = randomUUID();
    await post(batch(syncId, listId, 1, 3, members(2, 'inc1'), at(60))).expect(200);
    await post(batch(syncId, listId, 2, 3, members(2, 'inc2'), at(60))).expect(200);
    let s = await statuses(listId);
    for (const m of existing) expect(s[m.id].status).toBe('active');

    await t.db.query(`UPDATE full_syncs SET created_at = now() - interval '25 hours' WHERE id = $1`, [syncId]);
    const late = await post(batch(syncId, listId, 3, 3, members(1, 'inc3'), at(60)));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: 'conflict', reason: 'sync_abandoned' });
    s = await statuses(listId);
    for (const m of existing) expect(s[m.id].status).toBe('active');
    const progress = await request(t.url).get(`/api/lists/${listId}/syncs/${syncId}`).set('Authorization', `Bearer ${tenant.viewer}`).expect(200);
    expect(progress.body).toMatchObject({ status: 'abandoned', batches_received: 2, received_batch_numbers: [1, 2], removed_count: null });
  });

  it('the worker sweep abandons every sync left incomplete for 24 hours', async () => {
    const listId = randomUUID();
    const stale = randomUUID();
    const fresh = randomUUID();
    await post(batch(stale, listId, 1, 2, members(1, 'sweep'), at(60))).expect(200);
    await post(batch(fresh, listId, 1, 2, members(1, 'fresh'), at(60))).expect(200);
    await t.db.query(`UPDATE full_syncs SET created_at = now() - interval '25 hours' WHERE id = $1`, [stale]);
    expect(await t.app.get(SubscribersProcessor).abandonStaleSyncs()).toEqual({ abandoned: 1 });
    const rows = await t.db.query('SELECT id, status FROM full_syncs WHERE id = ANY($1) ORDER BY status', [[stale, fresh]]);
    expect(rows.rows).toEqual([
      { id: stale, status: 'abandoned' },
      { id: fresh, status: 'receiving' },
    ]);
  });

  it('does not overwrite a newer event with an older sync, nor remove a member a newer event added', async () => {
    const listId = randomUUID();
    const inSync = members(1, 'newer')[0];
    const absent = members(1, 'added')[0];
    const syncId = randomUUID();
    await post(batch(syncId, listId, 1, 2, [], at(120))).expect(200);
    // while the sync (snapshot 120 s ago) is running, Member Center sends newer events
    await mc
      .post('/webhooks/subscriptions', {
        event_id: randomUUID(),
        event_type: 'subscription.unsubscribed',
        tenant_id: tenant.id,
        list_id: listId,
        subscriber: { ...inSync, status: 'unsubscribed' },
        occurred_at: at(30),
      })
      .expect(200);
    await activate(listId, absent, at(30));
    const done = await post(batch(syncId, listId, 2, 2, [{ ...inSync, status: 'active' }], at(120))).expect(200);
    expect(done.body).toMatchObject({ sync_status: 'completed', removed: 0 });
    const s = await statuses(listId);
    expect(s[inSync.id].status).toBe('unsubscribed');
    expect(s[absent.id].status).toBe('active');
  });

  it('keeps suppressed addresses suppressed through a sync', async () => {
    const listId = randomUUID();
    const m = members(1, 'supp')[0];
    await activate(listId, m, at(600));
    await t.db.query(`INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES ($1, $2, $3, 'complaint', 'ses')`, [
      randomUUID(),
      tenant.id,
      m.email,
    ]);
    await post(batch(randomUUID(), listId, 1, 1, [m], at(60))).expect(200);
    expect((await statuses(listId))[m.id]).toEqual({ status: 'complaint', reason: 'complaint' });
  });

  it('keeps stored preferences when a batch item carries none, and replaces them with an object it carries', async () => {
    const listId = randomUUID();
    const [absent, replaced, cleared, created] = members(4, 'prefs');
    for (const m of [absent, replaced, cleared]) await activate(listId, { ...m, preferences: { city: 'Oslo', first_name: 'Ann' } }, at(600));
    const batchItems: Member[] = [absent, { ...replaced, preferences: { city: 'Bergen' } }, { ...cleared, preferences: {} }, created];
    await post(batch(randomUUID(), listId, 1, 1, batchItems, at(60))).expect(200);
    const r = await t.db.query('SELECT id, preferences FROM subscribers WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [
      tenant.id,
      [absent.id, replaced.id, cleared.id, created.id],
    ]);
    const prefs = Object.fromEntries(r.rows.map((row) => [row.id, row.preferences]));
    expect(prefs).toEqual({
      [absent.id]: { city: 'Oslo', first_name: 'Ann' },
      [replaced.id]: { city: 'Bergen' },
      [cleared.id]: {},
      [created.id]: {},
    });
  });
});
