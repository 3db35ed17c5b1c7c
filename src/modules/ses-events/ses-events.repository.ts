import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { SesEvent } from './ses-event.entity';
import { WindowCounts } from './deliverability';

/** An SES event row as the intake writes it. */
export interface SesEventRow {
  id: string;
  tenantId: string | null;
  source: string;
  type: string;
  bounceKind: string | null;
  email: string | null;
  sesMessageId: string;
  messageId: string | null;
  sendJobId: string | null;
  messageMatched: boolean;
  outcome: string;
  occurredAt: Date;
  detail: unknown;
  snsMessageId: string | null;
  dedupKey: string;
}

/** SES events and SNS receipts. Intake statements run in the caller's transaction `m`. */
@Injectable()
export class SesEventsRepository {
  constructor(@InjectRepository(SesEvent) private readonly events: Repository<SesEvent>) {}

  /** Records an SNS message id; false when it was received before (its primary key holds a concurrent twin). */
  async claimReceipt(m: EntityManager, messageId: string, type: string, topicArn: string): Promise<boolean> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO sns_receipts (message_id, type, topic_arn) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [messageId, type, topicArn],
    );
    return inserted.length > 0;
  }

  async markReceiptConfirmed(m: EntityManager, messageId: string): Promise<void> {
    await m.query(`UPDATE sns_receipts SET confirmed_at = now() WHERE message_id = $1`, [messageId]);
  }

  async setReceiptEventCount(m: EntityManager, messageId: string, count: number): Promise<void> {
    await m.query(`UPDATE sns_receipts SET event_count = $2 WHERE message_id = $1`, [messageId, count]);
  }

  /** Serialises, until the transaction ends, every event about one address of one tenant. */
  async lockAddress(m: EntityManager, tenantId: string, email: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`ses:${tenantId}:${email}`]);
  }

  /** Soft bounces of an address stored with an occurred_at strictly between `from` and `to`. */
  async countSoftBounces(m: EntityManager, tenantId: string, email: string | null, from: Date, to: Date): Promise<number> {
    const [row] = (await m.query(
      `SELECT count(*)::int AS n FROM ses_events
        WHERE tenant_id = $1 AND email = $2 AND type = 'bounce' AND bounce_kind = 'soft' AND occurred_at > $3 AND occurred_at < $4`,
      [tenantId, email, from, to],
    )) as { n: number }[];
    return row.n;
  }

  /** Inserts the event; false when an event with the same dedup key was stored before. */
  async insert(m: EntityManager, e: SesEventRow): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO ses_events (id, tenant_id, source, type, bounce_kind, email, ses_message_id, message_id, send_job_id,
                               message_matched, outcome, occurred_at, detail, sns_message_id, dedup_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
      [
        e.id,
        e.tenantId,
        e.source,
        e.type,
        e.bounceKind,
        e.email,
        e.sesMessageId,
        e.messageId,
        e.sendJobId,
        e.messageMatched,
        e.outcome,
        e.occurredAt,
        JSON.stringify(e.detail),
        e.snsMessageId,
        e.dedupKey,
      ],
    );
    return rows.length > 0;
  }

  listQuery(tenantId: string, filter: { type?: string; email?: string }): SelectQueryBuilder<SesEvent> {
    const qb = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.email) qb.andWhere('e.email = :email', { email: filter.email });
    return qb;
  }

  /** Sends, bounces and complaints of a tenant that happened (occurred_at, not arrival) after `since`. */
  async windowCounts(tenantId: string, since: Date): Promise<WindowCounts> {
    const row = await this.events
      .createQueryBuilder('e')
      .select(`count(*) FILTER (WHERE e.type = 'send')`, 'sends')
      .addSelect(`count(*) FILTER (WHERE e.type = 'bounce' AND e.bounce_kind = 'hard')`, 'hard')
      .addSelect(`count(*) FILTER (WHERE e.type = 'bounce' AND e.bounce_kind = 'soft')`, 'soft')
      .addSelect(`count(*) FILTER (WHERE e.type = 'complaint')`, 'complaints')
      .where('e.tenant_id = :tenantId AND e.occurred_at > :since', { tenantId, since })
      .getRawOne<{ sends: string; hard: string; soft: string; complaints: string }>();
    return {
      sends: Number(row?.sends ?? 0),
      hardBounces: Number(row?.hard ?? 0),
      softBounces: Number(row?.soft ?? 0),
      complaints: Number(row?.complaints ?? 0),
    };
  }
}
