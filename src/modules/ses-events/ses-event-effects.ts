import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { sha256Hex } from '../../common/crypto/secrets';
import { isUuid } from '../../common/http/parse-id.pipe';
import { AppConfig } from '../../config/app-config';
import { SuppressionList } from '../subscribers/suppression-list.service';
import { EngineEvents } from '../webhooks/engine-events';
import { addressEffectOf, DecodedSesEvent, engineEventTypeOf, messageStatusOf, outcomeOf, SesEventOutcome, suppressionReasonOf } from './ses-event-decoder';
import { SentMessageRef, SentMessages } from '../send-jobs/sent-messages';

/** A decoded event with where it came from; a flat event names its tenant itself. */
export interface IncomingSesEvent extends DecodedSesEvent {
  source: 'sns' | 'flat';
  snsMessageId: string | null;
}

/**
 * The same event reported twice (an SNS redelivery, a duplicate SES publish, a flat relay of an SNS event) has
 * the same key, so it is stored and applied once.
 */
export function dedupKeyOf(e: IncomingSesEvent, tenantId: string | null): string {
  return sha256Hex(JSON.stringify([tenantId, e.sesMessageId, e.type, e.bounceKind, e.email, e.occurredAt.toISOString()]));
}

const DAY_MS = 86_400_000;
/** How the suppression list names suppressions learned from SES (never lifted by Member Center). */
const SUPPRESSION_SOURCE = 'ses';

/**
 * Applies one SES event inside the caller's transaction: stores the event row, updates the message status,
 * publishes the email.* engine event and suppresses the address when the event calls for it — all or nothing.
 */
@Injectable()
export class SesEventEffects {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly messages: SentMessages,
    private readonly suppressions: SuppressionList,
    private readonly engineEvents: EngineEvents,
  ) {}

  /** True when the event was new (stored and applied), false for a repeat. */
  async apply(event: IncomingSesEvent, manager: EntityManager): Promise<boolean> {
    const taggedTenant = await this.existingTenant(event.tags.tenantId, manager);
    const message = await this.messages.find(
      { tenantId: taggedTenant, messageId: event.tags.messageId ?? null, sesMessageId: event.sesMessageId },
      manager,
    );
    const tenantId = taggedTenant ?? message?.tenantId ?? null;
    const effect = tenantId ? addressEffectOf(event) : 'none';

    // Serialises events about one address so concurrent soft bounces cannot both miss the limit.
    if (tenantId && event.email) {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`ses:${tenantId}:${event.email}`]);
    }
    const softLimitReached =
      tenantId !== null && effect === 'count_soft_bounce' && (await this.priorSoftBounces(tenantId, event, manager)) + 1 >= this.config.SOFT_BOUNCE_LIMIT;
    const suppresses = effect === 'suppress' || softLimitReached;
    const outcome = outcomeOf(tenantId !== null, effect, softLimitReached);

    const id = await this.store(event, tenantId, message, outcome, manager);
    if (!id || !tenantId) return !!id;

    const status = messageStatusOf(event.type);
    if (message && status) {
      await this.messages.markStatus(message, { status, email: event.email, sesMessageId: event.sesMessageId, occurredAt: event.occurredAt }, manager);
    }
    const data = {
      ses_event_id: id,
      email: event.email,
      message_id: message?.messageId ?? event.tags.messageId ?? null,
      send_job_id: message?.sendJobId ?? event.tags.sendJobId ?? null,
      ses_message_id: event.sesMessageId,
      bounce_type: event.bounceKind,
      occurred_at: event.occurredAt.toISOString(),
    };
    const engineType = engineEventTypeOf(event.type);
    if (engineType) await this.engineEvents.publish({ tenantId, type: engineType, data }, manager);

    if (suppresses && event.email) {
      // SuppressionList sets the subscribers' status and publishes subscriber.suppressed when newly suppressed.
      const reason = suppressionReasonOf(event, softLimitReached);
      await this.suppressions.suppress(tenantId, event.email, reason, SUPPRESSION_SOURCE, manager);
    }
    return true;
  }

  /** A tag names a tenant only if it exists: a stale or foreign id must not attach events to nothing. */
  private async existingTenant(tag: string | undefined, manager: EntityManager): Promise<string | null> {
    if (!isUuid(tag)) return null;
    const rows: unknown[] = await manager.query(`SELECT 1 FROM tenants WHERE id = $1`, [tag.toLowerCase()]);
    return rows.length ? tag.toLowerCase() : null;
  }

  /**
   * Soft bounces of this address already stored within the window either side of this event. Later-dated ones
   * that arrived first count too: the lock orders processing, not occurred_at, so a window ending at this event
   * let concurrent or out-of-order bounces each see too few and all miss the limit.
   */
  private async priorSoftBounces(tenantId: string, event: IncomingSesEvent, manager: EntityManager): Promise<number> {
    const window = this.config.SOFT_BOUNCE_WINDOW_DAYS * DAY_MS;
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM ses_events
        WHERE tenant_id = $1 AND email = $2 AND type = 'bounce' AND bounce_kind = 'soft' AND occurred_at > $3 AND occurred_at < $4`,
      [tenantId, event.email, new Date(event.occurredAt.getTime() - window), new Date(event.occurredAt.getTime() + window)],
    )) as { n: number }[];
    return row.n;
  }

  /** Inserts the event row; null when an identical event was stored before. */
  private async store(
    event: IncomingSesEvent,
    tenantId: string | null,
    message: SentMessageRef | null,
    outcome: SesEventOutcome,
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO ses_events (id, tenant_id, source, type, bounce_kind, email, ses_message_id, message_id, send_job_id,
                               message_matched, outcome, occurred_at, detail, sns_message_id, dedup_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
      [
        uuidv7(),
        tenantId,
        event.source,
        event.type,
        event.bounceKind,
        event.email,
        event.sesMessageId,
        message?.messageId ?? event.tags.messageId ?? null,
        message?.sendJobId ?? event.tags.sendJobId ?? null,
        !!message,
        outcome,
        event.occurredAt,
        JSON.stringify(event.detail),
        event.snsMessageId,
        dedupKeyOf(event, tenantId),
      ],
    );
    return rows[0]?.id ?? null;
  }
}
