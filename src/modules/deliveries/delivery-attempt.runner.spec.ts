import { OutboundResponse } from '../../common/outbound/safe-http';
import { settlement, subscriptionEffect } from './delivery-attempt.runner';

const res = (status: number | null): OutboundResponse => ({
  status, headers: null, body: null, truncated: false, latencyMs: 5, errorCode: null, errorDetail: null,
});
const now = new Date('2026-01-01T00:00:00Z');

describe('settlement', () => {
  it('success and dead complete the row; dead keeps its reason', () => {
    expect(settlement(1, res(200), { kind: 'success' }, now)).toEqual({
      attemptsMade: 1, finalStatusCode: 200, status: 'success', nextAttemptAt: null, completedAt: now, deadReason: null,
    });
    expect(settlement(2, res(404), { kind: 'dead', reason: 'http_404', disableSubscription: false }, now)).toMatchObject({
      attemptsMade: 2, status: 'dead', completedAt: now, deadReason: 'http_404',
    });
  });

  it('a retry leaves the row failed and due after the delay', () => {
    expect(settlement(1, res(503), { kind: 'retry', delayMs: 1500 }, now)).toEqual({
      attemptsMade: 1, finalStatusCode: 503, status: 'failed', nextAttemptAt: new Date(now.getTime() + 1500), completedAt: null, deadReason: null,
    });
  });
});

describe('subscriptionEffect', () => {
  it('counts deads, marks 410 as gone, leaves retries alone', () => {
    expect(subscriptionEffect({ kind: 'success' })).toBe('success');
    expect(subscriptionEffect({ kind: 'dead', reason: 'http_404', disableSubscription: false })).toBe('dead');
    expect(subscriptionEffect({ kind: 'dead', reason: 'http_410', disableSubscription: true })).toBe('gone');
    expect(subscriptionEffect({ kind: 'retry', delayMs: 1 })).toBeNull();
  });
});
