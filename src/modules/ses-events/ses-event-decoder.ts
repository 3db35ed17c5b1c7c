/**
 * Pure decoding of SES events into one normalised event per recipient. Both SES formats are read: event
 * publishing (`eventType`, configuration sets) and the older identity notifications (`notificationType`).
 */
import type { MessageEventStatus } from '../send-jobs/sent-messages';

export const SES_EVENT_TYPES = [
  'bounce',
  'complaint',
  'suppression',
  'delivery',
  'send',
  'reject',
  'open',
  'click',
  'delivery_delay',
  'rendering_failure',
  'subscription',
] as const;
export type SesEventType = (typeof SES_EVENT_TYPES)[number];
export type BounceKind = 'hard' | 'soft';

/** Our message tags (set by the SES transport) that say which tenant, send job and message an event is about. */
export interface MessageTags {
  tenantId?: string;
  sendJobId?: string;
  messageId?: string;
}

export interface DecodedSesEvent {
  type: SesEventType;
  /** Lower-cased recipient; null for events about a message with no recipient list (rendering failure). */
  email: string | null;
  bounceKind: BounceKind | null;
  sesMessageId: string;
  tags: MessageTags;
  occurredAt: Date;
  /** Provider details kept for the operator (bounce sub-type, diagnostic code, link, …). */
  detail: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const TYPE_BY_NAME: Record<string, SesEventType> = {
  Bounce: 'bounce',
  Complaint: 'complaint',
  Delivery: 'delivery',
  Send: 'send',
  Reject: 'reject',
  Open: 'open',
  Click: 'click',
  DeliveryDelay: 'delivery_delay',
  'Rendering Failure': 'rendering_failure',
  RenderingFailure: 'rendering_failure',
  Subscription: 'subscription',
};

/** The key of each event type's detail object (`bounce`, `deliveryDelay`, `failure`, …). */
const DETAIL_KEY: Record<SesEventType, string> = {
  bounce: 'bounce',
  complaint: 'complaint',
  suppression: 'suppression',
  delivery: 'delivery',
  send: 'send',
  reject: 'reject',
  open: 'open',
  click: 'click',
  delivery_delay: 'deliveryDelay',
  rendering_failure: 'failure',
  subscription: 'subscription',
};

/**
 * `Permanent` is a hard bounce. `Transient` is soft, and so is `Undetermined`: SES could not tell, so the address
 * is only counted towards the soft-bounce limit rather than suppressed on one report.
 */
export function bounceKindOf(bounceType: unknown): BounceKind {
  return bounceType === 'Permanent' ? 'hard' : 'soft';
}

function firstTag(tags: Json, name: string): string | undefined {
  const value = tags[name];
  return str(Array.isArray(value) ? value[0] : value);
}

export function tagsOf(mail: Json): MessageTags {
  const tags = obj(mail.tags);
  return { tenantId: firstTag(tags, 'tenant_id'), sendJobId: firstTag(tags, 'send_job_id'), messageId: firstTag(tags, 'message_id') };
}

function addresses(list: unknown, key?: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((r) => (key ? str(obj(r)[key]) : str(r))).filter((a): a is string => !!a);
}

/** Every recipient the event is about: the bounced / complained / delayed ones, else the message's destination. */
function recipientsOf(type: SesEventType, detail: Json, mail: Json): (string | null)[] {
  const named =
    type === 'bounce'
      ? addresses(detail.bouncedRecipients, 'emailAddress')
      : type === 'complaint'
        ? addresses(detail.complainedRecipients, 'emailAddress')
        : type === 'delivery_delay'
          ? addresses(detail.delayedRecipients, 'emailAddress')
          : type === 'delivery'
            ? addresses(detail.recipients)
            : [];
  const all = named.length ? named : addresses(mail.destination);
  const unique = [...new Set(all.map((a) => a.trim().toLowerCase()))];
  return unique.length ? unique : [null];
}

/** Per-recipient details worth keeping (diagnostic code of that recipient, plus the event's own fields). */
function detailFor(type: SesEventType, detail: Json, email: string | null): Json {
  const lists = ['bouncedRecipients', 'complainedRecipients', 'delayedRecipients', 'recipients'];
  const kept: Json = Object.fromEntries(Object.entries(detail).filter(([k]) => !lists.includes(k)));
  const perRecipient = [detail.bouncedRecipients, detail.complainedRecipients, detail.delayedRecipients]
    .flatMap((l) => (Array.isArray(l) ? l : []))
    .map(obj)
    .find((r) => str(r.emailAddress)?.toLowerCase() === email);
  if (perRecipient) kept.recipient = perRecipient;
  return kept;
}

function parseDate(...candidates: unknown[]): Date {
  for (const c of candidates) {
    const d = typeof c === 'string' ? new Date(c) : undefined;
    if (d && !Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

/**
 * An SNS `Message` (already JSON-parsed) as normalised events, one per recipient; [] when it is not an SES
 * event (e.g. SES's "Successfully validated SNS topic" text or an `AmazonSnsSubscriptionSucceeded` notice).
 */
export function decodeSesEvent(message: unknown): DecodedSesEvent[] {
  if (!isObject(message)) return [];
  const name = str(message.eventType) ?? str(message.notificationType);
  const type = name ? TYPE_BY_NAME[name] : undefined;
  const mail = obj(message.mail);
  const sesMessageId = str(mail.messageId);
  if (!type || !sesMessageId) return [];

  const detail = obj(message[DETAIL_KEY[type]]);
  const occurredAt = parseDate(detail.timestamp, mail.timestamp);
  const bounceKind = type === 'bounce' ? bounceKindOf(detail.bounceType) : null;
  const tags = tagsOf(mail);
  return recipientsOf(type, detail, mail).map((email) => ({
    type,
    email,
    bounceKind,
    sesMessageId,
    tags,
    occurredAt,
    detail: detailFor(type, detail, email),
  }));
}

/** The flat `SesEvent.event_type` values. */
export const FLAT_EVENT_TYPES = ['bounce', 'hard_bounced', 'soft_bounced', 'complaint', 'suppression', 'delivery', 'open', 'click'] as const;
export type FlatEventType = (typeof FLAT_EVENT_TYPES)[number];

/**
 * A flat event's type and bounce kind. `hard_bounced` and `bounce` + `bounce_type: hard` are hard; a `bounce`
 * without a bounce_type is treated as soft (counted, not suppressed on one report), like SES's Undetermined.
 */
export function flatEventKind(eventType: FlatEventType, bounceType?: 'hard' | 'soft'): { type: SesEventType; bounceKind: BounceKind | null } {
  switch (eventType) {
    case 'hard_bounced':
      return { type: 'bounce', bounceKind: 'hard' };
    case 'soft_bounced':
      return { type: 'bounce', bounceKind: 'soft' };
    case 'bounce':
      return { type: 'bounce', bounceKind: bounceType === 'hard' ? 'hard' : 'soft' };
    default:
      return { type: eventType, bounceKind: null };
  }
}

/** What an event does to the address: suppress at once, count towards the soft-bounce limit, or nothing. */
export type AddressEffect = 'suppress' | 'count_soft_bounce' | 'none';

export function addressEffectOf(event: Pick<DecodedSesEvent, 'type' | 'bounceKind' | 'email'>): AddressEffect {
  if (!event.email) return 'none';
  if (event.type === 'complaint' || event.type === 'suppression') return 'suppress';
  if (event.type === 'bounce') return event.bounceKind === 'hard' ? 'suppress' : 'count_soft_bounce';
  return 'none';
}

/** What receiving an event did. `unmatched`: no tenant could be found for it, so it is kept for the record only. */
export type SesEventOutcome = 'suppressed' | 'soft_bounce_counted' | 'recorded' | 'unmatched';

export function outcomeOf(tenantKnown: boolean, effect: AddressEffect, softLimitReached: boolean): SesEventOutcome {
  if (!tenantKnown) return 'unmatched';
  if (effect === 'suppress' || softLimitReached) return 'suppressed';
  return effect === 'count_soft_bounce' ? 'soft_bounce_counted' : 'recorded';
}

/** Why an address is suppressed, as the tenant's suppression list records it. */
export function suppressionReasonOf(event: Pick<DecodedSesEvent, 'type'>, softLimitReached: boolean): 'hard_bounce' | 'complaint' | 'soft_bounce_limit' | 'ses_suppression' {
  if (softLimitReached) return 'soft_bounce_limit';
  if (event.type === 'complaint') return 'complaint';
  if (event.type === 'suppression') return 'ses_suppression';
  return 'hard_bounce';
}

/** The engine event an SES event emits, if any (send, reject, delays and failures have none). */
export function engineEventTypeOf(type: SesEventType): 'email.bounced' | 'email.complained' | 'email.delivered' | 'email.opened' | 'email.clicked' | null {
  switch (type) {
    case 'bounce':
      return 'email.bounced';
    case 'complaint':
      return 'email.complained';
    case 'delivery':
      return 'email.delivered';
    case 'open':
      return 'email.opened';
    case 'click':
      return 'email.clicked';
    default:
      return null;
  }
}

/** The message status an event sets on our message row (SendJobs keeps the most advanced one). */

export function messageStatusOf(type: SesEventType): MessageEventStatus | null {
  const map: Partial<Record<SesEventType, MessageEventStatus>> = {
    send: 'sent',
    delivery: 'delivered',
    bounce: 'bounced',
    complaint: 'complained',
    reject: 'rejected',
    open: 'opened',
    click: 'clicked',
    delivery_delay: 'delayed',
    rendering_failure: 'failed',
  };
  return map[type] ?? null;
}
