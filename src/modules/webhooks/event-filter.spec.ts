import { EVENT_FILTER_PATTERN, matchesEventFilter, matchesTypePrefix } from './event-filter';

describe('matchesEventFilter', () => {
  it.each([
    ['*', 'order.created', true],
    ['*', 'x', true],
    ['order.created', 'order.created', true],
    ['order.created', 'order.updated', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order.item.created', false],
    ['order.*', 'invoice.created', false],
    ['*.failed', 'payment.failed', true],
    ['*.failed', 'payment.succeeded', false],
    ['send_job.*', 'send_job.completed', true],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['order', 'order.created', false],
    ['order.created', 'ORDER.Created', true],
    ['order.*', 'ORDER.CREATED', true],
  ])('%s vs %s → %s', (filter, type, expected) => expect(matchesEventFilter(filter, type)).toBe(expected));

  it('validates filter syntax', () => {
    for (const ok of ['*', 'order.created', 'order.*', '*.failed', 'a.*.c']) expect(EVENT_FILTER_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'order.', '.order', 'order..x', 'Order.Created', 'order.cre*', '**']) expect(EVENT_FILTER_PATTERN.test(bad)).toBe(false);
  });
});

describe('matchesTypePrefix', () => {
  it.each([
    ['ORDER_EVENTS.OMS', 'order_events.oms.order_shipped', true],
    ['ORDER_EVENTS.OMS', 'ORDER_EVENTS.OMS', true],
    ['ORDER_EVENTS', 'order_events.tracking.shipment_delivered', true],
    ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'order_events.oms.order_shipped', true],
    ['ORDER_EVENTS.OMS', 'order_events.omsx.order_shipped', false],
    ['ORDER_EVENTS.OMS', 'order_events.tracking.shipment_delivered', false],
    ['ORDER_EVENTS.OMS.ORDER_SHIPPED', 'order_events.oms', false],
    ['RECEIPTS', 'receipts', true],
    ['RECEIPTS', 'receipts_v2', false],
  ])('%s vs %s → %s', (pattern, type, expected) => expect(matchesTypePrefix(pattern, type)).toBe(expected));
});
