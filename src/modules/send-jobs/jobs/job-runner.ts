import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Batcher } from '../../../common/batching/batcher';
import { Metrics } from '../../../common/metrics/metrics';
import { AppConfig } from '../../../config/app-config';
import { normalizeEmail } from '../../subscribers/subscriber-status';
import { SuppressionList } from '../../subscribers/suppression-list.service';
import { TenantsService } from '../../tenants/tenants.service';
import { MailSendError, MailTransport, OutboundEmail } from '../mail/mail-transport';
import { messageRetryBackoffMs } from '../sending/message-retry-backoff';
import { SendRateLimiter, untilSlot } from '../sending/send-rate-limiter';
import { WorkerIdentity } from '../sending/worker-identity';
import { CallbackFirstAttempts } from './callback-first-attempts';
import { toJobId } from './job-id';
import { JobCompletion } from './job-completion';
import { JobRunPayload, JobsProducer } from './jobs.producer';
import { ClaimedJob, EndedJob, JobSettlement, JobsRepository } from './jobs.repository';

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

/** A claimed job and its suppression verdict (an Error when the check failed: then nothing is sent). */
interface Claim {
  job: ClaimedJob;
  suppressed: boolean | Error;
}

interface Settled {
  job: ClaimedJob;
  settlement: JobSettlement;
}

/**
 * One claim and one settle flush in flight, each lingering 2 ms so the runs of a few event-loop turns share it:
 * fewer, larger statements (on loopback each round trip's socket write is a large share of the worker's CPU).
 */
const BATCH = { maxBatch: 64, maxConcurrent: 1, lingerMs: 2 };

/** Claim answers per queue run of a batch: the first run of an id gets its claim, a duplicate run is stale. */
export function claimsOf(ids: string[], claimed: ClaimedJob[], suppressed: Set<string> | Error): (Claim | null)[] {
  const byId = new Map(claimed.map((job) => [job.id, job]));
  return ids.map((id) => {
    const job = byId.get(id);
    if (!job) return null;
    byId.delete(id);
    return { job, suppressed: suppressed instanceof Error ? suppressed : suppressed.has(job.id) };
  });
}

/**
 * One attempt of one job, the campaign way: take the tenant's send-rate slot, claim (so no other worker can send
 * it), check the suppression list, call the provider, and settle right after the call — so a crash leaves at
 * most the calls in flight undecided (`outcome_unknown`), never an email sent twice. The runs in flight share
 * their statements: the claims (with the suppression check) of one event-loop turn are one UPDATE and one SELECT,
 * and their settlements one transaction (settle, engine events, callback deliveries).
 */
@Injectable()
export class JobRunner {
  private readonly tenants = new Map<string, { value: SenderSettings; until: number }>();
  private readonly claims = new Batcher((ids: string[]) => this.claimMany(ids), BATCH);
  private readonly settles = new Batcher((items: Settled[]) => this.settleMany(items), BATCH);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobsRepository,
    private readonly completion: JobCompletion,
    private readonly callbacks: CallbackFirstAttempts,
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
    const claim = await this.claims.run(id);
    if (!claim) return 'stale'; // already claimed, ended, or not due: a duplicate or early queue job
    const { job, suppressed } = claim;
    if (suppressed instanceof Error) {
      // Nothing reached the provider: settle as a transient failure now rather than leave the claim to turn unknown.
      return this.settle(job, settlementOf(new MailSendError('transient', `not sent: ${suppressed.message}`), job.attempts, this.config.JOB_MAX_ATTEMPTS));
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

  private async settle(job: ClaimedJob, settlement: JobSettlement): Promise<string> {
    await this.settles.run({ job, settlement });
    const s = settlement.status;
    this.metrics.emails.inc({ outcome: s === 'succeeded' ? 'sent' : s === 'retry' ? 'retry_transient' : 'failed' });
    return s;
  }

  /** The claim UPDATE commits on its own; a failed suppression check after it is each claim's verdict, not a throw. */
  private async claimMany(ids: string[]): Promise<(Claim | null)[]> {
    const claimed = await this.jobs.claimMany(ids, this.worker.id);
    return claimsOf(ids, claimed, await this.suppressedAmong(claimed).catch((e: Error) => e));
  }

  /** Ids of the jobs whose address is suppressed: one query per tenant in the batch. */
  private async suppressedAmong(jobs: ClaimedJob[]): Promise<Set<string>> {
    const byTenant = new Map<string, ClaimedJob[]>();
    for (const job of jobs) byTenant.set(job.tenantId, [...(byTenant.get(job.tenantId) ?? []), job]);
    const suppressed = new Set<string>();
    await Promise.all(
      [...byTenant].map(async ([tenantId, list]) => {
        const addresses = await this.suppressions.suppressedAmong(tenantId, list.map((j) => j.payload.to));
        for (const job of list) if (addresses.has(normalizeEmail(job.payload.to))) suppressed.add(job.id);
      }),
    );
    return suppressed;
  }

  /**
   * One transaction for a batch of settlements; then the retries' next runs are added (should Redis refuse, the
   * rows are due and the reconciler adds them) and the callbacks' first attempts start in this process. A failed batch is retried job by
   * job by the Batcher, and a settle that already applied changes nothing the second time.
   */
  private async settleMany(items: Settled[]): Promise<void[]> {
    const delays = new Map(items.flatMap(({ job, settlement: s }) => (s.status === 'retry' ? [[job.id, s.delayMs] as const] : [])));
    const { retried, callbacks } = await this.db.transaction(async (manager) => {
      // Callback delivery ids chosen up front, so the settle UPDATE links them (no second UPDATE of the rows).
      const rows = await this.jobs.settleMany(manager, this.worker.id, items.map(({ job, settlement }) => ({ id: job.id, settlement, callbackId: uuidv7() })));
      const ended = rows.filter((r): r is EndedJob => r.status !== 'retry');
      return { retried: rows.filter((r) => r.status === 'retry'), callbacks: await this.completion.endedMany(manager, ended, true) };
    });
    if (retried.length) {
      await this.producer
        .enqueueMany(retried.map((r) => ({ id: r.id, tenantId: r.tenantId, attempt: r.attempts + 1, delayMs: delays.get(r.id) })))
        .catch(() => undefined);
    }
    await this.callbacks.start(callbacks);
    return items.map(() => undefined);
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
