import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One Idempotency-Key per (owner, route, key), kept 24 h: its request fingerprint and, once done, the response. */
@Entity('idempotency_keys')
export class IdempotencyKey {
  /** The caller's tenant (or subject for tenant-less admins). */
  @PrimaryColumn('text') owner!: string;
  /** Method and route pattern, so one key may be used on different routes. */
  @PrimaryColumn('text') scope!: string;
  @PrimaryColumn('text') key!: string;

  @Column('text') fingerprint!: string;
  @Column('text') state!: 'in_progress' | 'completed';
  @Column('int', { nullable: true }) statusCode!: number | null;
  @Column('jsonb', { nullable: true }) responseBody!: unknown;
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' }) createdAt!: Date;

  @Index('ix_idempotency_keys_expires_at')
  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}
