import { Column, Entity, Index, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

/**
 * `queued` → `running` (claimed; the provider call is about to happen or in flight) → `succeeded`; a transient
 * failure → `retry` (due again at `next_run_at`) → … → `fatal` after JOB_MAX_ATTEMPTS; permanent errors and
 * suppressed addresses → `fatal` at once.
 */
export const JOB_STATUSES = ['queued', 'running', 'retry', 'succeeded', 'fatal'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_TYPES = ['email'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** What the email job sends. */
export interface JobPayload {
  to: string;
  subject: string;
  body: string;
}

/** One single background email and its completion callback. The public `jobId` is `job_` + this id's hex. */
@Entity('jobs')
@Index('ix_jobs_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_jobs_due', ['nextRunAt', 'id'], { where: "status IN ('queued', 'retry')" })
@Index('ix_jobs_running', ['claimedBy'], { where: "status = 'running'" })
export class Job extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('text')
  type!: JobType;

  @Column('jsonb')
  payload!: JobPayload;

  /** Where the completion callback goes; null: no callback. */
  @Column('text', { nullable: true })
  webhookUrl!: string | null;

  @Column('text', { default: 'queued' })
  status!: JobStatus;

  /** Claims made; each is one provider call unless the suppression check ended or failed it first. */
  @Column('int', { default: 0 })
  attempts!: number;

  /** When a `queued`/`retry` job is due; null once it runs or ends. */
  @Column('timestamptz', { nullable: true })
  nextRunAt!: Date | null;

  /** The worker process holding the claim; its Redis heartbeat tells whether it is alive. */
  @Column('text', { nullable: true })
  claimedBy!: string | null;

  @Column('timestamptz', { nullable: true })
  claimedAt!: Date | null;

  @Column('text', { nullable: true })
  providerMessageId!: string | null;

  /**
   * Why it failed (`suppressed`, the provider's error, `outcome_unknown`); on a `retry` job the last transient
   * error; on a `running` job `outcome_unknown` when its worker died during the provider call.
   */
  @Column('text', { nullable: true })
  failureReason!: string | null;

  /** The one-off delivery carrying the completion callback (Deliveries module), once the job ended. */
  @Column('uuid', { nullable: true })
  callbackDeliveryId!: string | null;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
