import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { toFieldErrors } from '../../common/validation/validation.pipe';
import { decodeSesEvent, DecodedSesEvent, flatEventKind } from './ses-event-decoder';
import { IncomingSesEvent, SesEventEffects } from './ses-event-effects';
import { SesEventDto, SesWebhookResponse } from './ses-events.dto';
import { SesInbound } from './ses-inbound';
import { SnsMessage } from './sns-message';
import { SnsSubscriptions } from './sns-subscriptions';

/** SNS's `Message` as JSON, or null for text (e.g. SES's "Successfully validated SNS topic…" notice). */
function parseMessage(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Intake of POST /webhooks/ses once the guard has authenticated it. Each SNS message is received once per
 * MessageId (a receipt row committed with its effects); each flat event is validated, its tenant checked, and
 * applied once (see dedupKeyOf).
 */
@Injectable()
export class SesEventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly effects: SesEventEffects,
    private readonly subscriptions: SnsSubscriptions,
  ) {}

  receive(inbound: SesInbound): Promise<SesWebhookResponse> {
    return inbound.form === 'sns' ? this.receiveSns(inbound.message) : this.receiveFlat(inbound.body);
  }

  private receiveSns(message: SnsMessage): Promise<SesWebhookResponse> {
    return this.db.transaction(async (manager) => {
      // The receipt's primary key holds a concurrent twin until this transaction ends: one effect per MessageId.
      const inserted: unknown[] = await manager.query(
        `INSERT INTO sns_receipts (message_id, type, topic_arn) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [message.MessageId, message.Type, message.TopicArn],
      );
      if (inserted.length === 0) return { status: 'ok' as const, events: 0, duplicate: true };

      if (message.Type === 'SubscriptionConfirmation') {
        // Inside the transaction: if the GET fails, the receipt rolls back and SNS's retry confirms again.
        await this.subscriptions.confirm(message.SubscribeURL as string);
        await manager.query(`UPDATE sns_receipts SET confirmed_at = now() WHERE message_id = $1`, [message.MessageId]);
        return { status: 'ok' as const, events: 0 };
      }
      // UnsubscribeConfirmation: recorded, and deliberately never followed — visiting its SubscribeURL would resubscribe.
      if (message.Type !== 'Notification') return { status: 'ok' as const, events: 0 };

      const decoded = decodeSesEvent(parseMessage(message.Message));
      const events = await this.applyAll(
        decoded.map((e) => ({ ...e, source: 'sns' as const, snsMessageId: message.MessageId })),
        manager,
      );
      await manager.query(`UPDATE sns_receipts SET event_count = $2 WHERE message_id = $1`, [message.MessageId, events]);
      return { status: 'ok' as const, events };
    });
  }

  private async receiveFlat(body: unknown): Promise<SesWebhookResponse> {
    const dto = await this.validFlatEvent(body);
    const tenant: unknown[] = await this.db.query(`SELECT 1 FROM tenants WHERE id = $1`, [dto.tenant_id.toLowerCase()]);
    if (tenant.length === 0) throw new AppError('forbidden', 'Unknown tenant', { reason: 'unknown_tenant' });

    const { type, bounceKind } = flatEventKind(dto.event_type, dto.bounce_type);
    const event: DecodedSesEvent = {
      type,
      bounceKind,
      email: dto.email.trim().toLowerCase(),
      sesMessageId: dto.message_id,
      tags: { tenantId: dto.tenant_id, messageId: dto.message_id },
      occurredAt: new Date(dto.occurred_at),
      detail: {},
    };
    const events = await this.db.transaction((manager) => this.applyAll([{ ...event, source: 'flat', snsMessageId: null }], manager));
    return { status: 'ok', events };
  }

  private async applyAll(events: IncomingSesEvent[], manager: EntityManager): Promise<number> {
    let applied = 0;
    for (const e of events) if (await this.effects.apply(e, manager)) applied++;
    return applied;
  }

  /** The global pipe cannot validate a body whose form the guard decides; this is the same check, by hand. */
  private async validFlatEvent(body: unknown): Promise<SesEventDto> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw AppError.validation({ body: ['must be a SesEvent object'] });
    }
    const dto = plainToInstance(SesEventDto, body);
    const errors = await validate(dto, { whitelist: true, forbidUnknownValues: false });
    if (errors.length) throw AppError.validation(toFieldErrors(errors));
    return dto;
  }
}
