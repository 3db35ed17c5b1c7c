import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Page, PageQueryDto, paginate } from '../../../common/pagination/cursor';
import { Job, JobPayload, JobStatus, JobType } from './job.entity';

/** A claimed job: what its one provider call needs. */
export interface ClaimedJob {
  id: string;
  tenantId: string;
  payload: JobPayload;
  attempts: number;
}

/** A job that has just ended: what its callback and engine event carry. */
export interface EndedJob {
  id: string;
  tenantId: string;
  status: Extract<JobStatus, 'succeeded' | 'fatal'>;
  attempts: number;
  payload: JobPayload;
  webhookUrl: string | null;
  failureReason: string | null;
  completedAt: Date;
}

/** How a claimed job settles after its provider call. */
export type JobSettlement =
  | { status: 'succeeded'; providerMessageId: string }
  | { status: 'fatal'; reason: string }
  | { status: 'retry'; reason: string; delayMs: number };

const ENDED = `id, tenant_id AS "tenantId", status, attempts, payload, webhook_url AS "webhookUrl",
  failure_reason AS "failureReason", completed_at AS "completedAt"`;

/** UPDATE … RETURNING through pg: `[rows, count]`. */
const rowsOf = <T>(result: unknown): T[] => (result as [T[], number])[0];

/** Due rows after a keyset position, in (next_run_at, id) order; the position's time travels as text (µs). */
const DUE_PAGE = `
SELECT id, tenant_id AS "tenantId", attempts, next_run_at AS "nextRunAt", next_run_at::text AS position
  FROM jobs
 WHERE status IN ('queued', 'retry') AND next_run_at <= $1
   AND (next_run_at, id) > ($2::timestamptz, $3::uuid)
 ORDER BY next_run_at, id
 LIMIT $4`;

/**
 * The jobs table. Every transition is one conditional UPDATE … RETURNING: claims follow the campaign rule (claim
 * before the provider call, settle right after, only the claim holder settles), so two workers never send one
 * job and a settle that lost a race changes nothing.
 */
