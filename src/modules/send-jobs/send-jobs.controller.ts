import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, TenantId } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
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
  SendJobView,
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
  @ApiOperation({ operationId: 'createSendJob', summary: 'Create a send job', description: 'A campaign to one list: it starts at max(now, scheduled_at, window_start) and sends only inside the window, at the tenant\'s send rate. Accepts snake_case or camelCase keys and an `Idempotency-Key`. 422 names each invalid field, including unknown merge tags.' })
  @ApiBody({ type: CreateSendJobDto, examples: { now: { summary: 'Send now', value: { list_id: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e', subject: 'Hello {{first_name|there}}', body_text: 'Hi {{first_name|there}}!' } }, windowed: { summary: 'Inside a send window, with tracking', value: { list_id: '0193c2a4-5b6e-7c01-9d2e-3f4a5b6c7d8e', name: 'December newsletter', subject: 'Hello {{first_name|there}}', body_html: '<p>Hi {{first_name|there}}, our December news.</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>', window_start: '2026-12-01T08:00:00Z', window_end: '2026-12-01T20:00:00Z', tracking: { open: true, click: true } } } } })
  @ApiOkResponse({ type: CreateSendJobResponse })
  @ApiProblems(409)
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
  list(@TenantId() tenantId: string, @Query() query: ListSendJobsQueryDto): Promise<Page<SendJobResponse>> {
    return this.sendJobs.list(tenantId, query);
  }

  @Get(':id')
  @Authenticated({ role: 'viewer' })
  @ApiOperation({ operationId: 'getSendJob', summary: 'Get a send job with its progress', description: 'The job in both key spellings with counts computed from its messages: total, sent, failed, skipped, unknown, pending.' })
  @ApiOkResponse({ type: SendJobView })
  @ApiProblems(404)
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
  @ApiProblems(404)
  messages(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string, @Query() query: ListMessagesQueryDto): Promise<SendJobMessagePage> {
    return this.sendJobs.listMessages(tenantId, id, query);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ role: 'editor' })
  @ApiOperation({ operationId: 'cancelSendJob', summary: 'Cancel a send job', description: 'A pending or running job stops; once this answers, no further email of it reaches the provider. Again: 200. A completed or failed job: 409.' })
  @ApiOkResponse({ type: SendJobStatusResponse })
  @ApiProblems(404, 409)
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
  @ApiProblems(404, 409)
  resendUnknown(@TenantId() tenantId: string, @Param('id', ParseIdPipe) id: string): Promise<ResendUnknownResponse> {
    return this.sendJobs.resendUnknown(tenantId, id);
  }
}
