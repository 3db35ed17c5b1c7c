import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Principal } from '../../common/auth/principal';
import { assertOwnTenant } from '../../common/auth/tenant-scope';
import { AppError } from '../../common/errors/app-error';
import { Page, paginate } from '../../common/pagination/cursor';
import { SubscribersService } from '../subscribers/subscribers.service';
import { EngineEvents } from '../webhooks/engine-events';
import { SendJob } from './send-job.entity';
import { SendJobMessagesRepository } from './send-job-messages.repository';
import { sendJobRuleErrors, startTime } from './send-job-rules';
import { sendJobView } from './send-job.view';
import {
  CreateSendJobDto,
  CreateSendJobResponse,
  ListMessagesQueryDto,
  ListSendJobsQueryDto,
  ResendUnknownResponse,
  SendJobMessagePage,
  SendJobResponse,
  SendJobStatusResponse,
} from './send-jobs.dto';
import { SendJobsProducer } from './send-jobs.producer';
import { SendJobsRepository } from './send-jobs.repository';

/** How long a cancel waits for provider calls already in flight (claimed before it) to settle. */
const CANCEL_DRAIN_MS = 10_000;

/** The send-jobs API: create, read, cancel, resend-unknown. Sending itself happens in the worker. */
@Injectable()
export class SendJobsService {
  constructor(
    private readonly jobs: SendJobsRepository,
    @InjectDataSource() private readonly db: DataSource,
    private readonly messages: SendJobMessagesRepository,
    private readonly producer: SendJobsProducer,
    private readonly events: EngineEvents,
    private readonly subscribers: SubscribersService,
  ) {}

  async create(principal: Principal, tenantId: string, dto: CreateSendJobDto): Promise<CreateSendJobResponse> {
    assertOwnTenant(principal, dto.tenant_id);
    const errors = sendJobRuleErrors(dto);
    if (!errors.list_id && !(await this.subscribers.listExists(tenantId, dto.list_id))) errors.list_id = ['no such list in this tenant'];
    if (Object.keys(errors).length) throw AppError.validation(errors);
    const id = uuidv7();
    const job = await this.jobs.insert({
      id,
      tenantId,
      listId: dto.list_id.toLowerCase(),
      campaignId: dto.campaign_id ?? id,
      name: dto.name ?? null,
      subject: dto.subject,
      bodyHtml: dto.body_html ?? null,
      bodyText: dto.body_text ?? null,
      template: dto.template ?? null,
      tracking: { ...dto.tracking },
      scheduledAt: dto.scheduled_at ? new Date(dto.scheduled_at) : null,
      windowStart: dto.window_start ? new Date(dto.window_start) : null,
      windowEnd: dto.window_end ? new Date(dto.window_end) : null,
      startAt: startTime(new Date(), dto),
      status: 'pending',
    });
    // Fast path only: the scheduler starts due jobs from Postgres even when this enqueue is lost.
    await this.producer.enqueueStart(id, job.startAt).catch(() => undefined);
    return { send_job_id: id, sendJobId: id, status: job.status };
  }

  async get(tenantId: string, id: string): Promise<SendJobResponse> {
    const job = await this.find(tenantId, id);
    return sendJobView(job, await this.messages.counts(id));
  }

  list(tenantId: string, query: ListSendJobsQueryDto): Promise<Page<SendJobResponse>> {
    return paginate(this.jobs.listQuery(tenantId, query.status), query, (j) => sendJobView(j));
  }

  /** Messages of the job in one status (e.g. `unknown`, to decide on resend-unknown). */
  async listMessages(tenantId: string, id: string, query: ListMessagesQueryDto): Promise<SendJobMessagePage> {
    await this.find(tenantId, id);
    const limit = query.limit ?? 25;
    const rows = await this.messages.list(id, query.status ?? 'unknown', query.after, limit + 1);
    const page = rows.slice(0, limit);
    return { data: page, next_after: rows.length > limit ? page[page.length - 1].id : null };
  }

  /**
   * Cancels a pending or running job. The status change waits for claims in progress (they read the job row
   * FOR SHARE), so no claim happens after it; then the answer waits for messages already claimed to leave
   * `sending`: once this returns, no further email of the job reaches the provider.
   */
  async cancel(tenantId: string, id: string): Promise<SendJobStatusResponse> {
    const changed = await this.db.transaction(async (manager) => {
      const cancelled = await this.jobs.cancel(manager, tenantId, id);
      if (cancelled) await this.events.publish({ tenantId, type: 'send_job.cancelled', data: { send_job_id: id } }, manager);
      return cancelled;
    });
    if (!changed) {
      const job = await this.find(tenantId, id);
      if (job.status !== 'cancelled') {
        throw new AppError('conflict', `A ${job.status} send job cannot be cancelled`, { reason: `send_job_${job.status}` });
      }
    }
    await this.drain(id);
    return { id, status: 'cancelled' };
  }

  /** Unknown messages go back to pending and the job runs again for them (the operator accepts the risk). */
  async resendUnknown(tenantId: string, id: string): Promise<ResendUnknownResponse> {
    await this.find(tenantId, id);
    const requeued = await this.db.transaction(async (manager) => {
      if (!(await this.jobs.reopen(manager, tenantId, id))) throw new AppError('conflict', 'Only a running or completed send job can resend unknown messages');
      return this.messages.requeueUnknown(manager, id);
    });
    await this.producer.enqueueRun(id).catch(() => undefined);
    return { id, status: 'running', requeued };
  }

  private async drain(id: string): Promise<void> {
    const until = Date.now() + CANCEL_DRAIN_MS;
    while ((await this.messages.inFlight(id)) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  private async find(tenantId: string, id: string): Promise<SendJob> {
    const job = await this.jobs.findInTenant(tenantId, id);
    if (!job) throw AppError.notFound('Send job');
    return job;
  }
}
