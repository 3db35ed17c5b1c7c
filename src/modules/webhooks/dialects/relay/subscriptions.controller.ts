import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../../common/auth/auth.decorators';
import { ApiProblems } from '../../../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../../../common/errors/validation-status.decorator';
import { ParseIdPipe } from '../../../../common/http/parse-id.pipe';
import { ApiPageResponse, Page } from '../../../../common/pagination/cursor';
import { SubscriptionsService } from '../../subscriptions.service';
import {
  CreateSubscriptionDto,
  ListSubscriptionsQueryDto,
  SubscriptionResponse,
  SubscriptionWithSecretResponse,
  UpdateSubscriptionDto,
} from './relay.dto';

/** The relay API's subscriptions (endpoints, `/v1/subscriptions`). */
@ApiTags('Subscriptions')
@ValidationStatus(400)
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'createSubscription', summary: 'Create a subscription', description: 'An endpoint that receives the events its `event_filter` matches (`*`, a type, or a glob such as `order.*`). The `whsec_` signing secret appears only in this response. Outside production a refused URL names WEBHOOK_ALLOW_HTTP / WEBHOOK_ALLOWED_CIDRS.' })
  @ApiBody({ type: CreateSubscriptionDto, examples: { orders: { summary: 'Order events', value: { name: 'Orders service', url: 'https://hooks.acme.example/send-engine', event_filter: 'order.*' } } } })
  @ApiCreatedResponse({ type: SubscriptionWithSecretResponse })
  create(@TenantId() tenantId: string, @Body() dto: CreateSubscriptionDto): Promise<SubscriptionWithSecretResponse> {
    return this.subscriptions.create(tenantId, dto);
  }

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listSubscriptions', summary: 'List subscriptions', description: 'Newest first, optionally by `state`, with an opaque `next_cursor`.' })
  @ApiPageResponse(SubscriptionResponse)
  list(@TenantId() tenantId: string, @Query() query: ListSubscriptionsQueryDto): Promise<Page<SubscriptionResponse>> {
    return this.subscriptions.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'getSubscription', summary: 'Get a subscription', description: 'The subscription without its secret.' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiProblems(404)
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.get(tenantId, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'updateSubscription', summary: 'Update a subscription', description: 'Changes its name, URL or event filter.' })
  @ApiBody({ type: UpdateSubscriptionDto, examples: { filter: { summary: 'Narrow the filter', value: { event_filter: 'order.created' } } } })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiProblems(404)
  update(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateSubscriptionDto): Promise<SubscriptionResponse> {
    return this.subscriptions.update(tenantId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'deleteSubscription', summary: 'Delete a subscription', description: 'No further deliveries; past deliveries and attempts stay readable.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  remove(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.subscriptions.remove(tenantId, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'pauseSubscription', summary: 'Pause a subscription', description: 'Deliveries due while paused go to the dead letters with a reason, replayable after resume.' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiProblems(404)
  pause(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.pause(tenantId, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'resumeSubscription', summary: 'Resume a subscription', description: 'Deliveries start again and the failure count resets.' })
  @ApiOkResponse({ type: SubscriptionResponse })
  @ApiProblems(404)
  resume(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.resume(tenantId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  @ApiOperation({ operationId: 'rotateSubscriptionSecret', summary: 'Rotate the signing secret', description: 'A new `whsec_` secret, shown once; deliveries are signed with both secrets during the overlap.' })
  @ApiOkResponse({ type: SubscriptionWithSecretResponse })
  @ApiProblems(404)
  rotateSecret(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionWithSecretResponse> {
    return this.subscriptions.rotateSecret(tenantId, id);
  }
}
