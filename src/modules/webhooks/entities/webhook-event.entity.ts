import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

/** An event to fan out: posted by a tenant (`POST /v1/events`) or published by the engine (`EngineEvents`). */
@Entity('webhook_events')
@Index('ix_webhook_events_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_webhook_events_tenant_type_created', ['tenantId', 'type', 'createdAt'])
@Index('uq_webhook_events_tenant_dedup_key', ['tenantId', 'dedupKey'], { unique: true, where: 'dedup_key IS NOT NULL' })
export class WebhookEvent extends BaseEntity {
  @Column('uuid')
  tenantId!: string;

  @Column('text')
  type!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('text', { nullable: true })
  idempotencyKey!: string | null;

  @Column('text', { nullable: true })
  sourceIp!: string | null;

  /** `api` (`/v1/events`), `engine` (EngineEvents) or `marigold` (a CloudEvent posted to the Marigold dialect). */
  @Column('text', { default: 'api' })
  source!: string;

  /** A CloudEvent's attributes (everything but `data`, which is `payload`); null for other events. */
  @Column('jsonb', { nullable: true })
  attributes!: Record<string, unknown> | null;

  /**
   * Held for 24 h so a repeat is not delivered twice (a CloudEvent's source + id, hashed); released (set null)
   * when the same key comes again after the window.
   */
  @Column('text', { nullable: true })
  dedupKey!: string | null;
}
