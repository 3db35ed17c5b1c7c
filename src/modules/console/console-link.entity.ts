import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../common/database/base.entity';

export const CONSOLE_ROLES = ['viewer', 'editor'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/**
 * A one-time console link: only the SHA-256 of its token is stored; opening it stamps `used_at`. Its id is the
 * `sid` of the one session it opens, so revoking the link ends that session.
 */
@Entity('console_links')
@Index('ix_console_links_tenant_created', ['tenantId', 'createdAt'])
export class ConsoleLink extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('text')
  role!: ConsoleRole;

  @Index('uq_console_links_token_hash', { unique: true })
  @Column('text')
  tokenHash!: string;

  /** Subject of the principal that asked for the link (audit). */
  @Column('text')
  createdBy!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  usedAt!: Date | null;

  /** Set by logout or a tenant-wide revocation: the session opened from this link (or the link) is over. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
