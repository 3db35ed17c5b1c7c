import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { BounceKind, SesEventOutcome, SesEventType } from './ses-event-decoder';

/**
 * One SES event about one recipient, from either form. `dedup_key` is derived from the event's content, so a
 * repeated SNS delivery, a duplicate SES publish or a relay of the same event as a flat event is stored once.
 */
@Entity('ses_events')
@Index('ix_ses_events_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_ses_events_tenant_email', ['tenantId', 'email', 'type', 'occurredAt'])
@Index('ix_ses_events_tenant_occurred', ['tenantId', 'occurredAt'])
export class SesEvent extends BaseEntity {
  /** Null when neither our tags nor a message row name an existing tenant. */
  @Column('uuid', { nullable: true })
  tenantId!: string | null;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_ses_events_tenant' })
  tenant?: Tenant;

  /** `sns` (verified Amazon SNS) or `flat` (the HMAC-signed flat SesEvent). */
  @Column('text')
  source!: 'sns' | 'flat';

  @Column('text')
  type!: SesEventType;

  @Column('text', { nullable: true })
  bounceKind!: BounceKind | null;

  /** Lower-cased recipient. */
  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text')
  sesMessageId!: string;

  /** Our message row (send-jobs) when one matched; the tag value otherwise. */
  @Column('text', { nullable: true })
  messageId!: string | null;

  @Column('text', { nullable: true })
  sendJobId!: string | null;

  /** Whether a message row of ours was found and its status updated. */
  @Column('boolean', { default: false })
  messageMatched!: boolean;

  @Column('text')
  outcome!: SesEventOutcome;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column('jsonb', { default: () => "'{}'" })
  detail!: Record<string, unknown>;

  @Column('text', { nullable: true })
  snsMessageId!: string | null;

  @Index('uq_ses_events_dedup_key', { unique: true })
  @Column('text')
  dedupKey!: string;
}

/** One SNS message we accepted, by its MessageId: a repeat is answered 200 without a second effect. */
@Entity('sns_receipts')
export class SnsReceipt {
  @PrimaryColumn('text')
  messageId!: string;

  @Column('text')
  type!: string;

  @Column('text')
  topicArn!: string;

  /** Confirmations only: when our GET to SubscribeURL succeeded. */
  @Column('timestamptz', { nullable: true })
  confirmedAt!: Date | null;

  @Column('integer', { default: 0 })
  eventCount!: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  receivedAt!: Date;
}
