import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { eventually } from './peers/webhook-receiver';
import request from 'supertest';
import { SuppressionList } from '../src/modules/subscribers/suppression-list.service';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { MemberCenterClient } from './support/member-center';

describe('lists and members for admins: create, rename, bulk JSON, CSV import', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenant>>;
  let b: Awaited<ReturnType<typeof createTenant>>;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => t?.close());

  async function newList(name = 'Newsletter'): Promise<string> {
    return (await request(t.url).post('/api/lists').set(as(a.editor)).send({ name }).expect(201)).body.id;
  }
  async function members(listId: string): Promise<Record<string, { status: string; subscriber_id: string }>> {
    const res = await request(t.url).get(`/api/lists/${listId}/members?limit=100`).set(as(a.viewer)).expect(200);
    return Object.fromEntries(res.body.data.map((m: { email: string; status: string; subscriber_id: string }) => [m.email, m]));
  }

  it('creates and renames lists; viewers cannot, other tenants see 404, bad names are 422', async () => {
    const created = await request(t.url).post('/api/lists').set(as(a.editor)).send({ name: 'Weekly' }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Weekly', created_at: expect.any(String), updated_at: expect.any(String) });
    const renamed = await request(t.url).patch(`/api/lists/${created.body.id}`).set(as(a.editor)).send({ name: 'Monthly' }).expect(200);
    expect(renamed.body.name).toBe('Monthly');
    const listed = await request(t.url).get('/api/lists').set(as(a.viewer)).expect(200);
    expect(listed.body.data).toContainEqual(expect.objectContaining({ id: created.body.id, name: 'Monthly' }));

    await request(t.url).post('/api/lists').set(as(a.viewer)).send({ name: 'X' }).expect(403);
    const bad = await request(t.url).post('/api/lists').set(as(a.editor)).send({ name: '' }).expect(422);
    expect(bad.body.errors).toHaveProperty('name');
    await request(t.url).patch(`/api/lists/${created.body.id}`).set(as(b.editor)).send({ name: 'Mine' }).expect(404);
    await request(t.url).post(`/api/lists/${created.body.id}/members`).set(as(b.editor)).send({ members: [{ email: 'x@y.io' }] }).expect(404);
  });

  it('adds members in bulk: suppressed addresses stored but not active, a known address keeps its subscriber', async () => {
    const listId = await newList();
    await t.app.get(SuppressionList).suppress(a.id, 'bounced@example.com', 'hard_bounce', 'ses');
    const res = await request(t.url)
      .post(`/api/lists/${listId}/members`)
      .set(as(a.editor))
      .send({ members: [{ email: 'Ann@Example.com', preferences: { first_name: 'Ann' } }, { email: 'bounced@example.com' }, { email: 'bo@example.com', status: 'unsubscribed' }] })
      .expect(200);
    expect(res.body).toEqual({ list_id: listId, written: 3, suppressed: 1 });
    const first = await members(listId);
    expect(first['ann@example.com'].status).toBe('active');
    expect(first['bounced@example.com'].status).toBe('bounced');
    expect(first['bo@example.com'].status).toBe('unsubscribed');

    const other = await newList('Other');
    await request(t.url).post(`/api/lists/${other}/members`).set(as(a.editor)).send({ members: [{ email: 'ann@example.com' }] }).expect(200);
    expect((await members(other))['ann@example.com'].subscriber_id).toBe(first['ann@example.com'].subscriber_id);
    const profile = await request(t.url).get(`/api/subscribers/${first['ann@example.com'].subscriber_id}`).set(as(a.viewer)).expect(200);
    expect(profile.body.lists).toHaveLength(2);
    expect(profile.body.preferences).toEqual({ first_name: 'Ann' }); // kept: the second write gave none
  });

  it('refuses the whole bulk request naming each bad item', async () => {
    const listId = await newList();
    const res = await request(t.url)
      .post(`/api/lists/${listId}/members`)
      .set(as(a.editor))
      .send({ members: [{ email: 'ok@example.com' }, { email: 'nope' }, { email: 'c@example.com', status: 'bounced' }] })
      .expect(422);
    expect(Object.keys(res.body.errors)).toEqual(['members.1.email', 'members.2.status']);
    expect(await members(listId)).toEqual({});
    await request(t.url).post(`/api/lists/${listId}/members`).set(as(a.editor)).send({ members: [] }).expect(422);
  });

  it('keeps Member Center ordering: a newer Member Center change is not overwritten by an admin write', async () => {
    const client = await MemberCenterClient.create(t, a.id);
    const listId = randomUUID();
    const subscriberId = randomUUID();
    const event = (type: string, status: string, at: Date) => ({
      event_id: randomUUID(),
      event_type: type,
      tenant_id: a.id,
      list_id: listId,
      subscriber: { id: subscriberId, email: 'mc@example.com', status },
      occurred_at: at.toISOString(),
    });
    await client.post('/webhooks/subscriptions', event('subscription.unsubscribed', 'unsubscribed', new Date(Date.now() + 3600_000))).expect(200);
    await request(t.url).post(`/api/lists/${listId}/members`).set(as(a.editor)).send({ members: [{ email: 'mc@example.com' }] }).expect(200);
    expect((await members(listId))['mc@example.com']).toMatchObject({ status: 'unsubscribed', subscriber_id: subscriberId });
  });

  it('imports a CSV: streamed, bad rows listed by line, other columns become preferences, progress readable', async () => {
    const listId = await newList();
    const csv = 'Email,First_Name,status\nann@example.com,Ann,\n"bo@example.com","Bo, Jr.",unsubscribed\nnot-an-email,X,\ncy@example.com,,active\n';
    const res = await request(t.url).post(`/api/lists/${listId}/imports`).set(as(a.editor)).set('Content-Type', 'text/csv').send(csv).expect(201);
    expect(res.body).toMatchObject({
      list_id: listId,
      status: 'completed',
      rows_read: 4,
      rows_imported: 3,
      rows_failed: 1,
      errors: [{ row: 4, field: 'email', message: 'email must be an email' }],
      failure: null,
    });
    const read = await request(t.url).get(`/api/lists/${listId}/imports/${res.body.id}`).set(as(a.viewer)).expect(200);
    expect(read.body).toEqual(res.body);
    await request(t.url).get(`/api/lists/${listId}/imports/${res.body.id}`).set(as(b.viewer)).expect(404);

    const list = await members(listId);
    expect(Object.keys(list).sort()).toEqual(['ann@example.com', 'bo@example.com', 'cy@example.com']);
    expect(list['bo@example.com'].status).toBe('unsubscribed');
    const bo = await request(t.url).get(`/api/subscribers/${list['bo@example.com'].subscriber_id}`).set(as(a.viewer)).expect(200);
    expect(bo.body.preferences).toEqual({ first_name: 'Bo, Jr.' });
  });

  it('a CSV without an email column is a 422 and the import is recorded as failed', async () => {
    const listId = await newList();
    const res = await request(t.url).post(`/api/lists/${listId}/imports`).set(as(a.editor)).set('Content-Type', 'text/csv').send('name\nAnn\n').expect(422);
    expect(res.body.detail).toContain('"email" column');
    const rows = await t.db.query('SELECT status, failure FROM list_imports WHERE list_id = $1', [listId]);
    expect(rows.rows).toEqual([{ status: 'failed', failure: expect.stringContaining('email') }]);
    await request(t.url).post(`/api/lists/${listId}/imports`).set(as(a.editor)).send({ members: [] }).expect(422);
  });

  it('an upload cut off mid-way ends the import as failed, keeping the rows already written', async () => {
    const listId = await newList();
    const req = httpRequest(`${t.url}/api/lists/${listId}/imports`, { method: 'POST', headers: { ...as(a.editor), 'content-type': 'text/csv' } });
    req.on('error', () => undefined);
    req.write('email\n' + Array.from({ length: 6000 }, (_, i) => `cut${i}@example.com`).join('\n') + '\n');
    await eventually(async () => (await t.db.query(`SELECT 1 FROM list_imports WHERE list_id = $1 AND rows_read > 0`, [listId])).rowCount, 20_000, 'the first chunk');
    req.destroy();
    const done = await eventually(async () => {
      const { rows } = await t.db.query(`SELECT status, rows_imported FROM list_imports WHERE list_id = $1 AND status <> 'running'`, [listId]);
      return rows[0];
    }, 20_000, 'the import to end');
    expect(done).toEqual({ status: 'failed', rows_imported: 5000 });
  });
});
