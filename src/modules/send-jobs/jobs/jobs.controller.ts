import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../common/auth/auth.decorators';
import { ApiProblems } from '../../../common/errors/api-problems.decorator';
import { ValidationStatus } from '../../../common/errors/validation-status.decorator';
import { Idempotent } from '../../../common/idempotency/idempotent.decorator';
import { IdempotencyClaim, PendingIdempotency } from '../../../common/idempotency/pending-idempotency';
import { Page } from '../../../common/pagination/cursor';
import { RateLimit } from '../../../common/rate-limit/rate-limit.guard';
import { CreateJobDto, JobCreatedResponse, JobPage, JobResponse, ListJobsQueryDto } from './jobs.dto';
import { JobsService } from './jobs.service';

/** The example fields a problem on these routes carries (the filter writes the request's path as `instance`). */
const JOBS_PROBLEM = { instance: '/jobs', request_id: '01HZX3J1Q2W3E4R5T6Y7U8I9O0' };
const RATE_HEADERS = {
  'X-RateLimit-Limit': { description: "The tenant's job quota per minute", schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Submissions left in this minute', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Unix second the window resets', schema: { type: 'integer' } },
};

/** Single background emails with a signed completion callback. */
@ApiTags('Jobs')
@ValidationStatus(400)
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @HttpCode(201)
  @ApiProblems(
    {
      status: 400,
      description: 'Missing `Idempotency-Key` (`idempotency_key_required`), or an invalid body (`validation_failed`, per-field `errors`)',
      example: { ...JOBS_PROBLEM, errors: { 'payload.to': ['to must be an email'], type: ['type must be one of: email'] } },
    },
    {
      status: 401,
      description: "No or bad credential, or `tenantId` is not the caller's tenant",
      example: { ...JOBS_PROBLEM, detail: 'The credential is not authorized for this tenant', message: 'The credential is not authorized for this tenant', reason: 'tenant_mismatch' },
    },
    {
      status: 409,
      description: 'The `Idempotency-Key` was used with another body (`idempotency_key_reused`), or its first request is still running',
      example: {
        ...JOBS_PROBLEM,
        type: 'urn:send-engine:problem:idempotency_key_reused',
        error: 'idempotency_key_reused',
        detail: 'This Idempotency-Key was used with a different request body',
        message: 'This Idempotency-Key was used with a different request body',
      },
    },
    {
      status: 429,
      description: "Over the tenant's job quota; `Retry-After` says when to try again",
      headers: { 'Retry-After': { schema: { type: 'integer' } }, ...RATE_HEADERS },
      example: JOBS_PROBLEM,
    },
  )
  @Authenticated({ role: 'editor', apiKey: true })
  @RateLimit('jobs', 'jobs_per_minute')
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'createJob',
    summary: 'Submit a background email job',
    description:
      'Queues one email to `payload.to`. `Idempotency-Key` is required: the same key and body within 24 h return the ' +
      'original 201 (`Idempotent-Replayed: true`), another body is 409. With `webhookUrl`, the engine POSTs ' +
      '`{jobId, status, attempts, payload, completedAt}` there when the job succeeds or fails, signed ' +
      '`X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the tenant\'s callback secret plus Standard ' +
      'Webhooks headers; a failed callback is retried 3 times (30 s, 60 s, 120 s), then dead-lettered in `/v1/dead-letters`. ' +
      'Every submission counts against the tenant\'s job quota (`jobs_per_minute`).',
  })
  @ApiBody({
    type: CreateJobDto,
    examples: {
      welcome: {
        summary: 'A welcome email with a completion callback',
        value: { tenantId: 'acme', type: 'email', payload: { to: 'ann@example.com', subject: 'Welcome to Acme', body: 'Hi Ann, thanks for signing up.' }, webhookUrl: 'https://client.app/webhooks/job' },
      },
    },
  })
  @ApiCreatedResponse({ type: JobCreatedResponse, headers: RATE_HEADERS, description: 'Queued' })
  create(@TenantId() tenantId: string, @Body() dto: CreateJobDto, @IdempotencyClaim() idempotency: PendingIdempotency | null): Promise<JobCreatedResponse> {
    return this.jobs.submit(tenantId, dto, idempotency);
  }

  @Get()
  @ApiProblems(
    { status: 400, description: 'Bad query', example: { ...JOBS_PROBLEM, errors: { status: ['status must be one of the following values: queued, running, retry, succeeded, fatal'] } } },
    { status: 401, description: 'No or bad credential', example: JOBS_PROBLEM },
  )
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listJobs', summary: 'List jobs', description: "The tenant's jobs, newest first, optionally by status (cursor pages)." })
  @ApiOkResponse({ type: JobPage })
  list(@TenantId() tenantId: string, @Query() query: ListJobsQueryDto): Promise<Page<JobResponse>> {
    return this.jobs.list(tenantId, query);
  }

  @Get(':jobId')
  @ApiProblems(
    { status: 401, description: 'No or bad credential', example: JOBS_PROBLEM },
    { status: 404, description: "No such job in the caller's tenant", example: { ...JOBS_PROBLEM, instance: '/jobs/job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f', detail: 'Job not found', message: 'Job not found' } },
  )
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({
    operationId: 'getJob',
    summary: 'Job state',
    description:
      '`queued` waiting, `running` being sent (with `failureReason: outcome_unknown` when a crash interrupted the provider ' +
      'call and an SES event has yet to say what happened), `retry` failed for now and due at `nextRunAt`, `succeeded`, `fatal`.',
  })
  @ApiParam({ name: 'jobId', example: 'job_01920c4e5a7b7c3d8e9f0a1b2c3d4e5f' })
  @ApiOkResponse({ type: JobResponse })
  get(@TenantId() tenantId: string, @Param('jobId') jobId: string): Promise<JobResponse> {
    return this.jobs.get(tenantId, jobId);
  }
}
