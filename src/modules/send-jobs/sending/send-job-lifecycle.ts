import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EngineEvents, EngineEventType } from '../../webhooks/engine-events';
import { SendJobMessagesRepository } from '../send-job-messages.repository';

/** Account-level provider stops (sending paused, suspended) tolerated before the job fails. */
export const ACCOUNT_STOP_LIMIT = 5;

type Row = { id: string; tenant_id: string };

/**
 * Job-level transitions. Each is one conditional UPDATE … RETURNING, so schedulers in several workers may run
 * them concurrently: exactly one wins each transition and publishes its event in the same transaction.
 */
@Injectable()
export class SendJobLifecycle {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly messages: SendJobMessagesRepository,
    private readonly events: EngineEvents,
  ) {}

  /** pending → running at its start time, materialising the recipients in the same transaction. */
  async start(sendJobId: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE send_jobs SET status = 'running', started_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'pending' AND start_at <= now() AND (window_end IS NULL OR window_end > now())
         RETURNING id, tenant_id, list_id`,
        [sendJobId],
      )) as [(Row & { list_id: string })[], number];
      if (!rows.length) return false;
      const { tenant_id, list_id } = rows[0];
      const total = await this.messages.materialise(manager, sendJobId, tenant_id, list_id);
      await this.publish(manager, rows, 'send_job.started', { total });
      return true;
    });
  }

  async dueToStart(): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT id FROM send_jobs WHERE status = 'pending' AND start_at <= now() ORDER BY start_at LIMIT 100`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Running jobs with a message claimable now. */
  async runnable(): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT j.id FROM send_jobs j
       WHERE j.status = 'running' AND EXISTS (
         SELECT 1 FROM send_job_messages m WHERE m.send_job_id = j.id AND m.status = 'pending'
           AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= now()))
       LIMIT 100`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** running → completed once no message is pending or in flight (unknown ones stay counted). */
  async completeFinished(): Promise<number> {
    return this.transition(
      `UPDATE send_jobs j SET status = 'completed', completed_at = now(), updated_at = now()
       WHERE j.status = 'running' AND NOT EXISTS (
         SELECT 1 FROM send_job_messages m WHERE m.send_job_id = j.id AND m.status IN ('pending', 'sending'))
       RETURNING j.id, j.tenant_id`,
      [],
      'send_job.completed',
    );
  }

  /** pending/running → failed `window_expired` at window_end; unsent messages stay `pending` (the unsent count). */
  async expireWindows(): Promise<number> {
    return this.transition(
      `UPDATE send_jobs SET status = 'failed', failure_reason = 'window_expired', completed_at = now(), updated_at = now()
       WHERE status IN ('pending', 'running') AND window_end <= now()
       RETURNING id, tenant_id`,
      [],
      'send_job.failed',
    );
  }

  /**
   * Counts an account-level stop, at most one per second (parallel lanes hit the same stop at once); past the
   * limit the job fails with the provider's reason — a few seconds of retries, not one unlucky call.
   */
  async recordAccountStop(sendJobId: string, reason: string): Promise<void> {
    await this.transition(
      `UPDATE send_jobs SET account_errors = account_errors + 1, last_account_stop_at = now(),
         status = CASE WHEN account_errors + 1 >= $2 THEN 'failed' ELSE status END,
         failure_reason = CASE WHEN account_errors + 1 >= $2 THEN $3 ELSE failure_reason END,
         completed_at = CASE WHEN account_errors + 1 >= $2 THEN now() ELSE completed_at END,
         updated_at = now()
       WHERE id = $1 AND status = 'running' AND (last_account_stop_at IS NULL OR last_account_stop_at < now() - interval '1 second')
       RETURNING id, tenant_id, status`,
      [sendJobId, ACCOUNT_STOP_LIMIT, `provider_account_stopped: ${reason}`.slice(0, 500)],
      'send_job.failed',
      (r) => (r as Row & { status: string }).status === 'failed',
    );
  }

  private async transition(sql: string, params: unknown[], type: EngineEventType, publishIf: (r: Row) => boolean = () => true): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [rows] = (await manager.query(sql, params)) as [Row[], number];
      await this.publish(manager, rows.filter(publishIf), type);
      return rows.length;
    });
  }

  private async publish(manager: EntityManager, rows: Row[], type: EngineEventType, extra: Record<string, unknown> = {}): Promise<void> {
    for (const r of rows) await this.events.publish({ tenantId: r.tenant_id, type, data: { send_job_id: r.id, ...extra } }, manager);
  }
}
