import { DeliveryLogEntry } from '../../../deliveries/deliveries.repository';
import { WebhookDeliveryAttempt } from '../../../deliveries/entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from '../../../deliveries/entities/webhook-delivery.entity';
import { WebhookSubscription } from '../../entities/webhook-subscription.entity';
import {
  EventStatus, FlexEngageAttempt, FlexEngageEventDetail, FlexEngageEventsPage, FlexEngageEventSummary, FlexEngageWebhookResponse,
} from './flexengage.dto';
import { FlexEngageFilterSpec } from './flexengage-filter';
import { toDialectType } from './flexengage-types';

export function filterSpecOf(types: string[]): FlexEngageFilterSpec {
  return { types };
}

export function typesOf(sub: Pick<WebhookSubscription, 'filterSpec'>): string[] {
  const types = sub.filterSpec?.types;
  return Array.isArray(types) ? types.map(String) : [];
}

/** A subscription as a flexEngage `WebhookResponse`; only an active subscription is enabled (paused, disabled are not). */
export function toWebhookResponse(s: WebhookSubscription): FlexEngageWebhookResponse {
  return {
    id: s.id,
    created: s.createdAt.toISOString(),
    updated: s.updatedAt.toISOString(),
    endpoint: s.url,
    events: typesOf(s),
    enabled: s.state === 'active',
  };
}

const isOk = (status: number | null | undefined) => status !== null && status !== undefined && status >= 200 && status < 300;

/** SUCCESS for a 2xx, FAILURE for anything else (another status, or no response at all). */
export function attemptStatus(responseStatus: number | null): EventStatus {
  return isOk(responseStatus) ? 'SUCCESS' : 'FAILURE';
}

/**
 * SUCCESS once delivered, FAILURE when dead or when the latest attempt failed; while an attempt is queued again
 * (a retry) the latest attempt's outcome stands; never attempted and not dead → no status.
 */
export function eventStatus(e: Pick<DeliveryLogEntry, 'status' | 'attempted' | 'lastResponseStatus'>): EventStatus | undefined {
  if (e.status === 'success') return 'SUCCESS';
  if (e.status === 'dead') return 'FAILURE';
  if (!e.attempted) return undefined;
  return attemptStatus(e.lastResponseStatus);
}

/** The log entry of a delivery whose attempts are loaded (the detail route). */
export function logEntryOf(d: WebhookDelivery, attempts: WebhookDeliveryAttempt[]): DeliveryLogEntry {
  const last = attempts.at(-1);
  return {
    deliveryId: d.id, eventId: d.eventId ?? '', createdAt: d.createdAt, status: d.status, completedAt: d.completedAt,
    lastAttemptAt: last?.createdAt ?? null, lastResponseStatus: last?.responseStatus ?? null, attempted: !!last,
  };
}

/** `updated`: the last thing that happened to the event at this webhook (created, attempted, settled). */
function updatedAt(e: DeliveryLogEntry): Date {
  const times = [e.createdAt, e.completedAt, e.lastAttemptAt].filter((t): t is Date => t !== null);
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

export function toEventSummary(e: DeliveryLogEntry, event: { type: string; createdAt: Date }): FlexEngageEventSummary {
  const status = eventStatus(e);
  return {
    id: e.eventId,
    type: toDialectType(event.type),
    created: event.createdAt.toISOString(),
    updated: updatedAt(e).toISOString(),
    ...(status && { status }),
  };
}

/** Null fields are left out (the dialect's schema has no nulls): a timeout has no statusCode, headers or body. */
function defined<T extends object>(o: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}

export function toAttempt(a: WebhookDeliveryAttempt): FlexEngageAttempt {
  return {
    id: a.id,
    created: a.createdAt.toISOString(),
    status: attemptStatus(a.responseStatus),
    request: { endpoint: a.url, ...defined({ headers: a.requestHeaders }) },
    response: defined({ statusCode: a.responseStatus, headers: a.responseHeaders, body: a.responseBodySnippet, time: a.latencyMs }),
  };
}

export function toEventDetail(d: WebhookDelivery, attempts: WebhookDeliveryAttempt[], event: { type: string; createdAt: Date }): FlexEngageEventDetail {
  return { ...toEventSummary(logEntryOf(d, attempts), event), attempts: attempts.map(toAttempt) };
}

/**
 * A page from `size + 1` fetched entries: `lastId` is the last event shown when more follow (pass it as
 * `startId`), null on the last page; `startId` echoes the request's.
 */
export function toEventsPage(
  entries: DeliveryLogEntry[],
  events: Map<string, { type: string; createdAt: Date }>,
  size: number,
  startId: string | null,
): FlexEngageEventsPage {
  const shown = entries.slice(0, size).filter((e) => events.has(e.eventId));
  const more = entries.length > size;
  return {
    events: shown.map((e) => toEventSummary(e, events.get(e.eventId)!)),
    page: { size, startId, lastId: more ? entries[size - 1].eventId : null },
  };
}
