import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Page, paginate } from '../../common/pagination/cursor';
import { WebhookDelivery } from '../deliveries/entities/webhook-delivery.entity';
import { WebhookEvent } from './entities/webhook-event.entity';
import { EventFanOut, WrittenEvent } from './fan-out';
import { CreateEventDto, DeliveriesSummary, EventResponse, ListEventsQueryDto } from './dialects/relay/relay.dto';

/** Largest serialized payload an event may carry. */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;

const EMPTY_SUMMARY: DeliveriesSummary = { total: 0, succeeded: 0, failed: 0, pending: 0 };

function toEventResponse(e: WrittenEvent['event'], summary: DeliveriesSummary = EMPTY_SUMMARY): EventResponse {
  return {
    id: e.id,
    type: e.type,
    payload: e.payload,
    idempotency_key: e.idempotencyKey,
    source_ip: e.sourceIp,
    created_at: e.createdAt.toISOString(),
    deliveries_summary: summary,
  };
}

/** Tenant-posted events: ingest through the fan-out, list and get with a summary of their deliveries. */
@Injectable()
export class EventsService {
  constructor(
    @InjectRepository(WebhookEvent) private readonly events: Repository<WebhookEvent>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly fanOut: EventFanOut,
  ) {}

  async ingest(tenantId: string, dto: CreateEventDto, idempotencyKey: string | undefined, sourceIp: string | undefined): Promise<EventResponse> {
    if (Buffer.byteLength(JSON.stringify(dto.payload)) > MAX_EVENT_PAYLOAD_BYTES) {
      throw new AppError('payload_too_large', `The payload exceeds ${MAX_EVENT_PAYLOAD_BYTES} bytes`);
    }
    const { event, deliveryIds } = await this.fanOut.publish({
      tenantId, type: dto.type, payload: dto.payload, idempotencyKey: idempotencyKey ?? null, sourceIp: sourceIp ?? null,
    });
    return toEventResponse(event, { total: deliveryIds.length, succeeded: 0, failed: 0, pending: deliveryIds.length });
  }

  async list(tenantId: string, query: ListEventsQueryDto): Promise<Page<EventResponse>> {
    const qb = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (query.type) qb.andWhere('e.type = :type', { type: query.type });
    if (query.created_after) qb.andWhere('e.created_at > :after', { after: new Date(query.created_after) });
    const page = await paginate(qb, query, (e) => e);
    const summaries = await this.summaries(page.data.map((e) => e.id));
    return { data: page.data.map((e) => toEventResponse(e, summaries.get(e.id))), next_cursor: page.next_cursor };
  }

  async get(tenantId: string, id: string): Promise<EventResponse> {
    const event = await this.events.findOneBy({ id, tenantId });
    if (!event) throw AppError.notFound('Event');
    return toEventResponse(event, (await this.summaries([id])).get(id));
  }

  /** succeeded = success, failed = dead (given up), pending = still to be delivered (incl. retrying). */
  private async summaries(eventIds: string[]): Promise<Map<string, DeliveriesSummary>> {
    if (!eventIds.length) return new Map();
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.event_id', 'event_id')
      .addSelect('count(*)::int', 'total')
      .addSelect(`count(*) FILTER (WHERE d.status = 'success')::int`, 'succeeded')
      .addSelect(`count(*) FILTER (WHERE d.status = 'dead')::int`, 'failed')
      .addSelect(`count(*) FILTER (WHERE d.status IN ('pending', 'failed'))::int`, 'pending')
      .where('d.event_id IN (:...eventIds)', { eventIds })
      .groupBy('d.event_id')
      .getRawMany<DeliveriesSummary & { event_id: string }>();
    return new Map(rows.map(({ event_id, ...s }) => [event_id, s]));
  }
}
