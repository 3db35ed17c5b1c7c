import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../common/errors/app-error';
import { Page, paginate } from '../../common/pagination/cursor';
import { EngineEvents } from '../webhooks/engine-events';
import { normalizeEmail, statusForSuppression, SuppressionReason } from './subscriber-status';
import { SuppressionResponse, SuppressionsQueryDto } from './subscribers.dto';
import { Suppression } from './suppression.entity';

/**
 * The tenant's do-not-send list and the membership changes the engine itself makes (bounces, complaints,
 * one-click unsubscribes). Exported for SesEvents and SendJobs. Each write takes the caller's transaction
 * `manager` so the effect and its engine event commit together; without one it runs in its own transaction.
 */
@Injectable()
export class SuppressionList {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EngineEvents,
    @InjectRepository(Suppression) private readonly suppressions: Repository<Suppression>,
  ) {}

  async isSuppressed(tenantId: string, email: string, manager?: EntityManager): Promise<boolean> {
    return (await this.suppressedAmong(tenantId, [email], manager)).size > 0;
  }

  /** The addresses of `emails` (normalised) that are suppressed: one query for a whole recipient batch. */
  async suppressedAmong(tenantId: string, emails: string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const rows: { email: string }[] = await manager.query(
      'SELECT email FROM suppressions WHERE tenant_id = $1 AND email = ANY($2::text[]) AND lifted_at IS NULL',
      [tenantId, emails.map(normalizeEmail)],
    );
    return new Set(rows.map((r) => r.email));
  }

  /**
   * Suppresses an address (no-op when it already is) and marks its subscribers and their memberships
   * bounced/complaint/suppressed; publishes `subscriber.suppressed`. Returns whether it was newly suppressed.
   */
  async suppress(
    tenantId: string,
    email: string,
    reason: SuppressionReason,
    source: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    return this.within(manager, async (m) => {
      const address = normalizeEmail(email);
      const inserted: unknown[] = await m.query(
        `INSERT INTO suppressions (id, tenant_id, email, reason, source) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, email) WHERE lifted_at IS NULL DO NOTHING RETURNING id`,
        [uuidv7(), tenantId, address, reason, source],
      );
      if (inserted.length === 0) return false;
      await this.markSuppressed(m, tenantId, [address], reason, source);
      return true;
    });
  }

  /**
   * For addresses just added to the suppression list: their subscribers and memberships take the suppression's
   * status, and one `subscriber.suppressed` event per address is published.
   */
  async markSuppressed(m: EntityManager, tenantId: string, emails: string[], reason: SuppressionReason, source: string): Promise<void> {
    if (emails.length === 0) return;
    const status = statusForSuppression(reason);
    const [subscribers]: [{ id: string; email: string }[], number] = await m.query(
      `UPDATE subscribers SET status = $3, updated_at = now() WHERE tenant_id = $1 AND email = ANY($2::text[]) RETURNING id, email`,
      [tenantId, emails, status],
    );
    if (subscribers.length) {
      await m.query(
        `UPDATE list_memberships SET status = $3, reason = $4, updated_at = now()
         WHERE tenant_id = $1 AND subscriber_id = ANY($2::uuid[])`,
        [tenantId, subscribers.map((s) => s.id), status, reason],
      );
    }
    for (const email of emails) {
      const subscriberIds = subscribers.filter((s) => s.email === email).map((s) => s.id);
      await this.events.publish({ tenantId, type: 'subscriber.suppressed', data: { email, reason, source, subscriber_ids: subscriberIds } }, m);
    }
  }

  /**
   * Ends an active membership on the engine's side (one-click unsubscribe, …) and publishes
   * `subscriber.unsubscribed`. Its time is now, so an older Member Center activation cannot undo it.
   * Returns false when there was no active membership.
   */
  async unsubscribe(tenantId: string, listId: string, subscriberId: string, reason: string, manager?: EntityManager): Promise<boolean> {
    return this.within(manager, async (m) => {
      const [rows]: [{ email: string }[], number] = await m.query(
        `UPDATE list_memberships m SET status = 'unsubscribed', reason = $4, last_occurred_at = GREATEST(m.last_occurred_at, now()),
           updated_at = now()
         FROM subscribers s
         WHERE m.tenant_id = $1 AND m.list_id = $2 AND m.subscriber_id = $3 AND m.status = 'active'
           AND s.tenant_id = m.tenant_id AND s.id = m.subscriber_id
         RETURNING s.email`,
        [tenantId, listId, subscriberId, reason],
      );
      if (rows.length === 0) return false;
      await this.publishUnsubscribed(m, { tenantId, listId, subscriberId, email: rows[0].email, reason });
      return true;
    });
  }

  async publishUnsubscribed(
    m: EntityManager,
    e: { tenantId: string; listId: string; subscriberId: string; email: string; reason: string },
  ): Promise<void> {
    await this.events.publish(
      { tenantId: e.tenantId, type: 'subscriber.unsubscribed', data: { list_id: e.listId, subscriber_id: e.subscriberId, email: e.email, reason: e.reason } },
      m,
    );
  }

  /** Admin lift: the row stays with who lifted it and when; memberships change again only when Member Center says so. */
  async lift(tenantId: string, email: string, liftedBy: string): Promise<void> {
    const result = await this.suppressions
      .createQueryBuilder()
      .update()
      .set({ liftedAt: () => 'now()', liftedBy })
      .where('tenant_id = :tenantId AND email = :email AND lifted_at IS NULL', { tenantId, email: normalizeEmail(email) })
      .execute();
    if (!result.affected) throw AppError.notFound('Suppression');
  }

  list(tenantId: string, query: SuppressionsQueryDto): Promise<Page<SuppressionResponse>> {
    const qb = this.suppressions.createQueryBuilder('s').where('s.tenant_id = :tenantId AND s.lifted_at IS NULL', { tenantId });
    if (query.q) qb.andWhere(`s.email ILIKE :q ESCAPE '\\'`, { q: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    return paginate(qb, query, (s) => ({
      id: s.id,
      email: s.email,
      reason: s.reason,
      source: s.source,
      created_at: s.createdAt.toISOString(),
    }));
  }

  private within<T>(manager: EntityManager | undefined, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return manager ? work(manager) : this.dataSource.transaction(work);
  }
}
