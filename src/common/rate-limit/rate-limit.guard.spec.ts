import { RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimitHeaders } from './rate-limit.guard';

describe('rateLimitHeaders', () => {
  const now = 1_700_000_000_000;
  it('reports remaining and the reset second', () => {
    const res = new RateLimiterRes(3, 12_500, 2, false);
    expect(rateLimitHeaders(5, res, false, now)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(Math.ceil((now + 12_500) / 1000)),
    });
  });
  it('adds Retry-After (at least 1 s) when refused', () => {
    const res = new RateLimiterRes(0, 200, 6, false);
    expect(rateLimitHeaders(5, res, true, now)['Retry-After']).toBe('1');
    expect(rateLimitHeaders(5, res, true, now)['X-RateLimit-Remaining']).toBe('0');
  });
});
