import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { FullSyncRepository } from './full-sync.repository';
import { FullSyncService } from './full-sync.service';
import { toListResponse } from './lists.service';
import { FullSyncResponse, ListResponse, MemberResponse, MembersQueryDto, SubscriberResponse } from './subscribers.dto';
import { SubscribersRepository } from './subscribers.repository';
import { SuppressionsRepository } from './suppressions.repository';

/**
 * Admin reads of lists, members, subscribers and sync progress; always scoped to the caller's tenant. Exported
 * for other modules that need to know a list exists (SendJobs).
 */
@Injectable()
export class SubscribersService {
  constructor(
    private readonly fullSync: FullSyncService,
    private readonly subscribers: SubscribersRepository,
    private readonly suppressions: SuppressionsRepository,
    private readonly syncs: FullSyncRepository,
  ) {}

  /** Whether the tenant has this list (ids compare case-insensitively). */
  listExists(tenantId: string, listId: string): Promise<boolean> {
    return this.subscribers.listExists(tenantId, listId.toLowerCase());
  }

  listLists(tenantId: string, query: PageQueryDto): Promise<Page<ListResponse>> {
    return paginate(this.subscribers.listsQuery(tenantId), query, toListResponse);
  }

  async listMembers(tenantId: string, listId: string, query: MembersQueryDto): Promise<Page<MemberResponse>> {
    await this.requireList(tenantId, listId);
    const page = await paginate(this.subscribers.membersQuery(tenantId, listId, query.status), query, (m) => m);
    const emails = await this.subscribers.emailsOf(tenantId, page.data.map((m) => m.subscriberId));
    return {
      next_cursor: page.next_cursor,
      data: page.data.map((m) => ({
        subscriber_id: m.subscriberId,
        email: emails.get(m.subscriberId) ?? '',
        status: m.status,
        reason: m.reason,
        last_occurred_at: m.lastOccurredAt.toISOString(),
        last_sync_id: m.lastSyncId,
        created_at: m.createdAt.toISOString(),
        updated_at: m.updatedAt.toISOString(),
      })),
    };
  }

  async getSubscriber(tenantId: string, id: string): Promise<SubscriberResponse> {
    const s = await this.subscribers.findSubscriber(tenantId, id);
    if (!s) throw AppError.notFound('Subscriber');
    const [memberships, suppression] = await Promise.all([
      this.subscribers.membershipsOf(tenantId, id),
      this.suppressions.findActive(tenantId, s.email),
    ]);
    return {
      id: s.id,
      email: s.email,
      status: s.status,
      preferences: s.preferences,
      lists: memberships.map((m) => ({
        list_id: m.listId,
        status: m.status,
        reason: m.reason,
        last_occurred_at: m.lastOccurredAt.toISOString(),
      })),
      suppression: suppression && {
        id: suppression.id,
        email: suppression.email,
        reason: suppression.reason,
        source: suppression.source,
        created_at: suppression.createdAt.toISOString(),
      },
      last_occurred_at: s.lastOccurredAt.toISOString(),
      created_at: s.createdAt.toISOString(),
      updated_at: s.updatedAt.toISOString(),
    };
  }

  async getSync(tenantId: string, listId: string, syncId: string): Promise<FullSyncResponse> {
    const sync = await this.syncs.find(tenantId, listId, syncId);
    if (!sync) throw AppError.notFound('Sync');
    await this.fullSync.abandonIfExpired(sync);
    const received = await this.syncs.receivedBatchNumbers(syncId);
    return {
      id: sync.id,
      list_id: sync.listId,
      status: sync.status,
      batch_total: sync.batchTotal,
      batches_received: sync.batchesReceived,
      received_batch_numbers: received,
      subscribers_received: sync.subscribersReceived,
      removed_count: sync.removedCount,
      occurred_at: sync.occurredAt.toISOString(),
      created_at: sync.createdAt.toISOString(),
      completed_at: sync.completedAt?.toISOString() ?? null,
      abandoned_at: sync.abandonedAt?.toISOString() ?? null,
    };
  }

  private async requireList(tenantId: string, id: string): Promise<void> {
    if (!(await this.subscribers.listExists(tenantId, id))) throw AppError.notFound('List');
  }
}
