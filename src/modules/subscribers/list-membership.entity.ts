import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MailingList } from './list.entity';
import { Subscriber } from './subscriber.entity';
import type { SubscriberStatus } from './subscriber-status';

/** A subscriber's membership of a list. `id` is a surrogate key for cursor pagination. */
@Entity('list_memberships')
@Index('uq_list_memberships_member', ['tenantId', 'listId', 'subscriberId'], { unique: true })
@Index('ix_list_memberships_subscriber', ['tenantId', 'subscriberId'])
export class ListMembership {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  listId!: string;

  @Column('uuid')
  subscriberId!: string;

  @ManyToOne(() => MailingList, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'fk_list_memberships_list' },
    { name: 'list_id', referencedColumnName: 'id' },
  ])
  list?: MailingList;

  @ManyToOne(() => Subscriber, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'fk_list_memberships_subscriber' },
    { name: 'subscriber_id', referencedColumnName: 'id' },
  ])
  subscriber?: Subscriber;

  @Column('text')
  status!: SubscriberStatus;

  /** Why the status last changed when it is not Member Center's word, e.g. `removed_by_full_sync`, `hard_bounce`. */
  @Column('text', { nullable: true })
  reason!: string | null;

  /** occurred_at of the newest event or sync applied to this membership; older ones are not applied. */
  @Column({ type: 'timestamptz', precision: 3 })
  lastOccurredAt!: Date;

  /** The full sync that last wrote this membership (null when only events touched it). */
  @Column('uuid', { nullable: true })
  lastSyncId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
