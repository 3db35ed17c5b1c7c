import { Column, Entity, Index, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';

export const RECOVERY_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/**
 * A bulk recover request: replay the tenant's dead deliveries that died in [since, until]. The row is the
 * progress: `cursor_id` is the last delivery replayed (ids are UUIDv7, walked in order), so a worker that
 * crashes resumes after it.
 */
@Entity('dead_letter_recoveries')
@Index('ix_dead_letter_recoveries_tenant_created', ['tenantId', 'createdAt'])
@Index('ix_dead_letter_recoveries_open', ['status'], { where: "status IN ('queued', 'running')" })
export class DeadLetterRecovery extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('uuid', { nullable: true })
  subscriptionId!: string | null;

  @Column({ type: 'timestamptz', precision: 3 })
  since!: Date;

  /** The request's `until`, or the time it was made: deliveries that die later are not part of it. */
  @Column({ type: 'timestamptz', precision: 3 })
  until!: Date;

  @Column('boolean', { default: false })
  dryRun!: boolean;

  @Column('text', { default: 'queued' })
  status!: RecoveryStatus;

  /** Dead deliveries in the window when the request was made. */
  @Column('int', { default: 0 })
  total!: number;

  @Column('int', { default: 0 })
  replayed!: number;

  @Column('uuid', { nullable: true })
  cursorId!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
