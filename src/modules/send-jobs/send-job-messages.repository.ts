import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { listRecipientsSql, RECIPIENT_SKIP_REASON_SQL, recipientStateJoinsSql } from '../subscribers/sendable-members';
import { SendJobCounts, SendJobMessageResponse } from './send-jobs.dto';

/** A claimed recipient, ready to render and send. */
export interface ClaimedMessage {
  id: string;
  subscriberId: string;
  email: string;
  preferences: Record<string, unknown>;
  /** Provider calls including this one. */
  attempts?: number;
}

/** UPDATE … RETURNING answers `[rows, count]` through TypeORM's query(); SELECT and INSERT answer rows. */
function updatedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** UUIDv7 in SQL (ms timestamp + random), so materialisation stays one INSERT … SELECT. */
const UUID_V7 = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
  substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

/**
 * How long a reservation (a `pending` row stamped `claimed_by`) keeps other workers off. It only matters when
 * the holder died with no `sending` row for the sweep to find; `begin` checks the holder, so a late holder whose
 * reservation was taken over never sends.
 */
export const RESERVATION_LEASE_SECONDS = 30;

/** `sending`/`unknown` → `sent`, by the claim holder only; the arguments are the statement's placeholders. */
const markSentSql = (id: string, workerId: string, providerMessageId: string) =>
  `UPDATE send_job_messages SET status = 'sent', provider_message_id = ${providerMessageId}, sent_at = now(), next_attempt_at = NULL
       WHERE id = ${id} AND claimed_by = ${workerId} AND status IN ('sending', 'unknown')`;

/**
 * The job row of `$1` while it may send (running, inside its window), read FOR SHARE: a cancel or window end waits
 * for the statement that reserves or begins a message, and nothing begins after it.
 */
const RUNNING_JOB_SQL = `SELECT id FROM send_jobs WHERE id = $1 AND status = 'running' AND (window_end IS NULL OR window_end > now()) FOR SHARE`;

/**
 * The per-recipient message rows and the claims on them. Every state change is one conditional statement, so
 * concurrent workers, schedulers and API calls never need an application-level lock.
 */
