import { Column, Entity, Index, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

export const SUBSCRIPTION_STATES = ['active', 'paused', 'disabled'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** A tenant's endpoint; the signing secrets are sealed with APP_ENCRYPTION_KEY (SecretBox). */
@Entity('webhook_subscriptions')
@Index('ix_webhook_subscriptions_tenant_created', ['tenantId', 'createdAt', 'id'])
export class WebhookSubscription extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  url!: string;

  /** `*`, an exact type or a glob with `*` segments (see event-filter.ts). */
  @Column('text', { default: '*' })
  eventFilter!: string;

  @Column('text', { default: 'active' })
  state!: SubscriptionState;

  /** Dead deliveries in a row; reset by a success or a resume. */
  @Column('int', { default: 0 })
  consecutiveFailures!: number;

  @Column('text')
  sealedSecret!: string;

  /** The secret before the last rotation, still signed with until `previousSecretExpiresAt`. */
  @Column('text', { nullable: true })
  sealedPreviousSecret!: string | null;

  @Column('timestamptz', { nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  secretRotatedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  pausedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  disabledAt!: Date | null;

  /** Custom request headers sent with every delivery: name → value sealed like the secrets (SubscriptionSecrets.sealHeaders). */
  @Column('jsonb', { default: () => "'{}'" })
  headers!: Record<string, string>;

  /** Envelope: `standard` (`{id,type,created_at,data}`) or `cloudevents` (structured-mode CloudEvent). */
  @Column('text', { default: 'standard' })
  format!: string;

  /**
   * Dialect-specific matching that replaces `eventFilter` when set: the dialect's type patterns (and, for
   * CloudEvents subscriptions, advanced filters on event properties). Null for `/v1` subscriptions.
   */
  @Column('jsonb', { nullable: true })
  filterSpec!: Record<string, unknown> | null;

  /** Which API created it (`v1`, `marigold`, later `flexengage`), so each dialect lists its own. */
  @Column('text', { default: 'v1' })
  origin!: string;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
