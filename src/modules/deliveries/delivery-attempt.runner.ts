import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secrets';
import { Metrics } from '../../common/metrics/metrics';
import { OutboundResponse, SafeHttpClient } from '../../common/outbound/safe-http';
import { AppConfig } from '../../config/app-config';
import { deliveryHeaders, eventRequestBody } from './delivery-request';
import { DeliveryAttemptJob, DeliveryProducer } from './delivery.producer';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { bodySignature, DeliverySignatures, signDelivery } from './signing';
import { responseErrorCode } from './classify-response';
import { toDeliveryResponse } from './deliveries.service';
import { openCustomHeaders, redactCustomHeaders } from '../webhooks/custom-headers';
import { DeliveryEvent } from '../webhooks/delivery-event';
import { SubscriptionEffect } from '../webhooks/subscription-failures';
import { sealedSigningSecrets, SubscriptionTarget } from '../webhooks/subscription-target';
import { DeliverySettlement, DeliveriesRepository, LoadedDelivery } from './deliveries.repository';
import { DeliveryUpdates } from './delivery-updates';
import { InFlightLimiter } from './in-flight';
import { OpenedSecrets } from './opened-secrets';
import { AttemptOutcome, decideOutcome } from './retry-policy';

/** The message id, raw body and content type: the event in the subscription's format, or a one-off delivery's own body. */
function requestBody(d: WebhookDelivery, event: DeliveryEvent | null, sub: SubscriptionTarget | null): { messageId: string; body: string; contentType?: string } {
  if (!event) return { messageId: d.id, body: JSON.stringify(d.body ?? {}) };
  return { messageId: event.id, ...eventRequestBody(sub?.format ?? 'standard', event) };
}

/** The delivery's columns after attempt `attempt` ended in `outcome`. */
export function settlement(attempt: number, res: OutboundResponse, outcome: AttemptOutcome, now: Date): DeliverySettlement {
  return {
    attemptsMade: attempt,
    finalStatusCode: res.status,
    status: outcome.kind === 'success' ? 'success' : outcome.kind === 'retry' ? 'failed' : 'dead',
    nextAttemptAt: outcome.kind === 'retry' ? new Date(now.getTime() + outcome.delayMs) : null,
    completedAt: outcome.kind === 'retry' ? null : now,
    deadReason: outcome.kind === 'dead' ? outcome.reason : null,
  };
}

/** consecutive_failures counts dead deliveries; 410 Gone (`gone`) or reaching the threshold disables the endpoint. */
export function subscriptionEffect(outcome: AttemptOutcome): SubscriptionEffect {
  if (outcome.kind === 'success') return 'success';
  if (outcome.kind === 'dead') return outcome.disableSubscription ? 'gone' : 'dead';
  return null;
}

/** Thrown to let Bull run the job again shortly (the subscription is at its in-flight cap); not an attempt. */
export class DeliveryDeferred extends Error {}

type Settled = 'sent' | 'stale' | 'dead';

/** A request as sent, and its response: what the attempt log records. */
interface SentRequest {
  url: string;
  headers: Record<string, string>;
  signed: DeliverySignatures;
  res: OutboundResponse;
}

/**
 * Performs one attempt of one delivery: sign, POST through the safe client, record the attempt, then settle the
 * row (success / retry scheduled / dead) and the subscription's failure count in one statement. Loading and
 * recording are group-committed with concurrent attempts (DeliveriesRepository).
 */
