import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { WebhookEvent } from './entities/webhook-event.entity';
import { matchesEventFilter } from './event-filter';
import { DeliveryProducer } from '../deliveries/delivery.producer';

export interface NewEvent {
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  idempotencyKey?: string | null;
  sourceIp?: string | null;
  source?: string;
}

/** The stored event as the API shows it, and the deliveries written for it. */
export interface WrittenEvent {
  event: Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'idempotencyKey' | 'sourceIp' | 'createdAt'>;
  deliveryIds: string[];
}

/** Events written per statement, and statements in flight (the pool has 10 connections). */
const BATCH = { maxBatch: 200, maxConcurrent: 4 };

// One statement writes every event of a batch and one pending delivery per matching subscription, so an event
// and its deliveries exist together or not at all, without a BEGIN/COMMIT round trip pair.
const INSERT_EVENTS_AND_DELIVERIES = `
  WITH e AS (
    INSERT INTO webhook_events (id, tenant_id, type, payload, idempotency_key, source_ip, source)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[])
    RETURNING id, created_at
  ), d AS (
    INSERT INTO webhook_deliveries (id, tenant_id, event_id, subscription_id, status, next_attempt_at)
    SELECT id, tenant_id, event_id, subscription_id, 'pending', now()
      FROM unnest($8::uuid[], $9::uuid[], $10::uuid[], $11::uuid[]) AS t(id, tenant_id, event_id, subscription_id)
  )
  SELECT id, created_at FROM e`;

/**
 * The one path every event takes: the event row and one pending delivery per matching active subscription,
 * written in one statement (in the caller's transaction when given one); enqueueing happens after commit, never
 * inside the transaction, so a job can never run before its row exists. A failed enqueue loses nothing: the
 * reconciler sends due rows. Events published on their own are batched with concurrent ones (group commit), and
 * so are enqueues (one Redis round trip for many jobs).
 */
@Injectable()
export class EventFanOut {
  private readonly logger = new Logger(EventFanOut.name);
  private readonly writes: Batcher<NewEvent, WrittenEvent>;
  private readonly enqueues: Batcher<string[], undefined>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: DeliveryProducer,
  ) {
    this.writes = new Batcher((inputs) => this.writeMany(this.dataSource.manager, inputs), BATCH);
    this.enqueues = new Batcher(async (lists) => {
      await this.producer.enqueueFirstAttempts(lists.flat());
      return lists.map(() => undefined);
    }, BATCH);
  }

  /** Writes the rows in `manager`'s transaction; returns the event and the delivery ids to enqueue after commit. */
  async write(manager: EntityManager, input: NewEvent): Promise<WrittenEvent> {
    const [written] = await this.writeMany(manager, [input]);
    return written;
  }

  /** Committed (with concurrent events, in one statement), then enqueued. */
  async publish(input: NewEvent): Promise<WrittenEvent> {
    const written = await this.writes.run(input);
    await this.enqueue(written.deliveryIds);
    return written;
  }

  /** Best effort: on failure the rows stay pending and due, and the reconciler enqueues them. */
  async enqueue(deliveryIds: string[]): Promise<void> {
    try {
      if (deliveryIds.length) await this.enqueues.run(deliveryIds);
    } catch (e) {
      this.logger.warn(`enqueue of ${deliveryIds.length} deliveries failed, the reconciler will send them: ${(e as Error).message}`);
    }
  }

  private async writeMany(manager: EntityManager, inputs: NewEvent[]): Promise<WrittenEvent[]> {
    const subscriptions: { id: string; tenant_id: string; event_filter: string }[] = await manager.query(
      `SELECT id, tenant_id, event_filter FROM webhook_subscriptions WHERE tenant_id = ANY($1::uuid[]) AND state = 'active'`,
      [[...new Set(inputs.map((i) => i.tenantId))]],
    );
    const events = inputs.map((input) => {
      const id = uuidv7();
      const targets = subscriptions.filter((s) => s.tenant_id === input.tenantId && matchesEventFilter(s.event_filter, input.type));
      return { ...input, id, deliveries: targets.map((s) => ({ id: uuidv7(), tenantId: input.tenantId, eventId: id, subscriptionId: s.id })) };
    });
    const deliveries = events.flatMap((e) => e.deliveries);
    const rows: { id: string; created_at: Date }[] = await manager.query(INSERT_EVENTS_AND_DELIVERIES, [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.idempotencyKey ?? null),
      events.map((e) => e.sourceIp ?? null),
      events.map((e) => e.source ?? 'api'),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.tenantId),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.subscriptionId),
    ]);
    const createdAt = new Map(rows.map((r) => [r.id, r.created_at]));
    return events.map((e) => ({
      event: {
        id: e.id, tenantId: e.tenantId, type: e.type, payload: e.payload,
        idempotencyKey: e.idempotencyKey ?? null, sourceIp: e.sourceIp ?? null, createdAt: createdAt.get(e.id) as Date,
      },
      deliveryIds: e.deliveries.map((d) => d.id),
    }));
  }
}
