import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldErrors } from '../../common/errors/app-error';
import { BatchHeader, batchContradictions, parseSubscriberRows, SubscriberRow } from './full-sync-rules';
import { FullSync } from './full-sync.entity';
import { FullSyncRepository } from './full-sync.repository';
import { assertTenantBound, MemberCenterCaller } from './member-center.guard';
import { FullSyncBatchDto, FullSyncBatchResult } from './subscribers.dto';
import { SubscribersRepository } from './subscribers.repository';
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
    private readonly syncs: FullSyncRepository,
    private readonly subscribers: SubscribersRepository,
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
    if (!(await this.syncs.recordBatch(m, batch.syncId, batch.batchNo, rows.length, batch.occurredAt))) {
      throw new AppError('duplicate_batch', `Batch ${batch.batchNo} of sync ${batch.syncId} was already received`, {
        reason: 'duplicate_batch',
      });
    }
    const suppressed = await this.syncs.upsertRows(m, { ...batch, rows });
    await this.suppressions.markSuppressed(m, batch.tenantId, suppressed, 'member_center', 'member_center');

    const progress = await this.syncs.countBatch(m, batch.syncId, rows.length, batch.occurredAt);
    if (!progress) throw new AppError('conflict', 'This sync is no longer receiving batches', { reason: 'sync_closed' });
    const { batches_received, batch_total, occurred_at } = progress;
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
    await this.subscribers.ensureList(b.tenantId, b.listId);
    return this.syncs.open(b);
  }

  /** The worker's sweep: every sync incomplete for 24 h is abandoned (it removes nobody). */
  async abandonStale(): Promise<number> {
    return this.syncs.abandonCreatedBefore(new Date(Date.now() - SYNC_ABANDON_AFTER_MS));
  }

  /** Marks a sync abandoned once it has been incomplete for 24 h; true when it is (now or before) abandoned. */
  async abandonIfExpired(sync: FullSync): Promise<boolean> {
    if (sync.status === 'abandoned') return true;
    if (sync.status !== 'receiving' || Date.now() - sync.createdAt.getTime() < SYNC_ABANDON_AFTER_MS) return false;
    await this.syncs.markAbandoned(sync.id);
    sync.status = 'abandoned';
    return true;
  }

  /**
   * Members the sync did not contain become unsubscribed (`removed_by_full_sync`) unless something newer than
   * the sync's snapshot (an event or a later sync) wrote them since. Only active members are removed: a
   * bounced or complained address keeps that status.
   */
  private async complete(m: EntityManager, b: IncomingBatch, snapshotAt: Date): Promise<number> {
    const removed = await this.syncs.removeAbsentees(m, b.tenantId, b.listId, b.syncId, snapshotAt);
    await this.syncs.markCompleted(m, b.syncId, removed.length);
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
