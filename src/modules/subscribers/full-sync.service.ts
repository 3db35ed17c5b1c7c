import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AppError, FieldErrors } from '../../common/errors/app-error';
import { BatchHeader, batchContradictions, parseSubscriberRows, SubscriberRow } from './full-sync-rules';
import { FullSync } from './full-sync.entity';
import { upsertSyncRows } from './full-sync.sql';
import { assertTenantBound, MemberCenterCaller } from './member-center.guard';
import { FullSyncBatchDto, FullSyncBatchResult } from './subscribers.dto';
import { SuppressionList } from './suppression-list.service';

/** A batch's header, normalised. */
type IncomingBatch = BatchHeader & { syncId: string; occurredAt: Date };

/** A sync still missing batches after this long is abandoned and removes nobody. */
export const SYNC_ABANDON_AFTER_MS = 24 * 3600_000;

/** Deadlock or serialization failure: the batch rolled back whole and can simply be sent again. */
function isTransient(err: unknown): boolean {
  const code = (err as { driverError?: { code?: string } }).driverError?.code;
  return code === '40P01' || code === '40001';
}

function rejectIfAny(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw AppError.validation(errors, 'The batch is invalid');
}

/**
 * `POST /webhooks/lists/full-sync`. Batches of a sync arrive in any order and in parallel: each is one
 * transaction of set-based upserts; the sync row's counter, bumped last, serialises only the short tail, so
 * exactly one batch sees the sync complete and removes the absentees.
 */
