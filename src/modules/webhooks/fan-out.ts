import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { WebhookEvent } from './entities/webhook-event.entity';
import { matchesEventFilter } from './event-filter';
import { EventsRepository, NewEvent } from './events.repository';
import { SubscriptionsRepository } from './subscriptions.repository';
import { DeliveryProducer } from '../deliveries/delivery.producer';

/** The stored event as the API shows it, and the deliveries written for it. */
export interface WrittenEvent {
  event: Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'idempotencyKey' | 'sourceIp' | 'createdAt'>;
  deliveryIds: string[];
}

/** Events written per statement, and statements in flight (the pool has 10 connections). */
const BATCH = { maxBatch: 200, maxConcurrent: 4 };

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
    private readonly subscriptions: SubscriptionsRepository,
    private readonly events: EventsRepository,
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
    const subscriptions = await this.subscriptions.activeOf(manager, [...new Set(inputs.map((i) => i.tenantId))]);
    const events = inputs.map((input) => {
      const id = uuidv7();
      const targets = subscriptions.filter((s) => s.tenant_id === input.tenantId && matchesEventFilter(s.event_filter, input.type));
      return { ...input, id, deliveries: targets.map((s) => ({ id: uuidv7(), tenantId: input.tenantId, eventId: id, subscriptionId: s.id })) };
    });
    const createdAt = await this.events.insertWithDeliveries(manager, events, events.flatMap((e) => e.deliveries));
    return events.map((e) => ({
      event: {
        id: e.id, tenantId: e.tenantId, type: e.type, payload: e.payload,
        idempotencyKey: e.idempotencyKey ?? null, sourceIp: e.sourceIp ?? null, createdAt: createdAt.get(e.id) as Date,
      },
      deliveryIds: e.deliveries.map((d) => d.id),
    }));
  }
}
