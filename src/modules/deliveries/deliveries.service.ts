import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { Page, PageQueryDto } from '../../common/pagination/cursor';
import { DeliveryProducer } from './delivery.producer';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { DeliveryResponse, ListDeliveriesQueryDto } from './deliveries.dto';
import { DeadWindow, DeliveriesRepository, DeliveryFilter } from './deliveries.repository';

/** What dead letters may be filtered by. */
export type DeadLetterFilter = Pick<DeliveryFilter, 'subscriptionId' | 'completedSince'>;

function toResponsePage(page: Page<WebhookDelivery>): Page<DeliveryResponse> {
  return { data: page.data.map((d) => toDeliveryResponse(d)), next_cursor: page.next_cursor };
}

export function toDeliveryResponse(d: WebhookDelivery, attempts?: WebhookDeliveryAttempt[]): DeliveryResponse {
  return {
    id: d.id,
    event_id: d.eventId,
    subscription_id: d.subscriptionId,
    status: d.status,
    attempts_made: d.attemptsMade,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    final_status_code: d.finalStatusCode,
    completed_at: d.completedAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    ...(attempts && {
      attempts: attempts.map((a) => ({
        attempt_number: a.attemptNumber,
        request_signature: a.requestSignature,
        request_headers: a.requestHeaders,
        response_status: a.responseStatus,
        response_headers: a.responseHeaders,
        response_body_snippet: a.responseBodySnippet,
        latency_ms: a.latencyMs,
        error_code: a.errorCode,
        attempted_at: a.createdAt.toISOString(),
      })),
    }),
  };
}

/** Reading deliveries and sending one again by hand. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly producer: DeliveryProducer,
  ) {}

  async list(tenantId: string, query: ListDeliveriesQueryDto): Promise<Page<DeliveryResponse>> {
    const filter = { eventId: query.event_id, subscriptionId: query.subscription_id, status: query.status };
    return toResponsePage(await this.repository.page(tenantId, filter, query));
  }

  /** Dead deliveries, newest first; `completedSince` filters on when they became dead. */
  async listDead(tenantId: string, filter: DeadLetterFilter, query: PageQueryDto): Promise<Page<DeliveryResponse>> {
    return toResponsePage(await this.repository.page(tenantId, { ...filter, status: 'dead' }, query));
  }

  /** How many dead letters a bulk recover window holds. */
  countDeadIn(tenantId: string, window: DeadWindow): Promise<number> {
    return this.repository.countDeadIn(tenantId, window);
  }

  /** The window's next dead letters after `afterId`, in creation order (a replayed one is no longer dead). */
  nextDeadIn(tenantId: string, window: DeadWindow, afterId: string | null, limit: number): Promise<WebhookDelivery[]> {
    return this.repository.nextDeadIn(tenantId, window, afterId, limit);
  }

  async get(tenantId: string, id: string): Promise<DeliveryResponse> {
    const delivery = await this.find(tenantId, id);
    return toDeliveryResponse(delivery, await this.repository.attemptsOf(id));
  }

  async find(tenantId: string, id: string): Promise<WebhookDelivery> {
    const delivery = await this.repository.findOne(tenantId, id);
    if (!delivery) throw AppError.notFound('Delivery');
    return delivery;
  }

  /** Back to pending with an immediate attempt numbered after the last one (attempts are never reset). */
  async retry(tenantId: string, id: string): Promise<DeliveryResponse> {
    return this.resend(await this.find(tenantId, id));
  }

  async resend(delivery: WebhookDelivery): Promise<DeliveryResponse> {
    await this.repository.resetToPending(delivery.id, new Date());
    // If Redis is down the row is still pending and due: the reconciler sends it.
    await this.producer.enqueueNow(delivery.id, delivery.attemptsMade + 1, delivery.firstAttemptBatch).catch(() => undefined);
    return this.get(delivery.tenantId, delivery.id);
  }
}
