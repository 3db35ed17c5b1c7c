import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';
import { MailingList } from './list.entity';
import type { RowError } from './member-rows';

export type ListImportStatus = 'running' | 'completed' | 'failed';

/** One CSV upload into a list: progress while it streams, then its totals and the rows it refused. */
@Entity('list_imports')
@Index('ix_list_imports_list', ['tenantId', 'listId', 'createdAt'])
export class ListImport extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  listId!: string;

  @ManyToOne(() => MailingList, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'fk_list_imports_list' },
    { name: 'list_id', referencedColumnName: 'id' },
  ])
  list?: MailingList;

  @Column('text', { default: 'running' })
  status!: ListImportStatus;

  /** Data rows read so far (the header line excluded). */
  @Column({ type: 'integer', default: 0 })
  rowsRead!: number;

  /** Rows written to the list (a suppressed address counts: it is stored, just never active). */
  @Column({ type: 'integer', default: 0 })
  rowsImported!: number;

  @Column({ type: 'integer', default: 0 })
  rowsFailed!: number;

  /** The first refused rows (bounded), each `{row, field, message}` with its CSV line number. */
  @Column('jsonb', { default: () => "'[]'" })
  errors!: RowError[];

  /** Why the whole import stopped (unreadable CSV, no email column, upload cut off), when it failed. */
  @Column('text', { nullable: true })
  failure!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
