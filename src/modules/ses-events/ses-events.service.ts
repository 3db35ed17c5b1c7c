import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { Metrics } from '../../common/metrics/metrics';
import { toFieldErrors } from '../../common/validation/validation.pipe';
import { TenantsService } from '../tenants/tenants.service';
import { decodeSesEvent, DecodedSesEvent, flatEventKind, SesEventType } from './ses-event-decoder';
import { IncomingSesEvent, SesEventEffects } from './ses-event-effects';
import { SesEventDto, SesWebhookResponse } from './ses-events.dto';
import { SesEventsRepository } from './ses-events.repository';
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

/** A request's answer and the types of the events it stored. */
interface Received {
  response: SesWebhookResponse;
  applied: SesEventType[];
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
    private readonly events: SesEventsRepository,
    private readonly tenants: TenantsService,
    private readonly effects: SesEventEffects,
    private readonly subscriptions: SnsSubscriptions,
    private readonly metrics: Metrics,
  ) {}

  async receive(inbound: SesInbound): Promise<SesWebhookResponse> {
    const { response, applied } = inbound.form === 'sns' ? await this.receiveSns(inbound.message) : await this.receiveFlat(inbound.body);
    this.count(applied);
    return response;
  }

  private receiveSns(message: SnsMessage): Promise<Received> {
    return this.db.transaction(async (manager): Promise<Received> => {
      // The receipt's primary key holds a concurrent twin until this transaction ends: one effect per MessageId.
      if (!(await this.events.claimReceipt(manager, message.MessageId, message.Type, message.TopicArn))) return { response: { status: 'ok', events: 0, duplicate: true }, applied: [] };

      if (message.Type === 'SubscriptionConfirmation') {
        // Inside the transaction: if the GET fails, the receipt rolls back and SNS's retry confirms again.
        await this.subscriptions.confirm(message.SubscribeURL as string);
        await this.events.markReceiptConfirmed(manager, message.MessageId);
        return { response: { status: 'ok', events: 0 }, applied: [] };
      }
      // UnsubscribeConfirmation: recorded, and deliberately never followed — visiting its SubscribeURL would resubscribe.
      if (message.Type !== 'Notification') return { response: { status: 'ok', events: 0 }, applied: [] };

      const decoded = decodeSesEvent(parseMessage(message.Message));
      const applied = await this.applyAll(
        decoded.map((e) => ({ ...e, source: 'sns' as const, snsMessageId: message.MessageId })),
        manager,
      );
      await this.events.setReceiptEventCount(manager, message.MessageId, applied.length);
      return { response: { status: 'ok', events: applied.length }, applied };
    });
  }

  private async receiveFlat(body: unknown): Promise<Received> {
    const dto = await this.validFlatEvent(body);
    if (!(await this.tenants.exists(dto.tenant_id.toLowerCase()))) throw new AppError('forbidden', 'Unknown tenant', { reason: 'unknown_tenant' });

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
    const applied = await this.db.transaction((manager) => this.applyAll([{ ...event, source: 'flat', snsMessageId: null }], manager));
    return { response: { status: 'ok', events: applied.length }, applied };
  }

  /** The events that were new (repeats are skipped by their dedup key). */
  private async applyAll(events: IncomingSesEvent[], manager: EntityManager): Promise<SesEventType[]> {
    const applied: SesEventType[] = [];
    for (const e of events) if (await this.effects.apply(e, manager)) applied.push(e.type);
    return applied;
  }

  /** `ses_events_total{type}`, counted after commit. */
  private count(applied: SesEventType[]): void {
    for (const type of applied) this.metrics.sesEvents.inc({ type });
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
