import { Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';
import { Tenant } from '../tenants/tenant.entity';

export const SEND_JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type SendJobStatus = (typeof SEND_JOB_STATUSES)[number];

export interface SendJobTemplate {
  unsubscribe_url?: string;
  unsubscribe_mailto?: string;
  ses_template_name?: string;
  [key: string]: unknown;
}

export interface TrackingOptions {
  open?: boolean;
  click?: boolean;
}

/** A campaign send to one list. Progress counts are derived from its message rows. */
@Entity('send_jobs')
@Index('ix_send_jobs_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_send_jobs_open', ['status'], { where: "status IN ('pending', 'running')" })
export class SendJob extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_send_jobs_tenant' })
  tenant?: Tenant;

  @Column('uuid')
  listId!: string;

  /** An API field with no source of its own: the job's id unless the caller names a campaign. */
  @Column('uuid')
  campaignId!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  subject!: string;

  @Column('text', { nullable: true })
  bodyHtml!: string | null;

  @Column('text', { nullable: true })
  bodyText!: string | null;

  @Column('jsonb', { nullable: true })
  template!: SendJobTemplate | null;

  @Column('jsonb', { default: () => "'{}'" })
  tracking!: TrackingOptions;

  @Column('timestamptz', { nullable: true })
  scheduledAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  windowStart!: Date | null;

  @Column('timestamptz', { nullable: true })
  windowEnd!: Date | null;

  /** max(scheduled_at, window_start, created_at): when the scheduler starts the job. */
  @Column('timestamptz')
  startAt!: Date;

  @Column('text', { default: 'pending' })
  status!: SendJobStatus;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  /** Consecutive account-level provider stops (sending paused / suspended); the job fails past a bound. */
  @Column('integer', { default: 0 })
  accountErrors!: number;

  @Column('timestamptz', { nullable: true })
  lastAccountStopAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
