import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { Page } from '../../common/pagination/cursor';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { WebhookEvent } from './entities/webhook-event.entity';
import { EventsRepository } from './events.repository';
import { NewEvent } from './events.repository';
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
    private readonly events: EventsRepository,
    private readonly deliveries: DeliveriesRepository,
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

  /** A batch stored and fanned out in one statement (a dialect's batch ingest); repeated dedup keys are flagged. */
  ingestMany(events: NewEvent[]): Promise<WrittenEvent[]> {
    return this.fanOut.publishMany(events);
  }

  async list(tenantId: string, query: ListEventsQueryDto): Promise<Page<EventResponse>> {
    const filter = { type: query.type, createdAfter: query.created_after ? new Date(query.created_after) : undefined };
    const page = await this.events.page(tenantId, filter, query);
    const summaries = await this.deliveries.countsByEvent(page.data.map((e) => e.id));
    return { data: page.data.map((e) => toEventResponse(e, summaries.get(e.id))), next_cursor: page.next_cursor };
  }

  async get(tenantId: string, id: string): Promise<EventResponse> {
    const event = await this.events.findOne(tenantId, id);
    if (!event) throw AppError.notFound('Event');
    return toEventResponse(event, (await this.deliveries.countsByEvent([id])).get(id));
  }

  /** The tenant's events with these ids (for logs that list deliveries and show their events). */
  async findByIds(tenantId: string, ids: string[]): Promise<Map<string, WebhookEvent>> {
    const events = await this.events.findMany(tenantId, ids);
    return new Map(events.map((e) => [e.id, e]));
  }
}
