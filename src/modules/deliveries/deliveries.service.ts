import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Page, PageQueryDto, paginate } from '../../common/pagination/cursor';
import { DeliveryProducer } from './delivery.producer';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { DeliveryResponse, ListDeliveriesQueryDto } from './deliveries.dto';

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
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookDeliveryAttempt) private readonly attempts: Repository<WebhookDeliveryAttempt>,
    private readonly producer: DeliveryProducer,
  ) {}

  /** A tenant-scoped query builder over deliveries, for this module and dead letters. */
  query(tenantId: string): SelectQueryBuilder<WebhookDelivery> {
    return this.deliveries.createQueryBuilder('d').where('d.tenant_id = :tenantId', { tenantId });
  }

  page(qb: SelectQueryBuilder<WebhookDelivery>, query: PageQueryDto): Promise<Page<DeliveryResponse>> {
    return paginate(qb, query, (d) => toDeliveryResponse(d));
  }

  list(tenantId: string, query: ListDeliveriesQueryDto): Promise<Page<DeliveryResponse>> {
    const qb = this.query(tenantId);
    if (query.event_id) qb.andWhere('d.event_id = :eventId', { eventId: query.event_id });
    if (query.subscription_id) qb.andWhere('d.subscription_id = :subId', { subId: query.subscription_id });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    return this.page(qb, query);
  }

  async get(tenantId: string, id: string): Promise<DeliveryResponse> {
    const delivery = await this.find(tenantId, id);
    return toDeliveryResponse(delivery, await this.attempts.find({ where: { deliveryId: id }, order: { attemptNumber: 'ASC' } }));
  }

  async find(tenantId: string, id: string): Promise<WebhookDelivery> {
    const delivery = await this.deliveries.findOneBy({ id, tenantId });
    if (!delivery) throw AppError.notFound('Delivery');
    return delivery;
  }

  /** Back to pending with an immediate attempt numbered after the last one (attempts are never reset). */
  async retry(tenantId: string, id: string): Promise<DeliveryResponse> {
    return this.resend(await this.find(tenantId, id));
  }

  async resend(delivery: WebhookDelivery): Promise<DeliveryResponse> {
    const now = new Date();
    await this.deliveries.update(
      { id: delivery.id },
      { status: 'pending', nextAttemptAt: now, completedAt: null, deadReason: null, finalStatusCode: null },
    );
    // If Redis is down the row is still pending and due: the reconciler sends it.
    await this.producer.enqueueNow(delivery.id, delivery.attemptsMade + 1).catch(() => undefined);
    return this.get(delivery.tenantId, delivery.id);
  }
}
