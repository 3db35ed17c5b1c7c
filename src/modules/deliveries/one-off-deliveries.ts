import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { DeliveryProducer } from './delivery.producer';
import { SubscriptionSecrets } from '../webhooks/subscription-secrets';

/** A request to one URL that belongs to no subscription (a job's completion callback). */
export interface OneOffDelivery {
  tenantId: string;
  url: string;
  /** The `whsec_…` secret that signs it; stored sealed on the row. */
  secret: string;
  /** The JSON body, sent as is on every attempt. */
  body: Record<string, unknown>;
  /** Retry delays in seconds (overrides WEBHOOK_RETRY_SCHEDULE_SECONDS). */
  retrySchedule: number[];
}

/**
 * One-off deliveries ride the same runner, retry policy, attempt log, dead letters and replay as subscription
 * deliveries; only the target, secret, body and schedule come from the row instead of a subscription and event.
 */
@Injectable()
export class OneOffDeliveries {
  constructor(
    private readonly secrets: SubscriptionSecrets,
    private readonly producer: DeliveryProducer,
  ) {}

  /** Writes a pending delivery, due now, in the caller's transaction; `enqueue` it after the commit. */
  async create(manager: EntityManager, d: OneOffDelivery): Promise<string> {
    const id = uuidv7();
    await manager.query(
      `INSERT INTO webhook_deliveries (id, tenant_id, target_url, sealed_secret, body, retry_schedule, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::int[], 'pending', now())`,
      [id, d.tenantId, d.url, this.secrets.seal(d.secret), JSON.stringify(d.body), d.retrySchedule],
    );
    return id;
  }

  /** First attempts of committed rows; should Redis be down, the reconciler adds them once it is back. */
  async enqueue(ids: string[]): Promise<void> {
    await this.producer.enqueueFirstAttempts(ids).catch(() => undefined);
  }
}
