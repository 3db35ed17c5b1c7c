import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { TenantsService } from '../../tenants/tenants.service';
import { MailSendError, MailTransport } from '../mail/mail-transport';
import { SendJob } from '../send-job.entity';
import { SendJobsRepository } from '../send-jobs.repository';
import { ClaimedMessage, SendJobMessagesRepository } from '../send-job-messages.repository';
import { signUnsubscribeToken, unsubscribeKey } from '../unsubscribe/unsubscribe-token';
import { textTemplate } from '../content/render';
import { composeEmail } from './compose-email';
import { messageRetryBackoffMs } from './message-retry-backoff';
import { SendJobLifecycle } from './send-job-lifecycle';
import { SendRateLimiter, untilSlot } from './send-rate-limiter';
import { WorkerIdentity } from './worker-identity';
import { Metrics } from '../../../common/metrics/metrics';

/** A run job sends for this long, then yields its Bull slot (fairness across jobs); the scheduler re-adds it. */
const RUN_BUDGET_MS = 60_000;
/** Parallel provider calls per run job when the rate is unlimited. */
export const MAX_LANES = 16;
/** Lanes per run job under a rate limit (each reserves its slot first; 200/s → 40). */
const MAX_RATED_LANES = 64;
/** Messages claimed per claim when unlimited: small, since a crash turns at most the in-flight ones unknown. */
const UNLIMITED_BATCH = 4;
/** Transient failures (throttling, 5xx) of one message before it is failed for good. */
const MAX_TRANSIENT_ATTEMPTS = 10;

type LaneOutcome = 'continue' | 'stop';

/** Per-job values computed once per run, not per recipient. */
interface SenderOptions {
  from: string;
  text?: string;
}

/** Claims and sends a running job's messages: rate slot → claim → provider call → result, per lane. */
@Injectable()
export class SendJobRunner {
  private readonly logger = new Logger(SendJobRunner.name);
  private readonly tokenKey: Buffer;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly jobs: SendJobsRepository,
    private readonly tenants: TenantsService,
    private readonly messages: SendJobMessagesRepository,
    private readonly lifecycle: SendJobLifecycle,
    private readonly limiter: SendRateLimiter,
    private readonly transport: MailTransport,
    private readonly worker: WorkerIdentity,
    private readonly metrics: Metrics,
  ) {
    this.tokenKey = unsubscribeKey(config.encryptionKey);
  }

  async run(sendJobId: string): Promise<void> {
    const job = await this.jobs.findById(sendJobId);
    if (!job || job.status !== 'running') return;
    const settings = await this.tenants.settingsOf(job.tenantId);
    const rate = settings.send_rate_per_second ?? this.config.SEND_RATE_PER_SECOND;
    const from = settings.from_address ?? this.config.MAIL_FROM;
    // Rate-limited lanes wait for their slot before claiming, so extra lanes hold no messages; enough of them
    // reach the rate even when a claim + call + write cycle takes ~200 ms on a busy machine.
    const lanes = rate > 0 ? Math.min(MAX_RATED_LANES, Math.max(1, Math.ceil(rate / 5))) : MAX_LANES;
    const deadline = Date.now() + RUN_BUDGET_MS;
    const text = textTemplate(job);
    await Promise.all(Array.from({ length: lanes }, () => this.lane(job, rate, { from, text }, deadline)));
  }

  private async lane(job: SendJob, rate: number, from: SenderOptions, deadline: number): Promise<void> {
    // Rate-limited: reserve a few consecutive slots, wait for the first, claim that many, send each at its slot.
    // Fewer claim round trips at high rates; at most `size - 1` claimed messages wait a few slot intervals.
    const size = rate > 0 ? Math.min(UNLIMITED_BATCH, Math.max(1, Math.floor(rate / 50))) : UNLIMITED_BATCH;
    let after: string | null = null; // keyset position: this lane's claims walk forward from its last one
    while (Date.now() < deadline) {
      const reservedAt = Date.now();
      const slots = await this.limiter.reserve(job.tenantId, rate, size);
      await untilSlot(reservedAt, slots[0]);
      let claimed = await this.messages.claim(job.id, job.listId, job.tenantId, size, this.worker.id, after);
      // Nothing ahead: look once from the start for messages put back behind the position (retries, released claims).
      if (!claimed.lastId && after) claimed = await this.messages.claim(job.id, job.listId, job.tenantId, size, this.worker.id);
      if (!claimed.lastId) return;
      after = claimed.lastId;
      const batch = claimed.messages;
      for (const [i, msg] of batch.entries()) {
        await untilSlot(reservedAt, slots[i]);
        if ((await this.sendOne(job, msg, from)) === 'stop') {
          // The rest of the batch never reached the provider: release it for after the backoff.
          for (const rest of batch.slice(i + 1)) await this.messages.retryLater(rest.id, this.worker.id, messageRetryBackoffMs(1), 'not sent: account stopped');
          return;
        }
      }
    }
  }

  /** One provider call; its outcome is written right after it, so at most the calls in flight are ever unknown. */
  private async sendOne(job: SendJob, msg: ClaimedMessage, o: SenderOptions): Promise<LaneOutcome> {
    const token = signUnsubscribeToken(this.tokenKey, { tenantId: job.tenantId, listId: job.listId, subscriberId: msg.subscriberId, sendJobId: job.id });
    const email = composeEmail(job, msg, { ...o, publicBaseUrl: this.config.PUBLIC_BASE_URL, unsubscribeToken: token });
    let providerMessageId: string;
    try {
      providerMessageId = (await this.transport.send(email)).providerMessageId;
    } catch (e) {
      return this.settleFailure(job, msg, e instanceof MailSendError ? e : new MailSendError('transient', String(e)));
    }
    await this.messages.markSent(msg.id, this.worker.id, providerMessageId);
    this.metrics.emails.inc({ outcome: 'sent' });
    return 'continue';
  }

  private async settleFailure(job: SendJob, msg: ClaimedMessage, err: MailSendError): Promise<LaneOutcome> {
    const attempts = msg.attempts ?? 1;
    if (err.kind === 'recipient') {
      await this.messages.markFailed(msg.id, this.worker.id, err.message);
      this.metrics.emails.inc({ outcome: 'failed' });
      return 'continue';
    }
    if (err.kind === 'transient' && attempts >= MAX_TRANSIENT_ATTEMPTS) {
      await this.messages.markFailed(msg.id, this.worker.id, `gave up after ${attempts} attempts: ${err.message}`);
      this.metrics.emails.inc({ outcome: 'failed' });
      return 'continue';
    }
    await this.messages.retryLater(msg.id, this.worker.id, messageRetryBackoffMs(attempts), err.message);
    this.metrics.emails.inc({ outcome: `retry_${err.kind}` });
    if (err.kind === 'account') {
      this.logger.warn(`send job ${job.id}: provider stopped the account: ${err.message}`);
      await this.lifecycle.recordAccountStop(job.id, err.message);
      return 'stop'; // the whole account is refused: this lane stops; the scheduler retries after the backoff
    }
    return 'continue';
  }
}
