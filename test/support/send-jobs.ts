import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TestApp } from './app';

export interface SeededMember {
  id: string;
  email: string;
}

/**
 * A list with `count` active members written straight into the Subscribers tables (their API is another
 * issue's); `statuses` overrides membership statuses by index, `suppress` adds tenant suppressions by index.
 */
export async function seedList(
  db: Client,
  tenantId: string,
  count: number,
  opts: { prefix?: string; statuses?: Record<number, string>; suppress?: number[]; preferences?: Record<string, unknown> } = {},
): Promise<{ listId: string; members: SeededMember[] }> {
  const listId = randomUUID();
  const prefix = opts.prefix ?? `m${listId.slice(0, 6)}`;
  await db.query(`INSERT INTO lists (tenant_id, id) VALUES ($1, $2)`, [tenantId, listId]);
  const members = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), email: `${prefix}-${i}@example.com` }));
  await db.query(
    `INSERT INTO subscribers (tenant_id, id, email, status, preferences, last_occurred_at)
     SELECT $1, u.id, u.email, 'active', $4::jsonb, now() FROM unnest($2::uuid[], $3::text[]) AS u(id, email)`,
    [tenantId, members.map((m) => m.id), members.map((m) => m.email), JSON.stringify(opts.preferences ?? {})],
  );
  await db.query(
    `INSERT INTO list_memberships (id, tenant_id, list_id, subscriber_id, status, last_occurred_at)
     SELECT gen_random_uuid(), $1, $2, u.id, u.status, now() FROM unnest($3::uuid[], $4::text[]) AS u(id, status)`,
    [tenantId, listId, members.map((m) => m.id), members.map((_, i) => opts.statuses?.[i] ?? 'active')],
  );
  for (const i of opts.suppress ?? []) {
    await db.query(`INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES (gen_random_uuid(), $1, $2, 'hard_bounce', 'ses')`, [
      tenantId,
      members[i].email,
    ]);
  }
  return { listId, members };
}

/** Polls `probe` until it returns a value `done` accepts; fails after a generous timeout (never a timing assertion). */
export async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`condition not reached; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

export async function getJob(t: TestApp, token: string, id: string): Promise<Record<string, unknown>> {
  const res = await request(t.url).get(`/api/send-jobs/${id}`).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET send job: ${res.status}`);
  return res.body as Record<string, unknown>;
}

export const waitForStatus = (t: TestApp, token: string, id: string, statuses: string[], timeoutMs?: number) =>
  waitFor(() => getJob(t, token, id), (j) => statuses.includes(j.status as string), timeoutMs);

export async function createJob(t: TestApp, token: string, body: Record<string, unknown>): Promise<string> {
  const res = await request(t.url).post('/api/send-jobs').set('Authorization', `Bearer ${token}`).send(body);
  if (res.status !== 200) throw new Error(`create send job: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.send_job_id as string;
}
