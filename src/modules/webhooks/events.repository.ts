import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { insertPendingDeliveriesSql, PendingDelivery, pendingDeliveryParams } from '../deliveries/deliveries.repository';
import { WebhookEvent } from './entities/webhook-event.entity';

/** An event to publish. */
export interface NewEvent {
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  idempotencyKey?: string | null;
  sourceIp?: string | null;
  source?: string;
}

/** An event row to insert. */
export interface NewEventRow extends NewEvent {
  id: string;
}

// One statement writes every event of a batch and one pending delivery per matching subscription, so an event
// and its deliveries exist together or not at all, without a BEGIN/COMMIT round trip pair. The deliveries part
// ($8-$11) is the deliveries module's, which owns that table.
const INSERT_EVENTS_AND_DELIVERIES = `
  WITH e AS (
    INSERT INTO webhook_events (id, tenant_id, type, payload, idempotency_key, source_ip, source)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[])
    RETURNING id, created_at
  ), d AS (
    ${insertPendingDeliveriesSql(8)}
  )
  SELECT id, created_at FROM e`;

/** The SQL of webhook events. */
@Injectable()
export class EventsRepository {
  constructor(@InjectRepository(WebhookEvent) private readonly events: Repository<WebhookEvent>) {}

  /** A tenant's events, newest first. */
  page(tenantId: string, filter: { type?: string; createdAfter?: Date }, query: PageQueryDto): Promise<Page<WebhookEvent>> {
    const qb = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.createdAfter) qb.andWhere('e.created_at > :after', { after: filter.createdAfter });
    return paginate(qb, query, (e) => e);
  }

  findOne(tenantId: string, id: string): Promise<WebhookEvent | null> {
    return this.events.findOneBy({ id, tenantId });
  }

  /** Inserts the events and their pending deliveries in one statement in `manager`; each event's created_at by id. */
  async insertWithDeliveries(manager: EntityManager, events: NewEventRow[], deliveries: PendingDelivery[]): Promise<Map<string, Date>> {
    const rows: { id: string; created_at: Date }[] = await manager.query(INSERT_EVENTS_AND_DELIVERIES, [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.idempotencyKey ?? null),
      events.map((e) => e.sourceIp ?? null),
      events.map((e) => e.source ?? 'api'),
      ...pendingDeliveryParams(deliveries),
    ]);
    return new Map(rows.map((r) => [r.id, r.created_at]));
  }
}
