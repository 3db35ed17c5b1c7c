import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { sha256Hex } from '../../common/crypto/secrets';
import { isUuid } from '../../common/http/parse-id.pipe';
import { AppConfig } from '../../config/app-config';
import { SuppressionList } from '../subscribers/suppression-list.service';
import { TenantsService } from '../tenants/tenants.service';
import { EngineEvents } from '../webhooks/engine-events';
import { addressEffectOf, DecodedSesEvent, engineEventTypeOf, messageStatusOf, outcomeOf, SesEventOutcome, suppressionReasonOf } from './ses-event-decoder';
import { SentMessageRef, SentMessages } from '../send-jobs/sent-messages';
import { SesEventsRepository } from './ses-events.repository';

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
    private readonly events: SesEventsRepository,
    private readonly tenants: TenantsService,
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
    if (tenantId && event.email) await this.events.lockAddress(manager, tenantId, event.email);
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
    return (await this.tenants.exists(tag.toLowerCase(), manager)) ? tag.toLowerCase() : null;
  }

  /**
   * Soft bounces of this address already stored within the window either side of this event. Later-dated ones
   * that arrived first count too: the lock orders processing, not occurred_at, so a window ending at this event
   * let concurrent or out-of-order bounces each see too few and all miss the limit.
   */
  private async priorSoftBounces(tenantId: string, event: IncomingSesEvent, manager: EntityManager): Promise<number> {
    const window = this.config.SOFT_BOUNCE_WINDOW_DAYS * DAY_MS;
    const at = event.occurredAt.getTime();
    return this.events.countSoftBounces(manager, tenantId, event.email, new Date(at - window), new Date(at + window));
  }

  /** Inserts the event row; null when an identical event was stored before. */
  private async store(
    event: IncomingSesEvent,
    tenantId: string | null,
    message: SentMessageRef | null,
    outcome: SesEventOutcome,
    manager: EntityManager,
  ): Promise<string | null> {
    const id = uuidv7();
    const inserted = await this.events.insert(manager, {
      id,
      tenantId,
      source: event.source,
      type: event.type,
      bounceKind: event.bounceKind,
      email: event.email,
      sesMessageId: event.sesMessageId,
      messageId: message?.messageId ?? event.tags.messageId ?? null,
      sendJobId: message?.sendJobId ?? event.tags.sendJobId ?? null,
      messageMatched: !!message,
      outcome,
      occurredAt: event.occurredAt,
      detail: event.detail,
      snsMessageId: event.snsMessageId,
      dedupKey: dedupKeyOf(event, tenantId),
    });
    return inserted ? id : null;
  }
}
