import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EngineEvents, EngineEventType } from '../../webhooks/engine-events';
import { SendJobMessagesRepository } from '../send-job-messages.repository';
import { SendJobRef, SendJobsRepository } from '../send-jobs.repository';

/** Account-level provider stops (sending paused, suspended) tolerated before the job fails. */
export const ACCOUNT_STOP_LIMIT = 5;

/**
 * Job-level transitions. Each is one conditional UPDATE … RETURNING (SendJobsRepository), so schedulers in
 * several workers may run them concurrently: exactly one wins each transition and publishes its event in the
 * same transaction.
 */
@Injectable()
export class SendJobLifecycle {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: SendJobsRepository,
    private readonly messages: SendJobMessagesRepository,
    private readonly events: EngineEvents,
  ) {}

  /** pending → running at its start time, materialising the recipients in the same transaction. */
  async start(sendJobId: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const job = await this.jobs.start(manager, sendJobId);
      if (!job) return false;
      const total = await this.messages.materialise(manager, sendJobId, job.tenant_id, job.list_id);
      await this.publish(manager, [job], 'send_job.started', { total });
      return true;
    });
  }

  dueToStart(): Promise<string[]> {
    return this.jobs.dueToStart();
  }

  /** Running jobs with a message claimable now. */
  runnable(): Promise<string[]> {
    return this.jobs.runnable();
  }

  /** running → completed once no message is pending or in flight (unknown ones stay counted). */
  async completeFinished(): Promise<number> {
    return this.transition((m) => this.jobs.completeFinished(m), 'send_job.completed');
  }

  /** pending/running → failed `window_expired` at window_end; unsent messages stay `pending` (the unsent count). */
  async expireWindows(): Promise<number> {
    return this.transition((m) => this.jobs.expireWindows(m), 'send_job.failed');
  }

  /**
   * Counts an account-level stop, at most one per second (parallel lanes hit the same stop at once); past the
   * limit the job fails with the provider's reason — a few seconds of retries, not one unlucky call.
   */
  async recordAccountStop(sendJobId: string, reason: string): Promise<void> {
    await this.transition(
      (m) => this.jobs.countAccountStop(m, sendJobId, ACCOUNT_STOP_LIMIT, `provider_account_stopped: ${reason}`.slice(0, 500)),
      'send_job.failed',
      (r) => (r as SendJobRef & { status: string }).status === 'failed',
    );
  }

  private async transition(
    change: (m: EntityManager) => Promise<SendJobRef[]>,
    type: EngineEventType,
    publishIf: (r: SendJobRef) => boolean = () => true,
  ): Promise<number> {
    return this.db.transaction(async (manager) => {
      const rows = await change(manager);
      await this.publish(manager, rows.filter(publishIf), type);
      return rows.length;
    });
  }

  private async publish(manager: EntityManager, rows: SendJobRef[], type: EngineEventType, extra: Record<string, unknown> = {}): Promise<void> {
    for (const r of rows) await this.events.publish({ tenantId: r.tenant_id, type, data: { send_job_id: r.id, ...extra } }, manager);
  }
}
