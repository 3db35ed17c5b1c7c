import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { FullSync, FullSyncBatch } from './full-sync.entity';
import { FullSyncService } from './full-sync.service';
import { ListMembership } from './list-membership.entity';
import { MailingList } from './list.entity';
import { toListResponse } from './lists.service';
import { Subscriber } from './subscriber.entity';
import { FullSyncResponse, ListResponse, MemberResponse, MembersQueryDto, SubscriberResponse } from './subscribers.dto';
import { Suppression } from './suppression.entity';

/** Admin reads of lists, members, subscribers and sync progress; always scoped to the caller's tenant. */
@Injectable()
export class SubscribersService {
  constructor(
    private readonly fullSync: FullSyncService,
    @InjectRepository(MailingList) private readonly lists: Repository<MailingList>,
    @InjectRepository(ListMembership) private readonly memberships: Repository<ListMembership>,
    @InjectRepository(Subscriber) private readonly subscribers: Repository<Subscriber>,
    @InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>,
    @InjectRepository(FullSync) private readonly syncs: Repository<FullSync>,
    @InjectRepository(FullSyncBatch) private readonly batches: Repository<FullSyncBatch>,
  ) {}

  listLists(tenantId: string, query: PageQueryDto): Promise<Page<ListResponse>> {
    const qb = this.lists.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId });
    return paginate(qb, query, toListResponse);
  }

  async listMembers(tenantId: string, listId: string, query: MembersQueryDto): Promise<Page<MemberResponse>> {
    await this.requireList(tenantId, listId);
    const qb = this.memberships.createQueryBuilder('m').where('m.tenant_id = :tenantId AND m.list_id = :listId', { tenantId, listId });
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    const page = await paginate(qb, query, (m) => m);
    const emails = await this.emailsOf(tenantId, page.data.map((m) => m.subscriberId));
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
    const s = await this.subscribers.findOneBy({ tenantId, id });
    if (!s) throw AppError.notFound('Subscriber');
    const [memberships, suppression] = await Promise.all([
      this.memberships.find({ where: { tenantId, subscriberId: id }, order: { createdAt: 'ASC' } }),
      this.suppressions.findOneBy({ tenantId, email: s.email, liftedAt: IsNull() }),
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
    const sync = await this.syncs.findOneBy({ id: syncId, tenantId, listId });
    if (!sync) throw AppError.notFound('Sync');
    await this.fullSync.abandonIfExpired(sync);
    const received = await this.batches.find({ select: { batchNo: true }, where: { syncId }, order: { batchNo: 'ASC' } });
    return {
      id: sync.id,
      list_id: sync.listId,
      status: sync.status,
      batch_total: sync.batchTotal,
      batches_received: sync.batchesReceived,
      received_batch_numbers: received.map((b) => b.batchNo),
      subscribers_received: sync.subscribersReceived,
      removed_count: sync.removedCount,
      occurred_at: sync.occurredAt.toISOString(),
      created_at: sync.createdAt.toISOString(),
      completed_at: sync.completedAt?.toISOString() ?? null,
      abandoned_at: sync.abandonedAt?.toISOString() ?? null,
    };
  }

  private async requireList(tenantId: string, id: string): Promise<void> {
    if (!(await this.lists.existsBy({ tenantId, id }))) throw AppError.notFound('List');
  }

  private async emailsOf(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.subscribers.find({ select: { id: true, email: true }, where: { tenantId, id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r.email]));
  }
}
