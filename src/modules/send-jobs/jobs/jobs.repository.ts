import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Batcher } from '../../../common/batching/batcher';
import { completionCte, completionParams, PendingIdempotency } from '../../../common/idempotency/pending-idempotency';
import { Page, PageQueryDto, paginate } from '../../../common/pagination/cursor';
import { Job, JobPayload, JobStatus, JobType } from './job.entity';

/** A claimed job: what its one provider call needs. */
export interface ClaimedJob {
  id: string;
  tenantId: string;
  payload: JobPayload;
  attempts: number;
}

export interface NewJob {
  id: string;
  tenantId: string;
  type: JobType;
  payload: JobPayload;
  webhookUrl: string | null;
  createdAt: Date;
}

/** A new job and, when its request claimed an Idempotency-Key, the response to store with it. */
interface Insert {
  job: NewJob;
  response: { key: PendingIdempotency; body: unknown } | null;
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
  /** Set by the worker's settle (an id its callback delivery is then inserted with); null otherwise. */
  callbackDeliveryId: string | null;
}

/** A settled job that will run again (its next run is added after the commit). */
export interface RetriedJob {
  id: string;
  tenantId: string;
  status: 'retry';
  attempts: number;
}

/** How a claimed job settles after its provider call. */
export type JobSettlement =
  | { status: 'succeeded'; providerMessageId: string }
  | { status: 'fatal'; reason: string }
  | { status: 'retry'; reason: string; delayMs: number };

const ENDED_OF = (t: string) => `${t}.id, ${t}.tenant_id AS "tenantId", ${t}.status, ${t}.attempts, ${t}.payload,
  ${t}.webhook_url AS "webhookUrl", ${t}.failure_reason AS "failureReason", ${t}.completed_at AS "completedAt",
  ${t}.callback_delivery_id AS "callbackDeliveryId"`;
const ENDED = ENDED_OF('jobs');

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
  private readonly inserts = new Batcher((items: Insert[]) => this.insertMany(items), { maxBatch: 100, maxConcurrent: 1, lingerMs: 2 });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
  ) {}

  /**
   * A new queued job, due now. Concurrent submits share one statement, which also stores their Idempotency-Key
   * responses: the job and its replayable answer commit together.
   */
  insert(job: NewJob, response: Insert['response']): Promise<void> {
    return this.inserts.run({ job, response });
  }

  private async insertMany(items: Insert[]): Promise<void[]> {
    const jobs = items.map((i) => i.job);
    const responses = items.flatMap((i) => (i.response ? [i.response] : []));
    await this.db.query(
      `WITH completed AS (${completionCte(7)})
       INSERT INTO jobs (id, tenant_id, type, payload, webhook_url, status, next_run_at, created_at, updated_at)
       SELECT v.id, v.tenant_id, v.type, v.payload, v.webhook_url, 'queued', now(), v.created_at, v.created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[]) AS v(id, tenant_id, type, payload, webhook_url, created_at)`,
      [
        jobs.map((j) => j.id),
        jobs.map((j) => j.tenantId),
        jobs.map((j) => j.type),
        jobs.map((j) => JSON.stringify(j.payload)),
        jobs.map((j) => j.webhookUrl),
        jobs.map((j) => j.createdAt.toISOString()),
        ...completionParams(responses),
      ],
    );
    return items.map(() => undefined);
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
   * Takes the due jobs among `ids` for `workerId` (one statement for a batch of queue runs): `running`, one more
   * attempt. A job not due, already claimed or ended (a stale queue job) is absent from the answer. A second of
   * slack absorbs clock skew between the queue's timer and Postgres.
   */
  claimMany(ids: string[], workerId: string): Promise<ClaimedJob[]> {
    return this.db
      .query(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, claimed_by = $2, claimed_at = now(), next_run_at = NULL,
                updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'retry') AND next_run_at <= now() + interval '1 second'
         RETURNING id, tenant_id AS "tenantId", payload, attempts`,
        [ids, workerId],
      )
      .then((r) => rowsOf<ClaimedJob>(r));
  }

  /**
   * The claim holder's outcomes for a batch, in one statement in the caller's transaction. Answers the rows it
   * changed: ended ones (`succeeded`/`fatal`, with what their callback and event carry) and retries; a job that is
   * no longer this worker's (an SES event or the unknown timeout settled it first) is absent. An ended job with a
   * `webhookUrl` is linked to `callbackId` here, the id its callback delivery is to be inserted with.
   */
  async settleMany(
    manager: EntityManager,
    workerId: string,
    settled: { id: string; settlement: JobSettlement; callbackId: string }[],
  ): Promise<(EndedJob | RetriedJob)[]> {
    if (!settled.length) return [];
    const column = <T>(f: (s: JobSettlement) => T) => settled.map(({ settlement }) => f(settlement));
    return rowsOf<EndedJob | RetriedJob>(
      await manager.query(
        `UPDATE jobs j SET status = v.status,
                provider_message_id = CASE WHEN v.status = 'succeeded' THEN v.provider_message_id ELSE j.provider_message_id END,
                failure_reason = v.reason,
                claimed_by = CASE WHEN v.status = 'retry' THEN NULL ELSE j.claimed_by END,
                next_run_at = CASE WHEN v.status = 'retry' THEN now() + make_interval(secs => v.delay_ms / 1000) END,
                completed_at = CASE WHEN v.status = 'retry' THEN NULL ELSE now() END,
                callback_delivery_id = CASE WHEN v.status <> 'retry' AND j.webhook_url IS NOT NULL THEN v.callback_id END,
                updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::float8[], $7::uuid[])
                AS v(id, status, provider_message_id, reason, delay_ms, callback_id)
          WHERE j.id = v.id AND j.claimed_by = $6 AND j.status = 'running'
         RETURNING ${ENDED_OF('j')}`,
        [
          settled.map((s) => s.id),
          column((s) => s.status),
          column((s) => (s.status === 'succeeded' ? s.providerMessageId : null)),
          column((s) => (s.status === 'succeeded' ? null : s.reason.slice(0, 1000))),
          column((s) => (s.status === 'retry' ? s.delayMs : 0)),
          workerId,
          settled.map((s) => s.callbackId),
        ],
      ),
    );
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

  /** Links ended jobs to their callback deliveries, or unlinks them (null), in one statement for a batch. */
  async setCallbacks(manager: EntityManager, links: { id: string; deliveryId: string | null }[]): Promise<void> {
    if (!links.length) return;
    await manager.query(
      `UPDATE jobs j SET callback_delivery_id = v.delivery_id FROM unnest($1::uuid[], $2::uuid[]) AS v(id, delivery_id) WHERE j.id = v.id`,
      [links.map((l) => l.id), links.map((l) => l.deliveryId)],
    );
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
