import { RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimitHeaders, shareOut } from './rate-limit.guard';

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

describe('shareOut', () => {
  it('answers each of n coalesced requests as n separate consumes would have', () => {
    // 4 requests consumed together took the window's counter from 3 to 7, against a limit of 5.
    const total = new RateLimiterRes(0, 9_000, 7, false);
    const answers = [0, 1, 2, 3].map((i) => shareOut(5, total, 4, i));
    expect(answers.map((a) => a.res.consumedPoints)).toEqual([4, 5, 6, 7]);
    expect(answers.map((a) => a.res.remainingPoints)).toEqual([1, 0, 0, 0]);
    expect(answers.map((a) => a.refused)).toEqual([false, false, true, true]);
    expect(answers.every((a) => a.res.msBeforeNext === 9_000)).toBe(true);
  });

  it('a single request is the limiter answer itself', () => {
    const { res, refused } = shareOut(10, new RateLimiterRes(9, 60_000, 1, true), 1, 0);
    expect(refused).toBe(false);
    expect(res).toMatchObject({ remainingPoints: 9, consumedPoints: 1, msBeforeNext: 60_000, isFirstInDuration: true });
  });
});
