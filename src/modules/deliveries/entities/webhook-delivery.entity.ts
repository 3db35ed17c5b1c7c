import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

export const DELIVERY_STATUSES = ['pending', 'success', 'failed', 'dead'] as const;
/** `failed`: the last attempt failed and another is scheduled; `dead`: no more automatic attempts. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event (or one-off callback) to one target. Postgres is the truth: a delivery is `pending`/`failed` with a
 * `next_attempt_at` until it settles; the reconciler re-enqueues rows that are due.
 */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_webhook_deliveries_event', ['eventId'])
@Index('ix_webhook_deliveries_subscription_created', ['subscriptionId', 'createdAt'])
@Index('ix_webhook_deliveries_due', ['nextAttemptAt'], { where: "status IN ('pending', 'failed')" })
export class WebhookDelivery extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('uuid', { nullable: true })
  eventId!: string | null;

  /** Null for a one-off callback (the jobs API); kept after the subscription is deleted (audit). */
  @Column('uuid', { nullable: true })
  subscriptionId!: string | null;

  /** Target of a one-off callback; subscription deliveries use the subscription's current URL. */
  @Column('text', { nullable: true })
  targetUrl!: string | null;

  /** Sealed signing secret of a one-off callback (the tenant's callback secret). */
  @Column('text', { nullable: true })
  sealedSecret!: string | null;

  /** Raw body of a one-off callback; subscription deliveries build the envelope from the event. */
  @Column('jsonb', { nullable: true })
  body!: Record<string, unknown> | null;

  /** Overrides WEBHOOK_RETRY_SCHEDULE_SECONDS (jobs-API callbacks: 30, 60, 120). */
  @Column('int', { array: true, nullable: true })
  retrySchedule!: number[] | null;

  @Column('text', { default: 'pending' })
  status!: DeliveryStatus;

  @Column('int', { default: 0 })
  attemptsMade!: number;

  @Column('timestamptz', { nullable: true })
  nextAttemptAt!: Date | null;

  @Column('int', { nullable: true })
  finalStatusCode!: number | null;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  /** Why it is dead (`http_404`, `retries_exhausted`, `subscription_paused`, `ssrf_blocked`…). */
  @Column('text', { nullable: true })
  deadReason!: string | null;

  /**
   * The first-attempt batch written with it (one queue job `first:<batch>` for all deliveries of an ingest
   * statement): while that job lives it holds this row's first attempt, so the reconciler leaves the row alone.
   */
  @Column('uuid', { nullable: true })
  firstAttemptBatch!: string | null;
}
