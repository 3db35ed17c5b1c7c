import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity';

export type FullSyncStatus = 'receiving' | 'completed' | 'abandoned';

/** A Member Center full list sync (`sync_id`), assembled from batches that may arrive in any order. */
@Entity('full_syncs')
@Index('ix_full_syncs_list', ['tenantId', 'listId'])
export class FullSync {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_full_syncs_tenant' })
  tenant?: Tenant;

  @Column('uuid')
  listId!: string;

  @Column('integer')
  batchTotal!: number;

  @Column({ type: 'integer', default: 0 })
  batchesReceived!: number;

  @Column({ type: 'integer', default: 0 })
  subscribersReceived!: number;

  @Column('text', { default: 'receiving' })
  status!: FullSyncStatus;

  /** The earliest batch occurred_at: the snapshot time absentees are compared with. */
  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  /** Members unsubscribed as absent when the sync completed. */
  @Column({ type: 'integer', nullable: true })
  removedCount!: number | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  abandonedAt!: Date | null;
}

/** One received batch of a sync; the primary key makes `(sync_id, batch_no)` exactly-once. */
@Entity('full_sync_batches')
export class FullSyncBatch {
  @PrimaryColumn('uuid')
  syncId!: string;

  @PrimaryColumn('integer')
  batchNo!: number;

  @ManyToOne(() => FullSync, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sync_id', foreignKeyConstraintName: 'fk_full_sync_batches_sync' })
  sync?: FullSync;

  @Column('integer')
  subscriberCount!: number;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
