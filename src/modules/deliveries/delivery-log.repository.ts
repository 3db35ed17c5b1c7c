import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';

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
const PAGE = `
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

interface PageRow {
  id: string; event_id: string; created_at: Date; status: WebhookDelivery['status']; completed_at: Date | null;
  last_attempt_at: Date | null; last_response_status: number | null; attempted: boolean;
}

/** A subscription's deliveries as an event log (the dialects that show "the events sent to this webhook"). */
@Injectable()
export class DeliveryLogRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookDeliveryAttempt) private readonly attempts: Repository<WebhookDeliveryAttempt>,
  ) {}

  async pageForSubscription(tenantId: string, subscriptionId: string, q: DeliveryLogQuery): Promise<DeliveryLogEntry[]> {
    const rows: PageRow[] = await this.dataSource.query(PAGE, [
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
}
