import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../common/batching/batcher';
import { AppConfig } from '../../config/app-config';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEvent } from '../webhooks/entities/webhook-event.entity';
import { WebhookSubscription } from '../webhooks/entities/webhook-subscription.entity';

/** What an attempt needs of its subscription and event. */
export type DeliverySubscription = Pick<
  WebhookSubscription,
  'id' | 'url' | 'state' | 'headers' | 'sealedSecret' | 'sealedPreviousSecret' | 'previousSecretExpiresAt'
>;
export type DeliveryEvent = Pick<WebhookEvent, 'id' | 'type' | 'payload' | 'createdAt'>;

/** A delivery with its subscription and event (null when it has none, or the subscription was deleted). */
export interface LoadedDelivery {
  delivery: WebhookDelivery;
  sub: DeliverySubscription | null;
  event: DeliveryEvent | null;
}

/** The delivery columns an attempt settles. */
export type DeliverySettlement = Pick<WebhookDelivery, 'attemptsMade' | 'finalStatusCode' | 'status' | 'nextAttemptAt' | 'completedAt' | 'deadReason'>;

/** What a recorded attempt does to its subscription's failure count: `gone` is a dead that disables (410). */
export type SubscriptionEffect = 'success' | 'dead' | 'gone' | null;

export type AttemptColumns = Pick<
  WebhookDeliveryAttempt,
  | 'requestSignature' | 'webhookSignature' | 'url' | 'responseStatus' | 'responseHeaders' | 'responseBodySnippet'
  | 'latencyMs' | 'errorCode' | 'errorDetail' | 'requestHeaders'
>;

export interface AttemptRecord {
  deliveryId: string;
  subscriptionId: string | null;
  attempt: AttemptColumns;
  settlement: DeliverySettlement;
  effect: SubscriptionEffect;
}

const LOAD = `
SELECT d.id, d.created_at, d.tenant_id, d.event_id, d.subscription_id, d.target_url, d.sealed_secret, d.body,
       d.retry_schedule, d.status, d.attempts_made, d.next_attempt_at, d.final_status_code, d.completed_at, d.dead_reason,
       s.id AS s_id, s.url AS s_url, s.state AS s_state, s.headers AS s_headers, s.sealed_secret AS s_sealed_secret,
       s.sealed_previous_secret AS s_sealed_previous_secret, s.previous_secret_expires_at AS s_previous_secret_expires_at,
       e.id AS e_id, e.type AS e_type, e.payload AS e_payload, e.created_at AS e_created_at
  FROM webhook_deliveries d
  LEFT JOIN webhook_subscriptions s ON s.id = d.subscription_id
  LEFT JOIN webhook_events e ON e.id = d.event_id
 WHERE d.id = ANY($1::uuid[])`;

/** A LOAD row as pg parses it (timestamptz → Date, jsonb → object, int[] → number[]). */
export interface LoadRow {
  id: string; created_at: Date; tenant_id: string; event_id: string | null; subscription_id: string | null;
  target_url: string | null; sealed_secret: string | null; body: Record<string, unknown> | null; retry_schedule: number[] | null;
  status: WebhookDelivery['status']; attempts_made: number; next_attempt_at: Date | null; final_status_code: number | null;
  completed_at: Date | null; dead_reason: string | null;
  s_id: string | null; s_url: string; s_state: WebhookSubscription['state']; s_headers: Record<string, string>; s_sealed_secret: string;
  s_sealed_previous_secret: string | null; s_previous_secret_expires_at: Date | null;
  e_id: string | null; e_type: string; e_payload: Record<string, unknown>; e_created_at: Date;
}

/** The one place that maps LOAD's columns to entities. */
export function toLoadedDelivery(r: LoadRow): LoadedDelivery {
  const delivery = Object.assign(new WebhookDelivery(), {
    id: r.id, createdAt: r.created_at, tenantId: r.tenant_id, eventId: r.event_id, subscriptionId: r.subscription_id,
    targetUrl: r.target_url, sealedSecret: r.sealed_secret, body: r.body, retrySchedule: r.retry_schedule,
    status: r.status, attemptsMade: r.attempts_made, nextAttemptAt: r.next_attempt_at,
    finalStatusCode: r.final_status_code, completedAt: r.completed_at, deadReason: r.dead_reason,
  });
  const sub = r.s_id
    ? {
        id: r.s_id, url: r.s_url, state: r.s_state, headers: r.s_headers, sealedSecret: r.s_sealed_secret,
        sealedPreviousSecret: r.s_sealed_previous_secret, previousSecretExpiresAt: r.s_previous_secret_expires_at,
      }
    : null;
  const event = r.e_id ? { id: r.e_id, type: r.e_type, payload: r.e_payload, createdAt: r.e_created_at } : null;
  return { delivery, sub, event };
}