@Injectable()
export class DeliveryAttemptRunner {
  private readonly logger = new Logger(DeliveryAttemptRunner.name);
  /** Opens subscription secrets and one-off deliveries' sealed secrets (sealed with APP_ENCRYPTION_KEY). */
  private readonly secrets: OpenedSecrets;

  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly http: SafeHttpClient,
    private readonly producer: DeliveryProducer,
    private readonly inFlight: InFlightLimiter,
    private readonly updates: DeliveryUpdates,
    private readonly metrics: Metrics,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    const box = new SecretBox(config.encryptionKey);
    this.secrets = new OpenedSecrets((sealed) => box.open(sealed));
  }

  async run({ deliveryId, attempt }: DeliveryAttemptJob): Promise<Settled> {
    const loaded = await this.repository.load(deliveryId);
    // A job for an attempt already made (a re-add raced a settle) or a settled row does nothing.
    if (!loaded || !['pending', 'failed'].includes(loaded.delivery.status) || loaded.delivery.attemptsMade + 1 !== attempt) return 'stale';
    const { delivery, sub } = loaded;

    if (delivery.subscriptionId && sub?.state !== 'active') {
      await this.settleWithoutAttempt(delivery, sub ? `subscription_${sub.state}` : 'subscription_deleted');
      return 'dead';
    }

    let secrets: string[];
    let customHeaders: Record<string, string>;
    try {
      const open = (sealed: string) => this.secrets.get(sealed);
      secrets = (sub ? sealedSigningSecrets(sub) : [delivery.sealedSecret ?? '']).map(open);
      customHeaders = openCustomHeaders(sub?.headers, open);
    } catch (e) {
      // Sealed with another APP_ENCRYPTION_KEY (or corrupt): permanent until an operator fixes the key, so settle
      // visibly (replayable) rather than loop invisibly through Bull retries.
      this.logger.error(`delivery ${deliveryId}: signing secret or custom header cannot be opened: ${(e as Error).message}`);
      await this.settleWithoutAttempt(delivery, 'secret_unreadable');
      return 'dead';
    }

    const holder = `${deliveryId}:${attempt}`;
    const lane = sub?.id ?? deliveryId;
    if (!(await this.inFlight.acquire(lane, holder))) throw new DeliveryDeferred(`subscription ${lane} is at its in-flight cap`);
    let sent: SentRequest;
    try {
      sent = await this.send(loaded, secrets, customHeaders);
    } finally {
      // The cap bounds requests to the endpoint, so the slot is free once the response is read: the next request
      // overlaps this one's recording, and recordings batch across more attempts than the cap.
      this.inFlight.release(lane, holder);
    }
    const settled = await this.recordAttempt(loaded, sent, customHeaders, attempt);
    if (!settled) return 'stale';
    await this.updates.publish(delivery.tenantId, toDeliveryResponse(settled));
    return settled.status === 'dead' ? 'dead' : 'sent';
  }

  /** Signs and POSTs the request. */
  private async send({ delivery, sub, event }: LoadedDelivery, secrets: string[], customHeaders: Record<string, string>): Promise<SentRequest> {
    const { messageId, body, contentType } = requestBody(delivery, event, sub);
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = signDelivery(secrets, messageId, timestamp, body);
    const url = delivery.targetUrl ?? sub?.url ?? '';
    // A one-off delivery (job callback) also carries X-Signature: an HMAC of the raw body alone.
    const extra = sub ? customHeaders : { 'x-signature': bodySignature(secrets[0], body) };
    const headers = deliveryHeaders(messageId, timestamp, signed, extra, contentType);
    const res = await this.http.post({ url, body, headers });
    return { url, headers, signed, res };
  }

  /** Records the attempt and settles the row; the settled row, or null when this attempt was already recorded. */
  private async recordAttempt(
    { delivery, sub }: LoadedDelivery,
    { url, headers, signed, res }: SentRequest,
    customHeaders: Record<string, string>,
    attempt: number,
  ): Promise<WebhookDelivery | null> {
    const schedule = delivery.retrySchedule ?? this.config.WEBHOOK_RETRY_SCHEDULE_SECONDS;
    const outcome = decideOutcome({ status: res.status, errorCode: res.errorCode, retryAfter: res.headers?.['retry-after'] }, attempt, schedule);
    const state = settlement(attempt, res, outcome, new Date());
    const recorded = await this.repository.record({
      deliveryId: delivery.id,
      subscriptionId: sub?.id ?? null,
      attempt: {
        requestSignature: signed.xWebhookSignature,
        webhookSignature: signed.webhookSignature,
        url,
        requestHeaders: redactCustomHeaders(headers, customHeaders),
        responseStatus: res.status,
        responseHeaders: res.headers,
        responseBodySnippet: res.body,
        latencyMs: res.latencyMs,
        errorCode: responseErrorCode(res),
        errorDetail: res.errorDetail,
      },
      settlement: state,
      effect: subscriptionEffect(outcome),
    });
    if (!recorded) return null;
    this.recordMetric(outcome.kind);
    if (outcome.kind === 'retry') await this.producer.enqueue(delivery.id, attempt + 1, outcome.delayMs).catch(() => undefined);
    return Object.assign(delivery, state);
  }

  /** Dead without an attempt (paused/disabled/deleted subscription, unreadable secret): replayable, not counted. */
  private async settleWithoutAttempt(delivery: WebhookDelivery, reason: string): Promise<void> {
    const completedAt = new Date();
    await this.repository.settleWithoutAttempt(delivery.id, reason, completedAt);
    Object.assign(delivery, { status: 'dead', deadReason: reason, nextAttemptAt: null, completedAt });
    this.recordMetric('dead');
    await this.updates.publish(delivery.tenantId, toDeliveryResponse(delivery));
  }

  private recordMetric(outcome: string): void {
    this.metrics.deliveries.inc({ outcome });
  }
}
