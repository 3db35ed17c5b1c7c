import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../../common/auth/auth.decorators';
import { ApiProblems } from '../../../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../../../common/errors/validation-status.decorator';
import { BodyLimit } from '../../../../common/http/body-limit';
import { ParseIdPipe } from '../../../../common/http/parse-id.pipe';
import { Idempotent } from '../../../../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../../../../common/pagination/cursor';
import { EventsService, MAX_EVENT_PAYLOAD_BYTES } from '../../events.service';
import { CreateEventDto, EventResponse, ListEventsQueryDto } from './relay.dto';

/** The relay API's events (`/v1/events`). */
@ApiTags('Events')
@ValidationStatus(400)
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @BodyLimit(MAX_EVENT_PAYLOAD_BYTES + 4096) // the envelope around a maximal payload; the payload itself is checked in the service
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'createEvent', summary: 'Publish an event', description: 'Stores the event and one delivery per matching subscription in one statement, then queues them: 202 with the event and its delivery summary. `Idempotency-Key` makes a retry return the stored answer (409 when reused with another body).' })
  @ApiBody({ type: CreateEventDto, examples: { order: { summary: 'An order event', value: { type: 'order.created', payload: { order_id: 'ord_1042', total_cents: 4599, currency: 'EUR' } } } } })
  @ApiAcceptedResponse({ type: EventResponse })
  @ApiProblems(409)
  ingest(@TenantId() tenantId: string, @Body() dto: CreateEventDto, @Headers('idempotency-key') key: string | undefined, @Ip() ip: string | undefined): Promise<EventResponse> {
    return this.events.ingest(tenantId, dto, key, ip);
  }

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listEvents', summary: 'List events', description: 'Newest first, optionally by exact `type` and `created_after`.' })
  @ApiPageResponse(EventResponse)
  list(@TenantId() tenantId: string, @Query() query: ListEventsQueryDto): Promise<Page<EventResponse>> {
    return this.events.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'getEvent', summary: 'Get an event', description: 'The event with its payload and delivery summary.' })
  @ApiOkResponse({ type: EventResponse })
  @ApiProblems(404)
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<EventResponse> {
    return this.events.get(tenantId, id);
  }
}
