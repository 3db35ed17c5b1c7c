import { decideOutcome, parseRetryAfter, retryDelayMs } from './retry-policy';

const schedule = [30, 120, 600];
const mid = () => 0.5;

describe('retryDelayMs', () => {
  it('follows the schedule with ±20 % jitter and ends after it', () => {
    expect(retryDelayMs(schedule, 1, mid)).toBe(30_000);
    expect(retryDelayMs(schedule, 2, mid)).toBe(120_000);
    expect(retryDelayMs(schedule, 3, () => 0)).toBe(480_000);
    expect(retryDelayMs(schedule, 3, () => 1)).toBe(720_000);
    expect(retryDelayMs(schedule, 4, mid)).toBeNull();
  });
  it('default schedule grows roughly exponentially', () => {
    const def = [30, 120, 600, 1800, 3600, 10800, 21600, 43200];
    const delays = def.map((_, i) => retryDelayMs(def, i + 1, mid)!);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
    expect(retryDelayMs(def, 9, mid)).toBeNull();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter(new Date(10_000 + 7000).toUTCString(), 10_000)).toBe(7000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe('decideOutcome', () => {
  const r = (status: number | null, errorCode: string | null = null, retryAfter?: string) => ({ status, errorCode, retryAfter });
  it('2xx succeeds', () => expect(decideOutcome(r(204), 1, schedule)).toEqual({ kind: 'success' }));
  it('4xx is dead at once; 410 also disables', () => {
    expect(decideOutcome(r(404), 1, schedule)).toEqual({ kind: 'dead', reason: 'http_404', disableSubscription: false });
    expect(decideOutcome(r(410), 1, schedule)).toEqual({ kind: 'dead', reason: 'http_410', disableSubscription: true });
  });
  it('3xx is refused', () => expect(decideOutcome(r(302), 1, schedule)).toMatchObject({ kind: 'dead', reason: 'redirect_refused' }));
  it('5xx, 408, timeouts and connection errors retry on the schedule', () => {
    expect(decideOutcome(r(500), 1, schedule, mid)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideOutcome(r(408), 2, schedule, mid)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decideOutcome(r(null, 'timeout'), 1, schedule, mid)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideOutcome(r(null, 'connection_refused'), 3, schedule, mid)).toEqual({ kind: 'retry', delayMs: 600_000 });
    expect(decideOutcome(r(503), 4, schedule, mid)).toEqual({ kind: 'dead', reason: 'retries_exhausted', disableSubscription: false });
  });
  it('429 honours Retry-After, else the schedule', () => {
    expect(decideOutcome(r(429, null, '2'), 1, schedule, mid)).toEqual({ kind: 'retry', delayMs: 2000 });
    expect(decideOutcome(r(429), 1, schedule, mid)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideOutcome(r(429, null, '2'), 4, schedule, mid)).toMatchObject({ kind: 'dead' });
  });
  it('an SSRF refusal is dead at once', () => expect(decideOutcome(r(null, 'ssrf_blocked'), 1, schedule)).toMatchObject({ kind: 'dead', reason: 'ssrf_blocked' }));
});
