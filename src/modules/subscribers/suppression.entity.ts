import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { SuppressionReason } from './subscriber-status';

/**
 * An address the tenant must not send to. Lifting keeps the row (who and when) for the audit trail;
 * at most one active (not lifted) row per address.
 */
@Entity('suppressions')
@Index('uq_suppressions_active', ['tenantId', 'email'], { unique: true, where: 'lifted_at IS NULL' })
export class Suppression extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_suppressions_tenant' })
  tenant?: Tenant;

  /** Trimmed and lower-cased. */
  @Column('text')
  email!: string;

  @Column('text')
  reason!: SuppressionReason;

  /** What reported it: `ses`, `member_center`, `admin`, `send_job`, … */
  @Column('text')
  source!: string;

  @Column('timestamptz', { nullable: true })
  liftedAt!: Date | null;

  /** The principal subject that lifted it. */
  @Column('text', { nullable: true })
  liftedBy!: string | null;
}
