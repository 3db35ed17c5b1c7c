import { subscriptionMatches } from './subscription-match';

describe('subscriptionMatches', () => {
  const event = (type: string, data: Record<string, unknown> = {}) => ({ type, cloudEvent: () => ({ type, source: '/x', data }) });

  it('uses event_filter when there is no filter_spec', () => {
    const sub = { event_filter: 'email.*', filter_spec: null, origin: 'v1' };
    expect(subscriptionMatches(sub, event('email.bounced'))).toBe(true);
    expect(subscriptionMatches(sub, event('send_job.completed'))).toBe(false);
  });

  it("uses a flexEngage webhook's types (any of them, hierarchically, any case) and ignores event_filter", () => {
    const sub = { event_filter: '*', filter_spec: { types: ['NOTIFICATION.SMS.RECEIPT', 'ORDER_EVENTS.OMS'] }, origin: 'flexengage' };
    expect(subscriptionMatches(sub, event('order_events.oms.order_cancelled'))).toBe(true);
    expect(subscriptionMatches(sub, event('notification.sms.receipt'))).toBe(true);
    expect(subscriptionMatches(sub, event('order_events.tracking.unknown'))).toBe(false);
    expect(subscriptionMatches(sub, event('anything.else'))).toBe(false);
  });

  it('matches nothing for a filter_spec of a dialect it does not know, or a malformed flexEngage spec', () => {
    expect(subscriptionMatches({ event_filter: '*', filter_spec: { x: 1 }, origin: 'unknown' }, event('a.b'))).toBe(false);
    expect(subscriptionMatches({ event_filter: '*', filter_spec: { types: [1] }, origin: 'flexengage' }, event('a.b'))).toBe(false);
    expect(subscriptionMatches({ event_filter: '*', filter_spec: { types: ['A'] }, origin: 'v1' }, event('a'))).toBe(false);
  });

  it("uses a Marigold subscription's filters and advanced filters on the CloudEvent view", () => {
    const sub = {
      event_filter: '*',
      filter_spec: { filters: ['*.bounced'], advanced: [{ key: 'data.email', operator: 'stringEndsWith', values: ['@example.com'] }] },
      origin: 'marigold',
    };
    expect(subscriptionMatches(sub, event('email.bounced', { email: 'a@example.com' }))).toBe(true);
    expect(subscriptionMatches(sub, event('email.bounced', { email: 'a@other.org' }))).toBe(false);
    expect(subscriptionMatches(sub, event('email.delivered', { email: 'a@example.com' }))).toBe(false);
  });
});
