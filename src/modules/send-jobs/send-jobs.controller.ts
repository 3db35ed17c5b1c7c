import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, TenantId } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ErrorResponse } from '../../common/errors/error-response.dto';
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
  ResendUnknownResponse,
  SendJobMessagePage,
  SendJobPage,
  SendJobResponse,
  SendJobStatusResponse,
} from './send-jobs.dto';
import { SendJobsService } from './send-jobs.service';

/** Send jobs: campaigns to one list. */
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
  @ApiOperation({
    summary: 'List send jobs',
    description: "The tenant's send jobs, newest first, cursor-paginated; `status` narrows to one state.",
    operationId: 'listSendJobs',
  })
  @ApiOkResponse({ type: SendJobPage })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid credential' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'No tenant in scope (a platform admin must send X-Tenant-Id)' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Bad status, limit or cursor' })
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
  @ApiOperation({
    summary: "List a send job's messages",
    description:
      'Messages of the job in one status (default `unknown`: calls a crashed worker may or may not have made), in ' +
      'creation order, keyset-paginated by `after`. Used to decide on resend-unknown.',
    operationId: 'listSendJobMessages',
  })
  @ApiOkResponse({ type: SendJobMessagePage })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid credential' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'No tenant in scope (a platform admin must send X-Tenant-Id)' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such send job in this tenant' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'Bad status, after or limit' })
  messages(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Query() query: ListMessagesQueryDto): Promise<SendJobMessagePage> {
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
  @ApiOperation({
    summary: 'Resend unknown messages',
    description:
      'Puts the job\'s `unknown` messages back to `pending` and runs the job again for them. The provider may ' +
      'already have some of them: the operator accepts possible duplicates.',
    operationId: 'resendUnknownSendJobMessages',
  })
  @ApiOkResponse({ type: ResendUnknownResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid credential' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'Viewer role, or no tenant in scope' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such send job in this tenant' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The job is neither running nor completed' })
  resendUnknown(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<ResendUnknownResponse> {
    return this.sendJobs.resendUnknown(tenantId, id);
  }
}
