import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { AppConfig } from '../../config/app-config';
import { DeliveryEvent, deliveryEventSql, DeliveryEventRow, toDeliveryEvent } from '../webhooks/delivery-event';
import { SubscriptionEffect, subscriptionFailuresSql } from '../webhooks/subscription-failures';
import { SubscriptionTarget, subscriptionTargetSql, SubscriptionTargetRow, toSubscriptionTarget } from '../webhooks/subscription-target';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { DeliveryStatus, WebhookDelivery } from './entities/webhook-delivery.entity';

/** A delivery with its subscription and event (null when it has none, or the subscription was deleted). */
export interface LoadedDelivery {
  delivery: WebhookDelivery;
  sub: SubscriptionTarget | null;
  event: DeliveryEvent | null;
}

/** The delivery columns an attempt settles. */
export type DeliverySettlement = Pick<WebhookDelivery, 'attemptsMade' | 'finalStatusCode' | 'status' | 'nextAttemptAt' | 'completedAt' | 'deadReason'>;

export type AttemptColumns = Pick<
  WebhookDeliveryAttempt,
  | 'requestSignature' | 'webhookSignature' | 'url' | 'requestHeaders' | 'responseStatus' | 'responseHeaders' | 'responseBodySnippet'
  | 'latencyMs' | 'errorCode' | 'errorDetail'
>;

export interface AttemptRecord {
  deliveryId: string;
  subscriptionId: string | null;
  attempt: AttemptColumns;
  settlement: DeliverySettlement;
  effect: SubscriptionEffect;
}

// The subscription and the event are the webhooks module's tables: it lends the columns, joins and mappings, so
// one SELECT still loads a whole batch of attempts.
const TARGET = subscriptionTargetSql('d');
const EVENT = deliveryEventSql('d');
const LOAD = `
SELECT d.id, d.created_at, d.tenant_id, d.event_id, d.subscription_id, d.target_url, d.sealed_secret, d.body,
       d.retry_schedule, d.status, d.attempts_made, d.next_attempt_at, d.final_status_code, d.completed_at, d.dead_reason,
       ${TARGET.columns},
       ${EVENT.columns}
  FROM webhook_deliveries d
  ${TARGET.join}
  ${EVENT.join}
 WHERE d.id = ANY($1::uuid[])`;

/** A LOAD row as pg parses it (timestamptz → Date, jsonb → object, int[] → number[]). */
export interface LoadRow extends SubscriptionTargetRow, DeliveryEventRow {
  id: string; created_at: Date; tenant_id: string; event_id: string | null; subscription_id: string | null;
  target_url: string | null; sealed_secret: string | null; body: Record<string, unknown> | null; retry_schedule: number[] | null;
  status: WebhookDelivery['status']; attempts_made: number; next_attempt_at: Date | null; final_status_code: number | null;
  completed_at: Date | null; dead_reason: string | null;
}

/** The one place that maps LOAD's columns to entities. */
export function toLoadedDelivery(r: LoadRow): LoadedDelivery {
  const delivery = Object.assign(new WebhookDelivery(), {
    id: r.id, createdAt: r.created_at, tenantId: r.tenant_id, eventId: r.event_id, subscriptionId: r.subscription_id,
    targetUrl: r.target_url, sealedSecret: r.sealed_secret, body: r.body, retrySchedule: r.retry_schedule,
    status: r.status, attemptsMade: r.attempts_made, nextAttemptAt: r.next_attempt_at,
    finalStatusCode: r.final_status_code, completedAt: r.completed_at, deadReason: r.dead_reason,
  });
  return { delivery, sub: toSubscriptionTarget(r), event: toDeliveryEvent(r) };
}

/**
 * N attempts in one statement (atomic, so no explicit transaction). An attempt whose row already exists (a re-run
 * job) changes nothing and is not returned. The subscriptions' failure counts follow in the same statement by the
 * webhooks module's rule (`subscriptionFailuresSql`: N deads in a row or a 410 disable). Should two workers'
 * statements deadlock on subscription rows, Postgres aborts one and the Batcher retries its attempts one by one.
 *
 * set_config(…, true) turns off the fsync wait for this statement's implicit transaction (verified with
 * pg_stat_wal: ~0 WAL syncs per statement instead of one), one round trip instead of BEGIN/SET LOCAL/…/COMMIT.
 * A crash can lose only this commit, which leaves the rows due, so the reconciler re-sends them — the
 * at-least-once contract every receiver already handles (webhook-id is stable for dedup).
 */
