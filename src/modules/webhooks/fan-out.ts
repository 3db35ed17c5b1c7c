import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEvent } from './entities/webhook-event.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { matchesEventFilter } from './event-filter';
import { DeliveryProducer } from './delivery.producer';

export interface NewEvent {
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  idempotencyKey?: string | null;
  sourceIp?: string | null;
  source?: string;
}

/**
 * The one path every event takes: the event row and one pending delivery per matching active subscription,
 * written with the given transaction's manager; enqueueing happens after commit (never inside the transaction,
 * so a job can never run before its row exists). A failed enqueue loses nothing: the reconciler sends due rows.
 */
@Injectable()
export class EventFanOut {
  private readonly logger = new Logger(EventFanOut.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: DeliveryProducer,
  ) {}

  /** Writes the rows in `manager`'s transaction; returns the event and the delivery ids to enqueue after commit. */
  async write(manager: EntityManager, input: NewEvent): Promise<{ event: WebhookEvent; deliveryIds: string[] }> {
    const event = await manager.save(
      manager.create(WebhookEvent, {
        tenantId: input.tenantId,
        type: input.type,
        payload: input.payload,
        idempotencyKey: input.idempotencyKey ?? null,
        sourceIp: input.sourceIp ?? null,
        source: input.source ?? 'api',
        attributes: null,
      }),
    );
    const subscriptions = await manager.find(WebhookSubscription, {
      where: { tenantId: input.tenantId, state: 'active' },
      select: { id: true, eventFilter: true },
    });
    const matching = subscriptions.filter((s) => matchesEventFilter(s.eventFilter, input.type));
    if (!matching.length) return { event, deliveryIds: [] };
    const now = new Date();
    const deliveries = await manager.save(
      matching.map((s) =>
        manager.create(WebhookDelivery, { tenantId: input.tenantId, eventId: event.id, subscriptionId: s.id, status: 'pending', nextAttemptAt: now }),
      ),
    );
    return { event, deliveryIds: deliveries.map((d) => d.id) };
  }

  /** Its own transaction, then enqueue. */
  async publish(input: NewEvent): Promise<{ event: WebhookEvent; deliveryIds: string[] }> {
    const written = await this.dataSource.transaction((m) => this.write(m, input));
    await this.enqueue(written.deliveryIds);
    return written;
  }

  /** Best effort: on failure the rows stay pending and due, and the reconciler enqueues them. */
  async enqueue(deliveryIds: string[]): Promise<void> {
    try {
      await this.producer.enqueueFirstAttempts(deliveryIds);
    } catch (e) {
      this.logger.warn(`enqueue of ${deliveryIds.length} deliveries failed, the reconciler will send them: ${(e as Error).message}`);
    }
  }
}
