import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { SendJob } from './send-job.entity';

/** A send job a transition changed: enough to publish its engine event. */
export interface SendJobRef {
  id: string;
  tenant_id: string;
}

/** UPDATE … RETURNING answers `[rows, count]` through TypeORM's query(). */
type Updated<T> = [T[], number];

/**
 * The send_jobs rows. Every transition is one conditional UPDATE … RETURNING in the caller's transaction `m`,
 * so schedulers in several workers and API calls may race: exactly one wins each transition.
 */
@Injectable()
export class SendJobsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(SendJob) private readonly jobs: Repository<SendJob>,
  ) {}

  async insert(job: Partial<SendJob>): Promise<SendJob> {
    return this.jobs.save(this.jobs.create(job));
  }

  findById(id: string): Promise<SendJob | null> {
    return this.jobs.findOneBy({ id });
  }

  findInTenant(tenantId: string, id: string): Promise<SendJob | null> {
    return this.jobs.findOneBy({ id, tenantId });
  }

  listQuery(tenantId: string, status?: string): SelectQueryBuilder<SendJob> {
    const qb = this.jobs.createQueryBuilder('j').where('j.tenant_id = :tenantId', { tenantId });
    if (status) qb.andWhere('j.status = :status', { status });
    return qb;
  }

  /** pending → running at its start time (inside its window); the job's list, or null when it is not due. */
  async start(m: EntityManager, id: string): Promise<(SendJobRef & { list_id: string }) | null> {
    const [rows] = (await m.query(
      `UPDATE send_jobs SET status = 'running', started_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'pending' AND start_at <= now() AND (window_end IS NULL OR window_end > now())
       RETURNING id, tenant_id, list_id`,
      [id],
    )) as Updated<SendJobRef & { list_id: string }>;
    return rows[0] ?? null;
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
  async completeFinished(m: EntityManager): Promise<SendJobRef[]> {
    const [rows] = (await m.query(
      `UPDATE send_jobs j SET status = 'completed', completed_at = now(), updated_at = now()
       WHERE j.status = 'running' AND NOT EXISTS (
         SELECT 1 FROM send_job_messages m WHERE m.send_job_id = j.id AND m.status IN ('pending', 'sending'))
       RETURNING j.id, j.tenant_id`,
    )) as Updated<SendJobRef>;
    return rows;
  }

  /** pending/running → failed `window_expired` at window_end; unsent messages stay `pending` (the unsent count). */
  async expireWindows(m: EntityManager): Promise<SendJobRef[]> {
    const [rows] = (await m.query(
      `UPDATE send_jobs SET status = 'failed', failure_reason = 'window_expired', completed_at = now(), updated_at = now()
       WHERE status IN ('pending', 'running') AND window_end <= now()
       RETURNING id, tenant_id`,
    )) as Updated<SendJobRef>;
    return rows;
  }

  /**
   * Counts an account-level stop, at most one per second; at `limit` the job fails with `reason`. Returns the
   * job with its status after the count (nothing when the count was skipped).
   */
  async countAccountStop(m: EntityManager, id: string, limit: number, reason: string): Promise<(SendJobRef & { status: string })[]> {
    const [rows] = (await m.query(
      `UPDATE send_jobs SET account_errors = account_errors + 1, last_account_stop_at = now(),
         status = CASE WHEN account_errors + 1 >= $2 THEN 'failed' ELSE status END,
         failure_reason = CASE WHEN account_errors + 1 >= $2 THEN $3 ELSE failure_reason END,
         completed_at = CASE WHEN account_errors + 1 >= $2 THEN now() ELSE completed_at END,
         updated_at = now()
       WHERE id = $1 AND status = 'running' AND (last_account_stop_at IS NULL OR last_account_stop_at < now() - interval '1 second')
       RETURNING id, tenant_id, status`,
      [id, limit, reason],
    )) as Updated<SendJobRef & { status: string }>;
    return rows;
  }

  /** pending/running → cancelled; false when the job is in neither state (or not the tenant's). */
  async cancel(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE send_jobs SET status = 'cancelled', completed_at = now(), updated_at = now()
       WHERE id = $1 AND tenant_id = $2 AND status IN ('pending', 'running') RETURNING id`,
      [id, tenantId],
    )) as Updated<unknown>;
    return rows.length > 0;
  }

  /** running/completed → running again (resend-unknown); false for a job in any other state. */
  async reopen(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE send_jobs SET status = 'running', completed_at = NULL, updated_at = now()
       WHERE id = $1 AND tenant_id = $2 AND status IN ('running', 'completed') RETURNING id`,
      [id, tenantId],
    )) as Updated<unknown>;
    return rows.length > 0;
  }
}
