import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../../../../common/auth/auth.decorators';
import { Principal } from '../../../../common/auth/principal';
import { ValidationStatus } from '../../../../common/errors/validation-status.decorator';
import { CreatedLocation } from '../../../../common/http/created-location';
import {
  CreateFlexEngageWebhookDto, FlexEngageEventDetail, FlexEngageEventsPage, FlexEngageEventsQueryDto, FlexEngageWebhookResponse,
  PatchFlexEngageWebhookDto,
} from './flexengage.dto';
import { FLEXENGAGE_TAG, FlexEngageDocs } from './flexengage.openapi';
import { FlexEngageService } from './flexengage.service';

/** The flexEngage webhooks API: `/v1/{brandId}/webhooks…` over the engine's subscriptions and deliveries. */
@ApiTags(FLEXENGAGE_TAG)
@ValidationStatus(422, 'flexengage')
@Controller('v1/:brandId/webhooks')
export class FlexEngageController {
  constructor(private readonly flexEngage: FlexEngageService) {}

  @Post()
  @CreatedLocation()
  @Authenticated({ role: 'editor' })
  @FlexEngageDocs.create()
  create(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Body() dto: CreateFlexEngageWebhookDto): Promise<FlexEngageWebhookResponse> {
    return this.flexEngage.create({ principal, brandId }, dto);
  }

  @Get()
  @Authenticated({ role: 'viewer' })
  @FlexEngageDocs.list()
  list(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string): Promise<FlexEngageWebhookResponse[]> {
    return this.flexEngage.list({ principal, brandId });
  }

  @Get(':id')
  @Authenticated({ role: 'viewer' })
  @FlexEngageDocs.get()
  get(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string): Promise<FlexEngageWebhookResponse> {
    return this.flexEngage.get({ principal, brandId }, id);
  }

  @Patch(':id')
  @HttpCode(204)
  @Authenticated({ role: 'editor' })
  @FlexEngageDocs.toggle()
  toggle(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string, @Body() dto: PatchFlexEngageWebhookDto): Promise<void> {
    return this.flexEngage.toggle({ principal, brandId }, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ role: 'editor' })
  @FlexEngageDocs.remove()
  remove(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string): Promise<void> {
    return this.flexEngage.remove({ principal, brandId }, id);
  }

  @Get(':id/events')
  @Authenticated({ role: 'viewer' })
  @FlexEngageDocs.events()
  events(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string, @Query() query: FlexEngageEventsQueryDto): Promise<FlexEngageEventsPage> {
    return this.flexEngage.eventLog({ principal, brandId }, id, query);
  }

  @Get(':id/events/:eventId')
  @Authenticated({ role: 'viewer' })
  @FlexEngageDocs.event()
  event(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string, @Param('eventId') eventId: string): Promise<FlexEngageEventDetail> {
    return this.flexEngage.event({ principal, brandId }, id, eventId);
  }

  @Post(':id/events/:eventId/retry')
  @HttpCode(202)
  @Authenticated({ role: 'editor' })
  @FlexEngageDocs.retry()
  retry(@CurrentPrincipal() principal: Principal, @Param('brandId') brandId: string, @Param('id') id: string, @Param('eventId') eventId: string): Promise<void> {
    return this.flexEngage.retry({ principal, brandId }, id, eventId);
  }
}
