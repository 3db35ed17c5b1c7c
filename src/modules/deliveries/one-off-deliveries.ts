import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secrets';
import { AppConfig } from '../../config/app-config';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryProducer } from './delivery.producer';

/** A request to one URL that belongs to no subscription (a job's completion callback). */
export interface OneOffDelivery {
  /** The row id, when the caller chose it (to link it in its own statement); a new UUIDv7 otherwise. */
  id?: string;
  tenantId: string;
  url: string;
  /** The `whsec_…` secret that signs it; stored sealed on the row. */
  secret: string;
  /** The JSON body, sent as is on every attempt. */
  body: Record<string, unknown>;
  /** Retry delays in seconds (overrides WEBHOOK_RETRY_SCHEDULE_SECONDS). */
  retrySchedule: number[];
  /**
   * The caller makes the first attempt itself right after its commit (DeliveryAttemptRunner.run, no queue job):
   * the row is due only after `attemptWindowMs`, so the reconciler does not send it meanwhile; it sends it then
   * if that attempt never recorded (a crash).
   */
  attemptedByCaller?: boolean;
}

/**
 * One-off deliveries ride the same runner, retry policy, attempt log, dead letters and replay as subscription
 * deliveries; only the target, secret, body and schedule come from the row instead of a subscription and event.
 */
@Injectable()
export class OneOffDeliveries {
  /** Seals with APP_ENCRYPTION_KEY, which the runner opens with. */
  private readonly box: SecretBox;
  /** The longest an attempt normally takes (connect + response timeouts + the load and record around them). */
  readonly attemptWindowMs: number;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly producer: DeliveryProducer,
  ) {
    this.box = new SecretBox(config.encryptionKey);
    this.attemptWindowMs = config.WEBHOOK_CONNECT_TIMEOUT_MS + config.WEBHOOK_TIMEOUT_MS + 5000;
  }

  /**
   * Writes pending deliveries, due now, in the caller's transaction (one statement); their ids, in order.
   * `enqueue` them after the commit.
   */
  createMany(manager: EntityManager, ds: OneOffDelivery[]): Promise<string[]> {
    return this.deliveries.insertOneOffs(
      manager,
      ds.map((d) => ({ ...d, sealedSecret: this.box.seal(d.secret), dueInMs: d.attemptedByCaller ? this.attemptWindowMs : 0 })),
    );
  }

  /** First attempts of committed rows; should Redis be down, the reconciler adds them once it is back. */
  async enqueue(ids: string[]): Promise<void> {
    await this.producer.enqueueFirstAttempts(ids).catch(() => undefined);
  }
}
