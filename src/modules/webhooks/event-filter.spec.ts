import { EVENT_FILTER_PATTERN, matchesEventFilter } from './event-filter';

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
  ])('%s vs %s → %s', (filter, type, expected) => expect(matchesEventFilter(filter, type)).toBe(expected));

  it('validates filter syntax', () => {
    for (const ok of ['*', 'order.created', 'order.*', '*.failed', 'a.*.c']) expect(EVENT_FILTER_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'order.', '.order', 'order..x', 'Order.Created', 'order.cre*', '**']) expect(EVENT_FILTER_PATTERN.test(bad)).toBe(false);
  });
});
