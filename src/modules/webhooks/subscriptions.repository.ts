import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeepPartial, EntityManager, Repository } from 'typeorm';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { SubscriptionState, WebhookSubscription } from './entities/webhook-subscription.entity';
import { MatchableSubscription } from './subscription-match';

/** An active subscription as the fan-out matches it. */
export interface FanOutSubscription extends MatchableSubscription {
  id: string;
  tenant_id: string;
}

/** The SQL of webhook subscriptions. */
@Injectable()
export class SubscriptionsRepository {
  constructor(@InjectRepository(WebhookSubscription) private readonly subscriptions: Repository<WebhookSubscription>) {}

  insert(fields: DeepPartial<WebhookSubscription>): Promise<WebhookSubscription> {
    return this.subscriptions.save(this.subscriptions.create(fields));
  }

  save(sub: WebhookSubscription): Promise<WebhookSubscription> {
    return this.subscriptions.save(sub);
  }

  /** The tenant's subscription `id` (only if `origin` created it, when given). */
  findOne(tenantId: string, id: string, origin?: string): Promise<WebhookSubscription | null> {
    return this.subscriptions.findOneBy({ id, tenantId, ...(origin && { origin }) });
  }

  /** Every subscription of the tenant that `origin` created, oldest first. */
  listByOrigin(tenantId: string, origin: string): Promise<WebhookSubscription[]> {
    return this.subscriptions.find({ where: { tenantId, origin }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Inserts `fields` unless `conflict` names an error for the tenant's subscriptions of `origin` with this URL:
   * checked and inserted in one transaction under an advisory lock on (tenant, origin, url), so twin requests
   * cannot both pass.
   */
  insertUnlessConflict<E extends Error>(
    tenantId: string, origin: string, url: string,
    conflict: (sameUrl: WebhookSubscription[]) => E | null,
    fields: DeepPartial<WebhookSubscription>,
  ): Promise<WebhookSubscription> {
    return this.subscriptions.manager.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`subscription:${tenantId}:${origin}:${url}`]);
      const error = conflict(await m.findBy(WebhookSubscription, { tenantId, origin, url }));
      if (error) throw error;
      return m.save(m.create(WebhookSubscription, fields));
    });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.subscriptions.delete({ id, tenantId });
  }

  /** A tenant's subscriptions, newest first. */
  page(tenantId: string, filter: { state?: SubscriptionState }, query: PageQueryDto): Promise<Page<WebhookSubscription>> {
    const qb = this.subscriptions.createQueryBuilder('s').where('s.tenant_id = :tenantId', { tenantId });
    if (filter.state) qb.andWhere('s.state = :state', { state: filter.state });
    return paginate(qb, query, (s) => s);
  }

  /** The active subscriptions of these tenants, read in `manager`'s transaction. */
  activeOf(manager: EntityManager, tenantIds: string[]): Promise<FanOutSubscription[]> {
    return manager.query(`SELECT id, tenant_id, event_filter, filter_spec, origin FROM webhook_subscriptions WHERE tenant_id = ANY($1::uuid[]) AND state = 'active'`, [tenantIds]);
  }
}
