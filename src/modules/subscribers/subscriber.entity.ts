import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity';
import type { SubscriberStatus } from './subscriber-status';

/** A Member Center subscriber of one tenant; its id is Member Center's subscriber id. */
@Entity('subscribers')
@Index('ix_subscribers_tenant_email', ['tenantId', 'email'])
export class Subscriber {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_subscribers_tenant' })
  tenant?: Tenant;

  /** Trimmed and lower-cased (see normalizeEmail). */
  @Column('text')
  email!: string;

  @Column('text')
  status!: SubscriberStatus;

  @Column('jsonb', { default: () => "'{}'" })
  preferences!: Record<string, unknown>;

  /** occurred_at of the newest Member Center change applied to the profile (email, status, preferences). */
  @Column({ type: 'timestamptz', precision: 3 })
  lastOccurredAt!: Date;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
