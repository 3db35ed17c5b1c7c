import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Metrics } from '../../common/metrics/metrics';
import { OutboundResponse, SafeHttpClient } from '../../common/outbound/safe-http';
import { AppConfig } from '../../config/app-config';
import { deliveryHeaders } from '../webhooks/delivery-request';
import { DeliveryAttemptJob, DeliveryProducer } from '../webhooks/delivery.producer';
import { WebhookDeliveryAttempt } from '../webhooks/entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookEvent } from '../webhooks/entities/webhook-event.entity';
import { WebhookSubscription } from '../webhooks/entities/webhook-subscription.entity';
import { eventEnvelope, signDelivery } from '../webhooks/signing';
import { SubscriptionSecrets } from '../webhooks/subscription-secrets';
import { toDeliveryResponse } from './deliveries.service';
import { DeliveryUpdates } from './delivery-updates';
import { InFlightLimiter } from './in-flight';
import { AttemptOutcome, decideOutcome } from './retry-policy';

/** The message id and raw body: an event's envelope, or a one-off delivery's own body. */
function requestBody(d: WebhookDelivery, event: WebhookEvent | null): { messageId: string; body: string } {
  if (!event) return { messageId: d.id, body: JSON.stringify(d.body ?? {}) };
  return { messageId: event.id, body: eventEnvelope(event) };
}

/** Thrown to let Bull run the job again shortly (the subscription is at its in-flight cap); not an attempt. */
export class DeliveryDeferred extends Error {}

type Settled = 'sent' | 'stale' | 'dead';

/**
 * Performs one attempt of one delivery: sign, POST through the safe client, record the attempt, then settle the
 * row (success / retry scheduled / dead) and the subscription's failure count in one transaction.
 */
