import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authenticated, TenantId } from '../../../common/auth/auth.decorators';
import { ValidationStatus } from '../../../common/errors/validation-status.decorator';
import { Idempotent } from '../../../common/idempotency/idempotent.decorator';
import { Page } from '../../../common/pagination/cursor';
import { RateLimit } from '../../../common/rate-limit/rate-limit.guard';
import { CreateJobDto, JobCreatedResponse, JobPage, JobResponse, ListJobsQueryDto } from './jobs.dto';
import { JobsService } from './jobs.service';

/** A problem+json response whose example is a body the filter writes. */
const problem = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => ({
  content: {
    'application/problem+json': {
      schema: { $ref: '#/components/schemas/ErrorResponse' },
      example: { type: `urn:send-engine:problem:${error}`, status, error, message, instance: '/jobs', request_id: '01HZX3J1Q2W3E4R5T6Y7U8I9O0', ...extra },
    },
  },
});

const UNAUTHORIZED = problem(401, 'unauthorized', 'The credential is not authorized for this tenant', { reason: 'tenant_mismatch' });
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
  @ApiCreatedResponse({ type: JobCreatedResponse, headers: RATE_HEADERS, description: 'Queued' })
  @ApiBadRequestResponse({
    description: 'Missing `Idempotency-Key` (`idempotency_key_required`), or an invalid body (`validation_failed`, per-field `errors`)',
    ...problem(400, 'validation_failed', 'The request is invalid', { errors: { 'payload.to': ['to must be an email'], type: ['type must be one of: email'] } }),
  })
  @ApiUnauthorizedResponse({ description: 'No or bad credential, or `tenantId` is not the caller\'s tenant', ...UNAUTHORIZED })
  @ApiConflictResponse({
    description: 'The `Idempotency-Key` was used with another body (`idempotency_key_reused`), or its first request is still running',
    ...problem(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body'),
  })
  @ApiTooManyRequestsResponse({
    description: "Over the tenant's job quota; `Retry-After` says when to try again",
    headers: { 'Retry-After': { schema: { type: 'integer' } }, ...RATE_HEADERS },
    ...problem(429, 'rate_limited', 'Rate limit exceeded for this tenant'),
  })
  create(@TenantId() tenantId: string, @Body() dto: CreateJobDto): Promise<JobCreatedResponse> {
    return this.jobs.submit(tenantId, dto);
  }

  @Get()
  @Authenticated({ role: 'viewer', apiKey: true })
  @ApiOperation({ operationId: 'listJobs', summary: 'List jobs', description: "The tenant's jobs, newest first, optionally by status (cursor pages)." })
  @ApiOkResponse({ type: JobPage })
  @ApiBadRequestResponse({ description: 'Bad query', ...problem(400, 'validation_failed', 'The request is invalid', { errors: { status: ['status must be one of the following values: queued, running, retry, succeeded, fatal'] } }) })
  @ApiUnauthorizedResponse({ description: 'No or bad credential', ...problem(401, 'unauthorized', 'Authentication required', { reason: 'missing_token' }) })
  list(@TenantId() tenantId: string, @Query() query: ListJobsQueryDto): Promise<Page<JobResponse>> {
    return this.jobs.list(tenantId, query);
  }

  @Get(':jobId')
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
  @ApiUnauthorizedResponse({ description: 'No or bad credential', ...problem(401, 'unauthorized', 'Authentication required', { reason: 'missing_token' }) })
  @ApiNotFoundResponse({ description: "No such job in the caller's tenant", ...problem(404, 'not_found', 'Job not found') })
  get(@TenantId() tenantId: string, @Param('jobId') jobId: string): Promise<JobResponse> {
    return this.jobs.get(tenantId, jobId);
  }
}
