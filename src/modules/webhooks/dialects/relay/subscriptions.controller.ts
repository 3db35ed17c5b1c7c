import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../../common/auth/auth.decorators';
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
  create(@TenantId() tenantId: string, @Body() dto: CreateSubscriptionDto): Promise<SubscriptionWithSecretResponse> {
    return this.subscriptions.create(tenantId, dto);
  }

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiPageResponse(SubscriptionResponse)
  list(@TenantId() tenantId: string, @Query() query: ListSubscriptionsQueryDto): Promise<Page<SubscriptionResponse>> {
    return this.subscriptions.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer', apiKey: true })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.get(tenantId, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'editor', apiKey: true })
  update(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateSubscriptionDto): Promise<SubscriptionResponse> {
    return this.subscriptions.update(tenantId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ role: 'editor', apiKey: true })
  remove(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.subscriptions.remove(tenantId, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  pause(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.pause(tenantId, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  resume(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionResponse> {
    return this.subscriptions.resume(tenantId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Authenticated({ role: 'editor', apiKey: true })
  rotateSecret(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SubscriptionWithSecretResponse> {
    return this.subscriptions.rotateSecret(tenantId, id);
  }
}
