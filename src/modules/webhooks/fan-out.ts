import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { cloudEventOf } from './cloud-events';
import { WebhookEvent } from './entities/webhook-event.entity';
import { EventsRepository, NewEvent } from './events.repository';
import { subscriptionMatches } from './subscription-match';
import { SubscriptionsRepository } from './subscriptions.repository';
import { DeliveryProducer } from '../deliveries/delivery.producer';

/** The stored event as the API shows it, and the deliveries written for it. */
export interface WrittenEvent {
  event: Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'idempotencyKey' | 'sourceIp' | 'createdAt'>;
  deliveryIds: string[];
  /** True when the event repeated a dedup key: `event` is the earlier one, nothing new was written. */
  duplicate?: boolean;
}

/** Events written per statement, and statements in flight (the pool has 10 connections). */
const BATCH = { maxBatch: 200, maxConcurrent: 4 };

/**
 * The one path every event takes: the event row and one pending delivery per matching active subscription,
 * written in one statement (in the caller's transaction when given one); enqueueing happens after commit, never
 * inside the transaction, so a job can never run before its row exists. A failed enqueue loses nothing: the
 * reconciler sends due rows. Events published on their own are batched with concurrent ones (group commit), and
 * the deliveries of such a statement get one queue job for all their first attempts (`first_attempt_batch`).
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
    this.writes = new Batcher((inputs) => this.commitAndEnqueue(inputs), BATCH);
    this.enqueues = new Batcher(async (lists) => {
      await this.producer.enqueueFirstAttempts(lists.flat());
      return lists.map(() => undefined);
    }, BATCH);
  }

  /**
   * Writes the events in `manager`'s transaction, in one statement; returns each event and the delivery ids to
   * enqueue after commit.
   */
  write(manager: EntityManager, inputs: NewEvent[]): Promise<WrittenEvent[]> {
    return this.writeMany(manager, inputs);
  }

  /** Committed (with concurrent events, in one statement), then enqueued. */
  publish(input: NewEvent): Promise<WrittenEvent> {
    return this.writes.run(input);
  }

  /** Many events in one statement (an ingested batch), committed, then their deliveries enqueued together. */
  publishMany(inputs: NewEvent[]): Promise<WrittenEvent[]> {
    return this.commitAndEnqueue(inputs);
  }

  /**
   * One statement outside any transaction (so committed when it returns), then one job for the first attempts of
   * all the deliveries it wrote. Best effort like `enqueue`: rows whose batch job was never added are due, and the
   * reconciler adds their own jobs.
   */
  private async commitAndEnqueue(inputs: NewEvent[]): Promise<WrittenEvent[]> {
    const batch = uuidv7();
    const written = await this.writeMany(this.dataSource.manager, inputs, batch);
    const deliveryIds = written.flatMap((w) => w.deliveryIds);
    await this.producer.enqueueBatch(batch, deliveryIds).catch((e: unknown) => {
      this.logger.warn(`enqueue of ${deliveryIds.length} deliveries failed, the reconciler will send them: ${(e as Error).message}`);
    });
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

  /**
   * One statement for the batch. Events whose dedup key is held by an earlier event come back as that event; when
   * the earlier one is past the window, its key is released and those events are written again (rare: a repeat
   * after 24 h), so the usual batch costs one statement.
   */
  private async writeMany(manager: EntityManager, inputs: NewEvent[], batch: string | null = null, releaseExpired = true): Promise<WrittenEvent[]> {
    const written = await this.writeOnce(manager, inputs, batch);
    const expired = [...new Set(written.flatMap((w) => (w.expired ? [w.event.id] : [])))];
    if (releaseExpired && expired.length) {
      await this.events.releaseExpiredKeys(manager, expired);
      const again = written.flatMap((w, i) => (w.duplicate ? [i] : []));
      const rewritten = await this.writeMany(manager, again.map((i) => inputs[i]), batch, false);
      again.forEach((i, k) => (written[i] = rewritten[k]));
    }
    return written.map(({ expired: _expired, ...w }) => w);
  }

  private async writeOnce(manager: EntityManager, inputs: NewEvent[], batch: string | null): Promise<(WrittenEvent & { expired?: boolean })[]> {
    const tenantIds = [...new Set(inputs.map((i) => i.tenantId))];
    const subscriptions = await this.subscriptions.activeOf(manager, tenantIds);
    const firstOfKey = new Set<string>();
    const events = inputs.map((input) => {
      const id = uuidv7();
      // A key repeated inside the batch: only its first event is written.
      const repeated = !!input.dedupKey && firstOfKey.has(`${input.tenantId}:${input.dedupKey}`);
      if (input.dedupKey) firstOfKey.add(`${input.tenantId}:${input.dedupKey}`);
      let view: Record<string, unknown> | undefined;
      const cloudEvent = () =>
        (view ??= cloudEventOf({ id, tenantId: input.tenantId, type: input.type, payload: input.payload, createdAt: new Date(), attributes: input.attributes ?? null }));
      const targets = repeated
        ? []
        : subscriptions.filter((s) => s.tenant_id === input.tenantId && subscriptionMatches(s, { type: input.type, cloudEvent }));
      return { ...input, id, repeated, deliveries: targets.map((s) => ({ id: uuidv7(), tenantId: input.tenantId, eventId: id, subscriptionId: s.id, batch })) };
    });
    const stored = events.filter((e) => !e.repeated);
    const createdAt = await this.events.insertWithDeliveries(manager, stored, stored.flatMap((e) => e.deliveries));
    const skippedKeys = events.flatMap((e) => (!createdAt.has(e.id) && e.dedupKey ? [e.dedupKey] : []));
    const holders = await this.events.holdersOfKeys(manager, tenantIds, [...new Set(skippedKeys)]);
    return events.map((e) => {
      const at = createdAt.get(e.id);
      if (!at) {
        const holder = holders.get(`${e.tenantId}:${e.dedupKey}`);
        if (!holder) throw new Error(`event ${e.id} was neither written nor found by its dedup key`);
        return { event: holder.event, deliveryIds: [], duplicate: true, expired: holder.expired };
      }
      return {
        event: {
          id: e.id, tenantId: e.tenantId, type: e.type, payload: e.payload,
          idempotencyKey: e.idempotencyKey ?? null, sourceIp: e.sourceIp ?? null, createdAt: at,
        },
        deliveryIds: e.deliveries.map((d) => d.id),
      };
    });
  }
}
