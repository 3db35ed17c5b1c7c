import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

/** An event to fan out: posted by a tenant (`POST /v1/events`) or published by the engine (`EngineEvents`). */
@Entity('webhook_events')
@Index('ix_webhook_events_tenant_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_webhook_events_tenant_type_created', ['tenantId', 'type', 'createdAt'])
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

  /** `api` (tenant-posted) or `engine`; CloudEvents attributes (the Marigold dialect) go in `attributes`. */
  @Column('text', { default: 'api' })
  source!: string;

  @Column('jsonb', { nullable: true })
  attributes!: Record<string, unknown> | null;
}
