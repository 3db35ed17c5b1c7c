import { BeforeInsert, CreateDateColumn, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/** UUIDv7 primary key (time-ordered, valid `format: uuid`) and creation time, shared by every table. */
export abstract class BaseEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @BeforeInsert()
  assignId(): void {
    this.id ??= uuidv7();
  }
}
