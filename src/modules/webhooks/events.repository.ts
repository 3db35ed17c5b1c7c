import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
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
  /** A CloudEvent's attributes (all but `data`, which is the payload). */
  attributes?: Record<string, unknown> | null;
  /**
   * Deduplication key (e.g. a CloudEvent's source + id): an event whose key the tenant used within the last
   * 24 h is not stored or delivered again; the earlier event is returned instead.
   */
  dedupKey?: string | null;
}

/** An event row to insert. */
export interface NewEventRow extends NewEvent {
  id: string;
}

// One statement writes every event of a batch and one pending delivery per matching subscription, so an event
// and its deliveries exist together or not at all, without a BEGIN/COMMIT round trip pair. The deliveries part
// ($10-$13) is the deliveries module's, which owns that table. An event whose dedup key is held is skipped
// (ON CONFLICT), and so are its deliveries.
const INSERT_EVENTS_AND_DELIVERIES = `
  WITH e AS (
    INSERT INTO webhook_events (id, tenant_id, type, payload, idempotency_key, source_ip, source, attributes, dedup_key)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[])
    ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id, created_at
  ), d AS (
    ${insertPendingDeliveriesSql(10, 'e')}
  )
  SELECT id, created_at FROM e`;

/** How long a dedup key holds. */
const DEDUP_WINDOW = `interval '24 hours'`;

const HOLDERS_OF_KEYS = `
  SELECT id, tenant_id, type, payload, idempotency_key, source_ip, created_at, dedup_key,
         created_at < now() - ${DEDUP_WINDOW} AS expired
    FROM webhook_events WHERE tenant_id = ANY($1::uuid[]) AND dedup_key = ANY($2::text[])`;

/** An event holding a dedup key. */
export interface KeyHolder {
  event: Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'idempotencyKey' | 'sourceIp' | 'createdAt'>;
  /** Older than the window: its key may be released. */
  expired: boolean;
}

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

  findMany(tenantId: string, ids: string[]): Promise<WebhookEvent[]> {
    return ids.length ? this.events.findBy({ tenantId, id: In(ids) }) : Promise.resolve([]);
  }

  /** Inserts the events and their pending deliveries in one statement in `manager`; each event's created_at by id. */
  async insertWithDeliveries(manager: EntityManager, events: NewEventRow[], deliveries: PendingDelivery[]): Promise<Map<string, Date>> {
    const rows: { id: string; created_at: Date }[] = await manager.query(INSERT_EVENTS_AND_DELIVERIES, [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload ?? null)),
      events.map((e) => e.idempotencyKey ?? null),
      events.map((e) => e.sourceIp ?? null),
      events.map((e) => e.source ?? 'api'),
      events.map((e) => (e.attributes ? JSON.stringify(e.attributes) : null)),
      events.map((e) => e.dedupKey ?? null),
      ...pendingDeliveryParams(deliveries),
    ]);
    return new Map(rows.map((r) => [r.id, r.created_at]));
  }

  /** The events holding these dedup keys, by `tenant:key`. */
  async holdersOfKeys(manager: EntityManager, tenantIds: string[], keys: string[]): Promise<Map<string, KeyHolder>> {
    if (!keys.length) return new Map();
    const rows: {
      id: string; tenant_id: string; type: string; payload: Record<string, unknown>; idempotency_key: string | null;
      source_ip: string | null; created_at: Date; dedup_key: string; expired: boolean;
    }[] = await manager.query(HOLDERS_OF_KEYS, [tenantIds, keys]);
    return new Map(
      rows.map((r) => [
        `${r.tenant_id}:${r.dedup_key}`,
        {
          event: { id: r.id, tenantId: r.tenant_id, type: r.type, payload: r.payload, idempotencyKey: r.idempotency_key, sourceIp: r.source_ip, createdAt: r.created_at },
          expired: r.expired,
        },
      ]),
    );
  }

  /** Releases the dedup keys of these events if they are past the window (the key may then be used again). */
  async releaseExpiredKeys(manager: EntityManager, eventIds: string[]): Promise<void> {
    await manager.query(`UPDATE webhook_events SET dedup_key = NULL WHERE id = ANY($1::uuid[]) AND created_at < now() - ${DEDUP_WINDOW}`, [eventIds]);
  }
}
