import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { BatchHeader, partitionByPreferences, SubscriberRow } from './full-sync-rules';
import { FullSync, FullSyncBatch } from './full-sync.entity';
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

/**
 * Newer-wins upsert of the profiles; a suppressed address keeps its suppression status whatever the batch says.
 * `keepPreferences`: the rows carry no preferences, so an existing profile keeps the stored ones (a new one gets
 * `{}`); otherwise the batch's object replaces them. Two statements because ON CONFLICT … DO UPDATE cannot see
 * the input row, only EXCLUDED, where an absent value is already `{}`.
 */
const upsertSubscribersSql = (keepPreferences: boolean) => `
INSERT INTO subscribers AS s (tenant_id, id, email, status, preferences, last_occurred_at)
SELECT $1, u.id, u.email, COALESCE(${SUPPRESSED_STATUS}, u.status), COALESCE(u.preferences, '{}'::jsonb), $2
FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[]) AS u(id, email, status, preferences)
LEFT JOIN suppressions sup ON sup.tenant_id = $1 AND sup.email = u.email AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, id) DO UPDATE
SET email = EXCLUDED.email, status = EXCLUDED.status,${keepPreferences ? '' : ' preferences = EXCLUDED.preferences,'}
    last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE s.last_occurred_at <= EXCLUDED.last_occurred_at`;
const UPSERT_SUBSCRIBERS = { replace: upsertSubscribersSql(false), keep: upsertSubscribersSql(true) };

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
  // Absent preferences keep the stored ones; an object (even `{}`) replaces them: see docs/subscribers.md.
  for (const [keep, part] of partitionByPreferences(rows)) {
    await query(UPSERT_SUBSCRIBERS[keep ? 'keep' : 'replace'], [
      tenantId,
      occurredAt,
      part.map((r) => r.id),
      part.map((r) => r.email),
      part.map((r) => r.status),
      part.map((r) => r.preferences),
    ]);
  }
  await query(UPSERT_MEMBERSHIPS, [tenantId, listId, occurredAt, syncId, ids, emails, statuses, rows.map(() => uuidv7())]);
  return suppressed;
}

/** A sync's counters after a batch was counted. */
export interface SyncProgress {
  batches_received: number;
  batch_total: number;
  occurred_at: Date;
}

/** A member a completed sync removed. */
export interface RemovedMember {
  subscriber_id: string;
  email: string;
}

/** UPDATE … RETURNING answers `[rows, count]` through TypeORM's query(). */
type Updated<T> = [T[], number];

/** Full syncs and their batches; the batch statements run in the caller's transaction `m`. */
@Injectable()
export class FullSyncRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(FullSync) private readonly syncs: Repository<FullSync>,
    @InjectRepository(FullSyncBatch) private readonly batches: Repository<FullSyncBatch>,
  ) {}

  /** Creates the sync unless it exists (committed on its own, so parallel batches never wait for it); returns it. */
  async open(b: BatchHeader & { syncId: string; occurredAt: Date }): Promise<FullSync> {
    await this.dataSource.query(
      `INSERT INTO full_syncs (id, tenant_id, list_id, batch_total, occurred_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [b.syncId, b.tenantId, b.listId, b.batchTotal, b.occurredAt],
    );
    return this.syncs.findOneByOrFail({ id: b.syncId });
  }

  /** Records batch `batchNo` as received; false when it already was. */
  async recordBatch(m: EntityManager, syncId: string, batchNo: number, subscriberCount: number, occurredAt: Date): Promise<boolean> {
    const received: unknown[] = await m.query(
      `INSERT INTO full_sync_batches (sync_id, batch_no, subscriber_count, occurred_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING batch_no`,
      [syncId, batchNo, subscriberCount, occurredAt],
    );
    return received.length > 0;
  }

  /** The batch's rows: see upsertSyncRows. */
  upsertRows(m: EntityManager, input: SyncRowsInput): Promise<string[]> {
    return upsertSyncRows((sql, params) => m.query(sql, params), input);
  }

  /** Counts a batch on a receiving sync (the row lock serialises the tail of parallel batches); null when closed. */
  async countBatch(m: EntityManager, syncId: string, subscriberCount: number, occurredAt: Date): Promise<SyncProgress | null> {
    const [progress] = (await m.query(
      `UPDATE full_syncs SET batches_received = batches_received + 1, subscribers_received = subscribers_received + $2,
         occurred_at = LEAST(occurred_at, $3)
       WHERE id = $1 AND status = 'receiving' RETURNING batches_received, batch_total, occurred_at`,
      [syncId, subscriberCount, occurredAt],
    )) as Updated<SyncProgress>;
    return progress[0] ?? null;
  }

  /**
   * Active members of the list the sync did not write become `unsubscribed` (`removed_by_full_sync`) unless
   * something newer than the snapshot wrote them since.
   */
  async removeAbsentees(m: EntityManager, tenantId: string, listId: string, syncId: string, snapshotAt: Date): Promise<RemovedMember[]> {
    const [removed] = (await m.query(
      `UPDATE list_memberships lm SET status = 'unsubscribed', reason = 'removed_by_full_sync', last_occurred_at = $4,
         last_sync_id = $3, updated_at = now()
       FROM subscribers s
       WHERE lm.tenant_id = $1 AND lm.list_id = $2 AND lm.status = 'active' AND lm.last_sync_id IS DISTINCT FROM $3
         AND lm.last_occurred_at < $4 AND s.tenant_id = lm.tenant_id AND s.id = lm.subscriber_id
       RETURNING lm.subscriber_id, s.email`,
      [tenantId, listId, syncId, snapshotAt],
    )) as Updated<RemovedMember>;
    return removed;
  }

  async markCompleted(m: EntityManager, syncId: string, removedCount: number): Promise<void> {
    await m.query(`UPDATE full_syncs SET status = 'completed', completed_at = now(), removed_count = $2 WHERE id = $1`, [syncId, removedCount]);
  }

  /** Every sync still receiving and created before `cutoff` becomes abandoned; returns how many. */
  async abandonCreatedBefore(cutoff: Date): Promise<number> {
    const result = await this.syncs
      .createQueryBuilder()
      .update()
      .set({ status: 'abandoned', abandonedAt: () => 'now()' })
      .where(`status = 'receiving' AND created_at < :cutoff`, { cutoff })
      .execute();
    return result.affected ?? 0;
  }

  /** One receiving sync becomes abandoned (a no-op when it closed meanwhile). */
  async markAbandoned(id: string): Promise<void> {
    await this.syncs.update({ id, status: 'receiving' }, { status: 'abandoned', abandonedAt: new Date() });
  }

  find(tenantId: string, listId: string, id: string): Promise<FullSync | null> {
    return this.syncs.findOneBy({ id, tenantId, listId });
  }

  async receivedBatchNumbers(syncId: string): Promise<number[]> {
    const received = await this.batches.find({ select: { batchNo: true }, where: { syncId }, order: { batchNo: 'ASC' } });
    return received.map((b) => b.batchNo);
  }
}
