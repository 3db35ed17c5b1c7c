import { DeliveryLogEntry } from '../../../deliveries/deliveries.repository';
import { WebhookDeliveryAttempt } from '../../../deliveries/entities/webhook-delivery-attempt.entity';
import { WebhookDelivery } from '../../../deliveries/entities/webhook-delivery.entity';
import { WebhookSubscription } from '../../entities/webhook-subscription.entity';
import { attemptStatus, eventStatus, toAttempt, toEventDetail, toEventsPage, toWebhookResponse } from './flexengage.mapper';
import { isFlexEngageTypePattern, normalizeTypes, sameTypeSet } from './flexengage-types';

const t0 = new Date('2026-11-29T10:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

const entry = (over: Partial<DeliveryLogEntry> = {}): DeliveryLogEntry => ({
  deliveryId: 'd1', eventId: 'e1', createdAt: t0, status: 'pending', completedAt: null, lastAttemptAt: null, lastResponseStatus: null, attempted: false, ...over,
});

describe('flexEngage types', () => {
  it('accepts enum types and their dot-part prefixes, any case', () => {
    for (const ok of ['ORDER_EVENTS', 'ORDER_EVENTS.OMS', 'order_events.tracking', 'ORDER_EVENTS.OMS.ORDER_SHIPPED', 'NOTIFICATION.SMS', 'RECEIPTS']) {
      expect(isFlexEngageTypePattern(ok)).toBe(true);
    }
    for (const bad of ['ORDER', 'ORDER_EVENTS.OM', 'ORDER_EVENTS.OMS.', 'ORDER_EVENTS.OMS.NOPE', '', 'RECEIPTS.X', 42]) expect(isFlexEngageTypePattern(bad)).toBe(false);
  });

  it('normalizes to upper case without duplicates and compares sets order-insensitively', () => {
    expect(normalizeTypes(['order_events.oms', 'RECEIPTS', 'ORDER_EVENTS.OMS'])).toEqual(['ORDER_EVENTS.OMS', 'RECEIPTS']);
    expect(sameTypeSet(['A', 'B'], ['b', 'a'])).toBe(true);
    expect(sameTypeSet(['A', 'B'], ['A'])).toBe(false);
    expect(sameTypeSet(['A', 'A', 'B'], ['B', 'A'])).toBe(true);
  });
});

describe('statuses', () => {
  it('an attempt succeeds on 2xx only', () => {
    expect(attemptStatus(200)).toBe('SUCCESS');
    expect(attemptStatus(204)).toBe('SUCCESS');
    expect(attemptStatus(302)).toBe('FAILURE');
    expect(attemptStatus(500)).toBe('FAILURE');
    expect(attemptStatus(null)).toBe('FAILURE');
  });

  it('an event: SUCCESS once delivered, FAILURE when dead or its last attempt failed, none before any attempt', () => {
    expect(eventStatus(entry())).toBeUndefined();
    expect(eventStatus(entry({ status: 'success', attempted: true, lastResponseStatus: 200 }))).toBe('SUCCESS');
    expect(eventStatus(entry({ status: 'failed', attempted: true, lastResponseStatus: 500 }))).toBe('FAILURE');
    expect(eventStatus(entry({ status: 'dead' }))).toBe('FAILURE'); // dead without an attempt (paused webhook)
    expect(eventStatus(entry({ status: 'pending', attempted: true, lastResponseStatus: 503 }))).toBe('FAILURE'); // retry queued
    expect(eventStatus(entry({ status: 'pending', attempted: true, lastResponseStatus: 200 }))).toBe('SUCCESS');
  });
});

describe('toWebhookResponse', () => {
  it('shows the filter_spec types and enabled only when active', () => {
    const sub = Object.assign(new WebhookSubscription(), {
      id: 'w1', createdAt: t0, updatedAt: at(5), url: 'https://example.com/hook', state: 'active', filterSpec: { types: ['ORDER_EVENTS.OMS'] },
    });
    expect(toWebhookResponse(sub)).toEqual({
      id: 'w1', created: t0.toISOString(), updated: at(5).toISOString(), endpoint: 'https://example.com/hook', events: ['ORDER_EVENTS.OMS'], enabled: true,
    });
    expect(toWebhookResponse(Object.assign(sub, { state: 'paused' })).enabled).toBe(false);
    expect(toWebhookResponse(Object.assign(sub, { state: 'disabled' })).enabled).toBe(false);
  });
});

describe('events', () => {
  const attempt = (n: number, over: Partial<WebhookDeliveryAttempt>): WebhookDeliveryAttempt =>
    Object.assign(new WebhookDeliveryAttempt(), {
      id: `a${n}`, createdAt: at(n), deliveryId: 'd1', attemptNumber: n, url: 'https://example.com/hook', requestHeaders: { 'webhook-id': 'e1' },
      responseStatus: null, responseHeaders: null, responseBodySnippet: null, latencyMs: null, ...over,
    });

  it('an attempt without a response leaves the response fields out rather than null', () => {
    expect(toAttempt(attempt(1, { latencyMs: 5000, errorCode: 'timeout' }))).toEqual({
      id: 'a1', created: at(1).toISOString(), status: 'FAILURE', request: { endpoint: 'https://example.com/hook', headers: { 'webhook-id': 'e1' } }, response: { time: 5000 },
    });
  });

  it('the detail: upper-case type, attempts in order, updated = the latest thing that happened', () => {
    const d = Object.assign(new WebhookDelivery(), { id: 'd1', eventId: 'e1', createdAt: t0, status: 'success', completedAt: at(3) });
    const attempts = [
      attempt(1, { responseStatus: 500, responseHeaders: { 'content-type': 'text/plain' }, responseBodySnippet: 'boom', latencyMs: 12 }),
      attempt(2, { responseStatus: 200, responseHeaders: { 'content-type': 'text/plain' }, responseBodySnippet: 'ok', latencyMs: 8 }),
    ];
    const detail = toEventDetail(d, attempts, { type: 'order_events.oms.order_shipped', createdAt: t0 });
    expect(detail).toMatchObject({ id: 'e1', type: 'ORDER_EVENTS.OMS.ORDER_SHIPPED', created: t0.toISOString(), updated: at(3).toISOString(), status: 'SUCCESS' });
    expect(detail.attempts.map((a) => [a.status, a.response.statusCode, a.response.body, a.response.time])).toEqual([['FAILURE', 500, 'boom', 12], ['SUCCESS', 200, 'ok', 8]]);
  });

  it('a page: lastId is the last event shown when more follow, null on the last page; startId echoes the request', () => {
    const entries = [3, 2, 1].map((n) => entry({ deliveryId: `d${n}`, eventId: `e${n}`, createdAt: at(n) }));
    const events = new Map(entries.map((e) => [e.eventId, { type: 'receipts', createdAt: e.createdAt }]));
    const first = toEventsPage(entries, events, 2, null);
    expect(first.events.map((e) => e.id)).toEqual(['e3', 'e2']);
    expect(first.page).toEqual({ size: 2, startId: null, lastId: 'e2' });
    expect(first.events[0]).not.toHaveProperty('status');
    const last = toEventsPage(entries.slice(2), events, 2, 'e2');
    expect(last.events.map((e) => e.id)).toEqual(['e1']);
    expect(last.page).toEqual({ size: 2, startId: 'e2', lastId: null });
  });
});