@Injectable()
export class DeliveryAttemptRunner {
  private readonly logger = new Logger(DeliveryAttemptRunner.name);

  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookSubscription) private readonly subscriptions: Repository<WebhookSubscription>,
    @InjectRepository(WebhookEvent) private readonly events: Repository<WebhookEvent>,
    private readonly dataSource: DataSource,
    private readonly secrets: SubscriptionSecrets,
    private readonly http: SafeHttpClient,
    private readonly producer: DeliveryProducer,
    private readonly inFlight: InFlightLimiter,
    private readonly updates: DeliveryUpdates,
    private readonly metrics: Metrics,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async run({ deliveryId, attempt }: DeliveryAttemptJob): Promise<Settled> {
    const delivery = await this.deliveries.findOneBy({ id: deliveryId });
    // A job for an attempt already made (a re-add raced a settle) or a settled row does nothing.
    if (!delivery || !['pending', 'failed'].includes(delivery.status) || delivery.attemptsMade + 1 !== attempt) return 'stale';

    const [sub, event] = await Promise.all([
      delivery.subscriptionId ? this.subscriptions.findOneBy({ id: delivery.subscriptionId }) : null,
      delivery.eventId ? this.events.findOneBy({ id: delivery.eventId }) : null,
    ]);
    if (delivery.subscriptionId && sub?.state !== 'active') {
      await this.settleWithoutAttempt(delivery, sub ? `subscription_${sub.state}` : 'subscription_deleted');
      return 'dead';
    }

    let secrets: string[];
    try {
      secrets = sub ? this.secrets.signingSecrets(sub) : [this.secrets.open(delivery.sealedSecret ?? '')];
    } catch (e) {
      // Sealed with another APP_ENCRYPTION_KEY (or corrupt): permanent until an operator fixes the key, so settle
      // visibly (replayable) rather than loop invisibly through Bull retries.
      this.logger.error(`delivery ${deliveryId}: signing secret cannot be opened: ${(e as Error).message}`);
      await this.settleWithoutAttempt(delivery, 'secret_unreadable');
      return 'dead';
    }

    const holder = `${deliveryId}:${attempt}`;
    const lane = sub?.id ?? deliveryId;
    if (!(await this.inFlight.acquire(lane, holder))) throw new DeliveryDeferred(`subscription ${lane} is at its in-flight cap`);
    let res: OutboundResponse;
    let signature: { webhook: string; x: string; url: string };
    try {
      const { messageId, body } = requestBody(delivery, event);
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = signDelivery(secrets, messageId, timestamp, body);
      const url = delivery.targetUrl ?? sub?.url ?? '';
      signature = { webhook: signed.webhookSignature, x: signed.xWebhookSignature, url };
      res = await this.http.post({ url, body, headers: deliveryHeaders(messageId, timestamp, signed, sub?.headers) });
    } finally {
      await this.inFlight.release(lane, holder);
    }

    const schedule = delivery.retrySchedule ?? this.config.WEBHOOK_RETRY_SCHEDULE_SECONDS;
    const outcome = decideOutcome({ status: res.status, errorCode: res.errorCode, retryAfter: res.headers?.['retry-after'] }, attempt, schedule);
    const recorded = await this.record(delivery, sub, attempt, res, signature, outcome);
    if (!recorded) return 'stale';
    this.recordMetric(outcome.kind);
    if (outcome.kind === 'retry') await this.producer.enqueue(delivery.id, attempt + 1, outcome.delayMs).catch(() => undefined);
    await this.updates.publish(delivery.tenantId, toDeliveryResponse(recorded));
    return outcome.kind === 'dead' ? 'dead' : 'sent';
  }

  /** Attempt row + delivery + subscription in one transaction; null when this attempt was already recorded. */
  private async record(
    delivery: WebhookDelivery,
    sub: WebhookSubscription | null,
    attempt: number,
    res: OutboundResponse,
    signature: { webhook: string; x: string; url: string },
    outcome: AttemptOutcome,
  ): Promise<WebhookDelivery | null> {
    const now = new Date();
    return this.dataSource.transaction(async (m) => {
      // No fsync wait: a crash can lose only this commit, which leaves the row due, so the reconciler re-sends it —
      // the at-least-once contract every receiver already handles (webhook-id is stable for dedup).
      await m.query('SET LOCAL synchronous_commit = off');
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(WebhookDeliveryAttempt)
        .values(m.create(WebhookDeliveryAttempt, {
          deliveryId: delivery.id,
          attemptNumber: attempt,
          requestSignature: signature.x,
          webhookSignature: signature.webhook,
          url: signature.url,
          responseStatus: res.status,
          responseHeaders: res.headers,
          responseBodySnippet: res.body,
          latencyMs: res.latencyMs,
          errorCode: res.errorCode ?? (outcome.kind === 'dead' && outcome.reason === 'redirect_refused' ? 'redirect_refused' : null),
          errorDetail: res.errorDetail,
        }))
        .orIgnore()
        .execute();
      if (!inserted.identifiers.length || !inserted.identifiers[0]) return null;

      Object.assign(delivery, {
        attemptsMade: attempt,
        finalStatusCode: res.status,
        status: outcome.kind === 'success' ? 'success' : outcome.kind === 'retry' ? 'failed' : 'dead',
        nextAttemptAt: outcome.kind === 'retry' ? new Date(now.getTime() + outcome.delayMs) : null,
        completedAt: outcome.kind === 'retry' ? null : now,
        deadReason: outcome.kind === 'dead' ? outcome.reason : null,
      });
      await m.update(WebhookDelivery, { id: delivery.id }, {
        attemptsMade: delivery.attemptsMade, finalStatusCode: delivery.finalStatusCode, status: delivery.status,
        nextAttemptAt: delivery.nextAttemptAt, completedAt: delivery.completedAt, deadReason: delivery.deadReason,
      });
      if (sub && outcome.kind === 'success') {
        await m.query('UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0', [sub.id]);
      }
      if (sub && outcome.kind === 'dead') {
        // consecutive_failures counts dead deliveries; 410 Gone or reaching the threshold disables the endpoint.
        await m.query(
          `UPDATE webhook_subscriptions
              SET consecutive_failures = consecutive_failures + 1,
                  state = CASE WHEN $2 OR consecutive_failures + 1 >= $3 THEN 'disabled' ELSE state END,
                  disabled_at = CASE WHEN $2 OR consecutive_failures + 1 >= $3 THEN now() ELSE disabled_at END,
                  updated_at = now()
            WHERE id = $1`,
          [sub.id, outcome.disableSubscription, this.config.WEBHOOK_DISABLE_AFTER_FAILURES],
        );
      }
      return delivery;
    });
  }

  /** Dead without an attempt (paused/disabled/deleted subscription, unreadable secret): replayable, not counted. */
  private async settleWithoutAttempt(delivery: WebhookDelivery, reason: string): Promise<void> {
    Object.assign(delivery, { status: 'dead', deadReason: reason, nextAttemptAt: null, completedAt: new Date() });
    await this.deliveries.update({ id: delivery.id }, { status: 'dead', deadReason: reason, nextAttemptAt: null, completedAt: delivery.completedAt });
    this.recordMetric('dead');
    await this.updates.publish(delivery.tenantId, toDeliveryResponse(delivery));
  }

  private recordMetric(outcome: string): void {
    this.metrics.deliveries.inc({ outcome });
  }
}
