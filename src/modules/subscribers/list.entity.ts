import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity';

/** A tenant's mailing list; its id is Member Center's `list_id`, or a UUIDv7 when an admin creates it. */
@Entity('lists')
export class MailingList {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  /** Set by admins (POST/PATCH /api/lists); null for a list Member Center created by id alone. */
  @Column('text', { nullable: true })
  name!: string | null;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_lists_tenant' })
  tenant?: Tenant;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
