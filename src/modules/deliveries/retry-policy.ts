/** What happens to a delivery after one attempt. */
export type AttemptOutcome =
  | { kind: 'success' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead'; reason: string; disableSubscription: boolean };

export interface AttemptResult {
  status: number | null;
  errorCode: string | null;
  /** The response's Retry-After header, if any. */
  retryAfter?: string | null;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null when absent/unparsable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Delay before the attempt after `attemptsMade` attempts, or null when the schedule is exhausted
 * (schedule.length retries → schedule.length + 1 attempts in all). Jitter spreads ±20 % so a receiver that comes
 * back is not hit by every delivery at the same instant.
 */
export function retryDelayMs(schedule: readonly number[], attemptsMade: number, random: () => number = Math.random): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

/** Errors worth retrying: the receiver may come back. An SSRF refusal or a bad URL will not. */
const PERMANENT_ERRORS = new Set(['ssrf_blocked', 'invalid_url']);
/** Longest Retry-After honoured, so a receiver cannot park a delivery forever. */
const MAX_RETRY_AFTER_MS = 12 * 60 * 60 * 1000;

/**
 * DESIGN "Delivery": 2xx success; 3xx refused (redirects are not followed) and 4xx except 408/429 → dead at
 * once, 410 also disables the subscription; 429 honours Retry-After; 5xx, 408, timeouts and connection errors
 * retry on the schedule, then dead.
 */
export function decideOutcome(result: AttemptResult, attemptsMade: number, schedule: readonly number[], random: () => number = Math.random): AttemptOutcome {
  const { status, errorCode } = result;
  if (status !== null && status >= 200 && status < 300) return { kind: 'success' };
  if (errorCode && PERMANENT_ERRORS.has(errorCode)) return { kind: 'dead', reason: errorCode, disableSubscription: false };
  if (status !== null && status >= 300 && status < 400) return { kind: 'dead', reason: 'redirect_refused', disableSubscription: false };
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'dead', reason: `http_${status}`, disableSubscription: status === 410 };
  }
  const scheduled = retryDelayMs(schedule, attemptsMade, random);
  if (scheduled === null) return { kind: 'dead', reason: 'retries_exhausted', disableSubscription: false };
  const retryAfter = status === 429 ? parseRetryAfter(result.retryAfter) : null;
  return { kind: 'retry', delayMs: retryAfter !== null ? Math.min(retryAfter, MAX_RETRY_AFTER_MS) : scheduled };
}