const RECORD = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[],
                       $10::int[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[], $16::text[],
                       $17::uuid[], $18::text[], $19::text[])
    AS u(id, delivery_id, attempt_number, request_signature, webhook_signature, url, response_status, response_headers,
         response_body_snippet, latency_ms, error_code, error_detail, status, next_attempt_at, completed_at, dead_reason,
         subscription_id, effect, request_headers)
), inserted AS (
  INSERT INTO webhook_delivery_attempts (id, delivery_id, attempt_number, request_signature, webhook_signature, url,
         request_headers, response_status, response_headers, response_body_snippet, latency_ms, error_code, error_detail)
  SELECT id, delivery_id, attempt_number, request_signature, webhook_signature, url,
         request_headers::jsonb, response_status, response_headers::jsonb, response_body_snippet, latency_ms, error_code, error_detail
    FROM input
  ON CONFLICT (delivery_id, attempt_number) DO NOTHING
  RETURNING id
), recorded AS (
  SELECT input.* FROM input JOIN inserted USING (id)
), settled AS (
  UPDATE webhook_deliveries d
     SET attempts_made = r.attempt_number, final_status_code = r.response_status, status = r.status,
         next_attempt_at = r.next_attempt_at, completed_at = r.completed_at, dead_reason = r.dead_reason
    FROM recorded r
   WHERE d.id = r.delivery_id
), ${subscriptionFailuresSql('recorded', '$20')}
SELECT r.id FROM recorded r, (SELECT set_config('synchronous_commit', 'off', true)) AS no_fsync_wait`;

/** A pending delivery the fan-out writes with its event. */
export interface PendingDelivery {
  id: string;
  tenantId: string;
  eventId: string;
  subscriptionId: string;
  /** The first-attempt batch job that will hold it (null: its first attempt is queued on its own). */
  batch: string | null;
}

/**
 * Inserts pending deliveries, due now, from five uuid[] parameters starting at `$first` (ids, tenant ids, event ids,
 * subscription ids, first-attempt batches; see `pendingDeliveryParams`): this module's part of the fan-out's one
 * statement, which writes events and their deliveries together. With `onlyEventsIn` (a relation with an `id`
 * column, e.g. the statement's inserted events), rows for other events are skipped.
 */
export function insertPendingDeliveriesSql(first: number, onlyEventsIn?: string): string {
  const [a, b, c, d, e] = [0, 1, 2, 3, 4].map((i) => `$${first + i}::uuid[]`);
  return `INSERT INTO webhook_deliveries (id, tenant_id, event_id, subscription_id, first_attempt_batch, status, next_attempt_at)
    SELECT id, tenant_id, event_id, subscription_id, batch, 'pending', now()
      FROM unnest(${a}, ${b}, ${c}, ${d}, ${e}) AS t(id, tenant_id, event_id, subscription_id, batch)${
    onlyEventsIn ? `
     WHERE event_id IN (SELECT id FROM ${onlyEventsIn})` : ''
  }`;
}

/** The five parameters of `insertPendingDeliveriesSql`, in order. */
export function pendingDeliveryParams(deliveries: PendingDelivery[]): (string | null)[][] {
  return [
    deliveries.map((d) => d.id), deliveries.map((d) => d.tenantId), deliveries.map((d) => d.eventId), deliveries.map((d) => d.subscriptionId),
    deliveries.map((d) => d.batch),
  ];
}

/** Deliveries of one event by outcome: succeeded = success, failed = dead, pending = pending or failed (retrying). */
export interface DeliveryCounts {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
}

/**
 * Due rows after the keyset position ($2, $3), in (next_attempt_at, id) order. The position's time travels as
 * text so it keeps microseconds (a JS Date would round it and re-read or stall on equal milliseconds).
 */
const DUE_PAGE = `
SELECT id, attempts_made, next_attempt_at, next_attempt_at::text AS position, first_attempt_batch
  FROM webhook_deliveries
 WHERE status IN ('pending', 'failed') AND next_attempt_at <= $1
   AND (next_attempt_at, id) > ($2::timestamptz, $3::uuid)
 ORDER BY next_attempt_at, id
 LIMIT $4`;

/** A due row and its keyset position. */
export interface DueRow {
  id: string;
  attempts_made: number;
  next_attempt_at: Date;
  position: string;
  first_attempt_batch: string | null;
}

/** Where a reconciler pass stands: the last row seen, in (next_attempt_at, id) order. */
export interface DuePosition {
  at: string;
  id: string;
}

/** Filters of the delivery log (all optional); `completedSince` is when a delivery settled. */
export interface DeliveryFilter {
  eventId?: string;
  subscriptionId?: string;
  status?: DeliveryStatus;
  completedSince?: Date;
}

/** One event as a subscription's log shows it: its delivery and the outcome of the latest attempt. */
export interface DeliveryLogEntry {
  deliveryId: string;
  eventId: string;
  /** Written in the fan-out's one statement with the event, so it is the event's time. */
  createdAt: Date;
  status: WebhookDelivery['status'];
  completedAt: Date | null;
  lastAttemptAt: Date | null;
  /** The latest attempt's HTTP status (null: no response, or no attempt yet). */
  lastResponseStatus: number | null;
  attempted: boolean;
}

export interface DeliveryLogQuery {
  limit: number;
  /** Inclusive lower and exclusive upper bound on the event time. */
  start?: Date;
  end?: Date;
  /** Continue after this event (keyset: newest first by time, then id). */
  afterEventId?: string;
}

// Newest first by (created_at, id), on ix_webhook_deliveries_subscription_created; the latest attempt by its
// unique (delivery_id, attempt_number). An afterEventId that is not this subscription's gives an empty page.
const SUBSCRIPTION_LOG_PAGE = `
SELECT d.id, d.event_id, d.created_at, d.status, d.completed_at, a.created_at AS last_attempt_at,
       a.response_status AS last_response_status, a.id IS NOT NULL AS attempted
  FROM webhook_deliveries d
  LEFT JOIN LATERAL (
    SELECT id, created_at, response_status FROM webhook_delivery_attempts
     WHERE delivery_id = d.id ORDER BY attempt_number DESC LIMIT 1
  ) a ON true
 WHERE d.tenant_id = $1 AND d.subscription_id = $2 AND d.event_id IS NOT NULL
   AND ($3::timestamptz IS NULL OR d.created_at >= $3)
   AND ($4::timestamptz IS NULL OR d.created_at < $4)
   AND ($5::uuid IS NULL OR (d.created_at, d.id) < (
         SELECT p.created_at, p.id FROM webhook_deliveries p WHERE p.subscription_id = $2 AND p.event_id = $5 LIMIT 1))
 ORDER BY d.created_at DESC, d.id DESC
 LIMIT $6`;

interface SubscriptionLogRow {
  id: string; event_id: string; created_at: Date; status: WebhookDelivery['status']; completed_at: Date | null;
  last_attempt_at: Date | null; last_response_status: number | null; attempted: boolean;
}

/** A bulk recover's window of dead letters: died in [since, until], optionally of one subscription. */
export interface DeadWindow {
  since: Date;
  until: Date;
  subscriptionId: string | null;
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** One array per RECORD column, in the order of its unnest. */
function recordParams(ids: string[], items: AttemptRecord[], disableAfter: number): unknown[] {
  const col = <T>(f: (r: AttemptRecord) => T) => items.map(f);
  return [
    ids, col((r) => r.deliveryId), col((r) => r.settlement.attemptsMade),
    col((r) => r.attempt.requestSignature), col((r) => r.attempt.webhookSignature), col((r) => r.attempt.url),
    col((r) => r.attempt.responseStatus), col((r) => json(r.attempt.responseHeaders)), col((r) => r.attempt.responseBodySnippet),
    col((r) => r.attempt.latencyMs), col((r) => r.attempt.errorCode), col((r) => r.attempt.errorDetail),
    col((r) => r.settlement.status), col((r) => r.settlement.nextAttemptAt), col((r) => r.settlement.completedAt),
    col((r) => r.settlement.deadReason), col((r) => r.subscriptionId), col((r) => r.effect),
    col((r) => json(r.attempt.requestHeaders)),
    disableAfter,
  ];
}

/** A one-off delivery row to write (see OneOffDeliveries). */
export interface NewOneOff {
  id?: string;
  tenantId: string;
  url: string;
  sealedSecret: string;
  body: Record<string, unknown>;
  retrySchedule: number[];
  /** The first attempt is due this long after the insert (default 0: now). */
  dueInMs?: number;
}

/**
 * The SQL of deliveries and their attempts. The worker's statements are group-committed: concurrent attempts
 * share one SELECT to load and one statement to record, so the round trips per delivery fall as the rate rises.
 */
@Injectable()
export class DeliveriesRepository {
  // Keep the flushes in flight well below the pool (10). Each runs one at a time and lingers a few ms first: the
  // in-flight cap (10 per subscription) bounds how many attempts finish together, so without the wait batches
  // stayed at ~6 and the worker sent twice the statements of the bare pipeline. Recording one at a time also
  // keeps batches from racing each other for the same subscription rows.
  private readonly loader = new Batcher((ids: string[]) => this.loadMany(ids), { maxBatch: 200, maxConcurrent: 1, lingerMs: 2 });
  private readonly recorder = new Batcher((items: AttemptRecord[]) => this.recordMany(items), { maxBatch: 200, maxConcurrent: 1, lingerMs: 5 });
  /**
   * The worker's two hot statements (LOAD, RECORD) go to TypeORM's own pg pool directly: `dataSource.query` builds a
   * QueryRunner per call (and its broadcaster, logger and error wrapping), which the profile showed costing a third
   * as much as the pg client itself. Same pool, same connections, same type parsers.
   */
  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookDeliveryAttempt) private readonly attempts: Repository<WebhookDeliveryAttempt>,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** A tenant's deliveries, newest first. */
  page(tenantId: string, filter: DeliveryFilter, query: PageQueryDto): Promise<Page<WebhookDelivery>> {
    const qb = this.deliveries.createQueryBuilder('d').where('d.tenant_id = :tenantId', { tenantId });
    if (filter.eventId) qb.andWhere('d.event_id = :eventId', { eventId: filter.eventId });
    if (filter.subscriptionId) qb.andWhere('d.subscription_id = :subId', { subId: filter.subscriptionId });
    if (filter.status) qb.andWhere('d.status = :status', { status: filter.status });
    if (filter.completedSince) qb.andWhere('d.completed_at >= :since', { since: filter.completedSince });
    return paginate(qb, query, (d) => d);
  }

  /** Dead deliveries that died in [since, until] (optionally of one subscription), for bulk recover. */
  private deadIn(tenantId: string, window: DeadWindow) {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .where(`d.tenant_id = :tenantId AND d.status = 'dead'`, { tenantId })
      .andWhere('d.completed_at >= :since AND d.completed_at <= :until', { since: window.since, until: window.until });
    if (window.subscriptionId) qb.andWhere('d.subscription_id = :subId', { subId: window.subscriptionId });
    return qb;
  }

  countDeadIn(tenantId: string, window: DeadWindow): Promise<number> {
    return this.deadIn(tenantId, window).getCount();
  }

  /** The next `limit` of them in id order (UUIDv7: creation order) after `afterId`. */
  nextDeadIn(tenantId: string, window: DeadWindow, afterId: string | null, limit: number): Promise<WebhookDelivery[]> {
    const qb = this.deadIn(tenantId, window).orderBy('d.id', 'ASC').limit(limit);
    if (afterId) qb.andWhere('d.id > :afterId', { afterId });
    return qb.getMany();
  }

  findOne(tenantId: string, id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOneBy({ id, tenantId });
  }

  /** A subscription's deliveries as its event log: newest first, `q.limit` of them (the dialects that show "the events sent to this webhook"). */
  async pageForSubscription(tenantId: string, subscriptionId: string, q: DeliveryLogQuery): Promise<DeliveryLogEntry[]> {
    const rows: SubscriptionLogRow[] = await this.dataSource.query(SUBSCRIPTION_LOG_PAGE, [
      tenantId, subscriptionId, q.start ?? null, q.end ?? null, q.afterEventId ?? null, q.limit,
    ]);
    return rows.map((r) => ({
      deliveryId: r.id, eventId: r.event_id, createdAt: r.created_at, status: r.status, completedAt: r.completed_at,
      lastAttemptAt: r.last_attempt_at, lastResponseStatus: r.last_response_status, attempted: r.attempted,
    }));
  }

  /** The delivery of one event to one subscription (the fan-out writes at most one). */
  findForSubscriptionEvent(tenantId: string, subscriptionId: string, eventId: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOneBy({ tenantId, subscriptionId, eventId });
  }

  attemptsOf(deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    return this.attempts.find({ where: { deliveryId }, order: { attemptNumber: 'ASC' } });
  }

  /**
   * Pending one-off deliveries (no subscription or event), due now, in the caller's transaction and one statement
   * (a batch of ended jobs): target, sealed secret, body and retry schedule are on each row. Their ids, in order.
   */
  async insertOneOffs(manager: EntityManager, ds: NewOneOff[]): Promise<string[]> {
    if (!ds.length) return [];
    const ids = ds.map((d) => d.id ?? uuidv7());
    await manager.query(
      `INSERT INTO webhook_deliveries (id, tenant_id, target_url, sealed_secret, body, retry_schedule, status, next_attempt_at)
       SELECT v.id, v.tenant_id, v.url, v.sealed_secret, v.body, ARRAY(SELECT jsonb_array_elements_text(v.schedule)::int), 'pending',
              now() + v.due_ms * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::int[]) AS v(id, tenant_id, url, sealed_secret, body, schedule, due_ms)`,
      [
        ids, ds.map((d) => d.tenantId), ds.map((d) => d.url), ds.map((d) => d.sealedSecret), ds.map((d) => JSON.stringify(d.body)),
        ds.map((d) => JSON.stringify(d.retrySchedule)), ds.map((d) => Math.round(d.dueInMs ?? 0)),
      ],
    );
    return ids;
  }

  /** Back to pending and due at `now`, its last outcome cleared (attempts_made stays). */
  async resetToPending(id: string, now: Date): Promise<void> {
    await this.deliveries.update({ id }, { status: 'pending', nextAttemptAt: now, completedAt: null, deadReason: null, finalStatusCode: null });
  }

  /** Outcome counts of each event's deliveries (events without deliveries are absent). */
  async countsByEvent(eventIds: string[]): Promise<Map<string, DeliveryCounts>> {
    if (!eventIds.length) return new Map();
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.event_id', 'event_id')
      .addSelect('count(*)::int', 'total')
      .addSelect(`count(*) FILTER (WHERE d.status = 'success')::int`, 'succeeded')
      .addSelect(`count(*) FILTER (WHERE d.status = 'dead')::int`, 'failed')
      .addSelect(`count(*) FILTER (WHERE d.status IN ('pending', 'failed'))::int`, 'pending')
      .where('d.event_id IN (:...eventIds)', { eventIds })
      .groupBy('d.event_id')
      .getRawMany<DeliveryCounts & { event_id: string }>();
    return new Map(rows.map(({ event_id, ...counts }) => [event_id, counts]));
  }

  /** Up to `limit` pending/failed rows due by `horizon`, after `after` in (next_attempt_at, id) order. */
  duePage(horizon: Date, after: DuePosition, limit: number): Promise<DueRow[]> {
    return this.dataSource.query(DUE_PAGE, [horizon, after.at, after.id, limit]);
  }

  load(deliveryId: string): Promise<LoadedDelivery | null> {
    return this.loader.run(deliveryId);
  }

  /** True when this attempt was recorded now; false when it was already (the job is stale). */
  record(item: AttemptRecord): Promise<boolean> {
    return this.recorder.run(item);
  }

  /** Dead without an attempt (paused/disabled/deleted subscription, unreadable secret): replayable, not counted. */
  async settleWithoutAttempt(deliveryId: string, reason: string, completedAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'dead', dead_reason = $2, next_attempt_at = NULL, completed_at = $3 WHERE id = $1`,
      [deliveryId, reason, completedAt],
    );
  }

  private async loadMany(ids: string[]): Promise<(LoadedDelivery | null)[]> {
    const { rows } = await this.pool.query<LoadRow>(LOAD, [ids]);
    const byId = new Map(rows.map((r) => [r.id, toLoadedDelivery(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async recordMany(items: AttemptRecord[]): Promise<boolean[]> {
    const ids = items.map(() => uuidv7());
    const { rows } = await this.pool.query<{ id: string }>(RECORD, recordParams(ids, items, this.config.WEBHOOK_DISABLE_AFTER_FAILURES));
    const recorded = new Set(rows.map((r) => r.id));
    return ids.map((id) => recorded.has(id));
  }
}
