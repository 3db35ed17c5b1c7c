import { rateLimitHeaders } from './rate-limit.guard';

describe('rateLimitHeaders', () => {
  const now = 1_700_000_000_000;
  it('reports remaining and the reset second', () => {
    const res = { remainingPoints: 3, msBeforeNext: 12_500 };
    expect(rateLimitHeaders(5, res, false, now)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(Math.ceil((now + 12_500) / 1000)),
    });
  });
  it('adds Retry-After (at least 1 s) when refused', () => {
    const res = { remainingPoints: 0, msBeforeNext: 200 };
    expect(rateLimitHeaders(5, res, true, now)['Retry-After']).toBe('1');
    expect(rateLimitHeaders(5, res, true, now)['X-RateLimit-Remaining']).toBe('0');
  });
});
