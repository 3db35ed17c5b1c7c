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
import { retryWhileDatabaseUnavailable } from '../../../common/errors/database-unavailable';

/** A run job sends for this long, then yields its Bull slot (fairness across jobs); the scheduler re-adds it. */
const RUN_BUDGET_MS = 60_000;
/** Parallel provider calls per run job when the rate is unlimited. */
export const MAX_LANES = 16;
/** Lanes per run job under a rate limit (each reserves its slot first; 200/s → 40). */
const MAX_RATED_LANES = 64;
/**
 * Messages reserved per claim statement. A reservation is not a send: each message turns `sending` only in the
 * statement right before its provider call, so a crash turns only calls in flight `unknown` (one per lane) and
 * the rest of a batch goes back to others. One message per claim cost a heavy claim statement per email (0.35×).
 */
const UNLIMITED_BATCH = 8;
/**
 * Messages (and rate slots) one claim reserves. Rate-limited: a few consecutive slots, waited for one by one, so
 * fewer claim round trips at high rates while at most `size - 1` reserved messages wait a few slot intervals.
 */
export function reservationSize(ratePerSecond: number): number {
  return ratePerSecond > 0 ? Math.min(UNLIMITED_BATCH, Math.max(1, Math.floor(ratePerSecond / 50))) : UNLIMITED_BATCH;
}
/** How long a known outcome's write waits out a Postgres outage; below the scheduler's stale-claim timeout. */
export const OUTCOME_WRITE_RETRY_MS = 60_000;
/** Transient failures (throttling, 5xx) of one message before it is failed for good. */
const MAX_TRANSIENT_ATTEMPTS = 10;

type LaneOutcome = 'continue' | 'stop';
/** A provider's acceptance not yet written (it rides on the next `begin`). */
type Accepted = { id: string; providerMessageId: string };

/** Writes an outcome only this process knows, waiting out a Postgres restart (not left to the stale sweep). */
const persist = <T>(write: () => Promise<T>) => retryWhileDatabaseUnavailable(write, OUTCOME_WRITE_RETRY_MS);

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
    const size = reservationSize(rate);
    let after: string | null = null; // keyset position: this lane's claims walk forward from its last one
    while (Date.now() < deadline) {
      const reservedAt = Date.now();
      const slots = await this.limiter.reserve(job.tenantId, rate, size);
      await untilSlot(reservedAt, slots[0]);
      let claimed = await this.messages.reserve(job.id, job.listId, job.tenantId, size, this.worker.id, after);
      // Nothing ahead: look once from the start for messages put back behind the position (retries, released claims).
      if (!claimed.lastId && after) claimed = await this.messages.reserve(job.id, job.listId, job.tenantId, size, this.worker.id);
      if (!claimed.lastId) return;
      after = claimed.lastId;
      if ((await this.sendBatch(job, claimed.messages, from, reservedAt, slots)) === 'stop') return;
    }
  }

  /**
   * Sends reserved messages one by one, each at its rate slot. An accepted answer is written together with the
   * next message's `begin`, the batch's last one on its own. A batch's slots are consecutive, so an answer waits
   * at most one slot interval for its write (batches of more than one only at ≥ 100/s: ≤ 10 ms).
   */
  private async sendBatch(job: SendJob, batch: ClaimedMessage[], from: SenderOptions, reservedAt: number, slots: number[]): Promise<LaneOutcome> {
    let sent: Accepted | null = null; // an answer whose write rides on the next begin
    try {
      for (const [i, msg] of batch.entries()) {
        await untilSlot(reservedAt, slots[i]);
        const carried: Accepted | null = sent;
        const attempts = await persist(() => this.messages.begin(job.id, msg.id, this.worker.id, carried));
        if (carried) this.metrics.emails.inc({ outcome: 'sent' });
        sent = null;
        if (attempts === null) {
          // the job stopped (cancel, window end) or the reservation was taken over: give the rest back
          await this.release(batch.slice(i + 1));
          return 'continue';
        }
        const outcome = await this.sendOne(job, { ...msg, attempts }, from);
        if (outcome === 'stop') {
          // The rest of the batch never reached the provider: release it for after the backoff.
          await this.release(batch.slice(i + 1), messageRetryBackoffMs(1), 'not sent: account stopped');
          return 'stop';
        }
        if (outcome !== 'continue') sent = outcome;
      }
    } finally {
      const last = sent as Accepted | null;
      if (last) await this.recordSent(last);
    }
    return 'continue';
  }

  private release(rest: ClaimedMessage[], delayMs = 0, reason: string | null = null): Promise<void> {
    return persist(() => this.messages.release(rest.map((m) => m.id), this.worker.id, delayMs, reason));
  }

  private async recordSent(s: Accepted): Promise<void> {
    await persist(() => this.messages.markSent(s.id, this.worker.id, s.providerMessageId));
    this.metrics.emails.inc({ outcome: 'sent' });
  }

  /**
   * One provider call of a message already `sending`. A failure is written right away; an acceptance is answered
   * for the caller to write with its next statement, so at most the calls in flight are ever unknown.
   */
  private async sendOne(job: SendJob, msg: ClaimedMessage, o: SenderOptions): Promise<LaneOutcome | Accepted> {
    const token = signUnsubscribeToken(this.tokenKey, { tenantId: job.tenantId, listId: job.listId, subscriberId: msg.subscriberId, sendJobId: job.id });
    const email = composeEmail(job, msg, { ...o, publicBaseUrl: this.config.PUBLIC_BASE_URL, unsubscribeToken: token });
    let providerMessageId: string;
    try {
      providerMessageId = (await this.transport.send(email)).providerMessageId;
    } catch (e) {
      return this.settleFailure(job, msg, e instanceof MailSendError ? e : new MailSendError('transient', String(e)));
    }
    return { id: msg.id, providerMessageId };
  }

  private async settleFailure(job: SendJob, msg: ClaimedMessage, err: MailSendError): Promise<LaneOutcome> {
    const attempts = msg.attempts ?? 1;
    if (err.kind === 'recipient') {
      await persist(() => this.messages.markFailed(msg.id, this.worker.id, err.message));
      this.metrics.emails.inc({ outcome: 'failed' });
      return 'continue';
    }
    if (err.kind === 'transient' && attempts >= MAX_TRANSIENT_ATTEMPTS) {
      await persist(() => this.messages.markFailed(msg.id, this.worker.id, `gave up after ${attempts} attempts: ${err.message}`));
      this.metrics.emails.inc({ outcome: 'failed' });
      return 'continue';
    }
    await persist(() => this.messages.retryLater(msg.id, this.worker.id, messageRetryBackoffMs(attempts), err.message));
    this.metrics.emails.inc({ outcome: `retry_${err.kind}` });
    if (err.kind === 'account') {
      this.logger.warn(`send job ${job.id}: provider stopped the account: ${err.message}`);
      await this.lifecycle.recordAccountStop(job.id, err.message);
      return 'stop'; // the whole account is refused: this lane stops; the scheduler retries after the backoff
    }
    return 'continue';
  }
}
