import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ListMembership } from './list-membership.entity';
import { MailingList } from './list.entity';
import { Subscriber } from './subscriber.entity';
import { SubscriberStatus, SUPPRESSED_STATUS } from './subscriber-status';

/** Newer-wins profile upsert; `$5` null keeps the stored preferences. Returns a row only when applied. */
const UPSERT_PROFILE = `
INSERT INTO subscribers AS s (tenant_id, id, email, status, preferences, last_occurred_at)
SELECT $1, $2, $3, COALESCE(${SUPPRESSED_STATUS}, $4), COALESCE($5::jsonb, '{}'::jsonb), $6
FROM (SELECT 1) AS one
LEFT JOIN suppressions sup ON sup.tenant_id = $1 AND sup.email = $3 AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, id) DO UPDATE
SET email = EXCLUDED.email, status = EXCLUDED.status, preferences = COALESCE($5::jsonb, s.preferences),
    last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE s.last_occurred_at <= EXCLUDED.last_occurred_at
RETURNING id`;

/** Newer-wins membership upsert; a suppressed address keeps its suppression status. Returns a row only when applied. */
const UPSERT_MEMBERSHIP = `
INSERT INTO list_memberships AS m (id, tenant_id, list_id, subscriber_id, status, reason, last_occurred_at)
SELECT $1, $2, $3, $4, COALESCE(${SUPPRESSED_STATUS}, $5), sup.reason, $6
FROM (SELECT 1) AS one
LEFT JOIN suppressions sup ON sup.tenant_id = $2 AND sup.email = $7 AND sup.lifted_at IS NULL
ON CONFLICT (tenant_id, list_id, subscriber_id) DO UPDATE
SET status = EXCLUDED.status, reason = EXCLUDED.reason, last_occurred_at = EXCLUDED.last_occurred_at, updated_at = now()
WHERE m.last_occurred_at <= EXCLUDED.last_occurred_at
RETURNING status`;

/** UPDATE … RETURNING answers `[rows, count]` through TypeORM's query(). */
type Updated<T> = [T[], number];

/** A Member Center event as the statements need it. */
export interface MemberCenterEventRow {
  id: string;
  type: string;
  tenantId: string;
  listId: string;
  subscriberId: string;
  email: string;
  occurredAt: Date;
}

/**
 * Lists, subscribers, memberships and the Member Center events received. Writes take the caller's transaction
 * `m`; every upsert is newer-wins on `last_occurred_at`, so events and syncs may arrive in any order.
 */
@Injectable()
export class SubscribersRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(MailingList) private readonly lists: Repository<MailingList>,
    @InjectRepository(ListMembership) private readonly memberships: Repository<ListMembership>,
    @InjectRepository(Subscriber) private readonly subscribers: Repository<Subscriber>,
  ) {}

  /** Lists exist as soon as Member Center mentions them. */
  async ensureList(tenantId: string, listId: string, m: EntityManager = this.dataSource.manager): Promise<void> {
    await m.query('INSERT INTO lists (tenant_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, listId]);
  }

  listExists(tenantId: string, listId: string): Promise<boolean> {
    return this.lists.existsBy({ tenantId, id: listId });
  }

  /** Claims an event id for the tenant (recorded as `applied`); false when it was received before. */
  async claimEvent(m: EntityManager, e: MemberCenterEventRow): Promise<boolean> {
    const claimed: unknown[] = await m.query(
      `INSERT INTO inbound_events (tenant_id, event_id, event_type, list_id, subscriber_id, occurred_at, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, 'applied') ON CONFLICT DO NOTHING RETURNING event_id`,
      [e.tenantId, e.id, e.type, e.listId, e.subscriberId, e.occurredAt],
    );
    return claimed.length > 0;
  }

  async markEventIgnored(m: EntityManager, tenantId: string, eventId: string): Promise<void> {
    await m.query(`UPDATE inbound_events SET outcome = 'ignored_out_of_order' WHERE tenant_id = $1 AND event_id = $2`, [tenantId, eventId]);
  }

  /** The profile as the event states it (null `preferences` keeps the stored ones); false when a newer write won. */
  async upsertProfile(
    m: EntityManager,
    e: MemberCenterEventRow,
    status: SubscriberStatus,
    preferences: Record<string, unknown> | null,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(UPSERT_PROFILE, [e.tenantId, e.subscriberId, e.email, status, preferences, e.occurredAt]);
    return rows.length > 0;
  }

  /** The membership's new status (a suppressed address keeps its suppression's), or null when a newer write won. */
  async upsertMembership(m: EntityManager, e: MemberCenterEventRow, status: 'active' | 'unsubscribed'): Promise<string | null> {
    const rows: { status: string }[] = await m.query(UPSERT_MEMBERSHIP, [
      uuidv7(),
      e.tenantId,
      e.listId,
      e.subscriberId,
      status,
      e.occurredAt,
      e.email,
    ]);
    return rows[0]?.status ?? null;
  }

  /** Subscribers with these addresses and all their memberships take `status`; returns the subscribers changed. */
  async setStatusByEmail(m: EntityManager, tenantId: string, emails: string[], status: SubscriberStatus, reason: string): Promise<{ id: string; email: string }[]> {
    const [subscribers] = (await m.query(
      `UPDATE subscribers SET status = $3, updated_at = now() WHERE tenant_id = $1 AND email = ANY($2::text[]) RETURNING id, email`,
      [tenantId, emails, status],
    )) as Updated<{ id: string; email: string }>;
    if (subscribers.length) {
      await m.query(
        `UPDATE list_memberships SET status = $3, reason = $4, updated_at = now()
         WHERE tenant_id = $1 AND subscriber_id = ANY($2::uuid[])`,
        [tenantId, subscribers.map((s) => s.id), status, reason],
      );
    }
    return subscribers;
  }

  /**
   * Ends an active membership now (so an older Member Center activation cannot undo it); returns the
   * subscriber's address, or null when there was no active membership.
   */
  async endMembership(m: EntityManager, tenantId: string, listId: string, subscriberId: string, reason: string): Promise<string | null> {
    const [rows] = (await m.query(
      `UPDATE list_memberships m SET status = 'unsubscribed', reason = $4, last_occurred_at = GREATEST(m.last_occurred_at, now()),
         updated_at = now()
       FROM subscribers s
       WHERE m.tenant_id = $1 AND m.list_id = $2 AND m.subscriber_id = $3 AND m.status = 'active'
         AND s.tenant_id = m.tenant_id AND s.id = m.subscriber_id
       RETURNING s.email`,
      [tenantId, listId, subscriberId, reason],
    )) as Updated<{ email: string }>;
    return rows[0]?.email ?? null;
  }

  listsQuery(tenantId: string) {
    return this.lists.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId });
  }

  membersQuery(tenantId: string, listId: string, status?: string) {
    const qb = this.memberships.createQueryBuilder('m').where('m.tenant_id = :tenantId AND m.list_id = :listId', { tenantId, listId });
    if (status) qb.andWhere('m.status = :status', { status });
    return qb;
  }

  findSubscriber(tenantId: string, id: string): Promise<Subscriber | null> {
    return this.subscribers.findOneBy({ tenantId, id });
  }

  membershipsOf(tenantId: string, subscriberId: string): Promise<ListMembership[]> {
    return this.memberships.find({ where: { tenantId, subscriberId }, order: { createdAt: 'ASC' } });
  }

  async emailsOf(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.subscribers.find({ select: { id: true, email: true }, where: { tenantId, id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r.email]));
  }
}