@Injectable()
export class JobsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
  ) {}

  async insert(tenantId: string, type: JobType, payload: JobPayload, webhookUrl: string | null): Promise<{ id: string; createdAt: Date }> {
    const id = uuidv7();
    const [row] = (await this.db.query(
      `INSERT INTO jobs (id, tenant_id, type, payload, webhook_url, status, next_run_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, 'queued', now()) RETURNING created_at AS "createdAt"`,
      [id, tenantId, type, JSON.stringify(payload), webhookUrl],
    )) as { createdAt: Date }[];
    return { id, createdAt: row.createdAt };
  }

  find(tenantId: string, id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id, tenantId });
  }

  list<R>(tenantId: string, status: JobStatus | undefined, query: PageQueryDto, map: (j: Job) => R): Promise<Page<R>> {
    const qb = this.jobs.createQueryBuilder('j').where('j.tenant_id = :tenantId', { tenantId });
    if (status) qb.andWhere('j.status = :status', { status });
    return paginate(qb, query, map);
  }

  /**
   * Takes a due job for `workerId`: `running`, one more attempt. Null when it is not due, already claimed or
   * ended (a stale queue job). A second of slack absorbs clock skew between the queue's timer and Postgres.
   */
  async claim(id: string, workerId: string): Promise<ClaimedJob | null> {
    const rows = rowsOf<ClaimedJob>(
      await this.db.query(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, claimed_by = $2, claimed_at = now(), next_run_at = NULL,
                updated_at = now()
         WHERE id = $1 AND status IN ('queued', 'retry') AND next_run_at <= now() + interval '1 second'
         RETURNING id, tenant_id AS "tenantId", payload, attempts`,
        [id, workerId],
      ),
    );
    return rows[0] ?? null;
  }

  /**
   * The claim holder's outcome, in the caller's transaction. The ended job when this call ended it; null for a
   * retry, or when the job is no longer this worker's (an SES event or the unknown timeout settled it first).
   */
  async settle(manager: EntityManager, id: string, workerId: string, s: JobSettlement): Promise<EndedJob | null> {
    const guard = `WHERE id = $1 AND claimed_by = $2 AND status = 'running'`;
    if (s.status === 'retry') {
      await manager.query(
        `UPDATE jobs SET status = 'retry', failure_reason = $3, claimed_by = NULL,
                next_run_at = now() + make_interval(secs => $4::float8 / 1000), updated_at = now() ${guard}`,
        [id, workerId, s.reason.slice(0, 1000), s.delayMs],
      );
      return null;
    }
    const [sql, param] =
      s.status === 'succeeded'
        ? [`status = 'succeeded', provider_message_id = $3, failure_reason = NULL`, s.providerMessageId]
        : [`status = 'fatal', failure_reason = $3`, s.reason.slice(0, 1000)];
    const rows = rowsOf<EndedJob>(
      await manager.query(`UPDATE jobs SET ${sql}, completed_at = now(), updated_at = now() ${guard} RETURNING ${ENDED}`, [id, workerId, param]),
    );
    return rows[0] ?? null;
  }

  /**
   * What an SES event says about a job whose provider call may have happened (running, whoever holds it):
   * accepted → `succeeded`, rejected → `fatal`. Null when the job had already ended.
   */
  async resolve(manager: EntityManager, id: string, accepted: boolean, sesMessageId: string, reason: string): Promise<EndedJob | null> {
    const rows = rowsOf<EndedJob>(
      await manager.query(
        `UPDATE jobs SET status = CASE WHEN $2 THEN 'succeeded' ELSE 'fatal' END,
                provider_message_id = COALESCE(provider_message_id, $3),
                failure_reason = CASE WHEN $2 THEN NULL ELSE $4 END, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'running'
         RETURNING ${ENDED}`,
        [id, accepted, sesMessageId, reason],
      ),
    );
    return rows[0] ?? null;
  }

  /** A job an SES event names: by our `message_id` tag (the row id) or the SES message id. */
  async findSent(rowId: string | null, sesMessageId: string, tenantId: string | null, manager: EntityManager): Promise<{ id: string; tenantId: string } | null> {
    const rows = (await manager.query(
      `SELECT id, tenant_id AS "tenantId" FROM jobs
       WHERE (id = $1::uuid OR provider_message_id = $2) AND ($3::uuid IS NULL OR tenant_id = $3::uuid) LIMIT 1`,
      [rowId, sesMessageId, tenantId],
    )) as { id: string; tenantId: string }[];
    return rows[0] ?? null;
  }

  async setCallback(manager: EntityManager, id: string, deliveryId: string): Promise<void> {
    await manager.query(`UPDATE jobs SET callback_delivery_id = $2 WHERE id = $1`, [id, deliveryId]);
  }

  /** Workers holding claims older than `olderThanSeconds` that are not yet marked unknown. */
  async claimHolders(olderThanSeconds: number): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT claimed_by FROM jobs
       WHERE status = 'running' AND failure_reason IS NULL AND claimed_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    )) as { claimed_by: string }[];
    return rows.map((r) => r.claimed_by);
  }

  /** A dead worker's claims: the provider may or may not have the email, so never send it again blindly. */
  async markUnknown(workerId: string): Promise<number> {
    const result = await this.db.query(
      `UPDATE jobs SET failure_reason = 'outcome_unknown', updated_at = now()
       WHERE claimed_by = $1 AND status = 'running' AND failure_reason IS NULL RETURNING 1`,
      [workerId],
    );
    return rowsOf(result).length;
  }

  /** Claims older than any provider call can take, whoever holds them (a result write that was lost). */
  async markStaleUnknown(olderThanSeconds: number): Promise<number> {
    const result = await this.db.query(
      `UPDATE jobs SET failure_reason = 'outcome_unknown', updated_at = now()
       WHERE status = 'running' AND failure_reason IS NULL AND claimed_at < now() - make_interval(secs => $1) RETURNING 1`,
      [olderThanSeconds],
    );
    return rowsOf(result).length;
  }

  /** Unknown outcomes no SES event resolved within the timeout end `fatal` (at most `limit` per call). */
  async expireUnknown(manager: EntityManager, timeoutSeconds: number, limit: number): Promise<EndedJob[]> {
    return rowsOf<EndedJob>(
      await manager.query(
        `UPDATE jobs SET status = 'fatal', completed_at = now(), updated_at = now()
         WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND failure_reason = 'outcome_unknown'
                        AND claimed_at < now() - make_interval(secs => $1) ORDER BY claimed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           AND status = 'running'
         RETURNING ${ENDED}`,
        [timeoutSeconds, limit],
      ),
    );
  }

  /** One keyset page of due jobs (the reconciler). */
  duePage(horizon: Date, after: { at: string; id: string }, limit: number): Promise<{ id: string; tenantId: string; attempts: number; nextRunAt: Date; position: string }[]> {
    return this.db.query(DUE_PAGE, [horizon, after.at, after.id, limit]);
  }
}