/** The batch rule below, in SQL: the subscription's failure count after a batch, and whether it disables. */
const FAILURES = '(CASE WHEN e.succeeded THEN 0 ELSE s.consecutive_failures END + e.deads)';
const DISABLE = `(e.gone OR ${FAILURES} >= $19)`;

/**
 * N attempts in one statement (atomic, so no explicit transaction). An attempt whose row already exists (a re-run
 * job) changes nothing and is not returned. Subscription rule for one batch, whose attempts finished concurrently
 * so their order carries no meaning: successes count first, then deads — failures = (any success ? 0 : failures)
 * + deads; disabled on any 410 or when failures reach the threshold. A batch of one is the per-attempt rule.
 * consecutive_failures is read in the UPDATE itself (not a CTE snapshot), so concurrent statements never lose a
 * count. Effects are sorted by subscription id so concurrent statements tend to lock in the same order; should two
 * workers' statements still deadlock, Postgres aborts one and the Batcher retries its attempts one by one.
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
                       $17::uuid[], $18::text[], $20::text[])
    AS u(id, delivery_id, attempt_number, request_signature, webhook_signature, url, response_status, response_headers,
         response_body_snippet, latency_ms, error_code, error_detail, status, next_attempt_at, completed_at, dead_reason,
         subscription_id, effect, request_headers)
), inserted AS (
  INSERT INTO webhook_delivery_attempts (id, delivery_id, attempt_number, request_signature, webhook_signature, url,
         response_status, response_headers, response_body_snippet, latency_ms, error_code, error_detail, request_headers)
  SELECT id, delivery_id, attempt_number, request_signature, webhook_signature, url,
         response_status, response_headers::jsonb, response_body_snippet, latency_ms, error_code, error_detail, request_headers::jsonb
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
), effects AS (
  SELECT subscription_id,
         bool_or(effect = 'success') AS succeeded,
         count(*) FILTER (WHERE effect IN ('dead', 'gone')) AS deads,
         bool_or(effect = 'gone') AS gone
    FROM recorded
   WHERE subscription_id IS NOT NULL AND effect IS NOT NULL
   GROUP BY subscription_id
   ORDER BY subscription_id
), subscriptions AS (
  UPDATE webhook_subscriptions s
     SET consecutive_failures = ${FAILURES},
         state = CASE WHEN ${DISABLE} THEN 'disabled' ELSE s.state END,
         disabled_at = CASE WHEN ${DISABLE} THEN now() ELSE s.disabled_at END,
         updated_at = CASE WHEN e.deads > 0 THEN now() ELSE s.updated_at END
    FROM effects e
   WHERE s.id = e.subscription_id AND (e.deads > 0 OR s.consecutive_failures <> 0)
)
SELECT r.id FROM recorded r, (SELECT set_config('synchronous_commit', 'off', true)) AS no_fsync_wait`;

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
    disableAfter, col((r) => json(r.attempt.requestHeaders)),
  ];
}

/**
 * The delivery worker's Postgres access, group-committed: concurrent attempts share one SELECT to load and one
 * statement to record, so the round trips per delivery fall as the rate rises.
 */
@Injectable()
export class DeliveryStore {
  // Keep the flushes in flight well below the pool (10). Recording runs one at a time: the next batch coalesces
  // meanwhile, and batches never race each other for the same subscription rows.
  private readonly loader = new Batcher((ids: string[]) => this.loadMany(ids), { maxBatch: 200, maxConcurrent: 2 });
  private readonly recorder = new Batcher((items: AttemptRecord[]) => this.recordMany(items), { maxBatch: 200, maxConcurrent: 1 });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

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
    const rows: LoadRow[] = await this.dataSource.query(LOAD, [ids]);
    const byId = new Map(rows.map((r) => [r.id, toLoadedDelivery(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async recordMany(items: AttemptRecord[]): Promise<boolean[]> {
    const ids = items.map(() => uuidv7());
    const rows: { id: string }[] = await this.dataSource.query(RECORD, recordParams(ids, items, this.config.WEBHOOK_DISABLE_AFTER_FAILURES));
    const recorded = new Set(rows.map((r) => r.id));
    return ids.map((id) => recorded.has(id));
  }
}
