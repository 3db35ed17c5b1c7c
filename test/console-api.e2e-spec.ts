import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { eventually } from './peers/webhook-receiver';
import { adminToken, createTenant } from './support/auth';

/** Magic links, the session cookie credential and bulk recover, over HTTP (the browser suite drives the pages). */
describe('console links, sessions and bulk recover (API)', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenant>>;
  let b: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api' } });
    a = await createTenant(t);
    b = await createTenant(t);
  });
  afterAll(() => t?.close());

  const mint = (token: string, tenantId = a.id, body: object = {}) =>
    request(t.url).post(`/api/tenants/${tenantId}/console-links`).set('Authorization', `Bearer ${token}`).send(body);
  const tokenOf = (url: string) => url.split('#/open/')[1];
  async function session(role: 'viewer' | 'editor' = 'editor', tenant = a) {
    const link = await mint(tenant.editor, tenant.id, { role });
    const res = await request(t.url).post('/console/session').send({ token: tokenOf(link.body.url) });
    expect(res.status).toBe(201);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    return { cookie, csrf: res.body.csrf_token as string, body: res.body };
  }

  it('mints links for a platform admin or the tenant\'s editor only', async () => {
    const res = await mint(a.editor);
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ url: expect.stringMatching(/^http:\/\/localhost:3000\/console\/#\/open\/[A-Za-z0-9_-]{43}$/), role: 'editor', expires_at: expect.any(String) });
    const ttl = new Date(res.body.expires_at).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    const stored = await t.db.query(`SELECT token_hash FROM console_links WHERE tenant_id = $1`, [a.id]);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0].token_hash).not.toContain(tokenOf(res.body.url));

    expect((await mint(adminToken(), a.id, { role: 'viewer' })).status).toBe(201);
    expect((await mint(a.viewer)).status).toBe(403);
    const foreign = await mint(b.editor, a.id);
    expect(foreign.status).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect((await mint(a.editor, a.id, { role: 'admin' })).status).toBe(422);
    expect((await request(t.url).post(`/api/tenants/${a.id}/console-links`).send({})).status).toBe(401);
  });

  it('opens a link once into an HttpOnly, SameSite=Strict cookie scoped to the console and its API paths', async () => {
    const link = await mint(a.editor);
    const token = tokenOf(link.body.url);
    const res = await request(t.url).post('/console/session').send({ token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tenant_id: a.id, role: 'editor', csrf_token: expect.any(String) });
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.map((c) => / Path=([^;]+)/.exec(c)?.[1])).toEqual(['/console', '/v1', '/api']);
    for (const c of cookies) expect(c).toMatch(/; HttpOnly; SameSite=Strict$/); // Secure only outside development over http

    const again = await request(t.url).post('/console/session').send({ token });
    expect(again.status).toBe(401);
    expect(again.body.reason).toBe('link_used');
    const unknown = await request(t.url).post('/console/session').send({ token: 'x'.repeat(43) });
    expect(unknown.body.reason).toBe('link_invalid');
  });

  it('accepts the cookie only with its CSRF token, as a tenant principal of the link\'s role', async () => {
    const s = await session('viewer');
    const read = await request(t.url).get('/v1/subscriptions').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    expect(read.status).toBe(200);
    const noCsrf = await request(t.url).get('/v1/subscriptions').set('Cookie', s.cookie);
    expect([noCsrf.status, noCsrf.body.reason]).toEqual([403, 'csrf_failed']);
    const write = await request(t.url).post('/v1/subscriptions').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ url: 'http://127.0.0.1:9/x' });
    expect([write.status, write.body.reason]).toEqual([403, 'insufficient_role']);
    const forged = await request(t.url).get('/v1/subscriptions').set('Cookie', 'se_console=v1.AAAA.BBBB.CCCC').set('X-CSRF-Token', s.csrf);
    expect([forged.status, forged.body.reason]).toEqual([401, 'invalid_session']);
    const me = await request(t.url).get('/console/session').set('Cookie', s.cookie);
    expect(me.body).toMatchObject({ tenant_id: a.id, role: 'viewer', csrf_token: s.csrf });
  });

  it('keeps tenants apart and lets no console session mint links', async () => {
    const sb = await session('editor', b);
    const created = await request(t.url).post('/v1/subscriptions').set('Authorization', `Bearer ${a.editor}`).send({ url: 'http://127.0.0.1:9/a' });
    expect(created.status).toBe(201);
    const other = await request(t.url).get(`/v1/subscriptions/${created.body.id}`).set('Cookie', sb.cookie).set('X-CSRF-Token', sb.csrf);
    expect(other.status).toBe(404);
    const mintBySession = await request(t.url).post(`/api/tenants/${b.id}/console-links`).set('Cookie', sb.cookie).set('X-CSRF-Token', sb.csrf).send({});
    expect(mintBySession.status).toBe(403);
  });

  it('logout ends the session server-side: a kept copy of the cookie is refused', async () => {
    const s = await session('editor');
    const read = () => request(t.url).get('/v1/subscriptions').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    expect((await read()).status).toBe(200);
    const out = await request(t.url).delete('/console/session').set('Cookie', s.cookie);
    expect(out.status).toBe(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^se_console=; .*Max-Age=0/);
    const after = await read();
    expect([after.status, after.body.reason]).toEqual([401, 'session_revoked']);
    const me = await request(t.url).get('/console/session').set('Cookie', s.cookie);
    expect([me.status, me.body.reason]).toEqual([401, 'session_revoked']);
    // another session of the same tenant is not affected
    const other = await session('viewer');
    expect((await request(t.url).get('/v1/subscriptions').set('Cookie', other.cookie).set('X-CSRF-Token', other.csrf)).status).toBe(200);
  });

  it('ends every console session of a tenant, and only of that tenant, for its editor or a platform admin', async () => {
    const c = await createTenant(t);
    const [s1, s2, sb] = [await session('editor', c), await session('viewer', c), await session('viewer', b)];
    const unopened = tokenOf((await mint(c.editor, c.id)).body.url);
    const read = (s: { cookie: string; csrf: string }) => request(t.url).get('/v1/subscriptions').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    const revoke = (token: string, tenantId = c.id) => request(t.url).delete(`/api/tenants/${tenantId}/console-sessions`).set('Authorization', `Bearer ${token}`);

    expect((await revoke(c.viewer)).status).toBe(403);
    expect((await revoke(b.editor)).status).toBe(404);
    expect((await request(t.url).delete(`/api/tenants/${c.id}/console-sessions`).set('Cookie', s1.cookie).set('X-CSRF-Token', s1.csrf)).status).toBe(403);
    expect((await read(s1)).status).toBe(200);

    const res = await revoke(c.editor);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 3 });
    for (const s of [s1, s2]) {
      const r = await read(s);
      expect([r.status, r.body.reason]).toEqual([401, 'session_revoked']);
    }
    expect((await read(sb)).status).toBe(200);
    const late = await request(t.url).post('/console/session').send({ token: unopened });
    expect([late.status, late.body.reason]).toEqual([401, 'link_revoked']);

    const fresh = await session('editor', c);
    expect((await read(fresh)).status).toBe(200);
    expect((await revoke(adminToken())).body).toEqual({ revoked: 1 });
    expect((await read(fresh)).status).toBe(401);
  });

  describe('bulk recover', () => {
    let subId: string;
    beforeAll(async () => {
      subId = (await request(t.url).post('/v1/subscriptions').set('Authorization', `Bearer ${a.editor}`).send({ url: 'http://127.0.0.1:9/r' })).body.id;
      const event = await request(t.url).post('/v1/events').set('Authorization', `Bearer ${a.editor}`).send({ type: 'order.created', payload: {} });
      // Dead letters of three ages: two inside the window, one older than it.
      for (const ago of ['1 hour', '2 days', '20 days']) {
        await t.db.query(
          `INSERT INTO webhook_deliveries (id, tenant_id, event_id, subscription_id, status, attempts_made, completed_at)
           VALUES (gen_random_uuid(), $1, $2, $3, 'dead', 1, now() - $4::interval)`,
          [a.id, event.body.id, subId, ago],
        );
      }
    });
    const recover = (body: object, token = a.editor, key?: string) => {
      const r = request(t.url).post('/v1/dead-letters/recover').set('Authorization', `Bearer ${token}`);
      return (key ? r.set('Idempotency-Key', key) : r).send(body);
    };
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

    it('dry run counts the window without replaying', async () => {
      const res = await recover({ since: daysAgo(3), dry_run: true });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'completed', total: 2, replayed: 0, dry_run: true, rate_per_second: 10 });
      const dead = await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'dead'`, [a.id]);
      expect(dead.rows[0].n).toBe(3);
      const progress = await request(t.url).get(`/v1/dead-letters/recover/${res.body.id}`).set('Authorization', `Bearer ${a.viewer}`);
      expect(progress.status).toBe(200);
      expect(progress.body).toEqual(res.body);
    });

    it('refuses more than 14 days back and until before since (a /v1 validation 400); sees only the caller\'s letters', async () => {
      const old = await recover({ since: daysAgo(15) });
      expect(old.status).toBe(400);
      expect(old.body.errors).toEqual({ since: ['since must be within the last 14 days'] });
      const inverted = await recover({ since: daysAgo(2), until: daysAgo(3) });
      expect([inverted.status, Object.keys(inverted.body.errors)]).toEqual([400, ['until']]);
      expect((await recover({ since: 'yesterday' })).status).toBe(400);
      expect((await recover({ since: daysAgo(1) }, a.viewer)).status).toBe(403);
      // Another tenant's subscription names nothing of the caller's: it counts nothing, like an unknown id.
      const foreign = await recover({ since: daysAgo(3), subscription_id: subId, dry_run: true }, b.editor);
      expect([foreign.status, foreign.body.total]).toEqual([202, 0]);
    });

    it('is idempotent per Idempotency-Key and its progress is the tenant\'s alone', async () => {
      const body = { since: daysAgo(3), subscription_id: subId, dry_run: true };
      const first = await recover(body, a.editor, 'recover-1');
      const second = await recover(body, a.editor, 'recover-1');
      expect(second.status).toBe(202);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body.id).toBe(first.body.id);
      expect((await recover({ ...body, dry_run: false }, a.editor, 'recover-1')).status).toBe(409);
      const foreign = await request(t.url).get(`/v1/dead-letters/recover/${first.body.id}`).set('Authorization', `Bearer ${b.editor}`);
      expect(foreign.status).toBe(404);
    });

    it('queues a real recover; a worker resumes it after the cursor a crashed one left in the row', async () => {
      await request(t.url).patch(`/api/tenants/${a.id}`).set('Authorization', `Bearer ${adminToken()}`).send({ replay_rate_per_second: 3 });
      const res = await recover({ since: daysAgo(3) });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'queued', total: 2, replayed: 0, dry_run: false, rate_per_second: 3 });

      // This app runs no worker. Pretend one replayed the first dead letter of the window and then crashed.
      const window = await t.db.query(
        `SELECT id FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'dead' AND completed_at > now() - interval '3 days' ORDER BY id`,
        [a.id],
      );
      const [done, left] = window.rows.map((r) => r.id as string);
      await t.db.query(`UPDATE dead_letter_recoveries SET status = 'running', replayed = 1, cursor_id = $2 WHERE id = $1`, [res.body.id, done]);

      const worker = await createTestApp({ shareWith: t, env: { APP_ROLE: 'worker' } });
      try {
        const progress = await eventually(async () => {
          const r = await request(t.url).get(`/v1/dead-letters/recover/${res.body.id}`).set('Authorization', `Bearer ${a.editor}`);
          return r.body.status === 'completed' && r.body;
        }, 30_000, 'the recover to complete');
        expect(progress).toMatchObject({ total: 2, replayed: 2, finished_at: expect.any(String) });
      } finally {
        await worker.close();
      }
      const rows = await t.db.query(`SELECT id, status, attempts_made FROM webhook_deliveries WHERE id = ANY($1)`, [[done, left]]);
      const byId = Object.fromEntries(rows.rows.map((r) => [r.id, r]));
      expect(byId[done]).toMatchObject({ status: 'dead', attempts_made: 1 }); // before the cursor: not replayed twice
      expect(byId[left].status === 'dead' && byId[left].attempts_made === 1).toBe(false); // replayed
    });
  });
});
