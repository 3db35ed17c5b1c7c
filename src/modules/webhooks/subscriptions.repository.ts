import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, DeepPartial, EntityManager, In, Repository } from 'typeorm';
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
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(WebhookSubscription) private readonly subscriptions: Repository<WebhookSubscription>,
  ) {}

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
    return manager.query(
      `SELECT id, tenant_id, event_filter, filter_spec, origin FROM webhook_subscriptions WHERE tenant_id = ANY($1::uuid[]) AND state = 'active'`,
      [tenantIds],
    );
  }

  /** A tenant's subscriptions created by one dialect, oldest first. */
  ofOrigin(tenantId: string, origin: string): Promise<WebhookSubscription[]> {
    return this.subscriptions.find({ where: { tenantId, origin }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Replaces a tenant's subscriptions of `origin` in one transaction, serialized per tenant and origin (two
   * concurrent replacements must not both insert into an empty set): `build` maps the current rows to the rows to
   * save; current rows it does not return are deleted.
   */
  async replaceOrigin(tenantId: string, origin: string, build: (current: WebhookSubscription[], create: (fields: DeepPartial<WebhookSubscription>) => WebhookSubscription) => WebhookSubscription[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`subscriptions:${origin}:${tenantId}`]);
      const repo = manager.getRepository(WebhookSubscription);
      const current = await repo.find({ where: { tenantId, origin }, order: { createdAt: 'ASC', id: 'ASC' } });
      const rows = build(current, (fields) => repo.create(fields));
      const stale = current.filter((r) => !rows.includes(r));
      if (stale.length) await repo.delete({ tenantId, id: In(stale.map((r) => r.id)) });
      if (rows.length) await repo.save(rows);
    });
  }

  /** Deletes a tenant's subscriptions of one dialect (their deliveries stay). */
  async deleteOrigin(tenantId: string, origin: string): Promise<void> {
    await this.subscriptions.delete({ tenantId, origin });
  }
}
