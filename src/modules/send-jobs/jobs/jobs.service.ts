import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../common/errors/app-error';
import { PendingIdempotency } from '../../../common/idempotency/pending-idempotency';
import { SafeHttpClient } from '../../../common/outbound/safe-http';
import { Page } from '../../../common/pagination/cursor';
import { CredentialsService } from '../../tenants/credentials.service';
import { TenantsService } from '../../tenants/tenants.service';
import { Job } from './job.entity';
import { rowIdOf, toJobId } from './job-id';
import { CreateJobDto, JobCreatedResponse, JobResponse, ListJobsQueryDto } from './jobs.dto';
import { JobsProducer } from './jobs.producer';
import { JobsRepository } from './jobs.repository';

export function toJobResponse(j: Job): JobResponse {
  return {
    jobId: toJobId(j.id),
    status: j.status,
    attempts: j.attempts,
    nextRunAt: j.nextRunAt?.toISOString() ?? null,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    failureReason: j.failureReason,
    callbackDeliveryId: j.callbackDeliveryId,
  };
}

/** Submitting and reading single jobs; running them is JobRunner's (workers). */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);
  /** Tenants known to have a callback secret: one can be rotated but never removed, so a yes never goes stale. */
  private readonly signed = new Set<string>();

  constructor(
    private readonly jobs: JobsRepository,
    private readonly producer: JobsProducer,
    private readonly tenants: TenantsService,
    private readonly credentials: CredentialsService,
    private readonly http: SafeHttpClient,
  ) {}

  /**
   * The row first, then the queue: should Redis be down, the reconciler adds the run once it is back. The row's
   * INSERT also stores the response under the request's Idempotency-Key (`idempotency`), so a replay finds it.
   */
  async submit(tenantId: string, dto: CreateJobDto, idempotency: PendingIdempotency | null = null): Promise<JobCreatedResponse> {
    await this.assertCallerTenant(tenantId, dto.tenantId);
    const webhookUrl = dto.webhookUrl ?? null;
    if (webhookUrl) await this.assertCallback(tenantId, webhookUrl);
    const { to, subject, body } = dto.payload;
    const job = { id: uuidv7(), tenantId, type: dto.type, payload: { to, subject, body }, webhookUrl, createdAt: new Date() };
    const response: JobCreatedResponse = { jobId: toJobId(job.id), status: 'queued', createdAt: job.createdAt.toISOString() };
    await this.jobs.insert(job, idempotency && { key: idempotency, body: response });
    if (idempotency) idempotency.stored = true;
    await this.producer.enqueueFirst({ id: job.id, tenantId, attempt: 1 }).catch((e: Error) => this.logger.warn(`job ${job.id} not enqueued: ${e.message}`));
    return response;
  }

  async get(tenantId: string, jobId: string): Promise<JobResponse> {
    const id = rowIdOf(jobId);
    const job = id ? await this.jobs.find(tenantId, id) : null;
    if (!job) throw AppError.notFound('Job');
    return toJobResponse(job);
  }

  list(tenantId: string, query: ListJobsQueryDto): Promise<Page<JobResponse>> {
    return this.jobs.list(tenantId, query.status, query, toJobResponse);
  }

  /** The body names the tenant (id or slug); naming another one is 401, as the API's contract says. */
  private async assertCallerTenant(callerTenantId: string, named: string): Promise<void> {
    if (named.toLowerCase() === callerTenantId) return;
    const tenant = await this.tenants.findByIdOrSlug(named);
    if (tenant?.id !== callerTenantId) {
      throw new AppError('unauthorized', 'The credential is not authorized for this tenant', { reason: 'tenant_mismatch' });
    }
  }

  /**
   * A callback URL must be callable (https unless WEBHOOK_ALLOW_HTTP, no literal private address) and the tenant
   * must have a callback secret: an unsigned callback could be forged by anyone who learns the URL.
   */
  private async assertCallback(tenantId: string, url: string): Promise<void> {
    const problem = this.http.urlProblem(url);
    if (problem) throw AppError.validation({ webhookUrl: [`webhookUrl ${problem}`] });
    if (this.signed.has(tenantId)) return;
    if (await this.credentials.callbackSecret(tenantId)) {
      this.signed.add(tenantId);
      return;
    }
    throw AppError.validation({
      webhookUrl: [`the tenant has no callback secret to sign callbacks with: an admin creates one with POST /api/tenants/${tenantId}/callback-secret`],
    });
  }
}
