import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../common/database/base.entity';

/** One HTTP attempt of a delivery; (delivery, number) is unique so a re-run job can never record twice. */
@Entity('webhook_delivery_attempts')
@Index('uq_webhook_delivery_attempts_number', ['deliveryId', 'attemptNumber'], { unique: true })
export class WebhookDeliveryAttempt extends BaseEntity {
  @Column('uuid')
  deliveryId!: string;

  @Column('int')
  attemptNumber!: number;

  /** The `X-Webhook-Signature` sent (`t=…,v1=…`). */
  @Column('text')
  requestSignature!: string;

  /** The `webhook-signature` sent (`v1,… v1,…`). */
  @Column('text')
  webhookSignature!: string;

  @Column('text')
  url!: string;

  /** The request headers sent (signatures included; secret-bearing custom header values redacted). */
  @Column('jsonb', { nullable: true })
  requestHeaders!: Record<string, string> | null;

  @Column('int', { nullable: true })
  responseStatus!: number | null;

  @Column('jsonb', { nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column('text', { nullable: true })
  responseBodySnippet!: string | null;

  @Column('int', { nullable: true })
  latencyMs!: number | null;

  @Column('text', { nullable: true })
  errorCode!: string | null;

  @Column('text', { nullable: true })
  errorDetail!: string | null;
}
