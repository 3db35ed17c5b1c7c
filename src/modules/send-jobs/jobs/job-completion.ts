import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../../config/app-config';
import { OneOffDeliveries } from '../../deliveries/one-off-deliveries';
import { CredentialsService } from '../../tenants/credentials.service';
import { EngineEvents } from '../../webhooks/engine-events';
import { toJobId } from './job-id';
import { EndedJob, JobsRepository } from './jobs.repository';

/** Callback secrets are read once per tenant per this long per process (a new secret applies within it). */
const SECRET_TTL_MS = 10_000;

/** The callback body: the same bytes are signed and sent. */
export function callbackBody(job: EndedJob): Record<string, unknown> {
  return {
    jobId: toJobId(job.id),
    status: job.status,
    attempts: job.attempts,
    payload: job.payload,
    completedAt: new Date(job.completedAt).toISOString(),
  };
}

/**
 * The link writes an ending still needs: jobs whose row does not yet name the callback delivery they got (none
 * when the worker's settle linked it already), and a settle's link to a callback that was not created (no secret).
 */
export function callbackLinks(jobs: Pick<EndedJob, 'id' | 'callbackDeliveryId'>[], deliveryOf: Map<string, string>): { id: string; deliveryId: string | null }[] {
  return jobs.flatMap((job) => {
    const deliveryId = deliveryOf.get(job.id) ?? null;
    return deliveryId === job.callbackDeliveryId ? [] : [{ id: job.id, deliveryId }];
  });
}

/**
 * What happens when a job ends, in the transaction that ended it: the `job.succeeded` / `job.failed` engine
 * event and, when the job has a `webhookUrl`, its callback as a one-off delivery signed with the tenant's
 * callback secret and retried on JOB_CALLBACK_RETRY_SCHEDULE_SECONDS. Whoever ends a job (worker, SES event,
 * unknown timeout) calls this once: the ending UPDATE is conditional, so only one caller gets the row.
 */
@Injectable()
export class JobCompletion {
  private readonly logger = new Logger(JobCompletion.name);
  private readonly secrets = new Map<string, { value: string | null; until: number }>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly credentials: CredentialsService,
    private readonly deliveries: OneOffDeliveries,
    private readonly events: EngineEvents,
  ) {}

  /** Returns the callback delivery's id (enqueue it after the commit), or null when there is none. */
  async ended(manager: EntityManager, job: EndedJob): Promise<string | null> {
    const [id] = await this.endedMany(manager, [job]);
    return id;
  }

  /**
   * `ended` for a batch in one transaction, a statement per kind of row (events, callbacks, links) whatever the
   * batch's size. The callback delivery ids, one per job (null: none), to enqueue after the commit — or, with
   * `attemptedByCaller`, to hand to CallbackFirstAttempts (the worker's own first attempt).
   */
  async endedMany(manager: EntityManager, jobs: EndedJob[], attemptedByCaller = false): Promise<(string | null)[]> {
    if (!jobs.length) return [];
    await this.events.publishMany(
      jobs.map((job) => ({
        tenantId: job.tenantId,
        type: job.status === 'succeeded' ? 'job.succeeded' : 'job.failed',
        data: { job_id: toJobId(job.id), status: job.status, attempts: job.attempts, failure_reason: job.failureReason, completed_at: new Date(job.completedAt).toISOString() },
      })),
      manager,
    );
    const callbacks: { job: EndedJob; secret: string }[] = [];
    for (const job of jobs) {
      if (!job.webhookUrl) continue;
      const secret = await this.callbackSecret(job.tenantId, manager);
      // Submit refuses a webhookUrl without a secret, and a secret can be rotated but not removed.
      if (secret) callbacks.push({ job, secret });
      else this.logger.error(`job ${job.id}: tenant ${job.tenantId} has no callback secret; callback not sent`);
    }
    // A job the worker's settle linked already keeps that id; others (SES event, unknown timeout) get one here.
    const ids = callbacks.map(({ job }) => job.callbackDeliveryId ?? uuidv7());
    await this.deliveries.createMany(
      manager,
      callbacks.map(({ job, secret }, i) => ({
        id: ids[i],
        tenantId: job.tenantId,
        url: job.webhookUrl as string,
        secret,
        body: callbackBody(job),
        retrySchedule: this.config.JOB_CALLBACK_RETRY_SCHEDULE_SECONDS,
        attemptedByCaller,
      })),
    );
    const byJob = new Map(callbacks.map(({ job }, i) => [job.id, ids[i]]));
    await this.jobs.setCallbacks(manager, callbackLinks(jobs, byJob));
    return jobs.map((job) => byJob.get(job.id) ?? null);
  }

  /** Sends the first attempts of committed callbacks. */
  enqueue(deliveryIds: (string | null)[]): Promise<void> {
    return this.deliveries.enqueue(deliveryIds.filter((id): id is string => id !== null));
  }

  /** Read through the ending transaction: a second pool connection taken while holding one can deadlock the pool. */
  private async callbackSecret(tenantId: string, manager: EntityManager): Promise<string | null> {
    const hit = this.secrets.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await this.credentials.callbackSecret(tenantId, manager);
    this.secrets.set(tenantId, { value, until: Date.now() + SECRET_TTL_MS });
    return value;
  }
}
