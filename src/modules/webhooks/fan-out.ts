import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { DeliveryProducer } from '../deliveries/delivery.producer';
import { cloudEventOf } from './cloud-events';
import { WebhookEvent } from './entities/webhook-event.entity';
import { MatchableSubscription, subscriptionMatches } from './subscription-match';

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

/** The stored event as the API shows it, and the deliveries written for it. */
export interface WrittenEvent {
  event: Pick<WebhookEvent, 'id' | 'tenantId' | 'type' | 'payload' | 'idempotencyKey' | 'sourceIp' | 'createdAt'>;
  deliveryIds: string[];
  /** True when the event repeated a dedup key: `event` is the earlier one, nothing new was written. */
  duplicate?: boolean;
}

/** Events written per statement, and statements in flight (the pool has 10 connections). */
const BATCH = { maxBatch: 200, maxConcurrent: 4 };

// One statement writes every event of a batch and one pending delivery per matching subscription, so an event
// and its deliveries exist together or not at all, without a BEGIN/COMMIT round trip pair.
// An event whose dedup key is taken is skipped (ON CONFLICT), and so are its deliveries.
const INSERT_EVENTS_AND_DELIVERIES = `
  WITH e AS (
    INSERT INTO webhook_events (id, tenant_id, type, payload, idempotency_key, source_ip, source, attributes, dedup_key)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $12::jsonb[], $13::text[])
    ON CONFLICT (tenant_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id, created_at
  ), d AS (
    INSERT INTO webhook_deliveries (id, tenant_id, event_id, subscription_id, status, next_attempt_at)
    SELECT t.id, t.tenant_id, t.event_id, t.subscription_id, 'pending', now()
      FROM unnest($8::uuid[], $9::uuid[], $10::uuid[], $11::uuid[]) AS t(id, tenant_id, event_id, subscription_id)
      JOIN e ON e.id = t.event_id
  )
  SELECT id, created_at FROM e`;

/** How long a dedup key holds. */
const DEDUP_WINDOW = `interval '24 hours'`;

const EARLIER_EVENTS = `
  SELECT id, tenant_id, type, payload, idempotency_key, source_ip, created_at, dedup_key,
         created_at < now() - ${DEDUP_WINDOW} AS expired
    FROM webhook_events WHERE tenant_id = ANY($1::uuid[]) AND dedup_key = ANY($2::text[])`;

/** A key older than the window is released (the unique index holds each key once per tenant), then reused. */
const RELEASE_DEDUP_KEYS = `UPDATE webhook_events SET dedup_key = NULL WHERE id = ANY($1::uuid[]) AND created_at < now() - ${DEDUP_WINDOW}`;

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

  /** Many events in one statement (an ingested batch), committed, then their deliveries enqueued together. */
  async publishMany(inputs: NewEvent[]): Promise<WrittenEvent[]> {
    const written = await this.writeMany(this.dataSource.manager, inputs);
    await this.enqueue(written.flatMap((w) => w.deliveryIds));
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
   * the earlier one is past the window, its key is released and those events are written again (rare: a retry
   * after 24 h), so the usual batch costs one statement.
   */
  private async writeMany(manager: EntityManager, inputs: NewEvent[], releaseExpired = true): Promise<WrittenEvent[]> {
    const written = await this.writeOnce(manager, inputs);
    const expired = [...new Set(written.flatMap((w) => (w.expired ? [w.event.id] : [])))];
    if (!releaseExpired || !expired.length) return written.map(({ expired: _expired, ...w }) => w);
    await manager.query(RELEASE_DEDUP_KEYS, [expired]);
    const again = written.flatMap((w, i) => (w.duplicate ? [i] : []));
    const rewritten = await this.writeMany(manager, again.map((i) => inputs[i]), false);
    again.forEach((i, k) => (written[i] = rewritten[k]));
    return written.map(({ expired: _expired, ...w }) => w);
  }

  private async writeOnce(manager: EntityManager, inputs: NewEvent[]): Promise<(WrittenEvent & { expired?: boolean })[]> {
    const tenantIds = [...new Set(inputs.map((i) => i.tenantId))];
    const subscriptions: (MatchableSubscription & { id: string; tenant_id: string })[] = await manager.query(
      `SELECT id, tenant_id, event_filter, filter_spec, origin FROM webhook_subscriptions WHERE tenant_id = ANY($1::uuid[]) AND state = 'active'`,
      [tenantIds],
    );
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
      return { ...input, id, repeated, deliveries: targets.map((s) => ({ id: uuidv7(), tenantId: input.tenantId, eventId: id, subscriptionId: s.id })) };
    });
    const stored = events.filter((e) => !e.repeated);
    const deliveries = stored.flatMap((e) => e.deliveries);
    const rows: { id: string; created_at: Date }[] = await manager.query(INSERT_EVENTS_AND_DELIVERIES, [
      stored.map((e) => e.id),
      stored.map((e) => e.tenantId),
      stored.map((e) => e.type),
      stored.map((e) => JSON.stringify(e.payload ?? null)),
      stored.map((e) => e.idempotencyKey ?? null),
      stored.map((e) => e.sourceIp ?? null),
      stored.map((e) => e.source ?? 'api'),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.tenantId),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.subscriptionId),
      stored.map((e) => (e.attributes ? JSON.stringify(e.attributes) : null)),
      stored.map((e) => e.dedupKey ?? null),
    ]);
    const createdAt = new Map(rows.map((r) => [r.id, r.created_at]));
    const earlier = await this.earlierEvents(manager, events.filter((e) => !createdAt.has(e.id) && e.dedupKey));
    return events.map((e) => {
      const at = createdAt.get(e.id);
      if (!at) {
        const before = earlier.get(`${e.tenantId}:${e.dedupKey}`);
        if (!before) throw new Error(`event ${e.id} was neither written nor found by its dedup key`);
        return { event: before.event, deliveryIds: [], duplicate: true, expired: before.expired };
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

  /** The stored events holding these events' dedup keys (skipped as duplicates), by `tenant:key`. */
  private async earlierEvents(manager: EntityManager, skipped: NewEvent[]): Promise<Map<string, { event: WrittenEvent['event']; expired: boolean }>> {
    if (!skipped.length) return new Map();
    const rows: {
      id: string; tenant_id: string; type: string; payload: Record<string, unknown>; idempotency_key: string | null;
      source_ip: string | null; created_at: Date; dedup_key: string; expired: boolean;
    }[] = await manager.query(EARLIER_EVENTS, [[...new Set(skipped.map((e) => e.tenantId))], skipped.map((e) => e.dedupKey)]);
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
}
