import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Metrics } from '../../../common/metrics/metrics';
import { AppConfig } from '../../../config/app-config';
import { SuppressionList } from '../../subscribers/suppression-list.service';
import { TenantsService } from '../../tenants/tenants.service';
import { MailSendError, MailTransport, OutboundEmail } from '../mail/mail-transport';
import { messageRetryBackoffMs } from '../sending/message-retry-backoff';
import { SendRateLimiter, untilSlot } from '../sending/send-rate-limiter';
import { WorkerIdentity } from '../sending/worker-identity';
import { toJobId } from './job-id';
import { JobCompletion } from './job-completion';
import { JobRunPayload, JobsProducer } from './jobs.producer';
import { ClaimedJob, JobSettlement, JobsRepository } from './jobs.repository';

/** Tenant send settings are read once per tenant per this long per process. */
const TENANT_TTL_MS = 10_000;

interface SenderSettings {
  rate: number;
  from: string;
}

/** The settlement a provider failure leads to: permanent → fatal now; transient → retry until the last attempt. */
export function settlementOf(err: MailSendError, attempts: number, maxAttempts: number, random = Math.random()): JobSettlement {
  if (err.kind === 'recipient') return { status: 'fatal', reason: err.message };
  if (attempts >= maxAttempts) return { status: 'fatal', reason: `gave up after ${attempts} attempts: ${err.message}` };
  return { status: 'retry', reason: err.message, delayMs: messageRetryBackoffMs(attempts, random) };
}

/** The email of a job; the tags let SES events find the job (`message_id` is the row id). */
export function jobEmail(job: ClaimedJob, from: string): OutboundEmail {
  return {
    from,
    to: job.payload.to,
    subject: job.payload.subject,
    text: job.payload.body,
    headers: {},
    tags: { tenant_id: job.tenantId, job_id: toJobId(job.id), message_id: job.id },
    tracking: false,
  };
}

/**
 * One attempt of one job, the campaign way: take the tenant's send-rate slot, claim (so no other worker can send
 * it), check the suppression list, call the provider, and settle right after the call — so a crash leaves at
 * most the calls in flight undecided (`outcome_unknown`), never an email sent twice.
 */
@Injectable()
export class JobRunner {
  private readonly tenants = new Map<string, { value: SenderSettings; until: number }>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobsRepository,
    private readonly completion: JobCompletion,
    private readonly producer: JobsProducer,
    private readonly suppressions: SuppressionList,
    private readonly tenantsService: TenantsService,
    private readonly limiter: SendRateLimiter,
    private readonly transport: MailTransport,
    private readonly worker: WorkerIdentity,
    private readonly metrics: Metrics,
  ) {}

  async run({ id, tenantId }: JobRunPayload): Promise<string> {
    const sender = await this.sender(tenantId);
    const reservedAt = Date.now();
    const [wait] = await this.limiter.reserve(tenantId, sender.rate, 1);
    await untilSlot(reservedAt, wait);
    const job = await this.jobs.claim(id, this.worker.id);
    if (!job) return 'stale'; // already claimed, ended, or not due: a duplicate or early queue job
    let suppressed: boolean;
    try {
      suppressed = await this.suppressions.isSuppressed(job.tenantId, job.payload.to);
    } catch (e) {
      // Nothing reached the provider: settle as a transient failure now rather than leave the claim to turn unknown.
      return this.settle(job, settlementOf(new MailSendError('transient', `not sent: ${(e as Error).message}`), job.attempts, this.config.JOB_MAX_ATTEMPTS));
    }
    if (suppressed) return this.settle(job, { status: 'fatal', reason: 'suppressed' });
    let settlement: JobSettlement;
    try {
      const sent = await this.transport.send(jobEmail(job, sender.from));
      settlement = { status: 'succeeded', providerMessageId: sent.providerMessageId };
    } catch (e) {
      const err = e instanceof MailSendError ? e : new MailSendError('transient', String(e));
      settlement = settlementOf(err, job.attempts, this.config.JOB_MAX_ATTEMPTS);
    }
    return this.settle(job, settlement);
  }

  private async settle(job: ClaimedJob, s: JobSettlement): Promise<string> {
    const callback = await this.db.transaction(async (manager) => {
      const ended = await this.jobs.settle(manager, job.id, this.worker.id, s);
      return ended ? this.completion.ended(manager, ended) : null;
    });
    if (s.status === 'retry') {
      // Should Redis refuse, the row is due at next_run_at and the reconciler adds the run.
      await this.producer.enqueue({ id: job.id, tenantId: job.tenantId, attempt: job.attempts + 1, delayMs: s.delayMs }).catch(() => undefined);
    }
    await this.completion.enqueue([callback]);
    this.metrics.emails.inc({ outcome: s.status === 'succeeded' ? 'sent' : s.status === 'retry' ? 'retry_transient' : 'failed' });
    return s.status;
  }

  private async sender(tenantId: string): Promise<SenderSettings> {
    const hit = this.tenants.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.value;
    const settings = (await this.tenantsService.require(tenantId)).settings;
    const value = { rate: settings.send_rate_per_second ?? this.config.SEND_RATE_PER_SECOND, from: settings.from_address ?? this.config.MAIL_FROM };
    this.tenants.set(tenantId, { value, until: Date.now() + TENANT_TTL_MS });
    return value;
  }
}
