import { v7 as uuidv7 } from 'uuid';
import { SubscriberRow } from './full-sync-rules';
import { SUPPRESSED_STATUS, SUPPRESSING_STATUSES } from './subscriber-status';

/** Runs one statement: a TypeORM EntityManager's `query` or a bare `pg` client's (the benchmark's ceiling). */
export type QueryFn = (sql: string, params: unknown[]) => Promise<unknown>;

export interface SyncRowsInput {
  tenantId: string;
  listId: string;
  syncId: string;
  occurredAt: Date;
  rows: SubscriberRow[];
}

/** Records statuses Member Center reports as undeliverable on the tenant's suppression list; returns new addresses. */
const INSERT_REPORTED_SUPPRESSIONS = `
INSERT INTO suppressions (id, tenant_id, email, reason, source)
SELECT u.sid, $1, u.email, 'member_center', 'member_center'
FROM unnest($2::uuid[], $3::text[]) AS u(sid, email)
ON CONFLICT (tenant_id, email) WHERE lifted_at IS NULL DO NOTHING
RETURNING email`;

/** Newer-wins upsert of the profiles; a suppressed address keeps its suppression status whatever the batch says. */
const UPSERT_SUBSCRIBERS = `
INSERT INTO subscribers AS s (tenant_id, id, email, status, preferences, last_occurred_at)
SELECT $1, u.id, u.email, COALESCE(${SUPPRESSED_STATUS}, u.status), COALESCE(u.preferences, '{}'::jsonb), $2
FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[]) AS u(id, email, status, preferences)
LEFT JOIN suppressions sup ON sup.tenant_id = $1 AND sup.email = u.email AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, id) DO UPDATE
SET email = EXCLUDED.email, status = EXCLUDED.status, preferences = EXCLUDED.preferences,
    last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE s.last_occurred_at <= EXCLUDED.last_occurred_at`;

/** Newer-wins upsert of the memberships; a row a newer event or sync wrote is left alone (and not marked). */
const UPSERT_MEMBERSHIPS = `
INSERT INTO list_memberships AS m (id, tenant_id, list_id, subscriber_id, status, reason, last_occurred_at, last_sync_id)
SELECT u.mid, $1, $2, u.id, COALESCE(${SUPPRESSED_STATUS}, u.status), sup.reason, $3, $4
FROM unnest($5::uuid[], $6::text[], $7::text[], $8::uuid[]) AS u(id, email, status, mid)
LEFT JOIN suppressions sup ON sup.tenant_id = $1 AND sup.email = u.email AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, list_id, subscriber_id) DO UPDATE
SET status = EXCLUDED.status, reason = EXCLUDED.reason, last_occurred_at = EXCLUDED.last_occurred_at,
    last_sync_id = EXCLUDED.last_sync_id, updated_at = now()
WHERE m.last_occurred_at <= EXCLUDED.last_occurred_at`;

/**
 * A batch's rows in three set-based statements (never a row loop): reported suppressions, profiles, memberships.
 * Returns the addresses newly suppressed because Member Center reported them bounced/complaint/suppressed.
 */
export async function upsertSyncRows(query: QueryFn, input: SyncRowsInput): Promise<string[]> {
  const { tenantId, listId, syncId, occurredAt, rows } = input;
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const emails = rows.map((r) => r.email);
  const statuses = rows.map((r) => r.status);

  let suppressed: string[] = [];
  const reported = rows.filter((r) => SUPPRESSING_STATUSES.includes(r.status));
  if (reported.length) {
    const inserted = (await query(INSERT_REPORTED_SUPPRESSIONS, [tenantId, reported.map(() => uuidv7()), reported.map((r) => r.email)])) as {
      email: string;
    }[];
    suppressed = inserted.map((r) => r.email);
  }
  await query(UPSERT_SUBSCRIBERS, [tenantId, occurredAt, ids, emails, statuses, rows.map((r) => r.preferences)]);
  await query(UPSERT_MEMBERSHIPS, [tenantId, listId, occurredAt, syncId, ids, emails, statuses, rows.map(() => uuidv7())]);
  return suppressed;
}
