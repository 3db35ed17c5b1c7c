import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity';

export type InboundEventOutcome = 'applied' | 'ignored_out_of_order';

/** A Member Center event already processed: its id makes the event exactly-once. */
@Entity('inbound_events')
export class InboundEvent {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_inbound_events_tenant' })
  tenant?: Tenant;

  @PrimaryColumn('uuid')
  eventId!: string;

  @Column('text')
  eventType!: string;

  @Column('uuid')
  listId!: string;

  @Column('uuid')
  subscriberId!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column('text')
  outcome!: InboundEventOutcome;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