@Injectable()
export class FullSyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly suppressions: SuppressionList,
    @InjectRepository(FullSync) private readonly syncs: Repository<FullSync>,
  ) {}

  async receiveBatch(caller: MemberCenterCaller, dto: FullSyncBatchDto): Promise<FullSyncBatchResult> {
    assertTenantBound(caller, dto.tenant_id);
    const batch: IncomingBatch = {
      syncId: dto.sync_id.toLowerCase(),
      tenantId: dto.tenant_id.toLowerCase(),
      listId: dto.list_id.toLowerCase(),
      batchNo: dto.batch_no,
      batchTotal: dto.batch_total,
      occurredAt: new Date(dto.occurred_at),
    };
    rejectIfAny(batchContradictions(batch, null));
    const { rows, errors } = parseSubscriberRows(dto.subscribers);
    rejectIfAny(errors);
    // sorted ids give concurrent upserts of overlapping rows one lock order (no deadlocks)
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    const sync = await this.openSync(batch);
    rejectIfAny(batchContradictions(batch, sync));
    if (await this.abandonIfExpired(sync)) {
      throw new AppError('conflict', 'This sync stayed incomplete for 24 hours and was abandoned', { reason: 'sync_abandoned' });
    }

    return this.dataSource.transaction((m) => this.applyBatch(m, batch, rows)).catch((err: unknown) => {
      if (!isTransient(err)) throw err;
      throw new AppError('service_unavailable', 'The batch collided with concurrent updates; send it again', {
        reason: 'retry',
        headers: { 'Retry-After': '1' },
      });
    });
  }

  private async applyBatch(m: EntityManager, batch: IncomingBatch, rows: SubscriberRow[]): Promise<FullSyncBatchResult> {
    const received: unknown[] = await m.query(
      `INSERT INTO full_sync_batches (sync_id, batch_no, subscriber_count, occurred_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING batch_no`,
      [batch.syncId, batch.batchNo, rows.length, batch.occurredAt],
    );
    if (received.length === 0) {
      throw new AppError('duplicate_batch', `Batch ${batch.batchNo} of sync ${batch.syncId} was already received`, {
        reason: 'duplicate_batch',
      });
    }
    const suppressed = await upsertSyncRows((sql, params) => m.query(sql, params), { ...batch, rows });
    await this.suppressions.markSuppressed(m, batch.tenantId, suppressed, 'member_center', 'member_center');

    const [progress]: [{ batches_received: number; batch_total: number; occurred_at: Date }[], number] = await m.query(
      `UPDATE full_syncs SET batches_received = batches_received + 1, subscribers_received = subscribers_received + $2,
         occurred_at = LEAST(occurred_at, $3)
       WHERE id = $1 AND status = 'receiving' RETURNING batches_received, batch_total, occurred_at`,
      [batch.syncId, rows.length, batch.occurredAt],
    );
    if (progress.length === 0) {
      throw new AppError('conflict', 'This sync is no longer receiving batches', { reason: 'sync_closed' });
    }
    const { batches_received, batch_total, occurred_at } = progress[0];
    const result: FullSyncBatchResult = {
      sync_id: batch.syncId,
      batch_no: batch.batchNo,
      batches_received,
      batch_total,
      sync_status: 'receiving',
    };
    if (batches_received < batch_total) return result;
    const removed = await this.complete(m, batch, occurred_at);
    return { ...result, sync_status: 'completed', removed };
  }

  /** Creates the sync (and its list) on its first batch, committed on its own so parallel batches never wait for it. */
  private async openSync(b: IncomingBatch): Promise<FullSync> {
    await this.dataSource.query('INSERT INTO lists (tenant_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [b.tenantId, b.listId]);
    await this.dataSource.query(
      `INSERT INTO full_syncs (id, tenant_id, list_id, batch_total, occurred_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [b.syncId, b.tenantId, b.listId, b.batchTotal, b.occurredAt],
    );
    return this.syncs.findOneByOrFail({ id: b.syncId });
  }

  /** The worker's sweep: every sync incomplete for 24 h is abandoned (it removes nobody). */
  async abandonStale(): Promise<number> {
    const result = await this.syncs
      .createQueryBuilder()
      .update()
      .set({ status: 'abandoned', abandonedAt: () => 'now()' })
      .where(`status = 'receiving' AND created_at < :cutoff`, { cutoff: new Date(Date.now() - SYNC_ABANDON_AFTER_MS) })
      .execute();
    return result.affected ?? 0;
  }

  /** Marks a sync abandoned once it has been incomplete for 24 h; true when it is (now or before) abandoned. */
  async abandonIfExpired(sync: FullSync): Promise<boolean> {
    if (sync.status === 'abandoned') return true;
    if (sync.status !== 'receiving' || Date.now() - sync.createdAt.getTime() < SYNC_ABANDON_AFTER_MS) return false;
    await this.syncs.update({ id: sync.id, status: 'receiving' }, { status: 'abandoned', abandonedAt: new Date() });
    sync.status = 'abandoned';
    return true;
  }

  /**
   * Members the sync did not contain become unsubscribed (`removed_by_full_sync`) unless something newer than
   * the sync's snapshot (an event or a later sync) wrote them since. Only active members are removed: a
   * bounced or complained address keeps that status.
   */
  private async complete(m: EntityManager, b: IncomingBatch, snapshotAt: Date): Promise<number> {
    const [removed]: [{ subscriber_id: string; email: string }[], number] = await m.query(
      `UPDATE list_memberships lm SET status = 'unsubscribed', reason = 'removed_by_full_sync', last_occurred_at = $4,
         last_sync_id = $3, updated_at = now()
       FROM subscribers s
       WHERE lm.tenant_id = $1 AND lm.list_id = $2 AND lm.status = 'active' AND lm.last_sync_id IS DISTINCT FROM $3
         AND lm.last_occurred_at < $4 AND s.tenant_id = lm.tenant_id AND s.id = lm.subscriber_id
       RETURNING lm.subscriber_id, s.email`,
      [b.tenantId, b.listId, b.syncId, snapshotAt],
    );
    await m.query(`UPDATE full_syncs SET status = 'completed', completed_at = now(), removed_count = $2 WHERE id = $1`, [
      b.syncId,
      removed.length,
    ]);
    for (const r of removed) {
      await this.suppressions.publishUnsubscribed(m, {
        tenantId: b.tenantId,
        listId: b.listId,
        subscriberId: r.subscriber_id,
        email: r.email,
        reason: 'removed_by_full_sync',
      });
    }
    return removed.length;
  }
}
