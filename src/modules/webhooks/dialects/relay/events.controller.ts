import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../../common/auth/auth.decorators';
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
  ingest(@TenantId() tenantId: string, @Body() dto: CreateEventDto, @Headers('idempotency-key') key: string | undefined, @Ip() ip: string | undefined): Promise<EventResponse> {
    return this.events.ingest(tenantId, dto, key, ip);
  }

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiPageResponse(EventResponse)
  list(@TenantId() tenantId: string, @Query() query: ListEventsQueryDto): Promise<Page<EventResponse>> {
    return this.events.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<EventResponse> {
    return this.events.get(tenantId, id);
  }
}
