import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SuppressionList } from '../src/modules/subscribers/suppression-list.service';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';

/** Member Center subscription events, the suppression list and the admin reads. */
describe('Member Center subscription events', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let mc: MemberCenterClient;

  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

  function event(type: string, listId: string, subscriber: { id: string; email: string; status?: string; preferences?: object }, occurredAt: string) {
    return {
      event_id: randomUUID(),
      event_type: type,
      tenant_id: tenant.id,
      list_id: listId,
      subscriber: { status: 'active', ...subscriber },
      occurred_at: occurredAt,
    };
  }

  async function membership(listId: string, subscriberId: string) {
    const r = await t.db.query('SELECT status, reason, last_occurred_at FROM list_memberships WHERE tenant_id = $1 AND list_id = $2 AND subscriber_id = $3', [
      tenant.id,
      listId,
      subscriberId,
    ]);
    return r.rows[0] as { status: string; reason: string | null; last_occurred_at: Date } | undefined;
  }

  async function subscriber(id: string) {
    const r = await t.db.query('SELECT email, status, preferences FROM subscribers WHERE tenant_id = $1 AND id = $2', [tenant.id, id]);
    return r.rows[0] as { email: string; status: string; preferences: object } | undefined;
  }

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    mc = await MemberCenterClient.create(t, tenant.id);
  });
  afterAll(async () => t?.close());

  it('subscription.activated creates the list, the subscriber and an active membership; updates the email', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    const first = event('subscription.activated', listId, { id, email: 'Ann@Example.com', preferences: { topics: ['news'] } }, at(60));
    const res = await mc.post('/webhooks/subscriptions', first).expect(200);
    expect(res.body).toEqual({ event_id: first.event_id, status: 'applied' });
    expect(await membership(listId, id)).toMatchObject({ status: 'active', reason: null });
    expect(await subscriber(id)).toEqual({ email: 'ann@example.com', status: 'active', preferences: { topics: ['news'] } });
    const lists = await t.db.query('SELECT count(*)::int AS n FROM lists WHERE tenant_id = $1 AND id = $2', [tenant.id, listId]);
    expect(lists.rows[0].n).toBe(1);
    const recorded = await t.db.query('SELECT outcome FROM inbound_events WHERE event_id = $1', [first.event_id]);
    expect(recorded.rows).toEqual([{ outcome: 'applied' }]);

    await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'ann.new@example.com' }, at(50))).expect(200);
    // preferences not sent with an activation are kept
    expect(await subscriber(id)).toMatchObject({ email: 'ann.new@example.com', preferences: { topics: ['news'] } });
  });

  it('subscription.unsubscribed makes the membership unsubscribed; preferences.updated replaces preferences', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'bob@example.com', preferences: { a: 1, b: 2 } }, at(60))).expect(200);
    await mc.post('/webhooks/subscriptions', event('preferences.updated', listId, { id, email: 'bob@example.com', preferences: { c: 3 } }, at(55))).expect(200);
    expect((await subscriber(id))?.preferences).toEqual({ c: 3 });
    await mc.post('/webhooks/subscriptions', event('subscription.unsubscribed', listId, { id, email: 'bob@example.com', status: 'unsubscribed' }, at(50))).expect(200);
    expect(await membership(listId, id)).toMatchObject({ status: 'unsubscribed' });
    expect((await subscriber(id))?.status).toBe('unsubscribed');
  });

  it('answers 409 duplicate_event for a repeated event_id, and exactly one 200 for two parallel deliveries', async () => {
    const e = event('subscription.activated', randomUUID(), { id: randomUUID(), email: 'dup@example.com' }, at(10));
    await mc.post('/webhooks/subscriptions', e).expect(200);
    const again = await mc.post('/webhooks/subscriptions', e);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 409, error: 'duplicate_event', reason: 'duplicate_event' });

    const p = event('subscription.activated', randomUUID(), { id: randomUUID(), email: 'par@example.com' }, at(10));
    const results = await Promise.all([mc.post('/webhooks/subscriptions', p), mc.post('/webhooks/subscriptions', p)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await t.db.query('SELECT count(*)::int AS n FROM inbound_events WHERE event_id = $1', [p.event_id]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('acknowledges an older event without applying it', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    await mc.post('/webhooks/subscriptions', event('subscription.unsubscribed', listId, { id, email: 'old@example.com', status: 'unsubscribed' }, at(10))).expect(200);
    const stale = event('subscription.activated', listId, { id, email: 'old@example.com' }, at(100));
    const res = await mc.post('/webhooks/subscriptions', stale).expect(200);
    expect(res.body).toEqual({ event_id: stale.event_id, status: 'ignored_out_of_order' });
    expect(await membership(listId, id)).toMatchObject({ status: 'unsubscribed' });
    const recorded = await t.db.query('SELECT outcome FROM inbound_events WHERE event_id = $1', [stale.event_id]);
    expect(recorded.rows).toEqual([{ outcome: 'ignored_out_of_order' }]);
  });

  it('keeps a suppressed address suppressed: subscription.activated does not reactivate it', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'bounce@example.com' }, at(60))).expect(200);
    const suppressions = t.app.get(SuppressionList);
    expect(await suppressions.suppress(tenant.id, 'Bounce@example.com', 'hard_bounce', 'ses')).toBe(true);
    expect(await suppressions.suppress(tenant.id, 'bounce@example.com', 'hard_bounce', 'ses')).toBe(false);
    expect(await membership(listId, id)).toMatchObject({ status: 'bounced', reason: 'hard_bounce' });

    const res = await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'bounce@example.com' }, at(1))).expect(200);
    expect(res.body.status).toBe('applied');
    expect(await membership(listId, id)).toMatchObject({ status: 'bounced' });
    expect((await subscriber(id))?.status).toBe('bounced');
    expect(await suppressions.isSuppressed(tenant.id, 'BOUNCE@example.com')).toBe(true);
  });

  it('records statuses Member Center reports as undeliverable on the suppression list', async () => {
    const id = randomUUID();
    await mc.post('/webhooks/subscriptions', event('subscription.activated', randomUUID(), { id, email: 'mc-bounced@example.com', status: 'bounced' }, at(5))).expect(200);
    const rows = await t.db.query('SELECT reason, source FROM suppressions WHERE tenant_id = $1 AND email = $2', [tenant.id, 'mc-bounced@example.com']);
    expect(rows.rows).toEqual([{ reason: 'member_center', source: 'member_center' }]);
  });

  it('unsubscribes through the exported service (one-click) and an older activation does not undo it', async () => {
    const listId = randomUUID();
    const id = randomUUID();
    await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'click@example.com' }, at(60))).expect(200);
    const suppressions = t.app.get(SuppressionList);
    expect(await suppressions.unsubscribe(tenant.id, listId, id, 'one_click')).toBe(true);
    expect(await suppressions.unsubscribe(tenant.id, listId, id, 'one_click')).toBe(false);
    expect(await membership(listId, id)).toMatchObject({ status: 'unsubscribed', reason: 'one_click' });
    const res = await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'click@example.com' }, at(30))).expect(200);
    expect(res.body.status).toBe('ignored_out_of_order');
  });

  it('answers 422 with field errors for an invalid event', async () => {
    const res = await mc.post('/webhooks/subscriptions', {
      event_id: 'x',
      event_type: 'subscription.exploded',
      tenant_id: tenant.id,
      list_id: randomUUID(),
      subscriber: { id: randomUUID(), email: 'not-an-email', status: 'active' },
      occurred_at: '2024-01-01',
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_failed');
    expect(Object.keys(res.body.errors).sort()).toEqual(['event_id', 'event_type', 'occurred_at', 'subscriber.email']);
  });

  describe('admin reads', () => {
    it('lists, members (filtered, paginated without gaps or repeats), subscriber, suppressions', async () => {
      const listId = randomUUID();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = randomUUID();
        ids.push(id);
        const type = i % 3 === 0 ? 'subscription.unsubscribed' : 'subscription.activated';
        await mc.post('/webhooks/subscriptions', event(type, listId, { id, email: `page${i}@example.com` }, at(10))).expect(200);
      }
      const auth = { Authorization: `Bearer ${tenant.viewer}` };
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await request(t.url)
          .get(`/api/lists/${listId}/members`)
          .query(cursor ? { limit: 3, cursor } : { limit: 3 })
          .set(auth)
          .expect(200);
        seen.push(...page.body.data.map((m: { subscriber_id: string }) => m.subscriber_id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());

      const active = await request(t.url).get(`/api/lists/${listId}/members`).query({ status: 'active' }).set(auth).expect(200);
      expect(active.body.data).toHaveLength(4);
      expect(active.body.data[0]).toMatchObject({ status: 'active', email: expect.stringMatching(/^page\d@example.com$/) });

      const lists = await request(t.url).get('/api/lists').query({ limit: 100 }).set(auth).expect(200);
      expect(lists.body.data.map((l: { id: string }) => l.id)).toContain(listId);

      const sub = await request(t.url).get(`/api/subscribers/${ids[1]}`).set(auth).expect(200);
      expect(sub.body).toMatchObject({ id: ids[1], email: 'page1@example.com', lists: [{ list_id: listId, status: 'active' }], suppression: null });

      const supp = await request(t.url).get('/api/suppressions').set(auth).expect(200);
      expect(supp.body.data.map((s: { email: string }) => s.email)).toContain('bounce@example.com');

      await request(t.url).get(`/api/lists/${listId}/members`).query({ status: 'gone' }).set(auth).expect(422);
    });

    it('is tenant-isolated: another tenant gets 404', async () => {
      const listId = randomUUID();
      const id = randomUUID();
      await mc.post('/webhooks/subscriptions', event('subscription.activated', listId, { id, email: 'iso@example.com' }, at(10))).expect(200);
      const other = await createTenant(t);
      const auth = { Authorization: `Bearer ${other.viewer}` };
      for (const path of [`/api/lists/${listId}/members`, `/api/subscribers/${id}`, `/api/lists/${listId}/syncs/${randomUUID()}`, '/api/subscribers/not-a-uuid']) {
        const res = await request(t.url).get(path).set(auth);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('not_found');
      }
      const lists = await request(t.url).get('/api/lists').set(auth).expect(200);
      expect(lists.body.data).toEqual([]);
      await request(t.url).delete('/api/suppressions/bounce@example.com').set({ Authorization: `Bearer ${other.editor}` }).expect(404);
    });

    it('lifts a suppression (editor only), keeping who and when', async () => {
      await request(t.url).delete('/api/suppressions/bounce@example.com').set({ Authorization: `Bearer ${tenant.viewer}` }).expect(403);
      await request(t.url).delete('/api/suppressions/Bounce@Example.com').set({ Authorization: `Bearer ${tenant.editor}` }).expect(204);
      const rows = await t.db.query('SELECT lifted_at, lifted_by FROM suppressions WHERE tenant_id = $1 AND email = $2', [tenant.id, 'bounce@example.com']);
      expect(rows.rows).toEqual([{ lifted_at: expect.any(Date), lifted_by: 'test-user' }]);
      expect(await t.app.get(SuppressionList).isSuppressed(tenant.id, 'bounce@example.com')).toBe(false);
      await request(t.url).delete('/api/suppressions/bounce@example.com').set({ Authorization: `Bearer ${tenant.editor}` }).expect(404);
    });
  });
});