@Injectable()
export class SendJobMessagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The list's sendable members (Subscribers' rule, `sendable-members.ts`), one row per lower-cased email, in one
   * set-based INSERT … SELECT (100k rows in one statement, never a loop). Suppressed addresses are recorded as
   * `skipped` so they are counted.
   */
  async materialise(manager: EntityManager, sendJobId: string, tenantId: string, listId: string): Promise<number> {
    const rows = await manager.query(
      `INSERT INTO send_job_messages (id, send_job_id, tenant_id, subscriber_id, email, status, reason)
       SELECT ${UUID_V7}, $1, $2, r.subscriber_id, r.email,
              CASE WHEN r.suppressed THEN 'skipped' ELSE 'pending' END, CASE WHEN r.suppressed THEN 'suppressed' END
       FROM (
         ${listRecipientsSql('$2', '$3')}
       ) r
       ON CONFLICT (send_job_id, subscriber_id) DO NOTHING
       RETURNING 1`,
      [sendJobId, tenantId, listId],
    );
    return (rows as unknown[]).length;
  }

  /**
   * Reserves up to `limit` due messages of a running job for `workerId` with FOR UPDATE SKIP LOCKED, so two
   * workers never hold one message. A reservation only stamps `claimed_by`/`claimed_at`: the row stays
   * `pending` (never sent, never `unknown` on a crash) until `begin` moves it to `sending` right before its
   * provider call. Rows reserved by someone else are skipped until the reservation is `RESERVATION_LEASE_SECONDS`
   * old (a holder that died without `sending` rows, which the dead-worker sweep would not find). The job row is
   * read FOR SHARE: a cancel (an UPDATE of that row) waits for in-progress reservations. Members unsubscribed or
   * suppressed since materialisation (Subscribers' rule) are settled as `skipped` in the same statement.
   */
  async reserve(
    sendJobId: string,
    listId: string,
    tenantId: string,
    limit: number,
    workerId: string,
    afterId: string | null = null,
  ): Promise<{ messages: ClaimedMessage[]; lastId: string | null }> {
    const result = await this.db.query(
      `WITH job AS (${RUNNING_JOB_SQL}), picked AS (
         SELECT m.id FROM send_job_messages m
         -- the literal send_job_id lets the planner walk ix_send_job_messages_job_status in id order
         WHERE m.send_job_id = $1 AND EXISTS (SELECT 1 FROM job)
           AND m.status = 'pending' AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= now())
           AND (m.claimed_by IS NULL OR m.claimed_at < now() - make_interval(secs => $7))
           -- keyset start: the index keeps a dead 'pending' entry for every message already claimed until vacuum,
           -- so walking from the lowest id each time made a job's claims O(n²)
           AND ($6::uuid IS NULL OR m.id > $6::uuid)
         ORDER BY m.id LIMIT $4
         FOR UPDATE OF m SKIP LOCKED
       ), verdict AS (
         SELECT m.id, ${RECIPIENT_SKIP_REASON_SQL} AS skip, coalesce(s.preferences, '{}'::jsonb) AS preferences
         FROM picked p
         JOIN send_job_messages m ON m.id = p.id
         ${recipientStateJoinsSql('$2', '$3', 'm.subscriber_id', 'm.email')}
       )
       UPDATE send_job_messages m
       SET status = CASE WHEN v.skip IS NULL THEN 'pending' ELSE 'skipped' END,
           reason = v.skip, claimed_by = $5, claimed_at = now()
       FROM verdict v
       WHERE m.id = v.id
       RETURNING m.id, m.subscriber_id AS "subscriberId", m.email, m.status, v.preferences`,
      [sendJobId, tenantId, listId, limit, workerId, afterId, RESERVATION_LEASE_SECONDS],
    );
    const rows = updatedRows<ClaimedMessage & { status: string }>(result);
    // uuid order is the order of the lower-case hex text, so the keyset position is the largest id taken
    const lastId = rows.reduce<string | null>((max, r) => (max === null || r.id > max ? r.id : max), null);
    return { messages: rows.filter((r) => r.status === 'pending').map(({ status: _, ...m }) => m), lastId };
  }

  /**
   * A reserved message's provider call is about to happen: `pending` → `sending`, counted as an attempt. Only
   * while `workerId` still holds the reservation and the job is running within its window (the job row read FOR
   * SHARE, as in `reserve`, so a cancel waits for it and nothing begins after it). `sent` carries the previous
   * message's accepted answer, written in the same statement (one round trip per email instead of two).
   * Answers the attempt number, or null when the message must not be sent (job stopped, reservation lost).
   */
  async begin(
    sendJobId: string,
    id: string,
    workerId: string,
    sent: { id: string; providerMessageId: string } | null = null,
  ): Promise<number | null> {
    const result = await this.db.query(
      `WITH job AS (${RUNNING_JOB_SQL}), sent AS (
         ${markSentSql('$4::uuid', '$3', '$5')}
       )
       UPDATE send_job_messages
       SET status = 'sending', claimed_at = now(), attempts = attempts + 1
       WHERE id = $2 AND claimed_by = $3 AND status = 'pending' AND EXISTS (SELECT 1 FROM job)
       RETURNING attempts`,
      [sendJobId, id, workerId, sent?.id ?? null, sent?.providerMessageId ?? null],
    );
    const [row] = updatedRows<{ attempts: number }>(result);
    return row ? row.attempts : null;
  }

  /**
   * The provider accepted the message. Also resolves `unknown` (a worker presumed dead that was only slow):
   * the provider's answer is the truth.
   */
  async markSent(id: string, workerId: string, providerMessageId: string): Promise<void> {
    await this.db.query(markSentSql('$1', '$2', '$3'), [id, workerId, providerMessageId]);
  }

  async markFailed(id: string, workerId: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE send_job_messages SET status = 'failed', reason = $3
       WHERE id = $1 AND claimed_by = $2 AND status IN ('sending', 'unknown')`,
      [id, workerId, reason.slice(0, 1000)],
    );
  }

  /** Reservations `workerId` gives back unsent (job stopped, account stopped): claimable again after `delayMs`. */
  async release(ids: string[], workerId: string, delayMs = 0, reason: string | null = null): Promise<void> {
    if (!ids.length) return;
    await this.db.query(
      `UPDATE send_job_messages
       SET claimed_by = NULL, reason = coalesce($4, reason),
           next_attempt_at = CASE WHEN $3::float8 > 0 THEN now() + make_interval(secs => $3::float8 / 1000) ELSE next_attempt_at END
       WHERE id = ANY($1::uuid[]) AND claimed_by = $2 AND status = 'pending'`,
      [ids, workerId, delayMs, reason?.slice(0, 1000) ?? null],
    );
  }

  /** The provider refused for now: back to `pending`, claimable again after the backoff. */
  async retryLater(id: string, workerId: string, delayMs: number, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE send_job_messages
       SET status = 'pending', reason = $4, claimed_by = NULL, next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
       WHERE id = $1 AND claimed_by = $2 AND status IN ('sending', 'unknown')`,
      [id, workerId, delayMs, reason.slice(0, 1000)],
    );
  }

  /** Workers holding `sending` claims older than `olderThanSeconds` (a candidate dead worker each). */
  async claimHolders(olderThanSeconds: number): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT claimed_by FROM send_job_messages
       WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    )) as { claimed_by: string }[];
    return rows.map((r) => r.claimed_by);
  }

  /**
   * A dead worker's in-flight messages: the provider may or may not have them, so never resend blindly. Its
   * reservations (never sent) are released. That statement has no index to use, but runs once per dead worker.
   */
  async markUnknown(workerId: string): Promise<number> {
    const result = await this.db.query(
      `UPDATE send_job_messages SET status = 'unknown', reason = 'worker_lost_during_send'
       WHERE claimed_by = $1 AND status = 'sending' RETURNING 1`,
      [workerId],
    );
    // its reservations never reached the provider: claimable again at once rather than after the lease
    await this.db.query(`UPDATE send_job_messages SET claimed_by = NULL WHERE claimed_by = $1 AND status = 'pending'`, [workerId]);
    return updatedRows(result).length;
  }

  /** Claims older than any provider call can take, whoever holds them (e.g. a write lost after the call). */
  async markStaleUnknown(olderThanSeconds: number): Promise<number> {
    const result = await this.db.query(
      `UPDATE send_job_messages SET status = 'unknown', reason = 'claim_expired'
       WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1) RETURNING 1`,
      [olderThanSeconds],
    );
    return updatedRows(result).length;
  }

  async inFlight(sendJobId: string): Promise<number> {
    const [row] = (await this.db.query(`SELECT count(*)::int AS n FROM send_job_messages WHERE send_job_id = $1 AND status = 'sending'`, [
      sendJobId,
    ])) as { n: number }[];
    return row.n;
  }

  async counts(sendJobId: string): Promise<SendJobCounts> {
    const rows = (await this.db.query(
      `SELECT status, count(*)::int AS n FROM send_job_messages WHERE send_job_id = $1 GROUP BY status`,
      [sendJobId],
    )) as { status: string; n: number }[];
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
    const n = (s: string) => by[s] ?? 0;
    return {
      total: rows.reduce((sum, r) => sum + r.n, 0),
      sent: n('sent'),
      failed: n('failed'),
      skipped: n('skipped'),
      unknown: n('unknown'),
      pending: n('pending') + n('sending'),
    };
  }

  /** Operator's choice (resend-unknown): unknown messages become pending again. */
  async requeueUnknown(manager: EntityManager, sendJobId: string): Promise<number> {
    const result = await manager.query(
      `UPDATE send_job_messages SET status = 'pending', reason = 'resend_requested', claimed_by = NULL, next_attempt_at = NULL
       WHERE send_job_id = $1 AND status = 'unknown' RETURNING 1`,
      [sendJobId],
    );
    return updatedRows(result).length;
  }

  /** The message an SES event names: our row id, else SES's message id; within the tagged tenant when known. */
  async findByIdOrProviderId(
    m: EntityManager,
    messageId: string | null,
    providerMessageId: string,
    tenantId: string | null,
  ): Promise<{ id: string; tenant_id: string; send_job_id: string } | null> {
    const rows: { id: string; tenant_id: string; send_job_id: string }[] = await m.query(
      `SELECT id, tenant_id, send_job_id FROM send_job_messages
       WHERE (id = $1::uuid OR provider_message_id = $2) AND ($3::uuid IS NULL OR tenant_id = $3::uuid)
       LIMIT 1`,
      [messageId, providerMessageId, tenantId],
    );
    return rows[0] ?? null;
  }

  /** A `sending`/`unknown` message the provider reports accepted becomes `sent`; settled ones never change. */
  async resolveAccepted(m: EntityManager, id: string, providerMessageId: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE send_job_messages
       SET status = 'sent', provider_message_id = COALESCE(provider_message_id, $2), sent_at = COALESCE(sent_at, $3),
           reason = CASE WHEN status = 'unknown' THEN 'resolved_by_ses_event' ELSE reason END
       WHERE id = $1 AND status IN ('sending', 'unknown')`,
      [id, providerMessageId, at],
    );
  }

  /** A `sending`/`unknown` message the provider reports rejected becomes `failed` with `reason`. */
  async resolveRejected(m: EntityManager, id: string, reason: string): Promise<void> {
    await m.query(`UPDATE send_job_messages SET status = 'failed', reason = $2 WHERE id = $1 AND status IN ('sending', 'unknown')`, [id, reason]);
  }

  /** Messages of a job in one status, by id (UUIDv7, so in creation order), keyset-paginated. */
  async list(sendJobId: string, status: string, after: string | undefined, limit: number): Promise<SendJobMessageResponse[]> {
    return (await this.db.query(
      `SELECT id, subscriber_id, email, status, attempts, provider_message_id, reason, claimed_at, sent_at
       FROM send_job_messages WHERE send_job_id = $1 AND status = $2 AND ($3::uuid IS NULL OR id > $3::uuid)
       ORDER BY id LIMIT $4`,
      [sendJobId, status, after ?? null, limit],
    )) as SendJobMessageResponse[];
  }
}
