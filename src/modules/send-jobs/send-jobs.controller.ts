import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, TenantId } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ValidationStatus } from '../../common/errors/validation-status.decorator';
import { AcceptsDualKeys } from '../../common/http/dual-keys.interceptor';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Page } from '../../common/pagination/cursor';
import {
  CreateSendJobDto,
  CreateSendJobResponse,
  ListMessagesQueryDto,
  ListSendJobsQueryDto,
  SendJobResponse,
  SendJobStatusResponse,
} from './send-jobs.dto';
import { SendJobsService } from './send-jobs.service';

/** Seed 000 send jobs: campaigns to one list. */
@ApiTags('Send jobs')
@ValidationStatus(422)
@Controller('api/send-jobs')
export class SendJobsController {
  constructor(private readonly sendJobs: SendJobsService) {}

  @Post()
  @HttpCode(200)
  @Authenticated({ role: 'editor' })
  @AcceptsDualKeys()
  @Idempotent()
  create(@CurrentPrincipal() principal: Principal, @TenantId() tenantId: string, @Body() dto: CreateSendJobDto): Promise<CreateSendJobResponse> {
    return this.sendJobs.create(principal, tenantId, dto);
  }

  @Get()
  @Authenticated({ role: 'viewer' })
  list(@TenantId() tenantId: string, @Query() query: ListSendJobsQueryDto): Promise<Page<SendJobResponse>> {
    return this.sendJobs.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer' })
  get(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SendJobResponse> {
    return this.sendJobs.get(tenantId, id);
  }

  @Get(':id/messages')
  @Authenticated({ role: 'viewer' })
  messages(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Query() query: ListMessagesQueryDto) {
    return this.sendJobs.listMessages(tenantId, id, query);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ role: 'editor' })
  cancel(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<SendJobStatusResponse> {
    return this.sendJobs.cancel(tenantId, id);
  }

  @Post(':id/resend-unknown')
  @HttpCode(200)
  @Authenticated({ role: 'editor' })
  resendUnknown(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string) {
    return this.sendJobs.resendUnknown(tenantId, id);
  }
}
