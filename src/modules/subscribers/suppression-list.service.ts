import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Page, paginate } from '../../common/pagination/cursor';
import { EngineEvents } from '../webhooks/engine-events';
import { normalizeEmail, statusForSuppression, SuppressionReason } from './subscriber-status';
import { SubscribersRepository } from './subscribers.repository';
import { SuppressionResponse, SuppressionsQueryDto } from './subscribers.dto';
import { SuppressionsRepository } from './suppressions.repository';

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
    private readonly suppressions: SuppressionsRepository,
    private readonly subscribers: SubscribersRepository,
  ) {}

  async isSuppressed(tenantId: string, email: string, manager?: EntityManager): Promise<boolean> {
    return (await this.suppressedAmong(tenantId, [email], manager)).size > 0;
  }

  /** The addresses of `emails` (normalised) that are suppressed: one query for a whole recipient batch. */
  suppressedAmong(tenantId: string, emails: string[], manager?: EntityManager): Promise<Set<string>> {
    return this.suppressions.activeAmong(tenantId, emails.map(normalizeEmail), manager);
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
      if (!(await this.suppressions.insert(m, tenantId, address, reason, source))) return false;
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
    const subscribers = await this.subscribers.setStatusByEmail(m, tenantId, emails, statusForSuppression(reason), reason);
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
      const email = await this.subscribers.endMembership(m, tenantId, listId, subscriberId, reason);
      if (email === null) return false;
      await this.publishUnsubscribed(m, { tenantId, listId, subscriberId, email, reason });
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
    if (!(await this.suppressions.lift(tenantId, normalizeEmail(email), liftedBy))) throw AppError.notFound('Suppression');
  }

  list(tenantId: string, query: SuppressionsQueryDto): Promise<Page<SuppressionResponse>> {
    return paginate(this.suppressions.activeQuery(tenantId, query.q), query, (s) => ({
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
