import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DeepPartial, EntityManager, Repository } from 'typeorm';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { SubscriptionState, WebhookSubscription } from './entities/webhook-subscription.entity';

/** An active subscription as the fan-out matches it. */
export interface FanOutSubscription {
  id: string;
  tenant_id: string;
  event_filter: string;
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

  findOne(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    return this.subscriptions.findOneBy({ id, tenantId });
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
    return manager.query(`SELECT id, tenant_id, event_filter FROM webhook_subscriptions WHERE tenant_id = ANY($1::uuid[]) AND state = 'active'`, [tenantIds]);
  }
}
